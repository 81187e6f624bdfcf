"""The choice of posts: sessions, their posts and seats left, the caller's own place and wishes,
the assignments and the check of the log, always read through `visible_to`.

A session outside the caller's scope answers 404. A laureate sees the sessions they choose in, the
posts and their seats, and of the people only themself; the log is for the staff of the
competition's scope (403 for a laureate). Identity numbers never leave through this router.
"""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from residanat.choice import log
from residanat.choice.models import ChoiceSession, Chooser, Placement, Post
from residanat.choice.results import assignment_rows, is_final, own_choice, post_lines, sees_every_laureate
from residanat.choice.seats import remaining_by_post
from residanat.choice.wishes import current_wish_list

router = Router(tags=["choice"])


class SessionOut(Schema):
    slug: str
    competition: str
    state: ChoiceSession.State
    wishes_deadline: dt.datetime | None
    live_place: str
    live_at: dt.datetime | None
    version: int
    merit_list_version: int
    laureates: int
    posts: int

    @staticmethod
    def resolve_slug(obj):
        return obj.competition.slug

    @staticmethod
    def resolve_competition(obj):
        return str(obj.competition)

    @staticmethod
    def resolve_merit_list_version(obj):
        return obj.merit_list.version

    @staticmethod
    def resolve_laureates(obj):
        return obj.choosers.count()

    @staticmethod
    def resolve_posts(obj):
        return obj.posts.count()


class PostOut(Schema):
    code: str
    specialty: str
    specialty_name_fr: str
    specialty_name_ar: str
    centre: str | None
    seat_type: str
    group: str
    track: str
    capacity: int
    taken: int
    remaining: int
    quota: str | None


class ChoiceOut(Schema):
    post: str
    specialty_name_fr: str
    specialty_name_ar: str
    seat_type: str
    method: str
    proxy_name: str
    at: dt.datetime


class WishesOut(Schema):
    version: int
    saved_at: dt.datetime
    posts: list[str]


class PlacementOut(Schema):
    round: int
    binding: bool
    run_at: dt.datetime | None
    post: str | None
    wish_number: int | None
    wish_list_version: int | None
    wishes: list[dict]


class OwnPlaceOut(Schema):
    order: int
    number: str
    seat_type: str
    presence: Chooser.Presence
    choice: ChoiceOut | None
    wishes: WishesOut | None
    placement: PlacementOut | None


class AssignmentOut(Schema):
    order: int
    number: str
    name_fr: str
    name_ar: str
    seat_type: str
    presence: str
    post: str | None
    specialty: str
    method: str | None
    at: dt.datetime | None


class PostFillOut(Schema):
    code: str
    capacity: int
    filled: int
    cutoff: int | None


class AssignmentsOut(Schema):
    state: ChoiceSession.State
    final: bool
    assignments: list[AssignmentOut]
    posts: list[PostFillOut]


class VerificationOut(Schema):
    ok: bool
    entries: int
    head: str
    broken_seq: int | None
    problem: str


def _session(request, slug) -> ChoiceSession:
    return get_object_or_404(
        ChoiceSession.objects.visible_to(request.auth).select_related("competition__faculty", "merit_list"),
        competition__slug=slug)


@router.get("/sessions", response=list[SessionOut], url_name="choice-sessions")
def list_sessions(request):
    return (ChoiceSession.objects.visible_to(request.auth).select_related("competition__faculty", "merit_list")
            .order_by("-competition__year", "competition__slug"))


@router.get("/sessions/{slug}", response=SessionOut, url_name="choice-session")
def get_session(request, slug: str):
    return _session(request, slug)


@router.get("/sessions/{slug}/posts", response=list[PostOut], url_name="choice-posts")
def list_posts(request, slug: str):
    """Every post of the session with its seats: capacity, taken, and left (its pool's seats
    included). The figures the public board shows."""
    session = _session(request, slug)
    left = remaining_by_post(session)
    return [{
        "code": p.code, "specialty": p.specialty.code, "specialty_name_fr": p.specialty.name_fr,
        "specialty_name_ar": p.specialty.name_ar, "centre": p.centre.code if p.centre_id else None,
        "seat_type": p.seat_type, "group": p.group, "track": p.track, "capacity": p.capacity, "taken": p.taken,
        "remaining": left.get(p.pk, 0), "quota": p.quota.code if p.quota_id else None,
    } for p in Post.objects.filter(session=session).select_related("specialty", "centre", "quota")
        .order_by("seat_type", "group", "specialty__name_fr", "code")]


def _choice(choice):
    if choice is None:
        return None
    return {"post": choice.post.code, "specialty_name_fr": choice.post.specialty.name_fr,
            "specialty_name_ar": choice.post.specialty.name_ar, "seat_type": choice.post.seat_type,
            "method": choice.method, "proxy_name": choice.proxy_name, "at": choice.at}


@router.get("/sessions/{slug}/me", response=OwnPlaceOut, url_name="choice-me")
def own_place(request, slug: str):
    """The caller's own place as a laureate: call order, choice in force, wishes in force and the
    latest round's provisional post with why not each better wish (404 for anybody else)."""
    session = _session(request, slug)
    chooser = get_object_or_404(Chooser.objects.visible_to(request.auth).select_related("candidate"),
                                session=session, candidate__person__user=request.auth)
    wishes = current_wish_list(chooser)
    codes = dict(Post.objects.filter(session=session).values_list("pk", "code"))
    placement = (Placement.objects.visible_to(request.auth).filter(chooser=chooser, round__run_at__isnull=False)
                 .select_related("round", "post", "wish_list").order_by("-round__number").first())
    return {
        "order": chooser.order, "number": chooser.candidate.number, "seat_type": chooser.seat_type,
        "presence": chooser.presence, "choice": _choice(own_choice(chooser)),
        "wishes": {"version": wishes.number, "saved_at": wishes.saved_at,
                   "posts": [codes.get(pid, str(pid)) for pid in wishes.posts]} if wishes else None,
        "placement": {
            "round": placement.round.number, "binding": placement.round.binding, "run_at": placement.round.run_at,
            "post": placement.post.code if placement.post_id else None, "wish_number": placement.wish_number,
            "wish_list_version": placement.wish_list.number if placement.wish_list_id else None,
            "wishes": placement.wishes,
        } if placement else None,
    }


@router.get("/sessions/{slug}/assignments", response=AssignmentsOut, url_name="choice-assignments")
def assignments(request, slug: str):
    """The choices in force, as the caller may see them (a laureate: their own row only), and each
    post's fill and cutoff; `final` once the session is closed (provisional before)."""
    session = _session(request, slug)
    rows = assignment_rows(session, request.auth, "fr")
    return {
        "state": session.state, "final": is_final(session),
        "assignments": [{
            "order": r.order, "number": r.number, "name_fr": r.name_fr, "name_ar": r.name_ar,
            "seat_type": r.seat_type, "presence": r.presence, "post": r.post_code or None,
            "specialty": r.specialty, "method": r.method or None, "at": r.at,
        } for r in rows],
        "posts": [{"code": p.code, "capacity": p.capacity, "filled": p.filled, "cutoff": p.cutoff}
                  for p in post_lines(session, "fr")],
    }


@router.get("/sessions/{slug}/log/verify", response=VerificationOut, url_name="choice-log-verify")
def verify_log(request, slug: str):
    """Recompute the session's hash chain: ok, or the first entry that does not check out."""
    session = _session(request, slug)
    if not sees_every_laureate(request.auth, session):
        raise HttpError(403, _("Le journal est réservé aux services qui conduisent ou suivent le choix."))
    check = log.verify(session)
    return {"ok": check.ok, "entries": check.entries, "head": check.head, "broken_seq": check.broken_seq,
            "problem": check.problem}
