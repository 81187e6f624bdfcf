"""Demo data: accounts for every role and a few hundred synthetic trainees.

Everything here is invented (names, identity numbers); the referential it stands on is the real
one shipped in referential/data. Deterministic: the same seed gives the same people.
"""

import datetime as dt

from django.db import transaction

from residanat.accounts.demo import DemoAccount, make_demo_account
from residanat.accounts.models import User
from residanat.accounts.roles import Role
from residanat.careers.demo import load_careers_demo
from residanat.careers.models import RotationPeriod
from residanat.discipline.demo import load_commitments_demo, load_discipline_demo, record_commitments_demo
from residanat.deployment.demo import load_deployment_demo
from residanat.payroll.demo import load_payroll_demo
from residanat.choice.demo import load_choice_demo
from residanat.concours.demo import link_demo_candidate, load_competitions_demo
from residanat.people.demo import PersonMaker
from residanat.people.models import Person, TraineeStatus
from residanat.referential.loader import load_referential
from residanat.referential.models import Establishment, Faculty, HospitalCentre, HospitalService, Specialty


def _services(centre, kinds=None):
    qs = HospitalService.objects.filter(establishment__hospital_centre=centre)
    return list(qs.filter(kind__in=kinds) if kinds else qs)


def _populate_centre(maker, faculty, centre, scale):
    rng = maker.rng
    services = _services(centre)
    medicine_specialties = list(Specialty.objects.filter(track="medicine"))
    pharmacy_specialties = list(Specialty.objects.filter(track="pharmacy"))
    for _ in range(12 * scale):
        year = rng.choice([3, 4, 5, 6])
        TraineeStatus.objects.create(
            person=maker.make(), kind=TraineeStatus.Kind.EXTERN, track="medicine", study_year=year,
            faculty=faculty, hospital_centre=centre, start_date=dt.date(2026, 9, 15),
            end_date=dt.date(2027, 7, 31),
        )
    for _ in range(8 * scale):
        service = rng.choice(services) if services else None
        TraineeStatus.objects.create(
            person=maker.make(), kind=TraineeStatus.Kind.INTERN, track="medicine", faculty=faculty,
            hospital_centre=centre, establishment=service.establishment if service else None,
            service=service, start_date=dt.date(2025, 9, 1), decision_ref="Arrêté de nomination (démo)",
        )
    for i in range(10 * scale):
        pharmacy = i % 8 == 0 and pharmacy_specialties
        specialty = rng.choice(pharmacy_specialties if pharmacy else medicine_specialties)
        person = maker.make(foreign=(i % 15 == 0))
        start = dt.date(rng.choice([2022, 2023, 2024, 2025]), 11, 1)
        years = specialty.residency_years(start)
        TraineeStatus.objects.create(
            person=person, kind=TraineeStatus.Kind.RESIDENT, track=specialty.track, specialty=specialty,
            faculty=faculty, hospital_centre=centre, start_date=start,
            end_date=start.replace(year=start.year + years) - dt.timedelta(days=1),
        )


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    load_referential()
    casablanca = Faculty.objects.get(code="fmp-casablanca")
    rabat = Faculty.objects.get(code="fmp-rabat")
    ibn_rochd = HospitalCentre.objects.get(code="chu-ibn-rochd")
    ibn_sina = HospitalCentre.objects.get(code="chu-ibn-sina")
    paediatrics = (
        HospitalService.objects.filter(establishment__hospital_centre=ibn_rochd, kind="paediatrics")
        .order_by("pk").first()
    )
    if not Person.objects.exists():
        maker = PersonMaker()
        _populate_centre(maker, casablanca, ibn_rochd, scale=5)
        _populate_centre(maker, rabat, ibn_sina, scale=3)
        for faculty_code, centre_code in (("fmp-fes", "chu-hassan-ii"), ("fmp-marrakech", "chu-mohammed-vi-marrakech")):
            faculty = Faculty.objects.filter(code=faculty_code).first()
            centre = HospitalCentre.objects.filter(code=centre_code).first()
            if faculty and centre:
                _populate_centre(maker, faculty, centre, scale=2)
        public_health = list(Establishment.objects.filter(hospital_centre__isnull=True))
        for i in range(30):
            establishment = public_health[i % len(public_health)]
            kind = TraineeStatus.Kind.PUBLIC_HEALTH_INTERN if i % 3 else TraineeStatus.Kind.SEVENTH_YEAR
            TraineeStatus.objects.create(
                person=maker.make(), kind=kind, track="medicine", establishment=establishment,
                faculty=rabat if i % 2 else casablanca, start_date=dt.date(2025, 1, 1) if kind ==
                TraineeStatus.Kind.SEVENTH_YEAR else dt.date(2024, 10, 1),
            )
        # The demo trainee account: an intern of FMP Casablanca in the paediatrics service.
        person = maker.make(name=(("Bennani", "بناني"), ("Salma", "سلمى")))
        TraineeStatus.objects.create(
            person=person, kind=TraineeStatus.Kind.EXTERN, track="medicine", study_year=6,
            faculty=casablanca, hospital_centre=ibn_rochd, start_date=dt.date(2024, 9, 15),
            end_date=dt.date(2025, 7, 31),
        )
        TraineeStatus.objects.create(
            person=person, kind=TraineeStatus.Kind.INTERN, track="medicine", faculty=casablanca,
            hospital_centre=ibn_rochd, establishment=paediatrics.establishment, service=paediatrics,
            start_date=dt.date(2025, 9, 1), decision_ref="Arrêté de nomination (démo)",
        )
    accounts = [
        make_demo_account("admin", "superuser", "Admin", "Residanat"),
        make_demo_account("drh", Role.MINISTRY_ADMIN, "Nadia", "Berrada"),
        make_demo_account("enssup", Role.HIGHER_EDUCATION_OFFICER, "Karim", "Tazi"),
        make_demo_account("doyen.casablanca", Role.DEAN_OFFICE, "Latifa", "Alaoui", faculty=casablanca),
        make_demo_account("doyen.rabat", Role.DEAN_OFFICE, "Hicham", "Naciri", faculty=rabat),
        make_demo_account("direction.ibnrochd", Role.HOSPITAL_DIRECTOR_OFFICE, "Omar", "Lahlou", hospital_centre=ibn_rochd),
        make_demo_account("chef.pediatrie", Role.HEAD_OF_SERVICE, "Samira", "Kettani", language="ar", service=paediatrics),
        make_demo_account("commission.ibnrochd", Role.COMMITTEE_MEMBER, "Driss", "Sebti", hospital_centre=ibn_rochd),
        make_demo_account("paie.ministere", Role.PAYROLL_OFFICER, "Fatima", "Hajji"),
        make_demo_account("interne.demo", Role.TRAINEE, "Salma", "Bennani"),
        make_demo_account("candidat.demo", Role.TRAINEE, "Candidat", "Démo"),
        make_demo_account("laureat.demo", Role.TRAINEE, "Lauréat", "Démo"),
        make_demo_account("specialiste.demo", Role.TRAINEE, "Spécialiste", "Démo"),
    ]
    # The 2026 competitions of FMP Casablanca (posts of seed 000, candidates, scores, deliberation).
    load_competitions_demo(PersonMaker(seed=2027, serial_from=10_000))
    link_demo_candidate(User.objects.get(username="candidat.demo"))
    # The choice of posts of that résidanat: wishes open, two simulation rounds, live session ready.
    load_choice_demo(User.objects.get(username="laureat.demo"))
    trainee = User.objects.get(username="interne.demo")
    Person.objects.filter(last_name="Bennani", first_name="Salma", statuses__service=paediatrics, user=None).update(user=trainee)
    # Careers: rotation periods chosen and validated, externs, residents, leave, RD68 (issue 6).
    if not RotationPeriod.objects.exists():
        load_careers_demo(trainee)
    # Discipline: a case from opening to a temporary exclusion, whose stipend stop the payroll
    # runs below compute, and a late opinion (issue 8).
    load_discipline_demo()
    # A resident committed to serve, paid as a trainee civil servant by the runs below (D93 art. 27).
    record_commitments_demo()
    # Payroll: GSTs, bank accounts, closed months and the current month's runs (issue 7).
    accounts += load_payroll_demo()
    # Commitments: one served in part in an under-staffed hospital, a release waiting for payment.
    load_commitments_demo()
    # Deployment of new specialists: the 2026 campaign of seed 001, couples, what-if and final runs.
    load_deployment_demo(PersonMaker(seed=2028, serial_from=80_000), User.objects.get(username="drh"),
                         User.objects.get(username="specialiste.demo"))
    return accounts
