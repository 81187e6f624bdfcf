"""Taking and giving back seats: the one seat code of the three allocations.

Never two wishers on one seat (issue 5 §6). A seat counted in a column (`Post.taken`,
`Quota.taken` of the choice of posts) is taken by a conditional update inside the caller's
transaction (`UPDATE … SET taken = taken + 1 WHERE id = … AND taken < capacity`): two
transactions racing for the last seat cannot both succeed whatever the isolation level, and the
check constraints `taken <= capacity` are the last line of defence. A seat counted by its takers
(rotations of a period in a service, postings of a deployment run) is taken under a row lock of
its capacity row, the takers counted inside the transaction. Counters are always updated, and
rows locked, in one order (no deadlock).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Model, QuerySet


class SeatTaken(ValidationError):
    """The seat was taken by somebody else a moment ago."""


def in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("seats are taken inside a transaction")


@dataclass(frozen=True)
class Counter:
    """A row whose `taken` column counts the seats of its `capacity` already taken; `full()` says
    why none is left (called only then)."""

    model: type[Model]
    pk: int
    full: Callable[[], str] = str
    taken: str = "taken"
    capacity: str = "capacity"

    def _move(self, step: int) -> int:
        guard = {f"{self.taken}__lt": F(self.capacity)} if step > 0 else {f"{self.taken}__gt": 0}
        return self.model.objects.filter(pk=self.pk, **guard).update(**{self.taken: F(self.taken) + step})


def do_take_seat(*counters: Counter) -> None:
    """One seat in each counter, in the order given (a post before its quota)."""
    in_transaction()
    for counter in counters:
        if not counter._move(+1):
            raise SeatTaken(counter.full())


def do_release_seat(first: Counter, *others: Counter) -> None:
    """Give back the seat taken in `first` (it must hold one) and in the counters above it."""
    in_transaction()
    if not first._move(-1):
        raise RuntimeError(f"{first.model.__name__} {first.pk} has no seat taken to release")
    for counter in others:
        counter._move(-1)


def do_bump_version(model: type[Model], pk, field: str = "version") -> None:
    """A public page's ETag changes with every seat write."""
    model.objects.filter(pk=pk).update(**{field: F(field) + 1})


def do_take_counted_seats(rows: QuerySet, wanted: dict[Hashable, int], *, key: str, capacity: str,
                          takers: QuerySet, taker_key: str, full: Callable[[Hashable], str]) -> None:
    """`wanted[k]` more seats in the row of `rows` whose `key` is k, all checked before the
    caller writes any: the rows locked in key order, then the `takers` holding a seat (those whose
    `taker_key` is k) counted under the lock. A key without a row has no seat."""
    in_transaction()
    keys = sorted(k for k, n in wanted.items() if n)
    if not keys:
        return
    locked = {getattr(r, key): r for r in rows.filter(**{f"{key}__in": keys}).select_for_update().order_by(key)}
    held = dict(takers.filter(**{f"{taker_key}__in": keys}).values(taker_key).annotate(n=Count("pk"))
                .values_list(taker_key, "n"))
    for k in keys:
        row = locked.get(k)
        if row is None or getattr(row, capacity) < held.get(k, 0) + wanted[k]:
            raise SeatTaken(full(k))
