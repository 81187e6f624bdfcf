"""Competition list, detail and state changes (the pages of the other steps are in views_*.py)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from residanat.common.actions import perform

from .models import Candidate, Competition, PostAllocation
from .publication import with_results_online
from .scope import visible_competition
from .confirmations import steps_with_confirmation
from .workflow import available_steps, do_transition

PUBLIC_STATES = (Competition.State.REGISTRATION_OPEN, Competition.State.PUBLISHED)


def competition_list(request):
    """Anyone sees the competitions open for registration and those whose results are out; staff
    also see every competition of their scope, whatever its state."""
    mine = Competition.objects.visible_to(request.user).select_related("faculty", "hospital_centre")
    public = with_results_online(Competition.objects.filter(state__in=PUBLIC_STATES)
                                 .select_related("faculty", "hospital_centre"))
    return render(request, "concours/list.html", {
        # Meta.ordering does not apply to an aggregated query: order it again.
        "competitions": mine.annotate(candidate_count=Count("candidates")).order_by("-year", "slug"),
        "public": public,
    })


@login_required
def competition_detail(request, slug):
    competition = visible_competition(request, slug)
    seats = dict(competition.allocations.values_list("seat_type").annotate(n=Sum("seats")).order_by())
    candidates = competition.candidates.aggregate(
        total=Count("pk"),
        eligible=Count("pk", filter=Q(state=Candidate.State.ELIGIBLE)),
        ineligible=Count("pk", filter=Q(state=Candidate.State.INELIGIBLE)),
        foreign=Count("pk", filter=~Q(person__nationality="MA")),
    )
    states = list(Competition.State)
    current = states.index(competition.state)
    return render(request, "concours/detail.html", {
        "competition": competition,
        "seats": [(label, seats.get(value, 0)) for value, label in PostAllocation.SeatType.choices],
        "seats_total": sum(seats.values()),
        "candidates": candidates,
        "steps": steps_with_confirmation(available_steps(request.user, competition), competition),
        "stepper": [(state, i < current, i == current) for i, state in enumerate(states)],
        "transitions": competition.transitions.select_related("by"),
        "tests": competition.tests.all(),
    })


@login_required
@require_POST
def competition_transition(request, slug):
    competition = visible_competition(request, slug)
    perform(request, do_transition, competition, request.POST.get("to", ""), request.user,
            request.POST.get("note", "").strip(), success=lambda _done: competition.get_state_display())
    return redirect("concours:detail", slug=competition.slug)
