"""The monthly payroll under /api/v1/payroll: the runs (list, detail with audit and totals, lines;
open, compute, approve, close), the caller's own payslips, a status's pay terms and a person's
bank account.

Scope as on the pages: a run is read through `PayrollRun.objects.visible_to(user)`, a status or a
person through the staff's scope (a trainee's own status answers 404: pay files are the office's);
outside it 404. In scope, whoever does not read the payroll (authority.reads_payroll) or may not
act gets 403. A refusal of the run's state or of the four-eyes rule is 409, with the reason."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import ConfigDict, field_validator

from residanat.payroll import authority
from residanat.payroll.forms_files import error_text
from residanat.payroll.models import Payer, PayLine, PayrollRun, PayTerms, TerritorialGroup
from residanat.payroll.rates import key_label
from residanat.payroll.services import (TERM_FIELDS, applicable_terms, do_set_bank_account, do_set_pay_terms,
                                        facts_of, pay_file_people, pay_file_statuses)
from residanat.payroll.runs import PayrollRefused, do_approve_run, do_close_run, do_compute_run, do_open_run, stale_reasons
from residanat.payroll.totals import by_place
from residanat.people.models import TraineeStatus
from residanat.referential.models import HospitalCentre
from residanat.rules.rib import grouped

from .common import IsoDate, Message, Pages

router = Router(tags=["payroll"])
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _in(language: str, value) -> str:
    with translation.override(language):
        return str(value)


def _payer_name(run: PayrollRun, language: str) -> str:
    with translation.override(language):
        return str(run.payer_name(language))


# --- schemas -------------------------------------------------------------------------------------

class RunOut(Schema):
    id: int
    month: str = Field(description="YYYY-MM")
    payer: Payer
    payer_key: str = Field(description='"MSPS", "CHU:<hospital centre id>" or "GST:<health group id>"')
    payer_name_fr: str
    payer_name_ar: str
    hospital_centre_id: int | None
    health_group_id: int | None
    state: PayrollRun.State
    trainees: int
    total: Decimal

    @staticmethod
    def resolve_month(obj):
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_payer_name_fr(obj):
        return _payer_name(obj, "fr")

    @staticmethod
    def resolve_payer_name_ar(obj):
        return _payer_name(obj, "ar")


class Signature(Schema):
    username: str | None
    name: str | None
    at: dt.datetime | None


class TotalOut(Schema):
    key: str | None = Field(description="the payer, the establishment id (\"centre-<id>\" for lines with no "
                                        "establishment, counted under their hospital centre) or the status kind")
    label_fr: str
    label_ar: str
    lines: int
    trainees: int
    total: Decimal


class TotalsOut(Schema):
    by_payer: list[TotalOut]
    by_establishment: list[TotalOut]
    by_status_kind: list[TotalOut]


class ProblemOut(Schema):
    status_id: int
    person_id: int
    month: str = Field(description="YYYY-MM")
    key: str = Field(description="the regulation parameter with no amount in the texts held for a day of the month")
    ref: str
    kind: str = Field(description='"regular" (the run\'s month) or "adjustment" (a closed month priced again)')


class RunDetailOut(RunOut):
    opened: Signature
    computed: Signature
    approved: Signature
    closed: Signature
    stale: list[str] = Field(description="what changed since the run was computed: compute it again first")
    problems: list[ProblemOut] = Field(description="months not priced, each an error for one person, never paid 0 "
                                                   "(decision 0001; RD68 ch. 14 before 2025)")
    totals: TotalsOut

    @staticmethod
    def resolve_problems(obj):
        return [{"status_id": p["status"], "person_id": p["person"], "month": p["month"], "key": p["key"],
                 "ref": p["ref"], "kind": p["kind"]} for p in (obj.problems or [])]


class LineOut(Schema):
    id: int
    status_id: int
    person_id: int
    person: str
    kind: PayLine.Kind
    month_corrected: str = Field(description="the month paid, YYYY-MM (an earlier one for an adjustment)")
    code: str
    key: str = Field(description="the parameter the rate comes from")
    ref: str = Field(description="the article")
    payer: str
    days: int
    rate: Decimal
    amount: Decimal
    reason: str
    reason_detail: str
    previously_paid: Decimal | None

    @staticmethod
    def resolve_person(obj):
        return obj.person.full_name

    @staticmethod
    def resolve_month_corrected(obj):
        return f"{obj.month_corrected:%Y-%m}"


class RunIn(Schema):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-01"])
    payer: Payer
    hospital_centre: int | None = Field(None, description="the hospital centre's id, for a CHU run")
    health_group: int | None = Field(None, description="the territorial health group's id, for a GST run")

    @field_validator("month")
    @classmethod
    def month_of_a_real_year(cls, value: str) -> str:
        # The pattern lets "0000-01" through, and dates start in year 1: a 422 here, not a 500 later.
        if value.startswith("0000"):
            raise ValueError(f"{value!r} is not a month: years start at 0001")
        return value


class PayslipLineOut(Schema):
    kind: PayLine.Kind
    month_corrected: str
    code: str
    label_fr: str
    label_ar: str
    ref: str
    days: int
    rate: Decimal
    amount: Decimal
    reason: str
    reason_detail: str


class PayslipOut(Schema):
    run_id: int
    month: str
    payer: Payer
    payer_name_fr: str
    payer_name_ar: str
    total: Decimal
    lines: list[PayslipLineOut]


class TermsOut(Schema):
    valid_from: dt.date | None = Field(description="null: nothing entered, the defaults apply")
    housed: bool
    civil_servant: bool
    committed: bool
    administration: str
    updated_by: str | None = None
    updated_at: dt.datetime | None = None


class PayTermsOut(Schema):
    status_id: int
    kind: TraineeStatus.Kind
    applicable: list[str] = Field(description="the facts that price this kind of status (D93 art. 18, 27, 27 bis; "
                                              "RD68 ch. 11)")
    in_force: TermsOut = Field(description="today's terms; without any row: not housed, not a civil servant")
    history: list[TermsOut] = Field(description="every change, the latest first")


class PayTermsIn(Schema):
    """The facts from `valid_from` (the months before keep theirs); those not sent stay as they
    were on that date."""

    model_config = ConfigDict(extra="forbid")

    valid_from: IsoDate
    housed: bool = None
    civil_servant: bool = None
    committed: bool = None
    administration: str = Field(None, max_length=200)


class BankAccountIn(Schema):
    model_config = ConfigDict(extra="forbid")

    # Something left once the blanks are stripped (Python's blanks: \s and the separators 1C–1F).
    holder: str = Field(max_length=200, pattern=r"[^\s\x1c-\x1f]")
    rib: str = Field(max_length=40, json_schema_extra={"format": "rib"},
                     description="24 digits whose last two are the key (97 - first 22 × 100 mod 97); spaces, "
                                 "dots or dashes allowed between the groups")


class BankAccountOut(Schema):
    person_id: int
    holder: str
    rib: str
    rib_grouped: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_rib_grouped(obj):
        return grouped(obj.rib)


class Refusal(Schema):
    detail: str
    fields: dict[str, list[str]] = Field(default_factory=dict, description="the messages of each field refused")


# --- helpers -------------------------------------------------------------------------------------

def _reader(user) -> None:
    if not authority.reads_payroll(user):
        raise HttpError(403, _("Votre rôle ne donne pas accès à la paie."))


def _runs(user):
    return PayrollRun.objects.visible_to(user).select_related(
        "hospital_centre", "health_group", "opened_by", "computed_by", "approved_by", "closed_by")


def _run(request, run_id: int) -> PayrollRun:
    run = get_object_or_404(_runs(request.auth), pk=run_id)
    _reader(request.auth)
    return run


def _signature(user, at) -> dict:
    if user is None:
        return {"username": None, "name": None, "at": at}
    return {"username": user.username, "name": user.get_full_name() or user.username, "at": at}


_API_SUMS = {"count": Count("id"), "people": Count("person", distinct=True), "paid": Sum("amount")}


def _total_out(row, key, label_fr, label_ar) -> dict:
    return {"key": None if key is None else str(key), "label_fr": label_fr, "label_ar": label_ar,
            "lines": row["count"], "trainees": row["people"], "total": (row["paid"] or ZERO).quantize(CENT)}


def _totals(lines, field: str, labels) -> list[dict]:
    rows = lines.values(*field).annotate(**_API_SUMS).order_by(*field)
    return [_total_out(row, row[field[0]], *labels(row)) for row in rows]


# A resident paid a salary outside shows in the hospital centre's run, at 0.00, with this payer.
ADMINISTRATION = gettext_lazy("administration du résident (D93 art. 27, 27 bis)")


def _payer_labels(row):
    label = dict(Payer.choices).get(row["payer"], ADMINISTRATION)
    return _in("fr", label), _in("ar", label)


def _kind_labels(row):
    label = dict(TraineeStatus.Kind.choices).get(row["status_kind"], row["status_kind"])
    return _in("fr", label), _in("ar", label)


def _detail(run: PayrollRun, user) -> PayrollRun:
    lines = PayLine.objects.visible_to(user).filter(run=run)
    run.opened = _signature(run.opened_by, run.opened_at)
    run.computed = _signature(run.computed_by, run.computed_at)
    run.approved = _signature(run.approved_by, run.approved_at)
    run.closed = _signature(run.closed_by, run.closed_at)
    run.stale = stale_reasons(run) if run.state in (PayrollRun.State.COMPUTED, PayrollRun.State.APPROVED) else []
    run.totals = {
        "by_payer": _totals(lines, ["payer"], _payer_labels),
        "by_establishment": [_total_out(row, row["key"], row["label_fr"], row["label_ar"])
                             for row in by_place(lines, **_API_SUMS)],
        "by_status_kind": _totals(lines, ["status_kind"], _kind_labels),
    }
    return run


def _act(action, run: PayrollRun, user) -> PayrollRun:
    try:
        return action(run, user)
    except PayrollRefused as refusal:
        raise HttpError(409, str(refusal)) from None


# --- runs ----------------------------------------------------------------------------------------

@router.get("/runs", response=list[RunOut], url_name="payroll-runs")
@paginate(Pages, max_limit=200)
def list_runs(request, state: PayrollRun.State | None = None, payer: Payer | None = None):
    """The runs the caller sees (the Ministry's staff all of them, a hospital centre's its own), the
    latest month first."""
    _reader(request.auth)
    runs = _runs(request.auth)
    if state:
        runs = runs.filter(state=state)
    if payer:
        runs = runs.filter(payer=payer)
    return runs.order_by("-month", "payer_key", "pk")


@router.post("/runs", response={201: RunOut, 400: Message, 403: Message, 409: Message}, url_name="payroll-run-open")
def open_payroll_run(request, payload: RunIn):
    """Open a month for a payer: "MSPS" (no unit), "CHU" with `hospital_centre`, "GST" with
    `health_group`. Months follow each other; one unfinished run per payer (409 otherwise)."""
    user = request.auth
    _reader(user)
    centre = group = None
    if payload.payer == Payer.CHU:
        if payload.hospital_centre is None or payload.health_group is not None:
            return 400, {"detail": _("Une paie de centre hospitalier nomme son centre (hospital_centre), et lui seul.")}
        centre = HospitalCentre.objects.filter(pk=payload.hospital_centre).first()
        if centre is None:
            return 400, {"detail": _("Centre hospitalier inconnu : %(id)s.") % {"id": payload.hospital_centre}}
    elif payload.payer == Payer.GST:
        if payload.health_group is None or payload.hospital_centre is not None:
            return 400, {"detail": _("Une paie de GST nomme son groupement (health_group), et lui seul.")}
        group = TerritorialGroup.objects.filter(pk=payload.health_group).first()
        if group is None:
            return 400, {"detail": _("Groupement sanitaire territorial inconnu : %(id)s.")
                         % {"id": payload.health_group}}
    elif payload.hospital_centre is not None or payload.health_group is not None:
        return 400, {"detail": _("La paie du ministère ne nomme ni centre ni groupement.")}
    if not authority.operates(user, payload.payer, centre.pk if centre else None):
        raise HttpError(403, _("Vous ne tenez pas la paie de ce payeur."))
    year, month = (int(part) for part in payload.month.split("-"))
    try:
        run = do_open_run(user, dt.date(year, month, 1), payload.payer, hospital_centre=centre, health_group=group)
    except PayrollRefused as refusal:
        return 409, {"detail": str(refusal)}
    except IntegrityError:
        return 409, {"detail": _("Ce mois est déjà ouvert pour ce payeur.")}
    return 201, _runs(user).get(pk=run.pk)


@router.get("/runs/{int:run_id}", response=RunDetailOut, url_name="payroll-run")
def get_run(request, run_id: int):
    """A run with who opened, computed, approved and closed it, what changed since it was computed,
    and its totals per payer, establishment and status (grouped queries)."""
    return _detail(_run(request, run_id), request.auth)


@router.get("/runs/{int:run_id}/lines", response=list[LineOut], url_name="payroll-run-lines")
@paginate(Pages, max_limit=500)
def run_lines(request, run_id: int, person: int | None = None):
    """The run's lines, each explaining itself (rule, article, days, monthly rate); `person`: one
    person's lines."""
    run = _run(request, run_id)
    lines = PayLine.objects.visible_to(request.auth).filter(run=run).select_related("person")
    if person is not None:
        # person__pk, not person_id: Django finds no row for an id beyond 64 bits, where the raw
        # column lookup hands it to SQLite, which raises OverflowError (a 500).
        lines = lines.filter(person__pk=person)
    return lines.order_by("person__last_name", "person__first_name", "person_id", "kind", "month_corrected",
                          "code", "pk")


@router.post("/runs/{int:run_id}/compute", response={200: RunOut, 403: Message, 409: Message},
             url_name="payroll-run-compute")
def compute_payroll_run(request, run_id: int):
    """Compute (or compute again) an unfinished run: regular lines for its month, adjustment lines
    for the closed months a later change made wrong."""
    run = _run(request, run_id)
    if not authority.operates(request.auth, run.payer, run.hospital_centre_id):
        raise HttpError(403, _("Vous ne tenez pas la paie de ce payeur."))
    _act(do_compute_run, run, request.auth)
    return 200, _runs(request.auth).get(pk=run.pk)


@router.post("/runs/{int:run_id}/approve", response={200: RunOut, 403: Message, 409: Message},
             url_name="payroll-run-approve")
def approve_payroll_run(request, run_id: int):
    """The second signature: another person than the one who computed it (four eyes)."""
    run = _run(request, run_id)
    if not authority.approves(request.auth, run):
        raise HttpError(403, _("Vous ne pouvez pas approuver la paie de ce payeur."))
    _act(do_approve_run, run, request.auth)
    return 200, _runs(request.auth).get(pk=run.pk)


@router.post("/runs/{int:run_id}/close", response={200: RunOut, 403: Message, 409: Message},
             url_name="payroll-run-close")
def close_payroll_run(request, run_id: int):
    """Close an approved run: it never changes again; a later correction is an adjustment line of
    the next month."""
    run = _run(request, run_id)
    if not authority.operates(request.auth, run.payer, run.hospital_centre_id):
        raise HttpError(403, _("Vous ne tenez pas la paie de ce payeur."))
    _act(do_close_run, run, request.auth)
    return 200, _runs(request.auth).get(pk=run.pk)


# --- the caller's payslips -----------------------------------------------------------------------

@router.get("/me/payslips", response=list[PayslipOut], url_name="payroll-my-payslips")
def my_payslips(request):
    """The caller's own lines of closed runs, one payslip per run, the latest month first."""
    user = request.auth
    lines = (PayLine.objects.visible_to(user)
             .filter(person__user=user, run__state=PayrollRun.State.CLOSED)
             .select_related("run", "run__hospital_centre", "run__health_group")
             .order_by("-run__month", "run__payer_key", "run_id", "kind", "month_corrected", "code", "pk"))
    slips: dict[int, dict] = {}
    for line in lines:
        run = line.run
        slip = slips.get(run.pk)
        if slip is None:
            slip = slips[run.pk] = {"run_id": run.pk, "month": f"{run.month:%Y-%m}", "payer": run.payer,
                                    "payer_name_fr": _payer_name(run, "fr"),
                                    "payer_name_ar": _payer_name(run, "ar"),
                                    "total": Decimal("0.00"), "lines": []}
        slip["total"] += line.amount
        slip["lines"].append({
            "kind": line.kind, "month_corrected": f"{line.month_corrected:%Y-%m}", "code": line.code,
            "label_fr": key_label(line.key, "fr"), "label_ar": key_label(line.key, "ar"), "ref": line.ref,
            "days": line.days, "rate": line.rate, "amount": line.amount, "reason": line.reason,
            "reason_detail": line.reason_detail})
    return list(slips.values())


# --- pay terms and bank account ------------------------------------------------------------------

def _status(request, status_id: int) -> TraineeStatus:
    status = get_object_or_404(pay_file_statuses(request.auth), pk=status_id)
    _reader(request.auth)
    return status


def _terms_row(terms) -> dict:
    row = {"valid_from": terms.valid_from if terms else None, **facts_of(terms)}
    if terms is not None:
        row.update(updated_by=terms.updated_by.username, updated_at=terms.updated_at)
    return row


def _terms_out(status, user) -> dict:
    history = list(PayTerms.objects.visible_to(user).filter(status=status).select_related("updated_by")
                   .order_by("-valid_from"))
    today = timezone.localdate()
    in_force = next((terms for terms in history if terms.valid_from <= today), None)
    return {"status_id": status.pk, "kind": status.kind, "applicable": list(applicable_terms(status)),
            "in_force": _terms_row(in_force), "history": [_terms_row(terms) for terms in history]}


def _refusal(error: DjangoValidationError) -> dict:
    fields = {}
    if hasattr(error, "error_dict"):
        fields = {name: list(messages) for name, messages in error.message_dict.items()}
    return {"detail": error_text(error), "fields": fields}


@router.get("/statuses/{int:status_id}/pay-terms", response=PayTermsOut, url_name="payroll-pay-terms")
def get_pay_terms(request, status_id: int):
    return _terms_out(_status(request, status_id), request.auth)


@router.put("/statuses/{int:status_id}/pay-terms", response={200: PayTermsOut, 400: Refusal, 403: Message},
            url_name="payroll-pay-terms-update")
def put_pay_terms(request, status_id: int, payload: PayTermsIn):
    """Set the facts the stipend depends on from `valid_from`: `housed` for interns and public-health interns (D93
    art. 18, RD68 ch. 11); `civil_servant`, `committed`, `administration` for residents (D93 art.
    27, 27 bis). A fact that does not price this status, or a date outside it, is refused (400, with
    the messages of each field)."""
    status = _status(request, status_id)
    facts = {name: value for name, value in payload.dict(exclude_unset=True).items() if name in TERM_FIELDS}
    try:
        do_set_pay_terms(status, request.auth, payload.valid_from, **facts)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or _("Vous ne tenez pas la paie de ce statut.")) from None
    except DjangoValidationError as exc:
        return 400, _refusal(exc)
    return 200, _terms_out(status, request.auth)


@router.put("/people/{int:person_id}/bank-account", response={200: BankAccountOut, 403: Message, 422: Refusal},
            url_name="payroll-bank-account-update")
def put_bank_account(request, person_id: int, payload: BankAccountIn):
    """Set where the person's stipend is transferred. The RIB is checked (24 digits, the key): a
    wrong one is refused (422) with what is wrong and, for the key, the key expected."""
    person = get_object_or_404(pay_file_people(request.auth), pk=person_id)
    _reader(request.auth)
    try:
        account = do_set_bank_account(person, request.auth, payload.holder, payload.rib)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or _("Vous ne tenez pas la paie de cette personne.")) from None
    except DjangoValidationError as exc:
        return 422, _refusal(exc)
    return 200, account
