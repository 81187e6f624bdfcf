"""The residency year by year (D93 art. 23): the yearly decision (validated or repeated), at most
one repeat over the whole residency, and the doctorate alert for interns admitted on titles
(D93 art. 21 1.a)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from residanat.accounts.authority import is_dean_of, is_ministry
from residanat.people.models import TraineeStatus
from residanat.rules.parameters import load_parameters, param
from residanat.rules.service_time import ONE_DAY, date_after_service

from .dates import career_date, not_counted
from .models import Degree, ResidencyYear

Outcome = ResidencyYear.Outcome
REF = "D93 art. 23"


@dataclass(frozen=True)
class YearInProgress:
    number: int
    start: dt.date
    end: dt.date
    row: ResidencyYear | None  # a row already opened (pending) for it, if any


def years_required(status: TraineeStatus) -> int:
    return status.specialty.residency_years(status.start_date)


def year_in_progress(status: TraineeStatus) -> YearInProgress | None:
    """The year to decide next: years follow each other from the status's start, each twelve
    months of actual service (a long sick leave lengthens it, D93 art. 33); a repeated year is done
    again under the same number. None once every year is validated."""
    years = list(status.residency_years.order_by("start_date", "pk"))
    if sum(1 for y in years if y.outcome == Outcome.VALIDATED) >= years_required(status):
        return None
    pending = next((y for y in years if y.outcome == Outcome.PENDING), None)
    if pending is not None:
        return YearInProgress(pending.number, pending.start_date, pending.end_date, pending)
    if years:
        last = years[-1]
        number = last.number + (1 if last.outcome == Outcome.VALIDATED else 0)
        start = last.end_date + ONE_DAY
    else:
        number, start = 1, status.start_date
    end = date_after_service(start, 12, not_counted(status)) - ONE_DAY
    return YearInProgress(number, start, end, None)


def awaits_diploma(status: TraineeStatus) -> bool:
    """Every year validated: the resident now awaits the specialty diploma (D93 art. 23)."""
    return status.kind == TraineeStatus.Kind.RESIDENT and status.end_date is None and year_in_progress(status) is None


def may_decide(user, status: TraineeStatus) -> bool:
    return is_ministry(user) or is_dean_of(user, status.faculty_id)


def decision_opens(year: YearInProgress) -> dt.date:
    # The same window as a rotation's validation: a little before the year ends.
    return year.end - dt.timedelta(days=settings.CAREERS_VALIDATION_OPENS_DAYS_BEFORE_END)


def do_decide_residency_year(status: TraineeStatus, outcome: str, reference: str, by,
                             today: dt.date | None = None) -> ResidencyYear:
    """D93 art. 23: the faculty validates the year in progress or has it repeated; one repeat at
    most over the whole residency."""
    if status.kind != TraineeStatus.Kind.RESIDENT:
        raise ValidationError(_("Seul un résident a des années de résidanat à valider (%(ref)s).") % {"ref": REF},
                              code="not_resident")
    if not may_decide(by, status):
        raise PermissionDenied(_("L'année de résidanat est validée par le décanat de la faculté ou le ministère."))
    if outcome not in (Outcome.VALIDATED, Outcome.REPEAT):
        raise ValidationError(_("Décision inconnue : validée ou à redoubler."), code="outcome")
    today = today or timezone.localdate()
    with transaction.atomic():
        status = TraineeStatus.objects.select_for_update().get(pk=status.pk)
        year = year_in_progress(status)
        if year is None:
            raise ValidationError(_("Toutes les années de résidanat sont validées : le résident attend le diplôme de "
                                    "spécialité (%(ref)s).") % {"ref": REF}, code="complete")
        if status.end_date is not None and year.start > status.end_date:
            raise ValidationError(_("Le résidanat a pris fin le %(on)s.") % {"on": f"{status.end_date:%d/%m/%Y}"},
                                  code="ended")
        if today < decision_opens(year):
            raise ValidationError(
                _("L'année %(n)s (du %(start)s au %(end)s) ne peut être jugée qu'à partir du %(opens)s.") % {
                    "n": year.number, "start": f"{year.start:%d/%m/%Y}", "end": f"{year.end:%d/%m/%Y}",
                    "opens": f"{decision_opens(year):%d/%m/%Y}"}, code="too_early")
        if outcome == Outcome.REPEAT:
            key = "residency.repeats_max"
            allowed = int(param(key, on=status.start_date))
            if status.residency_years.filter(outcome=Outcome.REPEAT).count() >= allowed:
                raise ValidationError(
                    _("Redoublement refusé : %(ref)s ne permet que %(n)s redoublement(s) sur tout le résidanat. "
                      "L'année n'étant pas validée, le résidanat doit prendre fin.") % {
                        "ref": load_parameters().get(key, status.start_date).ref, "n": allowed},
                    code="second_repeat")
        row = year.row or ResidencyYear(status=status, number=year.number, start_date=year.start, end_date=year.end)
        row.outcome, row.reference = outcome, reference.strip()
        row.decided_by, row.decided_at = by, timezone.now()
        row.save()
    return row


# --- doctorate of the interns admitted on titles -------------------------------------------------

@dataclass
class DoctorateAlert:
    status: TraineeStatus
    deadline: dt.date
    days_left: int  # negative once the deadline has passed

    @property
    def passed(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left


def doctorate_alerts(user, today: dt.date | None = None) -> list[DoctorateAlert]:
    """D93 art. 21 1.a: residents admitted on titles as interns must obtain the doctorate within
    their first residency year, its repeat (art. 23) included. Those in the user's scope without a doctorate whose deadline is
    within CAREERS_DOCTORATE_ALERT_DAYS days, or passed."""
    today = today or timezone.localdate()
    statuses = (TraineeStatus.objects.visible_to(user)
                .filter(kind=TraineeStatus.Kind.RESIDENT, entry_route=TraineeStatus.EntryRoute.TITLES_INTERN)
                .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
                .exclude(person__in=Degree.objects.filter(kind=Degree.Kind.DOCTORATE).values("person"))
                .select_related("person", "specialty", "faculty"))
    alerts = []
    for status in statuses:
        deadline = career_date(status, "doctorate_deadline")
        if deadline is not None and (deadline - today).days <= settings.CAREERS_DOCTORATE_ALERT_DAYS:
            alerts.append(DoctorateAlert(status, deadline, (deadline - today).days))
    return sorted(alerts, key=lambda a: (a.deadline, a.status.pk))
