"""Demo careers at CHU Ibn Rochd (FMP Casablanca) and in the Ministry's hospitals, built through the
same services as the pages: three rotation periods of the medicine interns chosen by merit with the
engine and validated by the heads of service (a few rotations not validated, the paediatrics ones of
the last finished period still waiting for `chef.pediatrie`), a fourth period with its wishes open,
externs assigned in bulk, residents' yearly decisions and leave, a long sick leave, an RD68 period,
a rural mission and a doctorate. Deterministic."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from residanat.accounts.models import RoleAssignment, User
from residanat.accounts.roles import Role
from residanat.people.models import TraineeStatus
from residanat.referential.models import Establishment, Faculty, HospitalCentre, HospitalService
from residanat.rules.service_time import months_end

from . import periods as period_services
from .degrees import do_record_degree
from .externs import do_assign_extern_batch, do_propose_extern_batch
from .leave import do_record_leave
from .missions import do_record_rural_mission
from .models import Degree, Leave, ResidencyYear, Rotation, RotationPeriod
from .residency import do_decide_residency_year, year_in_progress
from .rotations import choice_refusal, do_validate_rotation, done_rotations

D = dt.date
Kind = TraineeStatus.Kind
MANDATORY_FIRST = ("general_medicine", "general_surgery", "paediatrics", "obstetrics_gynaecology")
# The medicine periods of the 2025 promotion: two finished, one under way, one being chosen.
PERIODS = [
    ("Stages internes médecine — 1re période 2025-2026", D(2025, 9, 1)),
    ("Stages internes médecine — 2e période 2025-2026", D(2026, 3, 1)),
    ("Stages internes médecine — 1re période 2026-2027", D(2026, 9, 1)),
    ("Stages internes médecine — 2e période 2026-2027", D(2027, 3, 1)),
]


def _head(service: HospitalService) -> User:
    """The head of `service`: an existing one (chef.pediatrie) or a quiet demo account per service."""
    existing = RoleAssignment.objects.filter(role=Role.HEAD_OF_SERVICE, service=service).select_related("user").first()
    if existing:
        return existing.user
    user = User.objects.create(username=f"chef.{service.code}"[:150], first_name="Chef", last_name=service.name_fr[:150])
    RoleAssignment.objects.create(user=user, role=Role.HEAD_OF_SERVICE, service=service, valid_from=D(2025, 1, 1))
    return user


def _close_wishes(period: RotationPeriod) -> None:
    # The history is replayed: its deadline is moved into the past once the wishes are saved.
    RotationPeriod.objects.filter(pk=period.pk).update(wishes_deadline=timezone.now() - dt.timedelta(minutes=1))
    period.refresh_from_db()


def _seats(services, interns: int) -> dict:
    """Seats per service: enough in the mandatory services for everybody to get them in four
    periods, three in the others."""
    seats = {}
    for service in services:
        if service.kind in ("general_medicine", "general_surgery"):
            seats[service] = interns // 3 + 2
        elif service.kind in ("paediatrics", "obstetrics_gynaecology"):
            seats[service] = interns // 8 + 2
        else:
            seats[service] = 3
    return seats


def _wishes(rng, period, chooser, services, preferred=None):
    """Synthetic wishes: the preferred services first, then the mandatory services the intern still
    needs, then the rest in a random order; the services the regulation refuses are left out."""
    status = chooser.status
    done = done_rotations(status)
    allowed = [s for s in services if choice_refusal(status, s, period.start_date, done) is None]
    rng.shuffle(allowed)
    allowed.sort(key=lambda s: 0 if s.kind in MANDATORY_FIRST else 1)
    if preferred:
        allowed.sort(key=lambda s: 0 if s in preferred else 1)
    return allowed[:8]


def _run_period(rng, label, start, centre, faculty, dean, director, services, interns, salma, salma_wish):
    period = period_services.do_create_period(
        regime="D93", track="medicine", hospital_centre=centre, faculty=faculty, label=label, start=start,
        end=months_end(start, 6), by=director)
    period_services.do_set_seats(period, _seats(services, len(interns)), by=director)
    period_services.do_approve_seats(period, by=dean)
    period_services.do_approve_seats(period, by=director)
    period_services.do_open_wishes(period, timezone.now() + dt.timedelta(days=60), by=director)
    for chooser in period.choosers.select_related("status__person"):
        preferred = [salma_wish] if chooser.status_id == salma.pk and salma_wish else None
        period_services.do_save_wishes(chooser, _wishes(rng, period, chooser, services, preferred), by=director)
    return period


def _validate(rotation: Rotation, rng, *, fail=False, comment="") -> None:
    do_validate_rotation(rotation, by=_head(rotation.service), attendance=not fail, knowledge=True,
                         practical_skills=True, conduct=True, comment=comment, today=rotation.end_date)
    # The history is replayed today: the evaluation is dated the rotation's last day.
    evaluated = timezone.make_aware(dt.datetime.combine(rotation.end_date, dt.time(16, 0)))
    Rotation.objects.filter(pk=rotation.pk).update(validated_at=evaluated)


def _interns(centre):
    return list(TraineeStatus.objects.filter(kind=Kind.INTERN, hospital_centre=centre, track="medicine")
                .select_related("person").order_by("pk"))


def load_internat(rng, centre, faculty, paediatrics, salma_user) -> None:
    dean = RoleAssignment.objects.get(role=Role.DEAN_OFFICE, faculty=faculty).user
    director = RoleAssignment.objects.get(role=Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=centre).user
    services = list(HospitalService.objects.filter(establishment__hospital_centre=centre)
                    .exclude(kind__startswith="dental").exclude(kind__in=("drug_related", "biology")).order_by("pk"))
    interns = _interns(centre)
    salma = next(s for s in interns if s.person.user_id == salma_user.pk)
    # Ranks of the 2025 internat competition (the demo interns had none): Salma is 3rd.
    order = [s for s in interns if s.pk != salma.pk]
    rng.shuffle(order)
    order.insert(2, salma)
    for rank, status in enumerate(order, 1):
        TraineeStatus.objects.filter(pk=status.pk).update(merit_rank=rank, entry_route="competition",
                                                          start_date=D(2025, 9, 1))
    by_kind = {s.kind: s for s in services}
    salma_path = [by_kind["general_medicine"], paediatrics, by_kind["general_surgery"], None]
    sick = order[7]
    failing = order[11]
    for number, (label, start) in enumerate(PERIODS):
        period = _run_period(rng, label, start, centre, faculty, dean, director, services, interns, salma,
                             salma_path[number])
        if number == 3:
            break  # the fourth period stays open for wishes (interne.demo ranks hers)
        _close_wishes(period)
        period_services.do_assign_period(period, by=director)
        if number == 0:
            for rotation in period.rotations.select_related("service", "status"):
                if rotation.status_id == failing.pk:
                    _validate(rotation, rng, fail=True, comment="Absences répétées non justifiées (D93 art. 17).")
                else:
                    _validate(rotation, rng)
        elif number == 1:
            # A seven-month sick leave of one intern, recorded by the centre's director (D93 art. 33).
            do_record_leave(sick, Leave.Kind.SICK, D(2026, 3, 16), D(2026, 10, 15), "Certificat médical n° 2026-0316",
                            by=director)
            for rotation in period.rotations.select_related("service", "status"):
                if rotation.service_id == paediatrics.pk:
                    continue  # waiting for chef.pediatrie
                if rotation.status_id == sick.pk:
                    _validate(rotation, rng, fail=True, comment="Stage interrompu par un congé de maladie.")
                else:
                    _validate(rotation, rng)
    # Annual leave of an intern in the current period (set by the director, D93 art. 20).
    do_record_leave(order[4], Leave.Kind.ANNUAL, D(2026, 8, 1), D(2026, 8, 31), "Décision de congé n° 2026-118",
                    by=director)


def load_externs(rng, centre, faculty, paediatrics) -> None:
    dean = RoleAssignment.objects.get(role=Role.DEAN_OFFICE, faculty=faculty).user
    director = RoleAssignment.objects.get(role=Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=centre).user
    externs = list(TraineeStatus.objects.filter(kind=Kind.EXTERN, faculty=faculty, start_date=D(2026, 9, 15))
                   .select_related("person").order_by("pk"))
    others = list(HospitalService.objects.filter(establishment__hospital_centre=centre, kind="other").order_by("pk"))
    rows = []
    for i, status in enumerate(externs):
        service = paediatrics if i % 6 == 0 else others[i % len(others)]
        rows.append({"identifier": status.person.national_id,
                     "service": f"{service.establishment.code}/{service.code}"})
    proposal = do_propose_extern_batch(
        faculty, centre, "Externes 2026-2027 — premier trimestre", D(2026, 9, 15), D(2026, 11, 30),
        "Avis de la commission pédagogique du 8 septembre 2026", rows, by=dean)
    do_assign_extern_batch(proposal.batch, by=director)


def load_residents(rng, centre, faculty, today) -> None:
    dean = RoleAssignment.objects.get(role=Role.DEAN_OFFICE, faculty=faculty).user
    director = RoleAssignment.objects.get(role=Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=centre).user
    residents = list(TraineeStatus.objects.filter(kind=Kind.RESIDENT, hospital_centre=centre)
                     .select_related("specialty").order_by("pk"))
    # The demo residents' statuses end with their expected end: the register keeps it open instead.
    TraineeStatus.objects.filter(pk__in=[r.pk for r in residents]).update(end_date=None, entry_route="competition")
    # An intern admitted on titles last winter: the doctorate is due within the first year of
    # residency (D93 art. 21 1.a), so the deadline comes up within the alert window.
    TraineeStatus.objects.filter(pk=residents[-1].pk).update(entry_route=TraineeStatus.EntryRoute.TITLES_INTERN,
                                                             start_date=today - dt.timedelta(days=320))
    for i, status in enumerate(residents):
        status.refresh_from_db()
        repeat_once = i == 3
        while year_in_progress(status) is not None:
            decision_day = months_end(status.start_date, 12 * (ResidencyYear.objects.filter(status=status).count() + 1))
            if decision_day > today:
                break
            outcome = ResidencyYear.Outcome.REPEAT if repeat_once else ResidencyYear.Outcome.VALIDATED
            repeat_once = False
            do_decide_residency_year(status, outcome, f"PV de la commission pédagogique {decision_day.year}", by=dean,
                                     today=decision_day)
    # A resident's yearly leave, set by the director, waiting for the dean (D93 art. 28).
    do_record_leave(residents[0], Leave.Kind.ANNUAL, D(2027, 1, 4), D(2027, 1, 31), "Demande du 2 novembre 2026",
                    by=director)


def load_public_health(rng, ministry, today) -> None:
    statuses = list(TraineeStatus.objects.filter(kind__in=(Kind.PUBLIC_HEALTH_INTERN, Kind.SEVENTH_YEAR))
                    .select_related("establishment").order_by("pk"))
    for rank, status in enumerate(statuses, 1):
        TraineeStatus.objects.filter(pk=status.pk).update(merit_rank=rank, entry_route=(
            "competition" if status.kind == Kind.PUBLIC_HEALTH_INTERN else "decision"),
            internat_in_year6=(rank % 4 == 1))
    ph = list(TraineeStatus.objects.filter(kind=Kind.PUBLIC_HEALTH_INTERN).order_by("-internat_in_year6", "pk"))
    rural = Establishment.objects.filter(hospital_centre__isnull=True).exclude(pk=ph[0].establishment_id).first()
    do_record_rural_mission(ph[0], rural, D(2026, 2, 1), D(2026, 4, 30), True, "Décision ministérielle n° 2026-41",
                            by=ministry)
    do_record_degree(ph[1].person, Degree.Kind.DOCTORATE, None, D(2026, 10, 12), "Soutenance du 12 octobre 2026",
                     by=ministry)


def load_careers_demo(salma_user: User, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    rng = random.Random(2026)
    faculty = Faculty.objects.get(code="fmp-casablanca")
    centre = HospitalCentre.objects.get(code="chu-ibn-rochd")
    paediatrics = (HospitalService.objects.filter(establishment__hospital_centre=centre, kind="paediatrics")
                   .order_by("pk").first())
    ministry = RoleAssignment.objects.filter(role=Role.MINISTRY_ADMIN).first().user
    load_internat(rng, centre, faculty, paediatrics, salma_user)
    load_externs(rng, centre, faculty, paediatrics)
    load_residents(rng, centre, faculty, today)
    load_public_health(rng, ministry, today)
