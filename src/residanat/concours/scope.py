"""Finding a competition for a page: in the user's scope (404 outside it, so slugs reveal nothing),
and for the pages that change it, changeable by the user (403 when only visible)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Competition


def visible_competition(request, slug) -> Competition:
    return get_object_or_404(
        Competition.objects.visible_to(request.user).select_related("faculty", "hospital_centre"), slug=slug)


def can_change_competition(user, competition) -> bool:
    return Competition.objects.visible_to(user, "change").filter(pk=competition.pk).exists()


def changeable_competition(request, slug, can_change=can_change_competition) -> Competition:
    """The competition, when `can_change(user, competition)`: 404 outside the scope, 403 when only visible."""
    competition = visible_competition(request, slug)
    if not can_change(request.user, competition):
        raise PermissionDenied
    return competition
