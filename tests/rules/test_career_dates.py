"""The computed dates of a career, each with its article (D93 art. 14–15, 21, 23, 33; RD68 ch. 4–5)."""

import datetime as dt

from residanat.rules.careers import (
    Chooser,
    internat_dates,
    public_health_internat_dates,
    residency_dates,
    seniority_then_rank,
)
from residanat.rules.service_time import Span

D = dt.date
START = D(2025, 11, 1)


def by_code(dates):
    return {d.code: d for d in dates}


def test_internat_dates_without_incident():
    dates = by_code(internat_dates("medicine", START, 0, [], START))
    assert dates["expected_end"].day == D(2027, 10, 31)
    assert dates["thesis_eligible"].day == D(2027, 5, 1) and dates["thesis_eligible"].ref == "D93 art. 15"
    assert by_code(internat_dates("pharmacy", START, 0, [], START))["thesis_eligible"].day == D(2026, 11, 1)
    assert dates["title_eligible"].day == D(2027, 11, 1)
    assert dates["expected_end"].note_fr == ""


def test_a_rotation_not_validated_moves_the_end_of_internat_by_six_months():
    dates = by_code(internat_dates("medicine", START, 1, [], START))
    assert dates["expected_end"].day == D(2028, 4, 30)
    assert "+6 mois" in dates["expected_end"].note_fr
    # Thesis eligibility counts months of internat served, not validated rotations.
    assert dates["thesis_eligible"].day == D(2027, 5, 1)


def test_a_seven_month_sick_leave_moves_the_thesis_eligibility_but_a_five_month_one_does_not():
    seven = [Span(D(2026, 1, 1), D(2026, 7, 31))]
    five = [Span(D(2026, 1, 1), D(2026, 5, 31))]
    moved = by_code(internat_dates("medicine", START, 0, seven, START))["thesis_eligible"]
    assert moved.day == D(2027, 5, 1) + dt.timedelta(days=212)
    assert "212" in moved.note_fr and "212" in moved.note_ar
    assert by_code(internat_dates("medicine", START, 0, five, START))["thesis_eligible"].day == D(2027, 5, 1)


def test_residency_end_by_specialty_length_and_repeat_and_the_titles_doctorate_deadline():
    # A repeat of the third year: it moves the end, not the doctorate deadline (the first year's end).
    dates = by_code(residency_dates(START, 5, [3], True, [], START))
    assert dates["expected_end"].day == D(2031, 10, 31)
    assert dates["doctorate_deadline"].day == D(2026, 10, 31) and dates["doctorate_deadline"].ref == "D93 art. 21"
    assert "doctorate_deadline" not in by_code(residency_dates(START, 3, [], False, [], START))


def test_d93_art_21_1a_the_repeat_of_the_first_year_counts_in_the_doctorate_deadline():
    """D93 art. 21 1.a: "خلال السنة الأولى من مدة العمل بصفة مقيم على أبعد تقدير. وتؤخذ بعين الاعتبار
    في هذه المدة سنة التكرار المسموح بها في المادة 23": a first year done twice gives two years."""
    start = D(2026, 11, 1)
    dates = by_code(residency_dates(start, 4, [1], True, [], start))
    assert dates["doctorate_deadline"].day == D(2028, 10, 31)
    assert "+12 mois" in dates["doctorate_deadline"].note_fr
    assert dates["expected_end"].day == D(2031, 10, 31)
    assert by_code(residency_dates(start, 4, [], True, [], start))["doctorate_deadline"].day == D(2027, 10, 31)


def test_public_health_internat_lasts_three_years():
    dates = by_code(public_health_internat_dates(START, [], START))
    assert dates["expected_end"].day == D(2028, 10, 31) and dates["expected_end"].ref == "RD68 ch. 4"


def test_choice_by_seniority_then_rank():
    senior_worse = Chooser("senior", D(2024, 11, 1), 40)
    junior_best = Chooser("junior", D(2025, 11, 1), 1)
    junior_second = Chooser("junior2", D(2025, 11, 1), 2)
    no_rank = Chooser("norank", D(2025, 11, 1), None)
    order = seniority_then_rank([junior_second, no_rank, junior_best, senior_worse])
    assert [c.id for c in order] == ["senior", "junior", "junior2", "norank"]
