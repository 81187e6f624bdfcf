"""The office's pages of a choice session: creating it, opening the wishes, scheduling and running
simulation rounds, the binding final round, each round's results with the changes of wishes
since the previous one, the laureates and their wish histories; and who may see or run them."""

import datetime as dt
import html

import pytest
from django.test import Client
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.choice.models import Choice, ChoiceSession, Chooser, Post, Round, WishList
from residanat.choice.rounds import do_run_round, do_schedule_round
from residanat.ops.models import Job
from residanat.choice.sessions import do_open_wishes
from residanat.choice.wishes import do_save_wishes
from tests.accounts.factories import user_with_role
from tests.ops.helpers import run_queued_jobs
from tests.choice.world import ChoiceWorld, close_deadline
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db
State = ChoiceSession.State


def text(response):
    return html.unescape(response.content.decode())


class World:
    def __init__(self, *, session=True, wishes_open=True):
        self.w = ChoiceWorld(seats={"cardio": 1, "pedia": 2})
        self.laureate_user = user_with_role(Role.TRAINEE)
        self.w.laureate("R0001", 1, user=self.laureate_user)
        self.w.laureates(2, start=2)
        self.slug = self.w.competition.slug
        self.base = f"/choix/{self.slug}/"
        self.session = self.w.session() if session else None
        if session and wishes_open:
            self.session = do_open_wishes(self.session, timezone.now() + dt.timedelta(days=2), self.w.dean)

    def post(self, code):
        return Post.objects.get(session=self.session, code=f"chu-test-medical-{code}")

    def chooser(self, order):
        return Chooser.objects.get(session=self.session, order=order)

    def wishes(self, order, *codes, by=None):
        chooser = self.chooser(order)
        return do_save_wishes(chooser, [self.post(c).pk for c in codes], by or self.w.dean)

    def close_deadline(self):
        close_deadline(self.session)


@pytest.fixture
def world():
    return World()


@pytest.fixture
def dean(world, verified_client):
    return verified_client(world.w.dean)


# --- creation and the wishes period --------------------------------------------------------------

def test_an_editor_creates_the_session_of_a_deliberated_residanat_from_the_list(verified_client):
    world = World(session=False)
    client = verified_client(world.w.dean)
    listing = client.get("/choix/")
    assert f"/choix/{world.slug}/creer/" in listing.content.decode()
    response = client.post(f"/choix/{world.slug}/creer/")
    assert response.status_code == 302 and response["Location"] == world.base
    session = ChoiceSession.objects.get(competition=world.w.competition)
    assert session.choosers.count() == 3
    # Created once: the list no longer offers it, a second POST says why.
    assert f"/choix/{world.slug}/creer/" not in client.get("/choix/").content.decode()
    again = client.post(f"/choix/{world.slug}/creer/", follow=True)
    assert "existe déjà" in text(again)


def test_a_viewer_of_the_competition_cannot_create_the_session(verified_client):
    world = World(session=False)
    director = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=world.w.competition.hospital_centre)
    client = verified_client(director)
    assert f"/choix/{world.slug}/creer/" not in client.get("/choix/").content.decode()
    assert client.post(f"/choix/{world.slug}/creer/").status_code == 403
    assert not ChoiceSession.objects.exists()


def test_the_office_opens_the_wishes_with_a_deadline(verified_client):
    world = World(wishes_open=False)
    client = verified_client(world.w.dean)
    response = client.post(f"{world.base}voeux/ouvrir/", {"deadline": "2031-06-25T18:00"}, follow=True)
    world.session.refresh_from_db()
    assert world.session.state == State.WISHES_OPEN
    assert timezone.localtime(world.session.wishes_deadline).strftime("%Y-%m-%d %H:%M") == "2031-06-25 18:00"
    assert "Vœux ouverts jusqu'au 25/06/2031 18:00." in text(response)


def test_the_session_page_counts_laureates_seats_and_wish_lists(world, dean):
    world.wishes(1, "cardio")
    page = dean.get(world.base)
    assert page.context["counts"] == {"laureates": 3, "posts": 2, "pooled_posts": 0, "seats": 3, "lists": 1,
                                      "without": 2}


def test_a_round_is_scheduled_in_the_future_only(world, dean):
    at = timezone.localtime() + dt.timedelta(days=1)
    dean.post(f"{world.base}tours/programmer/", {"at": at.strftime("%Y-%m-%dT%H:%M")})
    rnd = Round.objects.get(session=world.session)
    assert rnd.run_at is None
    assert timezone.localtime(rnd.scheduled_at).strftime("%Y%m%d%H%M") == at.strftime("%Y%m%d%H%M")
    past = timezone.localtime() - dt.timedelta(hours=1)
    refused = dean.post(f"{world.base}tours/programmer/", {"at": past.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert "Un tour se programme dans l'avenir" in text(refused)
    assert Round.objects.filter(session=world.session).count() == 1


def test_a_scheduled_round_whose_time_has_come_is_run_from_the_session_page(world, dean):
    rnd = do_schedule_round(world.session, timezone.now() + dt.timedelta(hours=1), world.w.dean)
    Round.objects.filter(pk=rnd.pk).update(scheduled_at=timezone.now() - dt.timedelta(minutes=5))
    assert 'name="round" value="1"' in dean.get(world.base).content.decode()
    job_page = dean.post(f"{world.base}tours/lancer/", {"round": "1"})["Location"]
    rnd.refresh_from_db()
    assert job_page.startswith("/taches/") and rnd.run_at is None  # queued for the worker
    run_queued_jobs()
    rnd.refresh_from_db()
    assert rnd.run_at is not None and Round.objects.filter(session=world.session).count() == 1


def test_running_a_round_now_shows_its_results_per_post_and_per_laureate(world, dean):
    world.wishes(1, "cardio", "pedia")
    world.wishes(2, "cardio", "pedia")
    response = dean.post(f"{world.base}tours/lancer/")
    job = Job.objects.get(kind="choice.run_round")
    assert response.status_code == 302 and response["Location"] == f"/taches/{job.pk}/"
    assert dean.post(f"{world.base}tours/lancer/")["Location"] == f"/taches/{job.pk}/"  # a double click: one job
    queued = text(dean.get(f"/taches/{job.pk}/"))
    assert "Tour de simulation" in queued and "En attente" in queued and not Round.objects.exists()
    run_queued_jobs()
    assert f'href="{world.base}tours/1/"' in text(dean.get(f"/taches/{job.pk}/"))
    page = dean.get(f"{world.base}tours/1/")
    rows = {row["post"].code: (row["filled"], row["cutoff"]) for row in page.context["post_rows"]}
    assert rows == {"chu-test-medical-cardio": (1, 1), "chu-test-medical-pedia": (1, 2)}
    laureates = [(p.chooser.order, p.post.code if p.post else None, p.wish_number)
                 for p in page.context["placements"]]
    assert laureates == [(1, "chu-test-medical-cardio", 1), (2, "chu-test-medical-pedia", 2), (3, None, None)]
    assert "Premier tour : rien à comparer." in text(page)


# --- the binding round ---------------------------------------------------------------------------

def test_the_binding_round_is_refused_before_the_deadline_with_the_services_message(world, dean):
    world.wishes(1, "cardio")
    response = dean.post(f"{world.base}tours/definitif/", {"confirm": "on"}, follow=True)
    assert "Le tour définitif se fait après la date limite des vœux." in text(response)
    world.session.refresh_from_db()
    assert world.session.state == State.WISHES_OPEN
    assert not Round.objects.filter(session=world.session).exists()


def test_the_binding_round_needs_the_confirmation(world, dean):
    world.close_deadline()
    response = dean.post(f"{world.base}tours/definitif/", {}, follow=True)
    assert "Cochez la confirmation" in text(response)
    assert not Round.objects.filter(session=world.session).exists()


def test_after_the_deadline_the_binding_round_assigns_the_posts_and_closes_the_session(world, dean):
    world.wishes(1, "cardio")
    world.wishes(2, "cardio", "pedia")
    world.close_deadline()
    response = dean.post(f"{world.base}tours/definitif/", {"confirm": "on"})
    job = Job.objects.get(kind="choice.run_round")
    assert response["Location"] == f"/taches/{job.pk}/" and not Choice.objects.exists()
    run_queued_jobs()
    job.refresh_from_db()
    assert job.result_url == f"{world.base}tours/1/"
    world.session.refresh_from_db()
    assert world.session.state == State.CLOSED
    assert {(c.chooser.order, c.post.code, c.method) for c in Choice.objects.all()} == {
        (1, "chu-test-medical-cardio", "round"), (2, "chu-test-medical-pedia", "round")}
    page = text(dean.get(world.base))
    assert "Le choix est clos." in page and "Lancer un tour" not in page
    refused = dean.post(f"{world.base}tours/lancer/", follow=True)
    assert "Les tours se font pendant la période des vœux." in text(refused)


# --- changes between rounds and wish histories ---------------------------------------------------

def test_the_round_page_lists_the_laureates_who_changed_their_wishes_since_the_previous_round(world, dean):
    world.wishes(1, "cardio")
    world.wishes(2, "cardio", "pedia")
    do_run_round(world.session, world.w.dean)
    world.wishes(2, "pedia", "cardio")
    world.wishes(3, "pedia")
    do_schedule_round(world.session, timezone.now() + dt.timedelta(days=1), world.w.dean)  # never run: skipped
    do_run_round(world.session, world.w.dean)
    page = dean.get(f"{world.base}tours/3/")
    assert page.context["previous"].number == 1
    changed = {p.chooser.order: diff for p, _old, diff in page.context["changed"]}
    assert set(changed) == {2, 3}
    assert [(post.code, before, after) for post, before, after in changed[2]["moved"]] == [
        ("chu-test-medical-pedia", 2, 1), ("chu-test-medical-cardio", 1, 2)]
    assert [(post.code, n) for post, n in changed[3]["added"]] == [("chu-test-medical-pedia", 1)]
    content = text(page)
    assert "Vœux modifiés depuis le tour 1" in content and "déplacés" in content


def test_a_laureates_page_shows_every_version_of_their_wishes_with_who_saved_it(world, dean):
    world.wishes(1, "cardio", by=world.laureate_user)
    world.wishes(1, "pedia", "cardio")
    page = dean.get(f"{world.base}laureats/1/")
    versions = page.context["versions"]
    assert [v.number for v in versions] == [2, 1]
    assert [(post.code, n) for post, n in versions[0].changes["added"]] == [("chu-test-medical-pedia", 1)]
    content = text(page)
    assert "par le lauréat" in content and "saisie par" in content


def test_the_laureates_list_shows_the_wish_list_in_force_and_the_last_placement(world, dean):
    world.wishes(1, "cardio")
    world.wishes(1, "pedia")
    do_run_round(world.session, world.w.dean)
    page = dean.get(f"{world.base}laureats/")
    first = page.context["choosers"][0]
    assert first.wish_list.number == 2 and first.placement.post.code == "chu-test-medical-pedia"


def test_the_office_enters_a_wish_list_handed_in_on_paper(world, dean, verified_client):
    url = f"{world.base}laureats/2/"
    dean.post(url, {"posts": [world.post("pedia").pk], "op": "save"})
    saved = WishList.objects.get(chooser=world.chooser(2))
    assert saved.posts == [world.post("pedia").pk] and saved.saved_by == world.w.dean
    director = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=world.w.competition.hospital_centre)
    viewer = verified_client(director)
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, {"posts": [world.post("cardio").pk], "op": "save"}).status_code == 403


# --- scope ---------------------------------------------------------------------------------------

def test_office_pages_answer_by_scope(world, verified_client):
    do_run_round(world.session, world.w.dean)
    pages = [world.base, f"{world.base}tours/1/", f"{world.base}laureats/", f"{world.base}laureats/1/"]
    director = verified_client(user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE,
                                              hospital_centre=world.w.competition.hospital_centre))
    other_dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    laureate = Client()
    laureate.force_login(world.laureate_user)
    for url in pages:
        assert director.get(url).status_code == 200, url
        assert other_dean.get(url).status_code == 404, url
        assert laureate.get(url).status_code == 404, url
    # The viewer sees no action and may not run one; outside the scope, the session does not exist.
    assert "tours/lancer/" not in director.get(world.base).content.decode()
    assert director.post(f"{world.base}tours/lancer/").status_code == 403
    assert other_dean.post(f"{world.base}tours/lancer/").status_code == 404
    assert laureate.post(f"{world.base}tours/lancer/").status_code == 404
    assert Round.objects.filter(session=world.session).count() == 1


def test_the_session_list_shows_the_laureate_their_wishes_and_the_office_the_session(world, dean):
    laureate = Client()
    laureate.force_login(world.laureate_user)
    own = laureate.get("/choix/").content.decode()
    assert f"{world.base}mes-voeux/" in own and f'href="{world.base}"' not in own
    assert f'href="{world.base}"' in dean.get("/choix/").content.decode()


def test_the_competition_page_links_to_its_choice_session(world, dean):
    page = dean.get(f"/concours/{world.slug}/").content.decode()
    assert f'href="{world.base}"' in page


def test_the_office_pages_render_right_to_left_in_arabic(world, dean):
    world.wishes(1, "cardio")
    do_run_round(world.session, world.w.dean)
    for url in ("/choix/", world.base, f"{world.base}tours/1/", f"{world.base}laureats/", f"{world.base}laureats/1/"):
        response = dean.get(f"/ar{url}")
        assert response.status_code == 200, url
        assert 'dir="rtl"' in response.content.decode()[:400], url


def test_a_competition_without_a_deliberated_merit_list_is_not_offered_for_a_session(verified_client):
    world = World(session=False)
    world.w.merit_list.delete()
    page = verified_client(world.w.dean).get("/choix/").content.decode()
    assert f"/choix/{world.slug}/creer/" not in page
