"""Commitment pages: the list in scope with the expected end, recording a commitment from the
person page, adding service periods, the release approved then paid, the statement of sums
received in French and Arabic; the person sees their own, others get 404."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.test import Client

from residanat.accounts.roles import Role
from residanat.discipline.models import Buyback, Commitment
from tests.accounts.factories import user_with_role
from tests.discipline.test_cases import World

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return World()


def test_the_ministry_records_a_commitment_and_its_service_then_a_paid_release(w, verified_client):
    resident = w.status("resident")
    w.closed(D(2026, 1, 1), "CHU", hospital_centre=w.centre)
    ministry = verified_client(w.ministry)
    person_page = ministry.get(f"/personnes/{resident.person_id}/").content.decode()
    assert f"/discipline/engagements/nouveau/{resident.pk}/" in person_page
    assert f"/discipline/ouvrir/{resident.pk}/" in person_page
    response = ministry.post(f"/discipline/engagements/nouveau/{resident.pk}/",
                             {"counterpart": "hospital_centre", "signed_on": "2026-01-01"})
    commitment = Commitment.objects.get()
    assert response.status_code == 302
    base = f"/discipline/engagements/{commitment.pk}/"
    ministry.post(base + "service/", {"on": "2030-01-01", "establishment": w.hospital.pk})
    page = ministry.get(base).content.decode()
    assert "2922" in page and "31/12/2037" in page and "3\u00a0500,00" in page
    ministry.post(base + "release/", {"on": "2026-03-01"})  # no reference: refused
    assert Commitment.objects.get().state == "in_progress"
    ministry.post(base + "release/", {"on": "2026-03-01", "ref": "Accord 5"})
    buyback = Buyback.objects.get()
    assert buyback.amount == Decimal("7000.00") and Commitment.objects.get().state == "release_pending"
    ministry.post(base + "payment/", {"on": "2026-03-15", "ref": "Quittance 77"})
    assert Commitment.objects.get().state == "released"
    listing = ministry.get("/discipline/engagements/").content.decode()
    assert resident.person.full_name in listing
    for lang, word in (("fr", "7 000,00"), ("ar", "3 500,00")):
        pdf = ministry.get(base + f"releve.pdf?lang={lang}")
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True).stdout.decode()
        assert pdf.status_code == 200 and word in text.replace("\u00a0", " ") and "01/2026" in text


def test_the_person_sees_their_commitment_and_others_do_not(w, verified_client):
    resident = w.status("resident", person=w.intern.person)
    commitment = Commitment.objects.create(status=resident, counterpart="ministry", signed_on=D(2026, 1, 1),
                                           recorded_by=w.ministry)
    from residanat.discipline.models import CommitmentService
    CommitmentService.objects.create(commitment=commitment, establishment=w.hospital, start_date=D(2026, 1, 1))
    me = Client()
    me.force_login(w.trainee)
    page = me.get(f"/ar/discipline/engagements/{commitment.pk}/").content.decode()
    assert 'dir="rtl"' in page and "2922" in page and "discipline/engagements/%d/release/" % commitment.pk not in page
    me.post(f"/discipline/engagements/{commitment.pk}/breach/", {"on": "2026-02-01", "ref": "x"})
    assert Commitment.objects.get().state == "in_progress"
    stranger = Client()
    stranger.force_login(user_with_role(Role.TRAINEE))
    assert stranger.get(f"/discipline/engagements/{commitment.pk}/").status_code == 404
    assert verified_client(World().director).get(f"/discipline/engagements/{commitment.pk}/").status_code == 404
    assert verified_client(w.director).post(f"/discipline/engagements/nouveau/{resident.pk}/").status_code == 403


def test_the_list_shows_zero_percent_for_a_commitment_without_any_service_period(w, verified_client):
    # Issue 18 item 2: the list said "100 %" where the commitment's page said "no service period".
    resident = w.status("resident")
    Commitment.objects.create(status=resident, counterpart="ministry", signed_on=D(2026, 1, 1), recorded_by=w.ministry)
    ministry = verified_client(w.ministry)
    for prefix in ("", "/ar"):
        listing = ministry.get(f"{prefix}/discipline/engagements/").content.decode()
        assert "0 %" in listing and "100 %" not in listing


def test_an_overlapping_service_period_is_refused_and_the_form_keeps_what_was_typed(w, verified_client):
    """D93 art. 27 ("الخدمة الفعلية"): a period sharing days with a recorded one is refused with a
    message naming it, and the page comes back with the values typed."""
    from residanat.discipline.models import CommitmentService
    from tests.referential.factories import EstablishmentFactory

    resident = w.status("resident")
    commitment = Commitment.objects.create(status=resident, counterpart="ministry", signed_on=D(2026, 1, 1),
                                           recorded_by=w.ministry)
    CommitmentService.objects.create(commitment=commitment, establishment=w.hospital, start_date=D(2030, 1, 1))
    elsewhere = EstablishmentFactory(name_fr="CHP Ailleurs")
    ministry = verified_client(w.ministry)
    response = ministry.post(f"/discipline/engagements/{commitment.pk}/service/",
                             {"on": "2031-02-01", "end": "2031-05-31", "establishment": elsewhere.pk})
    page = response.content.decode()
    assert response.status_code == 400 and "chevauche" in page and "depuis le 01/01/2030" in page
    assert 'value="2031-02-01"' in page and 'value="2031-05-31"' in page
    assert f'<option value="{elsewhere.pk}" selected>' in page
    assert CommitmentService.objects.filter(commitment=commitment).count() == 1


def test_the_release_of_a_trainee_civil_servant_takes_the_salary_entered_and_the_statement_names_its_source(
        w, verified_client):
    """D93 art. 27 bis bis ("التعويض عن المهام والأجرة"): the salary paid outside this system is an
    input of the buy-back, with where its amount comes from, shown on the statement."""
    resident = w.status("resident")
    ministry = verified_client(w.ministry)
    ministry.post(f"/discipline/engagements/nouveau/{resident.pk}/",
                  {"counterpart": "hospital_centre", "signed_on": "2025-11-01"})
    commitment = Commitment.objects.get()
    w.closed(D(2026, 1, 1), "CHU", hospital_centre=w.centre)  # a salary month: no stipend line
    base = f"/discipline/engagements/{commitment.pk}/"
    assert "1 mois payé en traitement" in ministry.get(base).content.decode()
    ministry.post(base + "release/", {"on": "2026-03-01", "ref": "Accord 6", "salary": "8000.00",
                                      "salary_source": "Attestation DRH 2026-14"})
    buyback = Buyback.objects.get()
    assert (buyback.sums_received, buyback.amount) == (Decimal("8000.00"), Decimal("16000.00"))
    pdf = ministry.get(base + "releve.pdf?lang=fr")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True).stdout.decode()
    assert "Attestation DRH 2026-14" in text and "8 000,00" in text.replace("\u00a0", " ")


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_a_refused_operation_comes_back_open_with_what_was_typed(w, verified_client, prefix):
    """A release without the reference of the agreement (D93 art. 32 bis) and a salary entry with a
    negative amount (art. 27 bis bis) are refused without losing what the officer typed."""
    resident = w.status("resident")
    ministry = verified_client(w.ministry)
    ministry.post(f"/discipline/engagements/nouveau/{resident.pk}/",
                  {"counterpart": "hospital_centre", "signed_on": "2025-11-01"})
    commitment = Commitment.objects.get()
    w.closed(D(2026, 1, 1), "CHU", hospital_centre=w.centre)
    base = f"{prefix}/discipline/engagements/{commitment.pk}/"
    response = ministry.post(base + "release/", {"on": "2026-03-02", "ref": " ", "salary": "8123.45",
                                                 "salary_source": "Attestation DRH 2026-15"})
    page = response.content.decode()
    assert response.status_code == 400 and not Buyback.objects.exists()
    release_form = page[page.index(f'action="{base}release/"'):]
    release_form = release_form[:release_form.index("</form>")]
    assert 'value="2026-03-02"' in release_form and 'value="8123.45"' in release_form
    assert 'value="Attestation DRH 2026-15"' in release_form
    # The operation that failed is the one left open; the others keep today's date.
    assert page.count("<details open>") == 1 and "2026-03-02" not in page.replace(release_form, "")

    ministry.post(base + "release/", {"on": "2026-03-01", "ref": "Accord 7"})
    response = ministry.post(base + "salary/", {"on": "2026-03-01", "salary": "-5",
                                                "salary_source": "État de paie 2026-03"})
    page = response.content.decode()
    assert response.status_code == 400 and Buyback.objects.get().salary_received is None
    assert 'value="-5"' in page and 'value="État de paie 2026-03"' in page
    # While the salary is missing, no payment can be recorded (D93 art. 27 bis bis).
    assert f'action="{base}payment/"' not in page
