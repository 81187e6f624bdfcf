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
from residanat.people.demo import PersonMaker
from residanat.people.models import TraineeStatus
from residanat.people.services import do_start_status
from residanat.referential.models import Establishment, Faculty, HospitalCentre, HospitalService, Specialty
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
    case = cases.do_open_case(director, intern, "Absences répétées et non justifiées aux gardes de septembre 2026 "
                                             "(démo).", D(2026, 9, 14))
    cases.do_request_explanation(director, case, D(2026, 9, 15))
    cases.do_record_head_opinion(director, case, "Trois gardes non assurées sans prévenir (démo).", D(2026, 9, 16))
    cases.do_open_file(director, case, D(2026, 9, 21))
    cases.do_refer_to_committee(director, case, D(2026, 9, 22), rapporteur="Pr Nadia Chraibi", seed="demo-2026-09-22")
    cases.do_set_hearing(director, case, D(2026, 9, 29), dt.time(9, 30), "Salle du conseil, direction du CHU Ibn Rochd")
    exclusion = Sanction(TEMPORARY, D(2026, 10, 12), D(2026, 11, 11))
    cases.do_record_opinion(director, case, exclusion, D(2026, 10, 5))
    cases.do_sign_decision(ministry, case, exclusion, D(2026, 10, 8), EXCLUSION_REF)

    resident = (TraineeStatus.objects.filter(kind=Kind.RESIDENT, hospital_centre=ibn_rochd, end_date__isnull=True)
                .order_by("pk").first())
    if resident is not None:
        late = cases.do_open_case(director, resident, "Refus réitéré d'assurer l'astreinte du service (démo).",
                               D(2026, 10, 20))
        cases.do_request_explanation(director, late, D(2026, 10, 21))
        cases.do_open_file(director, late, D(2026, 10, 28))
        cases.do_refer_to_committee(director, late, D(2026, 11, 2), rapporteur="Pr Karim Lahlou", seed="demo-2026-11-02")
        cases.do_set_hearing(director, late, D(2026, 11, 16), dt.time(10, 0), "Salle du conseil, direction du CHU Ibn Rochd")


@transaction.atomic
def record_commitments_demo() -> None:
    """Before the payroll demo: a resident of CHU Ibn Rochd in training signs the commitment towards
    the hospital centre, so that the payroll pays them as a trainee civil servant (a salary outside
    this system, D93 art. 27 ¶2) from their first day, not the stipend."""
    from . import commitments
    from .models import Commitment

    if Commitment.objects.exists():
        return
    ministry = User.objects.get(username="drh")
    resident = (TraineeStatus.objects.filter(kind=Kind.RESIDENT, hospital_centre__code="chu-ibn-rochd",
                                             end_date__isnull=True).order_by("-pk").first())
    if resident is not None:
        commitments.do_record_commitment(ministry, resident, counterpart=Commitment.Counterpart.HOSPITAL_CENTRE,
                                         signed_on=resident.start_date)


@transaction.atomic
def load_commitments_demo() -> None:
    """After the payroll demo (the sums received come from its closed runs):

    - a former resident of CHU Ibn Rochd (residency 2019-2023) under the 8-year commitment, two
      years in a listed under-staffed hospital (Figuig, counted double) then CHU Ibn Rochd;
    - the resident of CHU Ibn Rochd committed before the payroll demo (`record_commitments_demo`),
      whose release the director approved: paid a salary outside this system in September and
      October 2026, which the buy-back covers (D93 art. 27 bis bis) once its amount is entered with
      its source; not yet paid (so not yet released)."""
    from . import commitments
    from .models import Commitment, CommitmentService

    if Commitment.objects.exclude(status__end_date__isnull=True).exists():
        return
    director, ministry = User.objects.get(username="direction.ibnrochd"), User.objects.get(username="drh")
    ibn_rochd = HospitalCentre.objects.get(code="chu-ibn-rochd")
    faculty = Faculty.objects.filter(hospital_centres=ibn_rochd).order_by("pk").first()
    former = PersonMaker(seed=2028, serial_from=20_000).make()
    status = do_start_status(
        former, by=None, kind=Kind.RESIDENT, track="medicine", faculty=faculty, hospital_centre=ibn_rochd,
        specialty=Specialty.objects.filter(track="medicine").order_by("pk").first(),
        start_date=D(2019, 11, 1), end_date=D(2023, 10, 31), end_reason=TraineeStatus.EndReason.COMPLETED,
        decision_ref="Arrêté de nomination (démo)")
    commitment = Commitment.objects.create(status=status, counterpart=Commitment.Counterpart.HOSPITAL_CENTRE,
                                           signed_on=D(2019, 11, 1), recorded_by=ministry)
    figuig = Establishment.objects.get(name_fr="Centre hospitalier provincial de Figuig")
    chu_hospital = Establishment.objects.filter(hospital_centre=ibn_rochd).order_by("pk").first()
    CommitmentService.objects.create(commitment=commitment, establishment=figuig, start_date=D(2023, 11, 1),
                                     end_date=D(2025, 12, 31))
    CommitmentService.objects.create(commitment=commitment, establishment=chu_hospital, start_date=D(2026, 1, 1))

    leaving = Commitment.objects.filter(status__hospital_centre=ibn_rochd, status__end_date__isnull=True,
                                        state=Commitment.State.IN_PROGRESS).order_by("pk").first()
    if leaving is not None:
        commitments.do_approve_release(director, leaving, D(2026, 11, 20), "Accord du directeur n° 2026-41 (démo)")
