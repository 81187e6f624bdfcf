"""Finding a choice session for a page: by its competition's slug, in the user's scope (404
outside it), and changeable by the user for the pages that run it (403 when only visible)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from residanat.concours.models import Competition
from residanat.concours.scope import can_change_competition

from .models import ChoiceSession, Chooser


def visible_session(request, slug) -> ChoiceSession:
    return get_object_or_404(
        ChoiceSession.objects.visible_to(request.user).select_related("competition__faculty",
                                                                      "competition__hospital_centre"),
        competition__slug=slug)


def changeable_session(request, slug) -> ChoiceSession:
    session = visible_session(request, slug)
    if not can_change_competition(request.user, session.competition):
        raise PermissionDenied
    return session


def own_chooser(request, slug) -> Chooser:
    """The signed-in laureate's own place in the session of `slug` (404 for anybody else)."""
    return get_object_or_404(
        Chooser.objects.visible_to(request.user).select_related("session__competition", "candidate__person"),
        session__competition__slug=slug, candidate__person__user=request.user)


def sees_office_pages(user, session: ChoiceSession) -> bool:
    """The office pages of a session (its rounds, its laureates) are for the staff who see the
    competition; a laureate sees the session through their own place only."""
    return (ChoiceSession.objects.visible_to(user).filter(pk=session.pk).exists()
            and Competition.objects.visible_to(user).filter(pk=session.competition_id).exists())
