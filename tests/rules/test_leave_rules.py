"""Yearly paid leave and RD68 unpaid absence (D93 art. 7, 20, 28; RD68 ch. 12, 17)."""

import datetime as dt

from residanat.rules.leave import annual_leave_refusal, leave_year, unpaid_absence_refusal
from residanat.rules.service_time import Span

D = dt.date


def test_rd68_first_annual_leave_before_twelve_months_is_refused():
    failure = annual_leave_refusal("public_health_intern", D(2026, 1, 1), Span(D(2026, 8, 1), D(2026, 8, 30)),
                                   [], [], D(2026, 8, 1))
    assert failure.code == "first_leave_too_early" and failure.ref == "RD68 ch. 12"
    assert "01/01/2027" in failure.message_fr
    assert annual_leave_refusal("public_health_intern", D(2026, 1, 1), Span(D(2027, 1, 1), D(2027, 1, 30)),
                                [], [], D(2027, 1, 1)) is None


def test_the_twelve_months_are_of_actual_service():
    sick = [Span(D(2026, 2, 1), D(2026, 8, 31))]
    failure = annual_leave_refusal("public_health_intern", D(2026, 1, 1), Span(D(2027, 1, 1), D(2027, 1, 30)),
                                   [], sick, D(2027, 1, 1))
    assert failure.code == "first_leave_too_early"


def test_a_d93_intern_may_take_leave_in_the_first_year():
    assert annual_leave_refusal("intern", D(2026, 1, 1), Span(D(2026, 7, 1), D(2026, 7, 31)), [], [],
                                D(2026, 7, 1)) is None


def test_one_month_a_year_split_or_whole():
    start = D(2026, 1, 1)
    first = Span(D(2026, 3, 1), D(2026, 3, 15))
    assert annual_leave_refusal("resident", start, Span(D(2026, 8, 1), D(2026, 8, 15)), [first], [], start) is None
    refused = annual_leave_refusal("resident", start, Span(D(2026, 8, 1), D(2026, 8, 20)), [first], [], start)
    assert refused.code == "allowance_exceeded" and refused.ref == "D93 art. 28"
    # The next leave year starts on the anniversary of the status.
    assert annual_leave_refusal("resident", start, Span(D(2027, 1, 1), D(2027, 1, 31)), [first], [], start) is None
    assert leave_year(D(2025, 11, 1), D(2026, 10, 31)) == Span(D(2025, 11, 1), D(2026, 10, 31))


def test_rd68_unpaid_absence_is_one_month_at_most_and_not_next_to_the_paid_leave():
    start = D(2025, 1, 1)
    leave = [Span(D(2026, 7, 1), D(2026, 7, 30))]
    assert unpaid_absence_refusal(start, Span(D(2026, 3, 1), D(2026, 3, 20)), [], leave, start) is None
    assert unpaid_absence_refusal(start, Span(D(2026, 3, 1), D(2026, 4, 15)), [], leave, start).code == \
        "allowance_exceeded"
    adjoining = unpaid_absence_refusal(start, Span(D(2026, 7, 31), D(2026, 8, 10)), [], leave, start)
    assert adjoining.code == "cumulated_with_leave" and adjoining.ref == "RD68 ch. 17"
