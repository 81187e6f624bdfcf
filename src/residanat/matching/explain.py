"""Why a candidate did not get a program they preferred to the one they got."""

from __future__ import annotations

from .instance import Instance


def explain(
    inst: Instance, assignment: list[int], filled: list[int], cutoffs: list[int | None]
) -> list[list[dict]]:
    """For each candidate index, one entry per program preferred to the one obtained (all of their
    list when unassigned), best first: `{"program", "reason": "not ranked"}`,
    `{"program", "reason": "full", "cutoff"}` or `{"program", "reason": "quota", "quota"}`."""
    ranked = [None if r is None else set(r) for r in inst.program_ranking]
    quota_count = [0] * len(inst.quota_ids)
    for p in assignment:
        if p >= 0:
            for q in inst.program_quotas[p]:
                quota_count[q] += 1
    quota_full = [quota_count[q] >= inst.quota_capacity[q] for q in range(len(quota_count))]
    capacity = inst.program_capacity
    program_ids = inst.program_ids
    out: list[list[dict]] = []
    for c, got in enumerate(assignment):
        entries: list[dict] = []
        for p in inst.candidate_prefs[c]:
            if p == got:
                break
            pid = program_ids[p]
            if ranked[p] is not None and c not in ranked[p]:
                entries.append({"program": pid, "reason": "not ranked"})
                continue
            if filled[p] < capacity[p]:
                full_quota = next((q for q in inst.program_quotas[p] if quota_full[q]), None)
                if full_quota is not None:
                    entries.append({"program": pid, "reason": "quota", "quota": inst.quota_ids[full_quota]})
                    continue
            entries.append({"program": pid, "reason": "full", "cutoff": cutoffs[p]})
        out.append(entries)
    return out
