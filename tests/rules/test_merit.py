"""The pure merit rules: weighted total, ranking and tie-break, and who is admitted under D93 art. 13
(internat), art. 21 (résidanat) and RD68 (public-health internat)."""

import datetime as dt
import math
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from residanat.rules import merit
from residanat.rules import param
from residanat.rules.merit import (
    ABSENT,
    ADMITTED,
    ADMITTED_FOREIGN,
    FOREIGN_BELOW_THRESHOLD,
    FOREIGN_OVER_CAP,
    NOT_ADMITTED,
    Contestant,
    UnresolvedTie,
    decide,
    foreign_cap,
    rank,
    tie_values,
    weighted_total,
)

SHARE = D("0.10")


def people(*rows, pool=""):
    """rows: (id, total, moroccan) → Contestants (no tie-break values)."""
    return [Contestant(i, pool, None if t is None else D(str(t)), m) for i, t, m in rows]


def outcomes(decisions):
    return {d.id: d.outcome for d in decisions}


def by_id(decisions):
    return {d.id: d for d in decisions}


# --- weighted total ------------------------------------------------------------------------------

def test_weighted_total_is_the_weighted_mean_on_twenty():
    # (2 × 12/20×20 + 1 × 30/40×20) / 3 = (24 + 15) / 3
    total = weighted_total({"a": D(12), "b": D(30)}, {"a": D(2), "b": D(1)}, {"a": D(20), "b": D(40)})
    assert total == D("13.000")


def test_weighted_total_rounds_half_up_to_three_decimals():
    # Two tests of weight 1: (12.5 + 12.503) / 2 = 12.5015 → 12.502
    assert weighted_total({"a": D("12.5"), "b": D("12.503")}, {"a": 1, "b": 1}, {"a": 20, "b": 20}) == D("12.502")
    # 1/3 of 20 = 6.6666… → 6.667
    assert weighted_total({"a": D(1)}, {"a": 1}, {"a": 3}) == D("6.667")


def test_absent_from_any_test_gives_no_total():
    assert weighted_total({"a": D(18), "b": None}, {"a": 1, "b": 3}, {"a": 20, "b": 20}) is None


def test_a_test_without_any_score_is_an_error_not_an_absence():
    with pytest.raises(ValueError, match="no score for test"):
        weighted_total({"a": D(18)}, {"a": 1, "b": 1}, {"a": 20, "b": 20})


# --- ranking and tie-break ----------------------------------------------------------------------

def test_equal_candidates_share_the_rank_and_the_next_rank_skips():
    ranked = rank(people(("a", 15, True), ("b", 14, True), ("c", 14, True), ("d", 13, True)), [])
    assert [(c.id, c.rank) for c in ranked] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_absentees_are_not_ranked_and_come_last():
    ranked = rank(people(("x", None, True), ("a", 10, True)), [])
    assert [(c.id, c.rank) for c in ranked] == [("a", 1), ("x", None)]


def test_each_pool_is_ranked_on_its_own():
    ranked = rank(people(("m1", 12, True), pool="medicine") + people(("p1", 11, True), pool="pharmacy"), [])
    assert {c.id: c.rank for c in ranked} == {"m1": 1, "p1": 1}


WEIGHTS = {"qcm": D(1), "cas": D(3), "oral": D(3)}


def contestant(id, total, scores, born, keys):
    return Contestant(id, "", D(total), True, tie_values(keys, scores, WEIGHTS, born))


def test_heaviest_test_breaks_a_tie_by_the_score_in_the_tests_of_largest_weight():
    keys = ["heaviest_test"]
    a = contestant("a", 14, {"qcm": D(20), "cas": D(12), "oral": D(15)}, None, keys)
    b = contestant("b", 14, {"qcm": D(10), "cas": D(13), "oral": D(10)}, None, keys)
    # "cas" and "oral" share the largest weight: compared in the competition's order, "cas" first.
    assert [c.id for c in rank([a, b], keys)] == ["b", "a"]


def test_test_key_breaks_a_tie_by_that_test():
    keys = ["test:qcm"]
    a = contestant("a", 14, {"qcm": D(11), "cas": D(12), "oral": D(15)}, None, keys)
    b = contestant("b", 14, {"qcm": D(12), "cas": D(13), "oral": D(10)}, None, keys)
    assert [(c.id, c.rank) for c in rank([a, b], keys)] == [("b", 1), ("a", 2)]


def test_older_puts_the_earlier_birth_date_first_and_younger_the_later():
    same = {"qcm": D(10), "cas": D(10), "oral": D(10)}
    for keys, first in ((["older"], "old"), (["younger"], "young")):
        old = contestant("old", 14, same, dt.date(1995, 1, 1), keys)
        young = contestant("young", 14, same, dt.date(1999, 1, 1), keys)
        assert rank([young, old], keys)[0].id == first


def test_criteria_apply_in_turn_and_candidates_still_equal_share_the_rank():
    keys = ["heaviest_test", "older"]
    same = {"qcm": D(10), "cas": D(10), "oral": D(10)}
    a = contestant("a", 14, same, dt.date(1996, 5, 1), keys)
    b = contestant("b", 14, same, dt.date(1996, 5, 1), keys)
    c = contestant("c", 14, same, dt.date(1990, 5, 1), keys)
    assert {x.id: x.rank for x in rank([a, b, c], keys)} == {"c": 1, "a": 2, "b": 2}


def test_unknown_birth_date_comes_after_known_ones():
    keys = ["older"]
    same = {"qcm": D(10), "cas": D(10), "oral": D(10)}
    assert rank([contestant("x", 14, same, None, keys), contestant("y", 14, same, dt.date(2000, 1, 1), keys)],
                keys)[0].id == "y"


def test_tie_break_settings_are_checked():
    assert merit.check_tie_break_keys(["heaviest_test", "test:qcm", "older", "younger"], ["qcm"]) == []
    assert merit.check_tie_break_keys(["test:oral", "tallest"], ["qcm"]) == [
        "unknown test 'oral' in tie-break criterion 'test:oral'", "unknown tie-break criterion 'tallest'"]


# --- Moroccans and the last successful Moroccan -------------------------------------------------

def test_moroccans_take_the_seats_in_rank_order():
    ranked = rank(people(("a", 16, True), ("b", 15, True), ("c", 14, True)), [])
    assert outcomes(decide("residanat", ranked, {"": 2}, 0, 2, SHARE)) == {
        "a": ADMITTED, "b": ADMITTED, "c": NOT_ADMITTED}


def test_last_successful_moroccan_is_counted_among_moroccans_when_foreigners_rank_between_them():
    # Two seats open to Moroccans; a foreigner ranks 2nd: the last successful Moroccan is m2 (rank 3).
    ranked = rank(people(("m1", 16, True), ("f1", 15.5, False), ("m2", 15, True), ("m3", 14, True),
                         ("f2", 14.5, False)), [])
    decisions = by_id(decide("internat", ranked, {"": 2}, 0, 2, SHARE))
    assert decisions["m2"].outcome == ADMITTED and decisions["m3"].outcome == NOT_ADMITTED
    assert decisions["f1"].threshold == D("15.000")
    assert decisions["f1"].outcome == ADMITTED_FOREIGN
    assert decisions["f2"].outcome == FOREIGN_BELOW_THRESHOLD
    assert "dernier Marocain admis, rang 3" in decisions["f1"].explanation_fr


def test_fewer_moroccans_than_seats_all_admitted_and_the_last_of_them_is_the_threshold():
    ranked = rank(people(("m1", 16, True), ("m2", 11, True), ("f", 11, False)), [])
    decisions = by_id(decide("residanat", ranked, {"": 5}, 2, 10, SHARE))
    assert decisions["m2"].outcome == ADMITTED
    assert decisions["f"].threshold == D("11.000") and decisions["f"].outcome == ADMITTED_FOREIGN


def test_absentee_is_reported_absent_without_rank():
    ranked = rank(people(("a", 15, True), ("x", None, True)), [])
    decision = by_id(decide("residanat", ranked, {"": 1}, 0, 1, SHARE))["x"]
    assert decision.outcome == ABSENT and decision.rank is None


def test_without_any_admitted_moroccan_foreigners_cannot_be_measured_and_are_refused():
    ranked = rank(people(("f", 19, False), ("m", 5, True)), [])
    decision = by_id(decide("internat", ranked, {"": 0}, 0, 0, SHARE))["f"]
    assert decision.outcome == NOT_ADMITTED and decision.threshold is None
    assert "Aucun candidat marocain admis" in decision.explanation_fr
    assert "D93 art. 13" in decision.explanation_fr


# --- internat: D93 art. 13 ----------------------------------------------------------------------

def internat(foreign_total, seats=2):
    ranked = rank(people(("m1", 16, True), ("m2", "14.100", True), ("m3", 12, True),
                         ("f", foreign_total, False)), [])
    return by_id(decide("internat", ranked, {"": seats}, 0, seats, SHARE))


def test_internat_foreigner_with_the_threshold_score_is_admitted_on_top_of_the_seats():
    decisions = internat("14.100")
    assert decisions["f"].outcome == ADMITTED_FOREIGN
    assert decisions["f"].rule == "D93 art. 13" and decisions["f"].seat_type == ""
    assert decisions["f"].threshold == D("14.100")
    # On top: the Moroccans still fill every seat.
    assert [d.outcome for d in decisions.values() if d.id.startswith("m")].count(ADMITTED) == 2


def test_internat_foreigner_one_point_below_the_threshold_is_refused():
    decision = internat("13.100")["f"]
    assert decision.outcome == FOREIGN_BELOW_THRESHOLD and decision.rule == "D93 art. 13"
    assert decision.explanation_fr == ("Note 13,100 < seuil 14,100 (dernier Marocain admis, rang 2) : "
                                       "non admis (D93 art. 13)")


def test_internat_foreigner_a_thousandth_below_the_threshold_is_refused():
    assert internat("14.099")["f"].outcome == FOREIGN_BELOW_THRESHOLD


def test_internat_every_foreigner_above_the_threshold_is_admitted_however_many():
    rows = [("m1", 15, True), ("m2", 14, True)] + [(f"f{i}", 14 + i / 10, False) for i in range(8)]
    decisions = decide("internat", rank(people(*rows), []), {"": 2}, 0, 2, SHARE)
    assert sum(d.outcome == ADMITTED_FOREIGN for d in decisions) == 8
    assert sum(d.outcome == ADMITTED for d in decisions) == 2


def test_internat_thresholds_are_per_track():
    ranked = rank(people(("m", 15, True), ("f", 14, False), pool="medicine")
                  + people(("p", 12, True), ("g", 13, False), pool="pharmacy"), [])
    decisions = by_id(decide("internat", ranked, {"medicine": 1, "pharmacy": 1}, 0, 2, SHARE))
    assert decisions["f"].outcome == FOREIGN_BELOW_THRESHOLD
    assert decisions["g"].outcome == ADMITTED_FOREIGN and decisions["g"].threshold == D("12.000")
    assert "en pharmacie" in decisions["p"].explanation_fr


# --- résidanat: D93 art. 21 ---------------------------------------------------------------------

def residanat(foreign_totals, seats=3, volunteer=10, total=100):
    rows = [("m1", 16, True), ("m2", 15, True), ("m3", "14.100", True), ("m4", 10, True)]
    rows += [(f"f{i:02d}", t, False) for i, t in enumerate(foreign_totals, start=1)]
    return by_id(decide("residanat", rank(people(*rows), []), {"": seats}, volunteer, total, SHARE))


def test_residanat_foreigner_with_the_threshold_score_takes_a_volunteer_post():
    decision = residanat(["14.100"])["f01"]
    assert decision.outcome == ADMITTED_FOREIGN
    assert decision.seat_type == "foreign_volunteer" and decision.rule == "D93 art. 21"
    assert decision.threshold == D("14.100")
    assert decision.explanation_fr.startswith(
        "Note 14,100 ≥ seuil 14,100 (dernier Marocain admis, rang 3) : admis sur poste bénévole (D93 art. 21), "
        "1 sur 10 places")
    assert "المادة 21 من المرسوم 2.91.527" in decision.explanation_ar


def test_residanat_foreigner_one_point_below_the_threshold_is_refused():
    assert residanat(["13.100"])["f01"].outcome == FOREIGN_BELOW_THRESHOLD


def test_residanat_foreigner_a_thousandth_below_the_threshold_is_refused():
    decision = residanat(["14.099"])["f01"]
    assert decision.outcome == FOREIGN_BELOW_THRESHOLD and decision.threshold == D("14.100")


def test_residanat_ten_percent_cap_with_more_volunteer_posts_than_ten_percent():
    # 100 seats, 12 volunteer posts: the cap is 10 % = 10; 15 foreigners above the threshold.
    decisions = residanat([f"{15 + i / 100:.2f}" for i in range(15)], volunteer=12, total=100)
    foreign = sorted((d for d in decisions.values() if not d.moroccan), key=lambda d: d.rank)
    assert [d.outcome for d in foreign] == [ADMITTED_FOREIGN] * 10 + [FOREIGN_OVER_CAP] * 5
    assert "places des candidats étrangers sont toutes prises" in foreign[-1].explanation_fr
    assert "10 places = min(12 postes bénévoles, 10 % de 100 postes)" in foreign[-1].explanation_fr


def test_residanat_volunteer_posts_fewer_than_ten_percent_bind():
    decisions = residanat([f"{15 + i / 100:.2f}" for i in range(15)], volunteer=4, total=100)
    assert sum(d.outcome == ADMITTED_FOREIGN for d in decisions.values()) == 4


def test_residanat_cap_counts_only_foreigners_above_the_threshold_in_rank_order():
    decisions = residanat(["18", "13", "17", "16"], volunteer=2, total=100)
    assert decisions["f01"].outcome == ADMITTED_FOREIGN
    assert decisions["f03"].outcome == ADMITTED_FOREIGN
    assert decisions["f04"].outcome == FOREIGN_OVER_CAP
    assert decisions["f02"].outcome == FOREIGN_BELOW_THRESHOLD


def test_residanat_foreigners_do_not_take_the_seats_of_moroccans():
    decisions = residanat(["19", "18.5"], seats=3, volunteer=10, total=100)
    assert [decisions[m].outcome for m in ("m1", "m2", "m3", "m4")] == [ADMITTED] * 3 + [NOT_ADMITTED]


def test_foreign_cap_is_the_smaller_of_volunteer_posts_and_the_share_of_all_seats():
    assert foreign_cap(12, 100, SHARE) == 10
    assert foreign_cap(4, 100, SHARE) == 4
    assert foreign_cap(10, 362, SHARE) == 10
    assert foreign_cap(10, 99, SHARE) == 9  # floor(9.9)


def test_the_foreign_share_is_the_regulation_parameter():
    assert param("residanat.foreign_share_max", on=dt.date(2026, 6, 15)) == SHARE


# --- public-health internat: RD68 ---------------------------------------------------------------

def test_public_health_internat_has_one_list_without_a_foreign_rule():
    ranked = rank(people(("f", 17, False), ("m1", 16, True), ("m2", 15, True)), [])
    decisions = by_id(decide("public_health_internat", ranked, {"": 2}, 0, 2, SHARE))
    assert decisions["f"].outcome == ADMITTED and decisions["m1"].outcome == ADMITTED
    assert decisions["m2"].outcome == NOT_ADMITTED
    assert decisions["f"].rule == "RD68 ch. 3"


# --- ties across the last seat ------------------------------------------------------------------

def test_tie_straddling_the_last_moroccan_seat_raises_with_pool_rank_and_candidates():
    ranked = rank(people(("a", 16, True), ("b", 15, True), ("c", 15, True), ("d", 14, True)), [])
    with pytest.raises(UnresolvedTie) as caught:
        decide("residanat", ranked, {"": 2}, 0, 2, SHARE)
    assert (caught.value.pool, caught.value.rank, set(caught.value.ids)) == ("", 2, {"b", "c"})


def test_tie_inside_the_seats_is_no_problem():
    ranked = rank(people(("a", 16, True), ("b", 16, True), ("c", 15, True)), [])
    assert outcomes(decide("residanat", ranked, {"": 2}, 0, 2, SHARE)) == {
        "a": ADMITTED, "b": ADMITTED, "c": NOT_ADMITTED}


def test_tie_broken_by_a_criterion_no_longer_straddles():
    keys = ["older"]
    b = Contestant("b", "", D(15), True, (dt.date(1990, 1, 1),))
    c = Contestant("c", "", D(15), True, (dt.date(1995, 1, 1),))
    assert outcomes(decide("residanat", rank([b, c], keys), {"": 1}, 0, 1, SHARE)) == {
        "b": ADMITTED, "c": NOT_ADMITTED}


def test_tie_across_the_foreign_cap_raises():
    with pytest.raises(UnresolvedTie) as caught:
        residanat(["17", "16", "16"], volunteer=2, total=100)
    assert set(caught.value.ids) == {"f02", "f03"}


def test_working_list_marks_the_tied_candidates_and_leaves_their_seat_open():
    ranked = rank(people(("a", 16, True), ("b", 15, True), ("c", 15, True), ("d", 14, True), ("f", 15, False)), [])
    decisions = by_id(decide("residanat", ranked, {"": 2}, 1, 20, SHARE, strict=False))
    assert decisions["a"].outcome == ADMITTED
    assert decisions["b"].rule == decisions["c"].rule == "ex aequo"
    assert decisions["b"].outcome == decisions["c"].outcome == NOT_ADMITTED
    # The threshold is the tied total whoever wins the tie.
    assert decisions["f"].outcome == ADMITTED_FOREIGN and decisions["f"].threshold == D("15.000")


def test_decide_refuses_unranked_contestants():
    with pytest.raises(ValueError, match="call rank"):
        decide("residanat", people(("a", 15, True)), {"": 1}, 0, 1, SHARE)


# --- properties ---------------------------------------------------------------------------------

totals = st.decimals(min_value=0, max_value=20, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def fields(draw):
    values = draw(st.lists(totals, min_size=1, max_size=40, unique=True))
    nationalities = draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    return [Contestant(i, "", v, m) for i, (v, m) in enumerate(zip(values, nationalities))]


@settings(max_examples=200, deadline=None)
@given(field=fields(), seats=st.integers(0, 45), volunteer=st.integers(0, 20), extra=st.integers(0, 200),
       kind=st.sampled_from(["internat", "residanat"]))
def test_properties_of_the_decisions(field, seats, volunteer, extra, kind):
    total_seats = seats + volunteer + extra
    ranked = rank(field, [])
    decisions = decide(kind, ranked, {"": seats}, volunteer, total_seats, SHARE)
    moroccans = [c for c in field if c.moroccan]
    admitted_moroccans = [d for d in decisions if d.moroccan and d.outcome == ADMITTED]
    admitted_foreign = [d for d in decisions if d.outcome == ADMITTED_FOREIGN]

    assert len(admitted_moroccans) == min(seats, len(moroccans))
    threshold = min((d.total for d in admitted_moroccans), default=None)
    for d in admitted_foreign:
        assert threshold is not None and d.total >= threshold == d.threshold
    for d in decisions:
        if d.outcome == FOREIGN_BELOW_THRESHOLD:
            assert d.total < threshold
    if kind == "residanat":
        cap = min(volunteer, math.floor(SHARE * total_seats))
        assert len(admitted_foreign) <= cap
        above = [d for d in decisions if not d.moroccan and threshold is not None and d.total >= threshold]
        assert len(admitted_foreign) == min(cap, len(above))
    else:
        assert all(d.outcome != FOREIGN_OVER_CAP for d in decisions)
    # Every admitted Moroccan outranks every refused one.
    refused = [d for d in decisions if d.moroccan and d.outcome == NOT_ADMITTED]
    assert all(a.rank < r.rank for a in admitted_moroccans for r in refused)


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.integers(0, 5), min_size=1, max_size=30))
def test_property_ranks_are_competition_ranks(values):
    ranked = rank([Contestant(i, "", D(v), True) for i, v in enumerate(values)], [])
    for c in ranked:
        assert c.rank == 1 + sum(1 for v in values if v > c.total)


# --- résidanat by track (D93 art. 21, decision 0017) ----------------------------------------------

def test_residanat_threshold_and_cap_are_those_of_the_foreigners_own_track():
    # Medicine: 2 seats, 1 volunteer post; pharmacy: 1 seat, 1 volunteer post.
    medicine = people(("m1", 16, True), ("m2", 15, True), ("m3", 14, True), ("fm1", "15.500", False),
                      ("fm2", "15.200", False), pool="medicine")
    pharmacy = people(("p1", 11, True), ("p2", 10, True), ("fp1", "10.500", False), pool="pharmacy")
    decisions = by_id(decide("residanat", rank(medicine + pharmacy, []), {"medicine": 2, "pharmacy": 1},
                             {"medicine": 1, "pharmacy": 1}, {"medicine": 13, "pharmacy": 11}, SHARE))
    assert [decisions[i].outcome for i in ("m1", "m2", "m3", "p1", "p2")] == [
        ADMITTED, ADMITTED, NOT_ADMITTED, ADMITTED, NOT_ADMITTED]
    # Pharmacy's threshold is its own last Moroccan (11), not medicine's (15).
    assert (decisions["fp1"].outcome, decisions["fp1"].threshold) == (FOREIGN_BELOW_THRESHOLD, D("11.000"))
    # Medicine's one volunteer post goes to fm1; fm2 is over medicine's cap although pharmacy's post
    # stays free: a foreigner never takes another track's volunteer post.
    assert (decisions["fm1"].outcome, decisions["fm1"].threshold) == (ADMITTED_FOREIGN, D("15.000"))
    assert decisions["fm2"].outcome == FOREIGN_OVER_CAP
    assert "1 places = min(1 postes bénévoles, 10 % de 13 postes)" in decisions["fm2"].explanation_fr


def test_residanat_cap_is_ten_percent_of_the_seats_of_the_track():
    # Pharmacy: 8 seats, 3 volunteer posts, 9 seats in all: floor(0.9) = 0 foreigner.
    field = people(("p1", 15, True), ("fp1", 16, False), ("fp2", 17, False), pool="pharmacy")
    decisions = by_id(decide("residanat", rank(field, []), {"pharmacy": 8}, {"pharmacy": 3},
                             {"pharmacy": 9, "medicine": 400}, SHARE))
    assert decisions["fp1"].outcome == decisions["fp2"].outcome == FOREIGN_OVER_CAP


def test_residanat_track_with_no_moroccan_admitted_has_no_threshold():
    field = people(("m1", 16, True), pool="medicine") + people(("fp1", 18, False), pool="pharmacy")
    decisions = by_id(decide("residanat", rank(field, []), {"medicine": 1, "pharmacy": 5},
                             {"medicine": 1, "pharmacy": 1}, {"medicine": 20, "pharmacy": 20}, SHARE))
    assert decisions["fp1"].outcome == NOT_ADMITTED
    assert "Aucun candidat marocain admis" in decisions["fp1"].explanation_fr


@st.composite
def tracked_fields(draw):
    values = draw(st.lists(totals, min_size=1, max_size=40, unique=True))
    n = len(values)
    moroccan = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    tracks = draw(st.lists(st.sampled_from(["medicine", "pharmacy", "dental"]), min_size=n, max_size=n))
    return [Contestant(i, t, v, m) for i, (v, m, t) in enumerate(zip(values, moroccan, tracks))]


@settings(max_examples=200, deadline=None)
@given(field=tracked_fields(), seats=st.fixed_dictionaries({t: st.integers(0, 15) for t in ("medicine", "pharmacy")}),
       volunteer=st.fixed_dictionaries({t: st.integers(0, 5) for t in ("medicine", "pharmacy", "dental")}),
       extra=st.integers(0, 60))
def test_properties_of_the_residanat_decisions_by_track(field, seats, volunteer, extra):
    totals_by_track = {t: seats.get(t, 0) + volunteer[t] + extra for t in volunteer}
    decisions = decide("residanat", rank(field, []), seats, volunteer, totals_by_track, SHARE)
    for track in ("medicine", "pharmacy", "dental"):
        mine = [d for d in decisions if d.pool == track]
        admitted = [d for d in mine if d.moroccan and d.outcome == ADMITTED]
        assert len(admitted) == min(seats.get(track, 0), sum(1 for d in mine if d.moroccan))
        threshold = min((d.total for d in admitted), default=None)
        foreign = [d for d in mine if d.outcome == ADMITTED_FOREIGN]
        cap = min(volunteer[track], math.floor(SHARE * totals_by_track[track]))
        above = [d for d in mine if not d.moroccan and threshold is not None and d.total >= threshold]
        assert len(foreign) == min(cap, len(above))
        assert all(d.total >= threshold == d.threshold for d in foreign)
