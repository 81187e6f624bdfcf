"""Disciplinary cases of interns and residents (D93 art. 30-32) and of public-health interns (RD68
ch. 8-10): the case and its steps, the committee's make-up, the proposal and the decision; every
step is an entry of the case's tamper-evident log. The rules are `rules/discipline.py`."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from residanat.accounts.roles import Role
from residanat.accounts.scopes import ScopedQuerySet
from residanat.people.models import TraineeStatus
from residanat.referential.models import Faculty
from residanat.rules import discipline as rules

USER = settings.AUTH_USER_MODEL
SANCTIONS = [
    (rules.WARNING, _("avertissement")),
    (rules.REPRIMAND, _("blâme")),
    (rules.TEMPORARY, _("exclusion temporaire")),
    (rules.DEFINITIVE, _("exclusion définitive")),
]
# Each regime's own word for an exclusion: D93 art. 30 "الطرد المؤقت / النهائي من العمل", RD68 ch. 8
# "الإقصاء المؤقت / النهائي عن المهام". The French is the same; the Arabic of an RD68 case is RD68's.
RD68_SANCTIONS = {
    rules.TEMPORARY: pgettext_lazy("RD68", "exclusion temporaire"),
    rules.DEFINITIVE: pgettext_lazy("RD68", "exclusion définitive"),
}


def sanction_label(kind: str, regime: str):
    """The name of a sanction in the words of the case's regime."""
    if regime == rules.RD68 and kind in RD68_SANCTIONS:
        return RD68_SANCTIONS[kind]
    return dict(SANCTIONS)[kind]

# Who pronounces a sanction (rules.authority(...).pronounced_by), as the letters and messages name them.
AUTHORITY_LABELS = {
    rules.DIRECTOR: _("le directeur du centre hospitalier"),
    rules.DEAN: _("le doyen"),
    rules.MINISTER: _("le ministre de la Santé"),
    rules.HIGHER_EDUCATION: _("l'autorité chargée de l'enseignement supérieur"),
}


class CommitteeNomination(models.Model):
    """The 3 professors and 3 alternates a faculty council names each year for the disciplinary
    committee (D93 art. 32), in the council's order; each with the service they work in, so that
    one who directly supervises the person is known."""

    faculty = models.ForeignKey(Faculty, on_delete=models.PROTECT, related_name="committee_nominations")
    year = models.PositiveSmallIntegerField(_("année"))
    # [{"name": "Pr …", "service": <HospitalService id or null>}, …]
    members = models.JSONField(_("membres"))
    alternates = models.JSONField(_("suppléants"))
    decision_ref = models.CharField(_("délibération du conseil de faculté"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["faculty", "-year"]
        verbose_name = _("désignation de la commission de discipline")
        verbose_name_plural = _("désignations de la commission de discipline")
        constraints = [models.UniqueConstraint(fields=["faculty", "year"], name="discipline_nomination_one_a_year")]


# A disciplinary file is read by those who take part in the procedure (D93 art. 31-32, RD68 ch.
# 9-10): the Ministry, the higher-education authority, the dean, the hospital centre's director,
# the head of service consulted, and the person. Not the payroll or the pedagogical committees.
CASE_READERS = frozenset({Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.DEAN_OFFICE,
                          Role.HOSPITAL_DIRECTOR_OFFICE, Role.HEAD_OF_SERVICE, Role.TRAINEE})


class CaseQuerySet(ScopedQuerySet):
    viewer_roles = CASE_READERS
    scope_paths = {
        "faculty": "status__faculty",
        "hospital_centre": "status__hospital_centre",
        "service": "status__service",
        "self": "status__person__user",
    }


# A case is under way until it is decided or dismissed.
OPEN_CASE_STATES = ("open", "referred", "proposed")


class DisciplinaryCase(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("ouvert")
        REFERRED = "referred", _("devant la commission")
        PROPOSED = "proposed", _("avis rendu")
        DECIDED = "decided", _("décidé")
        DISMISSED = "dismissed", _("classé sans suite")

    status = models.ForeignKey(TraineeStatus, on_delete=models.PROTECT, related_name="disciplinary_cases")
    regime = models.CharField(_("régime"), max_length=4, choices=[(rules.D93, "D93"), (rules.RD68, "RD68")])
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.OPEN)
    facts = models.TextField(_("faits reprochés"))
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    # Written explanations (D93 art. 31, RD68 ch. 9): asked by the office, answered by the person.
    explanation_requested_on = models.DateField(_("explications demandées le"), null=True, blank=True)
    explanation = models.TextField(_("explications écrites"), blank=True)
    explained_on = models.DateField(_("explications reçues le"), null=True, blank=True)
    # D93 art. 31: the head of service consulted.
    head_opinion = models.TextField(_("avis du chef de service"), blank=True)
    head_consulted_on = models.DateField(_("chef de service consulté le"), null=True, blank=True)
    # D93 art. 32, RD68 ch. 10: the file opened to the person, the referral, the hearing.
    file_opened_on = models.DateField(_("dossier ouvert à l'intéressé le"), null=True, blank=True)
    referred_on = models.DateField(_("saisine de la commission le"), null=True, blank=True)
    inquiry = models.BooleanField(_("enquête ordonnée"), default=False)
    opinion_due_on = models.DateField(_("avis attendu au plus tard le"), null=True, blank=True)
    hearing_on = models.DateField(_("comparution le"), null=True, blank=True)
    # The convocation names the hour and the room: a day alone does not convene anybody.
    hearing_time = models.TimeField(_("heure de comparution"), null=True, blank=True)
    hearing_place = models.CharField(_("lieu de comparution"), max_length=200, blank=True)
    committee = models.JSONField(_("composition"), default=dict, blank=True)
    opinion_on = models.DateField(_("avis rendu le"), null=True, blank=True)
    proposal = models.CharField(_("sanction proposée"), max_length=24, choices=SANCTIONS, blank=True)
    proposal_start = models.DateField(null=True, blank=True)
    proposal_end = models.DateField(null=True, blank=True)
    decision = models.CharField(_("sanction prononcée"), max_length=24, choices=SANCTIONS, blank=True)
    decision_start = models.DateField(null=True, blank=True)
    decision_end = models.DateField(null=True, blank=True)
    decided_on = models.DateField(_("décidée le"), null=True, blank=True)
    decision_ref = models.CharField(_("référence de la décision"), max_length=200, blank=True)
    # Authorities who signed (rules.authority(...).pronounced_by): the decision takes effect once all have.
    signed_by = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("dossier disciplinaire")
        verbose_name_plural = _("dossiers disciplinaires")
        constraints = [
            models.CheckConstraint(name="discipline_hearing_after_file_opened",
                                   condition=Q(hearing_on__isnull=True) | Q(file_opened_on__isnull=False)),
            models.CheckConstraint(name="discipline_decision_dates_ordered",
                                   condition=Q(decision_end__isnull=True) | Q(decision_end__gte=F("decision_start"))),
        ]

    def __str__(self):
        return f"{self.status.person} — {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CASE_STATES

    def proposal_label(self):
        return sanction_label(self.proposal, self.regime) if self.proposal else ""

    def decision_label(self):
        return sanction_label(self.decision, self.regime) if self.decision else ""

    def sanction(self, prefix: str) -> rules.Sanction | None:
        kind = getattr(self, prefix)
        if not kind:
            return None
        return rules.Sanction(kind, getattr(self, f"{prefix}_start"), getattr(self, f"{prefix}_end"))


class CaseEventQuerySet(ScopedQuerySet):
    viewer_roles = CASE_READERS
    scope_paths = {
        "faculty": "case__status__faculty",
        "hospital_centre": "case__status__hospital_centre",
        "service": "case__status__service",
        "self": "case__status__person__user",
    }


class CaseEvent(models.Model):
    """One step of a case, hash-chained to the one before (residanat/hashchain.py): who did what
    and when, with what it decided (the draw by lot: seed, list and result)."""

    case = models.ForeignKey(DisciplinaryCase, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    kind = models.CharField(max_length=32)
    actor = models.CharField(max_length=150, blank=True)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="discipline_event_seq_unique"),
                       models.UniqueConstraint(fields=["case", "prev_hash"], name="discipline_event_chain_linear")]


# A commitment and the sums received are read by the administrations that keep or pay it and by
# the person; not by the heads of service or the pedagogical committees.
COMMITMENT_READERS = frozenset({Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.DEAN_OFFICE,
                                Role.HOSPITAL_DIRECTOR_OFFICE, Role.PAYROLL_OFFICER, Role.TRAINEE})


class CommitmentQuerySet(ScopedQuerySet):
    viewer_roles = COMMITMENT_READERS
    scope_paths = CaseQuerySet.scope_paths


class Commitment(models.Model):
    """The 8-year service commitment a resident signs (D93 art. 27, 27 bis), with whom, and how it
    ended: served, released against repayment, or broken (art. 32 bis)."""

    class Counterpart(models.TextChoices):
        HIGHER_EDUCATION = "higher_education", _("enseignement supérieur")
        MINISTRY = "ministry", _("ministère de la Santé")
        HOSPITAL_CENTRE = "hospital_centre", _("centre hospitalier")
        ADMINISTRATION = "administration", _("administration d'origine")

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("en cours")
        COMPLETED = "completed", _("accompli")
        RELEASE_PENDING = "release_pending", _("dégagement en attente du paiement")
        RELEASED = "released", _("dégagé")
        BROKEN = "broken", _("rompu")

    status = models.ForeignKey(TraineeStatus, on_delete=models.PROTECT, related_name="commitments")
    counterpart = models.CharField(_("engagé envers"), max_length=16, choices=Counterpart.choices)
    counterpart_name = models.CharField(_("nom de l'administration"), max_length=200, blank=True)
    signed_on = models.DateField(_("signé le"))
    # D93 art. 27: a resident already a civil servant or employee serves their administration.
    civil_servant = models.BooleanField(_("fonctionnaire ou salarié"), default=False)
    state = models.CharField(_("état"), max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    objects = CommitmentQuerySet.as_manager()

    @property
    def in_force(self) -> bool:
        # A release waiting for its payment is still in force (D93 art. 32 bis: effective on payment).
        return self.state in COMMITMENT_IN_FORCE

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("engagement de servir")
        verbose_name_plural = _("engagements de servir")


COMMITMENT_IN_FORCE = (Commitment.State.IN_PROGRESS, Commitment.State.RELEASE_PENDING)


class CommitmentServiceQuerySet(ScopedQuerySet):
    viewer_roles = COMMITMENT_READERS
    scope_paths = {path: f"commitment__{value}" for path, value in CaseQuerySet.scope_paths.items()}


class CommitmentService(models.Model):
    """A period of actual service after the training, in one establishment."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="services")
    establishment = models.ForeignKey("referential.Establishment", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CommitmentServiceQuerySet.as_manager()

    class Meta:
        ordering = ["commitment", "start_date"]
        verbose_name = _("période de service")
        verbose_name_plural = _("périodes de service")
        constraints = [models.CheckConstraint(name="commitment_service_dates_ordered",
                                              condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")))]


class Buyback(models.Model):
    """What ending the commitment early costs (D93 art. 32 bis): computed from the sums received
    (payroll history) when the release is approved or the breach recorded. A release takes effect
    only once the payment is recorded."""

    class Reason(models.TextChoices):
        RELEASE = "release", _("dégagement accordé")
        DROPOUT = "dropout", _("abandon volontaire")
        DEFINITIVE_EXCLUSION = "definitive_exclusion", _("exclusion définitive")

    commitment = models.OneToOneField(Commitment, on_delete=models.PROTECT, related_name="buyback")
    reason = models.CharField(_("motif"), max_length=24, choices=Reason.choices)
    on = models.DateField(_("date"))
    sums_received = models.DecimalField(_("sommes perçues"), max_digits=12, decimal_places=2)
    # D93 art. 27 bis bis: the buy-back covers the salary of a trainee civil servant (art. 27 ¶2, 27
    # bis) too, paid outside this system: entered with the document it comes from, and counted in
    # `sums_received`. None while not yet entered (then no payment can be recorded).
    salary_received = models.DecimalField(_("traitement perçu hors de cette paie"), max_digits=12, decimal_places=2,
                                          null=True, blank=True)
    salary_source = models.CharField(_("source du traitement perçu"), max_length=200, blank=True)
    amount = models.DecimalField(_("montant dû"), max_digits=12, decimal_places=2, null=True, blank=True)
    service_until = models.DateField(_("service dû jusqu'au"), null=True, blank=True)
    ref = models.CharField(_("article"), max_length=40)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    approval_ref = models.CharField(_("référence de l'accord ou de la décision"), max_length=200)
    paid_on = models.DateField(_("paiement enregistré le"), null=True, blank=True)
    payment_ref = models.CharField(_("référence du paiement"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rachat de l'engagement")
        verbose_name_plural = _("rachats de l'engagement")


def case_document_path(instance, filename):
    return f"discipline/{instance.case_id}/{filename}"


class CaseDocumentQuerySet(ScopedQuerySet):
    viewer_roles = CASE_READERS
    scope_paths = CaseEventQuerySet.scope_paths


class CaseDocument(models.Model):
    """A piece of the file (report, certificate, statement), checked by its content; the person
    reads it once the file is opened to them."""

    case = models.ForeignKey(DisciplinaryCase, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(_("fichier"), upload_to=case_document_path)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = CaseDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["case", "added_at", "pk"]
        verbose_name = _("pièce du dossier")
        verbose_name_plural = _("pièces du dossier")
