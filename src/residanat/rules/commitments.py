"""The 8-year service commitment of residents (D93 art. 27, 27 bis) and what breaking it costs (art.
32 bis). Pure Python: the periods of actual service after the training, by establishment; the
under-staffed listings in force; the sums received under the decree (from the payroll history).

Readings of the texts where they are silent: docs/decisions/0015-discipline-and-commitments.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from .parameters import ParameterTable, load_parameters
from .service_time import ONE_DAY, Span, add_months, merge

OPEN_END = dt.date(9999, 12, 31)
# To whom a commitment is owed (D93 art. 27, 27 bis), as discipline.Commitment.Counterpart says it.
HIGHER_EDUCATION, MINISTRY, HOSPITAL_CENTRE, ADMINISTRATION = "higher_education", "ministry", "hospital_centre", "administration"
# D93 art. 27 ¶3: only "المقيمون الذين تم توظيفهم كمتخصصين بوزارة الصحة" count under-staffed
# service double: a commitment towards higher education, a hospital centre or another administration
# counts every day once.
DOUBLED_FOR = frozenset({MINISTRY})
# D93 art. 32 bis: "مجموع المبالغ التي استفاد منها بموجب هذا المرسوم": the sums paid to the
# statuses this decree governs (externs, interns, residents), not those of RD68 (public-health
# interns, 7th-year students on intern duties).
DECREE_KINDS = frozenset({"extern", "intern", "resident"})


@dataclass(frozen=True)
class ServicePeriod:
    """Actual service in one establishment after the training; `end` None while it goes on."""

    establishment: str
    start: dt.date
    end: dt.date | None = None


@dataclass
class Progress:
    start: dt.date | None
    on: dt.date
    required_days: int
    served_days: int = 0
    credited_days: int = 0
    # The pieces counted double: (establishment, span), each 2 years or more in a row while listed.
    doubled: list[tuple[str, Span]] = field(default_factory=list)
    expected_end: dt.date | None = None  # None: complete already, or no service going on to project
    refs: tuple[str, ...] = ("D93 art. 27",)

    @property
    def complete(self) -> bool:
        # No period yet: the 8 years have not started (D93 art. 27), so nothing is accomplished.
        return self.start is not None and self.credited_days >= self.required_days

    @property
    def share(self) -> float:
        return min(1.0, self.credited_days / self.required_days) if self.required_days else 0.0

    @property
    def percent(self) -> int:
        """The share accomplished as every page shows it (list, page, API)."""
        return round(100 * self.share)


def _stints(periods: Iterable[ServicePeriod], until: dt.date) -> list[tuple[str, Span]]:
    """Periods cut at `until`; periods in the same establishment that follow each other without a
    day's gap are one stint (a transfer and its return are two)."""
    found: list[tuple[str, Span]] = []
    for period in sorted(periods, key=lambda p: p.start):
        end = min(period.end or OPEN_END, until)
        if end < period.start:
            continue
        span = Span(period.start, end)
        if found and found[-1][0] == period.establishment and found[-1][1].end + ONE_DAY >= span.start:
            found[-1] = (period.establishment, Span(found[-1][1].start, max(found[-1][1].end, span.end)))
        else:
            found.append((period.establishment, span))
    return found


def overlaps(periods: Iterable[ServicePeriod]) -> list[tuple[ServicePeriod, ServicePeriod]]:
    """The pairs of periods that share a day: one person serves in one place at a time (D93 art.
    27, "actual service"), so recording such a period is refused."""
    ordered = sorted(periods, key=lambda p: (p.start, p.end or OPEN_END))
    found = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            if second.start > (first.end or OPEN_END):
                break
            found.append((first, second))
    return found


def _credit(stints, understaffed: Mapping[str, Sequence[Span]], min_years: int, factor: int):
    # Calendar days count once, even if two recorded periods share some (D93 art. 27: 8 years of
    # actual service, not the sum of the periods): served and doubled days are counted on unions.
    served = sum(span.days for span in merge(stint for _establishment, stint in stints))
    doubled = []
    for establishment, stint in stints:
        for listed in merge(understaffed.get(establishment, ())):
            if not listed.overlaps(stint):
                continue
            piece = Span(max(listed.start, stint.start), min(listed.end, stint.end))
            # "2 or more consecutive years" on the list: the piece counts double only once that long.
            if piece.end >= add_months(piece.start, 12 * min_years) - ONE_DAY:
                doubled.append((establishment, piece))
    credited = served + (factor - 1) * sum(span.days for span in merge(piece for _establishment, piece in doubled))
    return served, credited, doubled


def progress(periods: Sequence[ServicePeriod], understaffed: Mapping[str, Sequence[Span]], on: dt.date,
             table: ParameterTable | None = None, counterpart: str = MINISTRY) -> Progress:
    """How far the commitment is served on `on`, and when it will be if the service in progress
    goes on where it is (the listings as recorded: an open listing is taken to go on). Under-staffed
    service counts double only for a commitment towards the Ministry of Health (`DOUBLED_FOR`)."""
    table = table or load_parameters()
    if counterpart not in DOUBLED_FOR:
        understaffed = {}
    if not periods:
        return Progress(None, on, 0)
    start = min(p.start for p in periods)
    years = table.get("commitment.years", start)
    min_years = table.get("commitment.understaffed_min_consecutive_years", start)
    factor = table.get("commitment.understaffed_factor", start)
    # 8 calendar years from the first day of service: without any doubled period, the end falls on
    # the eve of the 8th anniversary.
    required = (add_months(start, 12 * int(years.value)) - start).days
    refs = tuple(dict.fromkeys((years.ref, min_years.ref, factor.ref)))

    def credited_until(day):
        return _credit(_stints(periods, day), understaffed, int(min_years.value), int(factor.value))

    served, credited, doubled = credited_until(on)
    result = Progress(start, on, required, served, credited, doubled, refs=refs)
    going_on = any(p.end is None or p.end > on for p in periods)
    if not result.complete and going_on:
        # The credit only grows with time: the first day it reaches the requirement, by bisection.
        low, high = on + ONE_DAY, add_months(start, 12 * int(years.value))
        if credited_until(high)[1] >= required:
            while low < high:
                middle = low + (high - low) // 2
                if credited_until(middle)[1] >= required:
                    high = middle
                else:
                    low = middle + ONE_DAY
            result.expected_end = low
    return result


# --- buy-back and breach (art. 32 bis) ---------------------------------------------------------

RELEASE, DROPOUT, DEFINITIVE_EXCLUSION = "release", "dropout", "definitive_exclusion"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Cost:
    reason: str
    sums_received: Decimal
    amount: Decimal | None  # what is owed now; None when service is owed instead
    ref: str
    factor: int | None = None
    service_until: dt.date | None = None  # a civil servant's 8 years from their return
    effective_on_payment: bool = False  # a release takes effect only once payment is recorded


def cost(reason: str, sums_received: Decimal, on: dt.date, civil_servant: bool = False,
         returned_on: dt.date | None = None, table: ParameterTable | None = None) -> Cost:
    """What ending the commitment costs (D93 art. 32 bis):

    - a release granted by the administration: every sum received plus an equal amount, and the
      release takes effect only once the payment is recorded;
    - a voluntary dropout or a definitive exclusion: double the sums received, or for a civil
      servant or employee 8 years of service from their return to their administration, failing
      which the repayment applies (`breach_of_service`)."""
    table = table or load_parameters()
    sums = Decimal(sums_received).quantize(CENT)
    if reason == RELEASE:
        factor = table.get("buyback.release_factor", on)
        return Cost(reason, sums, (sums * int(factor.value)).quantize(CENT), factor.ref, int(factor.value),
                    effective_on_payment=True)
    if reason not in (DROPOUT, DEFINITIVE_EXCLUSION):
        raise ValueError(f"unknown reason {reason!r}")
    if civil_servant:
        years = table.get("buyback.civil_servant_service_years", on)
        back = returned_on or on
        return Cost(reason, sums, None, years.ref, service_until=add_months(back, 12 * int(years.value)) - ONE_DAY)
    factor = table.get("buyback.dropout_factor", on)
    return Cost(reason, sums, (sums * int(factor.value)).quantize(CENT), factor.ref, int(factor.value))


def breach_of_service(owed: Cost, left_on: dt.date, table: ParameterTable | None = None) -> Cost | None:
    """A civil servant who leaves their administration before the end of the service owed: the
    repayment applies (double the sums received, as for a non-civil servant); None if on time."""
    if owed.service_until is None or left_on >= owed.service_until:
        return None
    table = table or load_parameters()
    factor = table.get("buyback.dropout_factor", left_on)
    return Cost(owed.reason, owed.sums_received, (owed.sums_received * int(factor.value)).quantize(CENT),
                factor.ref, int(factor.value))
