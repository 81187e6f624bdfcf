import datetime as dt

import factory

from residanat.concours import models
from tests.people.factories import PersonFactory
from tests.referential.factories import FacultyFactory


class CompetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Competition

    kind = models.Competition.Kind.RESIDANAT
    year = 2026
    slug = factory.Sequence(lambda n: f"residanat-2026-ville-{n}")
    faculty = factory.SubFactory(FacultyFactory)


class CandidateFactory(factory.django.DjangoModelFactory):
    """A résidanat candidate by competition: a Moroccan doctor of medicine with two years of
    practice, in order with the civil service (eligible under D93 art. 21 unless changed)."""

    class Meta:
        model = models.Candidate

    competition = factory.SubFactory(CompetitionFactory)
    person = factory.SubFactory(PersonFactory)
    number = factory.Sequence(lambda n: f"C{n:05d}")
    route = models.Candidate.Route.COMPETITION
    track = "medicine"
    diploma = models.Candidate.Diploma.MEDICINE
    diploma_date = dt.date(2023, 7, 1)
    practice_since = dt.date(2023, 9, 1)
    civil_service_in_order = True


class CompetitionTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CompetitionTest

    competition = factory.SubFactory(CompetitionFactory)
    code = factory.Sequence(lambda n: f"epreuve-{n}")
    name_fr = factory.Sequence(lambda n: f"Épreuve {n}")
    name_ar = factory.Sequence(lambda n: f"اختبار {n}")
    weight = 1
    max_score = 20
