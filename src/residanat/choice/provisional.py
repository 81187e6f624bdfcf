"""The live provisional assignment (issue 23 items 1 and 2): every saved wish list asks for the
engine to run again on everybody's lists in force, in a background job, so that each laureate's
provisional post, the cutoffs and "why not" follow the saves within a second or two.

Coalesced: one job at a time per session (`Provisional.running`, under the row's lock); a save
arriving while it runs bumps `requested`, and the job computes again before it stops, taking every
list saved meanwhile. Nothing here is logged: rounds at set times (rounds.py) stay the recorded
snapshots; this one is overwritten by the next computation.

`what_if` answers "what would I get with this order?" against the lists in force, without saving.
"""

from __future__ import annotations

import time
from collections import namedtuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from residanat.matching.engine import program_scores, solve
from residanat.ops import jobs
from residanat.ops.models import Job

from .models import Choice, ChoiceSession, Chooser, Post, Provisional, ProvisionalPlacement, Quota, WishList
from .rounds import _wish_details, session_offer

JOB = "choice.provisional"
# A wish list in force, as the computation reads it (no model instance: 50,000 of them per run),
# with its posts' codes in the engine's terms.
LiveList = namedtuple("LiveList", "pk number posts codes")
BATCH = 2000
# What a process already read, so that a computation reads again only what changed since the last
# one. Per session: the lists by chooser (a version's row never changes: keyed by its pk), and the
# placements as this process last stored them (valid while `computations` is still its own count).
_LISTS: dict[tuple, dict[int, LiveList]] = {}
_STORED: dict[tuple, tuple[int, dict]] = {}


def _memo(session: ChoiceSession) -> tuple:
    # The creation time too: a database emptied and filled again (tests) may give an id back.
    return session.pk, session.created_at


def lists_in_force(session: ChoiceSession) -> dict[int, LiveList]:
    """The latest version of every chooser's list: which one is read from the database each time
    (ids only); the posts of a version this process has not seen yet, only those."""
    newer = WishList.objects.filter(chooser=OuterRef("chooser"), number__gt=OuterRef("number"))
    heads = list(WishList.objects.filter(chooser__session=session).exclude(Exists(newer))
                 .values_list("chooser_id", "pk"))
    cache = _LISTS.setdefault(_memo(session), {})
    missing = [pk for chooser, pk in heads if chooser not in cache or cache[chooser].pk != pk]
    if missing:
        codes = dict(Post.objects.filter(session=session).values_list("pk", "code"))
        for i in range(0, len(missing), BATCH):
            for chooser, pk, number, posts in (WishList.objects.filter(pk__in=missing[i:i + BATCH])
                                               .values_list("chooser_id", "pk", "number", "posts")):
                cache[chooser] = LiveList(pk, number, posts, tuple(codes[p] for p in posts if p in codes))
    return {chooser: cache[chooser] for chooser, _pk in heads}


def _key(provisional: Provisional) -> str:
    return f"{JOB}:{provisional.session_id}:{provisional.runs}"


def do_request_provisional(session: ChoiceSession) -> Provisional:
    """Ask for a computation, in the transaction of the save that needs it (so that a job that
    reads `requested` also sees that save's list). Starts a job unless one is on it; a job that
    died (failed, worker killed and gone) is replaced."""
    with transaction.atomic():
        provisional = (Provisional.objects.select_for_update().filter(session=session).first()
                       or Provisional.objects.create(session=session))  # under the session's lock: one creates it
        provisional.requested += 1
        if provisional.running and not jobs.is_running(_key(provisional)):
            provisional.running = False
        if not provisional.running:
            provisional.running = True
            provisional.runs += 1
            jobs.do_start_job(JOB, session.pk, key=_key(provisional),
                              label=_("Affectation provisoire — %(competition)s") % {"competition": session.competition})
        provisional.save(update_fields=["requested", "running", "runs"])
        return provisional


@jobs.job_kind(JOB)
def _provisional_job(job: Job, session_id: int) -> str:
    """Compute until no save is left unseen, then let the next save start a new job."""
    session = ChoiceSession.objects.select_related("competition").get(pk=session_id)
    while True:
        target = Provisional.objects.values_list("requested", flat=True).get(session=session)
        do_compute_provisional(session, request=target)
        with transaction.atomic():
            provisional = Provisional.objects.select_for_update().get(session=session)
            if provisional.requested <= target:
                provisional.running = False
                provisional.save(update_fields=["running"])
                return ""


def do_compute_provisional(session: ChoiceSession, request: int | None = None) -> Provisional:
    """Run the engine on everybody's lists in force and store the result: the per-post fill and
    cutoffs, and each chooser's placement (rows rewritten only where they changed). The "why not"
    of each wish follows from the fill (`placement_of`), so the engine explains nothing here, and
    the stability of serial dictatorship on one master list needs no check at every save (the
    recorded rounds check it)."""
    started = time.perf_counter()
    as_of = timezone.now()
    lists = lists_in_force(session)
    offer = session_offer(session, lists, items=False)
    instance = offer.instance()
    matching = solve(instance)
    filled, cutoffs = program_scores(instance, matching.assignment)
    fresh = {}
    for c, p in enumerate(matching.assignment):
        chooser = offer.wishers[c].item
        fresh[chooser] = (offer.programs[p].item if p >= 0 else None,
                          instance.candidate_prefs[c].index(p) + 1 if p >= 0 else None,
                          lists[chooser].number if chooser in lists else None)
    provisional, _created = Provisional.objects.get_or_create(session=session)
    if provisional.as_of is not None and provisional.as_of > as_of:
        return provisional  # a later computation already stored (never with one job at a time)
    # The placements first, the row last: the row (which every save bumps) is locked only from its
    # update to the commit, not while the placements are written.
    with transaction.atomic():
        known = _STORED.get(_memo(session))
        if known is not None and known[0] == provisional.computations:
            old = known[1]
        else:
            old = {row[0]: row[1:] for row in ProvisionalPlacement.objects.filter(chooser__session=session)
                   .values_list("chooser_id", "pk", "post_id", "wish_number", "wish_list_number")}
        changed, added = [], []
        for chooser, outcome in fresh.items():
            row = old.get(chooser)
            if row is None:
                added.append(ProvisionalPlacement(chooser_id=chooser, post_id=outcome[0], wish_number=outcome[1],
                                                  wish_list_number=outcome[2]))
            elif row[1:] != outcome:
                changed.append(ProvisionalPlacement(pk=row[0], chooser_id=chooser, post_id=outcome[0],
                                                    wish_number=outcome[1], wish_list_number=outcome[2]))
        gone = [row[0] for chooser, row in old.items() if chooser not in fresh]
        if gone:
            ProvisionalPlacement.objects.filter(pk__in=gone).delete()
        ProvisionalPlacement.objects.bulk_create(added, batch_size=BATCH)
        ProvisionalPlacement.objects.bulk_update(changed, ["post", "wish_number", "wish_list_number"], batch_size=BATCH)
        pids = instance.program_ids
        assigned = sum(1 for p in matching.assignment if p >= 0)
        Provisional.objects.filter(pk=provisional.pk).update(
            as_of=as_of, algorithm=matching.algorithm, cutoffs=dict(zip(pids, cutoffs)), filled=dict(zip(pids, filled)),
            assigned=assigned, unassigned=len(matching.assignment) - assigned, computations=F("computations") + 1,
            computed=Greatest(F("computed"), request if request is not None else 0),
            seconds=time.perf_counter() - started)
    provisional.refresh_from_db()
    if all(a.pk is not None for a in added):  # the database gave back the new rows' ids
        ids = {c: row[0] for c, row in old.items()} | {a.chooser_id: a.pk for a in added}
        _STORED[_memo(session)] = (provisional.computations, {c: (ids[c], *outcome) for c, outcome in fresh.items()})
    else:
        _STORED.pop(_memo(session), None)
    return provisional


# --- reading it ----------------------------------------------------------------------------------

def current(session: ChoiceSession) -> Provisional | None:
    """The latest computation, if any ran."""
    return Provisional.objects.filter(session=session, as_of__isnull=False).first()


def is_pending(provisional: Provisional | None) -> bool:
    """A save not yet taken in: the page says the post shown will follow in a moment."""
    return provisional is not None and provisional.requested > provisional.computed


def _posts_by_code(session) -> dict[str, Post]:
    return {p.code: p for p in Post.objects.filter(session=session).select_related("specialty", "quota")}


def _details(codes, got, cutoffs, filled, refused, by_code) -> list[dict]:
    quotas = {q.code: q for q in Quota.objects.filter(session=next(iter(by_code.values())).session_id)} if by_code else {}
    wishes = []
    for entry in _wish_details(codes, got, {"cutoffs": cutoffs, "filled": filled}, refused, by_code):
        wishes.append({**entry, "post_obj": by_code[entry["code"]], "quota_obj": quotas.get(entry.get("quota", "")),
                       "left": max(0, entry["capacity"] - entry["filled"])})
    return wishes


def _why_not(codes, got, filled, by_code) -> list[dict]:
    """Why not each wish before the one obtained, from the computation's fill, as the engine's
    `explain` says it for serial dictatorship: a post with a seat left whose pool was spent
    ("quota"), else "full" (nobody called after takes a seat the laureate wanted)."""
    pool_filled: dict[int, int] = {}
    for post in by_code.values():
        if post.quota_id:
            pool_filled[post.quota_id] = pool_filled.get(post.quota_id, 0) + filled.get(post.code, 0)
    out = []
    for code in codes:
        if code == got:
            break
        post = by_code[code]
        spent = post.quota_id and pool_filled[post.quota_id] >= post.quota.capacity - post.quota.taken
        if spent and filled.get(code, 0) < post.capacity - post.taken:
            out.append({"program": code, "reason": "quota", "quota": post.quota.code})
        else:
            out.append({"program": code, "reason": "full"})
    return out


def placement_of(chooser: Chooser) -> dict | None:
    """The chooser's provisional post in the latest computation: the post, the wish it was, the
    version of the list it used, when, and each wish with its cutoff and why not."""
    provisional = current(chooser.session)
    row = (ProvisionalPlacement.objects.filter(chooser=chooser).select_related("post__specialty").first()
           if provisional is not None else None)
    if row is None:
        return None
    by_code = _posts_by_code(chooser.session)
    codes_by_id = {p.pk: p.code for p in by_code.values()}
    used = (chooser.wish_lists.filter(number=row.wish_list_number).values_list("posts", flat=True).first()
            if row.wish_list_number else None) or []
    codes = [codes_by_id[pid] for pid in used if pid in codes_by_id]
    got = row.post.code if row.post_id else None
    return {"provisional": provisional, "post": row.post, "wish_number": row.wish_number,
            "wish_list_number": row.wish_list_number, "as_of": provisional.as_of,
            "pending": is_pending(provisional),
            "wishes": _details(codes, got, provisional.cutoffs, provisional.filled,
                               _why_not(codes, got, provisional.filled, by_code), by_code)}


def earlier_cutoffs(session: ChoiceSession) -> dict[tuple[str, str], list[tuple[int, int | None]]]:
    """Per (specialty code, seat type): the cutoff of each earlier year's closed session of the same
    kind of competition at the same faculty, newest first: the call order of the last laureate who
    took such a post (None: a post nobody took)."""
    competition = session.competition
    earlier = list(ChoiceSession.objects.filter(
        state=ChoiceSession.State.CLOSED, competition__kind=competition.kind, competition__faculty=competition.faculty,
        competition__year__lt=competition.year).values_list("pk", "competition__year"))
    if not earlier:
        return {}
    years = dict(earlier)
    last = dict(Choice.objects.filter(chooser__session__in=years, undone_at__isnull=True).values("post_id")
                .annotate(last=Max("chooser__order")).values_list("post_id", "last"))
    out: dict[tuple[str, str], list] = {}
    for post_id, session_id, specialty, seat_type in (Post.objects.filter(session__in=years)
                                                      .values_list("pk", "session_id", "specialty__code", "seat_type")):
        out.setdefault((specialty, seat_type), []).append((years[session_id], last.get(post_id)))
    for values in out.values():
        values.sort(reverse=True)
    return out


def what_if(chooser: Chooser, post_ids: list[int]) -> dict:
    """What the chooser would get with `post_ids` (checked as a save would check them) against
    everybody else's lists in force: nothing is saved, nothing logged. Serial dictatorship: only
    the laureates called before them count, so only those are run."""
    from .wishes import check_wishes

    session = chooser.session
    if session.state != ChoiceSession.State.WISHES_OPEN:
        raise ValidationError(_("Les vœux ne sont pas ouverts."))
    ids = check_wishes(chooser, post_ids)
    lists = lists_in_force(session)
    codes_by_id = dict(Post.objects.filter(session=session).values_list("pk", "code"))
    lists[chooser.pk] = LiveList(None, None, ids, tuple(codes_by_id[pid] for pid in ids))
    allocation = session_offer(session, lists, items=False, up_to=chooser.order).run(explanations=True)
    mine = allocation.by_wisher().get(str(chooser.pk))
    by_code = _posts_by_code(session)
    codes = [codes_by_id[pid] for pid in ids]
    provisional = current(session)
    result = allocation.result
    got = mine.program.id if mine is not None and mine.program else None
    wishes = _details(codes, got, result["cutoffs"], result["filled"],
                      result["explanations"][str(chooser.pk)] if mine else [], by_code)
    history = earlier_cutoffs(session)
    for wish in wishes:
        post = wish["post_obj"]
        wish["latest_cutoff"] = provisional.cutoffs.get(post.code) if provisional else None
        wish["earlier"] = history.get((post.specialty.code, post.seat_type), [])
    return {"post": by_code[got] if got else None, "wish_number": mine.wish_number if mine else None,
            "wishes": wishes, "provisional": provisional, "ids": ids,
            "years": sorted({y for w in wishes for y, _c in w["earlier"]}, reverse=True)}
