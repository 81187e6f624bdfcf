import datetime as dt

import factory

from residanat.people.models import Person, TraineeStatus
from tests.referential.factories import FacultyFactory, HospitalCentreFactory


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    national_id = factory.Sequence(lambda n: f"BK{100000 + n}")
    nationality = "MA"
    last_name = factory.Sequence(lambda n: f"Alaoui{n}")
    first_name = "Salma"
    last_name_ar = "العلوي"
    first_name_ar = "سلمى"
    birth_date = dt.date(1999, 3, 14)


class TraineeStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraineeStatus

    person = factory.SubFactory(PersonFactory)
    kind = TraineeStatus.Kind.INTERN
    track = "medicine"
    faculty = factory.SubFactory(FacultyFactory)
    hospital_centre = factory.SubFactory(HospitalCentreFactory)
    start_date = dt.date(2025, 9, 1)
