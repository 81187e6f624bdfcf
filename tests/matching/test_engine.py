"""The engine on hand-made instances: serial dictatorship, quotas, deferred acceptance with program
rankings, cutoffs, the stability check and the explanations."""

from residanat.matching.engine import deferred_acceptance, serial_dictatorship, solve
from residanat.matching.instance import parse_instance
from residanat.matching.result import build_result, match
from residanat.matching.stability import find_problems, is_stable


def run(data, explain=True):
    return match(parse_instance(data), explanations=explain)


def cand(cid, rank, *prefs):
    return {"id": cid, "rank": rank, "preferences": list(prefs)}


def test_contract_example():
    data = {
        "programs": [
            {"id": "CAS-CARDIO", "capacity": 5},
            {"id": "CAS-PED", "capacity": 25, "ranking": ["c7", "c1", "c3"]},
        ],
        "candidates": [cand("c1", 1, "CAS-PED", "CAS-CARDIO")],
    }
    result = run(data)
    assert result == {
        "algorithm": "deferred-acceptance",
        "assignments": {"c1": "CAS-PED"},
        "cutoffs": {"CAS-CARDIO": None, "CAS-PED": 2},  # c1 is 2nd in CAS-PED's ranking
        "filled": {"CAS-CARDIO": 0, "CAS-PED": 1},
        "unassigned": [],
        "stable": True,
        "explanations": {"c1": []},
    }
    assert list(result) == ["algorithm", "assignments", "cutoffs", "filled", "unassigned", "stable", "explanations"]


def test_serial_dictatorship_in_rank_order():
    data = {
        "programs": [{"id": "PED", "capacity": 2}, {"id": "CARDIO", "capacity": 1}, {"id": "EMPTY", "capacity": 0}],
        # Listed out of rank order on purpose.
        "candidates": [
            cand("d", 4, "CARDIO", "PED"),
            cand("a", 1, "PED"),
            cand("c", 3, "EMPTY", "PED", "CARDIO"),
            cand("b", 2, "PED", "CARDIO"),
            cand("e", 5, "PED", "CARDIO"),
            cand("f", 6),
        ],
    }
    result = run(data)
    assert result["algorithm"] == "serial-dictatorship"
    assert result["assignments"] == {"d": None, "a": "PED", "c": "CARDIO", "b": "PED", "e": None, "f": None}
    assert result["cutoffs"] == {"PED": 2, "CARDIO": 3, "EMPTY": None}
    assert result["filled"] == {"PED": 2, "CARDIO": 1, "EMPTY": 0}
    assert result["unassigned"] == ["d", "e", "f"]
    assert result["stable"] is True
    assert result["explanations"]["c"] == [
        {"program": "EMPTY", "reason": "full", "cutoff": None},
        {"program": "PED", "reason": "full", "cutoff": 2},
    ]
    assert result["explanations"]["d"] == [
        {"program": "CARDIO", "reason": "full", "cutoff": 3},
        {"program": "PED", "reason": "full", "cutoff": 2},
    ]
    assert result["explanations"]["a"] == []
    assert result["explanations"]["f"] == []


def test_without_explain_there_are_no_explanations():
    data = {"programs": [{"id": "P", "capacity": 1}], "candidates": [cand("a", 1, "P")]}
    assert "explanations" not in run(data, explain=False)


def test_quota_shared_by_two_programs():
    """Two volunteer programs with 2 seats each share a pool of 2 seats for foreign candidates."""
    data = {
        "programs": [
            {"id": "CARDIO#VOL", "capacity": 2},
            {"id": "PED#VOL", "capacity": 2},
            {"id": "NEURO", "capacity": 5},
        ],
        "quotas": [{"id": "VOL-FOREIGN", "capacity": 2, "programs": ["CARDIO#VOL", "PED#VOL"]}],
        "candidates": [
            cand("f1", 1, "CARDIO#VOL"),
            cand("f2", 2, "PED#VOL"),
            cand("f3", 3, "PED#VOL", "CARDIO#VOL", "NEURO"),
            cand("f4", 4, "CARDIO#VOL"),
        ],
    }
    result = run(data)
    assert result["algorithm"] == "serial-dictatorship"
    assert result["assignments"] == {"f1": "CARDIO#VOL", "f2": "PED#VOL", "f3": "NEURO", "f4": None}
    assert result["filled"] == {"CARDIO#VOL": 1, "PED#VOL": 1, "NEURO": 1}
    assert result["stable"] is True
    assert result["explanations"]["f3"] == [
        {"program": "PED#VOL", "reason": "quota", "quota": "VOL-FOREIGN"},
        {"program": "CARDIO#VOL", "reason": "quota", "quota": "VOL-FOREIGN"},
    ]
    assert result["explanations"]["f4"] == [{"program": "CARDIO#VOL", "reason": "quota", "quota": "VOL-FOREIGN"}]


def test_program_in_two_quotas_needs_room_in_both():
    data = {
        "programs": [{"id": "A", "capacity": 3}, {"id": "B", "capacity": 3}],
        "quotas": [
            {"id": "Q1", "capacity": 2, "programs": ["A"]},
            {"id": "Q2", "capacity": 1, "programs": ["A", "B"]},
        ],
        "candidates": [cand("x", 1, "B"), cand("y", 2, "A", "B")],
    }
    result = run(data)
    assert result["assignments"] == {"x": "B", "y": None}
    assert result["explanations"]["y"] == [
        {"program": "A", "reason": "quota", "quota": "Q2"},
        {"program": "B", "reason": "quota", "quota": "Q2"},
    ]


def test_deferred_acceptance_with_program_rankings():
    """Classic 3x3 case: candidates propose, programs trade up."""
    data = {
        "programs": [
            {"id": "X", "capacity": 1, "ranking": ["b", "a", "c"]},
            {"id": "Y", "capacity": 1, "ranking": ["a", "b", "c"]},
            {"id": "Z", "capacity": 1, "ranking": ["a", "b", "c"]},
        ],
        "candidates": [cand("a", 1, "X", "Y", "Z"), cand("b", 2, "Y", "X", "Z"), cand("c", 3, "X", "Y", "Z")],
    }
    result = run(data)
    # Candidate-optimal: a gets X and b gets Y (both first choices), c is left with Z.
    assert result["algorithm"] == "deferred-acceptance"
    assert result["assignments"] == {"a": "X", "b": "Y", "c": "Z"}
    assert result["cutoffs"] == {"X": 2, "Y": 2, "Z": 3}
    assert result["explanations"]["c"] == [
        {"program": "X", "reason": "full", "cutoff": 2},
        {"program": "Y", "reason": "full", "cutoff": 2},
    ]


def test_deferred_acceptance_rejection_chain():
    """A lower-merit candidate preferred by a program bumps a better one down their list."""
    data = {
        "programs": [
            {"id": "P", "capacity": 1, "ranking": ["b", "a"]},
            {"id": "Q", "capacity": 1},  # master list
        ],
        "candidates": [cand("a", 1, "P", "Q"), cand("b", 2, "Q", "P"), cand("c", 3, "Q")],
    }
    # a -> P, b -> Q (master: b beats c), c -> Q rejected. Stable; b prefers Q to P.
    result = run(data)
    assert result["assignments"] == {"a": "P", "b": "Q", "c": None}
    assert result["cutoffs"] == {"P": 2, "Q": 2}

    data["candidates"][1] = cand("b", 2, "P", "Q")
    # Now b proposes to P, P prefers b and drops a, who goes to Q; c gets nothing.
    result = run(data)
    assert result["assignments"] == {"a": "Q", "b": "P", "c": None}
    assert result["cutoffs"] == {"P": 1, "Q": 1}
    assert result["explanations"]["a"] == [{"program": "P", "reason": "full", "cutoff": 1}]
    assert result["unassigned"] == ["c"]


def test_absent_from_ranking_is_not_acceptable():
    data = {
        "programs": [{"id": "P", "capacity": 5, "ranking": ["b"]}, {"id": "Q", "capacity": 5}],
        "candidates": [cand("a", 1, "P", "Q"), cand("b", 2, "P"), cand("c", 3, "P")],
    }
    result = run(data)
    assert result["assignments"] == {"a": "Q", "b": "P", "c": None}
    assert result["explanations"]["a"] == [{"program": "P", "reason": "not ranked"}]
    assert result["explanations"]["c"] == [{"program": "P", "reason": "not ranked"}]
    assert result["filled"] == {"P": 1, "Q": 1}


def test_serial_dictatorship_equals_da_on_master_list():
    data = {
        "programs": [{"id": "P", "capacity": 1}, {"id": "Q", "capacity": 2}],
        "candidates": [cand("a", 3, "P", "Q"), cand("b", 1, "Q", "P"), cand("c", 2, "P"), cand("d", 4, "Q")],
    }
    inst = parse_instance(data)
    assert serial_dictatorship(inst) == deferred_acceptance(inst) == [1, 1, 0, -1]


def test_stability_check_finds_problems():
    data = {
        "programs": [{"id": "P", "capacity": 1}, {"id": "Q", "capacity": 1, "ranking": ["a"]}],
        "candidates": [cand("a", 1, "P", "Q"), cand("b", 2, "P")],
    }
    inst = parse_instance(data)
    assert is_stable(inst, solve(inst).assignment)
    assert any("blocking pair: a and P" in p for p in find_problems(inst, [-1, 0]))  # b took a's seat
    assert any("free seat" in p for p in find_problems(inst, [-1, -1]))
    assert any("not on their list" in p for p in find_problems(inst, [0, 1]))  # b never asked for Q
    assert any("2 assigned for 1 seats" in p for p in find_problems(inst, [0, 0]))
    assert not is_stable(inst, [1, -1])  # b not ranked by Q... a prefers P which is free


def test_stability_check_quota_overflow_and_envy():
    data = {
        "programs": [{"id": "A", "capacity": 2}, {"id": "B", "capacity": 2}],
        "quotas": [{"id": "Q", "capacity": 1, "programs": ["A", "B"]}],
        "candidates": [cand("x", 1, "A"), cand("y", 2, "B")],
    }
    inst = parse_instance(data)
    assert any("quota Q: 2 assigned" in p for p in find_problems(inst, [0, 1]))
    # x has the better rank: y holding the only pool seat while x gets nothing is justified envy.
    assert not is_stable(inst, [-1, 1])
    assert is_stable(inst, [0, -1])


def test_build_result_reports_an_unstable_matching():
    from residanat.matching.engine import Matching

    data = {"programs": [{"id": "P", "capacity": 1}], "candidates": [cand("a", 1, "P"), cand("b", 2, "P")]}
    inst = parse_instance(data)
    assert build_result(inst, Matching("serial-dictatorship", [-1, 0]))["stable"] is False


def test_empty_instance():
    assert run({"programs": [], "candidates": []}) == {
        "algorithm": "serial-dictatorship",
        "assignments": {},
        "cutoffs": {},
        "filled": {},
        "unassigned": [],
        "stable": True,
        "explanations": {},
    }
