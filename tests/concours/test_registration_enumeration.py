"""The public registration form tells nobody whether a CIN, a passport or an e-mail address is
already known (issue 20 item 4): a known and an unknown identity get the same page, a genuinely
new candidate is still registered, and a known person's account and file are left as they were.
Registration attempts are limited per client address (decision 0022)."""

import pytest
from django.test import Client, override_settings

from residanat.accounts.models import User
from residanat.concours.models import Candidate, Competition
from residanat.people.models import Person
from tests.accounts.factories import UserFactory
from tests.concours.factories import CompetitionFactory
from tests.concours.test_registration import PASSWORD, form_data
from tests.people.factories import PersonFactory
from tests.web.answers import observed

pytestmark = pytest.mark.django_db
RECEIVED = "concours/candidates/registration_received.html"


@pytest.fixture
def competition():
    return CompetitionFactory(slug="residanat-2026-casablanca", state=Competition.State.REGISTRATION_OPEN)


def post(competition, client=None, language="", **changes):
    prefix = f"/{language}" if language else ""
    return (client or Client()).post(f"{prefix}/concours/{competition.slug}/inscription/", form_data(**changes))


def test_a_known_and_an_unknown_cin_get_the_same_answer(competition):
    PersonFactory(national_id="BK123456")
    known = post(competition, email="premier@example.ma", national_id="BK123456")
    unknown = post(competition, email="second@example.ma", national_id="BK654321")

    assert observed(known) == observed(unknown)
    assert known.status_code == 200 and RECEIVED in observed(known)[1]
    # The unknown one was registered; the known CIN got no account, no second file, no candidacy.
    assert Candidate.objects.get().person.national_id == "BK654321"
    assert not User.objects.filter(username="premier@example.ma").exists()
    assert Person.objects.filter(national_id="BK123456").count() == 1


def test_a_known_and_an_unknown_passport_get_the_same_answer(competition):
    PersonFactory(national_id=None, nationality="SN", passport_number="A1234567")
    foreign = {"moroccan": "0", "nationality": "SN", "national_id": "", "diploma_country": "SN",
               "doc_civil_service": None, "doc_equivalence": form_data()["doc_diploma"]}
    known = post(competition, email="premier@example.ma", passport_number="A1234567", **foreign)
    foreign["doc_equivalence"] = form_data()["doc_diploma"]
    unknown = post(competition, email="second@example.ma", passport_number="B7654321", **foreign)

    assert observed(known) == observed(unknown)
    assert Candidate.objects.get().person.passport_number == "B7654321"


def test_a_known_and_an_unknown_email_get_the_same_answer_and_the_known_account_is_not_taken(competition):
    owner = UserFactory(username="salma.bennani@example.ma", email="salma.bennani@example.ma")
    owner.set_password("le-mot-de-passe-de-salma-1")
    owner.save()
    known = post(competition, email="Salma.Bennani@example.ma", national_id="BK123456")
    unknown = post(competition, email="nouvelle@example.ma", national_id="BK654321")

    assert observed(known) == observed(unknown)
    owner.refresh_from_db()
    assert owner.check_password("le-mot-de-passe-de-salma-1") and not owner.check_password(PASSWORD)
    assert not Person.objects.filter(user=owner).exists()
    assert not Person.objects.filter(national_id="BK123456").exists()
    assert Candidate.objects.get().person.user.username == "nouvelle@example.ma"
    # Whoever typed the known address is not signed in as its owner.
    assert "_auth_user_id" not in known.wsgi_request.session


def test_the_answer_is_the_same_in_arabic_too(competition):
    UserFactory(username="salma.bennani@example.ma")
    known = post(competition, language="ar")
    unknown = post(competition, language="ar", email="nouvelle@example.ma", national_id="BK654321")
    assert observed(known) == observed(unknown)
    assert 'dir="rtl"' in known.content.decode()


def test_a_new_candidate_is_registered_and_finds_the_number_after_signing_in(competition):
    client = Client()
    response = post(competition, client)

    assert response.status_code == 200 and RECEIVED in observed(response)[1]
    candidate = Candidate.objects.get()
    assert candidate.person.user.username == "salma.bennani@example.ma"
    page = response.content.decode()
    # The page sends to the login, and the login back to the registration page.
    assert f"/compte/connexion/?next=/concours/{competition.slug}/inscription/" in page
    assert candidate.number not in page
    signed_in = client.post(f"/compte/connexion/?next=/concours/{competition.slug}/inscription/",
                            {"username": "salma.bennani@example.ma", "password": PASSWORD}, follow=True)
    assert signed_in.context["existing"] == candidate
    assert candidate.number in signed_in.content.decode()


def test_a_known_person_signs_in_and_registers_from_their_account(competition):
    user = UserFactory(username="salma.bennani@example.ma")
    user.set_password(PASSWORD)
    user.save()
    person = PersonFactory(user=user, national_id="BK123456")
    client = Client()
    post(competition, client)
    assert not Candidate.objects.exists()

    client.post("/compte/connexion/", {"username": "salma.bennani@example.ma", "password": PASSWORD})
    response = post(competition, client, national_id="ZZ999999")
    assert response.status_code == 302
    assert Candidate.objects.get().person == person
    person.refresh_from_db()
    assert person.national_id == "BK123456"


def test_form_errors_do_not_depend_on_whether_the_identity_is_known(competition):
    PersonFactory(national_id="BK123456")
    UserFactory(username="connu@example.ma")
    known = post(competition, email="connu@example.ma", national_id="BK123456", password2="autre-chose-2026")
    unknown = post(competition, email="inconnu@example.ma", national_id="BK654321", password2="autre-chose-2026")
    assert set(known.context["form"].errors) == set(unknown.context["form"].errors) == {"password2"}


# --- the limit per address -------------------------------------------------------------------------

@override_settings(RESIDANAT_REGISTRATION_RATE="3/h")
def test_the_attempt_after_the_limit_from_one_address_gets_429_and_another_address_does_not(competition):
    same = "198.51.100.7"
    for _ in range(3):
        # Refused forms count as attempts too: each one is a guess.
        assert post(competition, Client(REMOTE_ADDR=same), password2="autre-chose-2026").status_code == 200
    # Looking at the page is not an attempt.
    assert Client(REMOTE_ADDR=same).get(f"/concours/{competition.slug}/inscription/").status_code == 200

    limited = post(competition, Client(REMOTE_ADDR=same))
    assert limited.status_code == 429
    assert "Trop de demandes" in limited.content.decode()
    assert int(limited["Retry-After"]) > 0
    assert not Candidate.objects.exists()

    other = post(competition, Client(REMOTE_ADDR="198.51.100.8"))
    assert other.status_code == 200
    assert Candidate.objects.count() == 1


@override_settings(RESIDANAT_REGISTRATION_RATE="1/h")
def test_the_429_page_speaks_arabic_on_the_arabic_page(competition):
    post(competition, Client(REMOTE_ADDR="198.51.100.9"), password2="x")
    limited = post(competition, Client(REMOTE_ADDR="198.51.100.9"), language="ar")
    assert limited.status_code == 429
    page = limited.content.decode()
    assert 'dir="rtl"' in page and "طلبات كثيرة" in page
