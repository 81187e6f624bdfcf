"""The yearly deployment of new specialists: a campaign's posts by establishment, specialty and
purpose, who is deployed (each cohort of specialists under commitment, and the annual transfer
movement), their wishes, the couples who ask to be posted together, the what-if and final runs
and the postings they give."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from residanat.accounts.roles import Role
from residanat.accounts.scopes import ScopedQuerySet

USER = settings.AUTH_USER_MODEL

# The names of the people deployed are read by the administrations that follow them and by the
# person; the posts and figures of a campaign are not personal and every staff role reads them.
CANDIDATE_READERS = frozenset({Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.DEAN_OFFICE,
                               Role.HOSPITAL_DIRECTOR_OFFICE, Role.TRAINEE})


class Campaign(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("en préparation")
        WISHES = "wishes", _("vœux ouverts")
        FINAL = "final", _("affectations arrêtées")

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    # The total the Ministry announced (its communiqué); the reconciliation compares the posts with it.
    announced_total = models.PositiveIntegerField(_("total annoncé"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=8, choices=State.choices, default=State.DRAFT)
    wishes_deadline = models.DateField(_("date limite des vœux"), null=True, blank=True)
    taking_up_date = models.DateField(
        _("date de prise de fonctions"), null=True, blank=True,
        help_text=_("Début de la période de service au titre de l'engagement (D93 art. 27)."))
    pairs_limit = models.PositiveSmallIntegerField(
        _("paires retenues par couple"), default=40,
        help_text=_("Nombre de paires de postes (même province) tirées des listes des deux conjoints."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("campagne d'affectation")
        verbose_name_plural = _("campagnes d'affectation")

    def __str__(self):
        return str(self.year)


class Purpose(models.TextChoices):
    MISSING_SPECIALTY = "missing_specialty", _("spécialité manquante")
    REINFORCEMENT = "reinforcement", _("renforcement")
    TRANSFER_COMPENSATION = "transfer_compensation", _("compensation des mutations")


class DeploymentPost(models.Model):
    """Seats for one specialty in one establishment, for one cohort, with their purpose. An empty
    purpose is kept as such: the reconciliation shows it rather than guessing one."""

    class Priority(models.IntegerChoices):
        HIGH = 1, _("haute")
        NORMAL = 2, _("normale")
        LOW = 3, _("basse")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="posts")
    delegation = models.ForeignKey("referential.HealthDelegation", on_delete=models.PROTECT, related_name="+")
    establishment = models.ForeignKey("referential.Establishment", on_delete=models.PROTECT, related_name="+")
    specialty = models.ForeignKey("referential.Specialty", on_delete=models.PROTECT, related_name="+")
    cohort = models.PositiveSmallIntegerField(_("promotion"))
    purpose = models.CharField(_("motif"), max_length=24, choices=Purpose.choices, blank=True)
    priority = models.PositiveSmallIntegerField(_("priorité"), choices=Priority.choices, default=Priority.NORMAL)
    seats = models.PositiveSmallIntegerField(_("postes"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "establishment__province__region__code", "establishment__name_fr", "specialty__name_fr"]
        verbose_name = _("poste d'affectation")
        verbose_name_plural = _("postes d'affectation")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "establishment", "specialty", "cohort", "purpose"],
                                    name="deployment_post_unique"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="deployment_post_has_seats"),
        ]

    @property
    def code(self) -> str:
        return f"P{self.pk}"


class CandidateQuerySet(ScopedQuerySet):
    viewer_roles = CANDIDATE_READERS
    scope_paths = {
        "faculty": "status__faculty",
        "hospital_centre": "status__hospital_centre",
        "self": "person__user",
    }


class Candidate(models.Model):
    class Kind(models.TextChoices):
        NEW_SPECIALIST = "new_specialist", _("nouveau spécialiste (engagement de servir)")
        TRANSFER = "transfer", _("mouvement de mutation")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="deployment_candidacies")
    kind = models.CharField(_("catégorie"), max_length=16, choices=Kind.choices)
    specialty = models.ForeignKey("referential.Specialty", on_delete=models.PROTECT, related_name="+")
    # The graduation year: a new specialist takes only the posts of their cohort.
    cohort = models.PositiveSmallIntegerField(_("promotion"), null=True, blank=True)
    status = models.ForeignKey("people.TraineeStatus", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("résidanat"))
    commitment = models.ForeignKey("discipline.Commitment", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("engagement de servir"))
    rank = models.PositiveIntegerField(_("rang de mérite"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "rank", "pk"]
        verbose_name = _("spécialiste à affecter")
        verbose_name_plural = _("spécialistes à affecter")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="deployment_candidate_once"),
            models.UniqueConstraint(fields=["campaign", "rank"], name="deployment_rank_unique"),
            models.CheckConstraint(condition=Q(kind="transfer") | Q(cohort__isnull=False),
                                   name="deployment_new_specialist_has_cohort"),
        ]

    def __str__(self):
        return self.person.full_name


class OfCandidateQuerySet(ScopedQuerySet):
    """Rows that belong to a candidate (a wish, an assignment): seen as the candidate is."""

    viewer_roles = CANDIDATE_READERS
    scope_paths = {k: f"candidate__{v}" for k, v in CandidateQuerySet.scope_paths.items()}


class Wish(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="wishes")
    post = models.ForeignKey(DeploymentPost, on_delete=models.CASCADE, related_name="wishes")
    order = models.PositiveSmallIntegerField(_("ordre"))

    objects = OfCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["candidate", "order"]
        verbose_name = _("vœu")
        verbose_name_plural = _("vœux")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "order"], name="deployment_wish_order_unique"),
            models.UniqueConstraint(fields=["candidate", "post"], name="deployment_wish_post_unique"),
        ]


class CoupleQuerySet(ScopedQuerySet):
    viewer_roles = CANDIDATE_READERS

    def visible_to(self, user, action="view"):
        seen = Candidate.objects.visible_to(user, action).values("pk")
        return self.filter(Q(first__in=seen) | Q(second__in=seen))


class Couple(models.Model):
    """Two specialists who asked to be posted together (spouse reunification): they get posts in
    the same province, or neither is posted (decision 0016)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="couples")
    first = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="couple_as_first")
    second = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="couple_as_second")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    objects = CoupleQuerySet.as_manager()

    class Meta:
        verbose_name = _("couple (rapprochement des conjoints)")
        verbose_name_plural = _("couples (rapprochement des conjoints)")
        constraints = [models.CheckConstraint(condition=~Q(first=models.F("second")), name="couple_two_people")]


class Run(models.Model):
    """One assignment: a what-if (as many as wanted) or the final one (one per campaign)."""

    class Kind(models.TextChoices):
        WHAT_IF = "what_if", _("simulation")
        FINAL = "final", _("définitive")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    method = models.CharField(_("méthode"), max_length=32)
    solver_status = models.CharField(_("statut du solveur"), max_length=24)
    seconds = models.FloatField(_("durée (s)"), default=0)
    # The digest of the instance solved: the same wishes, ranks and posts give the same digest.
    instance_digest = models.CharField(_("empreinte des données"), max_length=64)
    blocking_couples = models.JSONField(_("couples bloquants"), default=list)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("répartition")
        verbose_name_plural = _("répartitions")
        constraints = [models.UniqueConstraint(fields=["campaign"], condition=Q(kind="final"),
                                               name="deployment_one_final_run")]


class Unplaced(models.TextChoices):
    """Why a run leaves somebody without a post (matching/couples.py `unplaced_reasons`)."""

    NO_WISH = "no_wish", _("aucun vœu")
    WISHES_TAKEN = "wishes_taken", _("chaque poste demandé est pris par des spécialistes mieux classés")
    COUPLE_NO_PAIR = "couple_no_pair", _("couple : aucune paire de postes dans une même province parmi les "
                                         "vœux des deux conjoints")
    COUPLE_PAIRS_TAKEN = "couple_pairs_taken", _("couple : dans chaque paire de postes d'une même province, un "
                                                 "poste est pris par des spécialistes mieux classés")
    COUPLE_UNSTABLE = "couple_unstable", _("couple : une paire restait libre, mais aucune répartition sans couple "
                                           "bloquant n'existe et ce couple a été laissé de côté")


class Assignment(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="assignments")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="assignments")
    post = models.ForeignKey(DeploymentPost, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments")
    # The position of the post in the candidate's own list (1 = first wish); null when unassigned.
    wish_order = models.PositiveSmallIntegerField(_("vœu obtenu"), null=True, blank=True)
    # Why nobody's post: computed from the run's data when it is made, kept with it.
    unplaced_reason = models.CharField(_("motif de l'absence de poste"), max_length=20, choices=Unplaced.choices,
                                       blank=True)

    objects = OfCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["run", "candidate__rank"]
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        constraints = [models.UniqueConstraint(fields=["run", "candidate"], name="deployment_assignment_once")]
