"""A small payroll world: the Ministry's and a hospital centre's payroll officers, a second
signature for each, a territorial health group, and helpers to make trainees of every status."""

from __future__ import annotations

import datetime as dt

from residanat.accounts.roles import Role
from residanat.payroll.models import BankAccount, PayTerms, TerritorialGroup
from residanat.payroll.runs import do_approve_run, do_close_run, do_compute_run, do_open_run
from residanat.rules.rib import with_key
from tests.accounts.factories import user_with_role
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import (
    EstablishmentFactory,
    FacultyFactory,
    HospitalCentreFactory,
    SpecialtyFactory,
)

D = dt.date


class PayrollWorld:
    def __init__(self):
        self.faculty = FacultyFactory()
        self.centre = HospitalCentreFactory()
        self.centre.faculties.add(self.faculty)
        self.hospital = EstablishmentFactory(hospital_centre=self.centre)
        self.ph_hospital = EstablishmentFactory(hospital_centre=None, kind="provincial_hospital")
        self.region = self.ph_hospital.province.region
        self.group = TerritorialGroup.objects.create(region=self.region, name_fr="GST test", name_ar="م ص ت")
        self.officer = user_with_role(Role.PAYROLL_OFFICER)
        self.second_officer = user_with_role(Role.PAYROLL_OFFICER)
        self.chu_officer = user_with_role(Role.PAYROLL_OFFICER, hospital_centre=self.centre)
        self.director = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=self.centre)
        self.ministry = user_with_role(Role.MINISTRY_ADMIN)
        self._rib = 0

    def status(self, kind, start=D(2025, 11, 1), end=None, **extra):
        defaults = {"faculty": self.faculty, "hospital_centre": self.centre, "establishment": self.hospital,
                    "track": "medicine"}
        if kind in ("public_health_intern", "seventh_year_intern_duties"):
            defaults.update(faculty=None, hospital_centre=None, establishment=self.ph_hospital)
        if kind == "resident":
            defaults["specialty"] = SpecialtyFactory()
        defaults.update(extra)
        person = defaults.pop("person", None) or PersonFactory()
        return TraineeStatusFactory(person=person, kind=kind, start_date=start, end_date=end, **defaults)

    def terms(self, status, valid_from=None, **facts):
        terms, _ = PayTerms.objects.update_or_create(status=status, valid_from=valid_from or status.start_date,
                                                     defaults={"updated_by": self.officer, **facts})
        return terms

    def bank(self, person):
        self._rib += 1
        return BankAccount.objects.create(person=person, holder=str(person), updated_by=self.officer,
                                          rib=with_key(f"011780{self._rib:016d}"))

    def closed(self, month, payer="MSPS", **unit):
        """The payer's run of `month` opened, computed, approved by a second person and closed: a
        hospital centre's by its own officer and director, the others by the national officers."""
        officer = self.chu_officer if payer == "CHU" else self.officer
        second = self.director if payer == "CHU" else self.second_officer
        run = do_compute_run(do_open_run(officer, month, payer, **unit), officer)
        return do_close_run(do_approve_run(run, second), officer)
