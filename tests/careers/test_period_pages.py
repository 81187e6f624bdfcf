"""Pages and API of the choice of services by merit (D93 art. 14–15, RD68 ch. 5), in French and
in Arabic (RTL)."""

from __future__ import annotations

import pytest
from django.test import Client

from residanat.careers.models import Rotation, RotationPeriod, RotationWish
from residanat.careers.periods import do_approve_seats, do_save_wishes
from tests.careers.test_periods import (
    assign,
    chooser_of,
    d93_period,
    done,
    rotation_service,
    trainee_account,
)
from tests.careers.world import CareersWorld
from tests.formpage import form_with_errors, shows

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return CareersWorld()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _missing_paediatrics(world):
    """A medicine intern who did general medicine, general surgery and an 'other' service: the
    paediatrics-or-obstetrics rotation is still missing with one rotation left."""
    intern = world.intern()
    for key in ("general_medicine", "general_surgery", "other"):
        done(intern, world.service(key))
    return intern


def _passed(period):
    RotationPeriod.objects.filter(pk=period.pk).update(wishes_deadline=period.wishes_deadline.replace(year=2000))


# --- the list and creation -----------------------------------------------------------------------

def test_list_shows_the_periods_in_scope_and_the_create_form_to_the_director(world, verified_client):
    period = d93_period(world, {"other": 1}, approve=False, open_wishes=False)
    page = verified_client(world.director).get("/parcours/periodes/")
    assert page.status_code == 200
    assert period.label in page.content.decode() and page.context["form"] is not None
    dean_page = verified_client(world.dean).get("/parcours/periodes/")
    assert period.label in dean_page.content.decode() and dean_page.context["form"] is None


def test_list_in_arabic_is_right_to_left(world, verified_client):
    d93_period(world, {"other": 1}, approve=False, open_wishes=False)
    page = verified_client(world.director).get("/ar/parcours/periodes/")
    assert page.status_code == 200 and 'dir="rtl"' in page.content.decode()


def test_director_creates_a_period_of_their_centre_from_the_page(world, verified_client):
    response = verified_client(world.director).post("/parcours/periodes/nouvelle/", {
        "regime": "D93", "track": "medicine", "hospital_centre": world.centre.pk, "label": "Mai 2026",
        "start_date": "2026-05-01", "end_date": "2026-10-31"})
    period = RotationPeriod.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/parcours/periodes/{period.pk}/"
    assert period.faculty == world.faculty


def test_the_dean_cannot_create_a_period(world, verified_client):
    response = verified_client(world.dean).post("/parcours/periodes/nouvelle/", {
        "regime": "D93", "track": "medicine", "hospital_centre": world.centre.pk, "label": "Mai 2026",
        "start_date": "2026-05-01", "end_date": "2026-10-31"})
    assert response.status_code == 403 and not RotationPeriod.objects.exists()


# --- the office's page ---------------------------------------------------------------------------

def test_office_page_shows_seats_approvals_and_call_order_with_missing_mandatory_rotations(world, verified_client):
    intern = _missing_paediatrics(world)
    period = d93_period(world, {"paediatrics": 2, "other_2": 1})
    page = verified_client(world.dean).get(f"/parcours/periodes/{period.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert world.service("paediatrics").name in html and "Arrêt des places" in html
    assert intern.person.full_name in html and "pédiatrie ou gynécologie-obstétrique (1)" in html
    assert world.dean.username in html and world.director.username in html
    assert "Attribuer les services" not in html  # the dean does not run the choice


def test_office_page_in_arabic_is_right_to_left_with_arabic_mandatory_labels(world, verified_client):
    _missing_paediatrics(world)
    period = d93_period(world, {"paediatrics": 2})
    page = verified_client(world.director).get(f"/ar/parcours/periodes/{period.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'dir="rtl"' in html and "طب الأطفال أو أمراض النساء والتوليد" in html


def test_seats_saved_from_the_page_clear_the_approvals(world, verified_client):
    period = d93_period(world, {"other": 1}, open_wishes=False)
    response = verified_client(world.director).post(f"/parcours/periodes/{period.pk}/places/", {
        f"seats_{world.service('other').pk}": "3", f"seats_{world.service('paediatrics').pk}": "2"})
    assert response.status_code == 302
    period.refresh_from_db()
    assert dict(period.seats.values_list("service", "seats")) == {world.service("other").pk: 3,
                                                                   world.service("paediatrics").pk: 2}
    assert period.seats_approved_by_dean is None and period.seats_approved_by_director is None


def test_wishes_do_not_open_from_the_page_without_the_dean_approval(world, verified_client):
    world.intern()
    period = d93_period(world, {"other": 1}, approve=False, open_wishes=False)
    do_approve_seats(period, world.director)
    response = verified_client(world.director).post(f"/parcours/periodes/{period.pk}/voeux/ouvrir/",
                                                    {"deadline": "2099-06-25T18:00"})
    form = form_with_errors(response.content.decode())
    assert response.status_code == 400 and "(D93 art. 15)" in form.summary
    assert shows(form, "deadline", "2099-06-25T18:00")
    period.refresh_from_db()
    assert period.state == "preparing"


def test_office_assigns_then_sees_fill_and_assigns_the_unassigned_by_hand(world, verified_client):
    first, second = world.intern(rank=1), world.intern(rank=2)
    period = d93_period(world, {"general_medicine": 1, "general_surgery": 1})
    for status in (first, second):
        do_save_wishes(chooser_of(period, status), [world.service("general_medicine")], world.director)
    _passed(period)
    client = verified_client(world.director)
    assert client.post(f"/parcours/periodes/{period.pk}/attribuer/").status_code == 302
    assert rotation_service(period, first) == world.service("general_medicine")
    page = client.get(f"/parcours/periodes/{period.pk}/")
    assert page.context["unassigned"][0].status == second and page.context["hand_form"] is not None
    response = client.post(f"/parcours/periodes/{period.pk}/attribuer/a-la-main/", {
        "chooser": chooser_of(period, second).pk, "service": world.service("general_surgery").pk})
    assert response.status_code == 302
    assert rotation_service(period, second) == world.service("general_surgery")


def test_by_hand_assignment_refused_by_the_regulation_is_shown_with_its_reason(world, verified_client):
    intern = _missing_paediatrics(world)
    period = d93_period(world, {"paediatrics": 1, "other_2": 1})
    _passed(period)
    client = verified_client(world.director)
    client.post(f"/parcours/periodes/{period.pk}/attribuer/")
    response = client.post(f"/parcours/periodes/{period.pk}/attribuer/a-la-main/", {
        "chooser": chooser_of(period, intern).pk, "service": world.service("other_2").pk})
    form = form_with_errors(response.content.decode())
    text = form.summary
    assert shows(form, "chooser", str(chooser_of(period, intern).pk))
    assert "rendrait impossibles les stages obligatoires restants" in text and "(D93 art. 14)" in text
    assert not Rotation.objects.filter(period=period).exists()


def test_a_trainee_gets_404_on_the_office_page_and_403_when_assigning(world):
    intern = world.intern()
    user = trainee_account(world, intern)
    period = d93_period(world, {"general_medicine": 1})
    _passed(period)
    client = _client(user)
    assert client.get(f"/parcours/periodes/{period.pk}/").status_code == 404
    assert client.post(f"/parcours/periodes/{period.pk}/attribuer/").status_code == 403
    assert RotationPeriod.objects.get(pk=period.pk).state == "wishes_open"


def test_a_trainee_outside_the_period_gets_404(world):
    world.intern()
    outsider = CareersWorld().intern()
    user = trainee_account(world, outsider)
    period = d93_period(world, {"general_medicine": 1})
    client = _client(user)
    for url in (f"/parcours/periodes/{period.pk}/voeux/", f"/parcours/periodes/{period.pk}/",
                f"/parcours/periodes/{period.pk}/attribuer/", f"/api/v1/careers/periods/{period.pk}",
                f"/api/v1/careers/periods/{period.pk}/my-wishes"):
        response = client.post(url) if url.endswith("attribuer/") else client.get(url)
        assert response.status_code == 404, url


def test_a_head_of_service_sees_the_period_of_their_service_but_cannot_assign(world, verified_client):
    world.intern()
    period = d93_period(world, {"general_medicine": 1})
    client = verified_client(world.head_of("general_medicine"))
    assert client.get(f"/parcours/periodes/{period.pk}/").status_code == 200
    assert client.post(f"/parcours/periodes/{period.pk}/attribuer/").status_code == 403
    assert verified_client(world.head_of("other")).get(f"/parcours/periodes/{period.pk}/").status_code == 404


# --- the trainee's own wishes --------------------------------------------------------------------

def test_trainee_page_greys_a_refused_service_with_its_reason_and_lists_missing_rotations(world):
    intern = _missing_paediatrics(world)
    user = trainee_account(world, intern)
    period = d93_period(world, {"paediatrics": 1, "other_2": 1})
    page = _client(user).get(f"/parcours/periodes/{period.pk}/voeux/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Stages obligatoires restants" in html and "pédiatrie ou gynécologie-obstétrique (1)" in html
    assert "rendrait impossibles les stages obligatoires restants" in html
    form = page.context["form"]
    assert form.fields[f"rank_{world.service('other_2').pk}"].disabled
    assert not form.fields[f"rank_{world.service('paediatrics').pk}"].disabled


def test_trainee_page_in_arabic_gives_the_reason_in_arabic(world):
    intern = _missing_paediatrics(world)
    user = trainee_account(world, intern)
    period = d93_period(world, {"paediatrics": 1, "other_2": 1})
    page = _client(user).get(f"/ar/parcours/periodes/{period.pk}/voeux/")
    html = page.content.decode()
    assert page.status_code == 200 and 'dir="rtl"' in html
    assert "هذا الاختيار يجعل التداريب الإجبارية المتبقية مستحيلة" in html


def test_trainee_saves_ranked_wishes_from_the_page(world):
    intern = world.intern()
    user = trainee_account(world, intern)
    period = d93_period(world, {"general_medicine": 1, "general_surgery": 1})
    gm, gs = world.service("general_medicine"), world.service("general_surgery")
    url = f"/parcours/periodes/{period.pk}/voeux/"
    response = _client(user).post(url, {f"rank_{gm.pk}": "2", f"rank_{gs.pk}": "1"})
    assert response.status_code == 302
    assert list(RotationWish.objects.order_by("rank").values_list("service", flat=True)) == [gs.pk, gm.pk]


def test_two_wishes_with_the_same_rank_are_refused(world):
    intern = world.intern()
    user = trainee_account(world, intern)
    period = d93_period(world, {"general_medicine": 1, "general_surgery": 1})
    gm, gs = world.service("general_medicine"), world.service("general_surgery")
    url = f"/parcours/periodes/{period.pk}/voeux/"
    response = _client(user).post(url, {f"rank_{gm.pk}": "1", f"rank_{gs.pk}": "1"})
    form = form_with_errors(response.content.decode())
    assert response.status_code == 200 and "même rang" in form.summary and form.first == "summary"
    assert shows(form, f"rank_{gm.pk}", "1") and shows(form, f"rank_{gs.pk}", "1")
    assert not RotationWish.objects.exists()


def test_trainee_page_shows_the_service_obtained_once_assigned(world):
    intern = world.intern()
    user = trainee_account(world, intern)
    period = d93_period(world, {"general_medicine": 1})
    do_save_wishes(chooser_of(period, intern), [world.service("general_medicine")], user)
    assign(period, world.director)
    page = _client(user).get(f"/parcours/periodes/{period.pk}/voeux/")
    assert page.context["rotation"].service == world.service("general_medicine")
    assert "Service attribué" in page.content.decode()


# --- the API -------------------------------------------------------------------------------------

def test_api_lists_the_trainee_own_periods_with_seats_and_fill(world):
    intern = world.intern()
    user = trainee_account(world, intern)
    period = d93_period(world, {"general_medicine": 2})
    other = CareersWorld()
    other.intern()
    d93_period(other, {"general_medicine": 1})  # another centre's period
    client = _client(user)
    listed = client.get("/api/v1/careers/periods").json()
    assert [p["id"] for p in listed] == [period.pk]
    detail = client.get(f"/api/v1/careers/periods/{period.pk}").json()
    assert detail["seats"][0]["seats"] == 2 and detail["seats"][0]["filled"] == 0
    assert detail["seats_approved_by_dean"] and detail["seats_approved_by_director"]


def test_api_put_my_wishes_saves_or_refuses_with_the_reason(world):
    intern = _missing_paediatrics(world)
    user = trainee_account(world, intern)
    period = d93_period(world, {"paediatrics": 1, "other_2": 1})
    client = _client(user)
    url = f"/api/v1/careers/periods/{period.pk}/my-wishes"
    refused = client.put(url, {"services": [world.service("other_2").pk]}, content_type="application/json")
    assert refused.status_code == 400 and "(D93 art. 14)" in refused.json()["detail"]
    saved = client.put(url, {"services": [world.service("paediatrics").pk]}, content_type="application/json")
    assert saved.status_code == 200
    body = saved.json()
    assert [w["id"] for w in body["wishes"]] == [world.service("paediatrics").pk]
    assert {o["service"]["id"]: o["refused"] is not None for o in body["options"]} == {
        world.service("paediatrics").pk: False, world.service("other_2").pk: True}
    assert body["missing_mandatory"] == ["pédiatrie ou gynécologie-obstétrique (1)"]


def test_api_my_wishes_is_only_for_the_chooser(world, verified_client):
    world.intern()
    period = d93_period(world, {"general_medicine": 1})
    response = verified_client(world.director).get(f"/api/v1/careers/periods/{period.pk}/my-wishes")
    assert response.status_code == 404  # the director sees the period but does not choose in it



def test_a_refused_new_period_comes_back_with_every_value_typed_and_its_errors_in_the_form(world, verified_client):
    """Issue 25 item 1: a new period ending before it starts is refused; the list page comes back
    with the regime, track, centre, label and dates typed, the error at the top of the form."""
    response = verified_client(world.director).post("/parcours/periodes/nouvelle/", {
        "regime": "D93", "track": "medicine", "hospital_centre": world.centre.pk, "label": "Mai 2026",
        "start_date": "2026-05-01", "end_date": "2026-04-30"})
    assert response.status_code == 400 and not RotationPeriod.objects.exists()
    form = form_with_errors(response.content.decode())
    assert form.first == "summary" and "précède son début" in form.summary
    assert shows(form, "track", "medicine") and shows(form, "hospital_centre", str(world.centre.pk))
    assert shows(form, "label", "Mai 2026") and shows(form, "start_date", "2026-05-01")
    assert shows(form, "end_date", "2026-04-30")
    response = verified_client(world.director).post("/parcours/periodes/nouvelle/", {"regime": "D93", "label": ""})
    form = form_with_errors(response.content.decode())
    assert "Intitulé" in form.summary and "Début" in form.summary


def test_a_blank_faculty_is_the_centres_faculty_of_the_track_as_the_help_says(world, verified_client):
    """Issue 25 item 1: the help says the faculty defaults to the centre's; with a faculty of
    dental medicine beside the faculty of medicine and pharmacy, a blank faculty is the one of the
    period's track, not an error."""
    from tests.referential.factories import FacultyFactory
    dental = FacultyFactory(kind="FMD")
    world.centre.faculties.add(dental)
    client = verified_client(world.director)
    for track, expected in (("medicine", world.faculty), ("dental", dental)):
        response = client.post("/parcours/periodes/nouvelle/", {
            "regime": "D93", "track": track, "hospital_centre": world.centre.pk, "faculty": "",
            "label": f"Mai 2026 {track}", "start_date": "2026-05-01", "end_date": "2026-10-31"})
        assert response.status_code == 302
        assert RotationPeriod.objects.get(label=f"Mai 2026 {track}").faculty == expected
