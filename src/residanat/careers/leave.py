"""Leave and absences: who sets the dates of the yearly leave, its limits, the sick, maternity and
work-accident leave, and the RD68 unpaid absence. The computed dates read the sick leaves
recorded here (careers.dates): a long one moves them by itself.

- Externs and interns: the hospital director sets the date (D93 art. 7; art. 20 is silent for
  interns, read as the same authority).
- Residents: the dean and the director together (D93 art. 28): whichever records it, the leave
  is in force once the other one approves it.
- RD68 (public-health interns, 7th-year students, ch. 15): the head of service sets the start date
  (ch. 12), or the Ministry; the first leave only after twelve months of actual service.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from residanat.accounts.authority import is_dean_of, is_director_of, is_ministry
from residanat.people.models import TraineeStatus
from residanat.rules import leave as leave_rules
from residanat.rules.parameters import load_parameters
from residanat.rules.service_time import Span

from .dates import not_counted
from .models import Leave
from .rotations import heads_service, refusal_message

Kind = Leave.Kind
SICKNESS_KINDS = (Kind.SICK, Kind.MATERNITY, Kind.WORK_ACCIDENT)
RD68 = TraineeStatus.Regime.RD68
DEAN, DIRECTOR = "dean", "director"


def kind_ref(status: TraineeStatus, kind: str, on: dt.date) -> str:
    if kind == Kind.ANNUAL:
        return load_parameters().get(leave_rules.ANNUAL_LEAVE_KEY[status.kind], on).ref
    if kind == Kind.UNPAID:
        return load_parameters().get("ph_intern.unpaid_absence_max_months_per_year", on).ref
    key = "leave.long_sick_leave_not_counted_months"
    if status.regime == RD68:
        key = "ph_leave.long_sick_leave_not_counted_months"
    return load_parameters().get(key, on).ref


# --- who sets the dates --------------------------------------------------------------------------

def resident_sides(user, status: TraineeStatus) -> set[str]:
    """For a resident's leave (D93 art. 28): whether the user acts as the dean, the director, or both."""
    sides = set()
    if is_dean_of(user, status.faculty_id):
        sides.add(DEAN)
    if is_director_of(user, status.hospital_centre_id):
        sides.add(DIRECTOR)
    return sides


def may_record(user, status: TraineeStatus, kind: str) -> bool:
    if status.regime == RD68:
        if kind in SICKNESS_KINDS:
            return is_ministry(user)
        return is_ministry(user) or (status.service_id is not None and heads_service(user, status.service_id))
    if kind == Kind.ANNUAL and status.kind == TraineeStatus.Kind.RESIDENT:
        return bool(resident_sides(user, status))
    return is_director_of(user, status.hospital_centre_id)


def recordable_kinds(user, status: TraineeStatus) -> list[str]:
    kinds = [k for k in Kind.values if k != Kind.UNPAID or status.regime == RD68]
    return [k for k in kinds if may_record(user, status, k)]


def authority_message(status: TraineeStatus, kind: str) -> str:
    if status.regime == RD68:
        if kind in SICKNESS_KINDS:
            return _("Ce congé d'un interne des hôpitaux de santé publique est enregistré par le ministère "
                     "(RD68 ch. 11).")
        return _("La date du congé est fixée par le chef de service (RD68 ch. 12) ou le ministère.")
    if kind == Kind.ANNUAL and status.kind == TraineeStatus.Kind.RESIDENT:
        return _("Les dates du congé d'un résident sont fixées par le doyen et le directeur du centre hospitalier "
                 "(D93 art. 28).")
    if kind == Kind.ANNUAL:
        return _("La date du congé annuel est fixée par le directeur du centre hospitalier (D93 art. 7 ; art. 20).")
    return _("Ce congé est enregistré par la direction du centre hospitalier (D93 art. 33).")


# --- the checks ----------------------------------------------------------------------------------

def _spans(leaves) -> list[Span]:
    return [Span(leave.start_date, leave.end_date) for leave in leaves]


def _refusal(status: TraineeStatus, kind: str, span: Span, reference: str) -> str | None:
    if span.start < status.start_date or (status.end_date and span.start > status.end_date):
        if status.end_date:
            return _("Le congé doit commencer pendant le statut (du %(start)s au %(end)s).") % {
                "start": f"{status.start_date:%d/%m/%Y}", "end": f"{status.end_date:%d/%m/%Y}"}
        return _("Le congé ne peut pas commencer avant le statut (le %(start)s).") % {
            "start": f"{status.start_date:%d/%m/%Y}"}
    # The article once the start is within the status: a day centuries before it has no
    # regulation in force to name (a 500 found by schemathesis).
    ref = kind_ref(status, kind, span.start)
    others = list(status.leaves.all())
    clash = next((o for o in others if Span(o.start_date, o.end_date).overlaps(span)), None)
    if clash is not None:
        return _("Ce congé chevauche « %(other)s » du %(start)s au %(end)s (%(ref)s).") % {
            "other": clash.get_kind_display(), "start": f"{clash.start_date:%d/%m/%Y}",
            "end": f"{clash.end_date:%d/%m/%Y}", "ref": ref}
    annual = _spans(o for o in others if o.kind == Kind.ANNUAL)
    unpaid = _spans(o for o in others if o.kind == Kind.UNPAID)
    if kind in SICKNESS_KINDS:
        if not reference.strip():
            return _("La référence du certificat est obligatoire (%(ref)s).") % {"ref": ref}
        return None
    if span.end > (status.end_date or span.end):
        return _("Le congé doit finir avec le statut, le %(end)s.") % {"end": f"{status.end_date:%d/%m/%Y}"}
    if kind == Kind.UNPAID:
        if status.regime != RD68:
            return _("L'absence non rémunérée n'existe que pour les internes des hôpitaux de santé publique "
                     "(RD68 ch. 17).")
        failure = leave_rules.unpaid_absence_refusal(status.start_date, span, unpaid, annual, span.start)
        return refusal_message(failure) if failure else None
    if status.regime == RD68 and any(span.touches(u) for u in unpaid):
        return _("Le congé annuel ne peut pas se cumuler avec une absence non rémunérée (ni la chevaucher, "
                 "ni la prolonger) (RD68 ch. 17).")
    failure = leave_rules.annual_leave_refusal(status.kind, status.start_date, span, annual, not_counted(status),
                                              span.start)
    return refusal_message(failure) if failure else None


def do_record_leave(status: TraineeStatus, kind: str, start: dt.date, end: dt.date, reference: str, by) -> Leave:
    if kind not in Kind.values:
        raise ValidationError(_("Nature de congé inconnue."), code="kind")
    if not may_record(by, status, kind):
        raise PermissionDenied(authority_message(status, kind))
    if end < start:
        raise ValidationError(_("La fin du congé précède son début."), code="range")
    with transaction.atomic():
        status = TraineeStatus.objects.select_for_update().get(pk=status.pk)
        refusal = _refusal(status, kind, Span(start, end), reference)
        if refusal:
            raise ValidationError(refusal, code="refused")
        # D93 art. 28: a resident's yearly leave waits for the other authority's approval.
        second = kind == Kind.ANNUAL and status.kind == TraineeStatus.Kind.RESIDENT
        return Leave.objects.create(status=status, kind=kind, start_date=start, end_date=end,
                                    reference=reference.strip(), recorded_by=by, needs_second_approval=second)


def may_approve(user, leave: Leave) -> bool:
    """The other one of the dean and the director: not the user who recorded the leave, and acting
    for the side the recorder did not (either side if the recorder acted for both)."""
    if user.pk == leave.recorded_by_id:
        return False
    needed = {DEAN, DIRECTOR} - resident_sides(leave.recorded_by, leave.status) or {DEAN, DIRECTOR}
    return bool(resident_sides(user, leave.status) & needed)


def do_approve_leave(leave: Leave, by) -> Leave:
    with transaction.atomic():
        leave = Leave.objects.select_for_update().select_related("status", "recorded_by").get(pk=leave.pk)
        if not leave.needs_second_approval:
            raise ValidationError(_("Ce congé n'attend aucune approbation."), code="no_approval")
        if leave.second_approval_by_id is not None:
            raise ValidationError(_("Ce congé est déjà approuvé."), code="approved")
        if not may_approve(by, leave):
            raise PermissionDenied(_("Le congé d'un résident est fixé par le doyen et le directeur (D93 art. 28) : "
                                     "il est approuvé par l'autre autorité que celle qui l'a saisi."))
        leave.second_approval_by = by
        leave.save(update_fields=["second_approval_by"])
    return leave


def awaiting_approval(user):
    """Residents' leaves in the user's scope that wait for the second approval (D93 art. 28)."""
    return (Leave.objects.visible_to(user).filter(needs_second_approval=True, second_approval_by__isnull=True)
            .select_related("status__person", "status__faculty", "status__hospital_centre", "recorded_by")
            .order_by("start_date", "pk"))
