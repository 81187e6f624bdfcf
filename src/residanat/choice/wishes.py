"""Online wishes: each laureate ranks the posts open to them before the deadline. Every saved
list is a new version; the one in force is the latest (the rounds say which version they used)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residanat.allocation.wishes import distinct, do_add_wish_version, outside
from residanat.concours.scope import can_change_competition
from residanat.formats import moment_text

from .models import ChoiceSession, Chooser, Post, WishList
from .sessions import open_posts


def current_wish_list(chooser: Chooser) -> WishList | None:
    return chooser.wish_lists.order_by("-number").first()


def current_lists(session: ChoiceSession) -> dict[int, WishList]:
    """The wish list in force per chooser id, in one query."""
    out: dict[int, WishList] = {}
    for wl in WishList.objects.filter(chooser__session=session).order_by("chooser_id", "number"):
        out[wl.chooser_id] = wl
    return out


def can_edit_wishes(user, chooser: Chooser) -> bool:
    """The laureate themself, or the office running the choice (a wish list handed in on paper)."""
    if chooser.candidate.person.user_id == user.pk:
        return True
    return can_change_competition(user, chooser.session.competition)


def check_wishes(chooser: Chooser, post_ids) -> list[int]:
    """The post ids as a save takes them, or the reason it would refuse them: a post twice, a post
    not open to the chooser's seat type (the what-if of provisional.py checks the same)."""
    try:
        ids = distinct((int(p) for p in post_ids), _("Un même poste figure deux fois dans la liste."))
    except (TypeError, ValueError):
        raise ValidationError(_("Liste de vœux illisible : rechargez la page.")) from None
    refused = outside(ids, open_posts(chooser).values_list("pk", flat=True))
    if refused:
        # Only ids a database column can hold are looked up (an API client may send anything).
        codes = ", ".join(Post.objects.filter(pk__in=[r for r in refused if abs(r) < 2**31])
                          .values_list("code", flat=True)) or str(refused)
        raise ValidationError(_("Postes non ouverts à votre statut : %(codes)s.") % {"codes": codes})
    return ids


@transaction.atomic
def do_save_wishes(chooser: Chooser, post_ids: list[int], by) -> WishList:
    """A new version of the chooser's list (the one in force when nothing changed); a new version
    asks for the live provisional assignment to be computed again (provisional.py)."""
    if not can_edit_wishes(by, chooser):
        raise PermissionDenied(_("Vous ne pouvez pas modifier ces vœux."))
    session = ChoiceSession.objects.select_for_update().select_related("competition").get(pk=chooser.session_id)
    if session.state != ChoiceSession.State.WISHES_OPEN:
        raise ValidationError(_("Les vœux ne sont pas ouverts."))
    if session.wishes_deadline and timezone.now() >= session.wishes_deadline:
        raise ValidationError(_("La date limite des vœux est passée (%(deadline)s).")
                              % {"deadline": moment_text(session.wishes_deadline)})
    ids = check_wishes(chooser, post_ids)
    before = current_wish_list(chooser)
    saved = do_add_wish_version(chooser.wish_lists.all(), ids,
                                lambda **version: WishList.objects.create(chooser=chooser, saved_by=by, **version))
    if before is None or saved.pk != before.pk:
        from .provisional import do_request_provisional  # provisional imports rounds, which imports us

        do_request_provisional(session)
    return saved


def changes(previous: list[int], current: list[int]) -> dict:
    """What changed between two versions of a list: posts added, removed, moved."""
    before = {p: i for i, p in enumerate(previous, 1)}
    after = {p: i for i, p in enumerate(current, 1)}
    return {
        "added": [p for p in current if p not in before],
        "removed": [p for p in previous if p not in after],
        "moved": [(p, before[p], after[p]) for p in current if p in before and before[p] != after[p]],
    }
