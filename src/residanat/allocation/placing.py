"""The last steps of every allocation, in the caller's transaction: the engine's placements
recorded by the app, then each placed wisher's seat taken (binding runs only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from residanat.matching.pipeline import Allocation, Offer, Placed

from .seats import in_transaction


def do_place(offer_or_run: Offer | Allocation, *, record: Callable[[Allocation], Any],
             take_seats: Callable[[list[Placed]], Any] | None = None, explanations: bool = False):
    """Run the offer through the engine (or take a run already made), let `record` keep its
    placements, then `take_seats` with those placed. Returns the allocation and what `record`
    and `take_seats` returned."""
    in_transaction()
    allocation = offer_or_run.run(explanations=explanations) if isinstance(offer_or_run, Offer) else offer_or_run
    recorded = record(allocation)
    taken = take_seats([p for p in allocation.placed if p.program is not None]) if take_seats else None
    return allocation, recorded, taken
