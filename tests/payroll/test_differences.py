"""The differences between a run and the same payer's run of the month before, with their reasons
(a start, an end, a stop, an unpaid absence, a rate changed by order, a housing allowance that
appears or stops, the adjustments), and the totals of a run; both in a number of queries that does
not grow with the number of trainees. Runs on SQLite and PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from residanat.careers.models import Leave
from residanat.payroll import differences as diff
from residanat.payroll.models import RateOrder, StipendStop
from residanat.payroll.runs import do_approve_run, do_close_run, do_compute_run, do_open_run
from residanat.payroll.totals import run_totals
from tests.payroll.world import PayrollWorld

D = dt.date
pytestmark = pytest.mark.django_db




def stop(world, status, start, end, ref="Conseil 1/2026"):
    return StipendStop.objects.create(status=status, start_date=start, end_date=end, decision_ref=ref,
                                      recorded_by=world.officer)


def by_person(result):
    return {row.person_id: row for row in result.rows}


def reasons(row, code):
    return [r.params for r in row.reasons if r.code == code]


class Month:
    """January 2026 closed, February computed, with one trainee per kind of change."""

    def __init__(self, world):
        w = world
        self.same = w.status("intern")
        self.stopped = w.status("intern")
        self.ended = w.status("intern", end=D(2026, 1, 20), end_reason="completed")
        self.housed_later = w.status("intern")
        self.rate = w.status("public_health_intern")
        w.terms(self.rate, housed=True)
        self.absent = w.status("intern")
        # Housed: a stop leaves nothing to pay (D93 art. 30 stops the indemnité, not the housing allowance).
        self.stopped_all_month = w.status("intern")
        w.terms(self.stopped_all_month, housed=True)
        self.back = w.status("intern")
        w.terms(self.back, housed=True)
        stop(w, self.back, D(2026, 1, 1), D(2026, 1, 31), "Conseil 9/2025")
        self.unhoused_later = w.status("intern")
        w.terms(self.unhoused_later, housed=True)
        self.housed_mid_february = w.status("intern")
        self.housed_in_february = w.status("intern")
        self.january = w.closed(D(2026, 1, 1))
        # Recorded after January was closed, before February is computed.
        self.started = w.status("intern", start=D(2026, 2, 15))
        stop(w, self.stopped, D(2026, 2, 10), D(2026, 2, 19))
        stop(w, self.stopped_all_month, D(2026, 2, 1), D(2026, 3, 31), "Conseil 2/2026")
        w.terms(self.housed_later, housed=True)
        w.terms(self.unhoused_later, housed=False)
        w.terms(self.housed_mid_february, valid_from=D(2026, 2, 15), housed=True)
        w.terms(self.housed_in_february, valid_from=D(2026, 2, 1), housed=True)
        Leave.objects.create(status=self.absent, kind="unpaid", start_date=D(2026, 2, 1), end_date=D(2026, 2, 7),
                             recorded_by=w.ministry)
        RateOrder.objects.create(key="ph_intern.stipend", value=Decimal("1288"), valid_from=D(2026, 1, 1),
                                 order_ref="Arrêté 7-26", entered_by=w.ministry)
        self.february = do_compute_run(do_open_run(w.officer, D(2026, 2, 1), "MSPS"), w.officer)


def test_no_previous_run_no_differences(world):
    world.status("intern")
    january = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    result = diff.differences(january)
    assert result.previous is None and result.rows == []
    assert result.current_total == Decimal("1800.00")


def test_each_change_gives_its_reason(world):
    m = Month(world)
    result = diff.differences(m.february)
    rows = by_person(result)
    assert result.previous == m.january
    # Unchanged: a full month is a full month, 31 days or 28.
    assert m.same.person_id not in rows

    started = rows[m.started.person_id]
    assert (started.previous, started.current) == (Decimal("0.00"), Decimal("900.00"))  # 14/28 of 1,800
    assert [(r["date"], str(r["kind"])) for r in reasons(started, diff.STARTED)] == [(D(2026, 2, 15), "interne")]

    ended = rows[m.ended.person_id]
    assert ended.current == Decimal("0.00") and ended.difference == -ended.previous
    [params] = reasons(ended, diff.ENDED)
    assert params["date"] == D(2026, 1, 20) and str(params["end_reason"]) == "fin de la formation"

    stopped = rows[m.stopped.person_id]
    [days] = reasons(stopped, diff.DAYS)
    assert (days["days"], days["in_month"], days["previous_days"], days["previous_in_month"]) == (18, 28, 31, 31)
    # D93 art. 30: "مع وقف التعويض عن المهام": the housing allowance goes on.
    assert set(days["codes"]) == {"intern.stipend"}
    assert [(c["code"], c["start"], c["end"]) for c in days["causes"]] == [("stop", D(2026, 2, 10), D(2026, 2, 19))]

    absent = rows[m.absent.person_id]
    [days] = reasons(absent, diff.DAYS)
    assert days["days"] == 21 and [c["code"] for c in days["causes"]] == ["unpaid"]

    gone = rows[m.stopped_all_month.person_id]
    [params] = reasons(gone, diff.NOT_PAID)
    assert [(c["code"], c["ref"]) for c in params["causes"]] == [("stop", "Conseil 2/2026")]

    back = rows[m.back.person_id]
    [params] = reasons(back, diff.PAID_AGAIN)
    assert [(c["code"], c["ref"]) for c in params["causes"]] == [("stop", "Conseil 9/2025")]

    housed = rows[m.housed_later.person_id]
    assert [p["code"] for p in reasons(housed, diff.LINE_REMOVED)] == ["intern.housing"]
    [adjustment] = reasons(housed, diff.ADJUSTED)
    assert (adjustment["month"], adjustment["code"], adjustment["amount"], adjustment["reason"]) == (
        D(2026, 1, 1), "intern.housing", Decimal("-300.00"), "terms")
    assert adjustment["previously_paid"] == Decimal("300.00")
    assert housed.current == Decimal("1200.00")

    unhoused = rows[m.unhoused_later.person_id]
    assert [p["code"] for p in reasons(unhoused, diff.LINE_ADDED)] == ["intern.housing"]

    # Pay terms dated in the month: the housing allowance stops on that day.
    [days] = reasons(rows[m.housed_mid_february.person_id], diff.DAYS)
    assert (days["codes"], days["days"]) == (["intern.housing"], 14)
    assert [(c["code"], c["date"], c["housed"]) for c in days["causes"]] == [("terms", D(2026, 2, 15), True)]
    [removed] = reasons(rows[m.housed_in_february.person_id], diff.LINE_REMOVED)
    assert [(c["code"], c["date"]) for c in removed["causes"]] == [("terms", D(2026, 2, 1))]
    assert not reasons(rows[m.housed_in_february.person_id], diff.ADJUSTED)  # January is not re-priced

    rate = rows[m.rate.person_id]
    [params] = reasons(rate, diff.RATE)
    assert (params["old"], params["new"], params["ref"]) == ([Decimal("1188.00")], [Decimal("1288.00")], "RD68 ch. 11")
    assert [(p["month"], p["amount"], p["reason"], p["detail"]) for p in reasons(rate, diff.ADJUSTED)] == [
        (D(2026, 1, 1), Decimal("100.00"), "rate", "Arrêté 7-26")]


def test_the_differences_add_up_to_the_change_of_the_run_total(world):
    m = Month(world)
    result = diff.differences(m.february)
    assert result.previous_total == m.january.total and result.current_total == m.february.total
    assert sum(row.difference for row in result.rows) == result.difference == m.february.total - m.january.total
    summary = result.summary()
    assert summary["changed"] == len(result.rows)
    assert summary["increase"] + summary["decrease"] == result.difference
    assert summary["started"] == 2 and summary["ended"] == 2  # started, back; ended, stopped all month
    # Largest change first.
    assert [abs(r.difference) for r in result.rows] == sorted((abs(r.difference) for r in result.rows), reverse=True)


def test_adjustments_of_the_month_before_explain_a_change(world):
    m = Month(world)
    february = do_close_run(do_approve_run(m.february, world.second_officer), world.officer)
    march = do_compute_run(do_open_run(world.officer, D(2026, 3, 1), "MSPS"), world.officer)
    row = by_person(diff.differences(march))[m.housed_later.person_id]
    assert (row.previous, row.current) == (Decimal("1200.00"), Decimal("1500.00"))
    [params] = reasons(row, diff.PREVIOUS_ADJUSTED)
    assert params["amount"] == Decimal("-300.00") and params["months"] == [D(2026, 1, 1)]
    assert february.state == "closed"


def test_the_gst_taking_up_its_powers_explains_fewer_days_in_the_ministry_run(world):
    seventh = world.status("seventh_year_intern_duties", start=D(2025, 1, 1))
    world.closed(D(2025, 1, 1))
    world.group.powers_from = D(2025, 2, 15)
    world.group.save()
    february = do_compute_run(do_open_run(world.officer, D(2025, 2, 1), "MSPS"), world.officer)
    [days] = reasons(by_person(diff.differences(february))[seventh.person_id], diff.DAYS)
    assert days["days"] == 14
    assert [(c["code"], c["date"], c["name_fr"]) for c in days["causes"]] == [("gst", D(2025, 2, 15), "GST test")]


def test_totals_per_payer_establishment_and_status_keep_adjustments_apart(world):
    m = Month(world)
    totals = run_totals(m.february)
    assert totals.overall.total == m.february.total
    # Centimes, whatever the database (SQLite adds decimals as floats).
    assert {row.total.as_tuple().exponent for row in [totals.overall, *totals.by_status]} == {-2}
    assert totals.overall.trainees == m.february.trainees
    assert totals.overall.adjustment == Decimal("-300.00") + Decimal("300.00") + Decimal("100.00")
    assert totals.overall.regular + totals.overall.adjustment == totals.overall.total
    [msps] = totals.by_payer
    assert (msps.key, msps.total) == ("MSPS", m.february.total)
    statuses = {row.key: row for row in totals.by_status}
    assert set(statuses) == {"intern", "public_health_intern"}
    assert statuses["public_health_intern"].trainees == 1
    assert statuses["public_health_intern"].adjustment == Decimal("100.00")
    assert statuses["public_health_intern"].regular == Decimal("1288.00")
    places = {row.key: row for row in totals.by_establishment}
    assert set(places) == {world.hospital.pk, world.ph_hospital.pk}
    assert places[world.ph_hospital.pk].label == world.ph_hospital.name_fr
    assert sum(row.total for row in totals.by_establishment) == m.february.total


# --- a bounded number of queries ---------------------------------------------------------------

def _runs_with(world, n):
    """A hospital centre's run (each world its own centre, so two worlds do not share a payer) with
    `n` residents stopped in February, one ended and one started: every trainee differs."""
    unit = {"payer": "CHU", "hospital_centre": world.centre}
    residents = [world.status("resident") for _ in range(n)]
    world.status("resident", end=D(2026, 1, 15))
    january = world.closed(D(2026, 1, 1), **unit)
    for i, resident in enumerate(residents):
        stop(world, resident, D(2026, 2, 1 + i % 20), D(2026, 2, 5 + i % 20))
    Leave.objects.create(status=residents[0], kind="unpaid", start_date=D(2026, 2, 25), end_date=D(2026, 2, 26),
                         recorded_by=world.ministry)
    world.status("resident", start=D(2026, 2, 10))
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), **unit), world.officer)
    return january, february


def _count(function, *args):
    with CaptureQueriesContext(connection) as queries:
        result = function(*args)
    return len(queries), result


@pytest.mark.parametrize("function", [diff.differences, run_totals], ids=["differences", "totals"])
def test_queries_do_not_grow_with_the_number_of_trainees(function):
    counts = []
    for n in (5, 50):
        world = PayrollWorld()
        _january, february = _runs_with(world, n)
        count, result = _count(function, february)
        counts.append(count)
        if function is diff.differences:
            assert len(result.rows) == n + 2
    assert counts[0] == counts[1] and counts[0] <= 8


def test_explaining_some_rows_gives_the_same_reasons_as_explaining_all(world, monkeypatch):
    m = Month(world)
    everything = diff.differences(m.february)
    unexplained = diff.differences(m.february, explain_all=False)
    assert [(r.person_id, r.difference) for r in unexplained.rows] == [
        (r.person_id, r.difference) for r in everything.rows]
    assert not any(r.reasons for r in unexplained.rows)
    assert unexplained.summary() == everything.summary()
    some = unexplained.rows[:3]
    diff.explain(unexplained, some)
    assert [r.reasons for r in some] == [r.reasons for r in everything.rows[:3]]
    assert not any(r.reasons for r in unexplained.rows[3:])
    monkeypatch.setattr(diff, "BY_ID", 1)  # the other way: all the lines, filtered here
    rest = unexplained.rows[3:]
    diff.explain(unexplained, rest)
    assert [r.reasons for r in rest] == [r.reasons for r in everything.rows[3:]]
