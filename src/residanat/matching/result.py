"""The result document of `residanat match` (contract `shared/contracts/matching.md`)."""

from __future__ import annotations

from .engine import Matching, program_scores, solve
from .explain import explain
from .instance import Instance
from .stability import is_stable


def build_result(inst: Instance, matching: Matching, *, explanations: bool = False) -> dict:
    assignment = matching.assignment
    filled, cutoffs = program_scores(inst, assignment)
    cids = inst.candidate_ids
    pids = inst.program_ids
    rank = inst.candidate_rank
    result = {
        "algorithm": matching.algorithm,
        "assignments": {cids[c]: (pids[p] if p >= 0 else None) for c, p in enumerate(assignment)},
        "cutoffs": dict(zip(pids, cutoffs)),
        "filled": dict(zip(pids, filled)),
        "unassigned": [cids[c] for c in sorted((c for c, p in enumerate(assignment) if p < 0), key=rank.__getitem__)],
        "stable": is_stable(inst, assignment),
    }
    if explanations:
        per_candidate = explain(inst, assignment, filled, cutoffs)
        result["explanations"] = {cids[c]: entries for c, entries in enumerate(per_candidate)}
    return result


def match(inst: Instance, *, explanations: bool = False) -> dict:
    """Solve an instance and return the result document."""
    return build_result(inst, solve(inst), explanations=explanations)
