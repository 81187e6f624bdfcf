"""Payroll demo data (issue 7): the territorial health groups of three regions, pay terms, bank
accounts, then the runs, built through the same services as the pages (payroll/runs.py,
payroll/rates.py); the temporary exclusion they compute comes from the discipline demo:

- the Ministry (MSPS), the GST of Casablanca-Settat and CHU Ibn Rochd: September and October 2026
  closed, each computed by one officer and approved by another (four eyes);
- after October's closing, an order raising the interns' stipend from 1 October 2026 (an earlier
  effective date): the Ministry's November 2026 run, computed and waiting for `paie.controle`,
  pays October's arrears as adjustment lines (reason "rate");
- CHU Ibn Rochd's November 2026 computed by `paie.ibnrochd`, waiting for the director.

Deterministic; the runs are built once (a second load leaves them as they are)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from residanat.accounts.demo import make_demo_account
from residanat.accounts.models import User
from residanat.accounts.roles import Role
from residanat.people.models import Person, TraineeStatus
from residanat.referential.models import HospitalCentre, Region
from residanat.rules.rib import check, with_key

from .models import BankAccount, Payer, PayrollRun, PayTerms, TerritorialGroup
from .rates import do_enter_rate_order, do_set_health_group
from .runs import do_approve_run, do_close_run, do_compute_run, do_open_run

D = dt.date
Kind = TraineeStatus.Kind
CLOSED_MONTHS = (D(2026, 9, 1), D(2026, 10, 1))
CURRENT = D(2026, 11, 1)
# (region code, powers_from): RD68 ch. 14, the GST pays its 7th-year students from that date, the
# Ministry before. Tanger-Tétouan-Al Hoceïma's GST takes over in January 2027, Marrakech-Safi's
# has no date yet; the other regions have none: the Ministry pays all of these in the demo months.
GROUPS = (("06", D(2025, 7, 1)), ("01", D(2027, 1, 1)), ("07", None))
# D93 art. 18: the interns' stipend raised by an order entered after October was closed, effective
# from 1 October: November pays October's difference (invented order, like every demo reference).
RATE_ORDER = ("intern.stipend", Decimal("1650.00"), D(2026, 10, 1), "Arrêté conjoint n° 2026-117 (démo)")
# Bank codes and a locality code per city, for plausible RIBs (the key is computed: rules/rib.py).
BANKS = ("007", "011", "145", "190", "230")
LOCALITY = {"chu-ibn-rochd": "780", "chu-ibn-sina": "810", "chu-hassan-ii": "270", "chu-mohammed-vi-marrakech": "450"}


def demo_accounts() -> list:
    """The second Ministry payroll officer (four eyes) and CHU Ibn Rochd's payroll officer."""
    ibn_rochd = HospitalCentre.objects.get(code="chu-ibn-rochd")
    return [
        make_demo_account("paie.controle", Role.PAYROLL_OFFICER, "Rachid", "Ouazzani"),
        make_demo_account("paie.ibnrochd", Role.PAYROLL_OFFICER, "Khadija", "Sqalli", hospital_centre=ibn_rochd),
    ]


def _groups(ministry) -> dict[str, TerritorialGroup]:
    groups = {}
    for code, powers_from in GROUPS:
        region = Region.objects.get(code=code)
        groups[code], _ = do_set_health_group(
            ministry, region, f"Groupement sanitaire territorial {region.name_fr}",
            f"المجموعة الصحية الترابية لجهة {region.name_ar}", powers_from,
            f"Décret de prise de fonctions du GST {region.name_fr} (démo)" if powers_from else "")
    return groups


def _pay_terms(officer, ibn_rochd) -> None:
    """Every third intern and public-health intern housed, one intern housed from November (the
    housing allowance stops: a difference with October), a civil-servant resident at CHU Ibn Rochd
    and one under the service commitment (salaries paid outside: D93 art. 27)."""
    rows = []
    interns = list(TraineeStatus.objects.filter(kind__in=(Kind.INTERN, Kind.PUBLIC_HEALTH_INTERN)).order_by("pk"))
    for i, status in enumerate(interns):
        if i % 3 == 1:
            rows.append(PayTerms(status=status, valid_from=status.start_date, housed=True, updated_by=officer))
        elif i == 5:
            rows.append(PayTerms(status=status, valid_from=CURRENT, housed=True, updated_by=officer))
    residents = list(TraineeStatus.objects.filter(kind=Kind.RESIDENT, hospital_centre=ibn_rochd).order_by("pk"))
    rows.append(PayTerms(status=residents[1], valid_from=residents[1].start_date, civil_servant=True, updated_by=officer))
    rows.append(PayTerms(status=residents[2], valid_from=residents[2].start_date, committed=True, updated_by=officer))
    for terms in rows:
        terms.save()


def _bank_accounts(officer) -> None:
    """A valid RIB for every paid trainee but one in twenty (the transfer file lists them as
    missing); the demo trainee has hers. In bulk, with their history rows: checked here as
    BankAccount.save() would."""
    people = (Person.objects.filter(statuses__isnull=False).distinct().order_by("pk")
              .prefetch_related("statuses__hospital_centre"))
    accounts = []
    for i, person in enumerate(people):
        if i % 20 == 7 and person.user_id is None:
            continue
        centre = next((s.hospital_centre.code for s in person.statuses.all() if s.hospital_centre_id), "")
        first_22 = f"{BANKS[i % len(BANKS)]}{LOCALITY.get(centre, '810')}{2026_0000_0000 + person.pk * 7919:016d}"
        accounts.append(BankAccount(person=person, holder=str(person), rib=check(with_key(first_22)),
                                    updated_by=officer))
    bulk_create_with_history(accounts, BankAccount, default_user=officer)


def _closed(month, payer, officer, approver, **unit) -> PayrollRun:
    run = do_compute_run(do_open_run(officer, month, payer, **unit), officer)
    return do_close_run(do_approve_run(run, approver), officer)


@transaction.atomic
def load_payroll_demo() -> list:
    """Returns the payroll demo accounts (for the list `load_demo` prints)."""
    accounts = demo_accounts()
    if PayrollRun.objects.exists():
        return accounts
    ministry = User.objects.get(username="drh")
    officer = User.objects.get(username="paie.ministere")
    second = User.objects.get(username="paie.controle")
    chu_officer = User.objects.get(username="paie.ibnrochd")
    director = User.objects.get(username="direction.ibnrochd")
    ibn_rochd = HospitalCentre.objects.get(code="chu-ibn-rochd")
    casablanca_settat = _groups(ministry)["06"]
    _pay_terms(officer, ibn_rochd)
    _bank_accounts(officer)
    for month in CLOSED_MONTHS:
        _closed(month, Payer.MSPS, officer, second)
        _closed(month, Payer.GST, officer, second, health_group=casablanca_settat)
        _closed(month, Payer.CHU, chu_officer, director, hospital_centre=ibn_rochd)
    key, value, valid_from, order_ref = RATE_ORDER
    do_enter_rate_order(ministry, key, value, valid_from, None, order_ref)
    do_compute_run(do_open_run(officer, CURRENT, Payer.MSPS), officer)
    do_compute_run(do_open_run(officer, CURRENT, Payer.GST, health_group=casablanca_settat), officer)
    do_compute_run(do_open_run(chu_officer, CURRENT, Payer.CHU, hospital_centre=ibn_rochd), chu_officer)
    return accounts
