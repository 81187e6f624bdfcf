"""Discipline demo data (issue 8), built through the services as the pages would:

- the faculty council of FMP Casablanca names the committee's professors for 2026;
- an intern of CHU Ibn Rochd: a case opened by `direction.ibnrochd` in September 2026, the
  explanations asked, the head of service consulted, the file opened, the committee composed (the
  professor of the intern's service replaced by an alternate, two interns drawn by lot), the
  hearing a week later, the committee proposing a one-month temporary exclusion, and the decision
  signed by the Minister (`drh`): the stipend stops from 12 October to 11 November 2026, which the
  payroll demo's runs then compute (payroll/demo.py);
- a resident's case referred on 2 November 2026 whose opinion was due on 2 December: late.

Deterministic (the draw's seed is fixed); built once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from residanat.accounts.models import User
from residanat.people.models import TraineeStatus
from residanat.referential.models import Faculty, HospitalCentre, HospitalService
from residanat.rules.discipline import TEMPORARY, Sanction

from . import cases
from .models import CommitteeNomination, DisciplinaryCase

D = dt.date
Kind = TraineeStatus.Kind
EXCLUSION_REF = "Arrêté du ministre de la Santé n° 2026-88 (démo)"


def _nomination(faculty, intern_service) -> None:
    other = HospitalService.objects.exclude(pk=getattr(intern_service, "pk", None)).order_by("pk").first()
    members = [("Pr Amina Benkirane", intern_service), ("Pr Karim Lahlou", other), ("Pr Nadia Chraibi", None)]
    alternates = [("Pr Youssef Tazi", None), ("Pr Leila Sefrioui", None), ("Pr Omar Bennis", None)]
    CommitteeNomination.objects.get_or_create(faculty=faculty, year=2026, defaults={
        "members": [{"name": n, "service": getattr(s, "pk", None)} for n, s in members],
        "alternates": [{"name": n, "service": getattr(s, "pk", None)} for n, s in alternates],
        "decision_ref": "Délibération du conseil de faculté du 15/12/2025 (démo)"})


@transaction.atomic
def load_discipline_demo() -> None:
    if DisciplinaryCase.objects.exists():
        return
    director, ministry = User.objects.get(username="direction.ibnrochd"), User.objects.get(username="drh")
    ibn_rochd = HospitalCentre.objects.get(code="chu-ibn-rochd")
    intern = (TraineeStatus.objects.filter(kind=Kind.INTERN, hospital_centre=ibn_rochd, person__user__isnull=True)
              .order_by("pk")[9])
    faculty = intern.faculty or Faculty.objects.filter(hospital_centres=ibn_rochd).order_by("pk").first()
    _nomination(faculty, intern.service)
    case = cases.open_case(director, intern, "Absences répétées et non justifiées aux gardes de septembre 2026 "
                                             "(démo).", D(2026, 9, 14))
    cases.request_explanation(director, case, D(2026, 9, 15))
    cases.record_head_opinion(director, case, "Trois gardes non assurées sans prévenir (démo).", D(2026, 9, 16))
    cases.open_file(director, case, D(2026, 9, 21))
    cases.refer_to_committee(director, case, D(2026, 9, 22), rapporteur="Pr Nadia Chraibi", seed="demo-2026-09-22")
    cases.set_hearing(director, case, D(2026, 9, 29))
    exclusion = Sanction(TEMPORARY, D(2026, 10, 12), D(2026, 11, 11))
    cases.record_opinion(director, case, exclusion, D(2026, 10, 5))
    cases.sign_decision(ministry, case, exclusion, D(2026, 10, 8), EXCLUSION_REF)

    resident = (TraineeStatus.objects.filter(kind=Kind.RESIDENT, hospital_centre=ibn_rochd, end_date__isnull=True)
                .order_by("pk").first())
    if resident is not None:
        late = cases.open_case(director, resident, "Refus réitéré d'assurer l'astreinte du service (démo).",
                               D(2026, 10, 20))
        cases.request_explanation(director, late, D(2026, 10, 21))
        cases.open_file(director, late, D(2026, 10, 28))
        cases.refer_to_committee(director, late, D(2026, 11, 2), rapporteur="Pr Karim Lahlou", seed="demo-2026-11-02")
        cases.set_hearing(director, late, D(2026, 11, 16))
