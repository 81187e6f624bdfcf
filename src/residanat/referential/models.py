"""Institutions and places: regions, provinces, faculties, hospital centres, establishments,
services and specialties, with names in French and Arabic."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from residanat.rules import DurationClass, SpecialtyGroup, Track, param


class BilingualName(models.Model):
    name_fr = models.CharField(_("nom (français)"), max_length=200)
    name_ar = models.CharField(_("nom (arabe)"), max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self):
        return self.name_ar if (get_language() or "fr").startswith("ar") else self.name_fr

    def __str__(self):
        return self.name


class Region(BilingualName):
    code = models.CharField(_("code"), max_length=2, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")


class Province(BilingualName):
    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("préfecture")
        PROVINCE = "province", _("province")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["region__code", "name_fr"]
        verbose_name = _("province ou préfecture")
        verbose_name_plural = _("provinces et préfectures")
        constraints = [
            models.UniqueConstraint(fields=["region", "name_fr"], name="province_unique_name"),
        ]


class HealthDelegation(BilingualName):
    """A provincial or prefectural delegation of the Ministry of Health; a large prefecture may
    have several (one per prefecture of arrondissements), so it is its own level."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="delegations")

    class Meta:
        ordering = ["province__name_fr", "name_fr"]
        verbose_name = _("délégation de la santé")
        verbose_name_plural = _("délégations de la santé")
        constraints = [
            models.UniqueConstraint(fields=["province", "name_fr"], name="delegation_unique_name"),
        ]


class Faculty(BilingualName):
    class Kind(models.TextChoices):
        FMP = "FMP", _("Faculté de médecine et de pharmacie")
        FMD = "FMD", _("Faculté de médecine dentaire")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("type"), max_length=3, choices=Kind.choices)
    city_fr = models.CharField(_("ville (français)"), max_length=100)
    city_ar = models.CharField(_("ville (arabe)"), max_length=100)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="faculties")

    class Meta:
        ordering = ["kind", "city_fr"]
        verbose_name = _("faculté")
        verbose_name_plural = _("facultés")


class HospitalCentre(BilingualName):
    """A university hospital centre (CHU), the D93 regime's employer of interns and residents."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    city_fr = models.CharField(_("ville (français)"), max_length=100)
    city_ar = models.CharField(_("ville (arabe)"), max_length=100)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="hospital_centres")
    faculties = models.ManyToManyField(Faculty, related_name="hospital_centres", blank=True)

    class Meta:
        ordering = ["city_fr"]
        verbose_name = _("centre hospitalier universitaire")
        verbose_name_plural = _("centres hospitaliers universitaires")


class EstablishmentQuerySet(models.QuerySet):
    def understaffed_on(self, on: dt.date):
        """Establishments on the under-staffed list in force on `on` (D93 art. 27)."""
        listed = UnderstaffedListing.objects.in_force(on).values("establishment_id")
        return self.filter(pk__in=listed)


class Establishment(BilingualName):
    class Kind(models.TextChoices):
        CHU_HOSPITAL = "chu_hospital", _("hôpital de CHU")
        REGIONAL_HOSPITAL = "regional_hospital", _("centre hospitalier régional")
        PROVINCIAL_HOSPITAL = "provincial_hospital", _("centre hospitalier provincial")
        LOCAL_HOSPITAL = "local_hospital", _("hôpital local")
        SPECIALISED_HOSPITAL = "specialised_hospital", _("hôpital spécialisé")
        HEALTH_CENTRE = "health_centre", _("centre de santé")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="establishments")
    hospital_centre = models.ForeignKey(
        HospitalCentre,
        on_delete=models.PROTECT,
        related_name="establishments",
        null=True,
        blank=True,
        help_text=_("Vide pour un hôpital de santé publique (régime RD68)."),
    )
    history = HistoricalRecords()

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")

    @property
    def region(self):
        return self.province.region

    @property
    def is_public_health(self):
        return self.hospital_centre_id is None


class UnderstaffedListingQuerySet(models.QuerySet):
    def in_force(self, on: dt.date):
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


class UnderstaffedListing(models.Model):
    """One establishment's presence on the ministry's list of under-staffed establishments over a
    period; service there for 2 consecutive years or more counts double (D93 art. 27)."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="understaffed_listings"
    )
    valid_from = models.DateField(_("en vigueur du"))
    valid_to = models.DateField(_("jusqu'au"), null=True, blank=True)
    order_ref = models.CharField(_("référence de l'arrêté"), max_length=200)
    history = HistoricalRecords()

    objects = UnderstaffedListingQuerySet.as_manager()

    class Meta:
        ordering = ["establishment__name_fr", "valid_from"]
        verbose_name = _("inscription sur la liste des établissements déficitaires")
        verbose_name_plural = _("liste des établissements déficitaires")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="understaffed_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.establishment} ({self.valid_from} – {self.valid_to or '…'})"


class HospitalService(BilingualName):
    class Kind(models.TextChoices):
        # The kinds that D93 art. 14 makes mandatory rotations, then everything else.
        GENERAL_MEDICINE = "general_medicine", _("médecine générale")
        GENERAL_SURGERY = "general_surgery", _("chirurgie générale")
        PAEDIATRICS = "paediatrics", _("pédiatrie")
        OBSTETRICS_GYNAECOLOGY = "obstetrics_gynaecology", _("gynécologie-obstétrique")
        DRUG_RELATED = "drug_related", _("service lié au médicament")
        BIOLOGY = "biology", _("biologie")
        DENTAL_PERIODONTOLOGY = "dental_periodontology", _("parodontologie et diagnostic")
        DENTAL_CONSERVATIVE = "dental_conservative", _("odontologie conservatrice")
        DENTAL_PAEDIATRIC = "dental_paediatric", _("pédodontie et orthopédie dento-faciale")
        DENTAL_PROSTHODONTICS = "dental_prosthodontics", _("prothèse")
        OTHER = "other", _("autre")

    code = models.SlugField(_("code"), max_length=60)
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="services")
    kind = models.CharField(_("nature"), max_length=24, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["establishment__name_fr", "name_fr"]
        verbose_name = _("service hospitalier")
        verbose_name_plural = _("services hospitaliers")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="service_unique_code"),
        ]


class Specialty(BilingualName):
    class Group(models.TextChoices):
        MEDICAL = SpecialtyGroup.MEDICAL.value, _("spécialités médicales")
        SURGICAL = SpecialtyGroup.SURGICAL.value, _("spécialités chirurgicales")
        BIOLOGICAL = SpecialtyGroup.BIOLOGICAL.value, _("spécialités biologiques")
        PHARMACEUTICAL = SpecialtyGroup.PHARMACEUTICAL.value, _("spécialités pharmaceutiques")
        DENTAL = SpecialtyGroup.DENTAL.value, _("spécialités de médecine dentaire")

    class TrackChoice(models.TextChoices):
        MEDICINE = Track.MEDICINE.value, _("médecine")
        PHARMACY = Track.PHARMACY.value, _("pharmacie")
        DENTAL = Track.DENTAL.value, _("médecine dentaire")

    class Duration(models.TextChoices):
        SHORT = DurationClass.SHORT.value, _("3 ans (médecine du travail, du sport)")
        STANDARD = DurationClass.STANDARD.value, _("4 ans")
        LONG = DurationClass.LONG.value, _("5 ans (chirurgie, médecine interne)")

    # The same specialty name may stand in two groups (Analyses Biologiques Médicales in the
    # biological and the pharmaceutical groups of seed 000): the code is unique per group.
    code = models.SlugField(_("code"), max_length=60)
    group = models.CharField(_("groupe"), max_length=16, choices=Group.choices)
    track = models.CharField(_("filière"), max_length=10, choices=TrackChoice.choices)
    duration_class = models.CharField(
        _("durée du résidanat"), max_length=10, choices=Duration.choices,
        help_text=_("D93 art. 23; le nombre d'années vient des paramètres réglementaires."),
    )
    public_administration_open = models.BooleanField(
        _("ouverte aux candidats d'une administration publique"),
        default=False,
        help_text=_("D93 art. 27 bis: médecine sociale, légale, du travail et du sport."),
    )

    class Meta:
        ordering = ["group", "name_fr"]
        verbose_name = _("spécialité")
        verbose_name_plural = _("spécialités")
        constraints = [
            models.UniqueConstraint(fields=["code", "group"], name="specialty_unique_code_group"),
        ]

    def residency_years(self, on: dt.date) -> int:
        # D93 art. 23: 3, 4 or 5 years by specialty.
        return int(param(DurationClass(self.duration_class).parameter_key, on=on))
