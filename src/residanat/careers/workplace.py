"""Where a trainee works on a date: the one answer the person page, the pay file, the payslip and
the payroll's totals by establishment all read.

The rotation in progress wins (D93 art. 4, 14, 15: an intern moves service at each rotation; art. 5:
the hospital centre's director assigns externs to services); without one, the place recorded on the
status (RD68 ch. 5: a public-health intern's or a 7th-year student's work place; a resident's
centre). The place recorded on the status is the place of its start, never updated by a rotation:
reading it for an intern showed her first service. Reading: docs/decisions/0018-current-workplace.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from residanat.people.models import TraineeStatus
from residanat.rules.service_time import Span

from .models import Rotation


@dataclass(frozen=True)
class Workplace:
    establishment: object | None  # referential.Establishment
    service: object | None  # referential.HospitalService
    rotation: Rotation | None = None  # the rotation it comes from; None: the status's own place


def rotation_on(status: TraineeStatus, on: dt.date) -> Rotation | None:
    """The rotation `status` is in on `on` (a rotation not validated was still served there)."""
    return (Rotation.objects.filter(status=status, start_date__lte=on, end_date__gte=on)
            .select_related("service__establishment").order_by("-start_date", "-pk").first())


def workplace(status: TraineeStatus, on: dt.date) -> Workplace:
    rotation = rotation_on(status, on)
    if rotation is not None:
        return Workplace(rotation.service.establishment, rotation.service, rotation)
    return Workplace(status.establishment, status.service)


def establishments_by_month(status_ids, span: Span) -> dict[int, list[tuple[Span, int]]]:
    """For the payroll (one query whatever the number of statuses): each status's rotations that
    overlap `span`, as (span, establishment id)."""
    found: dict[int, list[tuple[Span, int]]] = defaultdict(list)
    for status_id, start, end, establishment_id in (
            Rotation.objects.filter(status_id__in=status_ids, start_date__lte=span.end, end_date__gte=span.start)
            .order_by("status_id", "start_date", "pk")
            .values_list("status_id", "start_date", "end_date", "service__establishment_id")):
        found[status_id].append((Span(start, end), establishment_id))
    return found


def establishment_in(rotations: list[tuple[Span, int]], month: Span, default: int | None) -> int | None:
    """The establishment a month's pay is counted under: the rotation that covers most of the
    month's days (a later one on a tie: where the trainee is going), else `default` (the status's)."""
    best, best_key = default, None
    for span, establishment_id in rotations:
        if not span.overlaps(month):
            continue
        days = (min(span.end, month.end) - max(span.start, month.start)).days + 1
        key = (days, span.start)
        if best_key is None or key > best_key:
            best, best_key = establishment_id, key
    return best
