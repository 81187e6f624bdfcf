"""What a run pays, added up by the database: per payer of the line, per establishment and per
status, the current month's lines apart from the adjustments of earlier months, and how many
trainees. One grouped query per table whatever the number of lines (a run may hold 30,000)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, IntegerField, Q, Sum, When
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from residanat.people.models import TraineeStatus

from .models import Payer, PayLine, PayrollRun

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# The line codes of rules/payroll.py, as a reader names them.
CODE_LABELS = {
    "extern.stipend": _("Indemnité d'externe"),
    "intern.stipend": _("Indemnité d'interne"),
    "intern.housing": _("Indemnité de logement de l'interne"),
    "resident.stipend": _("Indemnité de résident"),
    "resident.salary_outside": _("Résident rémunéré hors de cette paie"),
    "ph_intern.stipend": _("Indemnité d'interne des hôpitaux de santé publique"),
    "ph_intern.housing": _("Indemnité de logement de l'interne de santé publique"),
    "seventh_year.lump_sum": _("Indemnité forfaitaire de l'étudiant de 7e année"),
}
# Who pays a line: the run's payers, and a resident's own administration (D93 art. 27 last ¶, 27 bis).
PAYER_LABELS = {**dict(Payer.choices), "ADMINISTRATION": _("administration du résident (D93 art. 27, 27 bis)")}


def code_label(code: str) -> str:
    return str(CODE_LABELS.get(code, code))


def payer_label(payer: str) -> str:
    return str(PAYER_LABELS.get(payer, payer))


def status_label(kind: str) -> str:
    try:
        return str(TraineeStatus.Kind(kind).label)
    except ValueError:
        return kind


@dataclass
class Row:
    key: object
    label: str
    regular: Decimal
    adjustment: Decimal
    total: Decimal
    trainees: int
    lines: int
    label_ar: str = ""


@dataclass
class RunTotals:
    overall: Row
    by_payer: list[Row]
    by_establishment: list[Row]
    by_status: list[Row]


def _sums():
    regular, adjustment = PayLine.Kind.REGULAR, PayLine.Kind.ADJUSTMENT
    return {
        "regular": Sum("amount", filter=Q(kind=regular)),
        "adjustment": Sum("amount", filter=Q(kind=adjustment)),
        "total": Sum("amount"),
        # A trainee with a regular line and an adjustment counts once.
        "trainees": Count("person", distinct=True),
        "lines": Count("pk"),
    }


def money(value) -> Decimal:
    # SQLite adds decimals as floats: back to centimes (PostgreSQL's numeric sums are exact).
    return Decimal(value or 0).quantize(CENT)


def _row(values: dict, key, label, label_ar="") -> Row:
    return Row(key, label, money(values["regular"]), money(values["adjustment"]), money(values["total"]),
               values["trainees"], values["lines"], label_ar)


# A line with no establishment (a resident, or an extern whose clinical placement the register does
# not know that month) is counted under its hospital centre, which employs and pays it, rather than
# in one "sans établissement" row that says nothing (issue 18 item 4; decision 0018).
_UNPLACED = Q(establishment__isnull=True)
_CENTRE = {"centre_id": Case(When(_UNPLACED, then=F("hospital_centre_id")), output_field=IntegerField()),
           "centre_fr": Case(When(_UNPLACED, then=F("hospital_centre__name_fr")), output_field=CharField()),
           "centre_ar": Case(When(_UNPLACED, then=F("hospital_centre__name_ar")), output_field=CharField())}


def _place_label(row: dict, language: str) -> str:
    with translation.override(language):
        if row["establishment_id"] is not None:
            name = row["establishment__name_ar"] if language == "ar" else row["establishment__name_fr"]
            return name or row["establishment__name_fr"]
        if row["centre_id"] is not None:
            name = (row["centre_ar"] if language == "ar" else row["centre_fr"]) or row["centre_fr"]
            return str(_("%(centre)s — établissement non précisé") % {"centre": name})
        return str(_("sans établissement"))


def by_place(lines, /, **sums) -> list[dict]:
    """The lines' `sums` per establishment (or hospital centre, for lines with no establishment), one
    grouped query; each row also has `key` (the establishment's id, "centre-<id>", None when neither
    is known), `label_fr` and `label_ar`. The run page, its summary PDF and the API read this."""
    rows = (lines.annotate(**_CENTRE)
            .values("establishment_id", "establishment__name_fr", "establishment__name_ar",
                    "centre_id", "centre_fr", "centre_ar")
            .annotate(**sums).order_by("establishment__name_fr", "centre_fr", "establishment_id", "centre_id"))
    found = []
    for row in rows:
        key = (row["establishment_id"] if row["establishment_id"] is not None
               else f"centre-{row['centre_id']}" if row["centre_id"] is not None else None)
        found.append({**row, "key": key, "label_fr": _place_label(row, "fr"), "label_ar": _place_label(row, "ar")})
    return found


def run_totals(run: PayrollRun) -> RunTotals:
    """The run's totals (4 queries). The caller found `run` through `visible_to`."""
    lines = PayLine.objects.filter(run=run).order_by()
    overall = _row(lines.aggregate(**_sums()), None, str(_("Total")))
    by_payer = [_row(v, v["payer"], payer_label(v["payer"]))
                for v in lines.values("payer").annotate(**_sums()).order_by("payer")]
    by_establishment = [_row(v, v["key"], v["label_fr"], v["label_ar"]) for v in by_place(lines, **_sums())]
    by_status = [_row(v, v["status_kind"], status_label(v["status_kind"]))
                 for v in lines.values("status_kind").annotate(**_sums()).order_by("status_kind")]
    return RunTotals(overall, by_payer, by_establishment, by_status)
