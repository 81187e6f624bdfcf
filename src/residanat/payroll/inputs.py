"""What the stipend computation needs, read from the database in a fixed number of queries
whatever the number of trainees: the statuses a payer pays in a span of months, with their pay
terms, stops, unpaid absences and repeated years, and the parameter table amended by the orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import Q, QuerySet

from residanat.careers.models import Leave
from residanat.careers.workplace import establishments_by_month
from residanat.people.models import TraineeStatus
from residanat.rules.parameters import Parameter, ParameterTable, load_parameters
from residanat.rules.payroll import Event, Period
from residanat.rules.service_time import Span

from .models import Payer, PayrollRun, PayTerms, RateOrder, StipendStop, TerritorialGroup

OPEN_END = dt.date(9999, 12, 31)
Kind = TraineeStatus.Kind
# The statuses each kind of payer pays (D93 art. 6, 18, 27; RD68 ch. 11, 14). The Ministry's run
# takes the 7th-year students too: the lines computed after the GST's date carry the GST as payer
# and go to the GST's run.
MINISTRY_KINDS = (Kind.EXTERN, Kind.INTERN, Kind.PUBLIC_HEALTH_INTERN, Kind.SEVENTH_YEAR)
# Which statuses a parameter prices: a rate order touches only those.
KEY_KINDS = {"extern.": Kind.EXTERN, "intern.": Kind.INTERN, "resident.": Kind.RESIDENT,
             "ph_intern.": Kind.PUBLIC_HEALTH_INTERN, "seventh_year.": Kind.SEVENTH_YEAR}
STATUS_FIELDS = (
    "id", "person_id", "kind", "track", "study_year", "start_date", "end_date", "establishment_id",
    "hospital_centre_id", "establishment__province__region_id", "hospital_centre__province__region_id",
)


@dataclass
class StatusPay:
    """One status as the computation sees it."""

    id: int
    person_id: int
    kind: str
    track: str
    establishment_id: int | None
    hospital_centre_id: int | None
    periods: list[Period]
    events: list[Event] = field(default_factory=list)
    # The rotations over the span, (span, establishment id): where each month's pay is counted
    # (careers.workplace.establishment_in), not the place recorded when the status started.
    rotations: list[tuple[Span, int]] = field(default_factory=list)


def parameter_table() -> ParameterTable:
    """rules/data/parameters.toml with the rate orders entered since laid over it, oldest first."""
    base = load_parameters()
    orders = []
    for order in RateOrder.objects.order_by("entered_at", "pk"):
        model = base.versions(order.key)[0]
        orders.append(Parameter(key=order.key, value=order.value, unit=model.unit, valid_from=order.valid_from,
                                valid_to=order.valid_to, ref=model.ref, seed=f"order:{order.order_ref}",
                                label_fr=model.label_fr, label_ar=model.label_ar))
    return base.amended(orders, f"{base.source} + {len(orders)} order(s)") if orders else base


def payer_statuses(run: PayrollRun) -> QuerySet:
    """Every status this payer may pay, whatever the month."""
    if run.payer == Payer.CHU:
        return TraineeStatus.objects.filter(kind=Kind.RESIDENT, hospital_centre_id=run.hospital_centre_id)
    if run.payer == Payer.GST:
        region = run.health_group.region_id
        return TraineeStatus.objects.filter(
            Q(establishment__province__region_id=region)
            | Q(establishment__isnull=True, hospital_centre__province__region_id=region),
            kind=Kind.SEVENTH_YEAR)
    return TraineeStatus.objects.filter(kind__in=MINISTRY_KINDS)


def overlapping(statuses: QuerySet, span: Span) -> QuerySet:
    return statuses.filter(Q(end_date__isnull=True) | Q(end_date__gte=span.start), start_date__lte=span.end)


def _periods(period: Period, terms: list[tuple]) -> list[Period]:
    """The status cut where its pay terms change: (valid_from, housed, civil servant, committed,
    administration), in date order."""
    pieces, start = [], period.span.start
    facts = period
    for valid_from, housed, civil_servant, committed, administration in terms:
        if valid_from > start and valid_from <= period.span.end:
            pieces.append(replace(facts, span=Span(start, valid_from - dt.timedelta(days=1))))
            start = valid_from
        facts = replace(period, housed=housed, civil_servant=civil_servant, committed=committed,
                        administration=bool(administration))
    pieces.append(replace(facts, span=Span(start, period.span.end)))
    return pieces


def load(statuses: QuerySet, span: Span) -> list[StatusPay]:
    """The statuses of `statuses` with everything that prices them over `span` (7 queries; no
    default ordering on the side tables, whose Meta.ordering would join and sort by names)."""
    rows = list(statuses.order_by("id").values(*STATUS_FIELDS))
    gst_from = dict(TerritorialGroup.objects.exclude(powers_from=None).values_list("region_id", "powers_from"))
    ids = statuses.values("id")
    terms: dict[int, list[tuple]] = {}
    for status_id, *facts in PayTerms.objects.filter(status_id__in=ids).order_by("status_id", "valid_from").values_list(
            "status_id", "valid_from", "housed", "civil_servant", "committed", "administration"):
        terms.setdefault(status_id, []).append(tuple(facts))
    events: dict[int, list[Event]] = {}
    for status_id, start, end in StipendStop.objects.filter(
            status_id__in=ids, start_date__lte=span.end, end_date__gte=span.start).order_by().values_list(
            "status_id", "start_date", "end_date"):
        events.setdefault(status_id, []).append(Event("temporary_exclusion", Span(start, end)))
    for status_id, kind, start, end, second, approved in Leave.objects.filter(
            status_id__in=ids, start_date__lte=span.end, end_date__gte=span.start,
            kind__in=(Leave.Kind.UNPAID, Leave.Kind.SICK)).order_by().values_list(
            "status_id", "kind", "start_date", "end_date", "needs_second_approval", "second_approval_by"):
        if second and approved is None:
            continue  # D93 art. 28: not in force until the second approval
        kind = "unpaid_absence" if kind == Leave.Kind.UNPAID else "sick_leave"
        events.setdefault(status_id, []).append(Event(kind, Span(start, end)))
    # D93 art. 6: the repeated years of the same persons, all of them, since only the first is paid.
    repeats: dict[int, list[Event]] = {}
    for person_id, start, end, year in TraineeStatus.objects.filter(
            kind=Kind.EXTERN, is_repeat=True, person_id__in=statuses.values("person_id")).order_by().values_list(
            "person_id", "start_date", "end_date", "study_year"):
        repeats.setdefault(person_id, []).append(Event("repeat_year", Span(start, end or OPEN_END), "extern", year))
    rotations = establishments_by_month(ids, span)
    found = []
    for row in rows:
        region = row["establishment__province__region_id"] or row["hospital_centre__province__region_id"]
        period = Period(
            status=row["kind"], span=Span(row["start_date"], row["end_date"] or OPEN_END),
            study_year=row["study_year"], housed=False,
            gst_from=gst_from.get(region) if row["kind"] == Kind.SEVENTH_YEAR else None,
        )
        status_events = events.get(row["id"], []) + (repeats.get(row["person_id"], []) if row["kind"] == Kind.EXTERN else [])
        found.append(StatusPay(row["id"], row["person_id"], row["kind"], row["track"], row["establishment_id"],
                               row["hospital_centre_id"], _periods(period, terms.get(row["id"], [])),
                               status_events, rotations.get(row["id"], [])))
    return found
