"""Why a run differs from the same payer's run of the month before: for each trainee whose total
changed, the two totals and the reasons, so the second signature checks the changes instead of
the whole list (four eyes, decision 0014).

The reasons are structured (a code and its parameters: dates, days, rates, amounts) and worded by
the template in the page's language. Everything is read in a fixed number of queries whatever the
number of trainees: each trainee's total in both runs (added up by the database), then, for the
trainees who changed, their lines, the statuses they pay, the stops, unpaid absences and pay terms
of the two months, and the territorial groups' dates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Q, Sum

from residanat.careers.models import Leave
from residanat.people.models import TraineeStatus
from residanat.rules.payroll import month_span
from residanat.rules.service_time import Span, add_months

from .models import PayLine, PayrollRun, PayTerms, StipendStop, TerritorialGroup
from .totals import CODE_LABELS, money

ZERO = Decimal("0.00")
REGULAR, ADJUSTMENT = PayLine.Kind.REGULAR, PayLine.Kind.ADJUSTMENT

# Reason codes (the template words each one).
STARTED = "started"            # paid this month, not the month before: the status started (date, kind)
PAID_AGAIN = "paid_again"      # paid again, the status having started earlier (causes of the month before)
ENDED = "ended"                # paid the month before, not this month: the status ended (date, end_reason)
NOT_PAID = "not_paid"          # not paid this month though the status goes on (causes of this month)
DAYS = "days"                  # paid days changed (codes, days/in_month for both months, causes)
RATE = "rate"                  # monthly rate changed (code, old, new, ref)
LINE_ADDED = "line_added"      # a line paid this month only (code), e.g. the housing allowance
LINE_REMOVED = "line_removed"  # a line paid the month before only (code)
ADJUSTED = "adjustment"        # an adjustment line of this run (month, code, amount, reason, detail)
PREVIOUS_ADJUSTED = "previous_adjustment"  # the month before held adjustments (amount, months)
REASON_CODES = (STARTED, PAID_AGAIN, ENDED, NOT_PAID, DAYS, RATE, LINE_ADDED, LINE_REMOVED, ADJUSTED,
                PREVIOUS_ADJUSTED)

# Causes of days not paid or of a line that appears or stops in a month (a reason's "causes").
STATUS_START, STATUS_END, STOP, UNPAID, GST, TERMS = "status_start", "status_end", "stop", "unpaid", "gst", "terms"


class _Line(NamedTuple):
    run_id: int
    person_id: int
    status_id: int
    kind: str
    month_corrected: dt.date
    code: str
    ref: str
    days: int
    rate: Decimal
    amount: Decimal
    reason: str
    reason_detail: str
    previously_paid: Decimal | None


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict


@dataclass
class PersonDifference:
    person_id: int
    previous: Decimal
    current: Decimal
    # Has regular lines in the previous run, in this one: entering or leaving the payroll.
    paid_before: bool = False
    paid_now: bool = False
    reasons: list[Reason] = field(default_factory=list)
    explained: bool = False

    @property
    def difference(self) -> Decimal:
        return self.current - self.previous

    @property
    def codes(self) -> set[str]:
        return {r.code for r in self.reasons}


@dataclass
class Differences:
    run: PayrollRun
    previous: PayrollRun | None
    rows: list[PersonDifference] = field(default_factory=list)
    previous_total: Decimal = ZERO
    current_total: Decimal = ZERO

    @property
    def difference(self) -> Decimal:
        return self.current_total - self.previous_total

    @property
    def increased(self) -> list[PersonDifference]:
        return [r for r in self.rows if r.difference > 0]

    @property
    def decreased(self) -> list[PersonDifference]:
        return [r for r in self.rows if r.difference < 0]

    def summary(self) -> dict:
        return {
            "changed": len(self.rows),
            "increased": len(self.increased), "increase": sum((r.difference for r in self.increased), ZERO),
            "decreased": len(self.decreased), "decrease": sum((r.difference for r in self.decreased), ZERO),
            "started": sum(1 for r in self.rows if r.paid_now and not r.paid_before),
            "ended": sum(1 for r in self.rows if r.paid_before and not r.paid_now),
        }


def previous_run(run: PayrollRun) -> PayrollRun | None:
    return PayrollRun.objects.filter(payer_key=run.payer_key, month=add_months(run.month, -1)).first()


# --- what happened in a month ------------------------------------------------------------------

@dataclass
class _Facts:
    """The statuses of both runs and what changed their pay in the two months (5 queries)."""

    statuses: dict[int, dict]
    stops: dict[int, list[tuple]]
    unpaid: dict[int, list[tuple]]
    terms: dict[int, list[tuple]]
    groups: dict[int, tuple]  # region id -> (powers_from, name_fr, name_ar)

    @classmethod
    def load(cls, lines, window: Span) -> _Facts:
        paid = lines.order_by().values("status_id")
        statuses = {row["id"]: row for row in TraineeStatus.objects.filter(id__in=paid).order_by().values(
            "id", "kind", "start_date", "end_date", "end_reason", "establishment__province__region_id",
            "hospital_centre__province__region_id")}
        stops: dict[int, list[tuple]] = defaultdict(list)
        for status_id, start, end, ref in StipendStop.objects.filter(
                status_id__in=paid, start_date__lte=window.end, end_date__gte=window.start).order_by(
                "start_date").values_list("status_id", "start_date", "end_date", "decision_ref"):
            stops[status_id].append((start, end, ref))
        unpaid: dict[int, list[tuple]] = defaultdict(list)
        for status_id, start, end, second, approved, ref in Leave.objects.filter(
                status_id__in=paid, kind=Leave.Kind.UNPAID, start_date__lte=window.end,
                end_date__gte=window.start).order_by("start_date").values_list(
                "status_id", "start_date", "end_date", "needs_second_approval", "second_approval_by", "reference"):
            if second and approved is None:
                continue  # D93 art. 28: not in force until the second approval (as inputs.load)
            unpaid[status_id].append((start, end, ref))
        terms: dict[int, list[tuple]] = defaultdict(list)
        for status_id, since, housed, civil_servant, committed, administration in PayTerms.objects.filter(
                status_id__in=paid, valid_from__gte=window.start, valid_from__lte=window.end).order_by(
                "valid_from").values_list("status_id", "valid_from", "housed", "civil_servant", "committed",
                                          "administration"):
            terms[status_id].append((since, housed, civil_servant or committed or bool(administration)))
        groups = {region: (since, fr, ar) for region, since, fr, ar in TerritorialGroup.objects.filter(
            powers_from__gte=window.start, powers_from__lte=window.end).values_list(
            "region_id", "powers_from", "name_fr", "name_ar")}
        return cls(statuses, stops, unpaid, terms, groups)

    def causes(self, status_ids, month: dt.date) -> list[dict]:
        """What changed the pay of these statuses inside `month`: a start or an end within the
        month, a stop (D93 art. 30), an unpaid absence, pay terms from a date in the month (housed,
        a salary paid outside: D93 art. 18, 27), the GST taking up its powers (RD68 ch. 14)."""
        span = month_span(f"{month:%Y-%m}")
        found = []
        for status_id in sorted(set(status_ids)):
            status = self.statuses.get(status_id)
            if status is None:
                continue
            if span.start < status["start_date"] <= span.end:
                found.append({"code": STATUS_START, "date": status["start_date"]})
            if status["end_date"] is not None and span.start <= status["end_date"] < span.end:
                found.append({"code": STATUS_END, "date": status["end_date"],
                              "end_reason": _end_reason(status["end_reason"])})
            for start, end, ref in self.stops.get(status_id, []):
                if start <= span.end and end >= span.start:
                    found.append({"code": STOP, "start": start, "end": end, "ref": ref})
            for start, end, ref in self.unpaid.get(status_id, []):
                if start <= span.end and end >= span.start:
                    found.append({"code": UNPAID, "start": start, "end": end, "ref": ref})
            for since, housed, salaried in self.terms.get(status_id, []):
                if span.start <= since <= span.end:
                    found.append({"code": TERMS, "date": since, "housed": housed, "salaried": salaried})
            region = status["establishment__province__region_id"] or status["hospital_centre__province__region_id"]
            if status["kind"] == TraineeStatus.Kind.SEVENTH_YEAR and region in self.groups:
                since, name_fr, name_ar = self.groups[region]
                if span.start <= since <= span.end:
                    found.append({"code": GST, "date": since, "name_fr": name_fr, "name_ar": name_ar})
        return found


def _end_reason(value: str):
    try:
        return TraineeStatus.EndReason(value).label if value else ""
    except ValueError:
        return value


def _unique(causes: list[dict]) -> list[dict]:
    """A stop over the two months is one cause, not two."""
    seen, kept = set(), []
    for cause in causes:
        key = tuple(sorted((k, str(v)) for k, v in cause.items()))
        if key not in seen:
            seen.add(key)
            kept.append(cause)
    return kept


# --- the reasons of one trainee ----------------------------------------------------------------

def _by_code(lines: list[_Line]) -> dict[str, list[_Line]]:
    found: dict[str, list[_Line]] = defaultdict(list)
    for line in lines:
        found[line.code].append(line)
    return found


def _label(code: str):
    return CODE_LABELS.get(code, code)


def _regular_reasons(before: list[_Line], now: list[_Line], months: tuple[dt.date, dt.date],
                     facts: _Facts) -> list[Reason]:
    previous_month, month = months
    if now and not before:
        statuses = {line.status_id for line in now}
        first = min((facts.statuses[s] for s in statuses if s in facts.statuses),
                    key=lambda s: (s["start_date"], s["id"]), default=None)
        if first is not None and first["start_date"] >= month:
            return [Reason(STARTED, {"date": first["start_date"], "kind": TraineeStatus.Kind(first["kind"]).label})]
        return [Reason(PAID_AGAIN, {"causes": facts.causes(statuses, previous_month)})]
    if before and not now:
        statuses = {line.status_id for line in before}
        ends = [facts.statuses[s]["end_date"] for s in statuses if s in facts.statuses]
        if ends and all(end is not None and end < month for end in ends):
            status = max((facts.statuses[s] for s in statuses if s in facts.statuses), key=lambda s: s["end_date"])
            return [Reason(ENDED, {"date": status["end_date"], "end_reason": _end_reason(status["end_reason"])})]
        return [Reason(NOT_PAID, {"causes": facts.causes(statuses, month)})]
    reasons = []
    old, new = _by_code(before), _by_code(now)
    statuses = {line.status_id for line in before + now}
    if set(new) ^ set(old):
        this_month = facts.causes(statuses, month)
        for code in sorted(set(new) - set(old)):
            reasons.append(Reason(LINE_ADDED, {"code": code, "label": _label(code), "causes": this_month}))
        for code in sorted(set(old) - set(new)):
            reasons.append(Reason(LINE_REMOVED, {"code": code, "label": _label(code), "causes": this_month}))
    in_month = month_span(f"{month:%Y-%m}").days
    in_previous = month_span(f"{previous_month:%Y-%m}").days
    # Paid days: a full month is a full month whatever its length (pro rata of calendar days).
    changed_days: dict[tuple[int, int], list[str]] = defaultdict(list)
    for code in sorted(set(old) & set(new)):
        days, previous_days = sum(l.days for l in new[code]), sum(l.days for l in old[code])
        if days * in_previous != previous_days * in_month:
            changed_days[(days, previous_days)].append(code)
        rates, previous_rates = sorted({l.rate for l in new[code]}), sorted({l.rate for l in old[code]})
        if rates != previous_rates:
            reasons.append(Reason(RATE, {"code": code, "label": _label(code), "old": previous_rates, "new": rates,
                                         "ref": new[code][-1].ref}))
    if changed_days:
        causes = _unique(facts.causes(statuses, previous_month) + facts.causes(statuses, month))
        for (days, previous_days), codes in changed_days.items():
            reasons.append(Reason(DAYS, {"codes": codes, "labels": [_label(c) for c in codes], "days": days,
                                         "in_month": in_month, "previous_days": previous_days,
                                         "previous_in_month": in_previous, "causes": causes}))
    return reasons


def _adjustment_reasons(before: list[_Line], now: list[_Line]) -> list[Reason]:
    reasons = []
    for line in sorted(now, key=lambda l: (l.month_corrected, l.code)):
        reasons.append(Reason(ADJUSTED, {
            "month": line.month_corrected, "code": line.code, "label": _label(line.code), "amount": line.amount,
            "reason": line.reason, "reason_label": PayLine.Reason(line.reason).label if line.reason in
            PayLine.Reason.values else line.reason, "detail": line.reason_detail,
            "previously_paid": line.previously_paid}))
    if before:
        reasons.append(Reason(PREVIOUS_ADJUSTED, {"amount": sum((l.amount for l in before), ZERO),
                                                  "months": sorted({l.month_corrected for l in before})}))
    return reasons


# --- the run -----------------------------------------------------------------------------------

# Up to this many trainees, their lines are read by id; beyond, all the lines of the two runs (an
# IN list of 30,000 ids would pass SQLite's limit of bound parameters).
BY_ID = 500


def differences(run: PayrollRun, explain_all: bool = True) -> Differences:
    """The trainees whose total changed since the previous month's run of the same payer, largest
    change first, with their reasons (`explain_all`) or without (the page explains the rows it shows:
    `explain`). The totals are added up by the database, one row per trainee and run, so the reasons
    are worked out only for the trainees who changed (2 queries, then `explain`'s 6). The caller
    found `run` through `visible_to`; the previous run has the same payer, hence the same scope."""
    previous = previous_run(run)
    result = Differences(run, previous)
    run_ids = [run.pk] + ([previous.pk] if previous else [])
    # person -> [total before, total now, regular lines before, regular lines now]
    totals: dict[int, list] = defaultdict(lambda: [ZERO, ZERO, 0, 0])
    for person_id, run_id, amount, regular in (
            PayLine.objects.filter(run_id__in=run_ids).values("person_id", "run_id")
            .annotate(total=Sum("amount"), regular=Count("pk", filter=Q(kind=REGULAR)))
            .values_list("person_id", "run_id", "total", "regular").order_by()):
        now = run_id == run.pk
        totals[person_id][1 if now else 0] += money(amount)
        totals[person_id][3 if now else 2] += regular
    result.previous_total = sum((t[0] for t in totals.values()), ZERO)
    result.current_total = sum((t[1] for t in totals.values()), ZERO)
    if previous is None:
        return result
    result.rows = [PersonDifference(person_id, before, now, bool(regular_before), bool(regular_now))
                   for person_id, (before, now, regular_before, regular_now) in totals.items() if before != now]
    result.rows.sort(key=lambda r: (-abs(r.difference), r.person_id))
    if explain_all:
        explain(result, result.rows)
    return result


def explain(result: Differences, rows: list[PersonDifference]) -> None:
    """Fill the reasons of `rows` (rows of `result`) in 6 queries whatever their number."""
    if result.previous is None or not rows:
        return
    run, previous = result.run, result.previous
    run_ids = [run.pk, previous.pk]
    wanted = {row.person_id: row for row in rows}
    paid = PayLine.objects.filter(run_id__in=run_ids)
    if len(wanted) <= BY_ID:
        paid = paid.filter(person_id__in=list(wanted))
    lines: dict[int, dict[str, list[_Line]]] = defaultdict(lambda: {"before": [], "now": []})
    for values in paid.order_by().values_list(*_Line._fields):
        line = _Line(*values)
        if line.person_id in wanted:
            lines[line.person_id]["now" if line.run_id == run.pk else "before"].append(line)
    window = Span(previous.month, month_span(f"{run.month:%Y-%m}").end)
    facts = _Facts.load(paid, window)
    months = (previous.month, run.month)
    for person_id, row in wanted.items():
        p = lines[person_id]
        row.reasons = (
            _regular_reasons([l for l in p["before"] if l.kind == REGULAR], [l for l in p["now"] if l.kind == REGULAR],
                             months, facts)
            + _adjustment_reasons([l for l in p["before"] if l.kind == ADJUSTMENT],
                                  [l for l in p["now"] if l.kind == ADJUSTMENT]))
        row.explained = True
