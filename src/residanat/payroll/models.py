"""Monthly stipends: what a trainee's pay depends on besides the career (housing, civil-servant
status, bank account, stipend stops, rates changed by order, the territorial health groups), and
the monthly runs with their lines. The amounts are computed by `rules/payroll.py`."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from residanat.accounts.scopes import ScopedQuerySet
from residanat.people.models import Person, TraineeStatus
from residanat.referential.models import Establishment, HospitalCentre, Region

USER = settings.AUTH_USER_MODEL


class TerritorialGroup(models.Model):
    """A territorial health group (GST): RD68 ch. 14 makes it the payer of the 7th-year lump sum
    from the date it took up its powers, the Ministry paying before."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="health_group",
                                  verbose_name=_("région"))
    name_fr = models.CharField(_("nom (français)"), max_length=200)
    name_ar = models.CharField(_("nom (arabe)"), max_length=200)
    powers_from = models.DateField(_("exerce ses attributions depuis le"), null=True, blank=True)
    decree_ref = models.CharField(_("référence du texte"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("groupement sanitaire territorial")
        verbose_name_plural = _("groupements sanitaires territoriaux")

    def __str__(self):
        return self.name_fr

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" and self.name_ar else self.name_fr


class StatusPayQuerySet(ScopedQuerySet):
    scope_paths = {
        "faculty": "status__faculty",
        "hospital_centre": "status__hospital_centre",
        "service": "status__service",
        "self": "status__person__user",
    }


class PayTerms(models.Model):
    """The facts of a status the stipend depends on besides the career, from a date: an intern
    housed from March is paid the housing allowance until February only, and the months before
    are not re-priced. Before a status's first terms (or without any), it is paid as not housed and
    not a civil servant, the common case (decision 0014)."""

    status = models.ForeignKey(TraineeStatus, on_delete=models.CASCADE, related_name="pay_terms")
    valid_from = models.DateField(_("à compter du"))
    # D93 art. 18, RD68 ch. 11: the housing allowance is paid to interns who are not housed.
    housed = models.BooleanField(_("logé par l'établissement"), default=False)
    # D93 art. 27: a resident who is a civil servant keeps a salary paid outside this system.
    civil_servant = models.BooleanField(_("fonctionnaire"), default=False)
    # Residents under the 8-year service commitment are trainee civil servants paid a salary.
    committed = models.BooleanField(_("sous engagement de servir"), default=False)
    # D93 art. 27 bis: a resident sent by a public administration is paid by it.
    administration = models.CharField(_("administration d'origine (art. 27 bis)"), max_length=200, blank=True)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = StatusPayQuerySet.as_manager()

    class Meta:
        ordering = ["status", "valid_from"]
        verbose_name = _("éléments de paie")
        verbose_name_plural = _("éléments de paie")
        constraints = [models.UniqueConstraint(fields=["status", "valid_from"], name="payroll_terms_one_per_date")]


class PersonPayQuerySet(ScopedQuerySet):
    scope_paths = {
        "faculty": "person__statuses__faculty",
        "hospital_centre": "person__statuses__hospital_centre",
        "service": "person__statuses__service",
        "self": "person__user",
    }


class BankAccount(models.Model):
    """Where the stipend is transferred: a Moroccan RIB of 24 digits whose key is checked
    (rules/rib.py) by the form and again before saving."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="bank_account")
    holder = models.CharField(_("titulaire du compte"), max_length=200)
    rib = models.CharField(_("RIB (24 chiffres)"), max_length=24)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = PersonPayQuerySet.as_manager()

    class Meta:
        verbose_name = _("compte bancaire")
        verbose_name_plural = _("comptes bancaires")

    def save(self, *args, **kwargs):
        from residanat.rules.rib import check

        self.rib = check(self.rib)
        super().save(*args, **kwargs)


class StipendStop(models.Model):
    """A temporary exclusion pronounced against a trainee: no stipend from `start_date` to
    `end_date` (D93 art. 30, RD68 ch. 8)."""

    status = models.ForeignKey(TraineeStatus, on_delete=models.PROTECT, related_name="stipend_stops")
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    decision_ref = models.CharField(_("référence de la décision"), max_length=200)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = StatusPayQuerySet.as_manager()

    class Meta:
        ordering = ["status", "start_date"]
        verbose_name = _("exclusion temporaire (arrêt de l'indemnité)")
        verbose_name_plural = _("exclusions temporaires (arrêts de l'indemnité)")
        constraints = [models.CheckConstraint(name="payroll_stop_range_ordered",
                                              condition=Q(end_date__gte=F("start_date")))]


class RateOrder(models.Model):
    """A stipend amount changed by an order: laid over rules/data/parameters.toml from its
    effective date (which may be in the past: the next run pays the arrears). Never edited; a
    correction is a later order."""

    key = models.CharField(_("montant"), max_length=80)
    value = models.DecimalField(_("nouveau montant (MAD par mois)"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("en vigueur du"))
    valid_to = models.DateField(_("jusqu'au"), null=True, blank=True)
    order_ref = models.CharField(_("référence de l'arrêté"), max_length=200)
    entered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entered_at", "pk"]
        verbose_name = _("modification de montant")
        verbose_name_plural = _("modifications de montants")
        constraints = [
            models.CheckConstraint(name="payroll_rate_order_range_ordered",
                                   condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from"))),
            models.CheckConstraint(name="payroll_rate_order_positive", condition=Q(value__gte=0)),
        ]


class Payer(models.TextChoices):
    MSPS = "MSPS", _("Ministère de la Santé")
    CHU = "CHU", _("centre hospitalier universitaire")
    GST = "GST", _("groupement sanitaire territorial")


class RunQuerySet(ScopedQuerySet):
    scope_paths = {"hospital_centre": "hospital_centre"}


class PayrollRun(models.Model):
    """One month's payroll for one payer. open → computed → approved (by a second person) →
    closed; a closed run and its lines never change (enforced by the database: migration 0002)."""

    class State(models.TextChoices):
        OPEN = "open", _("ouverte")
        COMPUTED = "computed", _("calculée")
        APPROVED = "approved", _("approuvée")
        CLOSED = "closed", _("clôturée")

    month = models.DateField(_("mois"))
    payer = models.CharField(_("payeur"), max_length=4, choices=Payer.choices)
    hospital_centre = models.ForeignKey(HospitalCentre, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="payroll_runs", verbose_name=_("centre hospitalier"))
    health_group = models.ForeignKey(TerritorialGroup, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="payroll_runs", verbose_name=_("groupement sanitaire territorial"))
    # "MSPS", "CHU:<id>" or "GST:<id>": one run per payer and month, one unfinished run per payer.
    payer_key = models.CharField(max_length=24, editable=False)
    state = models.CharField(_("état"), max_length=8, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    computed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    computed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    # Filled when computed, so lists and the summary need not add the lines up again.
    trainees = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # The months the run could not price, one per status and month: no amount in the texts held for
    # a day of it (decision 0001; RD68 ch. 14 before 2025). Not paid 0: listed, with the parameter
    # and its article, until an order gives the amount ({"status", "person", "month", "key", "ref",
    # "kind"}). Nullable, no default: SQLite adds the column without rebuilding the table (whose
    # rebuild would break the closed-run triggers, migration 0002).
    problems = models.JSONField(_("mois non calculés"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "payer_key"]
        verbose_name = _("paie mensuelle")
        verbose_name_plural = _("paies mensuelles")
        constraints = [
            models.UniqueConstraint(fields=["payer_key", "month"], name="payroll_run_one_per_payer_and_month"),
            models.UniqueConstraint(fields=["payer_key"], condition=~Q(state="closed"),
                                    name="payroll_run_one_unfinished_per_payer"),
            models.CheckConstraint(name="payroll_run_month_first_day", condition=Q(month__day=1)),
            models.CheckConstraint(
                name="payroll_run_payer_unit",
                condition=(Q(payer="MSPS", hospital_centre__isnull=True, health_group__isnull=True)
                           | Q(payer="CHU", hospital_centre__isnull=False, health_group__isnull=True)
                           | Q(payer="GST", hospital_centre__isnull=True, health_group__isnull=False)),
            ),
            # Four eyes: the person who approves is not the one who computed.
            models.CheckConstraint(name="payroll_run_four_eyes",
                                   condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("computed_by"))),
            models.CheckConstraint(
                name="payroll_run_state_signed",
                condition=(Q(state="open")
                           | Q(state="computed", computed_by__isnull=False)
                           | Q(state="approved", computed_by__isnull=False, approved_by__isnull=False)
                           | Q(state="closed", computed_by__isnull=False, approved_by__isnull=False,
                               closed_by__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.payer_key} {self.month:%Y-%m}"

    def save(self, *args, **kwargs):
        self.payer_key = self.payer_key_of(self)
        super().save(*args, **kwargs)

    @staticmethod
    def payer_key_of(run) -> str:
        return payer_key(run.payer, run.hospital_centre_id, run.health_group_id)

    def payer_name(self, language: str) -> str:
        if self.hospital_centre_id:
            return self.hospital_centre.name_ar if language == "ar" else self.hospital_centre.name_fr
        if self.health_group_id:
            return self.health_group.name(language)
        return str(Payer.MSPS.label)


def payer_key(payer: str, hospital_centre_id: int | None, health_group_id: int | None) -> str:
    if payer == Payer.CHU:
        return f"CHU:{hospital_centre_id}"
    if payer == Payer.GST:
        return f"GST:{health_group_id}"
    return "MSPS"


class LineQuerySet(ScopedQuerySet):
    scope_paths = {"hospital_centre": "run__hospital_centre", "self": "person__user"}


class PayLine(models.Model):
    """One line of a run: one code, payer and rate for one status and one month. A regular line pays
    the run's month; an adjustment line corrects an earlier, closed month (`month_corrected`), with
    its reason. Each line explains itself: rule (`key`, `ref`), days paid, monthly rate."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("mois courant")
        ADJUSTMENT = "adjustment", _("régularisation")

    class Reason(models.TextChoices):
        NONE = "", _("—")
        STATUS = "status", _("statut modifié ou enregistré après la clôture")
        LEAVE = "leave", _("congé ou absence enregistré après la clôture")
        STOP = "stop", _("exclusion temporaire enregistrée après la clôture")
        TERMS = "terms", _("éléments de paie modifiés après la clôture")
        RATE = "rate", _("montant modifié par arrêté avec effet antérieur")
        GROUP = "group", _("date de prise de fonctions du GST modifiée")

    # Writing a run's lines is the heavy part of computing it: no index that another one covers
    # (run by run+person, status by status+month), and none on the columns copied from the status.
    run = models.ForeignKey(PayrollRun, on_delete=models.PROTECT, related_name="lines", db_index=False)
    status = models.ForeignKey(TraineeStatus, on_delete=models.PROTECT, related_name="pay_lines", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pay_lines")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    month_corrected = models.DateField(_("mois payé"))
    code = models.CharField(_("rubrique"), max_length=40)
    key = models.CharField(_("paramètre"), max_length=80)
    ref = models.CharField(_("article"), max_length=40)
    payer = models.CharField(_("payeur"), max_length=16)
    days = models.IntegerField(_("jours"))
    rate = models.DecimalField(_("montant mensuel"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("motif"), max_length=8, choices=Reason.choices, blank=True)
    reason_detail = models.CharField(_("précision"), max_length=200, blank=True)
    # What the closed runs had paid for that month and code: amount = owed today − previously paid.
    previously_paid = models.DecimalField(_("déjà payé"), max_digits=12, decimal_places=2, null=True, blank=True)
    # Copied from the status when computed: the run's totals per establishment and status. They are
    # only read within a run, and the status holds the checked references: no database index or
    # foreign-key check of their own (deleting an establishment is still refused by Django, PROTECT).
    status_kind = models.CharField(max_length=32)
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, null=True, related_name="+",
                                      db_index=False, db_constraint=False)
    hospital_centre = models.ForeignKey(HospitalCentre, on_delete=models.PROTECT, null=True, related_name="+",
                                        db_index=False, db_constraint=False)

    objects = LineQuerySet.as_manager()

    class Meta:
        ordering = ["run", "person", "month_corrected", "code"]
        verbose_name = _("ligne de paie")
        verbose_name_plural = _("lignes de paie")
        indexes = [models.Index(fields=["run", "person"], name="payroll_line_run_person"),
                   models.Index(fields=["status", "month_corrected"], name="payroll_line_status_month")]
        constraints = [
            models.CheckConstraint(name="payroll_line_regular_is_current",
                                   condition=~Q(kind="adjustment") | ~Q(reason="")),
        ]
