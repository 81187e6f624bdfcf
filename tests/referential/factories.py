import datetime as dt

import factory

from residanat.referential import models


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{(n % 99) + 1:02d}")
    name_fr = factory.Sequence(lambda n: f"Région {n}")
    name_ar = factory.Sequence(lambda n: f"جهة {n}")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Province

    region = factory.SubFactory(RegionFactory)
    kind = models.Province.Kind.PROVINCE
    name_fr = factory.Sequence(lambda n: f"Province {n}")
    name_ar = factory.Sequence(lambda n: f"إقليم {n}")


class FacultyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Faculty

    code = factory.Sequence(lambda n: f"fmp-{n}")
    kind = models.Faculty.Kind.FMP
    name_fr = factory.Sequence(lambda n: f"Faculté de médecine et de pharmacie {n}")
    name_ar = factory.Sequence(lambda n: f"كلية الطب والصيدلة {n}")
    city_fr = factory.Sequence(lambda n: f"Ville {n}")
    city_ar = factory.Sequence(lambda n: f"مدينة {n}")
    province = factory.SubFactory(ProvinceFactory)


class HospitalCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HospitalCentre

    code = factory.Sequence(lambda n: f"chu-{n}")
    name_fr = factory.Sequence(lambda n: f"CHU {n}")
    name_ar = factory.Sequence(lambda n: f"المركز الاستشفائي الجامعي {n}")
    city_fr = factory.Sequence(lambda n: f"Ville {n}")
    city_ar = factory.Sequence(lambda n: f"مدينة {n}")
    province = factory.SubFactory(ProvinceFactory)


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Establishment

    code = factory.Sequence(lambda n: f"etab-{n}")
    kind = models.Establishment.Kind.CHU_HOSPITAL
    name_fr = factory.Sequence(lambda n: f"Hôpital {n}")
    name_ar = factory.Sequence(lambda n: f"مستشفى {n}")
    province = factory.SubFactory(ProvinceFactory)
    hospital_centre = factory.SubFactory(HospitalCentreFactory)


class HospitalServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HospitalService

    code = factory.Sequence(lambda n: f"service-{n}")
    name_fr = factory.Sequence(lambda n: f"Service {n}")
    name_ar = factory.Sequence(lambda n: f"مصلحة {n}")
    establishment = factory.SubFactory(EstablishmentFactory)
    kind = models.HospitalService.Kind.OTHER


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Specialty

    code = factory.Sequence(lambda n: f"specialty-{n}")
    name_fr = factory.Sequence(lambda n: f"Spécialité {n}")
    name_ar = factory.Sequence(lambda n: f"تخصص {n}")
    group = models.Specialty.Group.MEDICAL
    track = models.Specialty.TrackChoice.MEDICINE
    duration_class = models.Specialty.Duration.STANDARD


class UnderstaffedListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.UnderstaffedListing

    establishment = factory.SubFactory(
        EstablishmentFactory, kind=models.Establishment.Kind.PROVINCIAL_HOSPITAL, hospital_centre=None
    )
    valid_from = dt.date(2024, 1, 1)
    valid_to = None
    order_ref = factory.Sequence(lambda n: f"Arrêté n° {n}")
