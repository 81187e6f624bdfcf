"""`make demo` shows a believable payroll (issue 7): closed months that the later rate order does
not change, November paying October's arrears, CHU Ibn Rochd paying its residents, valid bank
accounts, the GSTs and the second signatures."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from residanat.accounts.models import User
from residanat.accounts.roles import Role
from residanat.payroll.authority import approves
from residanat.payroll.demo import CLOSED_MONTHS, CURRENT, RATE_ORDER
from residanat.rules.service_time import Span
from residanat.payroll.models import BankAccount, PayLine, PayrollRun, StipendStop, TerritorialGroup
from residanat.payroll.runs import PayrollRefused, do_compute_run
from residanat.people.models import Person, TraineeStatus
from residanat.rules.parameters import load_parameters
from residanat.rules.rib import check

D = dt.date
pytestmark = pytest.mark.django_db
OCTOBER = D(2026, 10, 1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (it takes half a minute), inside a transaction rolled
    back at the end so that the next modules start from an empty database; each test runs in its
    own savepoint on top of it (the `db` fixture), so what one test changes the next does not see."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def user(username):
    return User.objects.get(username=username)


def lines_of(run):
    return sorted(run.lines.values_list("status_id", "kind", "month_corrected", "code", "days", "rate", "amount",
                                        "reason"))


def test_the_months_closed_before_the_rate_order_keep_what_they_paid(demo):
    runs = PayrollRun.objects.filter(month__in=CLOSED_MONTHS)
    assert sorted(runs.values_list("payer", "month", "state")) == sorted(
        (payer, month, "closed") for payer in ("CHU", "GST", "MSPS") for month in CLOSED_MONTHS)
    # Four eyes: each closed run was approved by someone other than the officer who computed it.
    for run in runs:
        assert run.approved_by_id not in (None, run.computed_by_id)
    assert {r.computed_by.username for r in runs} == {"paie.ministere", "paie.ibnrochd"}
    assert {r.approved_by.username for r in runs} == {"paie.controle", "direction.ibnrochd"}
    # October was paid at the rate in force when it closed, although the order reaches back to it.
    october = PayrollRun.objects.get(payer="MSPS", month=OCTOBER)
    rates = set(october.lines.filter(code="intern.stipend").values_list("rate", flat=True))
    assert rates == {Decimal("1500.00")}
    assert not october.lines.filter(kind="adjustment").exists()
    with pytest.raises(PayrollRefused, match="clôturée"):
        do_compute_run(october, user("paie.ministere"))
    # Loading the demo again changes no run and no line.
    before = {run.pk: (run.state, run.total, lines_of(run)) for run in PayrollRun.objects.all()}
    call_command("load_demo", stdout=io.StringIO())
    assert {run.pk: (run.state, run.total, lines_of(run)) for run in PayrollRun.objects.all()} == before


def test_november_pays_octobers_arrears_of_the_rate_order_and_waits_for_the_second_signature(demo):
    key, value, valid_from, order_ref = RATE_ORDER
    november = PayrollRun.objects.get(payer="MSPS", month=CURRENT)
    assert november.state == "computed" and november.computed_by.username == "paie.ministere"
    controller = user("paie.controle")
    assert approves(controller, november) and controller.pk != november.computed_by_id
    adjustments = november.lines.filter(kind="adjustment")
    interns_paid_in_october = PayLine.objects.filter(run__payer="MSPS", run__month=OCTOBER, code=key).count()
    assert adjustments.count() == interns_paid_in_october > 50
    assert set(adjustments.values_list("reason", "reason_detail", "month_corrected", "code")) == {
        ("rate", order_ref, OCTOBER, key)}
    # A whole month at the old rate: 1,650 owed − 1,500 paid.
    full = adjustments.filter(previously_paid=Decimal("1500.00"))
    assert full.count() == interns_paid_in_october - 1
    assert set(full.values_list("amount", flat=True)) == {value - Decimal("1500.00")}
    # The intern excluded from 12 October (D93 art. 30) was paid 11 days of October: 11/31 of
    # the difference; in November 19 days of 30 at the new rate.
    stop = StipendStop.objects.get()
    assert (stop.start_date, stop.end_date) == (D(2026, 10, 12), D(2026, 11, 11))
    stopped = adjustments.get(status=stop.status)
    assert (stopped.days, stopped.previously_paid, stopped.amount) == (11, Decimal("532.26"), Decimal("53.22"))
    regular = november.lines.get(status=stop.status, kind="regular", code=key)
    assert (regular.days, regular.rate, regular.amount) == (19, value, Decimal("1045.00"))
    assert set(november.lines.filter(kind="regular", code=key, days=30).values_list("amount", flat=True)) == {value}
    assert november.total == sum(november.lines.values_list("amount", flat=True))
    # The intern housed from November no longer gets the housing allowance (a difference with October).
    housed_now = TraineeStatus.objects.get(pay_terms__valid_from=CURRENT, pay_terms__housed=True)
    assert october_codes(housed_now) == {"intern.stipend", "intern.housing"}
    assert set(november.lines.filter(status=housed_now).values_list("code", flat=True)) == {"intern.stipend"}


def october_codes(status):
    return set(PayLine.objects.filter(run__payer="MSPS", run__month=OCTOBER, status=status).values_list("code", flat=True))


def test_the_chu_run_pays_its_residents_and_shows_the_salaries_paid_outside(demo):
    officer = user("paie.ibnrochd")
    assert [(a.role, a.hospital_centre.code) for a in officer.active_roles()] == [
        (Role.PAYROLL_OFFICER, "chu-ibn-rochd")]
    # The CHU's officer sees the CHU's runs only; the Ministry's officers see every run.
    visible = PayrollRun.objects.visible_to(officer)
    assert set(visible.values_list("payer", flat=True)) == {"CHU"}
    assert visible.count() == 3
    assert PayrollRun.objects.visible_to(user("paie.controle")).count() == PayrollRun.objects.count()
    run = visible.get(month=CURRENT)
    assert run.state == "computed" and run.computed_by == officer
    assert approves(user("direction.ibnrochd"), run)
    # Every resident of the centre in post in November (a former resident of the demo's
    # commitments ended in 2023 and is paid nothing).
    residents = TraineeStatus.objects.filter(kind="resident", hospital_centre=run.hospital_centre).exclude(
        end_date__lt=CURRENT)
    assert TraineeStatus.objects.filter(kind="resident", hospital_centre=run.hospital_centre, end_date__lt=CURRENT).exists()
    assert set(run.lines.values_list("status_id", flat=True)) == set(residents.values_list("pk", flat=True))
    stipend = load_parameters().get("resident.stipend", CURRENT).value
    # D93 art. 27: a civil servant (and a resident under the service commitment) keeps a salary.
    civil_servant = run.lines.get(status__pay_terms__civil_servant=True)
    assert (civil_servant.code, civil_servant.amount, civil_servant.ref) == (
        "resident.salary_outside", Decimal("0.00"), "D93 art. 27")
    # Three: the civil servant, the resident with committed pay terms, and the resident whose
    # recorded commitment (discipline demo) makes them a trainee civil servant (art. 27 ¶2).
    outside = run.lines.filter(code="resident.salary_outside")
    assert outside.count() == 3 and set(outside.values_list("amount", flat=True)) == {Decimal("0.00")}
    paid = run.lines.filter(code="resident.stipend")
    assert set(paid.values_list("amount", flat=True)) == {Decimal(stipend).quantize(Decimal("0.01"))}
    assert run.total == stipend * paid.count() and run.trainees == residents.count()


def test_bank_accounts_are_valid_and_a_few_trainees_have_none(demo):
    ribs = list(BankAccount.objects.values_list("rib", flat=True))
    assert all(check(rib) == rib for rib in ribs) and len(set(ribs)) == len(ribs)
    paid = Person.objects.filter(pay_lines__run__month=CURRENT).distinct()
    without = paid.filter(bank_account__isnull=True).count()
    assert 0 < without < paid.count() / 10
    # The demo trainee has hers, and sees only her own pay lines.
    trainee = user("interne.demo")
    assert BankAccount.objects.visible_to(trainee).get().person.user == trainee
    mine = PayLine.objects.visible_to(trainee)
    assert mine.exists() and set(mine.values_list("person__user", flat=True)) == {trainee.pk}


def test_territorial_groups_and_who_pays_the_seventh_year(demo):
    groups = {g.region.code: g.powers_from for g in TerritorialGroup.objects.select_related("region")}
    assert groups["06"] is not None and groups["06"].year == 2025
    assert None in groups.values()
    # RD68 ch. 14: Casablanca-Settat's 7th-year students are paid by their GST, not the Ministry.
    gst = PayrollRun.objects.get(payer="GST", month=CURRENT)
    assert gst.health_group.region.code == "06" and gst.trainees >= 1
    students = set(gst.lines.values_list("status_id", flat=True))
    assert not PayLine.objects.filter(run__payer="MSPS", status_id__in=students).exists()
    assert PayLine.objects.filter(run__payer="MSPS", status__kind="seventh_year_intern_duties").exists()


def test_the_demos_disciplinary_case_goes_to_a_decision_and_the_runs_stop_the_stipend(demo):
    from residanat.discipline.cases import verify
    from residanat.discipline.models import DisciplinaryCase
    from residanat.payroll.models import StipendStop
    from residanat.rules.discipline import draw_by_lot

    case = DisciplinaryCase.objects.get(state="decided")
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "explanation_requested", "head_consulted", "file_opened", "referred", "hearing_set",
                     "opinion", "signed", "stipend_stopped"]
    assert verify(case).ok and case.signed_by == ["minister_health"]
    draw = case.committee["draw"]
    assert draw_by_lot(draw["pool"], 2, draw["seed"]) == case.committee["representatives"]
    stop = StipendStop.objects.get(status=case.status)
    assert (stop.start_date, stop.end_date, stop.decision_ref) == (D(2026, 10, 12), D(2026, 11, 11), case.decision_ref)
    # October pays 11 days of 31 (1 to 11 October), November 19 of 30 (12 to 30 November).
    days = dict(PayLine.objects.filter(status=case.status, code="intern.stipend", kind="regular", run__payer="MSPS")
                .values_list("run__month", "days"))
    assert days[OCTOBER] == 11 and days[CURRENT] == 19
    # The resident's case: referred on 2 November, its opinion due on 2 December and not given.
    late = DisciplinaryCase.objects.get(state="referred")
    assert late.opinion_due_on == D(2026, 12, 2) and late.opinion_on is None


def test_the_demos_commitments_count_each_day_once_towards_a_hospital_centre_and_wait_for_the_salary(demo):
    from residanat.discipline.commitments import progress, salary_missing, sums_received
    from residanat.discipline.models import Commitment

    # The commitments demo's (the deployment demo's new specialists are committed to the Ministry).
    # D93 art. 27 ¶3: towards CHU Ibn Rochd, the two years at Figuig (listed) count once.
    served = Commitment.objects.get(state="in_progress", counterpart="hospital_centre")
    result = progress(served, D(2026, 12, 6))
    assert result.doubled == [] and result.credited_days == result.served_days
    assert result.expected_end == D(2031, 10, 31)
    leaving = Commitment.objects.get(state="release_pending")
    # A trainee civil servant from year 1 (art. 27 ¶2): no stipend in September and October 2026,
    # a salary paid outside, which the buy-back covers once entered (art. 27 bis bis).
    assert sums_received(leaving).salary_months == [D(2026, 9, 1), D(2026, 10, 1)]
    assert not PayLine.objects.filter(status=leaving.status, code="resident.stipend").exists()
    assert (leaving.buyback.sums_received, leaving.buyback.amount, leaving.buyback.paid_on) == (
        Decimal("0.00"), Decimal("0.00"), None)
    assert salary_missing(leaving.buyback)
