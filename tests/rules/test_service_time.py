"""Actual service and the periods that do not count (D93 art. 33, RD68 ch. 11)."""

import datetime as dt
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from residanat.rules.service_time import (
    Span,
    add_months,
    date_after_service,
    days_not_counted,
    long_sick_leaves,
    merge,
    months_end,
    months_served,
)

D = dt.date


def test_add_months_keeps_the_day_or_falls_back_to_the_month_end():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 11, 1), 14) == D(2027, 1, 1)
    assert months_end(D(2025, 11, 1), 6) == D(2026, 4, 30)


def test_without_leave_eighteen_months_of_service_fall_on_the_same_day_a_year_and_a_half_later():
    assert date_after_service(D(2025, 11, 1), 18, []) == D(2027, 5, 1)


def test_a_seven_month_sick_leave_moves_the_date_by_its_length():
    leave = Span(D(2026, 1, 1), D(2026, 7, 31))  # 212 days
    assert date_after_service(D(2025, 11, 1), 18, [leave]) == D(2027, 5, 1) + dt.timedelta(days=212)


def test_a_leave_after_the_date_moves_nothing_and_one_straddling_the_start_counts_from_the_start():
    assert date_after_service(D(2025, 11, 1), 6, [Span(D(2026, 6, 1), D(2026, 12, 31))]) == D(2026, 5, 1)
    assert date_after_service(D(2025, 11, 1), 6, [Span(D(2025, 10, 1), D(2025, 11, 10))]) == D(2026, 5, 11)


def test_a_leave_that_the_shift_reaches_moves_the_date_too():
    # The first leave pushes the date into the second one, which then counts in full.
    first, second = Span(D(2026, 3, 1), D(2026, 3, 31)), Span(D(2026, 5, 15), D(2026, 5, 24))
    assert date_after_service(D(2025, 11, 1), 6, [first, second]) == D(2026, 5, 1) + dt.timedelta(days=31 + 10)


def test_renewals_without_a_gap_are_one_sick_leave_and_only_long_ones_do_not_count():
    renewals = [Span(D(2026, 1, 1), D(2026, 3, 31)), Span(D(2026, 4, 1), D(2026, 7, 15))]
    short = [Span(D(2027, 1, 1), D(2027, 5, 31))]
    assert merge(renewals) == [Span(D(2026, 1, 1), D(2026, 7, 15))]
    assert long_sick_leaves(renewals + short, 6) == [Span(D(2026, 1, 1), D(2026, 7, 15))]
    # Exactly six months is "six months or more".
    assert long_sick_leaves([Span(D(2026, 1, 1), D(2026, 6, 30))], 6) == [Span(D(2026, 1, 1), D(2026, 6, 30))]
    assert long_sick_leaves([Span(D(2026, 1, 1), D(2026, 6, 29))], 6) == []


def test_months_served_counts_whole_months_of_actual_service():
    leave = [Span(D(2026, 1, 1), D(2026, 1, 31))]
    assert months_served(D(2025, 11, 1), D(2026, 4, 30), []) == 6
    assert months_served(D(2025, 11, 1), D(2026, 4, 30), leave) == 4
    assert days_not_counted(D(2025, 11, 1), D(2026, 1, 10), leave) == 10


spans = st.builds(
    lambda start, days: Span(start, start + dt.timedelta(days=days)),
    st.dates(D(2024, 1, 1), D(2030, 1, 1)), st.integers(0, 400),
)


@given(start=st.dates(D(2024, 1, 1), D(2028, 1, 1)), months=st.integers(0, 60), leaves=st.lists(spans, max_size=4))
def test_the_service_date_moves_by_exactly_the_days_not_counted_before_it(start, months, leaves):
    day = date_after_service(start, months, leaves)
    assert day >= add_months(start, months)
    # The days between start and the date, less those not counted, are the plain span of service.
    assert (day - start).days - days_not_counted(start, day - dt.timedelta(days=1), leaves) == \
        (add_months(start, months) - start).days


def test_the_rules_do_not_import_django():
    code = ("import sys; import residanat.rules.careers, residanat.rules.leave, residanat.rules.rotations; "
            "sys.stderr.write(str('django' in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stderr.strip() == "False"
