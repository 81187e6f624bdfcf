"""The choice of posts after a competition's merit list: the posts and their seats, the laureates
who choose (in merit order), their online wishes, the simulation rounds, the choices (live or by
the binding round) and the hash-chained log of everything that happened."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from residanat.concours.models import Candidate, Competition, CompetitionScopedQuerySet, MeritEntry, PostAllocation
from residanat.referential.models import HospitalCentre, Specialty


class SessionQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "competition__faculty", "hospital_centre": "competition__hospital_centre",
                   "self": "choosers__candidate__person__user"}


class ChoiceSession(models.Model):
    """One choice of posts for one competition, from one locked version of its merit list."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("en préparation")
        WISHES_OPEN = "wishes_open", _("vœux ouverts")
        LIVE = "live", _("séance de choix en cours")
        CLOSED = "closed", _("clos")

    competition = models.OneToOneField(Competition, on_delete=models.PROTECT, related_name="choice_session",
                                       verbose_name=_("concours"))
    merit_list = models.ForeignKey("concours.MeritList", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("liste de mérite"))
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.PREPARING)
    wishes_deadline = models.DateTimeField(_("date limite des vœux"), null=True, blank=True)
    live_place = models.CharField(_("lieu de la séance"), max_length=200, blank=True)
    # Announced on the public board until the operator opens the session (then it is live).
    live_at = models.DateTimeField(_("date de la séance de choix"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every write that changes seats: the public board's ETag.
    version = models.PositiveIntegerField(default=0)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("choix des postes")
        verbose_name_plural = _("choix des postes")

    def __str__(self):
        return str(self.competition)

    @property
    def slug(self):
        return self.competition.slug


class ChildQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "session__competition__faculty",
                   "hospital_centre": "session__competition__hospital_centre"}


class Quota(models.Model):
    """A pool of seats shared by several posts: the volunteer posts for foreign candidates, stated
    per group of specialties (decision 0005)."""

    session = models.ForeignKey(ChoiceSession, on_delete=models.CASCADE, related_name="quotas")
    code = models.CharField(_("code"), max_length=100)
    seat_type = models.CharField(_("statut des postes"), max_length=24, choices=PostAllocation.SeatType.choices)
    group = models.CharField(_("groupe"), max_length=16, choices=Specialty.Group.choices)
    track = models.CharField(_("filière"), max_length=10, choices=Specialty.TrackChoice.choices)
    capacity = models.PositiveIntegerField(_("places"))
    taken = models.PositiveIntegerField(_("prises"), default=0)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["session", "code"]
        verbose_name = _("contingent")
        verbose_name_plural = _("contingents")
        constraints = [
            models.UniqueConstraint(fields=["session", "code"], name="quota_unique_code"),
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="quota_taken_within_capacity"),
        ]

    def __str__(self):
        return self.code


class Post(models.Model):
    """A post one can choose: a specialty in a centre, for one seat type, with its seats."""

    session = models.ForeignKey(ChoiceSession, on_delete=models.CASCADE, related_name="posts")
    code = models.CharField(_("code"), max_length=100)
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="+", verbose_name=_("spécialité"))
    centre = models.ForeignKey(HospitalCentre, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("centre"))
    seat_type = models.CharField(_("statut des postes"), max_length=24, choices=PostAllocation.SeatType.choices)
    group = models.CharField(_("groupe"), max_length=16, choices=Specialty.Group.choices)
    track = models.CharField(_("filière"), max_length=10, choices=Specialty.TrackChoice.choices)
    capacity = models.PositiveIntegerField(_("places"))
    taken = models.PositiveIntegerField(_("prises"), default=0)
    quota = models.ForeignKey(Quota, on_delete=models.PROTECT, null=True, blank=True, related_name="posts",
                              verbose_name=_("contingent"))
    allocation = models.ForeignKey(PostAllocation, on_delete=models.PROTECT, related_name="+")

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["session", "group", "specialty__name_fr", "seat_type"]
        verbose_name = _("poste")
        verbose_name_plural = _("postes")
        constraints = [
            models.UniqueConstraint(fields=["session", "code"], name="post_unique_code"),
            models.UniqueConstraint(fields=["session", "seat_type", "specialty", "centre"], name="post_unique_kind"),
            # The last line of defence of "never two candidates on one seat".
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="post_taken_within_capacity"),
        ]

    def __str__(self):
        return self.code

    @property
    def remaining(self) -> int:
        left = self.capacity - self.taken
        if self.quota_id is not None:
            left = min(left, self.quota.capacity - self.quota.taken)
        return max(0, left)


class ChooserQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "session__competition__faculty",
                   "hospital_centre": "session__competition__hospital_centre",
                   "self": "candidate__person__user"}


class Chooser(models.Model):
    """A laureate of the merit list, in the order in which they choose."""

    class Presence(models.TextChoices):
        WAITING = "waiting", _("en attente")
        ABSENT = "absent", _("absent à l'appel")
        SERVED = "served", _("a choisi")

    session = models.ForeignKey(ChoiceSession, on_delete=models.CASCADE, related_name="choosers")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="choosers")
    merit_entry = models.ForeignKey(MeritEntry, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(_("ordre d'appel"))
    seat_type = models.CharField(_("statut des postes"), max_length=24, choices=PostAllocation.SeatType.choices)
    # The tracks and groups of specialties whose posts are open to this chooser: their own track;
    # veterinary doctors, biology in any track (D93 art. 21).
    tracks = models.JSONField(_("filières ouvertes"), default=list)
    groups = models.JSONField(_("groupes ouverts"), default=list)
    presence = models.CharField(_("appel"), max_length=10, choices=Presence.choices, default=Presence.WAITING)

    objects = ChooserQuerySet.as_manager()

    class Meta:
        ordering = ["session", "order"]
        verbose_name = _("lauréat appelé à choisir")
        verbose_name_plural = _("lauréats appelés à choisir")
        constraints = [
            models.UniqueConstraint(fields=["session", "candidate"], name="chooser_unique_candidate"),
            models.UniqueConstraint(fields=["session", "order"], name="chooser_unique_order"),
        ]

    def __str__(self):
        return f"{self.order}. {self.candidate}"


class WishListQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "chooser__session__competition__faculty",
                   "hospital_centre": "chooser__session__competition__hospital_centre",
                   "self": "chooser__candidate__person__user"}


class WishList(models.Model):
    """One saved version of a chooser's wishes (post ids, most wanted first). The latest is the one
    in force; every earlier one is kept, so the changes between rounds can be shown."""

    chooser = models.ForeignKey(Chooser, on_delete=models.CASCADE, related_name="wish_lists")
    number = models.PositiveIntegerField(_("version"))
    posts = models.JSONField(_("vœux"), default=list)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    objects = WishListQuerySet.as_manager()

    class Meta:
        ordering = ["chooser", "-number"]
        verbose_name = _("liste de vœux")
        verbose_name_plural = _("listes de vœux")
        constraints = [models.UniqueConstraint(fields=["chooser", "number"], name="wish_list_unique_number")]


class AssignmentFigures(models.Model):
    """What an engine run gives per post, kept by the recorded rounds and the live computation."""

    algorithm = models.CharField(max_length=30, blank=True)
    assigned = models.PositiveIntegerField(_("affectés"), default=0)
    unassigned = models.PositiveIntegerField(_("sans poste"), default=0)
    cutoffs = models.JSONField(_("derniers rangs admis"), default=dict)
    filled = models.JSONField(_("places prises"), default=dict)

    class Meta:
        abstract = True


class Round(AssignmentFigures):
    """A simulation round (or the binding final one): the engine run on the wishes in force."""

    session = models.ForeignKey(ChoiceSession, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField(_("tour"))
    scheduled_at = models.DateTimeField(_("prévu le"), null=True, blank=True)
    run_at = models.DateTimeField(_("exécuté le"), null=True, blank=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    binding = models.BooleanField(_("définitif"), default=False)
    stable = models.BooleanField(null=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["session", "number"]
        verbose_name = _("tour de simulation")
        verbose_name_plural = _("tours de simulation")
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="round_unique_number"),
            models.UniqueConstraint(fields=["session"], condition=Q(binding=True), name="round_one_binding"),
        ]


class PlacementQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "round__session__competition__faculty",
                   "hospital_centre": "round__session__competition__hospital_centre",
                   "self": "chooser__candidate__person__user"}


class Placement(models.Model):
    """A chooser's outcome in one round: the provisional post and why not each better wish."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="placements")
    chooser = models.ForeignKey(Chooser, on_delete=models.CASCADE, related_name="placements")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    wish_number = models.PositiveIntegerField(_("vœu n°"), null=True, blank=True)
    wish_list = models.ForeignKey(WishList, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("liste de vœux prise en compte"))
    wishes = models.JSONField(_("vœux examinés"), default=list)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["round", "chooser__order"]
        constraints = [models.UniqueConstraint(fields=["round", "chooser"], name="placement_unique_chooser")]


class ChoiceQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "chooser__session__competition__faculty",
                   "hospital_centre": "chooser__session__competition__hospital_centre",
                   "self": "chooser__candidate__person__user"}


def proxy_document_path(instance, filename):
    return f"choix/{instance.chooser.session.competition.slug}/{instance.chooser.order}/{filename}"


class Choice(models.Model):
    """A seat taken: in the live session (in person or by proxy) or by the binding round. An undone
    choice stays, marked with who undid it and why; only one choice per chooser is in force."""

    class Method(models.TextChoices):
        LIVE = "live", _("en séance")
        PROXY = "proxy", _("par procuration")
        ROUND = "round", _("tour définitif")

    chooser = models.ForeignKey(Chooser, on_delete=models.PROTECT, related_name="choices")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="choices")
    method = models.CharField(_("mode"), max_length=8, choices=Method.choices)
    proxy_name = models.CharField(_("mandataire"), max_length=200, blank=True)
    proxy_document = models.FileField(_("procuration"), upload_to=proxy_document_path, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("le"), auto_now_add=True)
    undone_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    undo_reason = models.TextField(_("motif de l'annulation"), blank=True)

    objects = ChoiceQuerySet.as_manager()

    class Meta:
        ordering = ["chooser__session", "at", "pk"]
        verbose_name = _("choix")
        verbose_name_plural = _("choix")
        constraints = [
            models.UniqueConstraint(fields=["chooser"], condition=Q(undone_at__isnull=True),
                                    name="choice_one_in_force_per_chooser"),
            models.CheckConstraint(condition=~Q(method="proxy") | ~Q(proxy_name=""), name="choice_proxy_named"),
        ]


class LogQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "session__competition__faculty",
                   "hospital_centre": "session__competition__hospital_centre"}


class LogEntry(models.Model):
    """One entry of a session's tamper-evident log: each holds the previous entry's hash, so an
    edited, removed or inserted entry breaks the chain from there on (`residanat verify_log`)."""

    session = models.ForeignKey(ChoiceSession, on_delete=models.CASCADE, related_name="log")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    kind = models.CharField(max_length=30)
    actor = models.CharField(max_length=150, blank=True)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = LogQuerySet.as_manager()

    class Meta:
        ordering = ["session", "seq"]
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal")
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="log_unique_seq"),
            models.UniqueConstraint(fields=["session", "prev_hash"], name="log_no_fork"),
        ]


class Provisional(AssignmentFigures):
    """The live provisional assignment of a session (issue 23 item 1): the engine run again on
    everybody's wishes in force after every saved list, in a background job. Not a round: it is
    not logged and is overwritten by the next computation; rounds at set times stay recorded.

    `requested` counts the saves that asked for a computation (in their own transaction),
    `computed` the requests the stored result took in: while they differ a job is due. `running`
    says one job is on it (at most one per session); saves arriving meanwhile only bump
    `requested`, and the job computes again before it stops."""

    session = models.OneToOneField(ChoiceSession, on_delete=models.CASCADE, related_name="provisional")
    requested = models.PositiveIntegerField(default=0)
    computed = models.PositiveIntegerField(default=0)
    running = models.BooleanField(default=False)
    runs = models.PositiveIntegerField(default=0)  # jobs started: names the current one's key
    computations = models.PositiveIntegerField(default=0)
    as_of = models.DateTimeField(_("au"), null=True, blank=True)  # when the lists it used were read
    seconds = models.FloatField(default=0)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("affectation provisoire")
        verbose_name_plural = _("affectations provisoires")


class ProvisionalPlacementQuerySet(CompetitionScopedQuerySet):
    scope_paths = {"faculty": "chooser__session__competition__faculty",
                   "hospital_centre": "chooser__session__competition__hospital_centre",
                   "self": "chooser__candidate__person__user"}


class ProvisionalPlacement(models.Model):
    """A chooser's provisional post in the latest live computation; rewritten only when it changed.
    Why not each better wish follows from the computation's fill (provisional.placement_of)."""

    chooser = models.OneToOneField(Chooser, on_delete=models.CASCADE, related_name="provisional")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    wish_number = models.PositiveIntegerField(_("vœu n°"), null=True, blank=True)
    wish_list_number = models.PositiveIntegerField(_("version des vœux"), null=True, blank=True)

    objects = ProvisionalPlacementQuerySet.as_manager()
