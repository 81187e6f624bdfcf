"""Rotations: whether a service may be a trainee's next rotation, assigning it, and the head of
service's validation (D93 art. 4, 14, 15, 17)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from residanat.accounts.authority import holds, is_ministry
from residanat.accounts.roles import Role
from residanat.people.models import TraineeStatus
from residanat.rules import rotations as rotation_rules
from residanat.rules.eligibility import Failure

from .models import Rotation

Kind = TraineeStatus.Kind


def done_rotations(status: TraineeStatus, *, exclude: Rotation | None = None) -> list[rotation_rules.Done]:
    """The intern's rotations that count towards the four: validated or under way (a rotation not
    validated is redone in full, D93 art. 17, so it fills nothing)."""
    rotations = status.rotations.exclude(outcome=Rotation.Outcome.NOT_VALIDATED).select_related("service")
    if exclude is not None:
        rotations = rotations.exclude(pk=exclude.pk)
    return [rotation_rules.Done(r.service_id, r.service.kind) for r in rotations]


def choice_refusal(status: TraineeStatus, service, on: dt.date, done: list | None = None) -> Failure | None:
    """Why `service` cannot be the next rotation of `status`, or None. Only D93 interns have the
    four rotations and their mandatory services; a public-health intern's work place is free
    (RD68 ch. 5). `done`: the status's done_rotations, when the caller checks many services."""
    if status.kind != Kind.INTERN:
        return None
    done = done_rotations(status) if done is None else done
    return rotation_rules.refusal(status.track, done, service.pk, service.kind, on)


def refusal_message(failure: Failure) -> str:
    return f"{failure.message(get_language() or 'fr')} ({failure.ref})"


def owes_redo(status: TraineeStatus) -> bool:
    rotations = status.rotations.all()
    not_validated = sum(1 for r in rotations if r.outcome == Rotation.Outcome.NOT_VALIDATED)
    return not_validated > sum(1 for r in rotations if r.is_redo)


def do_assign_rotation(*, status: TraineeStatus, service, start: dt.date, end: dt.date, by, period=None,
                       check_permission: bool = True) -> Rotation:
    """Put `status` in `service` from `start` to `end`, refusing a choice the regulation forbids."""
    if check_permission and not TraineeStatus.objects.visible_to(by, "change").filter(pk=status.pk).exists():
        raise PermissionDenied
    if end < start:
        raise ValidationError(_("La fin du stage précède son début."))
    failure = choice_refusal(status, service, start)
    if failure is not None:
        raise ValidationError(refusal_message(failure), code=failure.code)
    with transaction.atomic():
        return Rotation.objects.create(
            status=status, service=service, period=period, start_date=start, end_date=end,
            is_redo=owes_redo(status), assigned_by=by,
        )


def heads_service(user, service_id: int) -> bool:
    if user.is_superuser:
        return True
    return any(a.role == Role.HEAD_OF_SERVICE and a.service_id == service_id for a in user.active_roles())


def validation_opens(rotation: Rotation) -> dt.date:
    """The head of service decides at the end of the rotation; the window opens a little before it
    (setting CAREERS_VALIDATION_OPENS_DAYS_BEFORE_END) so that the decision is ready on the last day."""
    return rotation.end_date - dt.timedelta(days=settings.CAREERS_VALIDATION_OPENS_DAYS_BEFORE_END)


def awaiting_evaluation(today: dt.date) -> Q:
    """Pending rotations whose evaluation window is open: validation_opens(rotation) <= today,
    written as a filter on the end date."""
    return Q(outcome=Rotation.Outcome.PENDING,
             end_date__lte=today + dt.timedelta(days=settings.CAREERS_VALIDATION_OPENS_DAYS_BEFORE_END))


def do_validate_rotation(rotation: Rotation, *, by, attendance: bool, knowledge: bool, practical_skills: bool,
                         conduct: bool, comment: str = "", today: dt.date | None = None) -> Rotation:
    """D93 art. 17: the head of service validates on attendance, knowledge, practical skills and
    conduct; a rotation that fails any of them is not validated and is redone in full."""
    if not heads_service(by, rotation.service_id):
        raise PermissionDenied
    today = today or timezone.localdate()
    with transaction.atomic():
        rotation = Rotation.objects.select_for_update().get(pk=rotation.pk)
        if rotation.outcome != Rotation.Outcome.PENDING:
            raise ValidationError(_("Ce stage a déjà été évalué."), code="already_decided")
        if today < validation_opens(rotation):
            raise ValidationError(
                _("L'évaluation n'est possible qu'à partir du %(opens)s (fin du stage le %(end)s).")
                % {"opens": f"{validation_opens(rotation):%d/%m/%Y}", "end": f"{rotation.end_date:%d/%m/%Y}"},
                code="too_early")
        criteria = (attendance, knowledge, practical_skills, conduct)
        if not all(criteria) and not comment.strip():
            raise ValidationError(_("Un stage non validé doit être motivé par une observation."), code="comment_required")
        rotation.attendance, rotation.knowledge, rotation.practical_skills, rotation.conduct = criteria
        rotation.outcome = Rotation.Outcome.VALIDATED if all(criteria) else Rotation.Outcome.NOT_VALIDATED
        rotation.comment = comment.strip()
        rotation.validated_by = by
        rotation.validated_at = timezone.now()
        rotation.save()
    return rotation


def may_correct_evaluation(user, rotation: Rotation) -> bool:
    """A recorded evaluation is corrected by its author (still head of the service) or by the
    office: the Ministry, or the director's office of the service's hospital centre."""
    if rotation.outcome == Rotation.Outcome.PENDING or not user.is_authenticated:
        return False
    if rotation.validated_by_id == user.pk and heads_service(user, rotation.service_id):
        return True
    centre = rotation.service.establishment.hospital_centre_id
    return is_ministry(user) or (centre is not None and holds(user, Role.HOSPITAL_DIRECTOR_OFFICE,
                                                               hospital_centre=centre))


def do_correct_rotation_evaluation(rotation: Rotation, *, by, attendance: bool, knowledge: bool,
                                   practical_skills: bool, conduct: bool, comment: str = "",
                                   reason: str) -> Rotation:
    """A wrong evaluation corrected, with its reason: the four criteria again (D93 art. 17), the
    evaluation before kept in the rotation's history with the reason of the change. A rotation
    found not validated, whose redo has already been assigned, is not turned into a validated one
    here: the redo must be withdrawn first."""
    if not may_correct_evaluation(by, rotation):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Une correction doit être motivée.")})
    criteria = (attendance, knowledge, practical_skills, conduct)
    if not all(criteria) and not (comment or "").strip():
        raise ValidationError({"comment": _("Un stage non validé doit être motivé par une observation.")})
    with transaction.atomic():
        rotation = Rotation.objects.select_for_update().get(pk=rotation.pk)
        outcome = Rotation.Outcome.VALIDATED if all(criteria) else Rotation.Outcome.NOT_VALIDATED
        if (outcome == Rotation.Outcome.VALIDATED and rotation.outcome == Rotation.Outcome.NOT_VALIDATED
                and Rotation.objects.filter(status=rotation.status_id, is_redo=True,
                                            start_date__gt=rotation.end_date).exists()):
            raise ValidationError(_("Le stage refait à la suite de cette évaluation est déjà attribué : il doit "
                                    "être retiré avant de valider ce stage (D93 art. 17)."))
        rotation.attendance, rotation.knowledge, rotation.practical_skills, rotation.conduct = criteria
        rotation.outcome = outcome
        rotation.comment = (comment or "").strip()
        rotation.validated_by = by
        rotation.validated_at = timezone.now()
        rotation._change_reason = reason  # django-simple-history keeps it with the record
        rotation.save()
    return rotation


def evaluation_history(rotation: Rotation) -> list:
    """The rotation's earlier evaluations, newest first, each with the reason it was corrected."""
    records = list(rotation.history.exclude(outcome=Rotation.Outcome.PENDING)
                   .select_related("validated_by").order_by("-history_date", "-history_id"))
    earlier = []
    for newer, older in zip(records, records[1:]):
        if (older.outcome, older.attendance, older.knowledge, older.practical_skills, older.conduct, older.comment,
                older.validated_at) != (newer.outcome, newer.attendance, newer.knowledge, newer.practical_skills,
                                        newer.conduct, newer.comment, newer.validated_at):
            older.corrected_because = newer.history_change_reason or ""
            older.corrected_at, older.corrected_by = newer.validated_at, newer.validated_by
            earlier.append(older)
    return earlier
