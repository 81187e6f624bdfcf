"""Assignment by merit with couples who must be posted in the same place (spouse reunification).

Posts rank every applicant by one master list (the merit rank). Singles rank posts; a couple ranks
*pairs* of posts (one for each member, both in the same place) and is either given one pair of its
list or left unassigned as a whole: never split (decision 0016).

Without couples the answer is serial dictatorship, the engine of `engine.py`. With couples a
stable matching may not exist and finding one is NP-hard (Ronn 1990; Biró, Manlove and McBride
2014, even under a master list), so it is solved exactly as a constraint program with OR-Tools
CP-SAT, in the integer-programming formulation of Biró, Manlove and McBride:

- a single never loses a post to somebody ranked below them (hard constraint): merit for singles;
- a couple is not *blocked* out of a pair it prefers: it would be blocked when each member would be
  admitted at their post (a free seat, or a holder ranked below that member, the partner not
  counted). For two seats at the *same* post both seats must be free or held below the couple's
  worse-ranked member (the two claim together, at the worse rank). Couple stability is soft: when
  no stable matching exists the solver reports the fewest blocking couples, and names them;
- among the matchings with the fewest blocking couples, the most people are placed, then the total
  position of what each got in their own list is the lowest.

`check()` verifies a result independently of the solver (the same definitions, plain loops).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .engine import serial_dictatorship
from .instance import Instance

METHOD_SERIAL = "serial-dictatorship"
METHOD_CP_SAT = "cp-sat-couples"
DEFAULT_TIME_LIMIT = 60.0


class CouplesInstanceError(ValueError):
    pass


@dataclass(frozen=True)
class Post:
    id: str
    capacity: int
    place: str  # the province: a couple's two posts must share it


@dataclass(frozen=True)
class Single:
    id: str
    rank: int
    preferences: tuple[str, ...]


@dataclass(frozen=True)
class Couple:
    id: str
    members: tuple[str, str]
    ranks: tuple[int, int]
    pairs: tuple[tuple[str, str], ...]  # (post of members[0], post of members[1]), best first


@dataclass
class CouplesInstance:
    posts: list[Post]
    singles: list[Single]
    couples: list[Couple] = field(default_factory=list)

    def __post_init__(self):
        self.post = {p.id: p for p in self.posts}
        if len(self.post) != len(self.posts):
            raise CouplesInstanceError("duplicate post id")
        ranks: dict[int, str] = {}
        people = [(s.id, s.rank) for s in self.singles]
        people += [(m, r) for c in self.couples for m, r in zip(c.members, c.ranks)]
        for person, rank in people:
            if rank in ranks:
                raise CouplesInstanceError(f"rank {rank} is given to {ranks[rank]} and {person}")
            ranks[rank] = person
        if len({p for p, _ in people}) != len(people):
            raise CouplesInstanceError("a person appears twice (single and in a couple, or in two couples)")
        for s in self.singles:
            for post in s.preferences:
                if post not in self.post:
                    raise CouplesInstanceError(f"{s.id}: unknown post {post!r}")
            if len(set(s.preferences)) != len(s.preferences):
                raise CouplesInstanceError(f"{s.id}: a post is listed twice")
        for c in self.couples:
            for a, b in c.pairs:
                for post in (a, b):
                    if post not in self.post:
                        raise CouplesInstanceError(f"{c.id}: unknown post {post!r}")
                if self.post[a].place != self.post[b].place:
                    raise CouplesInstanceError(f"{c.id}: {a} and {b} are not in the same place")
            if len(set(c.pairs)) != len(c.pairs):
                raise CouplesInstanceError(f"{c.id}: a pair is listed twice")


@dataclass
class CouplesResult:
    method: str
    assignments: dict[str, str | None]  # person -> post
    status: str  # "optimal", "feasible" (time limit reached) or "serial-dictatorship"
    blocking_couples: list[str]
    seconds: float = 0.0

    @property
    def stable(self) -> bool:
        return not self.blocking_couples


def joint_pairs(prefs_a, prefs_b, place_of: dict[str, str], limit: int | None = None) -> list[tuple[str, str]]:
    """A couple's joint list from the members' own lists: every pair of posts in the same place,
    best first by the sum of the two positions, then by the better of the two (decision 0016)."""
    pos_b = {post: j for j, post in enumerate(prefs_b)}
    pairs = []
    for i, a in enumerate(prefs_a):
        for b, j in pos_b.items():
            if place_of[a] == place_of[b]:
                pairs.append(((i + j, min(i, j), i), (a, b)))
    pairs.sort()
    out = [pair for _, pair in pairs]
    return out[:limit] if limit else out


def solve(instance: CouplesInstance, *, time_limit: float = DEFAULT_TIME_LIMIT) -> CouplesResult:
    if not instance.couples:
        return _serial(instance)
    return _cp_sat(instance, time_limit)


def _serial(instance: CouplesInstance) -> CouplesResult:
    ids = [p.id for p in instance.posts]
    index = {pid: n for n, pid in enumerate(ids)}
    inst = Instance(
        program_ids=ids,
        program_capacity=[p.capacity for p in instance.posts],
        program_ranking=[None] * len(ids),
        quota_ids=[],
        quota_capacity=[],
        quota_programs=[],
        program_quotas=[[] for _ in ids],
        candidate_ids=[s.id for s in instance.singles],
        candidate_rank=[s.rank for s in instance.singles],
        candidate_prefs=[[index[p] for p in s.preferences] for s in instance.singles],
    )
    got = serial_dictatorship(inst)
    return CouplesResult(
        method=METHOD_SERIAL,
        assignments={s.id: (ids[g] if g >= 0 else None) for s, g in zip(instance.singles, got)},
        status="serial-dictatorship",
        blocking_couples=[],
    )


def _cp_sat(instance: CouplesInstance, time_limit: float) -> CouplesResult:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    # claims[post][person] = linear expression (0/1) "person holds post".
    claims: dict[str, dict[str, object]] = {p.id: {} for p in instance.posts}
    rank_of: dict[str, int] = {}
    positions = []  # (expression, weight) terms of the objective
    placed = []
    single_vars: dict[str, list] = {}
    for s in instance.singles:
        rank_of[s.id] = s.rank
        xs = [model.NewBoolVar(f"x[{s.id},{p}]") for p in s.preferences]
        model.AddAtMostOne(xs)
        single_vars[s.id] = xs
        for p, x in zip(s.preferences, xs):
            claims[p][s.id] = x
        placed.append(sum(xs))
        positions += [(x, j) for j, x in enumerate(xs)]
    couple_vars: dict[str, list] = {}
    for c in instance.couples:
        for m, r in zip(c.members, c.ranks):
            rank_of[m] = r
        ys = [model.NewBoolVar(f"y[{c.id},{k}]") for k in range(len(c.pairs))]
        model.AddAtMostOne(ys)
        couple_vars[c.id] = ys
        for y, (a, b) in zip(ys, c.pairs):
            claims[a][c.members[0]] = claims[a].get(c.members[0], 0) + y
            claims[b][c.members[1]] = claims[b].get(c.members[1], 0) + y
        placed.append(2 * sum(ys))
        positions += [(y, 2 * k) for k, y in enumerate(ys)]

    # Prefix sums along the master list: held_before[post][person] = how many ranked above hold it.
    held_before: dict[str, dict[str, object]] = {}
    for p in instance.posts:
        model.Add(sum(claims[p.id].values()) <= p.capacity)
        running, before = 0, {}
        for person in sorted(claims[p.id], key=rank_of.__getitem__):
            before[person] = running
            running = running + claims[p.id][person]
        held_before[p.id] = before

    # Merit for singles: not holding p or better means p is full with people ranked above.
    for s in instance.singles:
        xs = single_vars[s.id]
        for j, p in enumerate(s.preferences):
            cap = instance.post[p].capacity
            model.Add(held_before[p][s.id] >= cap * (1 - sum(xs[: j + 1])))

    blocked = []
    for c in instance.couples:
        ys = couple_vars[c.id]
        partner = {c.members[0]: c.members[1], c.members[1]: c.members[0]}
        for k, (a, b) in enumerate(c.pairs):
            refusals = []
            for member, post in _claims_of(c, a, b):
                cap = instance.post[post].capacity
                need = cap - 1 if a == b else cap
                ahead = held_before[post][member] - _partner_claim(claims[post], partner[member], rank_of, member)
                refused = model.NewBoolVar(f"r[{c.id},{k},{member}]")
                model.Add(ahead >= need).OnlyEnforceIf(refused)
                refusals.append(refused)
            slack = model.NewBoolVar(f"b[{c.id},{k}]")
            model.AddBoolOr([*ys[: k + 1], *refusals, slack])
            blocked.append(slack)
        # A couple is blocking when any pair of its list blocks: count couples, not pairs.

    blocking = [model.NewBoolVar(f"blocking[{c.id}]") for c in instance.couples]
    start = 0
    for c, flag in zip(instance.couples, blocking):
        n = len(c.pairs)
        for slack in blocked[start:start + n]:
            model.AddImplication(slack, flag)
        start += n

    people = len(instance.singles) + 2 * len(instance.couples)
    worst_position = max([len(s.preferences) for s in instance.singles] + [2 * len(c.pairs) for c in instance.couples] + [1])
    position_total = sum(x * j for x, j in positions)
    placed_weight = people * worst_position + 1
    model.Minimize(sum(blocking) * (people + 1) * placed_weight - sum(placed) * placed_weight + position_total)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    # One worker and a fixed seed: the same instance gives the same answer (a run can be replayed).
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    code = solver.Solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"CP-SAT found no assignment ({solver.StatusName(code)})")

    assignments: dict[str, str | None] = {}
    for s in instance.singles:
        assignments[s.id] = next((p for p, x in zip(s.preferences, single_vars[s.id]) if solver.Value(x)), None)
    for c in instance.couples:
        pair = next((pr for pr, y in zip(c.pairs, couple_vars[c.id]) if solver.Value(y)), (None, None))
        assignments[c.members[0]], assignments[c.members[1]] = pair
    return CouplesResult(
        method=METHOD_CP_SAT,
        assignments=assignments,
        status="optimal" if code == cp_model.OPTIMAL else "feasible",
        blocking_couples=[c.id for c, flag in zip(instance.couples, blocking) if solver.Value(flag)],
        seconds=solver.WallTime(),
    )


def _claims_of(c: Couple, a: str, b: str):
    if a == b:
        # Two seats at one post: the couple claims them at its worse-ranked member's rank.
        worse = c.members[0] if c.ranks[0] > c.ranks[1] else c.members[1]
        return [(worse, a)]
    return [(c.members[0], a), (c.members[1], b)]


def _partner_claim(post_claims: dict, partner: str, rank_of: dict, member: str):
    """The partner's own seat does not stand in the member's way (the couple moves together)."""
    if partner in post_claims and rank_of[partner] < rank_of[member]:
        return post_claims[partner]
    return 0


# --- the independent check ---------------------------------------------------------------------

@dataclass
class CheckReport:
    over_capacity: list[str]
    split_couples: list[str]
    singles_blocked: list[tuple[str, str]]  # (single, post they lost to someone ranked below)
    couples_blocking: list[tuple[str, tuple[str, str]]]

    @property
    def ok(self) -> bool:
        return not (self.over_capacity or self.split_couples or self.singles_blocked)

    @property
    def stable(self) -> bool:
        return self.ok and not self.couples_blocking


def _ranks_and_holders(instance: CouplesInstance, assignments: dict[str, str | None]):
    """Each person's rank, and for each post the ranks of those the assignment puts there."""
    rank_of = {s.id: s.rank for s in instance.singles}
    for c in instance.couples:
        rank_of.update(zip(c.members, c.ranks))
    holders: dict[str, list[int]] = {p.id: [] for p in instance.posts}
    for person, post in assignments.items():
        if post is not None:
            holders[post].append(rank_of[person])
    return rank_of, holders


def check(instance: CouplesInstance, assignments: dict[str, str | None]) -> CheckReport:
    """Capacity, couples kept together (same place, or both unassigned), merit for singles, and the
    couples that would block (the definitions of the module docstring, by plain enumeration)."""
    rank_of, holders = _ranks_and_holders(instance, assignments)
    over = [p.id for p in instance.posts if len(holders[p.id]) > p.capacity]

    def ahead(post, rank, ignore=()):
        return sum(1 for r in holders[post] if r < rank and r not in ignore)

    split = []
    for c in instance.couples:
        a, b = (assignments.get(m) for m in c.members)
        if (a is None) != (b is None) or (a is not None and (a, b) not in c.pairs):
            split.append(c.id)
    singles_blocked = []
    for s in instance.singles:
        got = assignments.get(s.id)
        better = s.preferences if got is None else s.preferences[: s.preferences.index(got)]
        for post in better:
            if ahead(post, s.rank) < instance.post[post].capacity:
                singles_blocked.append((s.id, post))
    couples_blocking = []
    for c in instance.couples:
        got = (assignments.get(c.members[0]), assignments.get(c.members[1]))
        better = c.pairs if got not in c.pairs else c.pairs[: c.pairs.index(got)]
        own = set(c.ranks)
        for a, b in better:
            if a == b:
                worse = max(c.ranks)
                ok = ahead(a, worse, own) <= instance.post[a].capacity - 2
            else:
                ok = (ahead(a, c.ranks[0], own) < instance.post[a].capacity
                      and ahead(b, c.ranks[1], own) < instance.post[b].capacity)
            if ok:
                couples_blocking.append((c.id, (a, b)))
                break
    return CheckReport(over, split, singles_blocked, couples_blocking)


# --- why somebody is left without a post -------------------------------------------------------

NO_WISH = "no_wish"
WISHES_TAKEN = "wishes_taken"
COUPLE_NO_PAIR = "couple_no_pair"
COUPLE_PAIRS_TAKEN = "couple_pairs_taken"
COUPLE_UNSTABLE = "couple_unstable"


def unplaced_reasons(instance: CouplesInstance, assignments: dict[str, str | None],
                     blocking_couples: list[str] = ()) -> dict[str, str]:
    """For each person left without a post, why, read from the data (the definitions of `check`):

    - `no_wish`: a single who listed no post;
    - `wishes_taken`: a single each of whose posts is held, to the last seat, by people ranked above;
    - `couple_no_pair`: a couple whose two lists hold no two posts in one place (no joint pair);
    - `couple_pairs_taken`: a couple for which each joint pair has a post held, to the last seat,
      by people ranked above the member who would take it (the partner not counted);
    - `couple_unstable`: a blocking couple: a pair was open, but no assignment without a blocking
      couple exists and the solver left this one out (the module docstring)."""
    rank_of, holders = _ranks_and_holders(instance, assignments)

    def full_above(post, rank, ignore=(), seats=1):
        above = sum(1 for r in holders[post] if r < rank and r not in ignore)
        return above > instance.post[post].capacity - seats

    reasons: dict[str, str] = {}
    for s in instance.singles:
        if assignments.get(s.id) is None:
            reasons[s.id] = NO_WISH if not s.preferences else WISHES_TAKEN
    for c in instance.couples:
        if any(assignments.get(m) is not None for m in c.members):
            continue
        if not c.pairs:
            reason = COUPLE_NO_PAIR
        elif c.id in blocking_couples:
            reason = COUPLE_UNSTABLE
        else:
            own = set(c.ranks)
            taken = all(full_above(a, max(c.ranks), own, seats=2) if a == b else
                        (full_above(a, c.ranks[0], own) or full_above(b, c.ranks[1], own)) for a, b in c.pairs)
            reason = COUPLE_PAIRS_TAKEN if taken else COUPLE_UNSTABLE
        for m in c.members:
            reasons[m] = reason
    return reasons
