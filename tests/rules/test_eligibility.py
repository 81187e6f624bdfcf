"""Eligibility conditions of the competitions: D93 art. 8, D93 art. 21, RD68 ch. 1 (pure core)."""

import dataclasses
import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from residanat.rules import eligibility, param
from residanat.rules.eligibility import (
    Facts,
    Failure,
    add_years,
    attempt_number,
    check,
    is_eligible,
)

ON = dt.date(2026, 6, 1)
ARABIC = re.compile(r"[\u0600-\u06FF]")


def internat(**changes) -> Facts:
    """A medicine student who meets every condition of D93 art. 8 on ON."""
    return dataclasses.replace(
        Facts(kind="internat", route="competition", track="medicine", enrolled=True, validated_years=5), **changes)


def residanat(**changes) -> Facts:
    """A Moroccan doctor of medicine with a year of practice on ON, in order with the civil service."""
    base = Facts(kind="residanat", route="competition", track="medicine", diploma="medicine",
                 practice_since=dt.date(2025, 6, 1), civil_service_in_order=True)
    return dataclasses.replace(base, **changes)


def public_health(**changes) -> Facts:
    base = Facts(kind="public_health_internat", route="competition", track="medicine", enrolled=True,
                 year5_exams_passed=True)
    return dataclasses.replace(base, **changes)


def codes(facts: Facts, on: dt.date = ON) -> list[str]:
    return [f.code for f in check(facts, on)]


def only(facts: Facts, on: dt.date = ON) -> Failure:
    failures = check(facts, on)
    assert len(failures) == 1, failures
    return failures[0]


# --- internat, D93 art. 8 -------------------------------------------------------------------------

@pytest.mark.parametrize("track, required", [("medicine", 5), ("dental", 4), ("pharmacy", 3)])
def test_internat_requires_the_years_of_the_track_validated(track, required):
    assert param(f"internat.validated_years_required.{track}", ON) == required
    assert check(internat(track=track, validated_years=required), ON) == []
    failure = only(internat(track=track, validated_years=required - 1))
    assert (failure.code, failure.ref) == ("years_not_validated", "D93 art. 8")
    assert f"{required - 1} années validées sur les {required} exigées" in failure.message_fr
    assert f"{required - 1}" in failure.message_ar and f"{required}" in failure.message_ar


def test_internat_without_validated_years_declared_is_refused():
    assert only(internat(validated_years=None)).code == "years_not_validated"


def test_internat_requires_regular_enrolment():
    failure = only(internat(enrolled=False))
    assert (failure.code, failure.ref) == ("not_enrolled", "D93 art. 8")


def test_internat_fourth_attempt_is_allowed_and_fifth_refused():
    assert check(internat(previous_attempts=3), ON) == []
    failure = only(internat(previous_attempts=4))
    assert (failure.code, failure.ref) == ("attempts_exhausted", "D93 art. 8")
    assert "n° 5" in failure.message_fr and "4 au plus" in failure.message_fr
    assert "5" in failure.message_ar and "4" in failure.message_ar


def test_internat_is_closed_after_the_thesis_defence():
    failure = only(internat(thesis_defended_on=dt.date(2026, 3, 12)))
    assert (failure.code, failure.ref) == ("thesis_defended", "D93 art. 8")
    assert "12/03/2026" in failure.message_fr and "12/03/2026" in failure.message_ar
    # Defended on the judging day: already after the defence.
    assert codes(internat(thesis_defended_on=ON)) == ["thesis_defended"]
    # A defence planned after the judging day does not bar the candidate.
    assert check(internat(thesis_defended_on=ON + dt.timedelta(days=1)), ON) == []


def test_internat_reports_every_unmet_condition_at_once():
    facts = internat(enrolled=False, validated_years=2, previous_attempts=4, thesis_defended_on=dt.date(2026, 1, 1))
    assert codes(facts) == ["not_enrolled", "years_not_validated", "attempts_exhausted", "thesis_defended"]


# --- résidanat by competition, D93 art. 21 2° -----------------------------------------------------

@pytest.mark.parametrize("diploma", ["medicine", "pharmacy", "dental"])
def test_residanat_is_open_to_each_doctorate(diploma):
    assert check(residanat(diploma=diploma), ON) == []


def test_residanat_without_a_doctorate_is_refused():
    failure = only(residanat(diploma=""))
    assert (failure.code, failure.ref) == ("no_doctorate", "D93 art. 21")


def test_veterinary_doctor_is_admitted_only_for_biology():
    assert check(residanat(diploma="veterinary", biology_only=True), ON) == []
    failure = only(residanat(diploma="veterinary", biology_only=False))
    assert (failure.code, failure.ref) == ("veterinary_not_biology", "D93 art. 21")


def test_d93_art_21_2_veterinary_doctor_owes_no_year_of_practice():
    """D93 art. 21 2°: the year of practice closes the line of the doctorates in medicine, pharmacy
    and dental medicine ("… الذين قضوا جميعا سنة من الممارسة الفعلية بهذه الصفة؛"); the next line,
    "الحاصلون على شهادة دكتور بيطري أو شهادة معادلة لها الراغبون في تحضير تخصص في البيولوجيا",
    asks the veterinary doctor only to prepare a biology specialty."""
    assert check(residanat(diploma="veterinary", biology_only=True, practice_since=None), ON) == []
    # Practice begun two months ago, or never declared: neither is a ground of refusal.
    assert check(residanat(diploma="veterinary", biology_only=True, practice_since=dt.date(2026, 4, 1)), ON) == []
    assert codes(residanat(diploma="veterinary", biology_only=False, practice_since=None)) == [
        "veterinary_not_biology"]


@pytest.mark.parametrize("diploma", ["medicine", "pharmacy", "dental"])
def test_d93_art_21_2_every_doctor_of_medicine_pharmacy_or_dental_medicine_owes_the_year_of_practice(diploma):
    # "جميعا" (all of them): the doctors of medicine of the line before as well (decision 0007).
    assert param(f"residanat.practice_years_required.{diploma}", ON) == 1
    assert codes(residanat(diploma=diploma, practice_since=None)) == ["practice_too_short"]
    assert codes(residanat(diploma=diploma, practice_since=dt.date(2026, 4, 1))) == ["practice_too_short"]


def test_d93_art_21_2_the_other_reading_of_jamian_is_one_parameter(monkeypatch):
    # Read "الذين قضوا جميعا" as closing the pharmacy and dental line only: the doctors of medicine
    # owe no practice once their parameter is 0; the others still do.
    real = eligibility.param

    def reading(key, on, *args):
        return 0 if key == "residanat.practice_years_required.medicine" else real(key, on, *args)

    monkeypatch.setattr(eligibility, "param", reading)
    assert check(residanat(diploma="medicine", practice_since=None), ON) == []
    assert codes(residanat(diploma="pharmacy", practice_since=None)) == ["practice_too_short"]


def test_without_a_doctorate_the_practice_is_not_judged():
    # Which doctorate owes what practice is unknown: the refusal is the missing doctorate.
    assert codes(residanat(diploma="", practice_since=None)) == ["no_doctorate"]


def test_foreign_diploma_needs_a_recognised_equivalence():
    failure = only(residanat(diploma_foreign=True, diploma_equivalence=""))
    assert (failure.code, failure.ref) == ("equivalence_missing", "D93 art. 21")
    assert codes(residanat(diploma_foreign=True, diploma_equivalence="   ")) == ["equivalence_missing"]
    assert check(residanat(diploma_foreign=True, diploma_equivalence="Arrêté n° 123-24"), ON) == []


def test_practice_of_exactly_one_year_on_the_judging_day_is_enough():
    assert param("residanat.practice_years_required.medicine", ON) == 1
    assert check(residanat(practice_since=dt.date(2025, 6, 1)), dt.date(2026, 6, 1)) == []


def test_practice_one_day_short_of_a_year_is_refused():
    failure = only(residanat(practice_since=dt.date(2025, 6, 2)), dt.date(2026, 6, 1))
    assert (failure.code, failure.ref) == ("practice_too_short", "D93 art. 21")
    assert "02/06/2025" in failure.message_fr and "02/06/2026" in failure.message_fr
    assert "02/06/2026" in failure.message_ar


def test_residanat_without_practice_declared_is_refused():
    assert codes(residanat(practice_since=None)) == ["practice_too_short"]


def test_a_year_from_29_february_ends_on_1_march():
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 3, 1)
    assert codes(residanat(practice_since=dt.date(2024, 2, 29)), dt.date(2025, 2, 28)) == ["practice_too_short"]
    assert check(residanat(practice_since=dt.date(2024, 2, 29)), dt.date(2025, 3, 1)) == []


def test_moroccan_candidate_must_be_in_order_with_the_civil_service():
    failure = only(residanat(moroccan=True, civil_service_in_order=False))
    assert (failure.code, failure.ref) == ("civil_service", "D93 art. 21")


def test_foreign_candidate_is_exempt_from_the_civil_service_condition():
    assert check(residanat(moroccan=False, civil_service_in_order=False), ON) == []


def test_residanat_fourth_attempt_is_allowed_and_fifth_refused():
    assert check(residanat(previous_attempts=3), ON) == []
    failure = only(residanat(previous_attempts=4))
    assert (failure.code, failure.ref) == ("attempts_exhausted", "D93 art. 21")


# --- résidanat on titles, D93 art. 21 1.a and 1.b -------------------------------------------------

def titles_intern(**changes) -> Facts:
    """A Moroccan intern with two years of internat validated, in order with the civil service."""
    base = Facts(kind="residanat", route="titles_intern", internat_months_validated=24, civil_service_in_order=True)
    return dataclasses.replace(base, **changes)


def test_intern_with_24_months_of_internat_is_admitted_on_titles():
    assert check(titles_intern(), ON) == []


def test_intern_with_23_months_of_internat_is_refused_on_titles():
    failure = only(titles_intern(internat_months_validated=23))
    assert (failure.code, failure.ref) == ("internat_too_short", "D93 art. 21")
    assert "23 mois" in failure.message_fr and "24 exigés" in failure.message_fr
    assert codes(titles_intern(internat_months_validated=None)) == ["internat_too_short"]


def test_d93_art_21_moroccan_intern_on_titles_must_be_in_order_with_the_civil_service():
    """D93 art. 21: "ويجب على المترشحين المدنيين المغاربة المشار إليهم في الفقرتين 1 و2 أعلاه أن يثبتوا
    وجودهم في وضعية قانونية بالنظر إلى الخدمة المدنية" — paragraph 1 (on titles) as well as 2."""
    failure = only(titles_intern(civil_service_in_order=False))
    assert (failure.code, failure.ref) == ("civil_service", "D93 art. 21")
    assert "service civil" in failure.message_fr and "الخدمة المدنية" in failure.message_ar
    # Both conditions unmet: both are reported.
    assert codes(titles_intern(internat_months_validated=20, civil_service_in_order=False)) == [
        "internat_too_short", "civil_service"]


def test_d93_art_21_foreign_intern_on_titles_owes_no_civil_service():
    # "المترشحين المدنيين المغاربة": Moroccan civilians only.
    assert check(titles_intern(moroccan=False, civil_service_in_order=False), ON) == []


def test_titles_route_has_no_attempt_cap():
    assert check(titles_intern(previous_attempts=9), ON) == []


def test_military_titles_route_ignores_the_conditions_of_the_competition():
    # No diploma, no practice: conditions of art. 21 2° only. No civil service either: 1.b admits
    # military candidates, and the civil-service sentence names "المترشحين المدنيين" (civilians).
    assert check(Facts(kind="residanat", route="titles_military", military_assistant_passed=True), ON) == []


def test_military_candidate_must_have_passed_the_assistants_competition():
    failure = only(Facts(kind="residanat", route="titles_military", military_assistant_passed=False))
    assert (failure.code, failure.ref) == ("not_military_assistant", "D93 art. 21")


@pytest.mark.parametrize("kind", ["internat", "public_health_internat"])
def test_titles_route_exists_only_for_the_residanat(kind):
    failure = only(Facts(kind=kind, route="titles_intern", internat_months_validated=24))
    assert (failure.code, failure.ref) == ("route_not_open", "D93 art. 21")


# --- public-health internat, RD68 ch. 1 -----------------------------------------------------------

def test_public_health_internat_requires_the_year5_exams():
    assert check(public_health(), ON) == []
    failure = only(public_health(year5_exams_passed=False))
    assert (failure.code, failure.ref) == ("year5_exams", "RD68 ch. 1")


def test_public_health_internat_second_attempt_allowed_third_refused():
    assert param("ph_internat.max_attempts", ON) == 2
    assert check(public_health(previous_attempts=1), ON) == []
    failure = only(public_health(previous_attempts=2))
    assert (failure.code, failure.ref) == ("attempts_exhausted", "RD68 ch. 1")
    assert "n° 3" in failure.message_fr and "2 au plus" in failure.message_fr


@pytest.mark.parametrize("track", ["pharmacy", "dental"])
def test_public_health_internat_is_only_for_medicine_students(track):
    failure = only(public_health(track=track))
    assert (failure.code, failure.ref) == ("not_medicine", "RD68 ch. 1")


def test_doctor_of_medicine_cannot_be_a_public_health_intern():
    failure = only(public_health(thesis_defended_on=dt.date(2026, 1, 15)))
    assert (failure.code, failure.ref) == ("doctor_of_medicine", "RD68 ch. 13")


# --- the answers --------------------------------------------------------------------------------

def test_attempt_number_counts_this_attempt():
    assert attempt_number(0) == 1
    assert attempt_number(3) == 4


def test_unknown_kind_route_or_track_is_a_programming_error():
    with pytest.raises(ValueError):
        Facts(kind="externat")
    with pytest.raises(ValueError):
        Facts(kind="residanat", route="lottery")
    with pytest.raises(ValueError):
        Facts(kind="internat", track="veterinary")


def test_failure_as_dict_and_message_in_a_language():
    failure = only(internat(validated_years=4))
    assert failure.as_dict() == {"code": "years_not_validated", "ref": "D93 art. 8",
                                 "message_fr": failure.message_fr, "message_ar": failure.message_ar}
    assert failure.message("ar") == failure.message_ar
    assert failure.message("fr") == failure.message_fr


# --- properties ---------------------------------------------------------------------------------

TRACKS = st.sampled_from(["medicine", "pharmacy", "dental"])
DAYS = st.dates(min_value=dt.date(2013, 1, 1), max_value=dt.date(2035, 12, 31))
OPTIONAL_DAYS = st.none() | DAYS

any_facts = st.builds(
    Facts,
    kind=st.sampled_from(["internat", "residanat", "public_health_internat"]),
    route=st.sampled_from(["competition", "titles_intern", "titles_military"]),
    track=TRACKS,
    moroccan=st.booleans(),
    enrolled=st.booleans(),
    validated_years=st.none() | st.integers(0, 7),
    thesis_defended_on=OPTIONAL_DAYS,
    year5_exams_passed=st.booleans(),
    diploma=st.sampled_from(["", "medicine", "pharmacy", "dental", "veterinary"]),
    diploma_foreign=st.booleans(),
    diploma_equivalence=st.sampled_from(["", "Arrêté 12-24"]),
    practice_since=OPTIONAL_DAYS,
    civil_service_in_order=st.booleans(),
    biology_only=st.booleans(),
    internat_months_validated=st.none() | st.integers(0, 36),
    military_assistant_passed=st.booleans(),
    previous_attempts=st.integers(0, 8),
)


@given(any_facts, DAYS)
def test_every_failure_names_its_article_and_explains_itself_in_both_languages(facts, on):
    failures = check(facts, on)
    assert is_eligible(facts, on) == (failures == [])
    for failure in failures:
        assert failure.ref in {"D93 art. 8", "D93 art. 21", "RD68 ch. 1", "RD68 ch. 13"}
        assert failure.message_fr and not ARABIC.search(failure.message_fr)
        assert ARABIC.search(failure.message_ar)
    assert len({f.code for f in failures}) == len(failures)


@given(any_facts, DAYS, st.integers(1, 3))
def test_more_validated_years_never_make_a_candidate_ineligible(facts, on, more):
    if facts.validated_years is None:
        return
    better = dataclasses.replace(facts, validated_years=facts.validated_years + more)
    assert set(codes(better, on)) <= set(codes(facts, on))


@given(any_facts, DAYS, st.integers(1, 3))
def test_more_earlier_attempts_never_make_a_candidate_eligible(facts, on, more):
    worse = dataclasses.replace(facts, previous_attempts=facts.previous_attempts + more)
    assert set(codes(facts, on)) <= set(codes(worse, on))


@given(any_facts, DAYS, st.integers(1, 2000))
def test_a_competition_verdict_never_worsens_with_practice_time_alone(facts, on, days):
    # Practice only grows with time; the thesis bars (internat, RD68 ch. 13) are held fixed here.
    facts = dataclasses.replace(facts, kind="residanat", route="competition")
    later = on + dt.timedelta(days=days)
    assert set(codes(facts, later)) <= set(codes(facts, on))


@given(st.integers(0, 8))
def test_attempt_cap_is_crossed_exactly_after_the_parameter(previous):
    cap = param("internat.max_attempts", ON)
    refused = "attempts_exhausted" in codes(internat(previous_attempts=previous))
    assert refused == (attempt_number(previous) > cap)
