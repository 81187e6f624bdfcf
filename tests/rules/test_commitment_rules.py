"""The 8-year commitment (D93 art. 27) and its buy-back (art. 32 bis), pure: periods served,
under-staffed periods counted double, the expected end, and what a release, a dropout or a
definitive exclusion costs."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from residanat.rules import commitments as c
from residanat.rules.commitments import ServicePeriod
from residanat.rules.service_time import Span

D = dt.date
START = D(2026, 1, 1)


def test_eight_years_without_a_listed_establishment_end_on_the_eve_of_the_eighth_anniversary():
    result = c.progress([ServicePeriod("H1", START)], {}, D(2027, 12, 31))
    assert (result.served_days, result.credited_days, result.required_days) == (730, 730, 2922)
    assert result.expected_end == D(2033, 12, 31) and not result.complete
    assert result.refs == ("D93 art. 27",)


def test_two_consecutive_years_in_an_understaffed_establishment_count_four():
    listed = {"RURAL": [Span(D(2020, 1, 1), D(2030, 12, 31))]}
    periods = [ServicePeriod("RURAL", START, D(2027, 12, 31)), ServicePeriod("H1", D(2028, 1, 1))]
    result = c.progress(periods, listed, D(2027, 12, 31))
    assert result.served_days == 730 and result.credited_days == 1460  # 2 years served, 4 counted
    assert result.doubled == [("RURAL", Span(START, D(2027, 12, 31)))]


def test_less_than_two_years_in_a_row_counts_once():
    listed = {"RURAL": [Span(D(2020, 1, 1), D(2030, 12, 31))]}
    periods = [ServicePeriod("RURAL", START, D(2027, 12, 30)), ServicePeriod("H1", D(2027, 12, 31))]
    result = c.progress(periods, listed, D(2028, 6, 30))
    assert result.credited_days == result.served_days and result.doubled == []
    # Two stints of one year each in the same listed hospital, with a gap: not consecutive.
    gap = [ServicePeriod("RURAL", START, D(2026, 12, 31)), ServicePeriod("H1", D(2027, 1, 1), D(2027, 1, 31)),
           ServicePeriod("RURAL", D(2027, 2, 1), D(2028, 1, 31))]
    assert c.progress(gap, listed, D(2028, 1, 31)).doubled == []


def test_only_the_listed_part_of_a_stint_counts_double():
    # Listed from 2027: the first year in the hospital counts once, the next two years double.
    listed = {"RURAL": [Span(D(2027, 1, 1), D(2028, 12, 31))]}
    result = c.progress([ServicePeriod("RURAL", START, D(2028, 12, 31))], listed, D(2028, 12, 31))
    assert result.served_days == 1096 and result.credited_days == 1096 + 731


def test_an_ongoing_listed_stint_brings_the_expected_end_forward():
    listed = {"RURAL": [Span(D(2020, 1, 1), D(2040, 12, 31))]}
    result = c.progress([ServicePeriod("RURAL", START)], listed, D(2026, 6, 30))
    # 2,922 days owed, every day counting two once two years are reached: 1,461 days of service.
    assert result.expected_end == START + dt.timedelta(days=1460)
    assert c.progress([ServicePeriod("RURAL", START)], listed, result.expected_end).complete


@given(st.integers(min_value=0, max_value=3000))
def test_the_expected_end_is_the_first_day_the_commitment_is_complete(offset):
    listed = {"RURAL": [Span(D(2027, 3, 1), D(2031, 12, 31))]}
    periods = [ServicePeriod("H1", START, D(2027, 2, 28)), ServicePeriod("RURAL", D(2027, 3, 1))]
    on = START + dt.timedelta(days=offset)
    result = c.progress(periods, listed, on)
    if result.expected_end is not None:
        assert c.progress(periods, listed, result.expected_end).complete
        assert not c.progress(periods, listed, result.expected_end - dt.timedelta(days=1)).complete


def test_a_release_costs_the_sums_received_plus_an_equal_amount_once_paid():
    cost = c.cost(c.RELEASE, Decimal("126000.00"), D(2029, 5, 1))
    assert (cost.amount, cost.factor, cost.ref) == (Decimal("252000.00"), 2, "D93 art. 32 bis")
    assert cost.effective_on_payment


def test_a_non_civil_servant_dropout_or_exclusion_owes_double_the_sums_received():
    for reason in (c.DROPOUT, c.DEFINITIVE_EXCLUSION):
        cost = c.cost(reason, Decimal("84000.50"), D(2029, 5, 1))
        assert cost.amount == Decimal("168001.00") and not cost.effective_on_payment


def test_a_civil_servant_dropout_owes_eight_years_from_their_return_then_the_repayment():
    owed = c.cost(c.DROPOUT, Decimal("12000.00"), D(2029, 5, 1), civil_servant=True,
                  returned_on=D(2029, 6, 1))
    assert owed.amount is None and owed.service_until == D(2037, 5, 31) and owed.ref == "D93 art. 32 bis"
    assert c.breach_of_service(owed, D(2037, 5, 31)) is None  # served to the last day
    early = c.breach_of_service(owed, D(2033, 1, 15))
    assert early.amount == Decimal("24000.00") and early.factor == 2


def test_a_commitment_with_no_service_period_is_zero_percent_and_not_complete():
    # Issue 18 item 2: with no period, nothing is required yet and nothing is served; the share
    # must read 0 %, not 100 % (the list said "100 %" where the page said "no service period").
    result = c.progress([], {}, START)
    assert result.required_days == 0 and result.start is None
    assert result.share == 0.0 and result.percent == 0 and not result.complete


def test_the_percent_is_the_credited_share_of_the_required_days():
    result = c.progress([ServicePeriod("H1", START)], {}, D(2027, 12, 31))
    assert result.percent == round(100 * 730 / 2922) == 25


def test_only_a_commitment_towards_the_ministry_of_health_counts_understaffed_service_double():
    """D93 art. 27 ¶3: "المقيمون الذين تم توظيفهم كمتخصصين بوزارة الصحة" — only those recruited as
    specialists by the Ministry of Health count two consecutive years in a listed establishment
    double; a commitment towards a hospital centre or higher education counts every day once."""
    listed = {"RURAL": [Span(D(2020, 1, 1), D(2040, 12, 31))]}
    periods = [ServicePeriod("RURAL", START, D(2027, 12, 31)), ServicePeriod("H1", D(2028, 1, 1))]
    ministry = c.progress(periods, listed, D(2027, 12, 31), counterpart=c.MINISTRY)
    assert ministry.credited_days == 1460 and ministry.expected_end == D(2032, 1, 1)  # 2,922 days owed
    for counterpart in (c.HOSPITAL_CENTRE, c.HIGHER_EDUCATION, c.ADMINISTRATION):
        result = c.progress(periods, listed, D(2027, 12, 31), counterpart=counterpart)
        assert (result.served_days, result.credited_days, result.doubled) == (730, 730, [])
        assert result.expected_end == D(2033, 12, 31)  # the eve of the 8th anniversary


def test_days_served_in_two_overlapping_periods_count_once():
    """D93 art. 27: "ثماني سنوات … من الخدمة الفعلية" — eight years of actual service: a calendar day
    is served once, even if two recorded periods in two establishments share it."""
    periods = [ServicePeriod("H1", START, D(2027, 12, 31)), ServicePeriod("H2", D(2026, 7, 1), D(2027, 12, 31))]
    result = c.progress(periods, {}, D(2027, 12, 31))
    assert result.served_days == result.credited_days == 730  # not 730 + 549
    assert c.overlaps(periods) == [tuple(periods)]
    assert c.overlaps([ServicePeriod("H1", START, D(2026, 6, 30)), ServicePeriod("H2", D(2026, 7, 1))]) == []
    assert c.overlaps([ServicePeriod("H1", START), ServicePeriod("H2", D(2030, 7, 1))]) != []  # an open period


def test_doubled_days_in_overlapping_listed_periods_count_once():
    """D93 art. 27: the doubled piece is the calendar time spent in the listed establishment."""
    listed = {"R1": [Span(D(2020, 1, 1), D(2040, 12, 31))], "R2": [Span(D(2020, 1, 1), D(2040, 12, 31))]}
    periods = [ServicePeriod("R1", START, D(2027, 12, 31)), ServicePeriod("R2", START, D(2027, 12, 31))]
    result = c.progress(periods, listed, D(2027, 12, 31))
    assert (result.served_days, result.credited_days) == (730, 1460)
