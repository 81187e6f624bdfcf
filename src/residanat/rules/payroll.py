"""What a trainee is owed each month under the regulation in force each day (contract
shared/contracts/payroll-simulate.md). Pure Python: the simulation command and the monthly
payroll run the same code.

A month is paid pro rata of calendar days: amount × paid days / days in the month, rounded half up
to the centime, line by line. A line is one code, one payer and one rate: a rate changed by order in
the middle of a month, or a payer that changes (a GST taking up its powers), splits the line.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from .parameters import ParameterNotInForce, load_parameters
from .service_time import Span

CENT = Decimal("0.01")

MSPS, CHU, GST, ADMINISTRATION = "MSPS", "CHU", "GST", "ADMINISTRATION"
STATUSES = ("extern", "intern", "resident", "public_health_intern", "seventh_year_intern_duties")
EVENT_KINDS = ("temporary_exclusion", "repeat_year", "sick_leave", "unpaid_absence")
# Amounts that exist only from the text that created them: before it, nothing is owed rather
# than a missing value (RD68 ch. 14: the 7th-year lump sum from 1 January 2025).
CREATED_BY_TEXT = frozenset({"seventh_year.lump_sum"})


@dataclass(frozen=True)
class Period:
    status: str
    span: Span
    study_year: int | None = None
    housed: bool = True
    civil_servant: bool = False
    committed: bool = False
    # D93 art. 27 bis: a resident committed to another public administration, paid by it.
    administration: bool = False
    gst_from: dt.date | None = None


@dataclass(frozen=True)
class Event:
    kind: str
    span: Span
    status: str | None = None
    study_year: int | None = None


@dataclass(frozen=True)
class Line:
    code: str
    amount: Decimal
    payer: str
    ref: str
    days: int
    rate: Decimal

    def as_json(self) -> dict:
        return {"code": self.code, "amount": f"{self.amount:.2f}", "payer": self.payer, "ref": self.ref}


@dataclass
class Month:
    month: str
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    def as_json(self) -> dict:
        return {"month": self.month, "total": f"{self.total:.2f}", "lines": [line.as_json() for line in self.lines]}


def month_span(month: str) -> Span:
    year, number = (int(part) for part in month.split("-"))
    return Span(dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1]))


def pro_rata(rate: Decimal, days: int, days_in_month: int) -> Decimal:
    return (Decimal(rate) * days / days_in_month).quantize(CENT, rounding=ROUND_HALF_UP)


def _days(span: Span) -> list[dt.date]:
    return [span.start + dt.timedelta(days=i) for i in range(span.days)]


def _stopped(day: dt.date, events: list[Event]) -> bool:
    """D93 art. 30, RD68 ch. 8: no stipend during a temporary exclusion; RD68 ch. 17: nor during an
    unpaid absence. Sick leave and paid leave are paid."""
    return any(e.kind in ("temporary_exclusion", "unpaid_absence") and e.span.start <= day <= e.span.end
               for e in events)


def _unpaid_repeats(events: list[Event], on: dt.date) -> list[Span]:
    """D93 art. 6: a repeating extern is paid for one extra year at most; the later repeats are not."""
    allowed = int(load_parameters().get("extern.repeat_years_paid_max", on).value)
    repeats = sorted((e for e in events if e.kind == "repeat_year"), key=lambda e: e.span.start)
    return [e.span for e in repeats[allowed:]]


def _components(period: Period, track: str, day: dt.date) -> list[tuple[str, str, str]]:
    """(line code, parameter key, payer) owed for `period` on `day`."""
    if period.status == "extern":
        return [("extern.stipend", f"extern.stipend.{track}.year{period.study_year}", MSPS)]
    if period.status == "intern":
        # D93 art. 18: paid by the Ministry of Health; housing allowance when not housed.
        owed = [("intern.stipend", "intern.stipend", MSPS)]
        return owed + ([] if period.housed else [("intern.housing", "intern.housing_allowance", MSPS)])
    if period.status == "resident":
        if period.civil_servant or period.committed or period.administration:
            return []  # a salary, paid outside this system (D93 art. 27, 27 bis)
        return [("resident.stipend", "resident.stipend", CHU)]
    if period.status == "public_health_intern":
        owed = [("ph_intern.stipend", "ph_intern.stipend", MSPS)]
        return owed + ([] if period.housed else [("ph_intern.housing", "ph_intern.housing_allowance", MSPS)])
    # RD68 ch. 14: the GST pays from the date it took up its powers, the Ministry before.
    payer = GST if period.gst_from is not None and day >= period.gst_from else MSPS
    return [("seventh_year.lump_sum", "seventh_year.lump_sum", payer)]


def _salary_outside(period: Period) -> tuple[str, str] | None:
    if period.status != "resident":
        return None
    if period.administration:
        return "D93 art. 27 bis", ADMINISTRATION
    if period.civil_servant or period.committed:
        return "D93 art. 27", CHU
    return None


def compute_month(track: str, periods: Iterable[Period], events: Iterable[Event], month: str) -> Month:
    span = month_span(month)
    in_month = span.days
    events = list(events)
    table = load_parameters()
    result = Month(month)
    for period in periods:
        if not period.span.overlaps(span):
            continue
        overlap = Span(max(period.span.start, span.start), min(period.span.end, span.end))
        outside = _salary_outside(period)
        if outside is not None:
            ref, payer = outside
            result.lines.append(Line("resident.salary_outside", Decimal("0.00"), payer, ref, 0, Decimal("0")))
            continue
        unpaid_repeats = _unpaid_repeats(events, overlap.start) if period.status == "extern" else []
        # Days grouped by (code, payer, rate): one line each.
        groups: dict[tuple[str, str, Decimal, str], int] = {}
        for day in _days(overlap):
            if _stopped(day, events) or any(s.start <= day <= s.end for s in unpaid_repeats):
                continue
            for code, key, payer in _components(period, track, day):
                try:
                    parameter = table.get(key, day)
                except ParameterNotInForce:
                    if key in CREATED_BY_TEXT and day < table.versions(key)[0].valid_from:
                        continue
                    raise
                group = (code, payer, Decimal(parameter.value), parameter.ref)
                groups[group] = groups.get(group, 0) + 1
        for (code, payer, rate, ref), days in groups.items():
            result.lines.append(Line(code, pro_rata(rate, days, in_month), payer, ref, days, rate))
    return result


def simulate(track: str, periods: list[Period], events: list[Event], months: list[str]) -> list[Month]:
    return [compute_month(track, periods, events, month) for month in months]
