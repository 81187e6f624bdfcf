"""Competitions (internat, résidanat) of a faculty and the posts the ministry opens for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from residanat.accounts.roles import Role
from residanat.accounts.scopes import ScopedQuerySet
from residanat.referential.models import Faculty, HospitalCentre, Specialty


# Competitions are run by the ministry and the faculty (decision 0008); hospital centres read them.
COMPETITION_EDITOR_ROLES = frozenset({Role.MINISTRY_ADMIN, Role.DEAN_OFFICE})


class CompetitionScopedQuerySet(ScopedQuerySet):
    editor_roles = COMPETITION_EDITOR_ROLES


class CompetitionQuerySet(CompetitionScopedQuerySet):
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
    registration_closes_on = models.DateField(
        _("clôture des inscriptions"), null=True, blank=True,
        help_text=_("Date à laquelle les conditions de recevabilité sont appréciées."))
    tie_break = models.JSONField(
        _("départage des ex aequo"), default=list, blank=True,
        help_text=_("Critères successifs ; vide = réglage par défaut (RESIDANAT_TIE_BREAK)."))
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.DRAFT)
    history = HistoricalRecords()

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "slug"]
        verbose_name = _("concours")
        verbose_name_plural = _("concours")

    def __str__(self):
        return f"{self.get_kind_display()} {self.year} – {self.faculty.city_fr}"

    @cached_property
    def results_online(self) -> bool:
        """Whether the public results page answers (concours:results): published, with a list the
        jury locked. An earlier session recorded as published without its list has none. (Lists
        read it annotated at once: publication.with_results_online.)"""
        return self.state == self.State.PUBLISHED and self.merit_lists.filter(locked_at__isnull=False).exists()


class PostAllocationQuerySet(CompetitionScopedQuerySet):
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


class CompetitionTransition(models.Model):
    """One step of a competition's state machine: who moved it, when, from what to what."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("de"), max_length=20, choices=Competition.State.choices)
    to_state = models.CharField(_("vers"), max_length=20, choices=Competition.State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("par"))
    role = models.CharField(_("au titre de"), max_length=32, blank=True)
    at = models.DateTimeField(_("le"), auto_now_add=True)
    note = models.TextField(_("observation"), blank=True)

    @property
    def role_label(self):
        from residanat.accounts.roles import Role

        return Role(self.role).label if self.role in Role.values else self.role

    class Meta:
        ordering = ["competition", "at", "pk"]
        verbose_name = _("changement d'état")
        verbose_name_plural = _("changements d'état")


class CandidateQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "competition__faculty", "hospital_centre": "competition__hospital_centre",
                   "self": "person__user"}


class Candidate(models.Model):
    """A person's candidacy to one competition, with the facts its eligibility is judged on."""

    class Route(models.TextChoices):
        COMPETITION = "competition", _("sur concours")
        # D93 art. 21 1.a and 1.b: admitted on titles, within the seats, without the tests.
        TITLES_INTERN = "titles_intern", _("sur titres (interne)")
        TITLES_MILITARY = "titles_military", _("sur titres (assistant militaire)")

    class Diploma(models.TextChoices):
        MEDICINE = "medicine", _("docteur en médecine")
        PHARMACY = "pharmacy", _("docteur en pharmacie")
        DENTAL = "dental", _("docteur en médecine dentaire")
        VETERINARY = "veterinary", _("docteur vétérinaire")

    class State(models.TextChoices):
        REGISTERED = "registered", _("inscrit")
        ELIGIBLE = "eligible", _("recevable")
        INELIGIBLE = "ineligible", _("non recevable")
        WITHDRAWN = "withdrawn", _("désisté")

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="candidates",
                                    verbose_name=_("concours"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="candidacies",
                               verbose_name=_("personne"))
    number = models.CharField(_("numéro de candidat"), max_length=20)
    route = models.CharField(_("voie d'accès"), max_length=20, choices=Route.choices, default=Route.COMPETITION)
    track = models.CharField(_("filière"), max_length=10, choices=Specialty.TrackChoice.choices)
    # Internat (D93 art. 8) and public-health internat (RD68 ch. 1): the student's enrolment.
    enrolment_faculty = models.ForeignKey(Faculty, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("faculté d'inscription"))
    study_year = models.PositiveSmallIntegerField(_("année d'études"), null=True, blank=True)
    validated_years = models.PositiveSmallIntegerField(
        _("années validées"), null=True, blank=True,
        help_text=_("Années d'études dont tous les modules, stages et travaux pratiques sont validés."))
    year5_exams_passed = models.BooleanField(_("examens de 5e année réussis"), default=False)
    thesis_defended_on = models.DateField(_("thèse soutenue le"), null=True, blank=True)
    # Résidanat (D93 art. 21).
    diploma = models.CharField(_("diplôme"), max_length=12, choices=Diploma.choices, blank=True)
    diploma_date = models.DateField(_("date du diplôme"), null=True, blank=True)
    diploma_country = models.CharField(_("pays du diplôme"), max_length=2, default="MA")
    diploma_equivalence = models.CharField(
        _("référence de l'équivalence"), max_length=200, blank=True,
        help_text=_("Pour un diplôme étranger : la décision qui le reconnaît équivalent."))
    practice_since = models.DateField(_("exercice effectif depuis"), null=True, blank=True)
    civil_service_in_order = models.BooleanField(_("en règle vis-à-vis du service civil"), default=False)
    internat_months_validated = models.PositiveSmallIntegerField(
        _("mois d'internat effectif validés"), null=True, blank=True)
    military_assistant_passed = models.BooleanField(
        _("reçu au concours d'assistanat des hôpitaux militaires"), default=False)
    # Art. 27 bis: a candidate already committed to a public administration.
    public_administration = models.CharField(_("administration d'origine"), max_length=200, blank=True)

    state = models.CharField(_("recevabilité"), max_length=12, choices=State.choices, default=State.REGISTERED)
    eligibility = models.JSONField(
        _("motifs"), default=list, blank=True,
        help_text=_("Chaque condition non remplie : code, article, message en français et en arabe."))
    attempt_number = models.PositiveSmallIntegerField(_("participation n°"), null=True, blank=True)
    eligibility_checked_at = models.DateTimeField(_("recevabilité vérifiée le"), null=True, blank=True)
    self_registered = models.BooleanField(_("inscription en ligne"), default=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("inscrit par"))
    registered_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["competition", "number"]
        verbose_name = _("candidat")
        verbose_name_plural = _("candidats")
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="candidate_unique_number"),
            models.UniqueConstraint(fields=["competition", "person"], name="candidate_unique_person"),
        ]

    def __str__(self):
        return f"{self.number} {self.person.full_name}"

    @property
    def is_foreign(self) -> bool:
        return not self.person.is_moroccan


class CandidateDocumentQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "candidate__competition__faculty",
                   "hospital_centre": "candidate__competition__hospital_centre",
                   "self": "candidate__person__user"}


def candidate_document_path(instance, filename):
    return f"candidatures/{instance.candidate.competition.slug}/{instance.candidate.number}/{filename}"


class CandidateDocument(models.Model):
    class Kind(models.TextChoices):
        IDENTITY = "identity", _("pièce d'identité")
        ENROLMENT = "enrolment", _("attestation d'inscription")
        TRANSCRIPT = "transcript", _("relevé de validation des années")
        DIPLOMA = "diploma", _("diplôme")
        EQUIVALENCE = "equivalence", _("équivalence du diplôme")
        PRACTICE = "practice", _("attestation d'exercice")
        CIVIL_SERVICE = "civil_service", _("situation vis-à-vis du service civil")
        INTERNAT = "internat", _("attestation d'internat")
        OTHER = "other", _("autre")

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("pièce"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("fichier"), upload_to=candidate_document_path)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")

    objects = CandidateDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["candidate", "kind", "uploaded_at"]
        verbose_name = _("pièce du dossier")
        verbose_name_plural = _("pièces du dossier")


class CompetitionTestQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "competition__faculty", "hospital_centre": "competition__hospital_centre"}


class CompetitionTest(models.Model):
    """One test (épreuve) of a competition and its weight in the total (D93 art. 9: set by joint order)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="tests",
                                    verbose_name=_("concours"))
    code = models.SlugField(_("code"), max_length=30)
    name_fr = models.CharField(_("épreuve"), max_length=150)
    name_ar = models.CharField(_("épreuve (arabe)"), max_length=150, blank=True)
    weight = models.DecimalField(_("coefficient"), max_digits=5, decimal_places=2)
    max_score = models.DecimalField(_("note maximale"), max_digits=6, decimal_places=2, default=20)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = CompetitionTestQuerySet.as_manager()

    class Meta:
        ordering = ["competition", "order", "code"]
        verbose_name = _("épreuve")
        verbose_name_plural = _("épreuves")
        constraints = [
            models.UniqueConstraint(fields=["competition", "code"], name="test_unique_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="test_weight_positive"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="test_max_score_positive"),
        ]

    def __str__(self):
        return self.name_fr

    @property
    def name(self):
        return self.name_ar if (get_language() or "fr").startswith("ar") and self.name_ar else self.name_fr


class ScoreQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "candidate__competition__faculty",
                   "hospital_centre": "candidate__competition__hospital_centre",
                   "self": "candidate__person__user"}


class Score(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scores")
    test = models.ForeignKey(CompetitionTest, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(_("note"), max_digits=6, decimal_places=2, null=True, blank=True)
    absent = models.BooleanField(_("absent"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    entered_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["candidate", "test"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "test"], name="score_unique_per_test"),
            models.CheckConstraint(
                condition=(Q(absent=True, value__isnull=True) | Q(absent=False, value__isnull=False)),
                name="score_value_or_absent",
            ),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="score_not_negative"),
        ]


class MeritListQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "competition__faculty", "hospital_centre": "competition__hospital_centre"}


class MeritList(models.Model):
    """One version of a competition's merit list. The jury's deliberation locks a version; a later
    change makes a new version with its reason, and every version is kept."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="merit_lists",
                                    verbose_name=_("concours"))
    version = models.PositiveSmallIntegerField(_("version"))
    reason = models.TextField(_("motif"), blank=True)
    tie_break = models.JSONField(_("départage"), default=list)
    seats = models.JSONField(_("postes pris en compte"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    locked_at = models.DateTimeField(_("délibéré le"), null=True, blank=True)

    objects = MeritListQuerySet.as_manager()

    class Meta:
        ordering = ["competition", "-version"]
        verbose_name = _("liste de mérite")
        verbose_name_plural = _("listes de mérite")
        constraints = [
            models.UniqueConstraint(fields=["competition", "version"], name="merit_list_unique_version"),
        ]

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class MeritEntryQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "merit_list__competition__faculty",
                   "hospital_centre": "merit_list__competition__hospital_centre",
                   "self": "candidate__person__user"}


class MeritEntry(models.Model):
    class Outcome(models.TextChoices):
        ADMITTED = "admitted", _("admis")
        ADMITTED_ON_TITLES = "admitted_on_titles", _("admis sur titres")
        ADMITTED_FOREIGN = "admitted_foreign", _("admis (candidat étranger)")
        FOREIGN_BELOW_THRESHOLD = "foreign_below_threshold", _("non admis : note inférieure au seuil")
        FOREIGN_OVER_CAP = "foreign_over_cap", _("non admis : quota des candidats étrangers atteint")
        NOT_ADMITTED = "not_admitted", _("non admis")
        ABSENT = "absent", _("absent")

    merit_list = models.ForeignKey(MeritList, on_delete=models.CASCADE, related_name="entries")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="merit_entries")
    pool = models.CharField(_("classement"), max_length=20, blank=True,
                            help_text=_("La filière pour l'internat (postes par filière), vide sinon."))
    rank = models.PositiveIntegerField(_("rang"), null=True, blank=True)
    total = models.DecimalField(_("moyenne pondérée"), max_digits=8, decimal_places=3, null=True, blank=True)
    outcome = models.CharField(_("résultat"), max_length=24, choices=Outcome.choices)
    seat_type = models.CharField(_("type de poste"), max_length=24, choices=PostAllocation.SeatType.choices,
                                 blank=True)
    rule = models.CharField(_("règle appliquée"), max_length=40, blank=True)
    threshold = models.DecimalField(_("seuil"), max_digits=8, decimal_places=3, null=True, blank=True)
    explanation = models.TextField(_("explication"), blank=True)

    objects = MeritEntryQuerySet.as_manager()

    class Meta:
        ordering = ["merit_list", "pool", "rank", "candidate__number"]
        verbose_name = _("rang")
        verbose_name_plural = _("rangs")
        constraints = [
            models.UniqueConstraint(fields=["merit_list", "candidate"], name="merit_entry_unique_candidate"),
        ]
