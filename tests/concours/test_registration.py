"""Self-registration (issue 4, item 3): account, person and candidacy made in one transaction,
documents checked by their content and size, numbers <letter><yy>-<nnnn> in sequence under the
competition's lock, one candidacy per person and competition, provisional eligibility, the
receipt PDF (masked identity number, fr and ar), and the withdrawal."""

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from residanat.accounts.models import RoleAssignment, User
from residanat.accounts.roles import Role
from residanat.concours import registration
from residanat.concours.models import Candidate, CandidateDocument, Competition, PostAllocation
from residanat.concours.registration import (
    REGISTRATION_RECEIPT,
    RegistrationData,
    do_register_candidate,
    do_withdraw_candidate,
    next_candidate_numbers,
    registration_receipt,
)
from residanat.documents.models import IssuedDocument
from residanat.people.models import Person
from tests.accounts.factories import UserFactory, user_with_role
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.documents.helpers import pdf_text
from tests.people.factories import PersonFactory
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db
State = Competition.State

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PASSWORD = "Tr3s-long-mot-de-passe!"


def pdf(name="piece.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def competition():
    return CompetitionFactory(slug="residanat-2026-casablanca", state=State.REGISTRATION_OPEN,
                              registration_closes_on=dt.date(2026, 11, 30), session_date=dt.date(2026, 12, 20))


def form_data(**changes):
    """A Moroccan doctor of medicine with three years of practice, every document in PDF."""
    data = {
        "route": "competition",
        "email": "Salma.Bennani@example.ma", "password1": PASSWORD, "password2": PASSWORD,
        "moroccan": "1", "national_id": "bk 123456", "last_name": "Bennani", "first_name": "Salma",
        "last_name_ar": "بناني", "first_name_ar": "سلمى", "birth_date": "1996-04-02", "phone": "0612345678",
        "track": "medicine", "diploma": "medicine", "diploma_date": "2023-07-01", "diploma_country": "ma",
        "practice_since": "2023-09-01", "civil_service_in_order": "on",
        "doc_identity": pdf("cin.pdf"), "doc_diploma": pdf("diplome.pdf"), "doc_practice": pdf("exercice.pdf"),
        "doc_civil_service": pdf("service-civil.pdf"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def register(client, competition, language="", **changes):
    prefix = f"/{language}" if language else ""
    return client.post(f"{prefix}/concours/{competition.slug}/inscription/", form_data(**changes))


def received(response) -> bool:
    """The one page of an anonymous registration that passed the form (issue 20 item 4)."""
    return (response.status_code == 200
            and "concours/candidates/registration_received.html" in [t.name for t in response.templates])


def sign_in(client, username="salma.bennani@example.ma"):
    """The public registration signs nobody in (issue 20 item 4): the candidate logs in after."""
    client.force_login(User.objects.get(username=username))
    return client


def nothing_written():
    return not (User.objects.exists() or Person.objects.exists() or Candidate.objects.exists()
                or CandidateDocument.objects.exists())


def stored_files(competition):
    root = Path(settings.MEDIA_ROOT) / "candidatures" / competition.slug
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- the registration page ------------------------------------------------------------------------

def test_anonymous_registration_creates_the_account_the_person_and_the_candidacy(competition):
    client = Client()
    response = register(client, competition)

    candidate = Candidate.objects.get()
    assert received(response)
    assert "_auth_user_id" not in client.session
    user = User.objects.get()
    assert user.username == user.email == "salma.bennani@example.ma"
    assert user.check_password(PASSWORD)
    person = candidate.person
    assert (person.user, person.national_id, person.nationality) == (user, "BK123456", "MA")
    assert (person.last_name_ar, person.birth_date) == ("بناني", dt.date(1996, 4, 2))
    assert candidate.number == "R26-0001"
    assert candidate.self_registered and candidate.registered_by == user
    assert (candidate.diploma, candidate.practice_since, candidate.civil_service_in_order) == (
        "medicine", dt.date(2023, 9, 1), True)
    # The candidate sees their own candidacy through the trainee role (scope: self).
    assert RoleAssignment.objects.filter(user=user, role=Role.TRAINEE).exists()
    assert list(Candidate.objects.visible_to(user)) == [candidate]
    page = sign_in(client).get("/concours/mes-candidatures/")
    assert page.status_code == 200
    assert "R26-0001" in page.content.decode()


def test_documents_are_stored_with_their_hash_name_size_and_type_read_from_the_content(competition):
    import hashlib

    register(Client(), competition, doc_practice=pdf("exercice.png", PNG, "image/png"),
             doc_other=pdf("photo.jpg", JPEG, "image/jpeg"))

    documents = {d.kind: d for d in CandidateDocument.objects.all()}
    assert set(documents) == {"identity", "diploma", "practice", "civil_service", "other"}
    practice = documents["practice"]
    assert (practice.content_type, practice.original_name, practice.size) == ("image/png", "exercice.png", len(PNG))
    assert practice.sha256 == hashlib.sha256(PNG).hexdigest()
    assert practice.file.read() == PNG
    assert practice.file.name.endswith(".png")
    assert documents["other"].content_type == "image/jpeg"
    assert documents["identity"].content_type == "application/pdf"


def test_a_pdf_named_file_that_is_really_text_is_refused_and_nothing_is_written(competition):
    fake = pdf("diplome.pdf", b"Ceci n'est pas un PDF\n" * 10, "application/pdf")
    response = register(Client(), competition, doc_diploma=fake)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["doc_diploma"]
    assert "contenu a été vérifié" in errors["doc_diploma"][0]
    assert nothing_written()


@override_settings(RESIDANAT_UPLOAD_MAX_BYTES=1024)
def test_a_document_over_the_size_limit_is_refused(competition):
    big = pdf("cin.pdf", PDF + b"0" * 2048)
    response = register(Client(), competition, doc_identity=big)

    assert list(response.context["form"].errors) == ["doc_identity"]
    assert "au plus" in response.context["form"].errors["doc_identity"][0]
    assert nothing_written()


def test_a_type_not_in_the_settings_is_refused_even_with_a_valid_signature(competition):
    with override_settings(RESIDANAT_UPLOAD_TYPES={"application/pdf": ".pdf"}):
        response = register(Client(), competition, doc_identity=pdf("cin.png", PNG, "image/png"))
    assert list(response.context["form"].errors) == ["doc_identity"]


def test_each_missing_required_document_is_named_on_its_field(competition):
    response = register(Client(), competition, doc_diploma=None, doc_civil_service=None)
    errors = response.context["form"].errors
    assert set(errors) == {"doc_diploma", "doc_civil_service"}
    assert errors["doc_diploma"] == ["Cette pièce est obligatoire."]
    assert nothing_written()


def test_a_foreign_candidate_with_a_foreign_diploma_needs_the_equivalence_but_not_the_civil_service(competition):
    foreign = {"moroccan": "0", "nationality": "sn", "national_id": "", "passport_number": "a 1234567",
               "diploma_country": "SN", "doc_civil_service": None}
    response = register(Client(), competition, **foreign)
    assert set(response.context["form"].errors) == {"doc_equivalence"}

    response = register(Client(), competition, **foreign, doc_equivalence=pdf("equivalence.pdf"))
    assert received(response)
    person = Person.objects.get()
    assert (person.nationality, person.passport_number, person.national_id) == ("SN", "A1234567", None)
    candidate = Candidate.objects.get()
    assert candidate.diploma_country == "SN"
    # D93 art. 21: an equivalence decision is needed; the reference was not given.
    assert [f["code"] for f in candidate.eligibility] == ["equivalence_missing"]


@pytest.mark.parametrize("changes, field", [
    ({"national_id": "123456"}, "national_id"),
    ({"national_id": "ABC12345"}, "national_id"),
    ({"national_id": ""}, "national_id"),
    ({"moroccan": "0", "nationality": "", "national_id": ""}, "nationality"),
    ({"moroccan": "0", "nationality": "FR", "national_id": "", "passport_number": ""}, "passport_number"),
    ({"moroccan": "0", "nationality": "FR", "passport_number": "X1234567"}, "national_id"),
    ({"password2": "autre-mot-de-passe-9"}, "password2"),
    ({"password1": "salmabennani", "password2": "salmabennani"}, "password1"),
    ({"password1": "12345678901", "password2": "12345678901"}, "password1"),
    ({"diploma_date": "32/13/2023"}, "diploma_date"),
    ({"diploma_country": "Maroc"}, "diploma_country"),
    ({"last_name": ""}, "last_name"),
])
def test_identity_and_password_errors_are_shown_on_their_field(competition, changes, field):
    response = register(Client(), competition, **changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert nothing_written()


def test_an_email_that_already_has_an_account_gets_the_common_answer_and_nothing_is_written(competition):
    UserFactory(username="salma.bennani@example.ma")
    response = register(Client(), competition)
    assert received(response)
    assert not Person.objects.exists() and not Candidate.objects.exists()


def test_a_cin_already_on_file_is_not_claimed_by_a_new_account(competition):
    PersonFactory(national_id="BK123456")
    response = register(Client(), competition)
    assert received(response)
    assert not User.objects.exists() and not Candidate.objects.exists()


def test_a_signed_in_user_without_a_person_is_told_that_the_cin_is_on_file(competition):
    PersonFactory(national_id="BK123456")
    client = Client()
    client.force_login(UserFactory(email="salma@example.ma"))
    response = register(client, competition, email="salma@example.ma", password1=None, password2=None)
    assert "faculté" in response.context["form"].errors["national_id"][0]
    assert not Candidate.objects.exists()


def test_a_signed_in_user_without_a_person_gets_one_and_the_trainee_role(competition):
    user = UserFactory(email="salma@example.ma")
    client = Client()
    client.force_login(user)
    response = register(client, competition, email="salma@example.ma", password1=None, password2=None)
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.user == user and person.email == "salma@example.ma"
    assert user.role_assignments.filter(role=Role.TRAINEE).count() == 1
    assert User.objects.count() == 1


def test_a_user_with_a_person_keeps_their_identity_which_the_form_does_not_ask(competition):
    user = UserFactory()
    person = PersonFactory(user=user, national_id="AB998877", last_name="Tazi")
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
    client = Client()
    client.force_login(user)
    page = client.get(f"/concours/{competition.slug}/inscription/")
    form = page.context["form"]
    assert not {"national_id", "last_name", "email", "password1"} & set(form.fields)
    assert "AB998877" in page.content.decode()

    response = register(client, competition, national_id="ZZ111111", last_name="Autre")
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.national_id, person.last_name) == ("AB998877", "Tazi")
    assert Candidate.objects.get().person == person
    assert user.role_assignments.filter(role=Role.TRAINEE).count() == 1  # not given twice


def test_a_person_already_registered_to_the_competition_is_refused(competition):
    user = UserFactory()
    person = PersonFactory(user=user)
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
    first = CandidateFactory(competition=competition, person=person, number="R26-0001")
    client = Client()
    client.force_login(user)

    page = client.get(f"/concours/{competition.slug}/inscription/")
    assert page.context["existing"] == first and page.context["form"] is None

    data = RegistrationData(route="competition", track="medicine",
                            facts={"diploma": "medicine", "diploma_date": dt.date(2023, 7, 1)},
                            documents={"identity": pdf(), "diploma": pdf(), "practice": pdf(),
                                       "civil_service": pdf()})
    with pytest.raises(ValidationError, match="déjà inscrit"):
        do_register_candidate(competition, data, user=user)
    assert Candidate.objects.count() == 1 and not CandidateDocument.objects.exists()


def test_the_unique_constraint_refuses_a_second_candidacy_that_slipped_past_the_check(competition, monkeypatch):
    from django.db.models.query import QuerySet

    user = UserFactory()
    person = PersonFactory(user=user)
    CandidateFactory(competition=competition, person=person, number="R26-0001")
    before = stored_files(competition)
    # As if the earlier candidacy were committed between our check and our insert.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    data = RegistrationData(facts={"diploma": "medicine", "diploma_date": dt.date(2023, 7, 1)},
                            documents={"identity": pdf(), "diploma": pdf(), "practice": pdf(), "civil_service": pdf()})
    with pytest.raises(ValidationError, match="déjà inscrit"):
        do_register_candidate(competition, data, user=user)
    monkeypatch.undo()
    assert Candidate.objects.count() == 1 and not CandidateDocument.objects.exists()
    assert stored_files(competition) == before


@pytest.mark.parametrize("state", [State.DRAFT, State.POSTS_VALIDATED, State.REGISTRATION_CLOSED, State.PUBLISHED])
def test_the_registration_page_of_a_competition_not_open_is_404(state):
    competition = CompetitionFactory(state=state)
    assert Client().get(f"/concours/{competition.slug}/inscription/").status_code == 404
    assert register(Client(), competition).status_code == 404
    assert nothing_written()


def test_a_competition_closed_between_the_form_and_the_service_refuses_the_registration(competition):
    Competition.objects.filter(pk=competition.pk).update(state=State.REGISTRATION_CLOSED)
    data = RegistrationData(identity={"email": "x@example.ma", "national_id": "BK1", "last_name": "A",
                                      "first_name": "B"},
                            documents={"identity": pdf()})
    with pytest.raises(ValidationError, match="pas ouvertes"):
        do_register_candidate(competition, data, password=PASSWORD)
    assert nothing_written()


def test_the_form_offers_only_the_facts_and_documents_of_the_kind_and_route(competition):
    def fields(competition, route=""):
        page = Client().get(f"/concours/{competition.slug}/inscription/" + (f"?voie={route}" if route else ""))
        return set(page.context["form"].fields)

    residanat = fields(competition)
    assert {"diploma", "practice_since", "civil_service_in_order", "doc_diploma", "doc_equivalence"} <= residanat
    assert not {"enrolment_faculty", "validated_years", "internat_months_validated", "doc_transcript"} & residanat
    titles = fields(competition, "titles_intern")
    assert {"internat_months_validated", "doc_internat"} <= titles and "diploma" not in titles
    assert "military_assistant_passed" in fields(competition, "titles_military")
    internat = fields(CompetitionFactory(kind="internat", state=State.REGISTRATION_OPEN))
    assert {"enrolment_faculty", "study_year", "validated_years", "thesis_defended_on", "doc_enrolment",
            "doc_transcript"} <= internat
    assert not {"diploma", "year5_exams_passed", "doc_diploma"} & internat
    public_health = fields(CompetitionFactory(kind="public_health_internat", state=State.REGISTRATION_OPEN))
    assert {"year5_exams_passed", "doc_transcript"} <= public_health and "validated_years" not in public_health


def titles_intern_data(**changes):
    """A Moroccan intern with 24 months of internat, on titles (D93 art. 21 1.a)."""
    data = form_data(route="titles_intern", internat_months_validated="24", doc_internat=pdf("internat.pdf"),
                     **changes)
    for name in ("diploma", "diploma_date", "diploma_country", "practice_since", "doc_diploma", "doc_practice"):
        data.pop(name, None)
    return data


def test_d93_art_21_registration_on_titles_asks_a_moroccan_intern_the_civil_service(competition):
    """D93 art. 21: "ويجب على المترشحين المدنيين المغاربة المشار إليهم في الفقرتين 1 و2 أعلاه أن يثبتوا
    وجودهم في وضعية قانونية بالنظر إلى الخدمة المدنية": paragraph 1 (on titles) too."""
    page = Client().get(f"/concours/{competition.slug}/inscription/?voie=titles_intern")
    form = page.context["form"]
    assert {"civil_service_in_order", "doc_civil_service"} <= set(form.fields)
    assert form.fields["doc_civil_service"].document_required

    url = f"/concours/{competition.slug}/inscription/"
    data = titles_intern_data()
    data.pop("doc_civil_service")
    response = Client().post(url, data)
    assert set(response.context["form"].errors) == {"doc_civil_service"}
    assert nothing_written()

    data = titles_intern_data()
    data.pop("civil_service_in_order")
    response = Client().post(url, data)
    assert received(response)
    candidate = Candidate.objects.get()
    assert (candidate.route, candidate.internat_months_validated) == ("titles_intern", 24)
    assert set(candidate.documents.values_list("kind", flat=True)) == {"identity", "internat", "civil_service"}
    assert [(f["code"], f["ref"]) for f in candidate.eligibility] == [("civil_service", "D93 art. 21")]


def test_d93_art_21_a_moroccan_intern_in_order_with_the_civil_service_is_eligible_on_titles(competition):
    response = Client().post(f"/concours/{competition.slug}/inscription/", titles_intern_data())
    assert received(response)
    candidate = Candidate.objects.get()
    assert (candidate.civil_service_in_order, candidate.state) == (True, Candidate.State.ELIGIBLE)


def test_d93_art_21_a_foreign_intern_on_titles_needs_no_civil_service_document(competition):
    data = titles_intern_data(moroccan="0", nationality="sn", national_id="", passport_number="a 1234567")
    data.pop("doc_civil_service")
    data.pop("civil_service_in_order")
    response = Client().post(f"/concours/{competition.slug}/inscription/", data)
    assert received(response)
    assert Candidate.objects.get().state == Candidate.State.ELIGIBLE


def test_d93_art_21_2_a_veterinary_doctor_registers_without_a_practice_date_or_attestation(competition):
    """D93 art. 21 2°: "الحاصلون على شهادة دكتور بيطري أو شهادة معادلة لها الراغبون في تحضير تخصص في
    البيولوجيا" — no year of practice, which closes the line of the other doctorates."""
    PostAllocation.objects.create(competition=competition, seat_type=PostAllocation.SeatType.CONTRACT,
                                  group="biological", track="medicine", seats=2)
    page = Client().get(f"/concours/{competition.slug}/inscription/")
    assert "vétérinaire" in page.context["form"].fields["doc_practice"].help_text
    assert "دكتور بيطري" in Client().get(f"/ar/concours/{competition.slug}/inscription/").content.decode()
    response = register(Client(), competition, diploma="veterinary", practice_since="", doc_practice=None)
    assert received(response)
    candidate = Candidate.objects.get()
    assert (candidate.diploma, candidate.practice_since) == ("veterinary", None)
    assert (candidate.state, candidate.eligibility) == (Candidate.State.ELIGIBLE, [])


def test_d93_art_21_2_a_doctor_of_medicine_still_gives_the_practice_date_and_attestation(competition):
    response = register(Client(), competition, practice_since="", doc_practice=None)
    assert set(response.context["form"].errors) == {"practice_since", "doc_practice"}
    assert nothing_written()


def test_titles_routes_exist_only_for_the_residanat():
    internat = CompetitionFactory(kind="internat", state=State.REGISTRATION_OPEN)
    page = Client().get(f"/concours/{internat.slug}/inscription/?voie=titles_intern")
    assert page.context["route"] == "competition"
    assert "internat_months_validated" not in page.context["form"].fields


def test_internat_registration_records_the_enrolment_and_judges_d93_art_8():
    faculty = FacultyFactory()
    internat = CompetitionFactory(kind="internat", state=State.REGISTRATION_OPEN, faculty=faculty,
                                  registration_closes_on=dt.date(2026, 5, 15))
    data = form_data(enrolment_faculty=str(faculty.pk), study_year="6", validated_years="4",
                     doc_enrolment=pdf(), doc_transcript=pdf())
    for name in ("diploma", "diploma_date", "diploma_country", "practice_since", "civil_service_in_order",
                 "doc_diploma", "doc_practice", "doc_civil_service"):
        data.pop(name)
    response = Client().post(f"/concours/{internat.slug}/inscription/", data)
    assert received(response)
    candidate = Candidate.objects.get()
    assert candidate.number == "I26-0001"
    assert (candidate.enrolment_faculty, candidate.validated_years) == (faculty, 4)
    assert candidate.state == Candidate.State.INELIGIBLE
    assert [(f["code"], f["ref"]) for f in candidate.eligibility] == [("years_not_validated", "D93 art. 8")]
    assert candidate.attempt_number == 1


# --- numbers --------------------------------------------------------------------------------------

def test_numbers_are_the_kind_letter_the_year_and_a_sequence_per_competition(competition):
    other = CompetitionFactory(state=State.REGISTRATION_OPEN)
    for n in range(3):
        register(Client(), competition, email=f"c{n}@example.ma", national_id=f"BK10000{n}")
    register(Client(), other, email="d@example.ma", national_id="BK200000")
    assert list(competition.candidates.order_by("number").values_list("number", flat=True)) == [
        "R26-0001", "R26-0002", "R26-0003"]
    assert other.candidates.get().number == "R26-0001"
    assert registration.number_prefix(CompetitionFactory(kind="internat", year=2027)) == "I27-"
    assert registration.number_prefix(CompetitionFactory(kind="public_health_internat", year=2030)) == "P30-"


def test_the_next_number_follows_the_largest_even_past_four_digits(competition):
    from django.db import transaction

    CandidateFactory(competition=competition, number="R26-9999")
    CandidateFactory(competition=competition, number="C00042")  # numbered by another means: ignored
    with transaction.atomic():
        registration.lock_competition(competition)
        assert next_candidate_numbers(competition, 2) == ["R26-10000", "R26-10001"]
    CandidateFactory(competition=competition, number="R26-10000")
    with transaction.atomic():
        assert next_candidate_numbers(competition) == ["R26-10001"]


@pytest.mark.django_db(transaction=True)
def test_the_lock_refuses_to_run_outside_a_transaction(competition):
    with pytest.raises(RuntimeError):
        registration.lock_competition(competition)


@pytest.mark.django_db(transaction=True)
def test_two_registrations_at_the_same_time_get_two_numbers():
    competition = CompetitionFactory(state=State.REGISTRATION_OPEN, registration_closes_on=dt.date(2026, 11, 30))
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run(n):
        from django.db import connections

        try:
            data = RegistrationData(
                identity={"email": f"c{n}@example.ma", "national_id": f"BK30000{n}", "nationality": "MA",
                          "last_name": f"Nom{n}", "first_name": "P"},
                facts={"diploma": "medicine", "diploma_date": dt.date(2023, 7, 1),
                       "practice_since": dt.date(2023, 9, 1), "civil_service_in_order": True},
                documents={k: pdf() for k in ("identity", "diploma", "practice", "civil_service")})
            barrier.wait()
            results.append(do_register_candidate(competition, data, password=PASSWORD).number)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == ["R26-0001", "R26-0002", "R26-0003", "R26-0004"]


# --- all or nothing -------------------------------------------------------------------------------

def test_a_failure_after_the_files_were_stored_leaves_neither_rows_nor_files(competition, monkeypatch):
    def broken(candidate, *args, **kwargs):
        raise RuntimeError("eligibility failed")

    monkeypatch.setattr("residanat.concours.eligibility.check_candidate", broken)
    before = stored_files(competition)
    with pytest.raises(RuntimeError):
        register(Client(), competition)
    assert nothing_written()
    assert stored_files(competition) == before


# --- provisional eligibility ----------------------------------------------------------------------

def test_eligibility_is_judged_at_registration_and_shown_with_its_article(competition):
    client = Client()
    # Practice started in March 2026: one year is reached after the close of 30/11/2026.
    register(client, competition, practice_since="2026-03-01")
    candidate = Candidate.objects.get()
    assert candidate.state == Candidate.State.INELIGIBLE
    assert [(f["code"], f["ref"]) for f in candidate.eligibility] == [("practice_too_short", "D93 art. 21")]
    assert candidate.eligibility_checked_at is not None
    page = sign_in(client).get(f"/concours/mes-candidatures/?inscrit={candidate.pk}").content.decode()
    assert "Exercice effectif depuis le 01/03/2026" in page
    assert "D93 art. 21" in page
    arabic = client.get(f"/ar/concours/mes-candidatures/").content.decode()
    assert "ممارسة فعلية منذ 01/03/2026" in arabic


# --- the receipt ----------------------------------------------------------------------------------

@pytest.mark.pdf
def test_the_receipt_prints_the_number_and_the_masked_cin_never_the_full_cin(competition):
    client = Client()
    register(client, competition)
    candidate = Candidate.objects.get()
    response = sign_in(client).get(f"/concours/candidatures/{candidate.pk}/recu.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "R26-0001" in text
    assert "•••••456" in text
    assert "BK123456" not in text and "123456" not in text
    assert "Récépissé" in text
    for kind in ("pièce d'identité", "diplôme", "attestation d'exercice"):
        assert kind in text
    assert "recevable" in text
    document = IssuedDocument.objects.get(kind=REGISTRATION_RECEIPT)
    assert (document.person, document.language) == (candidate.person, "fr")


@pytest.mark.pdf
def test_the_arabic_receipt_renders_arabic_text_and_the_reasons_in_arabic(competition):
    client = Client()
    register(client, competition, language="ar", practice_since="2026-03-01")
    candidate = Candidate.objects.get()
    assert candidate.person.user.language == "ar"
    response = sign_in(client).get(f"/ar/concours/candidatures/{candidate.pk}/recu.pdf")

    text = pdf_text(response.content)
    assert "R26-0001" in text
    assert "بناني" in text and "سلمى" in text
    assert "ممارسة فعلية منذ" in text  # the reason of D93 art. 21 in Arabic
    assert "D93 art. 21" in text
    assert IssuedDocument.objects.get().language == "ar"


@pytest.mark.pdf
def test_asking_again_gives_the_same_receipt_until_the_candidacy_changes(competition):
    candidate = CandidateFactory(competition=competition, number="R26-0001")
    first = registration_receipt(candidate, "fr")
    assert registration_receipt(candidate, "fr") == first
    arabic = registration_receipt(candidate, "ar")
    assert arabic != first and arabic.language == "ar"

    dean = user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty)
    do_withdraw_candidate(candidate, dean, "Lettre du candidat du 02/11/2026")
    candidate.refresh_from_db()
    after = registration_receipt(candidate, "fr")
    assert after != first
    assert "désisté" in pdf_text(after.file.path)


# --- withdrawal -----------------------------------------------------------------------------------

def test_a_withdrawal_is_recorded_with_its_reason_and_author(competition):
    candidate = CandidateFactory(competition=competition)
    dean = user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty)
    do_withdraw_candidate(candidate, dean, "Renonce par écrit")
    candidate.refresh_from_db()
    assert candidate.state == Candidate.State.WITHDRAWN
    record = candidate.history.first()
    assert record.history_user == dean
    assert record.history_change_reason == "Désistement : Renonce par écrit"
    with pytest.raises(ValidationError, match="déjà désisté"):
        do_withdraw_candidate(candidate, dean, "encore")


def test_a_withdrawal_needs_a_reason_and_the_right_to_change_the_competition(competition):
    candidate = CandidateFactory(competition=competition)
    with pytest.raises(ValidationError):
        do_withdraw_candidate(candidate, user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty), "  ")
    with pytest.raises(PermissionDenied):
        do_withdraw_candidate(candidate, user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()), "motif")
    with pytest.raises(PermissionDenied):
        do_withdraw_candidate(candidate, user_with_role(Role.HIGHER_EDUCATION_OFFICER), "motif")
    candidate.refresh_from_db()
    assert candidate.state != Candidate.State.WITHDRAWN


def test_no_withdrawal_once_the_jury_has_deliberated(competition):
    candidate = CandidateFactory(competition=competition)
    Competition.objects.filter(pk=competition.pk).update(state=State.DELIBERATED)
    candidate.refresh_from_db()
    with pytest.raises(ValidationError, match="délibéré"):
        do_withdraw_candidate(candidate, user_with_role(Role.MINISTRY_ADMIN), "motif")
