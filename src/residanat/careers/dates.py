"""The computed dates of one status (expected end, thesis, titles, doctorate deadline), from what
the register holds: rotations not validated, residency repeats, long sick leaves. The
computations themselves are in `rules/careers.py`; this module only reads the models."""

from __future__ import annotations

import datetime as dt

from residanat.people.models import TraineeStatus
from residanat.rules import careers as career_rules
from residanat.rules.service_time import Span

from .models import Leave, ResidencyYear, Rotation

Kind = TraineeStatus.Kind


def sick_leaves(person) -> list[Span]:
    """Every sick leave of the person, whatever the status it was recorded under: a long sick
    leave that straddles two statuses still counts for both."""
    return [Span(start, end) for start, end in Leave.objects.filter(
        status__person=person, kind=Leave.Kind.SICK).values_list("start_date", "end_date")]


def not_counted(status: TraineeStatus) -> list[Span]:
    return career_rules.not_counted(status.regime, sick_leaves(status.person), status.start_date)


def career_dates(status: TraineeStatus) -> list[career_rules.CareerDate]:
    """The dates that depend on actual service, for the status's own kind (none for externs and
    7th-year students, whose status follows the academic year)."""
    sick = sick_leaves(status.person)
    # The durations in force when the status started govern it.
    on = status.start_date
    if status.kind == Kind.INTERN:
        redo = status.rotations.filter(outcome=Rotation.Outcome.NOT_VALIDATED).count()
        return career_rules.internat_dates(status.track, status.start_date, redo, sick, on)
    if status.kind == Kind.RESIDENT:
        repeated = status.residency_years.filter(outcome=ResidencyYear.Outcome.REPEAT).values_list("number", flat=True)
        return career_rules.residency_dates(
            status.start_date, status.specialty.residency_years(on), list(repeated),
            status.entry_route == TraineeStatus.EntryRoute.TITLES_INTERN, sick, on)
    if status.kind == Kind.PUBLIC_HEALTH_INTERN:
        return career_rules.public_health_internat_dates(status.start_date, sick, on)
    return []


def career_date(status: TraineeStatus, code: str) -> dt.date | None:
    return next((d.day for d in career_dates(status) if d.code == code), None)
