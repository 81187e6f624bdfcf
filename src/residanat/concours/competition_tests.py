"""The tests (épreuves) of a competition, their weights and maximum scores (D93 art. 9: set by the
joint order). `do_save_competition_test` is the only way pages, commands and tests change them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from .models import Competition, CompetitionTest, Score

State = Competition.State
# Until the jury deliberates: after that the weights are part of a locked merit list.
TESTS_EDITABLE_STATES = (State.DRAFT, State.POSTS_VALIDATED, State.REGISTRATION_OPEN,
                         State.REGISTRATION_CLOSED, State.SCORES_ENTERED)
FIELDS = ("code", "name_fr", "name_ar", "weight", "max_score", "order")


def can_change_tests(user, competition: Competition) -> bool:
    return (competition.state in TESTS_EDITABLE_STATES
            and Competition.objects.visible_to(user, "change").filter(pk=competition.pk).exists())


def _decimal(value, field, errors):
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Saisissez un nombre."))
        return None


def do_save_competition_test(competition: Competition, by, *, test: CompetitionTest | None = None,
                             **fields) -> CompetitionTest:
    """Create a test of `competition` (or change `test`) from `fields` (code, name_fr, name_ar,
    weight, max_score, order). `by` must be able to change the competition and the jury must not
    have deliberated yet; a maximum below a score already entered is refused. Errors are raised
    as one ValidationError keyed by field, and nothing is written."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    if not Competition.objects.visible_to(by, "change").filter(pk=competition.pk).exists():
        raise PermissionDenied
    if test is not None and test.competition_id != competition.pk:
        raise ValueError("the test belongs to another competition")
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        if locked.state not in TESTS_EDITABLE_STATES:
            raise ValidationError(_("Les épreuves ne se modifient plus une fois le jury réuni (état : %(state)s).")
                                  % {"state": locked.get_state_display()})
        errors: dict[str, list] = {}
        # A fresh copy: a refused change leaves the caller's object as it was.
        target = CompetitionTest.objects.get(pk=test.pk) if test is not None else CompetitionTest(competition=locked)
        for name in ("weight", "max_score"):
            if name in fields:
                fields[name] = _decimal(fields[name], name, errors)
        if "order" in fields and fields["order"] in (None, ""):
            fields.pop("order")
        for name, value in fields.items():
            if name in errors:
                continue
            if isinstance(value, str):
                value = value.strip()
            setattr(target, name, value)
        if test is None and "order" not in fields:
            last = locked.tests.aggregate(last=Max("order"))["last"]
            target.order = 0 if last is None else last + 1
        if target.weight is not None and "weight" not in errors and target.weight <= 0:
            errors.setdefault("weight", []).append(_("Le coefficient doit être positif."))
        if target.max_score is not None and "max_score" not in errors and target.max_score <= 0:
            errors.setdefault("max_score", []).append(_("La note maximale doit être positive."))
        if test is not None and "max_score" not in errors and target.max_score is not None:
            highest = Score.objects.filter(test=target).aggregate(top=Max("value"))["top"]
            if highest is not None and highest > target.max_score:
                errors.setdefault("max_score", []).append(
                    _("Une note déjà saisie (%(score)s) dépasse cette note maximale.") % {"score": highest})
        try:
            target.full_clean(exclude=[name for name in errors] + ["competition"], validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if target.code and "code" not in errors:
            same_code = locked.tests.filter(code=target.code).exclude(pk=target.pk)
            if same_code.exists():
                errors.setdefault("code", []).append(_("Une épreuve de ce concours porte déjà ce code."))
        if errors:
            raise ValidationError(errors)
        target.save()
    return target
