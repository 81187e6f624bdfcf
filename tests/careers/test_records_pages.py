"""The record pages (leave, approvals, residency years, degrees, missions, appointments, doctorate
alerts) in French and Arabic, and their API."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from residanat.careers.leave import do_record_leave
from residanat.careers.models import Degree, Leave, ResidencyYear, RuralMission
from residanat.careers.views_records import timeline_url
from residanat.people.models import TraineeStatus
from tests.api.helpers import token_client
from tests.careers.world import CareersWorld
from tests.referential.factories import SpecialtyFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def w():
    return CareersWorld()


def text(response):
    return response.content.decode()


def today():
    return timezone.localdate()


def timeline(person_pk, lang="fr"):
    with translation.override(lang):
        return timeline_url(person_pk)


# --- leave ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_leave_form_opens_for_the_director_in_french_and_arabic(w, verified_client, prefix):
    status = w.intern()
    response = verified_client(w.director).get(f"{prefix}/parcours/statuts/{status.pk}/conges/nouveau/")
    assert response.status_code == 200
    assert f'value="{Leave.Kind.ANNUAL}"' in text(response) and "D93 art. 7" in text(response)
    assert ('<html lang="ar" dir="rtl">' in text(response)) == (prefix == "/ar")


def test_the_leave_form_is_refused_to_the_dean_for_an_intern_and_hidden_from_another_faculty(w, verified_client):
    status = w.intern()
    assert verified_client(w.dean).get(f"/parcours/statuts/{status.pk}/conges/nouveau/").status_code == 403
    assert verified_client(CareersWorld().dean).get(f"/parcours/statuts/{status.pk}/conges/nouveau/").status_code == 404


def test_a_leave_recorded_on_the_page_goes_to_the_timeline(w, verified_client):
    status = w.intern()
    response = verified_client(w.director).post(f"/parcours/statuts/{status.pk}/conges/nouveau/", {
        "kind": "annual", "start": "2026-07-01", "end": "2026-07-30", "reference": "DIR 5"})
    assert response.status_code == 302 and response["Location"] == timeline(status.person_id)
    assert status.leaves.get().reference == "DIR 5"


@pytest.mark.parametrize("prefix,lang", [("", "fr"), ("/ar", "ar")])
def test_the_rd68_first_leave_refusal_is_shown_with_its_article(w, verified_client, prefix, lang):
    status = w.ph_intern(start=D(2025, 11, 1))
    response = verified_client(w.ministry).post(f"{prefix}/parcours/statuts/{status.pk}/conges/nouveau/", {
        "kind": "annual", "start": "2026-08-01", "end": "2026-08-30"})
    assert response.status_code == 200
    assert "RD68 ch. 12" in text(response) and "01/11/2026" in text(response)
    assert not status.leaves.exists()


def test_a_residents_leave_waits_on_the_approval_page_until_the_director_approves_it(w, verified_client):
    status = w.resident()
    leave = do_record_leave(status, "annual", D(2026, 7, 1), D(2026, 7, 30), "", w.dean)
    director = verified_client(w.director)
    page = director.get("/ar/parcours/conges/a-approuver/")
    assert page.status_code == 200 and f"/parcours/conges/{leave.pk}/approuver/" in text(page)
    # The dean who recorded it sees it waiting, without the button.
    dean_page = verified_client(w.dean).get("/parcours/conges/a-approuver/")
    assert status.person.full_name in text(dean_page) and f"/conges/{leave.pk}/approuver/" not in text(dean_page)
    assert verified_client(w.dean).post(f"/parcours/conges/{leave.pk}/approuver/").status_code == 403
    response = director.post(f"/parcours/conges/{leave.pk}/approuver/")
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.in_force
    assert status.person.full_name not in text(director.get("/parcours/conges/a-approuver/"))


# --- residency years, degrees --------------------------------------------------------------------

def test_the_second_repeat_is_refused_on_the_page_with_the_article(w, verified_client):
    status = w.resident(start=D(2020, 11, 1), specialty=SpecialtyFactory(duration_class="short"))
    dean = verified_client(w.dean)
    url = f"/parcours/statuts/{status.pk}/annees/nouvelle/"
    assert dean.post(url, {"outcome": "repeat", "reference": "PV 1"}).status_code == 302
    response = dean.post(url, {"outcome": "repeat", "reference": "PV 2"})
    assert response.status_code == 200 and "D93 art. 23" in text(response)
    assert status.residency_years.filter(outcome=ResidencyYear.Outcome.REPEAT).count() == 1
    # The repeated year is done again under its number.
    assert "Année 1, du 01/11/2021 au 31/10/2022" in text(dean.get(url))
    assert verified_client(w.director).get(url).status_code == 403


def test_the_residency_year_page_works_in_arabic(w, verified_client):
    status = w.resident(start=D(2020, 11, 1))
    response = verified_client(w.dean).get(f"/ar/parcours/statuts/{status.pk}/annees/nouvelle/")
    assert response.status_code == 200 and '<html lang="ar" dir="rtl">' in text(response)


def test_a_doctorate_recorded_on_the_page_ends_the_public_health_internat(w, verified_client):
    status = w.ph_intern(start=D(2024, 11, 1))
    response = verified_client(w.ministry).post(f"/parcours/personnes/{status.person_id}/diplomes/nouveau/", {
        "kind": "doctorate", "awarded_on": "2026-03-12", "reference": "Thèse 41"})
    assert response.status_code == 302 and response["Location"] == timeline(status.person_id)
    status.refresh_from_db()
    assert status.end_reason == TraineeStatus.EndReason.DOCTORATE
    assert Degree.objects.filter(person=status.person).count() == 1


@pytest.mark.parametrize("lang, words", [("fr", "Doctorat refusé"), ("ar", "أطروحته")])
def test_d93_art_15_a_doctorate_before_the_thesis_date_is_refused_on_the_page_with_the_values_kept(
        w, verified_client, lang, words):
    """D93 art. 15: "لا يسمح للداخليين بمناقشة أطروحاتهم الا بعد انتهاء الثمانية عشر شهرا الأولى"."""
    intern = w.intern(start=D(2025, 11, 1))
    prefix = "/ar" if lang == "ar" else ""
    response = verified_client(w.dean).post(f"{prefix}/parcours/personnes/{intern.person_id}/diplomes/nouveau/", {
        "kind": "doctorate", "awarded_on": "2027-04-30", "reference": "Thèse 47"})
    page = text(response)
    assert response.status_code == 200 and words in page and "D93 art. 15" in page and "01/05/2027" in page
    assert 'value="2027-04-30"' in page and 'value="Thèse 47"' in page
    assert not Degree.objects.filter(person=intern.person).exists()
    # The date refused is the one the timeline shows.
    body = verified_client(w.dean).get(f"/api/v1/careers/people/{intern.person_id}/timeline").json()
    assert "2027-05-01" in str(body)


def test_the_degree_page_is_refused_to_the_director(w, verified_client):
    status = w.resident()
    assert verified_client(w.director).get(f"/parcours/personnes/{status.person_id}/diplomes/nouveau/").status_code == 403
    assert verified_client(w.dean).get(f"/ar/parcours/personnes/{status.person_id}/diplomes/nouveau/").status_code == 200


# --- missions, appointments, alerts --------------------------------------------------------------

def test_a_rural_mission_refused_for_an_intern_not_in_year_6_shows_the_reason(w, verified_client):
    status = w.ph_intern()
    client = verified_client(w.ministry)
    url = f"/parcours/statuts/{status.pk}/missions/nouvelle/"
    assert client.get(f"/ar{url}").status_code == 200
    response = client.post(url, {"establishment": w.rural_centre.pk, "start": "2026-01-01", "end": "2026-01-31",
                                 "reference": "DM 1"})
    assert response.status_code == 200 and "RD68 ch. 6" in text(response)
    assert not RuralMission.objects.exists()
    status.internat_in_year6 = True
    status.save()
    response = client.post(url, {"establishment": w.rural_centre.pk, "start": "2026-01-01", "end": "2026-01-31",
                                 "forces_move": "on", "reference": "DM 1"})
    assert response.status_code == 302
    assert RuralMission.objects.get().allowance_days == 31
    assert verified_client(w.dean).get(url).status_code == 404  # outside the dean's scope


def test_the_titles_intern_refusal_is_shown_on_the_appointment_page(w, verified_client):
    intern = w.intern(start=D(2025, 11, 1))
    client = verified_client(w.dean)
    url = f"/parcours/personnes/{intern.person_id}/residanat/nouveau/"
    assert client.get(f"/ar{url}").status_code == 200
    response = client.post(url, {"entry_route": "titles_intern", "specialty": SpecialtyFactory().pk,
                                 "faculty": w.faculty.pk, "hospital_centre": w.centre.pk, "start": "2026-11-01",
                                 "decision_ref": "DC 1"})
    assert response.status_code == 200 and "D93 art. 21" in text(response)
    response = client.post(url, {"entry_route": "competition", "specialty": SpecialtyFactory().pk,
                                 "faculty": w.faculty.pk, "hospital_centre": w.centre.pk, "start": "2026-11-01",
                                 "decision_ref": "DC 1"})
    assert response.status_code == 302
    assert intern.person.statuses.filter(kind="resident").count() == 1


def test_the_seventh_year_page_is_for_the_ministry(w, verified_client):
    person = w.intern().person
    url = f"/parcours/personnes/{person.pk}/septieme-annee/nouveau/"
    assert verified_client(w.dean).get(url).status_code == 403
    client = verified_client(w.ministry)
    assert "01/01/2025" in text(client.get(f"/ar{url}"))
    # RD68 ch. 14 is older than its 2025 amount: duties before 2025 are recorded (decision 0001).
    response = client.post(url, {"establishment": w.ph_hospital.pk, "start": "2024-12-01", "end": "2025-06-30",
                                 "decision_ref": "DM 7"})
    assert response.status_code == 302
    assert person.statuses.filter(kind="seventh_year_intern_duties", start_date=D(2024, 12, 1)).exists()


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_doctorate_alert_page_lists_the_resident_near_the_deadline(w, verified_client, prefix):
    start = today() - dt.timedelta(days=320)
    status = w.resident(start=start, entry_route=TraineeStatus.EntryRoute.TITLES_INTERN)
    response = verified_client(w.dean).get(f"{prefix}/parcours/alertes/doctorat/")
    assert response.status_code == 200 and status.person.full_name in text(response)
    assert status.person.full_name not in text(verified_client(CareersWorld().dean).get("/parcours/alertes/doctorat/"))


# --- API -----------------------------------------------------------------------------------------

def test_api_records_and_lists_a_status_leave(w):
    status = w.intern()
    client = token_client(w.director)
    url = f"/api/v1/careers/statuses/{status.pk}/leaves"
    created = client.post(url, {"kind": "annual", "start_date": "2026-07-01", "end_date": "2026-07-30"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["in_force"] is True
    refused = client.post(url, {"kind": "annual", "start_date": "2026-07-10", "end_date": "2026-07-12"},
                          content_type="application/json")
    assert refused.status_code == 400 and "chevauche" in refused.json()["detail"]
    assert token_client(w.dean).post(url, {"kind": "annual", "start_date": "2026-09-01", "end_date": "2026-09-05"},
                                     content_type="application/json").status_code == 403
    assert [leave["start_date"] for leave in token_client(w.dean).get(url).json()] == ["2026-07-01"]
    assert token_client(CareersWorld().dean).get(url).status_code == 404


def test_api_lists_residency_years_and_doctorate_alerts(w):
    status = w.resident(start=D(2025, 11, 1), entry_route=TraineeStatus.EntryRoute.TITLES_INTERN)
    ResidencyYear.objects.create(status=status, number=1, start_date=D(2025, 11, 1), end_date=D(2026, 10, 31))
    client = token_client(w.dean)
    years = client.get(f"/api/v1/careers/statuses/{status.pk}/residency-years").json()
    assert [(y["number"], y["outcome"]) for y in years] == [(1, "pending")]
    alerts = client.get("/api/v1/careers/doctorate-alerts?today=2026-10-01").json()
    assert [(a["status_id"], a["deadline"], a["days_left"]) for a in alerts] == [(status.pk, "2026-10-31", 30)]
    assert client.get("/api/v1/careers/doctorate-alerts?today=2026-06-01").json() == []
