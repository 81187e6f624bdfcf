"""Access-matrix rows for the payroll's outputs (transfer file, withheld list, run summary, payslips);
see test_access_matrix.py.

The closed runs are those cases_payroll_runs builds for December 2025 (keys pay_msps_closed, paying
the interns A and B, and pay_chu1_closed, pay_chu2_closed, paying a resident each): a run of a
hospital centre cannot be written beside theirs (one unfinished run per payer), and closed lines
cannot be added afterwards. This module adds a bank account for A and a computed run of a GST of its
own (region Y7) paying A, not closed: its transfer file is refused (409), its payslip a preview for
the staff and not found for the trainee.

Run pages: the payroll's readers (the payroll officer, national in the matrix, the Ministry's
administrator, the director of CHU1), others 403; the director sees CHU1's runs only (404
elsewhere). A payslip: the readers who see the run, and the trainee their own of a closed run;
everyone else 404 (a payslip is a person's: outside one's scope it does not exist)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.payroll.models import BankAccount, PayLine, PayrollRun, TerritorialGroup
from residanat.referential.models import Region
from residanat.rules.rib import with_key
from tests.web.matrix import ALL, LOGGED_IN, expect

D = dt.date

READERS = {"superuser", Role.MINISTRY_ADMIN, Role.PAYROLL_OFFICER, Role.HOSPITAL_DIRECTOR_OFFICE}
READERS_ELSEWHERE = READERS - {Role.HOSPITAL_DIRECTOR_OFFICE}
# The director of CHU1 sees nothing of another payer's runs.
SCOPE_ELSEWHERE = ALL - {Role.HOSPITAL_DIRECTOR_OFFICE}


RUNS = ("pay_msps_closed", "pay_chu1_closed", "pay_chu2_closed")


def _computed_run(world, person, group):
    """A GST's run, computed (not closed), with one intern line for `person`."""
    officer, now = world["admin"], timezone.now()
    run = PayrollRun.objects.create(month=D(2026, 1, 1), payer="GST", health_group=group, opened_by=officer,
                                    state=PayrollRun.State.COMPUTED, computed_by=officer, computed_at=now,
                                    trainees=1, total=Decimal("1500.00"))
    status = person.statuses.order_by("pk")[0]
    PayLine.objects.create(run=run, status=status, person=person, kind=PayLine.Kind.REGULAR, month_corrected=run.month,
                           code="intern.stipend", key="intern.stipend", ref="D93 art. 18", payer="GST", days=31,
                           rate=Decimal("1500.00"), amount=Decimal("1500.00"), status_kind=status.kind,
                           hospital_centre=status.hospital_centre)
    return run


def build(world):
    missing = [key for key in RUNS if key not in world]
    assert not missing, f"cases_payroll_outputs needs the closed runs of cases_payroll_runs: {missing}"
    for key in RUNS:
        assert world[key].state == PayrollRun.State.CLOSED and world[key].lines.exists(), key
    assert world[RUNS[0]].lines.filter(person=world["A"]).exists()
    a = world["A"]
    BankAccount.objects.update_or_create(person=a, defaults={"holder": str(a), "updated_by": world["admin"],
                                                             "rib": with_key("0117800000000000000703")})
    region = Region.objects.create(code="Y7", name_fr="Région Y7", name_ar="جهة Y7")
    group = TerritorialGroup.objects.create(region=region, name_fr="GST Y7", name_ar="م ص ت Y7")
    return {"out_gst": _computed_run(world, a, group)}


def _page(allowed, scope=None, yes=200):
    return expect(allowed, yes, 403, anonymous=302, scope=scope)


def _run_url(key, rest):
    return lambda w: f"/paie/{w[key].pk}/{rest}"


def _slip(run_key, person_key=None, lang="fr"):
    """The payslip of `person_key` (else of the run's first person) in the run `run_key`."""

    def path(w):
        run = w[run_key]
        person = w[person_key].pk if person_key else run.lines.order_by("pk")[0].person_id
        return f"/paie/bulletins/{run.pk}/{person}.pdf?lang={lang}"

    return path


CHU1 = _page(READERS)
ELSEWHERE = _page(READERS_ELSEWHERE, SCOPE_ELSEWHERE)

CASES = [
    ("payroll:run-transfer", "get", _run_url("pay_chu1_closed", "virements.csv"), CHU1, None),
    ("payroll:run-transfer", "get", _run_url("pay_msps_closed", "virements.csv"), ELSEWHERE, None),
    # Not approved: a page that says why (409), to those who may see the run.
    ("payroll:run-transfer", "get", _run_url("out_gst", "virements.csv"),
     _page(READERS_ELSEWHERE, SCOPE_ELSEWHERE, 409), None),
    ("payroll:run-withheld", "get", _run_url("pay_chu1_closed", "sans-rib/"), CHU1, None),
    ("payroll:run-withheld", "get", _run_url("out_gst", "sans-rib/"), ELSEWHERE, None),
    ("payroll:run-summary", "get", _run_url("pay_chu1_closed", "synthese.pdf?lang=ar"), CHU1, None),
    ("payroll:run-summary", "get", _run_url("out_gst", "synthese.pdf"), ELSEWHERE, None),
    ("payroll:my-payslips", "get", lambda w: "/paie/mes-bulletins/", expect(LOGGED_IN, 200, None, anonymous=302),
     None),
    # A's payslip of the Ministry's closed run: the national readers and A's own account.
    ("payroll:payslip", "get", _slip("pay_msps_closed", "A", "ar"),
     expect(READERS_ELSEWHERE | {Role.TRAINEE}, 200, 404, anonymous=302), None),
    ("payroll:payslip", "get", _slip("pay_msps_closed", "B"), expect(READERS_ELSEWHERE, 200, 404, anonymous=302),
     None),
    ("payroll:payslip", "get", _slip("pay_chu1_closed"), expect(READERS, 200, 404, anonymous=302), None),
    ("payroll:payslip", "get", _slip("pay_chu2_closed"), expect(READERS_ELSEWHERE, 200, 404, anonymous=302), None),
    # A run not closed: a preview for the staff who see it, nothing for the trainee.
    ("payroll:payslip", "get", _slip("out_gst", "A"), expect(READERS_ELSEWHERE, 200, 404, anonymous=302), None),
]
