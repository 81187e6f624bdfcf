"""The matching engine: serial dictatorship (master list only) and candidate-proposing deferred
acceptance (Gale–Shapley). Both return `assignment`: for each candidate index, the program index it
gets, or -1.

Hot loops use integer indices and lists; a program holds its tentative admits in a max-heap keyed
by its own score of the candidate (lower is better: merit rank, or position in its ranking).
"""

from __future__ import annotations

from dataclasses import dataclass
from heapq import heappush, heapreplace

from .instance import Instance

SERIAL_DICTATORSHIP = "serial-dictatorship"
DEFERRED_ACCEPTANCE = "deferred-acceptance"


@dataclass
class Matching:
    algorithm: str
    assignment: list[int]  # program index per candidate, -1 when unassigned


def serial_dictatorship(inst: Instance) -> list[int]:
    """In merit order, each candidate takes the first program on their list that still has a seat,
    in the program and in every quota containing it."""
    prefs = inst.candidate_prefs
    remaining = list(inst.program_capacity)
    quota_left = list(inst.quota_capacity)
    program_quotas = inst.program_quotas
    assignment = [-1] * len(prefs)
    for c in inst.by_rank():
        for p in prefs[c]:
            if remaining[p] <= 0:
                continue
            qs = program_quotas[p]
            if qs:
                if any(quota_left[q] <= 0 for q in qs):
                    continue
                for q in qs:
                    quota_left[q] -= 1
            remaining[p] -= 1
            assignment[c] = p
            break
    return assignment


def deferred_acceptance(inst: Instance) -> list[int]:
    """Candidate-proposing deferred acceptance. A program with a ranking scores a candidate by
    their 1-based position in it (absent: not acceptable); one without, by the merit rank.
    Quotas are not handled here (an instance with quotas has no rankings: serial dictatorship)."""
    if inst.quota_ids and any(inst.quota_programs):
        raise ValueError("deferred acceptance does not handle quotas; use serial dictatorship")
    prefs = inst.candidate_prefs
    rank = inst.candidate_rank
    capacity = inst.program_capacity
    ranking = inst.program_ranking
    n = len(prefs)
    # How each program scores a candidate, lower is better: the 1-based position in its ranking
    # (`unranked` when absent: not acceptable), or the merit rank.
    position = inst.position_maps()
    score_of = [(lambda c, _unranked: rank[c]) if pos is None else pos.get for pos in position]
    top = max([max(rank, default=0)] + [len(r) for r in ranking if r is not None])
    open_seat, unranked = top + 1, top + 2
    # `bar[p]`: a proposal scoring above it is refused. While p has a free seat it is `open_seat`,
    # which only `unranked` exceeds; once p is full, the worst score p holds; with no seat at all,
    # below every score. Most proposals are refused, so one comparison settles most of them.
    bar = [open_seat if cap > 0 else -1 for cap in capacity]
    # A program's scores are unique, so its heap holds bare negated scores (a max-heap of plain
    # ints) and the candidate behind a score is found back only when they are displaced.
    by_merit = dict(zip(rank, range(n))) if None in ranking else {}
    held: list[list[int]] = [[] for _ in capacity]
    next_choice = [0] * n
    assignment = [-1] * n
    # The result does not depend on who proposes first. Taking candidates in merit order means
    # that, when rankings follow merit even loosely, few tentative admits are displaced later.
    # A displaced candidate proposes again at once (McVitie–Wilson), so no queue is needed.
    for c in inst.by_rank():
        while c >= 0:
            proposer, c = c, -1
            plist = prefs[proposer]
            for p in plist[next_choice[proposer]:]:
                s = score_of[p](proposer, unranked)
                if s > bar[p]:
                    continue
                heap = held[p]
                if len(heap) < capacity[p]:
                    heappush(heap, -s)
                    if len(heap) == capacity[p]:
                        bar[p] = -heap[0]
                else:
                    worst = -heapreplace(heap, -s)
                    bar[p] = -heap[0]
                    c = by_merit[worst] if position[p] is None else ranking[p][worst - 1]
                    assignment[c] = -1
                assignment[proposer] = p
                next_choice[proposer] = plist.index(p) + 1
                break
    return assignment


def solve(inst: Instance) -> Matching:
    """Serial dictatorship when no program has a ranking, deferred acceptance otherwise."""
    if inst.has_rankings:
        return Matching(DEFERRED_ACCEPTANCE, deferred_acceptance(inst))
    return Matching(SERIAL_DICTATORSHIP, serial_dictatorship(inst))


def program_scores(inst: Instance, assignment: list[int]) -> tuple[list[int], list[int | None]]:
    """`filled` and `cutoffs` per program index: seats taken, and the score (merit rank, or
    1-based position in the program's ranking) of the last candidate admitted (None if nobody)."""
    filled = [0] * len(inst.program_ids)
    cutoff: list[int | None] = [None] * len(inst.program_ids)
    position = inst.position_maps()
    rank = inst.candidate_rank
    for c, p in enumerate(assignment):
        if p < 0:
            continue
        filled[p] += 1
        pos = position[p]
        s = rank[c] if pos is None else pos[c]
        cur = cutoff[p]
        if cur is None or s > cur:
            cutoff[p] = s
    return filled, cutoff
