"""The choice of posts: sessions, their posts and seats left, the caller's own place and wishes,
the assignments and the check of the log, always read through `visible_to`.

A session outside the caller's scope answers 404. A laureate sees the sessions they choose in, the
posts and their seats, and of the people only themself; the log is for the staff of the
competition's scope (403 for a laureate). Identity numbers never leave through this router.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from residanat.choice import log, provisional
from residanat.choice.models import ChoiceSession, Chooser, Placement, Post
from residanat.choice.results import assignment_rows, is_final, own_choice, post_lines, sees_every_laureate
from residanat.choice.seats import remaining_by_post
from residanat.choice.wishes import current_wish_list, do_save_wishes

from .common import Message

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


class ProvisionalOut(Schema):
    """The live provisional post (recomputed after every saved list): null post = none of the
    wishes had a seat left at the caller's call order."""
    post: str | None
    wish_number: int | None
    as_of: dt.datetime
    wish_list_version: int | None
    pending: bool  # a list saved since is not taken in yet (a few seconds)


class OwnPlaceOut(Schema):
    order: int
    number: str
    seat_type: str
    presence: Chooser.Presence
    choice: ChoiceOut | None
    wishes: WishesOut | None
    placement: PlacementOut | None
    provisional: ProvisionalOut | None


class PostWishesIn(Schema):
    posts: list[str]  # post codes, most wanted first


class WhatIfWishOut(Schema):
    number: int
    code: str
    outcome: str  # assigned, full, quota, not_examined
    cutoff: int | None  # last call order admitted before the caller, in this what-if
    latest_cutoff: int | None  # in the latest live computation (everybody)
    earlier: list[list[int | None]]  # [year, cutoff] of earlier years' sessions, newest first


class WhatIfOut(Schema):
    post: str | None
    wish_number: int | None
    as_of: dt.datetime | None  # the live computation whose cutoffs are quoted
    wishes: list[WhatIfWishOut]


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


def _own_chooser(request, slug) -> Chooser:
    session = _session(request, slug)
    return get_object_or_404(Chooser.objects.visible_to(request.auth).select_related("candidate", "session__competition"),
                             session=session, candidate__person__user=request.auth)


def _post_ids(chooser, codes: list[str]) -> list[int]:
    """Codes to ids; an unknown code is refused by name (400), as a post not open would be."""
    ids = dict(Post.objects.filter(session=chooser.session_id).values_list("code", "pk"))
    unknown = [c for c in codes if c not in ids]
    if unknown:
        raise DjangoValidationError(_("Postes inconnus : %(codes)s.") % {"codes": ", ".join(unknown)})
    return [ids[c] for c in codes]


@router.get("/sessions/{slug}/me", response=OwnPlaceOut, url_name="choice-me")
def own_place(request, slug: str):
    """The caller's own place as a laureate: call order, choice in force, wishes in force, the
    latest round's provisional post with why not each better wish, and the live provisional post
    (`provisional`, recomputed after every saved list) with the list version it used (404 for
    anybody else)."""
    chooser = _own_chooser(request, slug)
    session = chooser.session
    wishes = current_wish_list(chooser)
    codes = dict(Post.objects.filter(session=session).values_list("pk", "code"))
    placement = (Placement.objects.visible_to(request.auth).filter(chooser=chooser, round__run_at__isnull=False)
                 .select_related("round", "post", "wish_list").order_by("-round__number").first())
    live_post = provisional.placement_of(chooser)
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
        "provisional": {
            "post": live_post["post"].code if live_post["post"] else None, "wish_number": live_post["wish_number"],
            "as_of": live_post["as_of"], "wish_list_version": live_post["wish_list_number"],
            "pending": live_post["pending"],
        } if live_post else None,
    }


@router.put("/sessions/{slug}/me/wishes", response={200: OwnPlaceOut, 400: Message, 403: Message},
            url_name="choice-me-wishes")
def save_own_wishes(request, slug: str, payload: PostWishesIn):
    """Save a new version of the caller's wishes (post codes, most wanted first) until the
    deadline; the live provisional post follows within seconds. Refused with its reason (400): a
    post twice, unknown or not open to the caller's seat type, wishes closed; nothing is saved."""
    chooser = _own_chooser(request, slug)
    try:
        do_save_wishes(chooser, _post_ids(chooser, payload.posts), request.auth)
    except PermissionDenied:
        raise HttpError(403, _("Vous ne pouvez pas modifier ces vœux.")) from None
    except DjangoValidationError as exc:
        return 400, {"detail": " ".join(exc.messages)}
    return own_place(request, slug)


@router.post("/sessions/{slug}/me/what-if", response={200: WhatIfOut, 400: Message},
             url_name="choice-me-what-if")
def what_if(request, slug: str, payload: PostWishesIn):
    """What the caller would get with these wishes (post codes, most wanted first) against
    everybody else's lists in force. Nothing is saved or logged. Each wish carries the cutoff of
    the latest live computation and of earlier years' sessions."""
    chooser = _own_chooser(request, slug)
    try:
        answer = provisional.what_if(chooser, _post_ids(chooser, payload.posts))
    except DjangoValidationError as exc:
        return 400, {"detail": " ".join(exc.messages)}
    return {
        "post": answer["post"].code if answer["post"] else None, "wish_number": answer["wish_number"],
        "as_of": answer["provisional"].as_of if answer["provisional"] else None,
        "wishes": [{"number": w["number"], "code": w["code"], "outcome": w["outcome"], "cutoff": w["cutoff"],
                    "latest_cutoff": w["latest_cutoff"], "earlier": [list(e) for e in w["earlier"]]}
                   for w in answer["wishes"]],
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
