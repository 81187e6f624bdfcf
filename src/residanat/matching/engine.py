"""The matching engine: serial dictatorship (master list only) and candidate-proposing deferred
acceptance (Gale–Shapley). Both return `assignment`: for each candidate index, the program index it
gets, or -1.

Hot loops use integer indices and lists; a program holds its tentative admits in a max-heap keyed
by its own score of the candidate (lower is better: merit rank, or position in its ranking).
"""

from __future__ import annotations

from collections import deque
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
    position = inst.position_maps()
    n = len(prefs)
    # Each program holds a max-heap of its tentative admits as plain ints: -(score * n + c), so the
    # root is the one it likes least (scores are unique per program: ranks, or positions).
    held: list[list[int]] = [[] for _ in capacity]
    next_choice = [0] * n
    assignment = [-1] * n
    free = deque(range(n))
    pop = free.popleft
    push_free = free.append
    while free:
        c = pop()
        plist = prefs[c]
        i = next_choice[c]
        end = len(plist)
        while i < end:
            p = plist[i]
            i += 1
            pos = position[p]
            if pos is None:
                key = rank[c] * n + c
            else:
                s = pos.get(c)
                if s is None:
                    continue
                key = s * n + c
            heap = held[p]
            if len(heap) < capacity[p]:
                heappush(heap, -key)
                assignment[c] = p
                break
            if heap and -heap[0] > key:
                rejected = (-heapreplace(heap, -key)) % n
                assignment[c] = p
                assignment[rejected] = -1
                push_free(rejected)
                break
        next_choice[c] = i
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
