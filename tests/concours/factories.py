import factory

from residanat.concours import models
from tests.referential.factories import FacultyFactory


class CompetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Competition

    kind = models.Competition.Kind.RESIDANAT
    year = 2026
    slug = factory.Sequence(lambda n: f"residanat-2026-ville-{n}")
    faculty = factory.SubFactory(FacultyFactory)
