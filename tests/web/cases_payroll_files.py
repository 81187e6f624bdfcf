"""Access-matrix rows for the payroll's data entry pages (pay file, pay terms, bank account, stipend
stops, amounts and rate orders, territorial health groups) and the payroll API; see
test_access_matrix.py.

The world gets, in F1/CHU1/S1, a resident (paid by CHU1) and an intern (paid by the Ministry), in
F2/CHU2 an intern; closed runs of CHU1 and CHU2; and four territorial health groups in regions of
their own, with a GST run computed (to approve), one approved (to close), one open (to compute) and
one group without a run (to open). GST runs: no other case module's world or rows touch them, so a
change recorded by another row never makes them stale.

Who: the payroll is read by the payroll officer (national in the matrix), the Ministry and the
hospital centre's director (authority.reads_payroll); other staff who see the status get 403, a
trainee 404 even on their own status (pay files are the office's). Pay terms and the bank account are
changed by the officers of the status's payer and the Ministry; a temporary exclusion is pronounced
by the Minister (D93 art. 32, RD68 ch. 10): the Ministry records it; rate orders and the GSTs are the
Ministry's."""

import datetime as dt

from django.utils import timezone
from django.utils.functional import Promise

from residanat.accounts.roles import Role
from residanat.payroll.models import PayrollRun, TerritorialGroup
from residanat.referential.models import Region
from residanat.rules.rib import with_key
from tests.accounts.factories import user_with_role
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import SpecialtyFactory
from tests.web.matrix import LOGGED_IN, NATIONAL, expect

D = dt.date
_IDS: dict[str, int] = {}

READERS = {"superuser", Role.MINISTRY_ADMIN, Role.PAYROLL_OFFICER, Role.HOSPITAL_DIRECTOR_OFFICE}
NATIONAL_READERS = {"superuser", Role.MINISTRY_ADMIN, Role.PAYROLL_OFFICER}
SEES_1 = NATIONAL | {Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE, Role.HEAD_OF_SERVICE, Role.COMMITTEE_MEMBER}
RUN_SEES_CHU1 = NATIONAL | {Role.HOSPITAL_DIRECTOR_OFFICE, Role.COMMITTEE_MEMBER}
CHANGES = NATIONAL_READERS
MINISTRY = {"superuser", Role.MINISTRY_ADMIN}
OPERATES = {"superuser", Role.PAYROLL_OFFICER}
APPROVES_GST = {"superuser", Role.PAYROLL_OFFICER, Role.MINISTRY_ADMIN}


def _status(world, kind, n, service=None, **extra):
    return TraineeStatusFactory(person=PersonFactory(), kind=kind, track="medicine", faculty=world[f"F{n}"],
                                hospital_centre=world[f"CHU{n}"], service=world[service] if service else None,
                                start_date=D(2025, 11, 1), **extra)


def _group(code):
    region = Region.objects.create(code=code, name_fr=f"Région {code}", name_ar=f"جهة {code}")
    return TerritorialGroup.objects.create(region=region, name_fr=f"GST {code}", name_ar=f"م ص ت {code}")


def _run(payer, month, state, officer, second, **unit):
    now = timezone.now()
    signed = {}
    if state != "open":
        signed.update(computed_by=officer, computed_at=now)
    if state in ("approved", "closed"):
        signed.update(approved_by=second, approved_at=now)
    if state == "closed":
        signed.update(closed_by=officer, closed_at=now)
    return PayrollRun.objects.create(month=month, payer=payer, state=state, opened_by=officer, **signed, **unit)


def build(world):
    officer, second = user_with_role(Role.PAYROLL_OFFICER), user_with_role(Role.PAYROLL_OFFICER)
    groups = [_group(code) for code in ("Z1", "Z2", "Z3", "Z4")]
    region = Region.objects.create(code="Z5", name_fr="Région Z5", name_ar="جهة Z5")
    _IDS.update(group_to_open=groups[3].pk)
    return {
        "pay_resident_1": _status(world, "resident", 1, "S1", specialty=SpecialtyFactory()),
        "pay_intern_1": _status(world, "intern", 1, "S1"),
        "pay_intern_2": _status(world, "intern", 2),
        "pay_run_chu1": _run("CHU", D(2019, 1, 1), "closed", officer, second, hospital_centre=world["CHU1"]),
        "pay_run_chu2": _run("CHU", D(2019, 1, 1), "closed", officer, second, hospital_centre=world["CHU2"]),
        "pay_run_to_approve": _run("GST", D(2026, 1, 1), "computed", officer, second, health_group=groups[0]),
        "pay_run_to_close": _run("GST", D(2026, 1, 1), "approved", officer, second, health_group=groups[1]),
        "pay_run_to_compute": _run("GST", D(2026, 1, 1), "open", officer, second, health_group=groups[2]),
        "pay_region": region,
    }


class _LateJsonId(Promise):
    """LateId for a JSON body: the test client's encoder (DjangoJSONEncoder) writes a lazy object as
    its str(), read once the world is built."""

    def __init__(self, key: str):
        self.key = key

    def __str__(self):
        return str(_IDS[self.key])


def _page(allowed, scope=None, yes=200):
    return expect(allowed, yes, 403, anonymous=302, scope=scope)


def _api(allowed, scope=None, yes=200):
    return expect(allowed, yes, 403, anonymous=401, scope=scope)


def _file(key, rest=""):
    return lambda w: f"/paie/statuts/{w[key].pk}/{rest}"


def _own_status(w):
    return w["A"].statuses.order_by("pk")[0]


def _run_api(key, rest=""):
    return lambda w: f"/api/v1/payroll/runs/{w[key].pk}{rest}"


RIB = {"holder": "Titulaire Matrice", "rib": with_key("0117800000000000000042")}
STOP = {"start": "2026-01-10", "end": "2026-01-20", "decision_ref": "Décision ministérielle 1"}
ORDER = {"key": "intern.stipend", "value": "1600", "valid_from": "2026-01-01", "order_ref": "Arrêté matrice"}
GROUP = {"name_fr": "GST Z5", "name_ar": "م ص ت Z5", "powers_from": "2026-01-01", "decree_ref": "Décret 2.26.1"}

CASES = [
    # Pages: the pay file, the amounts, the GSTs.
    ("payroll:pay-file", "get", _file("pay_resident_1"), _page(READERS, SEES_1), None),
    ("payroll:pay-file", "get", lambda w: f"/paie/statuts/{_own_status(w).pk}/", _page(READERS, SEES_1), None),
    ("payroll:pay-file", "get", _file("pay_intern_2"), _page(NATIONAL_READERS, NATIONAL), None),
    ("payroll:rates", "get", lambda w: "/paie/montants/?on=2025-06-01", _page(READERS), None),
    ("payroll:health-groups", "get", lambda w: "/paie/gst/", _page(READERS), None),
    ("payroll:health-group-edit", "get", lambda w: f"/paie/gst/{w['pay_region'].pk}/", _page(MINISTRY), None),
    # API reads.
    ("api:payroll-runs", "get", lambda w: "/api/v1/payroll/runs", _api(READERS), None),
    ("api:payroll-run", "get", _run_api("pay_run_chu1"), _api(READERS, RUN_SEES_CHU1), None),
    ("api:payroll-run", "get", _run_api("pay_run_chu2"), _api(NATIONAL_READERS, NATIONAL), None),
    ("api:payroll-run-lines", "get", _run_api("pay_run_chu1", "/lines"), _api(READERS, RUN_SEES_CHU1), None),
    ("api:payroll-my-payslips", "get", lambda w: "/api/v1/payroll/me/payslips", _api(LOGGED_IN), None),
    ("api:payroll-pay-terms", "get", lambda w: f"/api/v1/payroll/statuses/{w['pay_resident_1'].pk}/pay-terms",
     _api(READERS, SEES_1), None),
    ("api:payroll-pay-terms", "get", lambda w: f"/api/v1/payroll/statuses/{_own_status(w).pk}/pay-terms",
     _api(READERS, SEES_1), None),
    # API actions on runs (before any row that enters a rate order or changes a GST: that would make
    # the computed and approved runs stale).
    ("api:payroll-run-compute", "post", _run_api("pay_run_to_compute", "/compute"), _api(OPERATES, NATIONAL), None),
    ("api:payroll-run-approve", "post", _run_api("pay_run_to_approve", "/approve"), _api(APPROVES_GST, NATIONAL),
     None),
    ("api:payroll-run-close", "post", _run_api("pay_run_to_close", "/close"), _api(OPERATES, NATIONAL), None),
    ("api:payroll-run-open", "post_json", lambda w: "/api/v1/payroll/runs", _api(OPERATES, yes=201),
     {"month": "2026-01", "payer": "GST", "health_group": _LateJsonId("group_to_open")}),
    # Writes: the pay file's forms redirect to it; the API answers 200.
    ("payroll:pay-terms", "post", _file("pay_resident_1", "elements/"), _page(CHANGES, SEES_1, 302),
     {"valid_from": "2026-01-01", "civil_servant": "on"}),
    ("payroll:pay-terms", "post", _file("pay_intern_2", "elements/"), _page(CHANGES, NATIONAL, 302),
     {"valid_from": "2026-01-01", "housed": "on"}),
    ("payroll:bank-account", "post", _file("pay_resident_1", "compte/"), _page(CHANGES, SEES_1, 302), RIB),
    ("payroll:stipend-stop-new", "post", _file("pay_intern_1", "exclusions/nouvelle/"), _page(MINISTRY, SEES_1, 302),
     STOP),
    ("api:payroll-pay-terms-update", "put",
     lambda w: f"/api/v1/payroll/statuses/{w['pay_resident_1'].pk}/pay-terms", _api(CHANGES, SEES_1),
     {"valid_from": "2026-02-01", "committed": True}),
    ("api:payroll-bank-account-update", "put",
     lambda w: f"/api/v1/payroll/people/{w['pay_resident_1'].person_id}/bank-account", _api(CHANGES, SEES_1),
     {"holder": "Titulaire API", "rib": with_key("0117800000000000000043")}),
    ("api:payroll-bank-account-update", "put", lambda w: f"/api/v1/payroll/people/{w['A'].pk}/bank-account",
     _api(CHANGES, SEES_1), {"holder": "Titulaire A", "rib": with_key("0117800000000000000044")}),
    ("payroll:rate-order-new", "post", lambda w: "/paie/montants/arretes/nouveau/", _page(MINISTRY, yes=302), ORDER),
    ("payroll:health-group-edit", "post", lambda w: f"/paie/gst/{w['pay_region'].pk}/", _page(MINISTRY, yes=302),
     GROUP),
]
