"""Actual service: calendar arithmetic on months, and the periods that do not count.

D93 art. 33 and RD68 ch. 11: a sick leave of six months or more does not count as actual service
in the internat or the residency, so every date that depends on actual service (end of the status,
thesis eligibility, titles) moves by the length of that leave. Pure Python.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Iterable

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, order=True)
class Span:
    """A range of days, both ends included."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"a span cannot end ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlaps(self, other: "Span") -> bool:
        return self.start <= other.end and other.start <= self.end

    def touches(self, other: "Span") -> bool:
        """Overlapping or adjoining (one ends the day before the other starts)."""
        return self.start <= other.end + ONE_DAY and other.start <= self.end + ONE_DAY


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def months_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` starting on `start` (1 Nov + 6 months ends 30 April)."""
    return add_months(start, months) - ONE_DAY


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or adjoining spans as one: a sick leave renewed without a gap is one leave."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and merged[-1].touches(span):
            last = merged.pop()
            span = Span(last.start, max(last.end, span.end))
        merged.append(span)
    return merged


def is_at_least_months(span: Span, months: int) -> bool:
    return span.end >= months_end(span.start, months)


def long_sick_leaves(sick_leaves: Iterable[Span], threshold_months: int) -> list[Span]:
    """The sick leaves that do not count as actual service: renewals without a gap are merged
    first (docs/decisions/0012-careers.md), then those of `threshold_months` or more are kept."""
    return [span for span in merge(sick_leaves) if is_at_least_months(span, threshold_months)]


def date_after_service(start: dt.date, months: int, not_counted: Iterable[Span]) -> dt.date:
    """The first day on which `months` of actual service since `start` are complete.

    Every day of a span that does not count, falling before that day, pushes it by one day.
    """
    target = add_months(start, months)
    for span in merge(not_counted):
        if span.start >= target:
            break
        if span.end < start:
            continue
        first = max(span.start, start)
        target += dt.timedelta(days=(span.end - first).days + 1)
    return target


def days_not_counted(start: dt.date, until: dt.date, not_counted: Iterable[Span]) -> int:
    """Days in [start, until] that do not count as actual service."""
    total = 0
    for span in merge(not_counted):
        first, last = max(span.start, start), min(span.end, until)
        if first <= last:
            total += (last - first).days + 1
    return total


def months_served(start: dt.date, on: dt.date, not_counted: Iterable[Span]) -> int:
    """Whole months of actual service from `start` to `on` (inclusive)."""
    spans = list(not_counted)
    months = 0
    while date_after_service(start, months + 1, spans) <= on + ONE_DAY:
        months += 1
    return months
