"""Demo choice of posts for the 2026 Casablanca résidanat: wishes open, two simulation rounds run
(some laureates changed their wishes in between), a third scheduled, and the live session ready to
start from the operator screen. The account `laureat.demo` holds a laureate's candidacy."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from residanat.accounts.models import User
from residanat.concours.demo import RESIDANAT
from residanat.concours.models import Competition

from .models import ChoiceSession, Chooser, Post
from .rounds import do_run_round, do_schedule_round
from .sessions import do_create_session, do_open_wishes
from .wishes import do_save_wishes

DEMO_LAUREATE_ORDER = 40
# Popularity of the demo's specialties: a few are wanted by nearly everybody (skewed, as in reality).
FAVOURITES = ("cardiology", "dermatology", "radiology", "ophthalmology", "paediatrics", "obstetrics-gynaecology")


def load_choice_demo(laureate_user: User | None = None) -> ChoiceSession | None:
    """Idempotent: a session already there is left as it is."""
    competition = Competition.objects.filter(slug=RESIDANAT, state=Competition.State.DELIBERATED).first()
    if competition is None:
        return ChoiceSession.objects.filter(competition__slug=RESIDANAT).first()
    existing = ChoiceSession.objects.filter(competition=competition).first()
    if existing is not None:
        return existing
    dean = User.objects.get(username="doyen.casablanca")
    session = do_create_session(competition, dean)
    deadline = timezone.now() + dt.timedelta(days=7)
    # The amphitheatre session, announced on the public board: two days after the deadline, 09:30.
    opens = timezone.localtime(deadline).replace(hour=9, minute=30, second=0, microsecond=0) + dt.timedelta(days=2)
    session = do_open_wishes(session, deadline, dean, live_at=opens)
    rng = random.Random(2026)
    posts = list(Post.objects.filter(session=session).select_related("specialty"))

    def weight(post):
        return 12 if any(f in post.specialty.code for f in FAVOURITES) else 1 + post.capacity / 4

    choosers = list(Chooser.objects.filter(session=session).select_related("candidate__person__user"))
    for chooser in choosers:
        open_ = [p for p in posts if p.seat_type == chooser.seat_type and p.track in chooser.tracks
                 and p.group in chooser.groups]
        do_save_wishes(chooser, _weighted_sample(rng, open_, weight, min(len(open_), rng.randint(3, 10))), dean)
    do_run_round(session, dean)
    # A tenth of the laureates change their minds after the first round.
    for chooser in rng.sample(choosers, len(choosers) // 10):
        current = chooser.wish_lists.order_by("-number").first().posts
        rng.shuffle(current)
        do_save_wishes(chooser, current, dean)
    do_run_round(session, dean)
    do_schedule_round(session, timezone.now() + dt.timedelta(days=3), dean)
    if laureate_user is not None:
        _link_laureate(session, laureate_user)
    return session


def _weighted_sample(rng, items, weight, k) -> list[int]:
    pool = list(items)
    out = []
    while pool and len(out) < k:
        pick = rng.choices(pool, weights=[weight(p) for p in pool])[0]
        pool.remove(pick)
        out.append(pick.pk)
    return out


def _link_laureate(session: ChoiceSession, user: User) -> None:
    chooser = (Chooser.objects.filter(session=session, order__gte=DEMO_LAUREATE_ORDER, seat_type="contract",
                                      candidate__person__user__isnull=True)
               .select_related("candidate__person").order_by("order").first())
    if chooser is None:
        return
    person = chooser.candidate.person
    person.user = user
    person.save()
    user.first_name, user.last_name = person.first_name, person.last_name
    user.save()
