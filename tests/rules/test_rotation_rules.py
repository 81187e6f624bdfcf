"""Mandatory internat rotations and the choices they refuse (D93 art. 14)."""

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from residanat.rules.rotations import Done, missing, refusal, requirements

ON = dt.date(2026, 11, 1)
MEDICINE_KINDS = ["general_medicine", "general_surgery", "paediatrics", "obstetrics_gynaecology", "other"]


def done(*kinds):
    return [Done(f"s{i}", kind) for i, kind in enumerate(kinds)]


def test_medicine_intern_cannot_choose_a_fourth_non_mandatory_service_when_a_mandatory_one_is_missing():
    history = done("general_medicine", "general_surgery", "other")
    failure = refusal("medicine", history, "s-new", "other", ON)
    assert failure.code == "mandatory_impossible"
    assert failure.ref == "D93 art. 14"
    assert "pédiatrie ou gynécologie-obstétrique" in failure.message_fr
    assert "طب الأطفال" in failure.message_ar
    # Either of the two services of the third requirement fills it.
    assert refusal("medicine", history, "s-new", "obstetrics_gynaecology", ON) is None
    assert refusal("medicine", history, "s-new", "paediatrics", ON) is None


def test_an_optional_service_is_allowed_while_the_periods_left_still_cover_the_mandatory_ones():
    assert refusal("medicine", done("general_medicine"), "s-new", "other", ON) is None
    assert refusal("medicine", done("other"), "s-new", "other", ON).code == "mandatory_impossible"


def test_the_same_service_twice_and_a_fifth_rotation_are_refused():
    history = [Done("cardio", "other")]
    assert refusal("medicine", history, "cardio", "other", ON).code == "same_service"
    four = done("general_medicine", "general_surgery", "paediatrics", "other")
    assert refusal("medicine", four, "s-new", "other", ON).code == "internat_complete"


def test_pharmacy_needs_two_drug_related_and_two_biology_services():
    assert [(m.requirement.code, m.count) for m in missing("pharmacy", done("drug_related"), ON)] == [
        ("drug_related", 1), ("biology", 2)]
    assert refusal("pharmacy", done("drug_related", "drug_related"), "s-new", "drug_related", ON).code == \
        "mandatory_impossible"


def test_dental_interns_do_the_four_services_of_article_14():
    assert {r.code for r in requirements("dental", ON)} == {
        "dental_periodontology", "dental_conservative", "dental_paediatric", "dental_prosthodontics"}
    assert refusal("dental", done("dental_conservative"), "s-new", "other", ON).code == "mandatory_impossible"


@given(st.lists(st.sampled_from(MEDICINE_KINDS), min_size=0, max_size=3))
def test_whatever_is_accepted_can_still_be_completed(history_kinds):
    """If every choice is checked, the mandatory rotations can always be completed in the four."""
    history = done(*history_kinds)
    if sum(m.count for m in missing("medicine", history, ON)) > 4 - len(history):
        return  # a history the check would never have let happen
    for kind in MEDICINE_KINDS:
        if refusal("medicine", history, "s-new", kind, ON) is None:
            after = [*history, Done("s-new", kind)]
            left = 4 - len(after)
            # Some completion of the remaining periods fills every requirement.
            assert any(not missing("medicine", after + done(*rest), ON)
                       for rest in itertools.product(MEDICINE_KINDS, repeat=left))
