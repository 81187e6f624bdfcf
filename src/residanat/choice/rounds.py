"""Simulation rounds and the binding final round: the wishes in force, run through the matching
engine (serial dictatorship on the call order, with the quotas), give every laureate a
provisional post, the cutoff of each wish and why not each better one (issue 5 §4)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residanat.matching.instance import parse_instance
from residanat.matching.result import match

from . import log
from .models import Choice, ChoiceSession, Chooser, Placement, Post, Quota, Round
from .seats import bump_version, take_seat
from .sessions import check_can_run, lock_session
from .wishes import current_lists

State = ChoiceSession.State


def build_instance(session: ChoiceSession, lists=None) -> tuple[dict, dict]:
    """The matching instance (contract shared/contracts/matching.md) of the session as it stands:
    the seats still open, every laureate without a seat, with their wishes in force. Returns the
    instance and the objects behind its ids."""
    lists = current_lists(session) if lists is None else lists
    posts = {p.pk: p for p in Post.objects.filter(session=session).select_related("specialty", "quota")}
    quotas = list(Quota.objects.filter(session=session))
    holding = set(Choice.objects.filter(chooser__session=session, undone_at__isnull=True)
                  .values_list("chooser_id", flat=True))
    choosers = [c for c in session.choosers.select_related("candidate").order_by("order") if c.pk not in holding]
    instance = {
        "programs": [{"id": p.code, "capacity": p.capacity - p.taken} for p in posts.values()],
        "quotas": [{"id": q.code, "capacity": q.capacity - q.taken,
                    "programs": [p.code for p in posts.values() if p.quota_id == q.pk]} for q in quotas],
        "candidates": [{"id": str(c.pk), "rank": c.order,
                        "preferences": [posts[pid].code for pid in (lists[c.pk].posts if c.pk in lists else [])
                                        if pid in posts]}
                       for c in choosers],
    }
    return instance, {"posts": posts, "choosers": {str(c.pk): c for c in choosers}, "lists": lists}


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


@transaction.atomic
def do_run_round(session: ChoiceSession, by, *, binding: bool = False, scheduled: Round | None = None) -> Round:
    """Run a simulation round now (or a scheduled one). The binding round takes every assigned
    laureate's seat and closes the session; it runs only after the wishes deadline."""
    check_can_run(by, session)
    session = lock_session(session)
    if session.state != State.WISHES_OPEN:
        raise ValidationError(_("Les tours se font pendant la période des vœux."))
    now = timezone.now()
    if binding and (session.wishes_deadline is None or now < session.wishes_deadline):
        raise ValidationError(_("Le tour définitif se fait après la date limite des vœux."))
    if scheduled is not None:
        rnd = Round.objects.select_for_update().get(pk=scheduled.pk, session=session)
        if rnd.run_at is not None:
            raise ValidationError(_("Ce tour a déjà été exécuté."))
    else:
        number = (session.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
        rnd = Round(session=session, number=number)
    instance, objects = build_instance(session)
    result = match(parse_instance(instance), explanations=True)
    by_code = {p.code: p for p in objects["posts"].values()}
    rnd.run_at, rnd.run_by, rnd.binding = now, by, binding
    rnd.algorithm, rnd.stable = result["algorithm"], result["stable"]
    rnd.cutoffs, rnd.filled = result["cutoffs"], result["filled"]
    rnd.assigned = sum(1 for v in result["assignments"].values() if v is not None)
    rnd.unassigned = len(result["unassigned"])
    rnd.save()
    placements = []
    for cand in instance["candidates"]:
        chooser = objects["choosers"][cand["id"]]
        got = result["assignments"][cand["id"]]
        wl = objects["lists"].get(chooser.pk)
        placements.append(Placement(
            round=rnd, chooser=chooser, post=by_code[got] if got else None, wish_list=wl,
            wish_number=cand["preferences"].index(got) + 1 if got else None,
            wishes=_wish_details(cand["preferences"], got, result, result["explanations"][cand["id"]], by_code)))
    Placement.objects.bulk_create(placements)
    if binding:
        for placement in placements:
            if placement.post is None:
                continue
            take_seat(placement.post)
            Choice.objects.create(chooser=placement.chooser, post=placement.post, method=Choice.Method.ROUND, by=by)
        served = [p.chooser_id for p in placements if p.post_id]
        Chooser.objects.filter(pk__in=served).update(presence=Chooser.Presence.SERVED)
        session.state = State.CLOSED
        session.save(update_fields=["state"])
        bump_version(session)
    log.append(session, "final_round" if binding else "simulation_round", {
        "round": rnd.number, "algorithm": rnd.algorithm, "stable": rnd.stable,
        "assignments": {objects["choosers"][cid].candidate.number: code
                        for cid, code in result["assignments"].items()},
        "wish_lists": {objects["choosers"][str(cid)].candidate.number: wl.number
                       for cid, wl in objects["lists"].items() if str(cid) in objects["choosers"]},
    }, by)
    return rnd


def run_due_rounds(now=None) -> list[Round]:
    """Every scheduled round whose time has come (the `run_due_rounds` command, from cron)."""
    now = now or timezone.now()
    done = []
    for rnd in Round.objects.filter(run_at__isnull=True, scheduled_at__lte=now,
                                    session__state=State.WISHES_OPEN).select_related("session__created_by"):
        done.append(do_run_round(rnd.session, rnd.session.created_by, scheduled=rnd))
    return done
