"""Competitions (internat, résidanat) of a faculty and the posts the ministry opens for them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from residanat.accounts.scopes import ScopedQuerySet
from residanat.referential.models import Faculty, HospitalCentre, Specialty


class CompetitionQuerySet(ScopedQuerySet):
    scope_paths = {"faculty": "faculty", "hospital_centre": "hospital_centre"}


class Competition(models.Model):
    class Kind(models.TextChoices):
        INTERNAT = "internat", _("internat des CHU")
        RESIDANAT = "residanat", _("résidanat")
        PUBLIC_HEALTH_INTERNAT = "public_health_internat", _("internat de santé publique")

    class State(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        POSTS_VALIDATED = "posts_validated", _("postes validés")
        REGISTRATION_OPEN = "registration_open", _("inscriptions ouvertes")
        REGISTRATION_CLOSED = "registration_closed", _("inscriptions closes")
        SCORES_ENTERED = "scores_entered", _("notes saisies")
        DELIBERATED = "deliberated", _("délibéré")
        PUBLISHED = "published", _("résultats publiés")

    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("année"))
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    faculty = models.ForeignKey(Faculty, on_delete=models.PROTECT, related_name="competitions",
                                verbose_name=_("faculté"))
    hospital_centre = models.ForeignKey(
        HospitalCentre, on_delete=models.PROTECT, related_name="competitions", null=True, blank=True,
        verbose_name=_("CHU"),
    )
    session_date = models.DateField(_("date de la session"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.DRAFT)
    history = HistoricalRecords()

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "slug"]
        verbose_name = _("concours")
        verbose_name_plural = _("concours")

    def __str__(self):
        return f"{self.get_kind_display()} {self.year} – {self.faculty.city_fr}"


class PostAllocationQuerySet(ScopedQuerySet):
    scope_paths = {"faculty": "competition__faculty", "hospital_centre": "competition__hospital_centre"}


class PostAllocation(models.Model):
    """Posts opened for a competition: per specialty, or as a pool per group of specialties (the
    volunteer posts for foreign candidates of seed 000 are stated only on each group's subtotal)."""

    class SeatType(models.TextChoices):
        CONTRACT = "contract", _("contractuel")
        FOREIGN_VOLUNTEER = "foreign_volunteer", _("bénévole étranger")
        PUBLIC_ADMINISTRATION = "public_administration", _("administration publique")
        MILITARY = "military", _("militaire")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="allocations",
                                    verbose_name=_("concours"))
    seat_type = models.CharField(_("statut des postes"), max_length=24, choices=SeatType.choices)
    group = models.CharField(_("groupe"), max_length=16, choices=Specialty.Group.choices)
    track = models.CharField(_("filière"), max_length=10, choices=Specialty.TrackChoice.choices)
    specialty = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, related_name="post_allocations", null=True, blank=True,
        verbose_name=_("spécialité"), help_text=_("Vide pour un contingent du groupe de spécialités."),
    )
    seats = models.PositiveIntegerField(_("postes"))
    source_line = models.PositiveIntegerField(_("ligne de la lettre"), null=True, blank=True)

    objects = PostAllocationQuerySet.as_manager()

    class Meta:
        ordering = ["competition", "group", "specialty__name_fr", "seat_type"]
        verbose_name = _("répartition de postes")
        verbose_name_plural = _("répartition des postes")
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "seat_type", "specialty"], condition=Q(specialty__isnull=False),
                name="allocation_unique_specialty",
            ),
            models.UniqueConstraint(
                fields=["competition", "seat_type", "group"], condition=Q(specialty__isnull=True),
                name="allocation_unique_group_pool",
            ),
            models.CheckConstraint(condition=Q(seats__gt=0), name="allocation_seats_positive"),
        ]

    def __str__(self):
        what = self.specialty.name_fr if self.specialty_id else self.get_group_display()
        return f"{what}: {self.seats} ({self.get_seat_type_display()})"
