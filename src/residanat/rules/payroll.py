"""What a trainee is owed each month under the regulation in force each day (contract
shared/contracts/payroll-simulate.md). Pure Python: the simulation command and the monthly
payroll run the same code.

A month is paid pro rata of calendar days: amount × paid days / days in the month, rounded half up
to the centime, line by line. A line is one code, one payer and one rate: a rate changed by order in
the middle of a month, or a payer that changes (a GST taking up its powers), splits the line.
"""

from __future__ import annotations

import calendar
import functools
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from .parameters import ParameterNotInForce, ParameterTable, load_parameters
from .service_time import Span

CENT = Decimal("0.01")

MSPS, CHU, GST, ADMINISTRATION = "MSPS", "CHU", "GST", "ADMINISTRATION"
STATUSES = ("extern", "intern", "resident", "public_health_intern", "seventh_year_intern_duties")
EVENT_KINDS = ("temporary_exclusion", "repeat_year", "sick_leave", "unpaid_absence")
# The regime each status belongs to (D93: hospital centres; RD68: public-health hospitals).
REGIME = {"extern": "D93", "intern": "D93", "resident": "D93",
          "public_health_intern": "RD68", "seventh_year_intern_duties": "RD68"}

# The lines each stop takes out for its days; every other line goes on (decision 0013).
STOPS = {
    # D93 art. 30: "الطرد المؤقت من العمل ... مع وقف التعويض عن المهام": the indemnité de fonction of
    # art. 18 and 27 stops; the housing allowance of art. 18 ("تعويضا تمثيليا عن السكن") is another
    # allowance, which art. 20 names apart, and goes on.
    # RD68 ch. 8 (ch. 15 for the 7th-year students): "الإقصاء الموقت عن المهام مع توقيف الأجرة": the
    # pay stops, the housing allowance of ch. 11 with it (ch. 12 calls the whole of it "الأجرة").
    "temporary_exclusion": frozenset({"intern.stipend", "resident.stipend",
                                      "ph_intern.stipend", "ph_intern.housing", "seventh_year.lump_sum"}),
    # RD68 ch. 17: "رخصة تغيب من غير أجرة", the same word: the whole pay stops (an absence of RD68
    # only: careers/leave.py and the simulation refuse it for a D93 status).
    "unpaid_absence": frozenset({"extern.stipend", "intern.stipend", "intern.housing", "resident.stipend",
                                 "ph_intern.stipend", "ph_intern.housing", "seventh_year.lump_sum"}),
}


class MonthNotPriced(ParameterNotInForce):
    """A day of `month` for which the texts held give no amount (decision 0001): an error naming
    the month, the parameter and its article, never a payment of 0 (RD68 ch. 14 before its 2025
    version: an earlier amount was owed, which the seeds do not give)."""

    def __init__(self, month: str, key: str, ref: str, day: dt.date, detail: str):
        super().__init__(f"{month}: {detail}")
        self.month, self.key, self.ref, self.day = month, key, ref, day


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
    # The parameter the rate comes from: with `ref`, `days` and `rate`, the line explains itself.
    key: str = ""

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


@functools.lru_cache(maxsize=1024)
def month_span(month: str) -> Span:
    year, number = (int(part) for part in month.split("-"))
    return Span(dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1]))


def pro_rata(rate: Decimal, days: int, days_in_month: int) -> Decimal:
    return (Decimal(rate) * days / days_in_month).quantize(CENT, rounding=ROUND_HALF_UP)


def _subtract(span: Span, holes: Iterable[Span]) -> list[Span]:
    """The parts of `span` outside every hole."""
    pieces = [span]
    for hole in holes:
        kept = []
        for piece in pieces:
            if not piece.overlaps(hole):
                kept.append(piece)
                continue
            if piece.start < hole.start:
                kept.append(Span(piece.start, hole.start - dt.timedelta(days=1)))
            if hole.end < piece.end:
                kept.append(Span(hole.end + dt.timedelta(days=1), piece.end))
        pieces = kept
    return pieces


def _split(span: Span, cuts: Iterable[dt.date]) -> list[Span]:
    """`span` cut before each date of `cuts` that falls inside it."""
    starts = sorted({span.start, *(c for c in cuts if span.start < c <= span.end)})
    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [span.end]
    return [Span(s, e) for s, e in zip(starts, ends)]


def _version_cuts(table: ParameterTable, key: str) -> list[dt.date]:
    cuts = []
    for version in table.versions(key):
        cuts.append(version.valid_from)
        if version.valid_to is not None:
            cuts.append(version.valid_to + dt.timedelta(days=1))
    return cuts


def _unpaid_repeats(events: list[Event], on: dt.date, table: ParameterTable) -> list[Span]:
    """D93 art. 6: a repeating extern is paid for one extra year at most; the later repeats are not."""
    allowed = int(table.get("extern.repeat_years_paid_max", on).value)
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
        # D93 art. 27 bis b: "وتدرج أجورهم بميزانيات هذه الإدارات".
        return "D93 art. 27 bis", ADMINISTRATION
    if period.civil_servant:
        # D93 art. 27 last ¶: "يستمر المقيمون الذين لهم صفة موظف أو مستخدم ... في تقاضي الأجرة المقررة
        # لوضعيتهم النظامية": their own administration goes on paying them, not the hospital centre.
        return "D93 art. 27", ADMINISTRATION
    if period.committed:
        # D93 art. 27 ¶2: a trainee civil servant appointed by the Minister or the centre's director.
        return "D93 art. 27", CHU
    return None


def compute_month(track: str, periods: Iterable[Period], events: Iterable[Event], month: str,
                  table: ParameterTable | None = None) -> Month:
    """What is owed for `month`. The month is cut where anything changes (a stop, a parameter
    version, the GST date) and each piece is priced as a whole: the same result as a day-by-day
    count, in a handful of steps whatever the month."""
    table = table or load_parameters()
    span = month_span(month)
    in_month = span.days
    events = list(events)
    result = Month(month)
    # (code, payer, rate, ref, key) -> paid days: one line each, across the periods of the month (a
    # status cut where its pay terms change is still one line per code and rate).
    groups: dict[tuple[str, str, Decimal, str, str], int] = {}
    outside_lines: dict[tuple[str, str], Line] = {}
    for period in periods:
        if not period.span.overlaps(span):
            continue
        overlap = Span(max(period.span.start, span.start), min(period.span.end, span.end))
        outside = _salary_outside(period)
        if outside is not None:
            ref, payer = outside
            outside_lines[outside] = Line("resident.salary_outside", Decimal("0.00"), payer, ref, 0, Decimal("0"),
                                          "resident.salary_outside")
            continue
        repeats = _unpaid_repeats(events, overlap.start, table) if period.status == "extern" else []
        keys = {key for _, key, _ in _components(period, track, overlap.start)}
        cuts = [c for key in keys for c in _version_cuts(table, key)]
        if period.gst_from is not None:
            cuts.append(period.gst_from)
        for piece in _split(overlap, cuts):
            for code, key, payer in _components(period, track, piece.start):
                holes = repeats + [e.span for e in events if code in STOPS.get(e.kind, ())]
                days = sum(paid.days for paid in _subtract(piece, holes))
                if not days:
                    continue
                try:
                    parameter = table.get(key, piece.start)
                except ParameterNotInForce as exc:
                    # Decision 0001: no amount in the texts held is an error, never a payment of 0.
                    raise MonthNotPriced(month, key, table.versions(key)[0].ref, piece.start, str(exc)) from None
                group = (code, payer, Decimal(parameter.value), parameter.ref, key)
                groups[group] = groups.get(group, 0) + days
    result.lines.extend(outside_lines.values())
    for (code, payer, rate, ref, key), days in groups.items():
        result.lines.append(Line(code, pro_rata(rate, days, in_month), payer, ref, days, rate, key))
    return result


def simulate(track: str, periods: list[Period], events: list[Event], months: list[str],
             table: ParameterTable | None = None) -> list[Month]:
    return [compute_month(track, periods, events, month, table) for month in months]
