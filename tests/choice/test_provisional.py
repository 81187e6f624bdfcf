"""The live provisional post (issue 23 items 1 and 2): every saved list (page or API) makes the
worker compute the session's assignment again, coalesced into one job at a time; the result is
serial dictatorship on everybody's lists in force, is not logged, and the laureate asks "what
if" without saving."""

import datetime as dt
import random

import pytest
from django.test import Client
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.choice import provisional
from residanat.choice.models import Chooser, LogEntry, Post, Provisional, ProvisionalPlacement, Round, WishList
from residanat.choice.rounds import do_run_round
from residanat.choice.sessions import do_open_wishes
from residanat.choice.wishes import do_save_wishes
from residanat.concours.models import MeritEntry
from residanat.ops.models import Job
from tests.accounts.factories import user_with_role
from tests.api.helpers import token_client
from tests.choice.world import ChoiceWorld, close_deadline
from tests.ops.helpers import run_worker

pytestmark = pytest.mark.django_db(transaction=True)
Outcome = MeritEntry.Outcome


class World:
    """Eight Moroccan laureates on four contract posts (5 seats), two foreigners on the medical
    group's single volunteer seat (a pool over the volunteer posts)."""

    def __init__(self):
        self.w = ChoiceWorld(seats={"cardio": 2, "pedia": 1, "neuro": 1, "derma": 1}, volunteer=1)
        self.users = {}
        for n in range(1, 11):
            number = f"R{n:04d}"
            self.users[number] = user_with_role(Role.TRAINEE)
            foreign = n in (4, 9)
            self.w.laureate(number, n, Outcome.ADMITTED_FOREIGN if foreign else Outcome.ADMITTED, foreign=foreign,
                            user=self.users[number])
        self.session = do_open_wishes(self.w.session(), timezone.now() + dt.timedelta(days=2), self.w.dean)

    def chooser(self, number):
        return Chooser.objects.get(session=self.session, candidate__number=number)

    def open_posts(self, number):
        c = self.chooser(number)
        return list(Post.objects.filter(session=self.session, seat_type=c.seat_type).order_by("code"))

    def save(self, number, posts):
        return do_save_wishes(self.chooser(number), [p.pk for p in posts], self.users[number])


def serial_dictatorship(session):
    """Reference: each laureate in call order takes their first wish with a seat left, and within
    its pool's seats, on the lists in force (written here, not the engine)."""
    posts = {p.pk: p for p in Post.objects.filter(session=session).select_related("quota")}
    left = {pk: p.capacity for pk, p in posts.items()}
    pool = {p.quota_id: p.quota.capacity for p in posts.values() if p.quota_id}
    out = {}
    for chooser in Chooser.objects.filter(session=session).order_by("order"):
        wl = chooser.wish_lists.order_by("-number").first()
        out[chooser.pk] = None
        for pid in (wl.posts if wl else []):
            post = posts[pid]
            if left[pid] > 0 and (post.quota_id is None or pool[post.quota_id] > 0):
                left[pid] -= 1
                if post.quota_id:
                    pool[post.quota_id] -= 1
                out[chooser.pk] = pid
                break
    return out


def live_posts(session):
    return {c.pk: getattr(getattr(c, "provisional", None), "post_id", None)
            for c in Chooser.objects.filter(session=session).select_related("provisional")}


@pytest.fixture
def world():
    return World()


def test_provisional_post_is_serial_dictatorship_after_every_save(world):
    rng = random.Random(23)
    numbers = list(world.users)
    for step in range(12):
        number = rng.choice(numbers)
        wishes = world.open_posts(number)
        rng.shuffle(wishes)
        saved = world.save(number, wishes[:rng.randint(1, len(wishes))])
        run_worker()
        assert live_posts(world.session) == serial_dictatorship(world.session), f"after save {step}"
        row = ProvisionalPlacement.objects.get(chooser__candidate__number=number)
        assert row.wish_list_number == saved.number
    p = Provisional.objects.get(session=world.session)
    assert p.requested == p.computed and not p.running
    # Per-post fill: as many placements as the computation says filled.
    for code, filled in p.filled.items():
        assert ProvisionalPlacement.objects.filter(post__code=code, chooser__session=world.session).count() == filled
    # "Why not" each better wish, from the live fill, is what the engine explains in a round.
    rnd = do_run_round(world.session, world.w.dean)
    for placement in rnd.placements.all():
        live = provisional.placement_of(placement.chooser)
        assert [(w["code"], w["outcome"], w.get("quota")) for w in live["wishes"]] == \
            [(w["code"], w["outcome"], w.get("quota")) for w in placement.wishes]


def test_two_saves_while_a_job_is_queued_make_one_job_that_takes_both(world):
    cardio, pedia = (Post.objects.get(session=world.session, code=f"chu-test-medical-{c}") for c in ("cardio", "pedia"))
    world.save("R0001", [pedia])
    world.save("R0002", [pedia, cardio])
    jobs = Job.objects.filter(kind=provisional.JOB)
    assert jobs.count() == 1 and jobs.get().state == Job.State.QUEUED
    run_worker()
    job = jobs.get()
    assert job.state == Job.State.DONE
    p = Provisional.objects.get(session=world.session)
    assert (p.requested, p.computed, p.computations) == (2, 2, 1)
    assert live_posts(world.session)[world.chooser("R0001").pk] == pedia.pk
    assert live_posts(world.session)[world.chooser("R0002").pk] == cardio.pk  # pedia went to R0001
    # The next save starts a new job (the first is done).
    world.save("R0003", [pedia])
    assert jobs.filter(state=Job.State.QUEUED).count() == 1 and jobs.count() == 2


def test_a_save_during_a_computation_is_taken_in_before_the_job_stops(world):
    """The job reads `requested`, computes, and computes again while a save came meanwhile: a save
    arriving while it runs (here: between the job's start and its check) is never left unseen."""
    pedia = Post.objects.get(session=world.session, code="chu-test-medical-pedia")
    world.save("R0001", [pedia])
    job = Job.objects.get(kind=provisional.JOB)
    Provisional.objects.filter(session=world.session).update(requested=5)  # four saves arrived meanwhile
    WishList.objects.create(chooser=world.chooser("R0002"), number=1, posts=[pedia.pk], saved_by=world.w.dean)
    provisional._provisional_job(job, world.session.pk)
    p = Provisional.objects.get(session=world.session)
    assert (p.computed, p.running) == (5, False)
    assert live_posts(world.session)[world.chooser("R0002").pk] is None  # R0001 holds the only pedia seat
    assert ProvisionalPlacement.objects.get(chooser=world.chooser("R0002")).wish_list_number == 1


def test_a_failed_job_is_replaced_by_the_next_save(world):
    pedia = Post.objects.get(session=world.session, code="chu-test-medical-pedia")
    world.save("R0001", [pedia])
    Job.objects.filter(kind=provisional.JOB).update(state=Job.State.FAILED)
    world.save("R0002", [pedia])
    assert Job.objects.filter(kind=provisional.JOB, state=Job.State.QUEUED).count() == 1
    run_worker()
    assert live_posts(world.session)[world.chooser("R0001").pk] == pedia.pk


def test_live_computations_leave_the_log_and_the_rounds_alone(world):
    pedia = Post.objects.get(session=world.session, code="chu-test-medical-pedia")
    world.save("R0001", [pedia])
    do_run_round(world.session, world.w.dean)
    entries = LogEntry.objects.filter(session=world.session).count()
    world.save("R0002", [pedia])
    run_worker()
    assert LogEntry.objects.filter(session=world.session).count() == entries
    assert Round.objects.filter(session=world.session).count() == 1
    assert Provisional.objects.get(session=world.session).computations == 1


def test_api_saves_wishes_and_shows_the_provisional_post(world):
    client = token_client(world.users["R0002"])
    url = f"/api/v1/choice/sessions/{world.session.slug}/me"
    response = client.put(f"{url}/wishes", {"posts": ["chu-test-medical-pedia", "chu-test-medical-cardio"]},
                          content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["wishes"]["version"] == 1 and body["wishes"]["posts"][0] == "chu-test-medical-pedia"
    run_worker()
    body = client.get(url).json()
    assert body["provisional"]["post"] == "chu-test-medical-pedia"
    assert body["provisional"]["wish_list_version"] == 1 and body["provisional"]["as_of"]
    assert body["provisional"]["pending"] is False
    # R0001, called first, takes pedia: R0002's provisional post moves to cardio after the worker.
    token_client(world.users["R0001"]).put(f"{url}/wishes", {"posts": ["chu-test-medical-pedia"]},
                                           content_type="application/json")
    assert client.get(url).json()["provisional"]["pending"] is True
    run_worker()
    assert client.get(url).json()["provisional"]["post"] == "chu-test-medical-cardio"


def test_api_refusals_are_clear_and_nothing_is_saved(world):
    client = token_client(world.users["R0002"])
    url = f"/api/v1/choice/sessions/{world.session.slug}/me/wishes"
    twice = client.put(url, {"posts": ["chu-test-medical-pedia"] * 2}, content_type="application/json")
    assert twice.status_code == 400 and "deux fois" in twice.json()["detail"]
    volunteer = client.put(url, {"posts": ["chu-test-medical-cardio#VOL"]}, content_type="application/json")
    assert volunteer.status_code == 400 and "chu-test-medical-cardio#VOL" in volunteer.json()["detail"]
    unknown = client.put(url, {"posts": ["nulle-part"]}, content_type="application/json")
    assert unknown.status_code == 400 and "nulle-part" in unknown.json()["detail"]
    assert not WishList.objects.filter(chooser__session=world.session).exists()
    # Only the laureate themself: staff, or anybody outside the session, get 404 on /me.
    assert token_client(world.w.dean).put(url, {"posts": []}, content_type="application/json").status_code == 404
    assert token_client(user_with_role(Role.TRAINEE)).put(url, {"posts": []},
                                                          content_type="application/json").status_code == 404


def test_what_if_answers_without_saving_or_logging(world):
    pedia = Post.objects.get(session=world.session, code="chu-test-medical-pedia")
    world.save("R0001", [pedia])
    run_worker()
    entries, lists = LogEntry.objects.count(), WishList.objects.count()
    client = token_client(world.users["R0002"])
    url = f"/api/v1/choice/sessions/{world.session.slug}/me/what-if"
    response = client.post(url, {"posts": ["chu-test-medical-pedia", "chu-test-medical-neuro"]},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["post"] == "chu-test-medical-neuro" and body["wish_number"] == 2
    assert body["wishes"][0]["outcome"] == "full" and body["wishes"][0]["cutoff"] == 1
    assert body["wishes"][0]["latest_cutoff"] == 1
    assert (LogEntry.objects.count(), WishList.objects.count()) == (entries, lists)
    assert not Job.objects.filter(state=Job.State.QUEUED).exists()
    refused = client.post(url, {"posts": ["chu-test-medical-cardio#VOL"]}, content_type="application/json")
    assert refused.status_code == 400


def test_wishes_page_shows_the_live_post_and_the_what_if(world):
    pedia = Post.objects.get(session=world.session, code="chu-test-medical-pedia")
    neuro = Post.objects.get(session=world.session, code="chu-test-medical-neuro")
    world.save("R0001", [pedia])
    world.save("R0002", [pedia, neuro])
    client = Client()
    client.force_login(world.users["R0002"])
    url = f"/choix/{world.session.slug}/mes-voeux/"
    page = client.get(url).content.decode()
    assert 'id="live-post"' in page and "calcul en cours" in page
    run_worker()
    page = client.get(url).content.decode()
    as_of = timezone.localtime(Provisional.objects.get(session=world.session).as_of).strftime("%H:%M:%S")
    assert as_of in page and "Neuro" in page
    assert f"à <strong>{as_of}</strong>, sur votre liste" in page
    # In Arabic the clauses are joined by the Arabic comma, not the Latin one.
    arabic = client.get(f"/ar{url}").content.decode()
    assert f"<strong>{as_of}</strong>، " in arabic and f"<strong>{as_of}</strong>, " not in arabic
    fragment = client.post(url, {"op": "what-if", "posts": [neuro.pk, pedia.pk]}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert 'id="what-if"' in text and "vœu n° 1" in text
    assert WishList.objects.filter(chooser=world.chooser("R0002")).count() == 1


def test_office_sees_the_live_fill_and_cutoffs_and_a_laureate_does_not(world, verified_client):
    pedia = Post.objects.get(session=world.session, code="chu-test-medical-pedia")
    world.save("R0001", [pedia])
    world.save("R0002", [pedia])
    run_worker()
    client = verified_client(world.w.dean)
    page = client.get(f"/choix/{world.session.slug}/provisoire/?q=pedia").content.decode()
    assert 'id="live-summary"' in page and "Pedia" in page and "Cardio" not in page
    row = page[page.index('title="chu-test-medical-pedia"'):]
    assert '<td class="num">1</td><td class="num">1</td>' in row[:400]  # 1 filled, last admitted order 1
    laureate = Client()
    laureate.force_login(world.users["R0001"])
    assert laureate.get(f"/choix/{world.session.slug}/provisoire/").status_code == 404


def test_what_if_quotes_the_cutoffs_of_earlier_years(world):
    """An earlier year's session of the same faculty, closed by its binding round: its cutoff per
    specialty and seat type is shown beside each wish."""
    earlier = ChoiceWorld(seats={"pedia": 1, "cardio": 3}, year=2025, slug="residanat-2025-test", specialties=world.w.specialties,
                          faculty=world.w.competition.faculty, hospital_centre=world.w.competition.hospital_centre)
    for n in range(1, 4):
        earlier.laureate(f"E{n:04d}", n)
    old = do_open_wishes(earlier.session(), timezone.now() + dt.timedelta(days=1), earlier.dean)
    old_posts = {p.specialty.code: p for p in Post.objects.filter(session=old)}
    for chooser in Chooser.objects.filter(session=old).order_by("order"):
        do_save_wishes(chooser, [old_posts["pedia"].pk, old_posts["cardio"].pk], earlier.dean)
    close_deadline(old)
    do_run_round(old, earlier.dean, binding=True)  # pedia to order 1, cardio to 2 and 3
    client = token_client(world.users["R0002"])
    body = client.post(f"/api/v1/choice/sessions/{world.session.slug}/me/what-if",
                       {"posts": ["chu-test-medical-pedia", "chu-test-medical-cardio", "chu-test-medical-neuro"]},
                       content_type="application/json").json()
    earlier_of = {w["code"]: w["earlier"] for w in body["wishes"]}
    assert earlier_of["chu-test-medical-pedia"] == [[2025, 1]]
    assert earlier_of["chu-test-medical-cardio"] == [[2025, 3]]
    assert earlier_of["chu-test-medical-neuro"] == []
