"""An independent check of a matching, written apart from the engine (no shared code path):

- every assignment is to a program on the candidate's list that finds the candidate acceptable;
- no program capacity and no quota is exceeded;
- no blocking pair: a candidate c and a program p that c prefers to what c got, that finds c
  acceptable, and that either has a free seat (with room in all its quotas) or admitted someone it
  likes less than c. With quotas (master list only), a full quota does not excuse a free seat when
  that quota admitted someone with a worse merit rank than c (justified envy).
"""

from __future__ import annotations

from .instance import Instance


def find_problems(inst: Instance, assignment: list[int], limit: int = 10) -> list[str]:
    """Human-readable problems, at most `limit`; empty when the matching is feasible and stable."""
    problems: list[str] = []
    n_prog = len(inst.program_ids)
    cand_ids = inst.candidate_ids
    prog_ids = inst.program_ids
    merit = inst.candidate_rank

    # How each program scores each candidate (lower is better); missing key = not acceptable.
    accept: list[dict[int, int] | None] = []
    for ranking in inst.program_ranking:
        if ranking is None:
            accept.append(None)
        else:
            table: dict[int, int] = {}
            for pos in range(len(ranking)):
                if ranking[pos] != -1:  # an id that is not a candidate of the instance
                    table[ranking[pos]] = pos
            accept.append(table)

    def score(p: int, c: int):
        table = accept[p]
        if table is None:
            return merit[c]
        return table.get(c)

    if len(assignment) != len(cand_ids):
        return [f"assignment has {len(assignment)} entries for {len(cand_ids)} candidates"]

    count = [0] * n_prog
    worst: list = [None] * n_prog
    for c in range(len(assignment)):
        p = assignment[c]
        if p == -1:
            continue
        if not (0 <= p < n_prog):
            problems.append(f"candidate {cand_ids[c]}: no program with index {p}")
            continue
        if p not in inst.candidate_prefs[c]:
            problems.append(f"candidate {cand_ids[c]}: assigned to {prog_ids[p]}, not on their list")
        s = score(p, c)
        if s is None:
            problems.append(f"candidate {cand_ids[c]}: assigned to {prog_ids[p]}, which does not rank them")
            continue
        count[p] += 1
        if worst[p] is None or s > worst[p]:
            worst[p] = s
    for p in range(n_prog):
        if count[p] > inst.program_capacity[p]:
            problems.append(f"program {prog_ids[p]}: {count[p]} assigned for {inst.program_capacity[p]} seats")

    quota_count = [0] * len(inst.quota_ids)
    quota_worst: list = [None] * len(inst.quota_ids)
    quota_members = [set(progs) for progs in inst.quota_programs]
    for c in range(len(assignment)):
        p = assignment[c]
        if p == -1:
            continue
        for q in range(len(quota_members)):
            if p in quota_members[q]:
                quota_count[q] += 1
                if quota_worst[q] is None or merit[c] > quota_worst[q]:
                    quota_worst[q] = merit[c]
    for q in range(len(quota_members)):
        if quota_count[q] > inst.quota_capacity[q]:
            problems.append(f"quota {inst.quota_ids[q]}: {quota_count[q]} assigned for {inst.quota_capacity[q]} seats")
    if problems:
        return problems[:limit]

    quotas_of = [[q for q in range(len(quota_members)) if p in quota_members[q]] for p in range(n_prog)]
    for c in range(len(assignment)):
        got = assignment[c]
        for p in inst.candidate_prefs[c]:
            if p == got:
                break
            s = score(p, c)
            if s is None:
                continue
            if count[p] < inst.program_capacity[p]:
                blocked_by_quota = False
                for q in quotas_of[p]:
                    if quota_count[q] >= inst.quota_capacity[q] and (
                        quota_worst[q] is None or quota_worst[q] < merit[c]
                    ):
                        blocked_by_quota = True
                        break
                if not blocked_by_quota:
                    problems.append(f"blocking pair: {cand_ids[c]} and {prog_ids[p]} (free seat)")
            elif worst[p] is not None and worst[p] > s:
                problems.append(f"blocking pair: {cand_ids[c]} and {prog_ids[p]} (admitted someone it ranks lower)")
            if len(problems) >= limit:
                return problems
    return problems


def is_stable(inst: Instance, assignment: list[int]) -> bool:
    return not find_problems(inst, assignment, limit=1)
