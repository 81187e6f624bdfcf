"""D93 art. 5: the dean's office proposes the externs' services after the pedagogical committee's
opinion, the hospital centre's director assigns them: every row checked first (row and column
named), one rotation per extern on assignment, all in one transaction."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import Workbook

from residanat.accounts.roles import Role
from residanat.careers.externs import (
    YearClass,
    batch_template,
    do_assign_extern_batch,
    do_propose_extern_batch,
    year_class,
)
from residanat.careers.models import ExternAssignmentBatch, Rotation
from tests.accounts.factories import user_with_role
from tests.careers.world import CareersWorld
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import (
    EstablishmentFactory,
    FacultyFactory,
    HospitalCentreFactory,
    HospitalServiceFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date
START, END = D(2025, 10, 1), D(2025, 12, 31)
OPINION = "PV de la commission pédagogique n° 12/2025"


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def world():
    return CareersWorld()


def code(service):
    return f"{service.establishment.code}/{service.code}"


def propose(world, rows, by=None, **extra):
    values = {"label": "Externes 4e année, 1er trimestre", "start": START, "end": END, "committee_opinion": OPINION}
    values.update(extra)
    return do_propose_extern_batch(world.faculty, world.centre, values["label"], values["start"], values["end"],
                                   values["committee_opinion"], rows, by or world.dean)


def two_externs(world):
    return (world.extern(person=PersonFactory(national_id="BK300001")),
            world.extern(person=PersonFactory(national_id="BK300002"), study_year=5))


def test_d93_art2_and_art6_year_classes():
    on = D(2025, 9, 1)
    assert year_class("medicine", 3, on) == YearClass.EXTERN
    assert year_class("medicine", 6, on) == YearClass.EXTERN
    assert year_class("medicine", 7, on) == YearClass.NOT_EXTERN
    assert year_class("dental", 5, on) == YearClass.EXTERN
    assert year_class("dental", 6, on) == YearClass.FLAGGED
    assert year_class("pharmacy", 3, on) == YearClass.NOT_EXTERN
    assert year_class("pharmacy", 4, on) == YearClass.EXTERN
    assert year_class("pharmacy", 5, on) == YearClass.FLAGGED
    assert year_class("pharmacy", 6, on) == YearClass.FLAGGED


def test_the_dean_proposes_and_the_director_assigns_one_rotation_per_extern(world):
    first, second = two_externs(world)
    paediatrics, surgery = world.service("paediatrics"), world.service("general_surgery")
    result = propose(world, [{"identifier": "BK300001", "service": code(paediatrics)},
                             {"identifier": "bk 300002", "establishment_code": surgery.establishment.code,
                              "service_code": surgery.code}])
    assert result.ok, result.error_messages()
    batch = result.batch
    assert batch.state == ExternAssignmentBatch.State.PROPOSED
    assert {(r.status, r.service) for r in batch.rows.all()} == {(first, paediatrics), (second, surgery)}
    assert not Rotation.objects.exists()

    do_assign_extern_batch(batch, world.director)
    batch.refresh_from_db()
    assert (batch.state, batch.assigned_by) == (ExternAssignmentBatch.State.ASSIGNED, world.director)
    assert batch.assigned_at is not None
    rotations = {(r.status, r.service, r.start_date, r.end_date, r.assigned_by) for r in Rotation.objects.all()}
    assert rotations == {(first, paediatrics, START, END, world.director),
                         (second, surgery, START, END, world.director)}


def test_the_rows_come_from_a_spreadsheet_too(world):
    two_externs(world)
    workbook = Workbook()
    workbook.active.append(["Identifiant", "Code établissement", "Code service"])
    service = world.service("paediatrics")
    workbook.active.append(["BK300001", service.establishment.code, service.code])
    workbook.active.append(["BK300002", service.establishment.code, service.code])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = propose(world, buffer.getvalue())
    assert result.ok, result.error_messages()
    assert result.batch.rows.count() == 2


def test_the_template_reads_back_as_a_proposal(world):
    from openpyxl import load_workbook

    two_externs(world)
    workbook = load_workbook(io.BytesIO(batch_template()))
    service = world.service("biology")
    workbook.worksheets[0].append(["BK300001", service.establishment.code, service.code])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert propose(world, buffer.getvalue()).ok


def test_every_bad_row_is_named_and_nothing_is_proposed(world):
    two_externs(world)
    other_centre = HospitalCentreFactory()
    elsewhere = HospitalServiceFactory(establishment=EstablishmentFactory(hospital_centre=other_centre))
    intern = world.intern(person=PersonFactory(national_id="BK300003"))
    other_faculty_extern = TraineeStatusFactory(
        kind="extern", study_year=4, person=PersonFactory(national_id="BK300004"), hospital_centre=world.centre,
        start_date=D(2025, 9, 1), end_date=D(2026, 8, 31))
    paediatrics = code(world.service("paediatrics"))
    rows = [
        {"identifier": "BK300001", "service": paediatrics},  # 2: fine
        {"identifier": "BK300001", "service": paediatrics},  # 3: twice in the batch
        {"identifier": "BK300002", "service": code(elsewhere)},  # 4: a service of another centre
        {"identifier": intern.person.national_id, "service": paediatrics},  # 5: not an extern
        {"identifier": other_faculty_extern.person.national_id, "service": paediatrics},  # 6: other faculty
        {"identifier": "", "service": paediatrics},  # 7: no identifier
        {"identifier": "BK300002", "service": "nowhere/none"},  # 8: unknown service
        {"identifier": "BK300002", "service": ""},  # 9: no service
    ]
    result = propose(world, rows)
    assert not result.ok and result.batch is None
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "identifier"), (4, "service"), (5, "identifier"), (6, "identifier"), (7, "identifier"),
        (8, "service"), (9, "service")]
    assert "D93 art. 5" in result.errors[1].message
    assert not ExternAssignmentBatch.objects.exists()


def test_an_extern_whose_status_does_not_cover_the_dates_is_refused(world):
    world.extern(person=PersonFactory(national_id="BK300005"), start=D(2024, 9, 1))  # ends 31/08/2025
    result = propose(world, [{"identifier": "BK300005", "service": code(world.service("paediatrics"))}])
    assert [(e.row, e.column) for e in result.errors] == [(2, "identifier")]
    assert "couvrant" in result.errors[0].message


def test_an_extern_already_in_a_rotation_over_the_dates_is_refused(world):
    first, _second = two_externs(world)
    batch = propose(world, [{"identifier": "BK300001", "service": code(world.service("paediatrics"))}]).batch
    do_assign_extern_batch(batch, world.director)
    again = propose(world, [{"identifier": "BK300001", "service": code(world.service("biology"))}],
                    start=D(2025, 12, 1), end=D(2026, 2, 28))
    assert [(e.row, e.column) for e in again.errors] == [(2, "identifier")]
    assert "déjà en stage" in again.errors[0].message


def test_d93_art5_the_committee_opinion_is_required(world):
    two_externs(world)
    with pytest.raises(ValidationError) as error:
        propose(world, [{"identifier": "BK300001", "service": code(world.service("paediatrics"))}],
                committee_opinion="  ")
    assert "committee_opinion" in error.value.message_dict
    assert "D93 art. 5" in error.value.message_dict["committee_opinion"][0]
    assert not ExternAssignmentBatch.objects.exists()


def test_the_hospital_centre_must_be_the_faculty_s(world):
    two_externs(world)
    with pytest.raises(ValidationError) as error:
        do_propose_extern_batch(world.faculty, HospitalCentreFactory(), "x", START, END, OPINION,
                                [{"identifier": "BK300001", "service": "a/b"}], world.dean)
    assert "hospital_centre" in error.value.message_dict


def test_the_director_cannot_propose_nor_the_dean_of_another_faculty(world):
    two_externs(world)
    rows = [{"identifier": "BK300001", "service": code(world.service("paediatrics"))}]
    with pytest.raises(PermissionDenied):
        propose(world, rows, by=world.director)
    with pytest.raises(PermissionDenied):
        propose(world, rows, by=user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    assert not ExternAssignmentBatch.objects.exists()


def test_d93_art5_the_dean_cannot_assign_nor_another_centre_s_director(world):
    two_externs(world)
    batch = propose(world, [{"identifier": "BK300001", "service": code(world.service("paediatrics"))}]).batch
    for user in (world.dean, user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=HospitalCentreFactory()),
                 world.head_of("paediatrics")):
        with pytest.raises(PermissionDenied):
            do_assign_extern_batch(batch, user)
    batch.refresh_from_db()
    assert batch.state == ExternAssignmentBatch.State.PROPOSED
    assert not Rotation.objects.exists()


def test_a_batch_is_assigned_once(world):
    two_externs(world)
    batch = propose(world, [{"identifier": "BK300001", "service": code(world.service("paediatrics"))}]).batch
    do_assign_extern_batch(batch, world.ministry)
    with pytest.raises(ValidationError):
        do_assign_extern_batch(batch, world.director)
    assert Rotation.objects.count() == 1


def test_the_assignment_is_all_or_nothing(world):
    first, second = two_externs(world)
    paediatrics = code(world.service("paediatrics"))
    batch = propose(world, [{"identifier": "BK300001", "service": paediatrics},
                            {"identifier": "BK300002", "service": paediatrics}]).batch
    # Meanwhile the second extern was put in a service over the same dates.
    other = propose(world, [{"identifier": "BK300002", "service": code(world.service("biology"))}]).batch
    do_assign_extern_batch(other, world.director)
    with pytest.raises(ValidationError):
        do_assign_extern_batch(batch, world.director)
    batch.refresh_from_db()
    assert batch.state == ExternAssignmentBatch.State.PROPOSED
    assert not Rotation.objects.filter(status=first).exists()
