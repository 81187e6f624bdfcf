"""One allocation, whatever is allocated (posts of a choice session, services of a rotation period,
posts of a deployment campaign): the programs with their seats, the wishers in their call order
with their wishes, built straight into the engine's objects, run, and mapped back to what each
wisher got. The apps say only what differs: what a program and a wisher are, who is open to what
(the wishes they hand over), and whether couples are placed together.

The contract's document (shared/contracts/matching.md) stays the format of files and tools
(`residanat match`, exports): `document()` writes it from an instance built here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from . import couples as couples_engine
from .instance import Instance, InstanceError
from .result import match


@dataclass(frozen=True)
class Program:
    """What a wisher may get: `capacity` seats still open; `place` groups programs for couples."""

    id: str
    capacity: int
    item: Any = field(default=None, compare=False)
    place: str = ""


@dataclass(frozen=True)
class Quota:
    """Seats shared by several programs (a pool): none of them fills past it."""

    id: str
    capacity: int
    programs: tuple[str, ...]


@dataclass(frozen=True)
class Wisher:
    """Who chooses: `rank` is their place in the call order (1 first), `preferences` the ids of
    the programs they wish for and may have, most wanted first."""

    id: str
    rank: int
    preferences: tuple[str, ...]
    item: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class Pair:
    """Two wishers placed together or not at all (couples engine)."""

    id: str
    members: tuple[Wisher, Wisher]


@dataclass
class Placed:
    wisher: Wisher
    program: Program | None
    wish_number: int | None  # 1-based position of the program in the wisher's preferences
    reason: str = ""  # why nobody placed them (couples engine)


@dataclass
class Allocation:
    instance: Instance | couples_engine.CouplesInstance
    result: Any  # the result document (`match`), or the couples engine's `Result`
    placed: list[Placed]  # in the order the wishers were given
    digest: str = ""  # couples: the canonical instance's SHA-256 (same wishes, same digest)

    def by_wisher(self) -> dict[str, Placed]:
        return {p.wisher.id: p for p in self.placed}


def build_instance(programs: list[Program], wishers: list[Wisher], quotas: list[Quota] = ()) -> Instance:
    """The engine's instance, as `parse_instance` would build it from the same document."""
    index: dict[str, int] = {}
    for p in programs:
        if p.id in index:
            raise InstanceError("programs", f'duplicate program id "{p.id}"')
        index[p.id] = len(index)
    try:
        prefs = [[index[pid] for pid in w.preferences] for w in wishers]
        quota_programs = [[index[pid] for pid in q.programs] for q in quotas]
    except KeyError as exc:
        raise InstanceError("candidates", f"unknown program {exc.args[0]!r}") from None
    if len({w.id for w in wishers}) != len(wishers) or len({w.rank for w in wishers}) != len(wishers):
        raise InstanceError("candidates", "duplicate candidate id or rank")
    return Instance(
        program_ids=[p.id for p in programs], program_capacity=[p.capacity for p in programs],
        program_ranking=[None] * len(programs),
        quota_ids=[q.id for q in quotas], quota_capacity=[q.capacity for q in quotas], quota_programs=quota_programs,
        candidate_ids=[w.id for w in wishers], candidate_rank=[w.rank for w in wishers], candidate_prefs=prefs,
    )


def document(instance: Instance) -> dict:
    """The instance in the contract's format, for files and tools."""
    pids = instance.program_ids
    doc = {"programs": [{"id": pid, "capacity": cap} for pid, cap in zip(pids, instance.program_capacity)],
           "candidates": [{"id": cid, "rank": rank, "preferences": [pids[p] for p in prefs]}
                          for cid, rank, prefs in zip(instance.candidate_ids, instance.candidate_rank,
                                                      instance.candidate_prefs)]}
    if instance.quota_ids:
        doc["quotas"] = [{"id": qid, "capacity": cap, "programs": [pids[p] for p in progs]}
                         for qid, cap, progs in zip(instance.quota_ids, instance.quota_capacity,
                                                    instance.quota_programs)]
    return doc


def _placed(wishers: list[Wisher], programs: list[Program], assignments: dict, reasons: dict) -> list[Placed]:
    by_id = {p.id: p for p in programs}
    out = []
    for w in wishers:
        got = assignments.get(w.id)
        out.append(Placed(w, by_id[got] if got else None, w.preferences.index(got) + 1 if got else None,
                          reasons.get(w.id, "")))
    return out


def allocate(programs: list[Program], wishers: list[Wisher], quotas: list[Quota] = (), *,
             explanations: bool = False) -> Allocation:
    """Serial dictatorship on the call order, within the quotas (no couples)."""
    instance = build_instance(programs, wishers, quotas)
    result = match(instance, explanations=explanations)
    return Allocation(instance, result, _placed(wishers, programs, result["assignments"], {}))


@dataclass
class Offer:
    """What one allocation hands the engine: the programs, the wishers in their call order, the
    quotas, and the couples (`pairs`, None where the regulation knows no couples)."""

    programs: list[Program]
    wishers: list[Wisher]
    quotas: list[Quota] = field(default_factory=list)
    pairs: list[Pair] | None = None
    pairs_limit: int | None = None

    def instance(self):
        if self.pairs is None:
            return build_instance(self.programs, self.wishers, self.quotas)
        return couples_instance(self.programs, self.wishers, self.pairs, pairs_limit=self.pairs_limit)[0]

    def run(self, *, explanations: bool = False) -> Allocation:
        if self.pairs is None:
            return allocate(self.programs, self.wishers, self.quotas, explanations=explanations)
        return allocate_couples(self.programs, self.wishers, self.pairs, pairs_limit=self.pairs_limit)


def couples_instance(programs: list[Program], wishers: list[Wisher], pairs: list[Pair], *,
                     pairs_limit: int | None) -> tuple[couples_engine.CouplesInstance, str]:
    """The couples engine's instance: a pair wishes for the joint pairs of its members' lists
    (`couples.joint_pairs`), everybody else alone; with its canonical digest."""
    place = {p.id: p.place for p in programs}
    in_pair = set()
    couples = []
    for pair in pairs:
        a, b = pair.members
        joint = couples_engine.joint_pairs(list(a.preferences), list(b.preferences), place, limit=pairs_limit)
        couples.append(couples_engine.Couple(pair.id, (a.id, b.id), (a.rank, b.rank), tuple(joint)))
        in_pair |= {a.id, b.id}
    singles = [couples_engine.Single(w.id, w.rank, w.preferences) for w in wishers if w.id not in in_pair]
    instance = couples_engine.CouplesInstance([couples_engine.Post(p.id, p.capacity, p.place) for p in programs],
                                              singles, couples)
    canonical = json.dumps({"posts": [[p.id, p.capacity, p.place] for p in instance.posts],
                            "singles": [[s.id, s.rank, list(s.preferences)] for s in singles],
                            "couples": [[c.id, list(c.members), list(c.ranks), [list(x) for x in c.pairs]]
                                        for c in couples]}, sort_keys=True)
    return instance, hashlib.sha256(canonical.encode()).hexdigest()


def allocate_couples(programs: list[Program], wishers: list[Wisher], pairs: list[Pair], *,
                     pairs_limit: int | None = None) -> Allocation:
    """Couples placed together or not at all (matching/couples.py); the answer is checked
    independently before anybody is placed."""
    instance, digest = couples_instance(programs, wishers, pairs, pairs_limit=pairs_limit)
    result = couples_engine.solve(instance)
    report = couples_engine.check(instance, result.assignments)
    if not report.ok:
        raise RuntimeError(f"assignment failed its check: {report}")
    reasons = couples_engine.unplaced_reasons(instance, result.assignments, result.blocking_couples)
    return Allocation(instance, result, _placed(wishers, programs, result.assignments, reasons), digest)
