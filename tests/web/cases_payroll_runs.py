"""Access-matrix rows for the payroll run pages (list, opening, a run, its lines and differences,
compute, approve, close); see test_access_matrix.py.

The world gets, for each of CHU1, CHU2 and the Ministry (MSPS), December 2025 closed and January
2026 under way: CHU1's and CHU2's computed (a resident each, paid by the centre), the Ministry's
open; all by a national payroll officer of this module, approved by a second one. Keys: pay_<unit>
(January) and pay_<unit>_closed (December), unit in chu1, chu2, msps.

Only the roles that read the payroll get in (the payroll officer, national in the matrix, the
Ministry's administrator, the director of CHU1; 403 for the others); the director sees CHU1's runs
only (404 elsewhere). Computing and closing are the payroll officer's; approving the payroll
officer's, the director's for their centre, the Ministry's administrator's for the Ministry's runs.
An action refused by the service (state, four eyes) redirects with its message (302), as a success."""

import datetime as dt

from residanat.accounts.roles import Role
from residanat.payroll.runs import do_approve_run, do_close_run, do_compute_run, do_open_run
from tests.accounts.factories import user_with_role
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import SpecialtyFactory
from tests.web.matrix import ALL, LateId, expect

D = dt.date
_IDS: dict[str, str] = {}

READERS = {"superuser", Role.MINISTRY_ADMIN, Role.PAYROLL_OFFICER, Role.HOSPITAL_DIRECTOR_OFFICE}
READERS_ELSEWHERE = READERS - {Role.HOSPITAL_DIRECTOR_OFFICE}
# The director of CHU1 sees nothing of another payer's runs.
SCOPE_ELSEWHERE = ALL - {Role.HOSPITAL_DIRECTOR_OFFICE}
OPERATORS = {"superuser", Role.PAYROLL_OFFICER}


def _resident(world, n):
    return TraineeStatusFactory(person=PersonFactory(), kind="resident", track="medicine", specialty=SpecialtyFactory(),
                                faculty=world[f"F{n}"], hospital_centre=world[f"CHU{n}"], start_date=D(2025, 11, 1))


def _runs(officer, second, payer, **unit):
    december = do_compute_run(do_open_run(officer, D(2025, 12, 1), payer, **unit), officer)
    december = do_close_run(do_approve_run(december, second), officer)
    return december, do_open_run(officer, D(2026, 1, 1), payer, **unit)


def build(world):
    officer = user_with_role(Role.PAYROLL_OFFICER)
    second = user_with_role(Role.PAYROLL_OFFICER)
    _resident(world, 1)
    _resident(world, 2)
    found = {"pay_officer": officer, "pay_second_officer": second}
    for key, payer, unit in (("chu1", "CHU", {"hospital_centre": world["CHU1"]}),
                             ("chu2", "CHU", {"hospital_centre": world["CHU2"]}), ("msps", "MSPS", {})):
        found[f"pay_{key}_closed"], found[f"pay_{key}"] = _runs(officer, second, payer, **unit)
    for key in ("chu1", "chu2"):
        found[f"pay_{key}"] = do_compute_run(found[f"pay_{key}"], officer)
    _IDS["chu1"] = f"CHU:{world['CHU1'].pk}"
    return found


def _run_url(key, rest=""):
    return lambda w: f"/paie/{w[key].pk}/{rest}"


def _page(allowed, scope=None):
    return expect(allowed, 200, 403, anonymous=302, scope=scope)


def _action(allowed, scope=None):
    return expect(allowed, 302, 403, anonymous=302, scope=scope)


CHU1 = _page(READERS)
ELSEWHERE = _page(READERS_ELSEWHERE, SCOPE_ELSEWHERE)

CASES = [
    ("payroll:index", "get", lambda w: "/paie/", _page(READERS), None),
    ("payroll:run-detail", "get", _run_url("pay_chu1"), CHU1, None),
    ("payroll:run-detail", "get", _run_url("pay_chu1_closed"), CHU1, None),
    ("payroll:run-detail", "get", _run_url("pay_chu2"), ELSEWHERE, None),
    ("payroll:run-detail", "get", _run_url("pay_msps"), ELSEWHERE, None),
    ("payroll:run-lines", "get", _run_url("pay_chu1", "lignes/"), CHU1, None),
    ("payroll:run-lines", "get", _run_url("pay_chu2", "lignes/"), ELSEWHERE, None),
    ("payroll:run-lines", "get", _run_url("pay_msps_closed", "lignes/"), ELSEWHERE, None),
    ("payroll:run-differences", "get", _run_url("pay_chu1", "differences/"), CHU1, None),
    ("payroll:run-differences", "get", _run_url("pay_chu2", "differences/"), ELSEWHERE, None),
    ("payroll:run-differences", "get", _run_url("pay_msps", "differences/"), ELSEWHERE, None),
    # The Excel exports: the readers of the run page, in the same scope (issue 25 item 5).
    ("payroll:run-lines-export", "get", _run_url("pay_chu1", "lignes.xlsx"), CHU1, None),
    ("payroll:run-lines-export", "get", _run_url("pay_chu2", "lignes.xlsx"), ELSEWHERE, None),
    ("payroll:run-differences-export", "get", _run_url("pay_chu1", "differences.xlsx"), CHU1, None),
    ("payroll:run-differences-export", "get", _run_url("pay_msps_closed", "differences.xlsx"), ELSEWHERE, None),
    # Writes last. The Ministry's January: computed by the operators, approved by whoever may
    # (refused by the service for the one who just computed it, or while it is open: 302 too).
    ("payroll:run-compute", "post", _run_url("pay_msps", "calculer/"), _action(OPERATORS, SCOPE_ELSEWHERE), None),
    ("payroll:run-approve", "post", _run_url("pay_msps", "approuver/"),
     _action(OPERATORS | {Role.MINISTRY_ADMIN}, SCOPE_ELSEWHERE), None),
    ("payroll:run-approve", "post", _run_url("pay_chu2", "approuver/"), _action(OPERATORS, SCOPE_ELSEWHERE), None),
    # CHU1's January: approved (the director of CHU1 too), closed, then February opened.
    ("payroll:run-approve", "post", _run_url("pay_chu1", "approuver/"),
     _action(OPERATORS | {Role.HOSPITAL_DIRECTOR_OFFICE}), None),
    ("payroll:run-close", "post", _run_url("pay_chu1", "cloturer/"), _action(OPERATORS), None),
    ("payroll:run-open", "post", lambda w: "/paie/ouvrir/", _action(OPERATORS),
     {"month": "2026-02", "payer": LateId(_IDS, "chu1")}),
]
