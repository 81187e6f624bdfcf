"""Leave rules: the yearly paid leave (D93 art. 7, 20, 28; RD68 ch. 12) and the RD68 unpaid
absence (ch. 17). Pure Python.

How a "month" of leave is counted (docs/decisions/0012-careers.md): leave years run from the
status's start date (its anniversaries); one month is 30 calendar days when the leave is split,
and one uninterrupted leave from a day to the eve of the same day next month is one month even
when it has 31 days.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from .eligibility import Failure
from .parameters import load_parameters, param
from .service_time import Span, add_months, date_after_service, months_end

DAYS_PER_MONTH = 30

# The yearly leave parameter of each status kind.
ANNUAL_LEAVE_KEY = {
    "extern": "extern.leave_months_per_year",
    "intern": "intern.leave_months_per_year",
    "resident": "resident.leave_months_per_year",
    "public_health_intern": "ph_intern.leave_months_per_year",
    # RD68 ch. 15: the 7th-year students have the interns' regime.
    "seventh_year_intern_duties": "ph_intern.leave_months_per_year",
}
RD68_KINDS = frozenset({"public_health_intern", "seventh_year_intern_duties"})


def leave_year(status_start: dt.date, day: dt.date) -> Span:
    """The leave year (from an anniversary of the status's start) that holds `day`."""
    years = day.year - status_start.year
    begin = add_months(status_start, 12 * years)
    if begin > day:
        years -= 1
        begin = add_months(status_start, 12 * years)
    return Span(begin, months_end(status_start, 12 * (years + 1)))


def counted_days(spans: Iterable[Span]) -> int:
    return sum(s.days for s in spans)


def within_allowance(leaves_in_year: list[Span], months: int) -> bool:
    if counted_days(leaves_in_year) <= months * DAYS_PER_MONTH:
        return True
    # One uninterrupted leave of whole calendar months is that many months, whatever their length.
    return len(leaves_in_year) == 1 and leaves_in_year[0].end <= months_end(leaves_in_year[0].start, months)


def annual_leave_refusal(kind: str, status_start: dt.date, leave: Span, other_annual: Iterable[Span],
                         not_counted: Iterable[Span], on: dt.date) -> Failure | None:
    key = ANNUAL_LEAVE_KEY[kind]
    ref = load_parameters().get(key, on).ref
    if leave.start < status_start:
        return Failure("before_status", ref, "Le congé commence avant le statut.", "تبدأ الإجازة قبل بداية الوضعية.")
    if kind in RD68_KINDS:
        first_key = "ph_intern.first_leave_after_months"
        months = int(param(first_key, on=on))
        earliest = date_after_service(status_start, months, not_counted)
        if leave.start < earliest:
            return Failure(
                "first_leave_too_early", load_parameters().get(first_key, on).ref,
                f"Le premier congé n'est possible qu'après {months} mois de service effectif, "
                f"soit à partir du {earliest:%d/%m/%Y}.",
                f"لا تمنح الإجازة الأولى إلا بعد {months} شهرا من العمل الفعلي، أي ابتداء من {earliest:%d/%m/%Y}.",
            )
    months = int(param(key, on=on))
    year = leave_year(status_start, leave.start)
    same_year = [s for s in other_annual if year.start <= s.start <= year.end]
    if any(s.overlaps(leave) for s in other_annual):
        return Failure("overlap", ref, "Ce congé chevauche un congé déjà accordé.", "تتداخل هذه الإجازة مع إجازة ممنوحة.")
    if not within_allowance([*same_year, leave], months):
        used = counted_days(same_year)
        return Failure(
            "allowance_exceeded", ref,
            f"Le congé annuel est d'un mois par année ({months} × {DAYS_PER_MONTH} jours) ; "
            f"{used} jours sont déjà accordés pour l'année du {year.start:%d/%m/%Y} au {year.end:%d/%m/%Y}.",
            f"الإجازة السنوية شهر واحد في السنة ({months} × {DAYS_PER_MONTH} يوما)؛ "
            f"سبق منح {used} يوما برسم السنة من {year.start:%d/%m/%Y} إلى {year.end:%d/%m/%Y}.",
        )
    return None


def unpaid_absence_refusal(status_start: dt.date, absence: Span, other_absences: Iterable[Span],
                           annual_leaves: Iterable[Span], on: dt.date) -> Failure | None:
    """RD68 ch. 17: unpaid absence of at most one month a year, not cumulable with the paid leave
    (read as: it can neither overlap nor adjoin a paid leave, decision 0012)."""
    key = "ph_intern.unpaid_absence_max_months_per_year"
    ref = load_parameters().get(key, on).ref
    if any(absence.touches(s) for s in annual_leaves):
        return Failure(
            "cumulated_with_leave", ref,
            "L'absence non rémunérée ne peut pas se cumuler avec le congé annuel (ni le chevaucher, ni le prolonger).",
            "لا يمكن الجمع بين رخصة التغيب من غير أجرة والإجازة السنوية (لا تداخل ولا تمديد).",
        )
    months = int(param(key, on=on))
    year = leave_year(status_start, absence.start)
    same_year = [s for s in other_absences if year.start <= s.start <= year.end]
    if any(s.overlaps(absence) for s in other_absences):
        return Failure("overlap", ref, "Cette absence chevauche une absence déjà accordée.", "يتداخل هذا التغيب مع تغيب ممنوح.")
    if not within_allowance([*same_year, absence], months):
        return Failure(
            "allowance_exceeded", ref,
            f"L'absence non rémunérée est limitée à {months} mois par année.",
            f"رخصة التغيب من غير أجرة محددة في {months} شهر في السنة.",
        )
    return None
