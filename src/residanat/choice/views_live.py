"""The live choice session (amphitheatre): the operator's screen and the public board.

The operator's screen calls the laureates in merit order and records each choice in one click;
every action is a POST that answers the refreshed panel to HTMX, or a redirect to the screen
without JavaScript. The board shows the seats left, for the projector and the web, and is polled
every 2 s: its fragment answers 304 while the session's `version` has not moved."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from residanat.common.actions import perform
from residanat.concours.models import PostAllocation
from residanat.referential.models import Specialty

from . import board as board_cache
from . import live
from .models import Choice, ChoiceSession, Chooser, Post
from .scope import changeable_session, own_chooser
from .seats import remaining_by_post
from .sessions import do_close_session, do_start_live, is_open_to
from .wishes import current_wish_list

State = ChoiceSession.State
Presence = Chooser.Presence
Seat = PostAllocation.SeatType
# The states in which the board shows the seats being taken (before: the day the session opens).
BOARD_STATES = (State.LIVE, State.CLOSED)
RECENT_CHOICES = 10
BOARD_LAST_CHOICES = 5
GROUP_ORDER = list(Specialty.Group.values)
# A group with more posts than this shows them in two columns on the board.
BOARD_WIDE_GROUP = 12


# --- the operator's panel ------------------------------------------------------------------------

def _posts(user, session) -> list[Post]:
    return list(Post.objects.visible_to(user, "change").filter(session=session)
                .select_related("specialty", "quota").order_by("group", "specialty__name_fr", "seat_type"))


def _group_label(group) -> str:
    return Specialty.Group(group).label


def _open_choices(chooser, posts, remaining, wish_rank=None) -> list[dict]:
    """The posts a laureate can still take, by group, with the seats left (and their wish rank)."""
    wish_rank = wish_rank or {}
    out: dict[str, dict] = {}
    for post in posts:
        left = remaining.get(post.pk, 0)
        if left <= 0 or not is_open_to(chooser, post):
            continue
        block = out.setdefault(post.group, {"label": _group_label(post.group), "posts": []})
        block["posts"].append({"post": post, "left": left, "wish": wish_rank.get(post.pk)})
    return [out[g] for g in GROUP_ORDER if g in out]


def _panel_context(request, session, *, error="", notice="", values=None, fresh=False) -> dict:
    session = ChoiceSession.objects.select_related("competition__faculty").get(pk=session.pk)
    counts = session.choosers.aggregate(
        total=Count("pk"), waiting=Count("pk", filter=Q(presence=Presence.WAITING)),
        absent=Count("pk", filter=Q(presence=Presence.ABSENT)),
        served=Count("pk", filter=Q(presence=Presence.SERVED)))
    context = {"session": session, "competition": session.competition, "counts": counts, "error": error,
               "notice": notice, "values": values or {}, "fresh": fresh, "absent_rule": live.ABSENT_RULE,
               "can_start": session.state in (State.PREPARING, State.WISHES_OPEN),
               "is_live": session.state == State.LIVE}
    choices = (Choice.objects.visible_to(request.user, "change").filter(chooser__session=session)
               .select_related("chooser__candidate__person", "post__specialty", "by", "undone_by"))
    context["recent"] = list(choices.order_by("-at", "-pk")[:RECENT_CHOICES])
    context["last_choice"] = choices.filter(undone_at__isnull=True).order_by("-at", "-pk").first()
    if session.state != State.LIVE:
        return context

    posts = _posts(request.user, session)
    remaining = remaining_by_post(session)
    current = live.next_to_call(session)
    if current is not None:
        wish_list = current_wish_list(current)
        wish_rank = {pk: n for n, pk in enumerate(wish_list.posts, 1)} if wish_list else {}
        groups = _open_choices(current, posts, remaining, wish_rank)
        open_ids = {row["post"].pk for block in groups for row in block["posts"]}
        first_wish = next((pk for pk in (wish_list.posts if wish_list else []) if pk in open_ids), None)
        context.update({
            "current": current, "groups": groups, "wish_list": wish_list,
            "first_wish": next((row for block in groups for row in block["posts"] if row["post"].pk == first_wish),
                               None),
            "open_count": len(open_ids),
        })
    absents = (Chooser.objects.visible_to(request.user, "change").filter(session=session, presence=Presence.ABSENT)
               .select_related("candidate__person").order_by("order"))
    context["absents"] = [{"chooser": c, "groups": _open_choices(c, posts, remaining)} for c in absents]
    return context


def _panel(request, session, **kwargs):
    return render(request, "choice/live/_panel.html", _panel_context(request, session, **kwargs))


@login_required
@require_GET
def operator(request, slug):
    session = changeable_session(request, slug)
    if request.htmx:
        return _panel(request, session)
    return render(request, "choice/live/operator.html", _panel_context(request, session))


def _done(request, session, notice):
    if request.htmx:
        # `fresh`: the next laureate's buttons ignore clicks for a moment, so a double click on a
        # post cannot record the next laureate's choice as well.
        return _panel(request, session, notice=notice, fresh=True)
    messages.success(request, notice)
    return redirect("choice:operator", slug=session.slug)


def _refused(request, session, message: str):
    if request.htmx:
        # What was typed (proxy's name, reason, note) comes back in the panel with the message.
        values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        return _panel(request, session, error=message, values=values)
    messages.error(request, message)
    return redirect("choice:operator", slug=session.slug)


def _act(request, session, action, *args, notice, **kwargs):
    """Run the service's `action`: answer the panel (HTMX) or the screen with `notice` (a text, or
    a function of the action's result giving one), or with the refusal, shown in the panel."""
    done = perform(request, action, *args, quiet=True, **kwargs)
    if not done:
        return _refused(request, session, done.reason)
    return _done(request, session, notice(done.result) if callable(notice) else notice)


def _posted_id(request, name) -> int:
    value = request.POST.get(name) or ""
    return int(value) if value.isdigit() else 0


def _chooser(request, session) -> Chooser:
    return get_object_or_404(Chooser.objects.visible_to(request.user, "change").select_related("candidate__person"),
                             session=session, pk=_posted_id(request, "chooser"))


def _who(chooser) -> str:
    return f"{chooser.order}. {chooser.candidate.number} {chooser.candidate.person.full_name}"


@login_required
@require_POST
def start(request, slug):
    session = changeable_session(request, slug)
    return _act(request, session, do_start_live, session, request.user,
                place=(request.POST.get("place") or "").strip(),
                notice=_("La séance de choix est ouverte : appel du premier lauréat."))


@login_required
@require_POST
def choose(request, slug):
    """One laureate takes one post: the one called, or an absent one who came forward; with
    `proxy_name` and the `proxy_document`, by proxy."""
    session = changeable_session(request, slug)
    chooser = _chooser(request, session)
    if not request.POST.get("post"):
        return _refused(request, session, _("Choisissez un poste."))
    post = get_object_or_404(Post.objects.visible_to(request.user, "change").select_related("specialty"),
                             session=session, pk=_posted_id(request, "post"))
    return _act(request, session, live.do_record_choice, session, chooser, post, request.user,
                proxy_name=request.POST.get("proxy_name", ""), proxy_document=request.FILES.get("proxy_document"),
                notice=_("%(who)s : %(post)s enregistré.") % {"who": _who(chooser), "post": post.specialty.name})


@login_required
@require_POST
def absent(request, slug):
    session = changeable_session(request, slug)
    chooser = _chooser(request, session)
    return _act(request, session, live.do_mark_absent, session, chooser, request.user,
                notice=_("%(who)s : absent à l'appel ; pourra choisir en se présentant.") % {"who": _who(chooser)})


@login_required
@require_POST
def undo(request, slug):
    session = changeable_session(request, slug)
    # The screen names the choice it undoes: if another workstation recorded one since, refuse
    # rather than undo a choice the supervisor has not seen.
    shown = request.POST.get("choice")
    last = (Choice.objects.visible_to(request.user, "change").filter(chooser__session=session, undone_at__isnull=True)
            .order_by("-at", "-pk").values_list("pk", flat=True).first())
    if shown and last is not None and str(last) != shown:
        return _refused(request, session, _("Un autre choix a été enregistré entre-temps : vérifiez le dernier "
                                            "choix avant de l'annuler."))
    return _act(request, session, live.do_undo_last, session, request.user, request.POST.get("reason", ""),
                notice=lambda choice: _("Choix annulé : %(who)s est appelé de nouveau.") % {"who": _who(choice.chooser)})


@login_required
@require_POST
def close(request, slug):
    session = changeable_session(request, slug)
    return _act(request, session, do_close_session, session, request.user,
                note=(request.POST.get("note") or "").strip(), notice=_("La séance de choix est close."))


# --- the laureate's own page during the live session ---------------------------------------------

@login_required
@require_GET
def my_call(request, slug):
    """The part of the laureate's page that follows the call (polled while the session is live)."""
    chooser = own_chooser(request, slug)
    return render(request, "choice/wishes/_live_call.html", {
        "session": chooser.session, "chooser": chooser,
        "call": live.call_status(chooser) if chooser.session.state == State.LIVE else None})


# --- the public board ----------------------------------------------------------------------------
# Public by design, like the published results: seats only, never a name. It reads the session by
# its slug without a scope, in every state: before the live session it announces the day it opens
# (the office links to it from then on), during it shows the seats left, after it the final ones.
# A board opened in advance polls `?attente=1`; once the session has begun that poll answers
# HX-Refresh, and the page reloads into the live board.


def _board_session(slug) -> ChoiceSession:
    sessions = ChoiceSession.objects.select_related("competition__faculty", "competition__hospital_centre")
    return get_object_or_404(sessions, competition__slug=slug)


POOL_LABELS = {Seat.FOREIGN_VOLUNTEER: gettext_lazy("Postes bénévoles des candidats étrangers")}


def _board_context(session) -> dict:
    remaining = remaining_by_post(session)
    groups: dict[str, dict] = {}
    quotas_shown = set()
    # Public: the posts are the session's own, read without a user scope (see above).
    posts = Post.objects.filter(session=session).select_related("specialty", "quota").order_by(
        "group", "specialty__name_fr", "seat_type")
    for post in posts:
        block = groups.setdefault(post.group, {"label": _group_label(post.group), "rows": [], "left": 0, "seats": 0})
        if post.quota_id is not None:
            # A pool of volunteer seats is one line: its posts share the same seats.
            if post.quota_id in quotas_shown:
                continue
            quotas_shown.add(post.quota_id)
            quota = post.quota
            row = {"label": POOL_LABELS.get(quota.seat_type) or Seat(quota.seat_type).label, "pool": True,
                   "left": quota.capacity - quota.taken, "seats": quota.capacity}
        else:
            row = {"label": post.specialty.name, "pool": False,
                   "seat_label": Seat(post.seat_type).label if post.seat_type != Seat.CONTRACT else "",
                   "left": remaining.get(post.pk, 0), "seats": post.capacity}
        row["full"] = row["left"] <= 0
        block["rows"].append(row)
        block["left"] += row["left"]
        block["seats"] += row["seats"]
    blocks = [groups[g] for g in GROUP_ORDER if g in groups]
    for block in blocks:
        block["rows"].sort(key=lambda r: r["pool"])  # the pool after the posts of its group
        block["wide"] = len(block["rows"]) > BOARD_WIDE_GROUP
    called = live.next_to_call(session) if session.state == State.LIVE else None
    # The last choices, without a name: the call number and the post (public, like the seats).
    last = (Choice.objects.filter(chooser__session=session, undone_at__isnull=True)
            .select_related("chooser", "post__specialty").order_by("-at", "-pk")[:BOARD_LAST_CHOICES])
    return {
        "last_choices": [{"order": c.chooser.order, "post": c.post.specialty.name,
                          "seat_label": Seat(c.post.seat_type).label if c.post.seat_type != Seat.CONTRACT else ""}
                         for c in last] if session.state == State.LIVE else [],
        "session": session, "competition": session.competition, "groups": blocks,
        "called_order": called.order if called else None,
        "choices_made": Choice.objects.filter(chooser__session=session, undone_at__isnull=True).count(),
        "choosers": session.choosers.count(),
        "left": sum(b["left"] for b in blocks), "seats": sum(b["seats"] for b in blocks),
    }


@require_GET
def board(request, slug):
    session = _board_session(slug)
    return render(request, "choice/live/board.html", _board_context(session))


def render_board_state(slug) -> tuple[str, str] | None:
    """The board's changing part in the active language, and the version it shows (read with it)."""
    session = (ChoiceSession.objects.select_related("competition__faculty", "competition__hospital_centre")
               .filter(competition__slug=slug).first())
    if session is None:
        return None
    html = render_to_string("choice/live/_board_state.html", _board_context(session))
    return html, board_cache.tag_of(slug, session.version, session.state)


@require_GET
def board_fragment(request, slug):
    """Answered by `board.BoardPollMiddleware` before reaching here; this view answers the same
    where that early path is not installed, and 404 for an unknown session."""
    response = board_cache.answer_poll(request, slug, get_language())
    if response is None:
        raise Http404
    return response
