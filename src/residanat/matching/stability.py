"""An independent check of a matching, written apart from the engine (no shared code path; it
reads the same parsed instance, including its index of positions in the rankings):

- every assignment is to a program on the candidate's list that finds the candidate acceptable;
- no program capacity and no quota is exceeded;
- no blocking pair: a candidate c and a program p that c prefers to what c got, that finds c
  acceptable, and that either has a free seat (with room in all its quotas) or admitted someone it
  likes less than c. With quotas (master list only), a full quota does not excuse a free seat when
  that quota admitted someone with a worse merit rank than c (justified envy).
"""

from __future__ import annotations

from functools import partial
from operator import is_not

from .instance import Instance


def find_problems(inst: Instance, assignment: list[int], limit: int = 10) -> list[str]:
    """Human-readable problems, at most `limit`; empty when the matching is feasible and stable."""
    problems: list[str] = []
    n_prog = len(inst.program_ids)
    cand_ids = inst.candidate_ids
    prog_ids = inst.program_ids
    merit = inst.candidate_rank
    capacity = inst.program_capacity
    if len(assignment) != len(cand_ids):
        return [f"assignment has {len(assignment)} entries for {len(cand_ids)} candidates"]

    # How each program scores a candidate, lower is better, None when not acceptable. The
    # positions come from the instance (a plain index of the rankings, also read by the engine);
    # nothing else is shared with the engine.
    score_of = [merit.__getitem__ if pos is None else pos.get for pos in inst.position_maps()]

    # One pass over the candidates: whom each program admitted, and who would rather have a
    # program than what they got. The scores are then looked up program by program, with map():
    # on 50,000 candidates, lookups scattered over every program's table cost more than the rest.
    members: list[list[int]] = [[] for _ in range(n_prog)]
    envious: list[list[int]] = [[] for _ in range(n_prog)]
    for c, p in enumerate(assignment):
        prefs = inst.candidate_prefs[c]
        if p == -1:
            better = prefs
        elif not (0 <= p < n_prog):
            problems.append(f"candidate {cand_ids[c]}: no program with index {p}")
            continue
        else:
            members[p].append(c)
            if p in prefs:
                better = prefs[: prefs.index(p)]
            else:
                problems.append(f"candidate {cand_ids[c]}: assigned to {prog_ids[p]}, not on their list")
                better = []
        for q in better:
            envious[q].append(c)

    count = [0] * n_prog
    worst: list = [None] * n_prog
    for p in range(n_prog):
        scores = list(map(score_of[p], members[p]))
        if None in scores:
            for c, s in zip(members[p], scores):
                if s is None:
                    problems.append(f"candidate {cand_ids[c]}: assigned to {prog_ids[p]}, which does not rank them")
            scores = [s for s in scores if s is not None]
        count[p] = len(scores)
        worst[p] = max(scores, default=None)
        if count[p] > capacity[p]:
            problems.append(f"program {prog_ids[p]}: {count[p]} assigned for {capacity[p]} seats")

    quota_members = [set(progs) for progs in inst.quota_programs]
    quota_count = [0] * len(quota_members)
    quota_worst: list = [None] * len(quota_members)
    for q, progs in enumerate(quota_members):
        admitted = [c for p in progs for c in members[p]]
        quota_count[q] = len(admitted)
        quota_worst[q] = max(map(merit.__getitem__, admitted), default=None)
        if quota_count[q] > inst.quota_capacity[q]:
            problems.append(f"quota {inst.quota_ids[q]}: {quota_count[q]} assigned for {inst.quota_capacity[q]} seats")
    if problems:
        return problems[:limit]

    quotas_of = [[q for q in range(len(quota_members)) if p in quota_members[q]] for p in range(n_prog)]
    for p in range(n_prog):
        envy = envious[p]
        scores = list(map(score_of[p], envy))
        acceptable = list(filter(partial(is_not, None), scores))
        if not acceptable:
            continue
        free_seat = count[p] < capacity[p]
        if not free_seat and (worst[p] is None or min(acceptable) > worst[p]):
            continue  # full, and everyone who envies it ranks below its last admit
        for c, s in zip(envy, scores):
            if s is None:
                continue
            if free_seat:
                # With quotas (master list only), a full quota excuses a free seat unless it
                # admitted someone with a worse merit rank than c (justified envy).
                if any(
                    quota_count[q] >= inst.quota_capacity[q] and (quota_worst[q] is None or quota_worst[q] < merit[c])
                    for q in quotas_of[p]
                ):
                    continue
                problems.append(f"blocking pair: {cand_ids[c]} and {prog_ids[p]} (free seat)")
            elif s < worst[p]:
                problems.append(f"blocking pair: {cand_ids[c]} and {prog_ids[p]} (admitted someone it ranks lower)")
            else:
                continue
            if len(problems) >= limit:
                return problems
    return problems


def is_stable(inst: Instance, assignment: list[int]) -> bool:
    return not find_problems(inst, assignment, limit=1)
