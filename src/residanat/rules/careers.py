"""The dates of a trainee's career computed from the regulation: expected end of the status,
thesis eligibility, title eligibility, the doctorate deadline, and the order in which trainees
choose. Each date carries the article it comes from. Pure Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from .parameters import load_parameters, param
from .service_time import ONE_DAY, Span, date_after_service, long_sick_leaves


@dataclass(frozen=True)
class CareerDate:
    code: str
    day: dt.date
    ref: str
    label_fr: str
    label_ar: str
    # Why the date moved from its plain value, in both languages ("" when it did not).
    note_fr: str = ""
    note_ar: str = ""

    def label(self, language: str) -> str:
        return self.label_ar if language.startswith("ar") else self.label_fr

    def note(self, language: str) -> str:
        return self.note_ar if language.startswith("ar") else self.note_fr


def _ref(key: str, on: dt.date) -> str:
    return load_parameters().get(key, on).ref


def not_counted(regime: str, sick_leaves: Iterable[Span], on: dt.date) -> list[Span]:
    """The periods that do not count as actual service: long sick leaves (D93 art. 33, RD68 ch. 11)."""
    key = "ph_leave.long_sick_leave_not_counted_months" if regime == "RD68" else "leave.long_sick_leave_not_counted_months"
    return long_sick_leaves(sick_leaves, int(param(key, on=on)))


def _shift_note(start: dt.date, months: int, moved: dt.date, extra_months: int = 0) -> tuple[str, str]:
    plain = date_after_service(start, months + extra_months, [])
    parts_fr, parts_ar = [], []
    if extra_months:
        parts_fr.append(f"+{extra_months} mois (stage(s) ou année(s) à refaire)")
        parts_ar.append(f"+{extra_months} شهرا (تداريب أو سنوات معادة)")
    days = (moved - plain).days
    if days:
        parts_fr.append(f"+{days} jours de congé de maladie de longue durée")
        parts_ar.append(f"+{days} يوما من إجازة المرض الطويل الأمد")
    return "; ".join(parts_fr), "؛ ".join(parts_ar)


def _dated(code, start, months, spans, ref, label_fr, label_ar, *, last_day=False, extra_months=0):
    day = date_after_service(start, months + extra_months, spans)
    note_fr, note_ar = _shift_note(start, months, day, extra_months)
    return CareerDate(code, day - ONE_DAY if last_day else day, ref, label_fr, label_ar, note_fr, note_ar)


def internat_dates(track: str, start: dt.date, rotations_not_validated: int, sick_leaves: Iterable[Span],
                   on: dt.date) -> list[CareerDate]:
    """D93 art. 14, 15, 17, 33: the intern's expected end, thesis and title eligibility."""
    spans = not_counted("D93", sick_leaves, on)
    months = int(param("internat.duration_months", on=on))
    redo = rotations_not_validated * int(param("internat.rotation_months", on=on))
    thesis_key = f"internat.thesis_after_months.{track}"
    title_key = "internat.title_service_months"
    return [
        _dated("expected_end", start, months, spans, _ref("internat.duration_months", on),
               "Fin prévue de l'internat", "النهاية المتوقعة للعمل بالقسم الداخلي", last_day=True, extra_months=redo),
        _dated("thesis_eligible", start, int(param(thesis_key, on=on)), spans, _ref(thesis_key, on),
               "Soutenance de thèse possible à partir du", "مناقشة الأطروحة ممكنة ابتداء من"),
        _dated("title_eligible", start, int(param(title_key, on=on)), spans, _ref(title_key, on),
               "Titre d'ancien interne (2 ans de service effectif) à partir du",
               "لقب داخلي قديم (سنتان من العمل الفعلي) ابتداء من"),
    ]


def residency_dates(start: dt.date, years: int, repeated: Iterable[int], on_titles_as_intern: bool,
                    sick_leaves: Iterable[Span], on: dt.date) -> list[CareerDate]:
    """D93 art. 21, 23, 33: the resident's expected end, and for an intern admitted on titles the
    date by which the doctorate must be obtained. `repeated`: the numbers of the years repeated."""
    spans = not_counted("D93", sick_leaves, on)
    repeated = list(repeated)
    dates = [
        _dated("expected_end", start, 12 * years, spans, "D93 art. 23",
               f"Fin prévue du résidanat ({years} ans)", f"النهاية المتوقعة للإقامة ({years} سنوات)",
               last_day=True, extra_months=12 * len(repeated)),
    ]
    if on_titles_as_intern:
        deadline_key = "residanat.doctorate_deadline_years"
        deadline_years = int(param(deadline_key, on=on))
        # Seed 002, art. 21 1.a: "خلال السنة الأولى من مدة العمل بصفة مقيم على أبعد تقدير. وتؤخذ بعين
        # الاعتبار في هذه المدة سنة التكرار المسموح بها في المادة 23": a repeat of a year within the
        # deadline lengthens it by that year (docs/decisions/0012-careers.md).
        repeats_within = sum(1 for number in repeated if number <= deadline_years)
        dates.append(_dated(
            "doctorate_deadline", start, 12 * deadline_years, spans, _ref(deadline_key, on),
            "Doctorat à obtenir au plus tard le", "يجب الحصول على الدكتوراه في أجل أقصاه", last_day=True,
            extra_months=12 * repeats_within,
        ))
    return dates


def public_health_internat_dates(start: dt.date, sick_leaves: Iterable[Span], on: dt.date) -> list[CareerDate]:
    """RD68 ch. 4, 11: expected end of the public-health internat and the title."""
    spans = not_counted("RD68", sick_leaves, on)
    months_key, title_key = "ph_internat.duration_months", "ph_internat.title_service_months"
    return [
        _dated("expected_end", start, int(param(months_key, on=on)), spans, _ref(months_key, on),
               "Fin prévue de l'internat des hôpitaux de santé publique",
               "النهاية المتوقعة للعمل بالقسم الداخلي بمستشفيات الصحة العمومية", last_day=True),
        _dated("title_eligible", start, int(param(title_key, on=on)), spans, _ref(title_key, on),
               "Titre d'ancien interne des hôpitaux de santé publique à partir du",
               "لقب داخلي قديم في مستشفيات الصحة العمومية ابتداء من"),
    ]


@dataclass(frozen=True)
class Chooser:
    """Who chooses, for the order of a choice of services or work places."""

    id: object
    entry_date: dt.date
    rank: int | None


def seniority_then_rank(choosers: Iterable[Chooser]) -> list[Chooser]:
    """RD68 ch. 5: by seniority (earlier entry first), then by competition rank within the same
    seniority. D93 interns choose the same way (docs/decisions/0012-careers.md): within a
    promotion by merit rank (art. 15), older promotions first. A missing rank comes last."""
    return sorted(choosers, key=lambda c: (c.entry_date, c.rank is None, c.rank or 0, str(c.id)))
