"""Simulation rounds and the binding final round: the wishes in force, run through the matching
engine (serial dictatorship on the call order, with the quotas), give every laureate a
provisional post, the cutoff of each wish and why not each better one (issue 5 §4)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from residanat.allocation.placing import do_place
from residanat.allocation.seats import do_bump_version, do_take_seat
from residanat.matching.instance import Instance
from residanat.matching import pipeline
from residanat.concours.publication import competition_title
from residanat.ops import jobs
from residanat.ops.models import Job

from . import board, log
from .models import Choice, ChoiceSession, Chooser, Placement, Post, Quota, Round
from .scope import sees_office_pages
from .seats import seat_of
from .sessions import check_can_run, lock_session
from .wishes import current_lists

State = ChoiceSession.State


def session_offer(session: ChoiceSession, lists=None, *, items: bool = True, up_to: int | None = None) -> pipeline.Offer:
    """What the engine gets of the session as it stands: the seats still open (pools as quotas),
    every laureate without a seat in the call order, with their wishes in force (`lists`: per
    chooser id, anything with `.posts`, or `.codes`). Without `items`, the wishers carry their chooser's id
    and the programs their post's id (the live computation needs no more); with `up_to`, only
    the laureates called up to that order (serial dictatorship: nobody after counts for them)."""
    lists = current_lists(session) if lists is None else lists
    posts = {p.pk: p for p in Post.objects.filter(session=session).select_related("specialty", "quota")}
    holding = set(Choice.objects.filter(chooser__session=session, undone_at__isnull=True)
                  .values_list("chooser_id", flat=True))
    choosers = session.choosers.order_by("order")
    if up_to is not None:
        choosers = choosers.filter(order__lte=up_to)
    if items:
        called = [(c.pk, c.order, c) for c in choosers.select_related("candidate")]
    else:
        called = list(choosers.values_list("pk", "order", "pk"))
    return pipeline.Offer(
        programs=[pipeline.Program(p.code, p.capacity - p.taken, p if items else p.pk) for p in posts.values()],
        quotas=[pipeline.Quota(q.code, q.capacity - q.taken,
                               tuple(p.code for p in posts.values() if p.quota_id == q.pk))
                for q in Quota.objects.filter(session=session)],
        wishers=[pipeline.Wisher(str(pk), order,
                                 _preferences(lists.get(pk), posts),
                                 item)
                 for pk, order, item in called if pk not in holding])


def _preferences(wishes, posts: dict) -> tuple[str, ...]:
    """The codes of a list's posts (a list read by provisional.lists_in_force carries them already)."""
    if wishes is None:
        return ()
    codes = getattr(wishes, "codes", None)
    return codes if codes is not None else tuple(posts[pid].code for pid in wishes.posts if pid in posts)


def build_instance(session: ChoiceSession, lists=None) -> tuple[Instance, dict]:
    """The engine's instance of the session (`pipeline.document()` gives its contract form,
    shared/contracts/matching.md), and the choosers behind its ids."""
    offer = session_offer(session, lists)
    return offer.instance(), {"choosers": {w.id: w.item for w in offer.wishers}}


def _wish_details(preferences, got, result, explanations, by_code) -> list[dict]:
    why = {e["program"]: e for e in explanations}
    out = []
    reached = False
    for number, code in enumerate(preferences, 1):
        post = by_code[code]
        entry = {"number": number, "post": post.pk, "code": code, "cutoff": result["cutoffs"].get(code),
                 "filled": result["filled"].get(code, 0), "capacity": post.capacity - post.taken}
        if code == got:
            entry["outcome"] = "assigned"
            reached = True
        elif reached:
            entry["outcome"] = "not_examined"
        else:
            reason = why.get(code, {})
            entry["outcome"] = "quota" if reason.get("reason") == "quota" else "full"
            if reason.get("quota"):
                entry["quota"] = reason["quota"]
        out.append(entry)
    return out


@transaction.atomic
def do_schedule_round(session: ChoiceSession, at, by) -> Round:
    check_can_run(by, session)
    session = lock_session(session)
    if session.state != State.WISHES_OPEN:
        raise ValidationError(_("Les tours de simulation se programment pendant les vœux."))
    number = (session.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    return Round.objects.create(session=session, number=number, scheduled_at=at)


def _may_run(session: ChoiceSession, by, binding: bool, now) -> None:
    check_can_run(by, session)
    if session.state != State.WISHES_OPEN:
        raise ValidationError(_("Les tours se font pendant la période des vœux."))
    if binding and (session.wishes_deadline is None or now < session.wishes_deadline):
        raise ValidationError(_("Le tour définitif se fait après la date limite des vœux."))


@transaction.atomic
def do_run_round(session: ChoiceSession, by, *, binding: bool = False, scheduled: Round | None = None,
                 progress=lambda done: None) -> Round:
    """Run a simulation round now (or a scheduled one). The binding round takes every assigned
    laureate's seat and closes the session; it runs only after the wishes deadline."""
    session = lock_session(session)
    now = timezone.now()
    _may_run(session, by, binding, now)
    if scheduled is not None:
        rnd = Round.objects.select_for_update().get(pk=scheduled.pk, session=session)
        if rnd.run_at is not None:
            raise ValidationError(_("Ce tour a déjà été exécuté."))
    else:
        number = (session.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
        rnd = Round(session=session, number=number)
    lists = current_lists(session)
    offer = session_offer(session, lists)
    by_code = {p.id: p.item for p in offer.programs}
    progress(1)

    def record(allocation):
        progress(2)
        result = allocation.result
        rnd.run_at, rnd.run_by, rnd.binding = now, by, binding
        rnd.algorithm, rnd.stable = result["algorithm"], result["stable"]
        rnd.cutoffs, rnd.filled = result["cutoffs"], result["filled"]
        rnd.assigned = sum(1 for v in result["assignments"].values() if v is not None)
        rnd.unassigned = len(result["unassigned"])
        rnd.save()
        return Placement.objects.bulk_create(
            Placement(round=rnd, chooser=p.wisher.item, post=p.program.item if p.program else None,
                      wish_list=lists.get(p.wisher.item.pk), wish_number=p.wish_number,
                      wishes=_wish_details(p.wisher.preferences, p.program and p.program.id, result,
                                           result["explanations"][p.wisher.id], by_code))
            for p in allocation.placed)

    def take_seats(placed):
        # The binding round: every assigned laureate's seat, then the session closes.
        for p in placed:
            do_take_seat(*seat_of(p.program.item))
            Choice.objects.create(chooser=p.wisher.item, post=p.program.item, method=Choice.Method.ROUND, by=by)
        Chooser.objects.filter(pk__in=[p.wisher.item.pk for p in placed]).update(presence=Chooser.Presence.SERVED)
        session.state = State.CLOSED
        session.save(update_fields=["state"])
        do_bump_version(ChoiceSession, session.pk)
        board.changed(session)

    allocation, _placements, _taken = do_place(offer, record=record, take_seats=take_seats if binding else None,
                                               explanations=True)
    result = allocation.result
    choosers = {w.id: w.item for w in offer.wishers}
    log.do_append_entry(session, "final_round" if binding else "simulation_round", {
        "round": rnd.number, "algorithm": rnd.algorithm, "stable": rnd.stable,
        "assignments": {choosers[cid].candidate.number: code for cid, code in result["assignments"].items()},
        "wish_lists": {choosers[str(cid)].candidate.number: wl.number
                       for cid, wl in lists.items() if str(cid) in choosers},
    }, by)
    return rnd


# The engine over thousands of laureates takes seconds: the worker runs the rounds while the office
# follows the job's page. The job commits the round and its own completion together (atomic): stopped
# midway, no round is left half-written; done, it is never run a second time.
ROUND_JOB = "choice.run_round"
STEPS = [gettext_noop("Lecture des vœux en vigueur"), gettext_noop("Attribution des postes"),
         gettext_noop("Enregistrement du tour")]


def round_key(session: ChoiceSession, binding: bool = False, scheduled: Round | None = None) -> str:
    which = f"round-{scheduled.pk}" if scheduled is not None else "final" if binding else "simulation"
    return f"{ROUND_JOB}:{session.pk}:{which}"


def do_start_round(session: ChoiceSession, by, *, binding: bool = False, scheduled: Round | None = None) -> Job:
    """Queue a round (refused at once when it could not run now); a second click while it is queued
    or running gives the same job."""
    _may_run(session, by, binding, timezone.now())
    if scheduled is not None and scheduled.run_at is not None:
        raise ValidationError(_("Ce tour a déjà été exécuté."))
    return jobs.do_start_job(ROUND_JOB, session.pk, by.pk, binding, scheduled.pk if scheduled else None,
                             key=round_key(session, binding, scheduled),
                             label=_round_label(session.pk, by.pk, binding, None), by=by)


def _round_label(session_id: int, user_id: int, binding: bool, round_id: int | None) -> str:
    session = ChoiceSession.objects.select_related("competition__faculty").get(pk=session_id)
    what = gettext("Tour définitif") if binding else gettext("Tour de simulation")
    return f"{what} — {competition_title(session.competition)}"


def _round_readers(user, session_id: int, user_id: int, binding: bool, round_id: int | None) -> bool:
    """Who reads the session's office pages, where the round is shown (views_session._office_session)."""
    return sees_office_pages(user, ChoiceSession.objects.get(pk=session_id))


@jobs.job_kind(ROUND_JOB, label=_round_label, readers=_round_readers, atomic=True,
               opens=gettext_noop("Voir les résultats du tour"))
def _round_job(job: Job, session_id: int, user_id: int, binding: bool, round_id: int | None) -> str:
    session = ChoiceSession.objects.select_related("competition").get(pk=session_id)
    scheduled = Round.objects.get(pk=round_id) if round_id is not None else None
    jobs.do_record_progress(job, 0, len(STEPS), STEPS[0])
    rnd = do_run_round(session, get_user_model().objects.get(pk=user_id), binding=binding, scheduled=scheduled,
                       progress=lambda done: jobs.do_record_progress(job, done, len(STEPS), STEPS[done]))
    return reverse("choice:round", args=[session.competition.slug, rnd.number])


def do_run_due_rounds(now=None) -> list[Job]:
    """Queue every scheduled round whose time has come (the `run_due_rounds` command, from cron):
    the worker runs them; a round already queued is not queued twice."""
    now = now or timezone.now()
    return [do_start_round(rnd.session, rnd.session.created_by, scheduled=rnd)
            for rnd in Round.objects.filter(run_at__isnull=True, scheduled_at__lte=now,
                                            session__state=State.WISHES_OPEN).select_related("session__created_by")]
