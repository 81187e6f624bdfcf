"""The choice API: sessions and posts in the caller's scope (404 outside), a laureate's own place
and wishes, the assignments as the caller may see them, the log check for the staff."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.choice import live
from residanat.choice.models import Chooser, LogEntry, Post
from residanat.choice.rounds import do_run_round
from residanat.choice.sessions import do_close_session, do_open_wishes, do_start_live
from residanat.choice.wishes import do_save_wishes
from tests.accounts.factories import user_with_role
from tests.api.helpers import token_client
from tests.choice.world import ChoiceWorld
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = ChoiceWorld(seats={"cardio": 1, "pedia": 2})
    w.laureate_user = user_with_role(Role.TRAINEE)
    w.other_user = user_with_role(Role.TRAINEE)
    w.laureate("R0001", 1, user=w.other_user)
    w.laureate("R0002", 2, user=w.laureate_user)
    w.laureate("R0003", 3)
    return w


def post(session, code):
    return Post.objects.get(session=session, code=f"chu-test-medical-{code}")


def chooser(session, order):
    return Chooser.objects.get(session=session, order=order)


@pytest.fixture
def closed(world):
    session = do_start_live(world.session(), world.dean)
    live.do_record_choice(session, chooser(session, 1), post(session, "cardio"), world.dean)
    live.do_record_choice(session, chooser(session, 2), post(session, "pedia"), world.dean)
    live.do_record_choice(session, chooser(session, 3), post(session, "pedia"), world.dean)
    return do_close_session(session, world.dean)


def test_a_dean_of_another_faculty_sees_no_session_and_gets_404(world, closed):
    outsider = token_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    slug = world.competition.slug
    assert outsider.get("/api/v1/choice/sessions").json() == []
    for path in ("", "/posts", "/assignments", "/log/verify", "/me"):
        assert outsider.get(f"/api/v1/choice/sessions/{slug}{path}").status_code == 404, path


def test_a_trainee_who_is_not_a_laureate_of_the_session_gets_404(world, closed):
    stranger = token_client(user_with_role(Role.TRAINEE))
    assert stranger.get("/api/v1/choice/sessions").json() == []
    assert stranger.get(f"/api/v1/choice/sessions/{world.competition.slug}/posts").status_code == 404


def test_the_posts_say_capacity_taken_and_remaining(world, closed):
    rows = {r["code"]: r for r in token_client(world.dean).get(
        f"/api/v1/choice/sessions/{world.competition.slug}/posts").json()}
    pedia = rows["chu-test-medical-pedia"]
    assert (pedia["capacity"], pedia["taken"], pedia["remaining"]) == (2, 2, 0)
    assert rows["chu-test-medical-cardio"]["remaining"] == 0


def test_a_laureate_sees_their_session_and_its_posts(world, closed):
    client = token_client(world.laureate_user)
    [session] = client.get("/api/v1/choice/sessions").json()
    assert (session["slug"], session["state"], session["laureates"]) == (world.competition.slug, "closed", 3)
    assert len(client.get(f"/api/v1/choice/sessions/{world.competition.slug}/posts").json()) == 2


def test_a_laureate_sees_only_their_own_assignment(world, closed):
    body = token_client(world.laureate_user).get(
        f"/api/v1/choice/sessions/{world.competition.slug}/assignments").json()
    assert body["final"] is True
    assert [(a["number"], a["post"], a["method"]) for a in body["assignments"]] == [
        ("R0002", "chu-test-medical-pedia", "live")]
    # The posts' fill and cutoff are no one's personal data.
    assert {p["code"]: p["cutoff"] for p in body["posts"]}["chu-test-medical-pedia"] == 3


def test_the_office_sees_every_assignment_in_call_order(world, closed):
    body = token_client(world.dean).get(f"/api/v1/choice/sessions/{world.competition.slug}/assignments").json()
    assert [a["number"] for a in body["assignments"]] == ["R0001", "R0002", "R0003"]
    assert "national_id" not in str(body)


def test_a_laureate_gets_their_own_place_with_the_choice_in_force(world, closed):
    body = token_client(world.laureate_user).get(f"/api/v1/choice/sessions/{world.competition.slug}/me").json()
    assert (body["order"], body["number"], body["presence"]) == (2, "R0002", "served")
    assert (body["choice"]["post"], body["choice"]["method"]) == ("chu-test-medical-pedia", "live")


def test_the_own_place_answers_404_to_the_staff(world, closed):
    assert token_client(world.dean).get(
        f"/api/v1/choice/sessions/{world.competition.slug}/me").status_code == 404


def test_a_laureate_gets_their_wishes_and_the_latest_rounds_placement(world):
    session = do_open_wishes(world.session(), timezone.now() + dt.timedelta(days=2), world.dean)
    me = chooser(session, 2)
    do_save_wishes(chooser(session, 1), [post(session, "cardio").pk], world.other_user)
    do_save_wishes(me, [post(session, "cardio").pk, post(session, "pedia").pk], world.laureate_user)
    do_run_round(session, world.dean)
    body = token_client(world.laureate_user).get(f"/api/v1/choice/sessions/{world.competition.slug}/me").json()
    assert body["wishes"]["posts"] == ["chu-test-medical-cardio", "chu-test-medical-pedia"]
    assert (body["placement"]["round"], body["placement"]["post"], body["placement"]["wish_number"]) == (
        1, "chu-test-medical-pedia", 2)
    assert [w["outcome"] for w in body["placement"]["wishes"]] == ["full", "assigned"]
    assert body["choice"] is None


def test_the_log_check_is_ok_then_names_the_edited_entry(world, closed):
    client = token_client(world.dean)
    url = f"/api/v1/choice/sessions/{world.competition.slug}/log/verify"
    body = client.get(url).json()
    assert body["ok"] and body["entries"] == 6 and body["broken_seq"] is None
    entry = LogEntry.objects.get(session=closed, seq=3)
    LogEntry.objects.filter(pk=entry.pk).update(payload={**entry.payload, "post": "x"})
    body = client.get(url).json()
    assert (body["ok"], body["broken_seq"]) == (False, 3)


def test_the_log_check_is_refused_to_a_laureate(world, closed):
    response = token_client(world.laureate_user).get(f"/api/v1/choice/sessions/{world.competition.slug}/log/verify")
    assert response.status_code == 403


def test_a_staff_session_without_the_totp_step_is_stopped(world, closed):
    client = Client()
    client.force_login(world.dean)
    assert client.get("/api/v1/choice/sessions").status_code == 403


def test_anonymous_callers_get_401(world, closed):
    assert Client().get("/api/v1/choice/sessions").status_code == 401


def test_a_session_says_when_its_live_session_opens(world):
    opens = timezone.make_aware(dt.datetime(2031, 7, 2, 9, 30))
    do_open_wishes(world.session(), opens - dt.timedelta(days=3), world.dean, live_at=opens)
    body = token_client(world.dean).get(f"/api/v1/choice/sessions/{world.competition.slug}").json()
    assert dt.datetime.fromisoformat(body["live_at"]) == opens
