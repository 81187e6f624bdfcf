"""The candidates pages: the list with its filters, counts and export, the detail with the
documents, eligibility reasons in the page's language and the history, the withdrawal, and the
scope (a candidacy outside it answers 404; the candidate sees only their own)."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from openpyxl import load_workbook

from residanat.accounts.models import RoleAssignment
from residanat.accounts.roles import Role
from residanat.concours.eligibility import check_candidate
from residanat.concours.models import Candidate, CandidateDocument, Competition
from tests.accounts.factories import UserFactory, user_with_role
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.people.factories import PersonFactory
from tests.referential.factories import FacultyFactory, HospitalCentreFactory

pytestmark = pytest.mark.django_db
State = Competition.State
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def f1():
    return FacultyFactory()


@pytest.fixture
def competition(f1):
    chu = HospitalCentreFactory()
    return CompetitionFactory(faculty=f1, hospital_centre=chu, state=State.REGISTRATION_OPEN,
                              registration_closes_on=dt.date(2026, 11, 30))


def candidate_of(competition, number, user=None, **fields):
    person = PersonFactory(user=user, **fields.pop("person", {}))
    candidate = CandidateFactory(competition=competition, person=person, number=number, **fields)
    check_candidate(candidate)
    return candidate


def with_document(candidate, content=PDF, content_type="application/pdf", name="diplôme scanné.pdf"):
    document = CandidateDocument(candidate=candidate, kind="diploma", original_name=name, content_type=content_type,
                                 size=len(content), sha256="0" * 64)
    document.file.save("diploma.pdf", ContentFile(content), save=False)
    document.save()
    return document


def trainee():
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# --- the list -------------------------------------------------------------------------------------

def test_the_list_filters_by_state_route_nationality_and_searches_number_and_name(competition, f1, verified_client):
    candidate_of(competition, "R26-0001", person={"last_name": "Alami"})
    candidate_of(competition, "R26-0002", person={"last_name": "Berrada"}, civil_service_in_order=False)
    candidate_of(competition, "R26-0003", person={"last_name": "Diop", "nationality": "SN", "national_id": None,
                                                  "passport_number": "A1"})
    candidate_of(competition, "R26-0004", route="titles_military", military_assistant_passed=True,
                 person={"last_name": "Chraibi"})
    client = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    url = f"/concours/{competition.slug}/candidats/"

    def numbers(query=""):
        response = client.get(url + query)
        assert response.status_code == 200
        return [c.number for c in response.context["page"]]

    assert numbers() == ["R26-0001", "R26-0002", "R26-0003", "R26-0004"]
    assert numbers("?state=ineligible") == ["R26-0002"]
    assert numbers("?route=titles_military") == ["R26-0004"]
    assert numbers("?nationality=foreign") == ["R26-0003"]
    assert numbers("?nationality=ma&state=eligible") == ["R26-0001", "R26-0004"]
    assert numbers("?q=berr") == ["R26-0002"]
    assert numbers("?q=0003") == ["R26-0003"]
    counts = {value: n for value, label, n in client.get(url).context["counts"]}
    assert counts == {"registered": 0, "eligible": 3, "ineligible": 1, "withdrawn": 0}


def test_the_export_gives_the_national_id_to_the_staff_who_manage_the_competition_only(competition, f1,
                                                                                       verified_client):
    candidate_of(competition, "R26-0001", person={"national_id": "BK777001"})
    candidate_of(competition, "R26-0002", civil_service_in_order=False)
    url = f"/concours/{competition.slug}/candidats/export.xlsx"

    def sheet(user, query=""):
        response = verified_client(user).get(url + query)
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        return rows[0], rows[1:]

    header, rows = sheet(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    assert "CIN" in header
    assert rows[0][header.index("CIN")] == "BK777001"
    assert [r[0] for r in rows] == ["R26-0001", "R26-0002"]
    assert "D93 art. 21" in rows[1][header.index("Motifs")]

    header, rows = sheet(user_with_role(Role.HIGHER_EDUCATION_OFFICER), "?state=eligible")
    assert "CIN" not in header and "Passeport" not in header
    assert not any("BK777001" in str(v) for r in rows for v in r)
    assert [r[0] for r in rows] == ["R26-0001"]


# --- one candidate --------------------------------------------------------------------------------

def test_the_detail_shows_identity_facts_documents_and_reasons_in_the_page_language(competition, f1,
                                                                                    verified_client):
    candidate = candidate_of(competition, "R26-0001", civil_service_in_order=False,
                             person={"national_id": "BK424242"})
    with_document(candidate)
    client = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))

    page = client.get(f"/concours/candidats/{candidate.pk}/").content.decode()
    assert "BK424242" in page
    assert "diplôme scanné.pdf" in page
    assert "Situation vis-à-vis du service civil non en règle" in page and "D93 art. 21" in page
    assert "Enregistrer le désistement" in page
    arabic = client.get(f"/ar/concours/candidats/{candidate.pk}/").content.decode()
    assert "الوضعية إزاء الخدمة المدنية غير سليمة" in arabic


def test_a_reader_who_may_not_change_the_competition_does_not_see_the_cin(competition, verified_client):
    candidate = candidate_of(competition, "R26-0001", person={"national_id": "BK424242"})
    page = verified_client(user_with_role(Role.HIGHER_EDUCATION_OFFICER)).get(f"/concours/candidats/{candidate.pk}/")
    assert page.status_code == 200
    assert "BK424242" not in page.content.decode()
    assert "Enregistrer le désistement" not in page.content.decode()


def test_a_document_is_served_with_its_stored_type_and_name_as_an_attachment(competition, f1, verified_client):
    candidate = candidate_of(competition, "R26-0001")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 10
    document = with_document(candidate, png, "image/png", "carte.png")
    response = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1)).get(
        f"/concours/candidats/{candidate.pk}/pieces/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;") and "carte.png" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == png


def test_a_document_is_not_found_through_another_candidate_s_id(competition, f1, verified_client):
    first, second = candidate_of(competition, "R26-0001"), candidate_of(competition, "R26-0002")
    document = with_document(first)
    client = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    assert client.get(f"/concours/candidats/{second.pk}/pieces/{document.pk}/").status_code == 404


# --- scope ----------------------------------------------------------------------------------------

def test_the_dean_of_another_faculty_gets_404_on_every_page_of_a_candidate(competition, verified_client):
    candidate = candidate_of(competition, "R26-0001")
    document = with_document(candidate)
    client = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    for path in (f"/concours/candidats/{candidate.pk}/", f"/concours/candidats/{candidate.pk}/pieces/{document.pk}/",
                 f"/concours/candidatures/{candidate.pk}/recu.pdf", f"/concours/{competition.slug}/candidats/",
                 f"/concours/{competition.slug}/candidats/export.xlsx",
                 f"/concours/{competition.slug}/candidats/import/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/concours/candidats/{candidate.pk}/desistement/", {"reason": "x"}).status_code == 404
    candidate.refresh_from_db()
    assert candidate.state != Candidate.State.WITHDRAWN


def test_a_candidate_sees_only_their_own_candidacy_and_documents(competition):
    user = trainee()
    mine = candidate_of(competition, "R26-0001", user=user)
    other = candidate_of(competition, "R26-0002", user=trainee())
    my_document, other_document = with_document(mine), with_document(other)
    client = logged_in(user)

    page = client.get("/concours/mes-candidatures/")
    assert [c.number for c in page.context["candidacies"]] == ["R26-0001"]
    assert client.get(f"/concours/candidats/{mine.pk}/").status_code == 200
    assert client.get(f"/concours/candidats/{mine.pk}/pieces/{my_document.pk}/").status_code == 200
    assert client.get(f"/concours/candidats/{other.pk}/").status_code == 404
    assert client.get(f"/concours/candidats/{other.pk}/pieces/{other_document.pk}/").status_code == 404
    assert client.get(f"/concours/candidatures/{other.pk}/recu.pdf").status_code == 404
    # The competition's lists are for its staff.
    assert client.get(f"/concours/{competition.slug}/candidats/").status_code == 404
    # The candidate reads their file but cannot withdraw it from here.
    assert client.post(f"/concours/candidats/{mine.pk}/desistement/", {"reason": "x"}).status_code == 403


def test_a_candidate_who_holds_a_staff_role_still_sees_only_their_own_candidacies_in_their_space(competition,
                                                                                        verified_client):
    user = trainee()
    RoleAssignment.objects.create(user=user, role=Role.MINISTRY_ADMIN)
    candidate_of(competition, "R26-0001")
    mine = candidate_of(competition, "R26-0002", user=user)
    client = verified_client(user)
    assert [c.pk for c in client.get("/concours/mes-candidatures/").context["candidacies"]] == [mine.pk]


# --- withdrawal -----------------------------------------------------------------------------------

def test_the_dean_withdraws_a_candidate_with_a_reason_and_a_reader_gets_403(competition, f1, verified_client):
    candidate = candidate_of(competition, "R26-0001")
    url = f"/concours/candidats/{candidate.pk}/desistement/"
    committee = user_with_role(Role.COMMITTEE_MEMBER, hospital_centre=competition.hospital_centre)
    assert verified_client(committee).post(url, {"reason": "x"}).status_code == 403

    dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1))
    response = dean.post(url, {"reason": ""})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == Candidate.State.ELIGIBLE

    dean.post(url, {"reason": "Lettre de désistement du 03/11/2026"})
    candidate.refresh_from_db()
    assert candidate.state == Candidate.State.WITHDRAWN
    page = dean.get(f"/concours/candidats/{candidate.pk}/").content.decode()
    assert "Lettre de désistement du 03/11/2026" in page  # in the history
    assert "Enregistrer le désistement" not in page


# --- who reads the uploads, who issues the receipt (issue 20, item 2) -------------------------------

def test_the_uploads_follow_the_identity_number_rule_committee_and_payroll_get_404(competition, f1,
                                                                                    verified_client):
    """Law 09-08 art. 3 (minimisation): the CIN scan is the CIN. Whoever the candidate page hides
    the CIN from (people/queries.with_identity_access) does not get the scan either: 404, as for
    a document outside the scope."""
    user = trainee()
    candidate = candidate_of(competition, "R26-0001", user=user, person={"national_id": "BK424242"})
    document = with_document(candidate)
    path = f"/concours/candidats/{candidate.pk}/pieces/{document.pk}/"
    chu = competition.hospital_centre
    for reader in (user_with_role(Role.COMMITTEE_MEMBER, hospital_centre=chu),
                   user_with_role(Role.PAYROLL_OFFICER, hospital_centre=chu),
                   user_with_role(Role.HIGHER_EDUCATION_OFFICER)):
        client = verified_client(reader)
        assert client.get(f"/concours/candidats/{candidate.pk}/").status_code == 200
        assert "BK424242" not in client.get(f"/concours/candidats/{candidate.pk}/").content.decode()
        assert client.get(path).status_code == 404, reader.roles.first()
    # The candidate and the competition's office still read it.
    assert logged_in(user).get(path).status_code == 200
    assert verified_client(user_with_role(Role.DEAN_OFFICE, faculty=f1)).get(path).status_code == 200
    assert verified_client(user_with_role(Role.MINISTRY_ADMIN)).get(path).status_code == 200


def test_the_receipt_is_issued_only_by_the_candidate_and_the_competition_s_office(competition, f1, verified_client):
    """The registration receipt (وصل التسجيل) carries the candidate's identity: a committee member
    of the CHU reads the candidacy but issues no receipt in their own name (404, nothing issued)."""
    from residanat.documents.models import IssuedDocument

    user = trainee()
    candidate = candidate_of(competition, "R26-0001", user=user, person={"national_id": "BK424242"})
    path = f"/concours/candidatures/{candidate.pk}/recu.pdf"
    committee = user_with_role(Role.COMMITTEE_MEMBER, hospital_centre=competition.hospital_centre)
    assert verified_client(committee).get(path).status_code == 404
    assert not IssuedDocument.objects.filter(issued_by=committee).exists()
    assert logged_in(user).get(path).status_code == 200
    dean = user_with_role(Role.DEAN_OFFICE, faculty=f1)
    assert verified_client(dean).get(f"{path}?lang=ar").status_code == 200
    assert IssuedDocument.objects.filter(issued_by=dean, person=candidate.person).exists()


def test_the_receipt_s_stored_file_is_closed_once_sent(competition):
    """Issue 21 item 4: the view read the receipt's file and left it open (a descriptor leaked per
    download); issued_pdf_response closes it."""
    from tests.documents.helpers import files_opened

    user = trainee()
    candidate = candidate_of(competition, "R26-0001", user=user)
    with files_opened() as opened:
        response = logged_in(user).get(f"/concours/candidatures/{candidate.pk}/recu.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "recepisse-R26-0001-fr.pdf" in response["Content-Disposition"]
    assert opened and all(f.closed for f in opened)
