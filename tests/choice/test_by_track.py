"""Issue 18 item 1 (decision 0017): the résidanat admits each track's laureates against the seats of
that track, so that in the choice of posts every admitted laureate finds a post open to them while
seats of their track remain. Checked on the demo (through its loader) and on generated lists."""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.choice.demo import load_choice_demo
from residanat.choice.models import ChoiceSession, Chooser, Post
from residanat.choice.rounds import build_instance, do_run_round
from residanat.choice.seats import remaining_by_post
from residanat.choice.sessions import do_create_session, do_open_wishes, open_posts
from residanat.choice.wishes import do_save_wishes
from residanat.concours.demo import RESIDANAT, load_competitions_demo
from residanat.concours.merit import current_merit_list, do_compute_merit_list, do_deliberate
from residanat.concours.models import Candidate, Competition, MeritEntry, PostAllocation, Score
from residanat.matching.result import match
from residanat.referential.loader import load_referential
from residanat.referential.models import Faculty
from residanat.accounts.demo import make_demo_account
from residanat.people.demo import PersonMaker
from tests.accounts.factories import user_with_role
from tests.choice.world import close_deadline
from tests.concours.factories import CandidateFactory, CompetitionFactory, CompetitionTestFactory
from tests.people.factories import PersonFactory
from tests.referential.factories import HospitalCentreFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db
ADMITTED = ("admitted", "admitted_foreign", "admitted_on_titles")


def left_without_a_post(session: ChoiceSession) -> list[str]:
    """The laureates a final round leaves without a post when each of them wishes for every post
    open to them: in call order, nobody is left out unless no seat open to them remains."""
    choosers = list(session.choosers.all())
    lists = {c.pk: SimpleNamespace(posts=list(open_posts(c).order_by("code").values_list("pk", flat=True)))
             for c in choosers}
    instance, objects = build_instance(session, lists)
    result = match(instance)
    return sorted(objects["choosers"][cid].candidate.number for cid in result["unassigned"])


def stranded_with_seats_of_their_track_empty(session: ChoiceSession) -> list[str]:
    """After the binding round: laureates with no post, and no seat left open to them, while seats
    of their track (and seat type) stay empty."""
    remaining = remaining_by_post(session)
    posts = list(Post.objects.filter(session=session))
    out = []
    for chooser in session.choosers.filter(choices__isnull=True).select_related("candidate"):
        if any(remaining[p] for p in open_posts(chooser).values_list("pk", flat=True)):
            continue  # a seat is still open to them: they may still take it
        if any(remaining[p.pk] for p in posts if p.track in chooser.tracks):
            out.append(chooser.candidate.number)
    return out


# --- the demo ------------------------------------------------------------------------------------

def _load_residanat_demo():
    """The demo's résidanat and its choice of posts, through their own loaders (as `make demo`)."""
    load_referential()
    make_demo_account("drh", Role.MINISTRY_ADMIN, "Nadia", "Berrada")
    make_demo_account("doyen.casablanca", Role.DEAN_OFFICE, "Latifa", "Alaoui",
             faculty=Faculty.objects.get(code="fmp-casablanca"))
    load_competitions_demo(PersonMaker(seed=2027, serial_from=10_000))
    return load_choice_demo()


def test_demo_admits_each_track_within_its_seats_and_leaves_no_laureate_without_a_post():
    session = _load_residanat_demo()
    competition = Competition.objects.get(slug=RESIDANAT)
    entries = list(current_merit_list(competition).entries.filter(outcome__in=ADMITTED)
                   .select_related("candidate__person"))
    # On contract posts: Moroccans (and an intern on titles, whatever their nationality); on
    # volunteer posts: the foreigners admitted on the tests.
    admitted = Counter((e.candidate.track, e.outcome == "admitted_foreign") for e in entries)
    moroccan_pharmacists = sum(1 for e in entries if e.candidate.track == "pharmacy" and e.candidate.person.is_moroccan)
    # Seed 000: 15 pharmacy contract posts (337 in medicine), 1 volunteer post in pharmacy (9 in medicine).
    assert moroccan_pharmacists <= 15
    assert admitted["pharmacy", False] <= 15 and admitted["pharmacy", True] <= 1
    assert admitted["medicine", False] <= 337 and admitted["medicine", True] <= 9
    assert sum(admitted.values()) == len(entries) == session.choosers.count()
    # With every open post wished for, nobody is left without a post.
    assert left_without_a_post(session) == []
    # The binding round on the demo's own wishes leaves nobody without a seat open to them while
    # seats of their track stay empty.
    close_deadline(session)
    do_run_round(session, session.created_by, binding=True)
    assert stranded_with_seats_of_their_track_empty(session) == []


# --- generated lists ------------------------------------------------------------------------------

def _generated_session(rng: random.Random) -> ChoiceSession:
    """A résidanat with random seats per track and group, random candidates (track, nationality,
    interns on titles, scores), its merit list computed and deliberated, and its choice session."""
    centre = HospitalCentreFactory()
    competition = CompetitionFactory(kind=Competition.Kind.RESIDANAT, state=Competition.State.SCORES_ENTERED,
                                     session_date=dt.date(2026, 6, 15), hospital_centre=centre)
    dean = user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty)
    for track, group in (("medicine", "medical"), ("medicine", "surgical"), ("pharmacy", "pharmaceutical")):
        for _i in range(rng.randint(1, 3)):
            specialty = SpecialtyFactory(track=track, group=group)
            PostAllocation.objects.create(competition=competition, seat_type="contract", group=group, track=track,
                                          specialty=specialty, seats=rng.randint(1, 4))
        if rng.random() < 0.7:
            PostAllocation.objects.create(competition=competition, seat_type="foreign_volunteer", group=group,
                                          track=track, seats=rng.randint(1, 2))
    test = CompetitionTestFactory(competition=competition, code="ecrit", weight=1, order=1)
    for n in range(rng.randint(10, 40)):
        foreign = rng.random() < 0.2
        person = PersonFactory(**({"nationality": "SN", "national_id": None, "passport_number": f"P{n}x{rng.random()}"}
                                  if foreign else {}))
        titles = not foreign and rng.random() < 0.08
        candidate = CandidateFactory(
            competition=competition, person=person, number=f"G{n:03d}", state=Candidate.State.ELIGIBLE,
            track=rng.choices(["medicine", "pharmacy"], [3, 2])[0],
            route=Candidate.Route.TITLES_INTERN if titles else Candidate.Route.COMPETITION)
        if not titles:
            Score.objects.create(candidate=candidate, test=test, value=D(rng.randint(0, 20000)) / 1000)
    do_compute_merit_list(competition, dean)
    do_deliberate(competition, dean)
    Competition.objects.filter(pk=competition.pk).update(state=Competition.State.DELIBERATED)
    session = do_create_session(Competition.objects.get(pk=competition.pk), dean)
    return do_open_wishes(session, timezone.now() + dt.timedelta(days=1), dean)


@pytest.mark.parametrize("seed", range(6))
def test_generated_lists_leave_no_laureate_without_a_post_of_their_track(seed):
    session = _generated_session(random.Random(seed))
    entries = MeritEntry.objects.filter(merit_list=session.merit_list, outcome__in=ADMITTED)
    seats = Counter()
    for a in PostAllocation.objects.filter(competition=session.competition):
        seats[a.track, a.seat_type] += a.seats
    for track in ("medicine", "pharmacy"):
        moroccans = entries.filter(candidate__track=track).exclude(outcome="admitted_foreign").count()
        foreigners = entries.filter(candidate__track=track, outcome="admitted_foreign").count()
        assert moroccans <= seats[track, "contract"] and foreigners <= seats[track, "foreign_volunteer"]
    assert left_without_a_post(session) == []
    dean = session.created_by
    for chooser in Chooser.objects.filter(session=session):
        # A short wish list: the binding round may leave a laureate out, never with no seat open to them.
        wished = list(open_posts(chooser).values_list("pk", flat=True))[:1]
        do_save_wishes(chooser, wished, dean)
    close_deadline(session)
    do_run_round(session, dean, binding=True)
    assert stranded_with_seats_of_their_track_empty(session) == []
