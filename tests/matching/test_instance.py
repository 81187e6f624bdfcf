"""Validation of matching instances: every error names the JSON path of the problem."""

import copy

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from residanat.matching.instance import (
    InstanceError,
    _candidates_in_bulk,
    _candidates_one_by_one,
    parse_instance,
)

BASE = {
    "programs": [
        {"id": "CAS-CARDIO", "capacity": 5},
        {"id": "CAS-PED", "capacity": 25, "ranking": ["c7", "c1"]},
    ],
    "candidates": [
        {"id": "c1", "rank": 1, "preferences": ["CAS-PED", "CAS-CARDIO"]},
        {"id": "c7", "rank": 2, "preferences": []},
    ],
}

QUOTA_BASE = {
    "programs": [{"id": "A", "capacity": 2}, {"id": "B", "capacity": 2}],
    "quotas": [{"id": "Q", "capacity": 1, "programs": ["A", "B"]}],
    "candidates": [{"id": "c1", "rank": 1, "preferences": ["A"]}],
}


def error_of(data) -> str:
    with pytest.raises(InstanceError) as info:
        parse_instance(data)
    return str(info.value)


def changed(base, mutate):
    data = copy.deepcopy(base)
    mutate(data)
    return data


def test_valid_instance_is_indexed():
    inst = parse_instance(BASE)
    assert inst.program_ids == ["CAS-CARDIO", "CAS-PED"]
    assert inst.program_ranking == [None, [1, 0]]
    assert inst.candidate_prefs == [[1, 0], []]
    assert inst.has_rankings


def test_quota_instance_is_indexed():
    inst = parse_instance(QUOTA_BASE)
    assert inst.quota_programs == [[0, 1]]
    assert inst.program_quotas == [[0], [0]]
    assert not inst.has_rankings


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["candidates"][1]["preferences"].append("CARDIO-CAS"),
         'candidates[1].preferences[0]: unknown program "CARDIO-CAS"'),
        (lambda d: d["candidates"][0]["preferences"].append("CAS-PED"),
         'candidates[0].preferences[2]: duplicate program "CAS-PED"'),
        (lambda d: d.update(extra=1), "extra: unknown key"),
        (lambda d: d["programs"].append({"id": "CAS-CARDIO", "capacity": 1}),
         'programs[2].id: duplicate program id "CAS-CARDIO"'),
        (lambda d: d["candidates"].append({"id": "c1", "rank": 9, "preferences": []}),
         'candidates[2].id: duplicate candidate id "c1"'),
        (lambda d: d["candidates"].append({"id": "c9", "rank": 2, "preferences": []}),
         "candidates[2].rank: duplicate rank 2"),
        (lambda d: d["programs"][0].update(capacity=-1), "programs[0].capacity: must be >= 0, got -1"),
        (lambda d: d["programs"][0].update(capacity=1.5), "programs[0].capacity: must be an integer"),
        (lambda d: d["programs"][0].update(capacity=True), "programs[0].capacity: must be an integer"),
        (lambda d: d["programs"][0].pop("capacity"), 'programs[0]: missing "capacity"'),
        (lambda d: d["programs"][1]["ranking"].extend(["c99", "c99"]), 'programs[1].ranking[3]: duplicate candidate "c99"'),
        (lambda d: d["programs"][1]["ranking"].append(3), "programs[1].ranking[2]: must be a candidate id"),
        (lambda d: d["programs"][1]["ranking"].append("c1"), 'programs[1].ranking[2]: duplicate candidate "c1"'),
        (lambda d: d["programs"][1].update(ranking="c1"), "programs[1].ranking: must be a list"),
        (lambda d: d["candidates"][0].update(rank="1"), "candidates[0].rank: must be an integer"),
        (lambda d: d["candidates"][0].update(rank=0), "candidates[0].rank: must be >= 1"),
        (lambda d: d["candidates"][0].pop("preferences"), 'candidates[0]: missing "preferences"'),
        (lambda d: d["candidates"][0].update(id=7), "candidates[0].id: must be a non-empty string"),
        (lambda d: d["candidates"][0].update(wishes=[]), "candidates[0].wishes: unknown key"),
        (lambda d: d.pop("candidates"), "candidates: required"),
        (lambda d: d.update(programs={}), "programs: must be a list"),
        (lambda d: d["candidates"].__setitem__(0, "c1"), "candidates[0]: must be an object"),
        (lambda d: d.update(quotas=[{"id": "Q", "capacity": 1, "programs": ["CAS-CARDIO"]}]),
         "programs[1].ranking: quotas require the master list"),
    ],
)
def test_errors_name_the_json_path(mutate, expected):
    assert error_of(changed(BASE, mutate)).startswith(expected)


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["quotas"][0]["programs"].append("C"), 'quotas[0].programs[2]: unknown program "C"'),
        (lambda d: d["quotas"][0]["programs"].append("A"), 'quotas[0].programs[2]: duplicate program "A"'),
        (lambda d: d["quotas"].append({"id": "Q", "capacity": 1, "programs": []}), 'quotas[1].id: duplicate quota id "Q"'),
        (lambda d: d["quotas"][0].update(capacity=-2), "quotas[0].capacity: must be >= 0"),
        (lambda d: d["quotas"][0].pop("programs"), 'quotas[0]: missing "programs"'),
        (lambda d: d["programs"][0].update(ranking=["c1"]), "programs[0].ranking: quotas require the master list"),
    ],
)
def test_quota_errors(mutate, expected):
    assert error_of(changed(QUOTA_BASE, mutate)).startswith(expected)


def test_root_must_be_an_object():
    assert "JSON object" in error_of([1, 2])


def test_empty_quota_list_allows_rankings():
    data = changed(BASE, lambda d: d.update(quotas=[]))
    assert parse_instance(data).has_rankings


def test_ranking_may_name_candidates_not_in_the_instance():
    """The contract's example ranks c7 and c3, absent from its candidates: kept as -1 so that
    positions (used for cutoffs) stay those of the list as given."""
    data = changed(BASE, lambda d: d["programs"][1].update(ranking=["c9", "c1", "c8", "c7"]))
    inst = parse_instance(data)
    assert inst.program_ranking[1] == [-1, 0, -1, 1]
    assert inst.position_maps()[1] == {0: 2, 1: 4}


def test_ids_are_case_sensitive():
    data = changed(BASE, lambda d: d["candidates"][1]["preferences"].append("cas-ped"))
    assert error_of(data) == 'candidates[1].preferences[0]: unknown program "cas-ped"'


# The bulk path of candidate parsing must accept exactly the valid lists, and build what the
# one-by-one path builds; anything it declines goes to the one-by-one path, which names the problem.
PROGRAM_INDEX = {"A": 0, "B": 1, "C": 2}
BAD_VALUES = {
    "id": ["", 7, None, "c0"],
    "rank": [0, -1, True, 1.0, "1", 1],
    "preferences": ["A", ["Z"], ["A", "A"], [["A"]], [0], None],
    "extra": [1],
}


@st.composite
def raw_candidates(draw):
    out = []
    for i in range(draw(st.integers(0, 4))):
        wishes = draw(st.lists(st.sampled_from(["A", "B", "C"]), unique=True))
        cand = {"id": f"c{i}", "rank": i + 1, "preferences": wishes}
        if draw(st.booleans()):  # break one thing, or not
            key = draw(st.sampled_from(sorted(BAD_VALUES)))
            if draw(st.integers(0, 5)):
                cand[key] = draw(st.sampled_from(BAD_VALUES[key]))
            else:
                cand.pop(key, None)
        out.append(cand if draw(st.integers(0, 10)) else draw(st.sampled_from(["c0", None, []])))
    return out


def _two(**second):
    return [{"id": "c0", "rank": 1, "preferences": ["A"]}, {"id": "c1", "rank": 2, "preferences": ["B"], **second}]


@settings(max_examples=300, deadline=None)
@given(raw_candidates())
@example(_two(rank=1))  # duplicate rank
@example(_two(id="c0"))  # duplicate id
@example(_two(id=""))
@example(_two(preferences="A"))  # a string is not a list of ids, even though "A" is a program
@example(_two(preferences=["B", "B"]))
@example(_two(rank=True))
def test_candidates_in_bulk_accepts_exactly_what_one_by_one_accepts(raw):
    bulk = _candidates_in_bulk(raw, PROGRAM_INDEX)
    try:
        expected = _candidates_one_by_one(raw, PROGRAM_INDEX)
    except InstanceError:
        assert bulk is None
    else:
        assert bulk == expected
