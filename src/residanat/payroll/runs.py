"""The monthly run: open, compute (regular lines for the month, adjustment lines for the closed
months that a later change made wrong), approve by a second person, close.

Computing is idempotent: the lines of an open run are thrown away and computed again from the same
inputs. The adjustments compare, for each status touched by a change recorded since the payer's
last closing, what is owed today for each closed month with what the closed runs paid for it; a
change already settled gives a difference of zero, so computing twice never pays twice."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from residanat.careers.models import Leave
from residanat.careers.workplace import establishment_in
from residanat.ops import jobs
from residanat.ops.models import Job
from residanat.people.models import TraineeStatus
from residanat.rules.payroll import Line, MonthNotPriced, compute_month, month_span
from residanat.rules.service_time import Span, add_months

from . import authority
from .inputs import KEY_KINDS, OPEN_END, StatusPay, load, overlapping, parameter_table, payer_statuses
from .models import Payer, PayLine, PayrollRun, PayTerms, RateOrder, StipendStop, TerritorialGroup

ZERO = Decimal("0.00")
SALARY_OUTSIDE = "resident.salary_outside"


class PayrollRefused(ValidationError):
    """An action the state, the scope or the four-eyes rule does not allow; the message says why. A
    ValidationError, the one refusal type of common/actions.py, so that a page shows it as any other."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def month_key(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def _payer_of(run: PayrollRun, line: Line) -> bool:
    if line.payer == run.payer:
        return True
    # A resident paid a salary outside shows in the hospital centre's run, at 0.00 (D93 art. 27, 27 bis).
    return run.payer == Payer.CHU and line.code == SALARY_OUTSIDE


def price(run: PayrollRun, status: StatusPay, month: dt.date, table) -> list[Line]:
    """The lines of `status` this payer pays for `month`; raises MonthNotPriced when the texts held
    give no amount for a day of it (decision 0001)."""
    computed = compute_month(status.track, status.periods, status.events, month_key(month), table)
    return [line for line in computed.lines if _payer_of(run, line)]


def problem(status: StatusPay, error: MonthNotPriced, kind: str) -> dict:
    """A month the run reports as an error for this person instead of paying it 0."""
    return {"status": status.id, "person": status.person_id, "month": error.month, "key": error.key,
            "ref": error.ref, "kind": kind}


# --- open --------------------------------------------------------------------------------------

def last_closed(payer_key: str, before: dt.date | None = None) -> PayrollRun | None:
    runs = PayrollRun.objects.filter(payer_key=payer_key, state=PayrollRun.State.CLOSED)
    if before is not None:
        runs = runs.filter(month__lt=before)
    return runs.order_by("-month").first()


@transaction.atomic
def do_open_run(user, month: dt.date, payer: str, hospital_centre=None, health_group=None) -> PayrollRun:
    if not authority.operates(user, payer, getattr(hospital_centre, "pk", None)):
        raise PayrollRefused(_("Vous ne tenez pas la paie de ce payeur."))
    month = month.replace(day=1)
    run = PayrollRun(month=month, payer=payer, hospital_centre=hospital_centre, health_group=health_group,
                     opened_by=user)
    run.payer_key = PayrollRun.payer_key_of(run)
    unfinished = PayrollRun.objects.filter(payer_key=run.payer_key).exclude(state=PayrollRun.State.CLOSED).first()
    if unfinished is not None:
        raise PayrollRefused(_("La paie de %(month)s de ce payeur n'est pas clôturée : clôturez-la avant "
                               "d'ouvrir un autre mois.") % {"month": f"{unfinished.month:%m/%Y}"})
    previous = last_closed(run.payer_key)
    if previous is not None and month != add_months(previous.month, 1):
        raise PayrollRefused(_("Le dernier mois clôturé de ce payeur est %(month)s : le mois suivant est le seul "
                               "qui puisse être ouvert.") % {"month": f"{previous.month:%m/%Y}"})
    run.save()
    return run


# --- compute -----------------------------------------------------------------------------------

@dataclass
class Candidate:
    reason: str
    detail: str = ""
    since_month: dt.date | None = None  # a rate order touches its months only


def _changed_statuses(since) -> dict[int, Candidate]:
    """Statuses whose pay inputs were recorded, changed or deleted after `since` (history tables:
    one query each)."""
    found: dict[int, Candidate] = {}
    sources = [
        (TraineeStatus.history.filter(history_date__gt=since).values_list("id", flat=True), PayLine.Reason.STATUS),
        (Leave.history.filter(history_date__gt=since).values_list("status_id", flat=True), PayLine.Reason.LEAVE),
        (StipendStop.history.filter(history_date__gt=since).values_list("status_id", flat=True), PayLine.Reason.STOP),
        (PayTerms.history.filter(history_date__gt=since).values_list("status_id", flat=True), PayLine.Reason.TERMS),
    ]
    for ids, reason in sources:
        for status_id in ids.order_by():
            found.setdefault(status_id, Candidate(reason))
    return found


def _group_candidates(run: PayrollRun, since) -> dict[int, Candidate]:
    """The 7th-year students of the regions whose GST date changed after `since` (RD68 ch. 14)."""
    regions = list(TerritorialGroup.history.filter(history_date__gt=since).order_by().values_list("region_id", flat=True))
    if not regions:
        return {}
    statuses = payer_statuses(run).filter(
        Q(establishment__province__region_id__in=regions)
        | Q(establishment__isnull=True, hospital_centre__province__region_id__in=regions),
        kind=TraineeStatus.Kind.SEVENTH_YEAR)
    return {status_id: Candidate(PayLine.Reason.GROUP) for status_id in statuses.order_by().values_list("id", flat=True)}


def _kind_priced(key: str) -> str:
    return next(kind for prefix, kind in KEY_KINDS.items() if key.startswith(prefix))


def _prices(key: str, kind: str, track: str, study_year: int | None) -> bool:
    """Whether the amount `key` prices a status of this kind (D93 art. 6: an extern's amount is the
    one of their track and study year)."""
    if key.startswith("extern.stipend."):
        return kind == TraineeStatus.Kind.EXTERN and key == f"extern.stipend.{track}.year{study_year}"
    return _kind_priced(key) == kind


def _rate_candidates(run: PayrollRun, since, closed_months: list[dt.date]) -> tuple[dict[int, Candidate], set[str]]:
    """Statuses priced by an amount that an order entered after `since` changed in a closed month,
    each from the first closed month an order touches (one query for all the orders), and the
    kinds of status the orders price."""
    if not closed_months:
        return {}, set()
    end = month_span(month_key(closed_months[-1])).end
    windows = []
    for order in RateOrder.objects.filter(entered_at__gt=since).order_by("entered_at", "pk"):
        first = max(order.valid_from.replace(day=1), closed_months[0])
        last = end if order.valid_to is None else min(end, order.valid_to)
        if first <= last:
            windows.append((order, Span(first, last)))
    if not windows:
        return {}, set()
    kinds = {_kind_priced(order.key) for order, _window in windows}
    union = Span(min(w.start for _o, w in windows), max(w.end for _o, w in windows))
    found: dict[int, Candidate] = {}
    rows = (overlapping(payer_statuses(run), union).filter(kind__in=kinds).order_by()
            .values_list("id", "kind", "track", "study_year", "start_date", "end_date"))
    for status_id, kind, track, study_year, start, status_end in rows:
        lived = Span(start, status_end or OPEN_END)
        for order, window in windows:
            if not lived.overlaps(window) or not _prices(order.key, kind, track, study_year):
                continue
            candidate = found.get(status_id)
            if candidate is None:
                found[status_id] = Candidate(PayLine.Reason.RATE, order.order_ref, window.start)
                continue
            # Several orders: the arrears run from the earliest month any of them touches.
            candidate.since_month = min(candidate.since_month, window.start)
            if order.order_ref not in candidate.detail.split(", "):
                candidate.detail = f"{candidate.detail}, {order.order_ref}"[:200]
    return found, kinds


# Statuses changed one by one (a leave, a stop, pay terms) are read by id, by batches: one IN list
# of many thousand ids would pass SQLite's limit of bound parameters. A rate order touches a whole
# population: its statuses are read with the payer's, without ids.
BATCH = 5000


def _adjustments(run: PayrollRun, table, problems: list[dict]) -> list[tuple[StatusPay, Line, dict]]:
    previous = last_closed(run.payer_key, before=run.month)
    if previous is None:
        return []
    closed_months = sorted(PayrollRun.objects.filter(payer_key=run.payer_key, state=PayrollRun.State.CLOSED)
                           .order_by().values_list("month", flat=True))
    changed = _changed_statuses(previous.closed_at)
    for status_id, candidate in _group_candidates(run, previous.closed_at).items():
        changed.setdefault(status_id, candidate)
    rated, kinds = _rate_candidates(run, previous.closed_at, closed_months)
    rated = {status_id: candidate for status_id, candidate in rated.items() if status_id not in changed}
    lines = []
    ids = sorted(changed)
    for first in range(0, len(ids), BATCH):
        batch = ids[first:first + BATCH]
        lines += _adjust(run, table, payer_statuses(run).filter(id__in=batch), changed, closed_months,
                         Q(status_id__in=batch), problems)
    if rated:
        since = min(candidate.since_month for candidate in rated.values())
        months = [month for month in closed_months if month >= since]
        scope = overlapping(payer_statuses(run), Span(since, month_span(month_key(months[-1])).end))
        lines += _adjust(run, table, scope.filter(kind__in=kinds), rated, months,
                         Q(month_corrected__gte=since, status_kind__in=kinds), problems)
    lines.sort(key=lambda found: found[0].id)
    return lines


def _adjust(run: PayrollRun, table, scope, candidates: dict[int, Candidate], months: list[dt.date], paid_filter: Q,
            problems: list[dict]):
    """For the candidates among `scope`: each closed month of `months` priced again with today's
    inputs, compared code by code with what the closed runs paid for it."""
    spans = {month: month_span(month_key(month)) for month in months}
    statuses = [s for s in load(scope, Span(months[0], spans[months[-1]].end)) if s.id in candidates]
    # What the closed runs of this payer paid, per status, month and code (one query).
    paid: dict[tuple[int, dt.date, str], Decimal] = {}
    paid_as: dict[tuple[int, dt.date, str], Line] = {}  # what a line no longer owed is reversed as
    paid_codes: dict[tuple[int, dt.date], set[str]] = defaultdict(set)
    for status_id, month, code, payer, ref, key, rate, amount in (
            PayLine.objects.filter(paid_filter, run__payer_key=run.payer_key, run__state=PayrollRun.State.CLOSED,
                                   month_corrected__gte=months[0])
            .values_list("status_id", "month_corrected", "code", "payer", "ref", "key")
            .annotate(Max("rate"), Sum("amount")).order_by()):
        paid[(status_id, month, code)] = paid.get((status_id, month, code), ZERO) + amount
        paid_as[(status_id, month, code)] = Line(code, ZERO, payer, ref, 0, rate, key)
        paid_codes[(status_id, month)].add(code)
    lines = []
    for status in statuses:
        candidate = candidates[status.id]
        for month in months:
            if candidate.since_month is not None and month < candidate.since_month:
                continue
            if ((status.id, month) not in paid_codes
                    and not any(p.span.overlaps(spans[month]) for p in status.periods)):
                continue
            owed: dict[str, list[Line]] = defaultdict(list)
            try:
                priced = price(run, status, month, table)
            except MonthNotPriced as error:
                # Not "owed 0": what was paid stays as it is, and the month is reported.
                problems.append(problem(status, error, PayLine.Kind.ADJUSTMENT))
                continue
            for line in priced:
                owed[line.code].append(line)
            for code in sorted(set(owed) | paid_codes.get((status.id, month), set())):
                due = sum((line.amount for line in owed.get(code, [])), ZERO)
                already = paid.get((status.id, month, code), ZERO)
                if due == already:
                    continue
                model = owed[code][-1] if owed.get(code) else paid_as[(status.id, month, code)]
                line = Line(code, due - already, model.payer, model.ref,
                            sum(piece.days for piece in owed.get(code, [])), model.rate, model.key)
                lines.append((status, line, {"month": month, "reason": candidate.reason,
                                             "detail": candidate.detail, "previously_paid": already}))
    return lines


def _row(run, status: StatusPay, line: Line, kind: str, month: dt.date, reason="", detail="", previously_paid=None):
    # The establishment the month is counted under: the rotation the trainee served it in (an
    # extern's clinical placement, an intern's current service), else the status's own place.
    establishment_id = establishment_in(status.rotations, month_span(month_key(month)), status.establishment_id)
    return (run.pk, status.id, status.person_id, kind, month, line.code, line.key or line.code, line.ref, line.payer,
            line.days, line.rate, line.amount, reason, detail, previously_paid, status.kind, establishment_id,
            status.hospital_centre_id)


COLUMNS = ("run_id", "status_id", "person_id", "kind", "month_corrected", "code", "key", "ref", "payer", "days",
           "rate", "amount", "reason", "reason_detail", "previously_paid", "status_kind", "establishment_id",
           "hospital_centre_id")


def _insert(rows: list[tuple]) -> None:
    """All the lines in one statement: COPY on PostgreSQL, one executemany on SQLite (a bulk_create
    would cut them into batches of a few dozen there, its bound-parameter limit)."""
    if not rows:
        return
    table = connection.ops.quote_name(PayLine._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN"
            started = time.monotonic()
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            if connection.queries_logged:  # the driver's COPY bypasses Django's query log: count it too
                connection.queries_log.append({"sql": f"{sql} -- {len(rows)} rows",
                                               "time": f"{time.monotonic() - started:.3f}"})
            return
        marks = ", ".join(["%s"] * len(COLUMNS))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _may_compute(run: PayrollRun, user) -> None:
    if not authority.operates(user, run.payer, run.hospital_centre_id):
        raise PayrollRefused(_("Vous ne tenez pas la paie de ce payeur."))
    if run.state == PayrollRun.State.CLOSED:
        raise PayrollRefused(_("Cette paie est clôturée : elle ne change plus. Une correction passe par la paie "
                               "du mois suivant."))


def _no_progress(done: int, total: int | None = None, step: str = "", step_params: dict | None = None) -> None:
    pass


# The steps of a computation, as the job page shows them (translated when read).
READING = gettext_noop("Lecture des statuts")
PRICING = gettext_noop("Calcul des lignes du mois")
ADJUSTING = gettext_noop("Régularisations des mois clos")
WRITING = gettext_noop("Enregistrement de %(n)s lignes")


def do_compute_run(run: PayrollRun, user, progress=_no_progress) -> PayrollRun:
    """Compute the run's lines in one transaction: stopped midway, nothing of it stays; run again,
    it throws its lines away and computes them anew. `progress(done, total, step)` hears how far it got."""
    _may_compute(run, user)
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        _may_compute(run, user)
        progress(0, None, READING)
        PayLine.objects.filter(run=run).delete()
        table = parameter_table()
        span = month_span(month_key(run.month))
        rows, problems = [], []
        statuses = list(load(overlapping(payer_statuses(run), span), span))
        # Two more steps after the statuses: the adjustments, then the writing.
        total, every = len(statuses) + 2, max(1, len(statuses) // 50)
        for done, status in enumerate(statuses):
            if done % every == 0:
                progress(done, total, PRICING)
            try:
                priced = price(run, status, run.month, table)
            except MonthNotPriced as error:
                problems.append(problem(status, error, PayLine.Kind.REGULAR))
                continue
            for line in priced:
                rows.append(_row(run, status, line, PayLine.Kind.REGULAR, run.month))
        progress(len(statuses), total, ADJUSTING)
        for status, line, extra in _adjustments(run, table, problems):
            rows.append(_row(run, status, line, PayLine.Kind.ADJUSTMENT, extra["month"], extra["reason"],
                             extra["detail"], extra["previously_paid"]))
        progress(len(statuses) + 1, total, WRITING, {"n": len(rows)})
        _insert(rows)
        totals = PayLine.objects.filter(run=run).aggregate(total=Sum("amount"), trainees=Count("person", distinct=True))
        run.total = totals["total"] or ZERO
        run.trainees = totals["trainees"]
        run.problems = problems
        run.state = PayrollRun.State.COMPUTED
        run.computed_by, run.computed_at = user, timezone.now()
        run.approved_by = run.approved_at = None
        run._history_user = user  # computed by the worker, outside any request
        run.save()
    return run


# A run of 30,000 trainees takes a minute or more: the worker computes it while the page polls.
COMPUTE_JOB = "payroll.compute_run"


def compute_key(run: PayrollRun) -> str:
    return f"{COMPUTE_JOB}:{run.pk}"


def computing(run: PayrollRun) -> Job | None:
    """The computation queued or running for the run, if any (its page links to it)."""
    return Job.objects.active().filter(key=compute_key(run)).first()


def do_start_compute(run: PayrollRun, user) -> Job:
    """Queue the computation (refused at once if the user may not compute this run); a second
    click while it is queued or running gives the same job."""
    _may_compute(run, user)
    return jobs.do_start_job(COMPUTE_JOB, run.pk, user.pk, key=compute_key(run), label=_compute_label(run.pk),
                             by=user)


def _compute_label(run_id: int) -> str:
    run = PayrollRun.objects.select_related("hospital_centre", "health_group").get(pk=run_id)
    language = "ar" if (get_language() or "fr").startswith("ar") else "fr"
    return _("Calcul de la paie de %(month)s — %(name)s") % {
        "month": run.month.strftime("%m/%Y"), "name": run.payer_name(language)}


def _compute_readers(user, run_id: int, user_id: int) -> bool:
    """Who reads the run's page (views_runs._run): the payroll's readers, in their scope."""
    return authority.reads_payroll(user) and PayrollRun.objects.visible_to(user).filter(pk=run_id).exists()


@jobs.job_kind(COMPUTE_JOB, label=lambda run_id, user_id: _compute_label(run_id), readers=_compute_readers,
               atomic=True, opens=gettext_noop("Ouvrir la paie"))
def _compute_job(job: Job, run_id: int, user_id: int) -> str:
    def progress(done, total=None, step="", step_params=None):
        jobs.do_record_progress(job, done, total, step, step_params)

    do_compute_run(PayrollRun.objects.get(pk=run_id), get_user_model().objects.get(pk=user_id), progress)
    return reverse("payroll:run-detail", args=[run_id])


# --- approve, close ----------------------------------------------------------------------------

def stale_reasons(run: PayrollRun) -> list[str]:
    """What was recorded after the run was computed and may change it: approving or closing is
    refused until it is computed again."""
    since = run.computed_at
    if since is None:
        return []
    reasons = []
    scope = payer_statuses(run).values("id")
    if RateOrder.objects.filter(entered_at__gt=since).exists():
        reasons.append(_("un montant a été modifié par arrêté"))
    if run.payer != Payer.CHU and TerritorialGroup.history.filter(history_date__gt=since).exists():
        reasons.append(_("la date de prise de fonctions d'un GST a changé"))
    checks = [
        (TraineeStatus.history.filter(history_date__gt=since, id__in=scope), _("un statut a changé")),
        (Leave.history.filter(history_date__gt=since, status_id__in=scope), _("un congé ou une absence a été enregistré")),
        (StipendStop.history.filter(history_date__gt=since, status_id__in=scope), _("une exclusion temporaire a été enregistrée")),
        (PayTerms.history.filter(history_date__gt=since, status_id__in=scope), _("des éléments de paie ont changé")),
    ]
    reasons += [message for query, message in checks if query.exists()]
    return reasons


def _signed(run: PayrollRun, state: str) -> PayrollRun:
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)
    if run.state != state:
        raise PayrollRefused(_("Cette paie est « %(state)s » : l'action n'est plus possible.")
                             % {"state": run.get_state_display()})
    stale = stale_reasons(run)
    if stale:
        raise PayrollRefused(_("Des changements ont été enregistrés depuis le calcul (%(what)s) : recalculez la paie.")
                             % {"what": ", ".join(stale)})
    return run


@transaction.atomic
def do_approve_run(run: PayrollRun, user) -> PayrollRun:
    if not authority.approves(user, run):
        raise PayrollRefused(_("Vous ne pouvez pas approuver la paie de ce payeur."))
    run = _signed(run, PayrollRun.State.COMPUTED)
    if run.computed_by_id == user.pk:
        raise PayrollRefused(_("La paie doit être approuvée par une autre personne que celle qui l'a calculée."))
    run.state, run.approved_by, run.approved_at = PayrollRun.State.APPROVED, user, timezone.now()
    run.save()
    return run


@transaction.atomic
def do_close_run(run: PayrollRun, user) -> PayrollRun:
    if not authority.operates(user, run.payer, run.hospital_centre_id):
        raise PayrollRefused(_("Vous ne tenez pas la paie de ce payeur."))
    run = _signed(run, PayrollRun.State.APPROVED)
    run.state, run.closed_by, run.closed_at = PayrollRun.State.CLOSED, user, timezone.now()
    run.save()
    return run
