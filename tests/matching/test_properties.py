"""Property tests on random instances: stable, feasible, candidate-optimal (against brute force on
tiny instances and a plain reference Gale–Shapley on larger ones), and serial dictatorship equal to
deferred acceptance with the master list."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from residanat.matching.engine import deferred_acceptance, serial_dictatorship, solve
from residanat.matching.instance import parse_instance
from residanat.matching.result import match
from residanat.matching.stability import find_problems, is_stable

FAST = settings(max_examples=100, deadline=None)


@st.composite
def instance_data(draw, max_candidates=5, max_programs=3, rankings=None, quotas=False, max_capacity=2):
    n_prog = draw(st.integers(1, max_programs))
    n_cand = draw(st.integers(0, max_candidates))
    pids = [f"P{i}" for i in range(n_prog)]
    cids = [f"c{i}" for i in range(n_cand)]
    ranks = draw(st.lists(st.integers(1, 10 * max_candidates + 10), min_size=n_cand, max_size=n_cand, unique=True))
    use_rankings = draw(st.booleans()) if rankings is None else rankings
    programs = []
    for pid in pids:
        prog = {"id": pid, "capacity": draw(st.integers(0, max_capacity))}
        if use_rankings and draw(st.booleans()):
            prog["ranking"] = draw(st.permutations(cids + ["ghost"]))[: draw(st.integers(0, n_cand + 1))]
        programs.append(prog)
    candidates = [
        {"id": cid, "rank": r, "preferences": draw(st.lists(st.sampled_from(pids), unique=True))}
        for cid, r in zip(cids, ranks)
    ]
    data = {"programs": programs, "candidates": candidates}
    if quotas:
        data["quotas"] = [
            {
                "id": f"Q{i}",
                "capacity": draw(st.integers(0, 3)),
                "programs": draw(st.lists(st.sampled_from(pids), unique=True, min_size=1)),
            }
            for i in range(draw(st.integers(0, 2)))
        ]
    return data


def scorer(inst):
    """The program's score of a candidate (lower is better), None if not acceptable: written
    here from the raw instance, apart from the engine."""
    tables = []
    for ranking in inst.program_ranking:
        tables.append(None if ranking is None else {c: i for i, c in enumerate(ranking) if c != -1})

    def score(p, c):
        return inst.candidate_rank[c] if tables[p] is None else tables[p].get(c)

    return score


def brute_stable(inst, assignment, score):
    """Feasible and no blocking pair (no quotas), by the textbook definition."""
    n_prog = len(inst.program_ids)
    members = [[c for c, p in enumerate(assignment) if p == q] for q in range(n_prog)]
    for p in range(n_prog):
        if len(members[p]) > inst.program_capacity[p]:
            return False
        if any(score(p, c) is None for c in members[p]):
            return False
    for c, got in enumerate(assignment):
        prefs = inst.candidate_prefs[c]
        better = prefs if got == -1 else prefs[: prefs.index(got)]
        for p in better:
            s = score(p, c)
            if s is None:
                continue
            if len(members[p]) < inst.program_capacity[p]:
                return False
            if any(score(p, d) > s for d in members[p]):
                return False
    return True


def all_matchings(inst):
    options = [[-1, *prefs] for prefs in inst.candidate_prefs]
    return [list(m) for m in itertools.product(*options)]


def feasible(inst, assignment):
    count = [0] * len(inst.program_ids)
    for p in assignment:
        if p >= 0:
            count[p] += 1
    if any(count[p] > inst.program_capacity[p] for p in range(len(count))):
        return False
    for q, progs in enumerate(inst.quota_programs):
        if sum(count[p] for p in progs) > inst.quota_capacity[q]:
            return False
    return True


def reference_gale_shapley(inst):
    """Round-based textbook Gale–Shapley, no heaps, no shared code with the engine."""
    score = scorer(inst)
    n = len(inst.candidate_ids)
    next_idx = [0] * n
    held = {p: [] for p in range(len(inst.program_ids))}
    free = list(range(n))
    while free:
        proposals = {}
        still_free = []
        for c in free:
            prefs = inst.candidate_prefs[c]
            while next_idx[c] < len(prefs) and score(prefs[next_idx[c]], c) is None:
                next_idx[c] += 1
            if next_idx[c] < len(prefs):
                proposals.setdefault(prefs[next_idx[c]], []).append(c)
                next_idx[c] += 1
        for p, cs in proposals.items():
            pool = sorted(held[p] + cs, key=lambda c: score(p, c))
            held[p] = pool[: inst.program_capacity[p]]
            still_free.extend(pool[inst.program_capacity[p]:])
        free = still_free
    assignment = [-1] * n
    for p, cs in held.items():
        for c in cs:
            assignment[c] = p
    return assignment


def pref_index(inst, c, p):
    return len(inst.candidate_prefs[c]) if p == -1 else inst.candidate_prefs[c].index(p)


@FAST
@given(instance_data())
def test_result_is_stable_and_feasible(data):
    inst = parse_instance(data)
    result = match(inst, explanations=True)
    assert result["stable"] is True
    assignment = solve(inst).assignment
    score = scorer(inst)
    assert brute_stable(inst, assignment, score)
    assert not find_problems(inst, assignment)
    for pid, n in result["filled"].items():
        assert n <= inst.program_capacity[inst.program_ids.index(pid)]
    assert set(result["assignments"]) == set(inst.candidate_ids)
    assert result["unassigned"] == sorted(
        (c for c, p in result["assignments"].items() if p is None), key=lambda c: inst.candidate_rank[inst.candidate_ids.index(c)]
    )
    # Explanations name exactly the programs preferred to the one obtained.
    for c, cid in enumerate(inst.candidate_ids):
        got = assignment[c]
        better = [inst.program_ids[p] for p in inst.candidate_prefs[c][: pref_index(inst, c, got)]]
        assert [e["program"] for e in result["explanations"][cid]] == better


@FAST
@given(instance_data(quotas=True, rankings=False, max_candidates=7, max_programs=4))
def test_quotas_and_capacities_respected(data):
    inst = parse_instance(data)
    result = match(inst, explanations=True)
    assert result["algorithm"] == "serial-dictatorship"
    assert result["stable"] is True
    assignment = solve(inst).assignment
    assert feasible(inst, assignment)
    # Serial dictatorship is the unique matching where each candidate, in rank order, gets their
    # best program still feasible given the better-ranked ones.
    order = sorted(range(len(assignment)), key=lambda c: inst.candidate_rank[c])
    partial = [-1] * len(assignment)
    for c in order:
        for p in inst.candidate_prefs[c]:
            partial[c] = p
            if feasible(inst, partial):
                break
            partial[c] = -1
        assert partial[c] == assignment[c]


@FAST
@given(instance_data(max_candidates=4, max_programs=3))
def test_candidate_optimal_against_brute_force(data):
    inst = parse_instance(data)
    assignment = solve(inst).assignment
    score = scorer(inst)
    stable = [m for m in all_matchings(inst) if brute_stable(inst, m, score)]
    assert assignment in stable
    for c in range(len(assignment)):
        assert pref_index(inst, c, assignment[c]) == min(pref_index(inst, c, m[c]) for m in stable)


@FAST
@given(instance_data(max_candidates=25, max_programs=6, rankings=True, max_capacity=4))
def test_equals_reference_gale_shapley(data):
    inst = parse_instance(data)
    assert solve(inst).assignment == reference_gale_shapley(inst)


@FAST
@given(instance_data(max_candidates=20, max_programs=5, rankings=False, max_capacity=4))
def test_serial_dictatorship_equals_deferred_acceptance_with_master_list(data):
    inst = parse_instance(data)
    sd = serial_dictatorship(inst)
    assert sd == deferred_acceptance(inst)
    # Same instance with every program given the master list explicitly as its ranking.
    master = [c["id"] for c in sorted(data["candidates"], key=lambda c: c["rank"])]
    ranked = {**data, "programs": [{**p, "ranking": master} for p in data["programs"]]}
    ranked_inst = parse_instance(ranked)
    assert solve(ranked_inst).algorithm == "deferred-acceptance"
    assert solve(ranked_inst).assignment == sd


@FAST
@given(instance_data(max_candidates=4, max_programs=3), st.data())
def test_stability_check_agrees_with_brute_force(data, draw):
    inst = parse_instance(data)
    assignment = [draw.draw(st.sampled_from([-1, *prefs])) for prefs in inst.candidate_prefs]
    assert is_stable(inst, assignment) == brute_stable(inst, assignment, scorer(inst))
