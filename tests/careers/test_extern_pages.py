"""The externs' pages in French and Arabic: the list for an academic year, the enrolment import
(preview, then confirm), the dean's proposal of services and the director's assignment (D93
art. 2, 5), and the API that reads them."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from residanat.accounts.roles import Role
from residanat.careers.externs import do_assign_extern_batch, do_propose_extern_batch
from residanat.careers.models import EnrolmentImport, ExternAssignmentBatch, Rotation
from residanat.people.models import TraineeStatus
from tests.accounts.factories import user_with_role
from tests.careers.test_enrolment import csv_bytes, row
from tests.careers.world import CareersWorld
from tests.people.factories import PersonFactory
from tests.referential.factories import FacultyFactory, HospitalCentreFactory

pytestmark = pytest.mark.django_db
D = dt.date
START, END = D(2025, 10, 1), D(2025, 12, 31)


@pytest.fixture
def world():
    return CareersWorld()


def upload(data, name="inscrits.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def service_code(service):
    return f"{service.establishment.code}/{service.code}"


def proposed(world, person_ids=("BK400001",), key="paediatrics"):
    rows = [{"identifier": cin, "service": service_code(world.service(key))} for cin in person_ids]
    return do_propose_extern_batch(world.faculty, world.centre, "Externes, 1er trimestre", START, END,
                                   "PV 3/2025", rows, world.dean).batch


# --- the list --------------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_list_shows_the_year_s_externs_with_repeat_flag_and_current_service(world, verified_client, prefix):
    repeating = world.extern(person=PersonFactory(national_id="BK400001", last_name="Repetto",
                                                  last_name_ar="المكرر"), study_year=4, is_repeat=True)
    world.extern(person=PersonFactory(national_id="BK400002", last_name="Pharmakos", last_name_ar="الصيدلي"),
                 track="pharmacy", study_year=5)
    world.extern(person=PersonFactory(last_name="Ancien", last_name_ar="القديم"), start=D(2024, 9, 1))
    do_assign_extern_batch(proposed(world), world.director)
    client = verified_client(world.dean)
    page = client.get(f"{prefix}/parcours/externes/?year=2025&on=2025-11-15")
    assert page.status_code == 200
    html = page.content.decode()
    names = ("المكرر", "الصيدلي", "القديم") if prefix else ("REPETTO", "PHARMAKOS", "ANCIEN")
    assert names[0] in html and names[1] in html
    assert names[2] not in html  # another academic year
    assert page.context["totals"] == {"total": 2, "repeats": 1, "flagged": 1}
    rows = {s.pk: s for s in page.context["page"]}
    assert rows[repeating.pk].current_service == world.service("paediatrics")
    assert [s.person.last_name for s in page.context["page"] if s.flagged] == ["Pharmakos"]
    if prefix:
        assert 'dir="rtl"' in html
    filtered = client.get(f"{prefix}/parcours/externes/?year=2025&flagged=1")
    assert [s.person.last_name for s in filtered.context["page"]] == ["Pharmakos"]


def test_the_list_shows_only_the_user_s_faculty(world, verified_client):
    world.extern(person=PersonFactory(last_name="Nosotros"))
    other = CareersWorld()
    other.extern(person=PersonFactory(last_name="Ellos"))
    html = verified_client(world.dean).get("/parcours/externes/?year=2025").content.decode()
    assert "NOSOTROS" in html and "ELLOS" not in html


# --- the import ------------------------------------------------------------------------------------

def _form(world, data, **extra):
    return {"faculty": world.faculty.pk, "academic_year": "2026", "file": upload(data), **extra}


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_import_previews_counts_and_flags_then_writes_on_confirmation(world, verified_client, prefix):
    client = verified_client(world.dean)
    assert client.get(f"{prefix}/parcours/externes/import/").status_code == 200
    data = csv_bytes([row(), row(national_id="BK200002", last_name="Berrada", track="pharmacie", study_year="5"),
                      row(national_id="BK200003", last_name="Chraibi", study_year="1")])
    preview = client.post(f"{prefix}/parcours/externes/import/", _form(world, data))
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.ok and result.dry_run
    assert (result.counts["created"], result.counts["ignored"], result.counts["flagged"]) == (2, 1, 1)
    html = preview.content.decode()
    assert "BERRADA" in html and "CHRAIBI" in html
    assert [f.row for f in result.flagged] == [3]
    assert ('dir="rtl"' in html) == bool(prefix)
    assert not TraineeStatus.objects.filter(kind="extern").exists()
    done = client.post(f"{prefix}/parcours/externes/import/", {"action": "confirm", "token": preview.context["token"]})
    assert done.status_code == 302
    assert TraineeStatus.objects.filter(kind="extern", faculty=world.faculty, start_date=D(2026, 9, 1)).count() == 2
    assert EnrolmentImport.objects.get().statuses_created == 2


def test_the_import_shows_each_error_with_its_row_and_column_and_keeps_nothing(world, verified_client):
    client = verified_client(world.dean)
    data = csv_bytes([row(), row(national_id="BK200002", last_name="Berrada", study_year="x")])
    preview = client.post("/parcours/externes/import/", _form(world, data))
    html = preview.content.decode()
    assert [(e.row, e.column) for e in preview.context["result"].errors] == [(3, "study_year")]
    assert "study_year" in html and "Confirmer" not in html
    confirm = client.post("/parcours/externes/import/", {"action": "confirm", "token": preview.context["token"]})
    assert confirm.status_code == 302
    assert not TraineeStatus.objects.filter(kind="extern").exists()


def test_the_dean_of_another_faculty_cannot_import_for_this_one(world, verified_client):
    other_dean = user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory())
    response = verified_client(other_dean).post("/parcours/externes/import/", _form(world, csv_bytes([row()])))
    assert response.status_code == 200
    assert "faculty" in response.context["form"].errors
    assert not TraineeStatus.objects.filter(kind="extern").exists()


def test_the_director_has_no_import_page(world, verified_client):
    assert verified_client(world.director).get("/parcours/externes/import/").status_code == 403


def test_the_template_downloads_as_xlsx(world, verified_client):
    response = verified_client(world.dean).get("/parcours/externes/import/modele.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- the proposal and the assignment (D93 art. 5) --------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_dean_proposes_from_a_file_and_the_director_assigns(world, verified_client, prefix):
    first = world.extern(person=PersonFactory(national_id="BK400001", last_name="Premier"))
    dean = verified_client(world.dean)
    assert dean.get(f"{prefix}/parcours/externes/affectations/nouvelle/").status_code == 200
    data = f"identifier;service\nBK400001;{service_code(world.service('biology'))}\n".encode()
    response = dean.post(f"{prefix}/parcours/externes/affectations/nouvelle/", {
        "faculty": world.faculty.pk, "hospital_centre": world.centre.pk, "label": "Externes T1",
        "start_date": "2025-10-01", "end_date": "2025-12-31", "committee_opinion": "PV 3/2025",
        "file": upload(data, "affectation.csv")})
    batch = ExternAssignmentBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/parcours/externes/affectations/{batch.pk}/")
    detail = dean.get(f"{prefix}/parcours/externes/affectations/{batch.pk}/")
    assert detail.status_code == 200 and not detail.context["can_assign"]
    assert dean.post(f"{prefix}/parcours/externes/affectations/{batch.pk}/affecter/").status_code == 403

    director = verified_client(world.director)
    page = director.get(f"{prefix}/parcours/externes/affectations/{batch.pk}/")
    assert page.context["can_assign"]
    assert f"/affectations/{batch.pk}/affecter/" in page.content.decode()
    assert director.post(f"{prefix}/parcours/externes/affectations/{batch.pk}/affecter/").status_code == 302
    rotation = Rotation.objects.get()
    assert (rotation.status, rotation.service, rotation.start_date) == (first, world.service("biology"), START)
    listing = director.get(f"{prefix}/parcours/externes/affectations/")
    assert listing.status_code == 200 and "Externes T1" in listing.content.decode()


def test_a_proposal_with_bad_rows_shows_them_and_writes_nothing(world, verified_client):
    response = verified_client(world.dean).post("/parcours/externes/affectations/nouvelle/", {
        "faculty": world.faculty.pk, "hospital_centre": world.centre.pk, "label": "Externes T1",
        "start_date": "2025-10-01", "end_date": "2025-12-31", "committee_opinion": "PV 3/2025",
        "file": upload(b"identifier;service\nBK999999;nowhere/none\n", "affectation.csv")})
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(2, "identifier"), (2, "service")]
    assert not ExternAssignmentBatch.objects.exists()


def test_a_proposal_to_another_faculty_s_centre_is_refused_on_the_form(world, verified_client):
    world.extern(person=PersonFactory(national_id="BK400001"))
    centre = HospitalCentreFactory()
    response = verified_client(world.ministry).post("/parcours/externes/affectations/nouvelle/", {
        "faculty": world.faculty.pk, "hospital_centre": centre.pk, "label": "Externes T1",
        "start_date": "2025-10-01", "end_date": "2025-12-31", "committee_opinion": "PV",
        "file": upload(b"identifier;service\nBK400001;a/b\n", "affectation.csv")})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ExternAssignmentBatch.objects.exists()


def test_the_director_cannot_propose_and_other_faculties_do_not_see_the_batch(world, verified_client):
    world.extern(person=PersonFactory(national_id="BK400001"))
    batch = proposed(world)
    assert verified_client(world.director).get("/parcours/externes/affectations/nouvelle/").status_code == 403
    stranger = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    assert stranger.get(f"/parcours/externes/affectations/{batch.pk}/").status_code == 404
    other_director = verified_client(user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE,
                                                    hospital_centre=HospitalCentreFactory()))
    assert other_director.post(f"/parcours/externes/affectations/{batch.pk}/affecter/").status_code == 404
    assert not Rotation.objects.exists()


# --- the API ---------------------------------------------------------------------------------------

def test_the_api_lists_imports_and_batches_in_scope_with_the_rows(world, verified_client):
    world.extern(person=PersonFactory(national_id="BK400001", last_name="Premier"))
    batch = proposed(world)
    from residanat.careers.enrolment import do_import_enrolment

    do_import_enrolment(world.faculty, csv_bytes([row()]), academic_year=2026, start_date=D(2026, 9, 1),
                        end_date=D(2027, 8, 31), by=world.dean, dry_run=False, file_name="inscrits.csv")
    client = verified_client(world.dean)
    imports = client.get("/api/v1/careers/enrolments").json()
    assert [(i["academic_year"], i["statuses_created"], i["file_name"]) for i in imports] == [
        (2026, 1, "inscrits.csv")]
    batches = client.get("/api/v1/careers/extern-batches").json()
    assert [(b["id"], b["externs"], b["state"]) for b in batches] == [(batch.pk, 1, "proposed")]
    detail = client.get(f"/api/v1/careers/extern-batches/{batch.pk}").json()
    assert [(r["last_name"], r["service"]["code"]) for r in detail["rows"]] == [
        ("Premier", world.service("paediatrics").code)]
    assert "national_id" not in detail["rows"][0]

    stranger = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    assert stranger.get(f"/api/v1/careers/extern-batches/{batch.pk}").status_code == 404
    assert stranger.get("/api/v1/careers/extern-batches").json() == []
    assert stranger.get("/api/v1/careers/enrolments").json() == []
    assert verified_client(world.director).get("/api/v1/careers/enrolments").json() == []
