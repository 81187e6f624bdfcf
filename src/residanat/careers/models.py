"""A trainee's career between appointment and the end of the status: rotations (chosen by merit
each period, assigned in bulk for externs) and their validation, residency years, leave and
absences, rural missions, degrees. The computed dates live in `rules/careers.py`."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from residanat.accounts.scopes import ScopedQuerySet
from residanat.people.models import Person, TraineeStatus
from residanat.referential.models import Establishment, Faculty, HospitalCentre, HospitalService, Specialty

STATUS_SCOPE = {
    "faculty": "status__faculty",
    "hospital_centre": "status__hospital_centre",
    "service": "status__service",
    "self": "status__person__user",
}


class StatusScopedQuerySet(ScopedQuerySet):
    scope_paths = STATUS_SCOPE


def _ordered(name):
    return models.CheckConstraint(name=name, condition=Q(end_date__gte=F("start_date")))


# --- rotations -----------------------------------------------------------------------------------

class PeriodQuerySet(ScopedQuerySet):
    scope_paths = {
        "faculty": "faculty",
        "hospital_centre": "hospital_centre",
        "service": "seats__service",
        "self": "choosers__status__person__user",
    }


class RotationPeriod(models.Model):
    """One six-month period in which interns of one track (D93, one hospital centre) or the
    public-health interns (RD68) choose their service or work place."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("en préparation")
        WISHES_OPEN = "wishes_open", _("vœux ouverts")
        ASSIGNED = "assigned", _("services attribués")

    regime = models.CharField(_("régime"), max_length=4, choices=TraineeStatus.Regime.choices)
    track = models.CharField(_("filière"), max_length=10, choices=Specialty.TrackChoice.choices)
    faculty = models.ForeignKey(Faculty, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("faculté"))
    hospital_centre = models.ForeignKey(HospitalCentre, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="rotation_periods", verbose_name=_("centre hospitalier"))
    label = models.CharField(_("intitulé"), max_length=120)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    wishes_deadline = models.DateTimeField(_("date limite des vœux"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.PREPARING)
    # D93 art. 15: seats per service are set by the dean and the hospital director together.
    seats_approved_by_dean = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                               blank=True, related_name="+", verbose_name=_("places arrêtées par le doyen"))
    seats_approved_by_director = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                                   blank=True, related_name="+",
                                                   verbose_name=_("places arrêtées par le directeur"))
    seats_approved_by_dean_at = models.DateTimeField(null=True, blank=True)
    seats_approved_by_director_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    assigned_at = models.DateTimeField(null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "track"]
        verbose_name = _("période de stage")
        verbose_name_plural = _("périodes de stage")
        constraints = [
            _ordered("careers_period_range_ordered"),
            # D93 periods belong to a hospital centre; RD68 ones to the Ministry's hospitals.
            models.CheckConstraint(name="careers_period_d93_has_centre",
                                   condition=~Q(regime="D93") | Q(hospital_centre__isnull=False)),
        ]

    def __str__(self):
        return self.label


class ServiceSeats(models.Model):
    period = models.ForeignKey(RotationPeriod, on_delete=models.CASCADE, related_name="seats")
    service = models.ForeignKey(HospitalService, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("service"))
    seats = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        ordering = ["service__establishment__name_fr", "service__name_fr"]
        verbose_name = _("places d'un service")
        constraints = [models.UniqueConstraint(fields=["period", "service"], name="careers_seats_unique_service")]


class PeriodChooserQuerySet(ScopedQuerySet):
    scope_paths = {
        "faculty": "period__faculty",
        "hospital_centre": "period__hospital_centre",
        "self": "status__person__user",
    }


class PeriodChooser(models.Model):
    """A trainee who chooses in a period, at their place in the call order."""

    period = models.ForeignKey(RotationPeriod, on_delete=models.CASCADE, related_name="choosers")
    status = models.ForeignKey(TraineeStatus, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(_("ordre d'appel"))

    objects = PeriodChooserQuerySet.as_manager()

    class Meta:
        ordering = ["period", "order"]
        constraints = [
            models.UniqueConstraint(fields=["period", "status"], name="careers_chooser_unique_status"),
            models.UniqueConstraint(fields=["period", "order"], name="careers_chooser_unique_order"),
        ]


class RotationWish(models.Model):
    chooser = models.ForeignKey(PeriodChooser, on_delete=models.CASCADE, related_name="wishes")
    rank = models.PositiveSmallIntegerField(_("rang du vœu"))
    service = models.ForeignKey(HospitalService, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["chooser", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["chooser", "rank"], name="careers_wish_unique_rank"),
            models.UniqueConstraint(fields=["chooser", "service"], name="careers_wish_unique_service"),
        ]


class RotationQuerySet(ScopedQuerySet):
    scope_paths = {
        "faculty": "status__faculty",
        "hospital_centre": "status__hospital_centre",
        # The head of service sees the rotations done in their service (D93 art. 3, 17).
        "service": "service",
        "self": "status__person__user",
    }


class Rotation(models.Model):
    """A trainee's time in one service, and its validation by the head of service (D93 art. 4, 17)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("à valider")
        VALIDATED = "validated", _("validé")
        NOT_VALIDATED = "not_validated", _("non validé")

    status = models.ForeignKey(TraineeStatus, on_delete=models.PROTECT, related_name="rotations")
    service = models.ForeignKey(HospitalService, on_delete=models.PROTECT, related_name="rotations",
                                verbose_name=_("service"))
    period = models.ForeignKey(RotationPeriod, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="rotations", verbose_name=_("période"))
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    # D93 art. 17: redone in full after a rotation that was not validated.
    is_redo = models.BooleanField(_("stage refait"), default=False)
    outcome = models.CharField(_("validation"), max_length=14, choices=Outcome.choices, default=Outcome.PENDING)
    # D93 art. 17: the four criteria of the head of service.
    attendance = models.BooleanField(_("assiduité"), null=True)
    knowledge = models.BooleanField(_("connaissances"), null=True)
    practical_skills = models.BooleanField(_("aptitudes pratiques"), null=True)
    conduct = models.BooleanField(_("comportement"), null=True)
    comment = models.TextField(_("observation"), blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("validé par"))
    validated_at = models.DateTimeField(_("validé le"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = RotationQuerySet.as_manager()

    class Meta:
        ordering = ["status", "start_date"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            _ordered("careers_rotation_range_ordered"),
            models.UniqueConstraint(fields=["status", "period"], name="careers_rotation_one_per_period",
                                    condition=Q(period__isnull=False)),
            # A decided rotation names its four criteria and who decided.
            models.CheckConstraint(
                name="careers_rotation_decided_is_complete",
                condition=Q(outcome="pending") | (
                    Q(attendance__isnull=False, knowledge__isnull=False, practical_skills__isnull=False,
                      conduct__isnull=False, validated_by__isnull=False, validated_at__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.status.person} — {self.service} ({self.start_date})"


class ExternBatchQuerySet(ScopedQuerySet):
    scope_paths = {"faculty": "faculty", "hospital_centre": "hospital_centre"}


class ExternAssignmentBatch(models.Model):
    """D93 art. 5: the dean proposes, after the pedagogical committee's opinion, and the hospital
    director assigns the externs to services."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposée par le doyen")
        ASSIGNED = "assigned", _("affectée par le directeur")

    faculty = models.ForeignKey(Faculty, on_delete=models.PROTECT, related_name="+", verbose_name=_("faculté"))
    hospital_centre = models.ForeignKey(HospitalCentre, on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("centre hospitalier"))
    label = models.CharField(_("intitulé"), max_length=120)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    committee_opinion = models.CharField(_("avis de la commission pédagogique"), max_length=200)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    assigned_at = models.DateTimeField(null=True, blank=True)

    objects = ExternBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("affectation des externes")
        constraints = [_ordered("careers_extern_batch_range_ordered")]


class ExternAssignment(models.Model):
    batch = models.ForeignKey(ExternAssignmentBatch, on_delete=models.CASCADE, related_name="rows")
    status = models.ForeignKey(TraineeStatus, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(HospitalService, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["batch", "pk"]
        constraints = [models.UniqueConstraint(fields=["batch", "status"], name="careers_extern_assignment_unique")]


class EnrolmentImportQuerySet(ScopedQuerySet):
    scope_paths = {"faculty": "faculty"}


class EnrolmentImport(models.Model):
    """A faculty's yearly enrolment list, from which extern statuses are created (D93 art. 2)."""

    faculty = models.ForeignKey(Faculty, on_delete=models.PROTECT, related_name="+", verbose_name=_("faculté"))
    academic_year = models.PositiveSmallIntegerField(_("année universitaire (début)"))
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    file_name = models.CharField(_("fichier"), max_length=200)
    rows = models.PositiveIntegerField(_("lignes"))
    statuses_created = models.PositiveIntegerField(_("statuts d'externe créés"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = EnrolmentImportQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("import des inscriptions")
        constraints = [_ordered("careers_enrolment_range_ordered")]


# --- residents -----------------------------------------------------------------------------------

class ResidencyYear(models.Model):
    """One year actually spent in residency and the yearly decision on it (D93 art. 23)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("en cours")
        VALIDATED = "validated", _("validée")
        REPEAT = "repeat", _("à redoubler")

    status = models.ForeignKey(TraineeStatus, on_delete=models.PROTECT, related_name="residency_years")
    number = models.PositiveSmallIntegerField(_("année de résidanat"))
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    outcome = models.CharField(_("décision"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(_("référence (procès-verbal)"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = StatusScopedQuerySet.as_manager()

    class Meta:
        ordering = ["status", "start_date"]
        verbose_name = _("année de résidanat")
        constraints = [_ordered("careers_residency_year_range_ordered")]


# --- leave, absences, missions -------------------------------------------------------------------

class Leave(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("congé annuel")
        SICK = "sick", _("congé de maladie")
        MATERNITY = "maternity", _("congé de maternité")
        WORK_ACCIDENT = "work_accident", _("accident du travail")
        UNPAID = "unpaid", _("absence non rémunérée")

    status = models.ForeignKey(TraineeStatus, on_delete=models.PROTECT, related_name="leaves")
    kind = models.CharField(_("nature"), max_length=14, choices=Kind.choices)
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    reference = models.CharField(_("référence (décision ou certificat)"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # D93 art. 28: a resident's leave dates are set by the dean and the hospital director: the
    # leave is in force once the second of them has approved it.
    second_approval_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+")
    needs_second_approval = models.BooleanField(default=False)
    history = HistoricalRecords()

    objects = StatusScopedQuerySet.as_manager()

    class Meta:
        ordering = ["status", "start_date"]
        verbose_name = _("congé ou absence")
        verbose_name_plural = _("congés et absences")
        constraints = [_ordered("careers_leave_range_ordered")]

    @property
    def in_force(self) -> bool:
        return not self.needs_second_approval or self.second_approval_by_id is not None


class RuralMission(models.Model):
    """RD68 ch. 6: a public-health intern replacing a doctor in a rural centre."""

    status = models.ForeignKey(TraineeStatus, on_delete=models.PROTECT, related_name="rural_missions")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("centre rural"))
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    # The daily allowance is due only when the mission forces a change of residence.
    forces_move = models.BooleanField(_("impose un changement de résidence"))
    reference = models.CharField(_("référence de la décision"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = StatusScopedQuerySet.as_manager()

    class Meta:
        ordering = ["status", "start_date"]
        verbose_name = _("mission de remplacement en milieu rural")
        constraints = [_ordered("careers_mission_range_ordered")]

    @property
    def allowance_days(self) -> int:
        return (self.end_date - self.start_date).days + 1 if self.forces_move else 0


class DegreeQuerySet(ScopedQuerySet):
    scope_paths = {
        "faculty": "person__statuses__faculty",
        "hospital_centre": "person__statuses__hospital_centre",
        "service": "person__statuses__service",
        "self": "person__user",
    }


class Degree(models.Model):
    class Kind(models.TextChoices):
        DOCTORATE = "doctorate", _("doctorat")
        SPECIALTY_DIPLOMA = "specialty_diploma", _("diplôme de spécialité médicale")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="degrees")
    kind = models.CharField(_("diplôme"), max_length=20, choices=Kind.choices)
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("spécialité"))
    awarded_on = models.DateField(_("obtenu le"))
    reference = models.CharField(_("référence"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DegreeQuerySet.as_manager()

    class Meta:
        ordering = ["person", "awarded_on"]
        verbose_name = _("diplôme")
        constraints = [
            models.CheckConstraint(name="careers_diploma_has_specialty",
                                   condition=~Q(kind="specialty_diploma") | Q(specialty__isnull=False)),
        ]
