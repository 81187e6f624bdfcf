"""The month priced by pieces (rules/payroll.py) against a plain day-by-day count, with rate orders
laid over the parameter table (ParameterTable.amended) and the Moroccan RIB check (rules/rib.py)."""

import calendar
import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from residanat.rules.parameters import ParameterNotInForce, load_parameters
from residanat.rules.payroll import Event, Period, compute_month, pro_rata
from residanat.rules.rib import RibError, check, grouped, with_key
from residanat.rules.service_time import Span

D = dt.date
BASE = load_parameters()


def order(key, value, start, end=None):
    model = BASE.versions(key)[0]
    return replace(model, value=Decimal(value), valid_from=start, valid_to=end, seed="order:test")


def day_by_day(table, key, period, stops, month):
    """The reference: each day of the month looked up on its own."""
    year, number = month
    days = [D(year, number, d) for d in range(1, calendar.monthrange(year, number)[1] + 1)]
    by_rate: dict[Decimal, int] = {}
    for day in days:
        if not (period.span.start <= day <= period.span.end) or any(s.start <= day <= s.end for s in stops):
            continue
        rate = Decimal(table.get(key, day).value)
        by_rate[rate] = by_rate.get(rate, 0) + 1
    return sorted((pro_rata(rate, n, len(days)), n) for rate, n in by_rate.items())


dates_2026 = st.dates(D(2026, 1, 1), D(2026, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=dates_2026, length=st.integers(0, 400), stop_from=dates_2026, stop_days=st.integers(0, 60),
       order_from=dates_2026, order_to=st.one_of(st.none(), dates_2026), month=st.integers(1, 12),
       value=st.integers(1000, 2500))
def test_pieces_price_a_month_as_the_day_by_day_count(start, length, stop_from, stop_days, order_from, order_to,
                                                      month, value):
    if order_to is not None and order_to < order_from:
        order_from, order_to = order_to, order_from
    table = BASE.amended([order("intern.stipend", value, order_from, order_to)], "test")
    period = Period("intern", Span(start, start + dt.timedelta(days=length)), housed=True)
    stops = [Span(stop_from, stop_from + dt.timedelta(days=stop_days))]
    events = [Event("temporary_exclusion", stops[0])]
    computed = compute_month("medicine", [period], events, f"2026-{month:02d}", table)
    assert sorted((line.amount, line.days) for line in computed.lines) == day_by_day(
        table, "intern.stipend", period, stops, (2026, month))


def test_an_order_cuts_the_version_in_force_around_its_range():
    table = BASE.amended([order("intern.stipend", 1700, D(2026, 1, 15), D(2026, 6, 30))], "test")
    versions = table.versions("intern.stipend")
    assert [(v.valid_from, v.valid_to, v.value) for v in versions] == [
        (D(1993, 6, 2), D(2026, 1, 14), 1500), (D(2026, 1, 15), D(2026, 6, 30), Decimal("1700")),
        (D(2026, 7, 1), None, 1500)]
    # The file's own table is untouched.
    assert BASE.get("intern.stipend", D(2026, 3, 1)).value == 1500


def test_a_later_order_wins_over_an_earlier_one_on_their_common_days():
    table = BASE.amended([order("resident.stipend", 3600, D(2026, 1, 1)),
                          order("resident.stipend", 3800, D(2026, 3, 1))], "test")
    assert [table.get("resident.stipend", D(2026, m, 1)).value for m in (1, 2, 3, 12)] == [
        Decimal("3600"), Decimal("3600"), Decimal("3800"), Decimal("3800")]


def test_an_order_on_an_unknown_amount_is_refused():
    with pytest.raises(KeyError, match="unknown"):
        BASE.amended([replace(order("intern.stipend", 1, D(2026, 1, 1)), key="intern.bonus")], "test")


def test_a_day_without_a_value_in_force_is_an_error_naming_the_parameter():
    table = BASE.amended([order("intern.stipend", 1700, D(1993, 6, 2), D(2026, 1, 31))], "test")
    assert table.get("intern.stipend", D(2026, 2, 1)).value == 1500
    with pytest.raises(ParameterNotInForce, match="intern.stipend"):
        compute_month("medicine", [Period("intern", Span(D(1990, 1, 1), D(1990, 1, 31)))], [], "1990-01", table)


def test_a_rib_with_the_right_key_is_accepted_whatever_the_separators():
    rib = with_key("0117800000123456789012")
    assert len(rib) == 24 and int(rib) % 97 == 0
    assert check(grouped(rib)) == rib
    assert check(f"{rib[:3]}-{rib[3:6]}.{rib[6:]}") == rib


@pytest.mark.parametrize("raw, code", [("01178000001234567890123", "length"), ("0117800000123456789012AB", "digits"),
                                       ("", "length")])
def test_a_rib_of_the_wrong_shape_is_refused_saying_why(raw, code):
    with pytest.raises(RibError) as refused:
        check(raw)
    assert refused.value.code == code


def test_a_rib_with_a_wrong_key_is_refused_with_the_expected_key():
    rib = with_key("0117800000123456789012")
    wrong = rib[:22] + f"{(int(rib[22:]) % 97) + 1:02d}"
    with pytest.raises(RibError, match=f"expected {rib[22:]}") as refused:
        check(wrong)
    assert refused.value.code == "key"
