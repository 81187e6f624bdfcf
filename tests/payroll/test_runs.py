"""Monthly runs: lines for every trainee the payer pays, four eyes, closing, idempotent re-runs and
adjustment lines for changes recorded after a month was closed (D93 art. 6, 18, 27, 30; RD68 ch. 11,
14, 17). Runs on SQLite and PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from residanat.careers.models import Leave
from residanat.payroll.models import PayLine, PayrollRun, RateOrder, StipendStop
from residanat.payroll.runs import PayrollRefused, do_approve_run, do_close_run, do_compute_run, do_open_run
from tests.payroll.world import PayrollWorld

D = dt.date
pytestmark = pytest.mark.django_db



def lines_of(run):
    return sorted((l.status_id, l.kind, l.month_corrected, l.code, l.days, l.rate, l.amount, l.reason)
                  for l in PayLine.objects.filter(run=run))



def test_a_ministry_run_pays_interns_externs_and_public_health_interns_not_residents(world):
    intern = world.status("intern")
    extern = world.status("extern", study_year=5, start=D(2025, 9, 1))
    ph = world.status("public_health_intern")
    world.terms(ph, housed=True)
    resident = world.status("resident")
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    amounts = {(l.status_id, l.code): l.amount for l in run.lines.all()}
    assert amounts == {
        (intern.pk, "intern.stipend"): Decimal("1500.00"), (intern.pk, "intern.housing"): Decimal("300.00"),
        (extern.pk, "extern.stipend"): Decimal("165.00"), (ph.pk, "ph_intern.stipend"): Decimal("1188.00"),
    }
    assert resident.pk not in {l.status_id for l in run.lines.all()}
    assert run.total == Decimal("3153.00") and run.trainees == 3
    line = run.lines.get(status=intern, code="intern.stipend")
    assert (line.ref, line.days, line.rate, line.key) == ("D93 art. 18", 31, Decimal("1500.00"), "intern.stipend")


def test_a_hospital_centre_run_pays_its_residents_and_shows_salaries_outside(world):
    paid = world.status("resident")
    civil_servant = world.status("resident")
    world.terms(civil_servant, civil_servant=True)
    other_centre = world.status("resident", hospital_centre=None)
    run = do_compute_run(do_open_run(world.chu_officer, D(2026, 1, 1), "CHU", hospital_centre=world.centre),
                      world.chu_officer)
    amounts = {(l.status_id, l.code): l.amount for l in run.lines.all()}
    assert amounts == {(paid.pk, "resident.stipend"): Decimal("3500.00"),
                       (civil_servant.pk, "resident.salary_outside"): Decimal("0.00")}
    assert other_centre.pk not in {l.status_id for l in run.lines.all()}
    # D93 art. 27 last ¶: "يستمر ... في تقاضي الأجرة المقررة لوضعيتهم النظامية": paid by their own
    # administration; the hospital centre's run only shows it.
    assert run.lines.get(status=civil_servant).payer == "ADMINISTRATION"


def test_d93_art_30_an_exclusion_stops_the_indemnite_de_fonction_not_the_housing_allowance(world):
    """D93 art. 30: "الطرد المؤقت من العمل ... مع وقف التعويض عن المهام": the housing allowance of
    art. 18 goes on (735.48 for March 2026, the contract's example)."""
    intern = world.status("intern")
    StipendStop.objects.create(status=intern, start_date=D(2026, 3, 10), end_date=D(2026, 4, 9),
                               decision_ref="Conseil 12/2026", recorded_by=world.officer)
    run = do_compute_run(do_open_run(world.officer, D(2026, 3, 1), "MSPS"), world.officer)
    assert {l.code: (l.days, l.amount) for l in run.lines.all()} == {
        "intern.stipend": (9, Decimal("435.48")), "intern.housing": (31, Decimal("300.00"))}
    assert run.total == Decimal("735.48")


def test_rd68_ch_8_an_exclusion_stops_the_whole_pay_of_a_public_health_intern(world):
    """RD68 ch. 8: "الإقصاء الموقت عن المهام مع توقيف الأجرة": the housing allowance too."""
    ph = world.status("public_health_intern")
    StipendStop.objects.create(status=ph, start_date=D(2026, 6, 1), end_date=D(2026, 6, 15),
                               decision_ref="Conseil 13/2026", recorded_by=world.officer)
    run = do_compute_run(do_open_run(world.officer, D(2026, 6, 1), "MSPS"), world.officer)
    assert {l.code: l.amount for l in run.lines.all()} == {"ph_intern.stipend": Decimal("594.00"),
                                                          "ph_intern.housing": Decimal("75.00")}


def test_rd68_ch_14_a_month_before_2025_is_reported_as_an_error_for_the_person_not_paid_0(world):
    """RD68 ch. 14, replaced by decree 2.16.46 and changed by 2.25.818 from 1 January 2025: the texts
    held give no amount before; decision 0001: the run reports the month, it does not pay 0."""
    seventh = world.status("seventh_year_intern_duties", start=D(2024, 9, 1), end=D(2025, 8, 31))
    intern = world.status("intern", start=D(2024, 9, 1))
    run = do_compute_run(do_open_run(world.officer, D(2024, 12, 1), "MSPS"), world.officer)
    assert not run.lines.filter(status=seventh).exists()
    assert run.lines.filter(status=intern).exists()  # the others are paid
    assert run.problems == [{"status": seventh.pk, "person": seventh.person_id, "month": "2024-12",
                             "key": "seventh_year.lump_sum", "ref": "RD68 ch. 14", "kind": "regular"}]


def test_rd68_ch_14_a_closed_month_before_2025_is_reported_not_recovered_when_adjusting(world):
    seventh = world.status("seventh_year_intern_duties", start=D(2024, 12, 1), end=D(2025, 8, 31))
    world.closed(D(2024, 12, 1))
    Leave.objects.create(status=seventh, kind=Leave.Kind.UNPAID, start_date=D(2024, 12, 2),
                         end_date=D(2024, 12, 3), recorded_by=world.officer)
    run = do_compute_run(do_open_run(world.officer, D(2025, 1, 1), "MSPS"), world.officer)
    assert not run.lines.filter(status=seventh, kind=PayLine.Kind.ADJUSTMENT).exists()
    assert [(p["month"], p["kind"]) for p in run.problems] == [("2024-12", "adjustment")]


def test_recomputing_an_open_run_gives_the_same_lines(world):
    world.status("intern")
    world.status("extern", study_year=4, start=D(2025, 9, 1))
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    first = lines_of(run)
    again = do_compute_run(run, world.officer)
    assert lines_of(again) == first and again.total == run.total


def test_four_eyes_the_computer_cannot_approve(world):
    world.status("intern")
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    with pytest.raises(PayrollRefused, match="autre personne"):
        do_approve_run(run, world.officer)
    run.approved_by = world.officer
    run.state = PayrollRun.State.APPROVED
    with pytest.raises(IntegrityError), transaction.atomic():
        run.save()


def test_a_closed_run_never_changes_not_even_by_sql(world):
    intern = world.status("intern")
    run = world.closed(D(2026, 1, 1))
    with pytest.raises(PayrollRefused, match="clôturée"):
        do_compute_run(run, world.officer)
    with pytest.raises(Exception, match="closed run"), transaction.atomic():
        PayLine.objects.filter(run=run).update(amount=Decimal("1.00"))
    with pytest.raises(Exception, match="closed run"), transaction.atomic():
        PayLine.objects.filter(run=run).delete()
    with pytest.raises(Exception, match="closed run"), transaction.atomic():
        PayrollRun.objects.filter(pk=run.pk).update(state="open")
    line = run.lines.get(status=intern, code="intern.stipend")
    with pytest.raises(Exception, match="closed run"), transaction.atomic():
        PayLine.objects.create(**{f.attname: getattr(line, f.attname) for f in PayLine._meta.concrete_fields
                                  if f.attname != "id"})
    # Nor moved out of it into an open run, nor into it from one.
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    with pytest.raises(Exception, match="closed run"), transaction.atomic():
        PayLine.objects.filter(pk=line.pk).update(run=february)
    with pytest.raises(Exception, match="closed run"), transaction.atomic():
        february.lines.update(run=run)
    assert run.lines.get(status=intern, code="intern.stipend").amount == Decimal("1500.00")
    assert run.lines.count() == len(lines_of(run)) and february.lines.filter(kind="regular").exists()


def test_months_open_one_after_the_other(world):
    world.closed(D(2026, 1, 1))
    with pytest.raises(PayrollRefused, match="01/2026"):
        do_open_run(world.officer, D(2026, 3, 1), "MSPS")
    do_open_run(world.officer, D(2026, 2, 1), "MSPS")
    with pytest.raises(PayrollRefused, match="02/2026"):
        do_open_run(world.officer, D(2026, 3, 1), "MSPS")


def test_a_rate_order_with_an_earlier_date_pays_arrears_and_leaves_closed_runs_unchanged(world):
    intern = world.status("intern")
    january = world.closed(D(2026, 1, 1))
    february = world.closed(D(2026, 2, 1))
    before = lines_of(january), lines_of(february)
    # An order of March raises the intern's stipend to 1,700 from 15 January 2026.
    RateOrder.objects.create(key="intern.stipend", value=Decimal("1700"), valid_from=D(2026, 1, 15),
                             order_ref="Arrêté 123-26", entered_by=world.ministry)
    march = do_compute_run(do_open_run(world.officer, D(2026, 3, 1), "MSPS"), world.officer)
    adjustments = {l.month_corrected: l for l in march.lines.filter(kind="adjustment")}
    # January: 14 days at 1,500 and 17 at 1,700, i.e. 677.42 + 932.26 = 1,609.68 owed, 1,500 paid.
    assert adjustments[D(2026, 1, 1)].amount == Decimal("109.68")
    assert adjustments[D(2026, 2, 1)].amount == Decimal("200.00")
    assert adjustments[D(2026, 2, 1)].previously_paid == Decimal("1500.00")
    assert {l.reason for l in adjustments.values()} == {"rate"}
    assert adjustments[D(2026, 1, 1)].reason_detail == "Arrêté 123-26"
    assert march.lines.get(kind="regular", code="intern.stipend").amount == Decimal("1700.00")
    assert (lines_of(january), lines_of(february)) == before
    # Computed again, the arrears are the same, not doubled; once closed, April owes nothing more.
    assert lines_of(do_compute_run(march, world.officer)) == lines_of(march)
    do_approve_run(march, world.second_officer)
    do_close_run(march, world.officer)
    april = do_compute_run(do_open_run(world.officer, D(2026, 4, 1), "MSPS"), world.officer)
    assert not april.lines.filter(kind="adjustment").exists()
    assert intern.pk in {l.status_id for l in april.lines.all()}


def test_a_late_exclusion_is_recovered_in_the_next_run(world):
    intern = world.status("intern")
    world.closed(D(2026, 1, 1))
    StipendStop.objects.create(status=intern, start_date=D(2026, 1, 1), end_date=D(2026, 1, 10),
                               decision_ref="Conseil 1/2026", recorded_by=world.officer)
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    adjustments = {l.code: l for l in february.lines.filter(kind="adjustment")}
    # 10 of 31 days not owed: 1,500 × 21/31 = 1,016.13; the housing allowance goes on (D93 art. 30).
    assert adjustments["intern.stipend"].amount == Decimal("-483.87")
    assert "intern.housing" not in adjustments
    assert adjustments["intern.stipend"].reason == "stop"


def test_a_late_unpaid_absence_in_force_only_once_approved(world):
    ph = world.status("public_health_intern")
    world.closed(D(2026, 1, 1))
    Leave.objects.create(status=ph, kind="unpaid", start_date=D(2026, 1, 1), end_date=D(2026, 1, 31),
                         recorded_by=world.ministry)
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    assert sum(l.amount for l in february.lines.filter(kind="adjustment")) == Decimal("-1338.00")


def test_approving_a_run_computed_before_a_change_is_refused(world):
    intern = world.status("intern")
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    StipendStop.objects.create(status=intern, start_date=D(2026, 1, 20), end_date=D(2026, 1, 31),
                               decision_ref="Conseil 2/2026", recorded_by=world.officer)
    with pytest.raises(PayrollRefused, match="recalculez"):
        do_approve_run(run, world.second_officer)
    run = do_compute_run(run, world.officer)
    assert do_approve_run(run, world.second_officer).state == "approved"


def test_the_seventh_year_lump_sum_moves_from_the_ministry_to_the_gst_at_its_date(world):
    seventh = world.status("seventh_year_intern_duties", start=D(2025, 1, 1))
    world.group.powers_from = D(2025, 1, 16)
    world.group.save()
    ministry = do_compute_run(do_open_run(world.officer, D(2025, 1, 1), "MSPS"), world.officer)
    gst = do_compute_run(do_open_run(world.officer, D(2025, 1, 1), "GST", health_group=world.group), world.officer)
    assert [(l.payer, l.days, l.amount) for l in ministry.lines.filter(status=seventh)] == [("MSPS", 15, Decimal("1161.29"))]
    assert [(l.payer, l.days, l.amount) for l in gst.lines.filter(status=seventh)] == [("GST", 16, Decimal("1238.71"))]


def test_a_hospital_centre_officer_runs_only_their_centre(world):
    with pytest.raises(PayrollRefused):
        do_open_run(world.chu_officer, D(2026, 1, 1), "MSPS")
    run = do_open_run(world.chu_officer, D(2026, 1, 1), "CHU", hospital_centre=world.centre)
    run = do_compute_run(run, world.chu_officer)
    assert do_approve_run(run, world.director).approved_by == world.director


def test_housing_granted_retroactively_reverses_the_allowance_with_its_article(world):
    intern = world.status("intern")
    world.closed(D(2026, 1, 1))
    world.terms(intern, housed=True)
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    reversal = february.lines.get(kind="adjustment")
    assert (reversal.code, reversal.amount, reversal.ref, reversal.reason) == (
        "intern.housing", Decimal("-300.00"), "D93 art. 18", "terms")
    assert not february.lines.filter(kind="regular", code="intern.housing").exists()


def test_an_intern_housed_from_a_date_keeps_the_allowance_before_it_and_closed_months_stay_paid(world):
    intern = world.status("intern")
    world.closed(D(2026, 1, 1))
    world.terms(intern, valid_from=D(2026, 2, 15), housed=True)
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    housing = february.lines.get(code="intern.housing")
    # 14 of 28 days unhoused: 150.00; January is not re-priced.
    assert (housing.kind, housing.days, housing.amount) == ("regular", 14, Decimal("150.00"))
    assert not february.lines.filter(kind="adjustment").exists()
    assert february.lines.get(code="intern.stipend").amount == Decimal("1500.00")


def test_two_orders_pay_arrears_from_the_earliest_month_either_touches(world):
    intern = world.status("intern")
    world.closed(D(2026, 1, 1))
    world.closed(D(2026, 2, 1))
    # Entered together after the closing: the stipend from February, the housing allowance from
    # January. January's housing arrears are owed though the first order starts later.
    RateOrder.objects.create(key="intern.stipend", value=Decimal("1600"), valid_from=D(2026, 2, 1),
                             order_ref="Arrêté 1", entered_by=world.ministry)
    RateOrder.objects.create(key="intern.housing_allowance", value=Decimal("400"), valid_from=D(2026, 1, 1),
                             order_ref="Arrêté 2", entered_by=world.ministry)
    march = do_compute_run(do_open_run(world.officer, D(2026, 3, 1), "MSPS"), world.officer)
    adjustments = {(l.month_corrected, l.code): l for l in march.lines.filter(kind="adjustment", status=intern)}
    assert adjustments[(D(2026, 1, 1), "intern.housing")].amount == Decimal("100.00")
    assert (D(2026, 1, 1), "intern.stipend") not in adjustments
    assert adjustments[(D(2026, 2, 1), "intern.stipend")].amount == Decimal("100.00")
    assert adjustments[(D(2026, 2, 1), "intern.housing")].amount == Decimal("100.00")
    assert set(adjustments[(D(2026, 2, 1), "intern.stipend")].reason_detail.split(", ")) == {"Arrêté 1", "Arrêté 2"}


def test_an_extern_order_touches_only_its_track_and_year(world):
    year5 = world.status("extern", study_year=5)
    year4 = world.status("extern", study_year=4)
    intern = world.status("intern")
    world.closed(D(2026, 1, 1))
    RateOrder.objects.create(key="extern.stipend.medicine.year5", value=Decimal("200"), valid_from=D(2026, 1, 1),
                             order_ref="Arrêté 3", entered_by=world.ministry)
    february = do_compute_run(do_open_run(world.officer, D(2026, 2, 1), "MSPS"), world.officer)
    adjustments = list(february.lines.filter(kind="adjustment"))
    # D93 art. 6: year 5 was paid 165, the order makes it 200 from January.
    assert [(l.status_id, l.month_corrected, l.amount) for l in adjustments] == [
        (year5.pk, D(2026, 1, 1), Decimal("35.00"))]
    assert {l.status_id for l in february.lines.filter(kind="regular")} == {year5.pk, year4.pk, intern.pk}


def _arrears_run_queries(n: int) -> tuple[int, int]:
    """Queries sent computing a hospital centre's run with arrears for n residents after a rate
    order, plus one late exclusion; and the adjustment lines written. Each call has a centre of
    its own (the Ministry has one payroll: its months cannot start again in the same test)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = PayrollWorld()
    statuses = [world.status("resident") for _ in range(n)] + [world.status("resident")]
    world.closed(D(2026, 1, 1), "CHU", hospital_centre=world.centre)
    # Orders are national: the second call's January was paid at the first call's amount already.
    RateOrder.objects.create(key="resident.stipend", value=Decimal(3600 + n), valid_from=D(2026, 1, 1),
                             order_ref=f"Arrêté {n}", entered_by=world.ministry)
    StipendStop.objects.create(status=statuses[-1], start_date=D(2026, 1, 1), end_date=D(2026, 1, 31),
                               decision_ref="Conseil 2/2026", recorded_by=world.officer)
    run = do_open_run(world.chu_officer, D(2026, 2, 1), "CHU", hospital_centre=world.centre)
    with CaptureQueriesContext(connection) as queries:
        run = do_compute_run(run, world.chu_officer)
    adjustments = run.lines.filter(kind="adjustment")
    stopped = adjustments.get(status=statuses[-1])
    assert stopped.amount == -stopped.previously_paid and stopped.reason == "stop"
    arrears = list(adjustments.exclude(status=statuses[-1]))
    assert arrears and all(l.reason == "rate" and l.previously_paid >= Decimal("3500.00")
                           and l.amount == Decimal(3600 + n) - l.previously_paid > 0 for l in arrears)
    return len(queries), adjustments.count()


def test_computing_with_arrears_sends_as_many_queries_for_50_trainees_as_for_5():
    (few, few_lines), (many, many_lines) = _arrears_run_queries(5), _arrears_run_queries(50)
    assert (few_lines, many_lines) == (5 + 1, 50 + 1)
    assert few == many


def test_the_amount_in_force_is_the_rate_a_run_pays_with_a_rate_order(world):
    # Issue 18 item 3: the pages' "in force" amount and the run's rate are one function's answer.
    from residanat.payroll.rates import amount_in_force

    intern = world.status("intern")
    RateOrder.objects.create(key="intern.stipend", value=Decimal("1650"), valid_from=D(2026, 1, 1),
                             order_ref="Arrêté 2026-117", entered_by=world.ministry)
    run = do_compute_run(do_open_run(world.officer, D(2026, 1, 1), "MSPS"), world.officer)
    line = run.lines.get(status=intern, code="intern.stipend")
    assert line.rate == amount_in_force("intern.stipend", D(2026, 1, 15)).value == Decimal("1650")
    assert amount_in_force("intern.stipend", D(2025, 12, 31)).value == Decimal("1500")
