"""Pages of a choice session before the live one: the office's page (open the wishes, schedule and
run the simulation rounds, the binding final round), each round's results, the laureates and
their wish histories, and the laureate's own wishes with the result of every round and why not
each better wish (issue 5, online wishes as France's CNG does since 2024).

Views stay thin: they find the session in the user's scope (`scope`), parse the request and call
the services (`sessions`, `wishes`, `rounds`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from residanat.common.actions import perform
from residanat.common.listing import Listing, Sort, name_order, person_fields
from residanat.concours.models import Competition, MeritList
from residanat.concours.scope import can_change_competition
from residanat.formats import moment_text
from residanat.common.feedback import report_error, report_form_errors

from . import live
from .forms import FinalRoundForm, OpenWishesForm, ScheduleRoundForm, WishListForm
from . import provisional
from .models import ChoiceSession, Chooser, Placement, Post, Provisional, Quota, Round, WishList
from .rounds import do_schedule_round, do_start_round
from .scope import own_chooser, sees_office_pages, visible_session
from .sessions import do_create_session, do_open_wishes, open_posts
from .wishes import can_edit_wishes, changes, current_lists, current_wish_list, do_save_wishes

State = ChoiceSession.State
CREATABLE_STATES = (Competition.State.DELIBERATED, Competition.State.PUBLISHED)


# --- finding the session -------------------------------------------------------------------------

def _office_session(request, slug) -> ChoiceSession:
    """The office pages are for the staff who see the competition; a laureate (who sees the
    session through their own place in it) gets 404 there, as anybody outside the scope."""
    session = visible_session(request, slug)
    if not sees_office_pages(request.user, session):
        raise Http404
    return session


def _editable_session(request, slug) -> ChoiceSession:
    session = _office_session(request, slug)
    if not can_change_competition(request.user, session.competition):
        raise PermissionDenied
    return session


def _back(session):
    return redirect("choice:session", slug=session.slug)


def _latest_round(session) -> Round | None:
    return session.rounds.filter(run_at__isnull=False).order_by("-number").first()


def _posts_by_id(session) -> dict[int, Post]:
    return {p.pk: p for p in Post.objects.filter(session=session).select_related("specialty", "quota")}


# --- list and creation ---------------------------------------------------------------------------

@login_required
def session_list(request):
    """The sessions the user sees (their own place in it, for a laureate); for the editors, the
    deliberated résidanats still without one."""
    sessions = list(ChoiceSession.objects.visible_to(request.user)
                    .select_related("competition__faculty", "competition__hospital_centre")
                    .annotate(laureates=Count("choosers")).order_by("-competition__year", "competition__slug"))
    staff = set(Competition.objects.visible_to(request.user)
                .filter(pk__in=[s.competition_id for s in sessions]).values_list("pk", flat=True))
    own = set(Chooser.objects.filter(session__in=sessions, candidate__person__user=request.user)
              .values_list("session_id", flat=True))
    for session in sessions:
        session.office = session.competition_id in staff
        session.mine = session.pk in own
    # Only those with a deliberated merit list: the laureates come from it (earlier sessions
    # recorded without one cannot have a choice).
    creatable = (Competition.objects.visible_to(request.user, "change")
                 .filter(kind=Competition.Kind.RESIDANAT, state__in=CREATABLE_STATES, choice_session__isnull=True,
                         pk__in=MeritList.objects.filter(locked_at__isnull=False).values("competition"))
                 .select_related("faculty", "hospital_centre").order_by("-year", "slug"))
    return render(request, "choice/session/list.html", {"sessions": sessions, "creatable": creatable})


@login_required
@require_POST
def session_create(request, slug):
    competition = get_object_or_404(Competition.objects.visible_to(request.user), slug=slug)
    if not can_change_competition(request.user, competition):
        raise PermissionDenied
    created = perform(request, do_create_session, competition, request.user,
                      success=lambda session: _("Choix des postes créé : %(n)s lauréats appelés à choisir.")
                      % {"n": session.choosers.count()})
    if created:
        return _back(created.result)
    if ChoiceSession.objects.filter(competition=competition).exists():
        return redirect("choice:session", slug=slug)
    return redirect("choice:sessions")


# --- the office's page ---------------------------------------------------------------------------

def _counts(session) -> dict:
    lists = current_lists(session)
    laureates = session.choosers.count()
    with_wishes = sum(1 for wl in lists.values() if wl.posts)
    pooled = Post.objects.filter(session=session, quota__isnull=False)
    seats = (sum(Post.objects.filter(session=session, quota__isnull=True).values_list("capacity", flat=True))
             + sum(Quota.objects.filter(session=session).values_list("capacity", flat=True)))
    return {"laureates": laureates, "posts": Post.objects.filter(session=session).count(),
            "pooled_posts": pooled.count(), "seats": seats, "lists": with_wishes,
            "without": laureates - with_wishes}


@login_required
def session_detail(request, slug):
    session = _office_session(request, slug)
    now = timezone.now()
    can_edit = can_change_competition(request.user, session.competition)
    deadline = session.wishes_deadline
    rounds = list(session.rounds.select_related("run_by").order_by("number"))
    for rnd in rounds:
        rnd.due = rnd.run_at is None and rnd.scheduled_at is not None and rnd.scheduled_at <= now
    return render(request, "choice/session/detail.html", {
        "session": session, "competition": session.competition, "can_edit": can_edit,
        "counts": _counts(session), "rounds": rounds,
        "deadline_passed": deadline is not None and now >= deadline,
        "wishes_open": session.state == State.WISHES_OPEN,
        "can_open_wishes": session.state in (State.PREPARING, State.WISHES_OPEN),
        "open_form": OpenWishesForm(initial={
            "deadline": timezone.localtime(deadline) if deadline else None,
            "live_at": timezone.localtime(session.live_at) if session.live_at else None}),
        "schedule_form": ScheduleRoundForm(), "final_form": FinalRoundForm(),
    })


@login_required
@require_POST
def open_wishes(request, slug):
    session = _editable_session(request, slug)
    form = OpenWishesForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return _back(session)
    opened = perform(request, do_open_wishes, session, form.cleaned_data["deadline"], request.user,
                     live_at=form.cleaned_data["live_at"],
                     success=lambda session: _("Vœux ouverts jusqu'au %(deadline)s.")
                     % {"deadline": moment_text(session.wishes_deadline)})
    return _back(opened.result if opened else session)


@login_required
@require_POST
def schedule_round(request, slug):
    session = _editable_session(request, slug)
    form = ScheduleRoundForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return _back(session)
    perform(request, do_schedule_round, session, form.cleaned_data["at"], request.user,
            success=lambda rnd: _("Tour %(n)s programmé le %(at)s.")
            % {"n": rnd.number, "at": moment_text(rnd.scheduled_at)})
    return _back(session)


@login_required
@require_POST
def run_round(request, slug):
    """A simulation round now; with `round=<number>`, a scheduled round whose time has come
    (the `run_due_rounds` command does the same from cron)."""
    session = _editable_session(request, slug)
    scheduled = None
    if request.POST.get("round"):
        number = request.POST["round"]
        scheduled = get_object_or_404(session.rounds, number=int(number) if number.isdigit() else 0)
    started = perform(request, do_start_round, session, request.user, scheduled=scheduled)
    return redirect("ops:job", pk=started.result.pk) if started else _back(session)


@login_required
@require_POST
def run_final(request, slug):
    session = _editable_session(request, slug)
    form = FinalRoundForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return _back(session)
    started = perform(request, do_start_round, session, request.user, binding=True)
    return redirect("ops:job", pk=started.result.pk) if started else _back(session)


# --- a round's results ---------------------------------------------------------------------------

def _changes_shown(previous: list[int], current: list[int], posts: dict[int, Post]) -> dict:
    """`wishes.changes`, with the posts instead of their ids (a post gone from the session is skipped)."""
    found = changes(previous, current)
    after = {p: i for i, p in enumerate(current, 1)}
    return {
        "added": [(posts[p], after[p]) for p in found["added"] if p in posts],
        "removed": [posts[p] for p in found["removed"] if p in posts],
        "moved": [(posts[p], before, now) for p, before, now in found["moved"] if p in posts],
    }


PLACEMENT_SORTS = {
    "order": Sort(gettext_lazy("Ordre"), ("chooser__order",)),
    "number": Sort(gettext_lazy("N°"), ("chooser__candidate__number",)),
    "name": Sort(gettext_lazy("Lauréat"), name_order("chooser__candidate__person__")),
    "wish": Sort(gettext_lazy("Vœu obtenu"), (F("wish_number").asc(nulls_last=True), "chooser__order")),
}


@login_required
def round_detail(request, slug, number):
    session = _office_session(request, slug)
    rnd = get_object_or_404(Round.objects.visible_to(request.user).filter(session=session).select_related("run_by"),
                            number=number)
    posts = _posts_by_id(session)
    placements = (Placement.objects.visible_to(request.user).filter(round=rnd)
                  .select_related("chooser__candidate__person", "post__specialty", "wish_list"))
    latin, arabic = person_fields("chooser__candidate__person__")
    listing = Listing(request, placements, sorts=PLACEMENT_SORTS, default="order",
                      search=("chooser__candidate__number", *latin), arabic=arabic, dom_id="round-rows")
    shown = {p.pk: p for p in listing.page.object_list}
    post_rows = [{"post": p, "filled": rnd.filled.get(p.code, 0), "cutoff": rnd.cutoffs.get(p.code)}
                 for p in sorted(posts.values(), key=lambda p: (p.group, p.specialty.name_fr, p.seat_type))]
    quotas = [{"quota": q, "filled": sum(r["filled"] for r in post_rows if r["post"].quota_id == q.pk)}
              for q in Quota.objects.filter(session=session)]
    previous = (session.rounds.filter(number__lt=rnd.number, run_at__isnull=False).order_by("-number").first()
                if rnd.run_at else None)
    changed = []
    if previous is not None:
        before = dict(Placement.objects.filter(round=previous).values_list("chooser_id", "wish_list_id"))
        old_lists = WishList.objects.in_bulk([pk for pk in before.values() if pk])
        for placement in placements.order_by("chooser__order"):
            placement = shown.get(placement.pk, placement)
            old_id = before.get(placement.chooser_id)
            if old_id == placement.wish_list_id:
                continue
            placement.changed = True
            old = old_lists[old_id].posts if old_id else []
            new = placement.wish_list.posts if placement.wish_list else []
            changed.append((placement, old_lists.get(old_id), _changes_shown(old, new, posts)))
    return render(request, "choice/session/round.html", {
        "session": session, "competition": session.competition, "round": rnd, "post_rows": post_rows,
        "quotas": quotas, "placements": list(shown.values()), "listing": listing, "previous": previous,
        "changed": changed,
    })


# --- laureates -----------------------------------------------------------------------------------

LAUREATE_SORTS = {
    "order": Sort(gettext_lazy("Ordre"), ("order",)),
    "number": Sort(gettext_lazy("N°"), ("candidate__number",)),
    "name": Sort(gettext_lazy("Lauréat"), name_order("candidate__person__")),
    "seat_type": Sort(gettext_lazy("Statut des postes"), ("seat_type", "order")),
}


def laureate_listing(request, choosers, dom_id="laureate-rows") -> Listing:
    """Laureates in the call order (default), by number, name or seat status; searched by number
    or name (Latin or Arabic)."""
    latin, arabic = person_fields("candidate__person__")
    return Listing(request, choosers, sorts=LAUREATE_SORTS, default="order",
                   search=("candidate__number", *latin), arabic=arabic, dom_id=dom_id)


@login_required
def laureate_list(request, slug):
    session = _office_session(request, slug)
    listing = laureate_listing(request, Chooser.objects.visible_to(request.user).filter(session=session)
                               .select_related("candidate__person"))
    choosers = list(listing.page.object_list)
    lists = {}
    # The wish list in force of each laureate shown (the last version), not of the whole session.
    for wish_list in WishList.objects.filter(chooser__in=choosers).order_by("chooser_id", "number"):
        lists[wish_list.chooser_id] = wish_list
    latest = _latest_round(session)
    placed = {}
    if latest is not None:
        placed = {p.chooser_id: p for p in Placement.objects.filter(round=latest, chooser__in=choosers)
                  .select_related("post__specialty")}
    for chooser in choosers:
        chooser.wish_list = lists.get(chooser.pk)
        chooser.placement = placed.get(chooser.pk)
    return render(request, "choice/session/laureates.html", {
        "session": session, "competition": session.competition, "choosers": choosers, "latest": latest,
        "listing": listing,
    })


@login_required
def laureate_detail(request, slug, order):
    """A laureate's wish history (every version, who saved it, what changed) and their placement
    in every round; the office may enter a wish list handed in on paper (POST)."""
    session = _office_session(request, slug)
    chooser = get_object_or_404(Chooser.objects.visible_to(request.user).filter(session=session)
                                .select_related("candidate__person", "session__competition"), order=order)
    editable = can_edit_wishes(request.user, chooser)
    action_url = reverse("choice:laureate", args=[session.slug, chooser.order])
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        response, draft = _edit(request, chooser, action_url)
        if response is not None:
            return response
    else:
        draft = _kept_draft(request, chooser)
    posts = _posts_by_id(session)
    versions = list(WishList.objects.visible_to(request.user).filter(chooser=chooser)
                    .select_related("saved_by").order_by("number"))
    previous: list[int] = []
    for version in versions:
        version.shown_posts = [posts[p] for p in version.posts if p in posts]
        version.changes = _changes_shown(previous, version.posts, posts)
        previous = version.posts
    versions.reverse()
    context = {"session": session, "competition": session.competition, "chooser": chooser, "versions": versions,
               "office": True, **_results(request, chooser, posts)}
    if editable and session.state == State.WISHES_OPEN:
        context.update(_editor(chooser, posts, draft, action_url, context.get("latest")))
    return render(request, "choice/session/laureate.html", context)


# --- the laureate's own wishes -------------------------------------------------------------------

def _window_open(session) -> bool:
    deadline = session.wishes_deadline
    return session.state == State.WISHES_OPEN and (deadline is None or timezone.now() < deadline)


def _editor(chooser, posts, draft, action_url, latest) -> dict:
    """What the wish editor shows: the draft (post ids, errors and maybe a what-if's answer; None:
    the list in force), the
    posts open to the chooser, each with the cutoff of the latest round (the call order of the
    last admitted)."""
    current = current_wish_list(chooser)
    draft_ids, errors, *tried = draft if draft is not None else (None, [])
    ids = draft_ids if draft_ids is not None else (current.posts if current else [])
    ranked = [posts[p] for p in ids if p in posts]
    position = {p.pk: i for i, p in enumerate(ranked, 1)}
    cutoffs = latest.round.cutoffs if latest is not None else {}
    available = []
    for post in open_posts(chooser).select_related("specialty", "quota").order_by("group", "specialty__name_fr"):
        post.position = position.get(post.pk)
        post.last_cutoff = cutoffs.get(post.code)
        available.append(post)
    return {"editor": {
        "chooser": chooser, "ranked": ranked, "current": current, "available": available,
        "dirty": draft_ids is not None and draft_ids != (current.posts if current else []), "errors": errors,
        "open": _window_open(chooser.session), "action_url": action_url, "has_round": latest is not None,
        "tried": tried[0] if tried else None,
    }}


def _draft_key(chooser) -> str:
    return f"wish-draft:{chooser.pk}"


def _kept_draft(request, chooser):
    """The unsaved list kept in the session (so that switching language, which reloads the page,
    does not drop it), as a draft to show; None when there is none."""
    posts = request.session.get(_draft_key(chooser))
    return (posts, []) if posts is not None else None


def _edit(request, chooser, action_url):
    """Apply a POST of the editor. Returns (response, draft): a response when done (saved, or an
    HTMX fragment), else the draft to show again: (post ids, error messages)."""
    form = WishListForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect(action_url), None
    op, posts = form.cleaned_data["op"], form.cleaned_data["posts"]
    errors: list[str] = []
    # The draft lives in the session until saved: a reload (another language) shows it again.
    request.session[_draft_key(chooser)] = posts
    if op == "what-if":
        return _what_if(request, chooser, posts, action_url)
    if op == "save" or not _window_open(chooser.session):
        # Every refusal (closed, deadline passed, a post not open to the seat type) is the service's.
        before = current_wish_list(chooser)
        # Refused while the window is open: the reasons stay in the editor, beside the draft.
        outcome = perform(request, do_save_wishes, chooser, posts, request.user, quiet=True)
        if not outcome:
            if not _window_open(chooser.session):
                report_error(request, outcome.refusal)
                return _done(request, action_url), None
            errors = outcome.refusal.messages
        else:
            request.session.pop(_draft_key(chooser), None)
            saved = outcome.result
            if before is not None and saved.pk == before.pk:
                messages.info(request, _("Aucun changement : les vœux en vigueur restent ceux de la version %(n)s.")
                              % {"n": saved.number})
            else:
                messages.success(request, ngettext("Vœux enregistrés (version %(n)s, %(count)s vœu).",
                                                   "Vœux enregistrés (version %(n)s, %(count)s vœux).",
                                                   len(saved.posts)) % {"n": saved.number, "count": len(saved.posts)})
            return _done(request, action_url), None
    if request.htmx:
        latest = (Placement.objects.filter(chooser=chooser, round__run_at__isnull=False)
                  .select_related("round").order_by("-round__number").first())
        return render(request, "choice/wishes/_editor.html",
                      _editor(chooser, _posts_by_id(chooser.session), (posts, errors), action_url, latest)), None
    return None, (posts, errors)


def _what_if(request, chooser, posts, action_url):
    """The draft tried against everybody's lists in force (provisional.what_if): nothing saved. An
    HTMX fragment beside the editor; without JavaScript, the page again with the draft and the answer."""
    try:
        answer, errors = provisional.what_if(chooser, posts), []
    except ValidationError as error:
        answer, errors = None, error.messages
    context = {"what_if": answer, "what_if_errors": errors, "chooser": chooser}
    if request.htmx:
        return render(request, "choice/wishes/_what_if.html", context), None
    return None, (posts, [], context)


def _done(request, url):
    if request.htmx:
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _results(request, chooser, posts) -> dict:
    """The chooser's placement in every round run, the latest with each wish: its cutoff, seats
    filled, and why not when it was better than the one obtained."""
    placements = list(Placement.objects.visible_to(request.user).filter(chooser=chooser, round__run_at__isnull=False)
                      .select_related("round", "post__specialty", "wish_list").order_by("-round__number"))
    latest = placements[0] if placements else None
    wishes = []
    if latest is not None:
        quotas = {q.code: q for q in Quota.objects.filter(session=chooser.session_id)}
        for entry in latest.wishes:
            wishes.append({**entry, "post_obj": posts.get(entry["post"]),
                           "quota_obj": quotas.get(entry.get("quota", "")),
                           "left": max(0, entry["capacity"] - entry["filled"])})
    current = current_wish_list(chooser)
    return {"latest": latest, "wishes": wishes, "earlier": placements[1:],
            "list_changed": latest is not None and current is not None and latest.wish_list_id != current.pk}


@login_required
def my_wishes(request, slug):
    chooser = own_chooser(request, slug)
    session = chooser.session
    action_url = reverse("choice:my-wishes", args=[slug])
    draft = _kept_draft(request, chooser)
    if request.method == "POST":
        response, draft = _edit(request, chooser, action_url)
        if response is not None:
            return response
    live_post = _live_post(chooser)
    if request.GET.get("partie") == "direct":  # the live panel, polled while a save is not taken in yet
        return render(request, "choice/wishes/_live.html", {"session": session, "chooser": chooser, **live_post})
    posts = _posts_by_id(session)
    results = _results(request, chooser, posts)
    return render(request, "choice/wishes/mine.html", {
        "session": session, "competition": session.competition, "chooser": chooser, **results, **live_post,
        **_editor(chooser, posts, draft, action_url, results["latest"]),
        "choice": chooser.choices.filter(undone_at__isnull=True).select_related("post__specialty").first(),
        "call": live.call_status(chooser) if session.state == State.LIVE else None,
    })


def _live_post(chooser) -> dict:
    """The live provisional post (recomputed after every saved list) while the wishes are open."""
    if chooser.session.state != State.WISHES_OPEN:
        return {}
    placement = provisional.placement_of(chooser)
    waiting = provisional.is_pending(Provisional.objects.filter(session=chooser.session_id).first())
    return {"live": placement, "live_pending": waiting, "live_shown": True,
            "live_url": reverse("choice:my-wishes", args=[chooser.session.slug]) + "?partie=direct"}
