"""Taking and giving back a seat: the only writes of `Post.taken` and `Quota.taken`.

Never two candidates on one seat (issue 5 §6): each write is a conditional update inside the
caller's transaction (`UPDATE … SET taken = taken + 1 WHERE id = … AND taken < capacity`), so
two transactions racing for the last seat cannot both succeed whatever the isolation level; the
check constraints `taken <= capacity` and the unique "one choice in force per chooser" are the
last line of defence. Posts are updated before their quota, always in that order (no deadlock).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import ChoiceSession, Post, Quota


class SeatTaken(ValidationError):
    """The seat was taken by somebody else a moment ago."""


def _in_transaction():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("seats are taken inside a transaction")


def take_seat(post: Post) -> None:
    _in_transaction()
    if not Post.objects.filter(pk=post.pk, taken__lt=F("capacity")).update(taken=F("taken") + 1):
        raise SeatTaken(_("Ce poste vient d'être pris : il ne reste plus de place en %(post)s.")
                        % {"post": post.specialty.name})
    if post.quota_id is not None and not Quota.objects.filter(
            pk=post.quota_id, taken__lt=F("capacity")).update(taken=F("taken") + 1):
        raise SeatTaken(_("Le contingent %(quota)s vient d'être épuisé.") % {"quota": post.quota.code})


def release_seat(post: Post) -> None:
    _in_transaction()
    if not Post.objects.filter(pk=post.pk, taken__gt=0).update(taken=F("taken") - 1):
        raise RuntimeError(f"post {post.code} has no seat taken to release")
    if post.quota_id is not None:
        Quota.objects.filter(pk=post.quota_id, taken__gt=0).update(taken=F("taken") - 1)


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


def bump_version(session: ChoiceSession) -> None:
    """The public board's ETag changes with every seat write."""
    ChoiceSession.objects.filter(pk=session.pk).update(version=F("version") + 1)
