"""Who reads an issued document depends on its kind (issue 20 item 1, decision 0021): the register,
the links of the person's page and timeline, and the kind's own pages ask its readers."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.discipline.models import DisciplinaryCase
from residanat.documents import kinds
from residanat.documents.models import IssuedDocument
from residanat.documents.readers import Readers
from residanat.payroll.documents import RUN_SUMMARY
from tests.accounts.factories import UserFactory, user_with_role
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import (
    EstablishmentFactory,
    FacultyFactory,
    HospitalCentreFactory,
    HospitalServiceFactory,
)
from tests.web import cases_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    faculty, centre = FacultyFactory(), HospitalCentreFactory()
    centre.faculties.add(faculty)
    service = HospitalServiceFactory(establishment=EstablishmentFactory(hospital_centre=centre))
    trainee = user_with_role(Role.TRAINEE)
    person = PersonFactory(user=trainee)
    status = TraineeStatusFactory(person=person, faculty=faculty, hospital_centre=centre, service=service)
    return {"faculty": faculty, "centre": centre, "service": service, "person": person, "status": status,
            "trainee": trainee, "admin": UserFactory(is_superuser=True, is_staff=True)}


def issued(kind, person=None, by=None):
    return IssuedDocument.objects.create(
        number=f"T-{kind}-{IssuedDocument.objects.count()}", kind=kind, title=str(kinds.label(kind)),
        language="fr", person=person, issued_by=by, content_hash="0" * 64, file_sha256="0" * 64, size=9,
        file=ContentFile(b"%PDF-1.4\n", name=f"{kind}.pdf"))


def download(client, document):
    return client.get(f"/documents/{document.pk}/telecharger/").status_code


def test_a_head_of_service_cannot_download_the_payslip_of_a_trainee_of_their_service(world, verified_client):
    payslip = issued("payslip", world["person"], world["admin"])
    head = verified_client(user_with_role(Role.HEAD_OF_SERVICE, service=world["service"]))
    assert download(head, payslip) == 404


@pytest.mark.parametrize("role", [Role.PAYROLL_OFFICER, Role.COMMITTEE_MEMBER], ids=str)
def test_the_chu_payroll_and_committee_cannot_download_a_disciplinary_decision(world, verified_client, role):
    DisciplinaryCase.objects.create(status=world["status"], regime="D93", facts="Faits", opened_by=world["admin"])
    decision = issued("discipline_decision", world["person"], world["admin"])
    reader = verified_client(user_with_role(role, hospital_centre=world["centre"]))
    assert download(reader, decision) == 404


def test_a_committee_member_cannot_download_a_commitment_statement(world, verified_client):
    statement = issued("commitment_statement", world["person"], world["admin"])
    member = verified_client(user_with_role(Role.COMMITTEE_MEMBER, hospital_centre=world["centre"]))
    assert download(member, statement) == 404


def test_the_person_concerned_reads_every_kind_of_their_documents(world):
    client = Client()
    client.force_login(world["trainee"])
    for kind in kinds.registered():
        assert download(client, issued(kind, world["person"], world["admin"])) == 200, kind


def test_the_issuer_reads_what_they_issued_only_while_they_hold_the_role(world, verified_client):
    officer = user_with_role(Role.PAYROLL_OFFICER, hospital_centre=world["centre"])
    summary = issued(RUN_SUMMARY, None, officer)
    assert download(verified_client(officer), summary) == 200
    # The assignment ends (yesterday): the issuer no longer reads it.
    officer.role_assignments.update(valid_from=dt.date(2020, 1, 1),
                                    valid_to=timezone.localdate() - dt.timedelta(days=1))
    assert download(verified_client(officer), summary) == 404


def test_an_issuer_holding_another_role_than_the_kinds_readers_does_not_read_it(world, verified_client):
    """A dean's office that issued a payslip (it cannot, but the register must not trust that)
    reads it only as a payroll reader would: not at all."""
    dean = user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory())
    payslip = issued("payslip", PersonFactory(), dean)
    assert download(verified_client(dean), payslip) == 404


def test_every_registered_kind_declares_its_readers_and_has_a_row_in_the_matrix():
    registered = kinds.registered()
    assert registered, "no kind registered: the apps' ready() import their document modules"
    assert all(isinstance(readers, Readers) for readers in registered.values())
    assert set(registered) == set(cases_documents.READERS), (
        "every kind of document needs its row in tests/web/cases_documents.READERS")


def test_a_kind_registered_without_readers_is_refused():
    with pytest.raises(TypeError):
        kinds.register("unread_kind", "Sans lecteurs")
    with pytest.raises(TypeError):
        kinds.register("unread_kind", "Sans lecteurs", readers=None)
    assert "unread_kind" not in kinds.registered()


def test_the_person_page_and_the_timeline_link_only_the_documents_the_reader_may_open(world, verified_client):
    DisciplinaryCase.objects.create(status=world["status"], regime="D93", facts="Faits", opened_by=world["admin"])
    payslip = issued("payslip", world["person"], world["admin"])
    decision = issued("discipline_decision", world["person"], world["admin"])
    head = verified_client(user_with_role(Role.HEAD_OF_SERVICE, service=world["service"]))
    page = head.get(reverse("people:detail", args=[world["person"].pk])).content.decode()
    assert reverse("documents:download", args=[decision.pk]) in page
    assert reverse("documents:download", args=[payslip.pk]) not in page
    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=world["faculty"]))
    timeline = dean.get(reverse("careers:person-timeline", args=[world["person"].pk]))
    assert timeline.status_code == 200
    links = timeline.content.decode()
    assert reverse("documents:download", args=[decision.pk]) in links
    assert reverse("documents:download", args=[payslip.pk]) not in links
    # The careers API lists the same documents (one build_timeline, one kinds.readable).
    api = dean.get(f"/api/v1/careers/people/{world['person'].pk}/timeline").json()
    listed = {e["facts"]["document_id"] for e in api["events"] if e["kind"] == "document"}
    assert listed == {decision.pk}
