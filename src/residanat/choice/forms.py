"""Forms of the choice session pages: the office's dates and confirmations, and the wish list
editor (an ordered list of post ids, edited one step at a time or posted whole)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_INPUT)


def _datetime_field(label, **kwargs):
    # Typed in the local time of the office (settings.TIME_ZONE); also accepts "25/06/2026 18:00".
    return forms.DateTimeField(label=label, widget=DateTimeInput(),
                               input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"], **kwargs)


class OpenWishesForm(forms.Form):
    deadline = _datetime_field(_("Date limite des vœux"))
    live_at = _datetime_field(_("Date de la séance de choix"), required=False,
                              help_text=_("Annoncée sur le tableau public jusqu'à l'ouverture de la séance."))


class ScheduleRoundForm(forms.Form):
    at = _datetime_field(_("Date et heure du tour"))

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at <= timezone.now():
            raise ValidationError(_("Un tour se programme dans l'avenir ; pour un tour immédiat, lancez-le."))
        return at


class FinalRoundForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je confirme : le tour définitif attribue les postes et clôt le choix ; il ne peut être refait."),
        error_messages={"required": _("Cochez la confirmation pour lancer le tour définitif.")})


class WishListForm(forms.Form):
    """The wish list as posted by the editor: `posts` in order (most wanted first) and, from the
    button pressed, one step to apply to it (`op`): save, what-if (the draft tried, not saved), add:<post id>, remove:<i>, up:<i>,
    down:<i> (positions from 1). Without JavaScript each step is a full POST of the list."""

    OPS = ("save", "what-if", "add", "remove", "up", "down")

    def clean(self):
        raw = self.data.getlist("posts") if hasattr(self.data, "getlist") else self.data.get("posts", [])
        try:
            posts = [int(p) for p in raw if str(p).strip()]
        except (TypeError, ValueError):
            raise ValidationError(_("Liste de vœux illisible : rechargez la page.")) from None
        op, _sep, arg = (self.data.get("op") or "save").partition(":")
        if op not in self.OPS:
            raise ValidationError(_("Action inconnue."))
        if op in ("save", "what-if"):
            return {"posts": posts, "op": op}
        try:
            value = int(arg)
        except ValueError:
            raise ValidationError(_("Action inconnue.")) from None
        return {"posts": apply_step(posts, op, value), "op": op}


def apply_step(posts: list[int], op: str, value: int) -> list[int]:
    """One edit of the draft list; out-of-range positions leave it as it is (a double click)."""
    posts = list(posts)
    i = value - 1
    if op == "add":
        if value not in posts:
            posts.append(value)
    elif op == "remove" and 0 <= i < len(posts):
        del posts[i]
    elif op == "up" and 0 < i < len(posts):
        posts[i - 1], posts[i] = posts[i], posts[i - 1]
    elif op == "down" and 0 <= i < len(posts) - 1:
        posts[i], posts[i + 1] = posts[i + 1], posts[i]
    return posts
