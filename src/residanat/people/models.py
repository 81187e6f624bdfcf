"""Persons and their trainee statuses over time."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from residanat.accounts.scopes import ScopedQuerySet
from residanat.referential.models import Specialty


class PersonQuerySet(ScopedQuerySet):
    # How each scope reaches a person: through any of their statuses.
    scope_paths = {
        "faculty": "statuses__faculty",
        "hospital_centre": "statuses__hospital_centre",
        "service": "statuses__service",
        "self": "user",
    }


class Person(models.Model):
    national_id = models.CharField(
        _("CIN"), max_length=20, unique=True, null=True, blank=True,
        help_text=_("Carte nationale d'identité électronique (Marocains)."),
    )
    passport_number = models.CharField(_("passeport"), max_length=30, null=True, blank=True)
    nationality = models.CharField(
        _("nationalité"), max_length=2, default="MA", help_text=_("Code pays ISO 3166 (MA = Maroc).")
    )
    last_name = models.CharField(_("nom"), max_length=100)
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name_ar = models.CharField(_("nom (arabe)"), max_length=100, blank=True)
    first_name_ar = models.CharField(_("prénom (arabe)"), max_length=100, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="person", verbose_name=_("compte"),
    )
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        constraints = [
            models.CheckConstraint(
                name="person_has_identity_document",
                condition=Q(national_id__isnull=False) | Q(passport_number__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["nationality", "passport_number"], name="person_unique_passport"
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def full_name_ar(self):
        return f"{self.last_name_ar} {self.first_name_ar}".strip()

    @property
    def is_moroccan(self):
        return self.nationality == "MA"

    def current_statuses(self, on=None):
        on = on or timezone.localdate()
        return self.statuses.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


class TraineeStatusQuerySet(ScopedQuerySet):
    scope_paths = {
        "faculty": "faculty",
        "hospital_centre": "hospital_centre",
        "service": "service",
        "self": "person__user",
    }


class TraineeStatus(models.Model):
    class Kind(models.TextChoices):
        EXTERN = "extern", _("externe")
        INTERN = "intern", _("interne")
        RESIDENT = "resident", _("résident")
        PUBLIC_HEALTH_INTERN = "public_health_intern", _("interne des hôpitaux de santé publique")
        SEVENTH_YEAR = "seventh_year_intern_duties", _("étudiant de 7e année chargé de fonctions d'interne")

    class Regime(models.TextChoices):
        D93 = "D93", _("centres hospitaliers (décret 2.91.527)")
        RD68 = "RD68", _("hôpitaux de santé publique (décret royal 747.67)")

    class EntryRoute(models.TextChoices):
        ENROLMENT = "enrolment", _("inscription à la faculté")
        COMPETITION = "competition", _("concours")
        TITLES_INTERN = "titles_intern", _("sur titres (interne ayant validé deux ans)")
        TITLES_MILITARY = "titles_military", _("sur titres (assistant des hôpitaux militaires)")
        DECISION = "decision", _("décision ministérielle")

    class EndReason(models.TextChoices):
        COMPLETED = "completed", _("fin de la formation")
        DOCTORATE = "doctorate", _("obtention du doctorat")
        NEXT_YEAR = "next_year", _("année d'études suivante")
        EXCLUSION = "exclusion", _("exclusion définitive")
        RESIGNATION = "resignation", _("démission ou abandon")
        OTHER = "other", _("autre")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="statuses")
    kind = models.CharField(_("statut"), max_length=32, choices=Kind.choices)
    track = models.CharField(_("filière"), max_length=10, choices=Specialty.TrackChoice.choices)
    study_year = models.PositiveSmallIntegerField(_("année d'études"), null=True, blank=True)
    faculty = models.ForeignKey(
        "referential.Faculty", on_delete=models.PROTECT, null=True, blank=True,
        related_name="statuses", verbose_name=_("faculté"),
    )
    hospital_centre = models.ForeignKey(
        "referential.HospitalCentre", on_delete=models.PROTECT, null=True, blank=True,
        related_name="statuses", verbose_name=_("centre hospitalier"),
    )
    establishment = models.ForeignKey(
        "referential.Establishment", on_delete=models.PROTECT, null=True, blank=True,
        related_name="statuses", verbose_name=_("établissement"),
    )
    service = models.ForeignKey(
        "referential.HospitalService", on_delete=models.PROTECT, null=True, blank=True,
        related_name="statuses", verbose_name=_("service actuel"),
    )
    specialty = models.ForeignKey(
        "referential.Specialty", on_delete=models.PROTECT, null=True, blank=True,
        related_name="statuses", verbose_name=_("spécialité"),
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    decision_ref = models.CharField(_("référence de la décision"), max_length=200, blank=True)
    entry_route = models.CharField(_("voie d'accès"), max_length=16, choices=EntryRoute.choices, blank=True)
    # The rank in the competition that gave the status: the order of the choice of services
    # (D93 art. 15, RD68 ch. 5).
    merit_rank = models.PositiveIntegerField(_("rang au concours"), null=True, blank=True)
    # D93 art. 6: a repeating extern is paid for one extra year at most; the repeat is recorded here.
    is_repeat = models.BooleanField(_("redoublement"), default=False)
    # RD68 ch. 6: only interns who did their internat in year 6 may be sent on rural missions.
    internat_in_year6 = models.BooleanField(_("internat effectué en 6e année"), default=False)
    end_reason = models.CharField(_("motif de fin"), max_length=12, choices=EndReason.choices, blank=True)
    history = HistoricalRecords()

    objects = TraineeStatusQuerySet.as_manager()

    class Meta:
        ordering = ["person", "start_date"]
        verbose_name = _("statut de stagiaire")
        verbose_name_plural = _("statuts de stagiaire")
        constraints = [
            models.CheckConstraint(
                name="status_range_ordered",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
            # D93 art. 2 and 6: an extern's pay and duties depend on the study year.
            models.CheckConstraint(
                name="status_extern_has_study_year",
                condition=~Q(kind="extern") | Q(study_year__isnull=False),
            ),
            # A resident trains in one specialty (D93 art. 23).
            models.CheckConstraint(
                name="status_resident_has_specialty",
                condition=~Q(kind="resident") | Q(specialty__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_kind_display()} ({self.start_date})"

    @property
    def regime(self) -> str:
        if self.kind in (self.Kind.PUBLIC_HEALTH_INTERN, self.Kind.SEVENTH_YEAR):
            return self.Regime.RD68
        return self.Regime.D93
