"""A faculty and its hospital centre with services of every kind D93 art. 14 names, the staff who
act on careers (dean, director, a head of service per service) and helpers to make trainees."""

from __future__ import annotations

import datetime as dt

from residanat.accounts.roles import Role
from residanat.people.models import TraineeStatus
from residanat.referential.models import HospitalService
from tests.accounts.factories import user_with_role
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import (
    EstablishmentFactory,
    FacultyFactory,
    HospitalCentreFactory,
    HospitalServiceFactory,
    SpecialtyFactory,
)

Kind = HospitalService.Kind
D = dt.date


class CareersWorld:
    def __init__(self):
        self.faculty = FacultyFactory()
        self.centre = HospitalCentreFactory()
        self.centre.faculties.add(self.faculty)
        self.hospital = EstablishmentFactory(hospital_centre=self.centre)
        self.services = {}
        for kind in Kind:
            self.services[kind.value] = HospitalServiceFactory(
                establishment=self.hospital, kind=kind, code=kind.value.replace("_", "-"), name_fr=str(kind.label))
        # A second service of some kinds: two drug-related and two biology rotations (pharmacy),
        # and two "other" services.
        for kind in (Kind.DRUG_RELATED, Kind.BIOLOGY, Kind.OTHER):
            self.services[f"{kind.value}_2"] = HospitalServiceFactory(
                establishment=self.hospital, kind=kind, code=f"{kind.value.replace('_', '-')}-2")
        self.dean = user_with_role(Role.DEAN_OFFICE, faculty=self.faculty)
        self.director = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=self.centre)
        self.ministry = user_with_role(Role.MINISTRY_ADMIN)
        self._heads = {}
        # A public-health hospital (RD68): no hospital centre.
        self.ph_hospital = EstablishmentFactory(hospital_centre=None, kind="provincial_hospital")
        self.ph_services = [HospitalServiceFactory(establishment=self.ph_hospital) for _ in range(3)]
        self.rural_centre = EstablishmentFactory(hospital_centre=None, kind="health_centre")

    def service(self, key: str) -> HospitalService:
        return self.services[key]

    def head_of(self, key_or_service):
        service = self.services[key_or_service] if isinstance(key_or_service, str) else key_or_service
        if service.pk not in self._heads:
            self._heads[service.pk] = user_with_role(Role.HEAD_OF_SERVICE, service=service)
        return self._heads[service.pk]

    def trainee_user(self, person):
        user = user_with_role(Role.TRAINEE)
        person.user = user
        person.save(update_fields=["user"])
        return user

    def intern(self, track="medicine", start=D(2025, 11, 1), rank=1, **extra) -> TraineeStatus:
        return TraineeStatusFactory(
            kind=TraineeStatus.Kind.INTERN, track=track, faculty=self.faculty, hospital_centre=self.centre,
            start_date=start, merit_rank=rank, entry_route=TraineeStatus.EntryRoute.COMPETITION, **extra)

    def resident(self, start=D(2025, 11, 1), specialty=None, entry_route="competition", **extra) -> TraineeStatus:
        specialty = specialty or SpecialtyFactory()
        return TraineeStatusFactory(
            kind=TraineeStatus.Kind.RESIDENT, track="medicine", faculty=self.faculty, hospital_centre=self.centre,
            specialty=specialty, start_date=start, entry_route=entry_route, **extra)

    def extern(self, study_year=4, track="medicine", start=D(2025, 9, 1), **extra) -> TraineeStatus:
        return TraineeStatusFactory(
            kind=TraineeStatus.Kind.EXTERN, track=track, faculty=self.faculty, hospital_centre=self.centre,
            study_year=study_year, start_date=start, end_date=D(start.year + 1, 8, 31),
            entry_route=TraineeStatus.EntryRoute.ENROLMENT, **extra)

    def ph_intern(self, start=D(2025, 11, 1), rank=1, **extra) -> TraineeStatus:
        return TraineeStatusFactory(
            kind=TraineeStatus.Kind.PUBLIC_HEALTH_INTERN, track="medicine", faculty=None, hospital_centre=None,
            establishment=self.ph_hospital, start_date=start, merit_rank=rank,
            entry_route=TraineeStatus.EntryRoute.COMPETITION, **extra)

    @staticmethod
    def new_person():
        return PersonFactory()
