"""What a seat is in the choice of posts, for the shared seat code (`allocation/seats.py`): a
post's own counter, then its quota's (always in that order: no deadlock)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from residanat.allocation.seats import Counter

from .models import ChoiceSession, Post, Quota


def seat_of(post: Post) -> list[Counter]:
    """The counters one seat of `post` takes: the post's, and its quota's when it is in a pool."""
    counters = [Counter(Post, post.pk, lambda: _("Ce poste vient d'être pris : il ne reste plus de place en %(post)s.")
                        % {"post": post.specialty.name})]
    if post.quota_id is not None:
        counters.append(Counter(Quota, post.quota_id,
                                lambda: _("Le contingent %(quota)s vient d'être épuisé.") % {"quota": post.quota.code}))
    return counters


def remaining_by_post(session: ChoiceSession) -> dict[int, int]:
    """Seats still open per post id, its quota included (2 queries)."""
    quotas = {pk: cap - taken
              for pk, cap, taken in Quota.objects.filter(session=session).values_list("pk", "capacity", "taken")}
    out = {}
    for pk, cap, taken, quota_id in Post.objects.filter(session=session).values_list("pk", "capacity", "taken", "quota_id"):
        left = cap - taken
        if quota_id is not None:
            left = min(left, quotas[quota_id])
        out[pk] = max(0, left)
    return out
