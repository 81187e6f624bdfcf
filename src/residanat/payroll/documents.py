"""The run summary (synthèse de la paie), in French or Arabic: payer, month, state, who opened,
computed, approved and closed it and when, the totals per payer, establishment and status, the
adjustments per month corrected and reason, and what the transfer file pays and holds back.

A closed run's summary is an issued document (numbered, hashed, verifiable: the same facts give the
same document back); before closing it is rendered without a number and marked PROVISOIRE on every
page, since the run may still be computed again. The transfer figures are those of the day (a RIB
entered after closing moves a person out of the withheld count, and so gives a new document). Every
figure comes from a few aggregate queries, whatever the number of trainees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.documents import kinds
from residanat.documents.http import DOCUMENT_LANGUAGES, document_language
from residanat.documents.models import IssuedDocument
from residanat.documents.pdf import already_issued, issue_pdf, render_pdf_bytes
from residanat.documents.readers import Readers
from residanat.formats import amount_text
from residanat.people.models import TraineeStatus

from .authority import READERS
from .models import Payer, PayLine, PayrollRun
from .totals import by_place
from .transfer import TransferOrder, transfer_order

# About a payer, not a person: the payroll's national readers; a CHU's officer or director reads the
# summary of their CHU's run on the run's page, and in the register the summaries they issued.
RUN_SUMMARY = kinds.register("payroll_run_summary", gettext_lazy("Synthèse de la paie mensuelle"),
                             readers=Readers(READERS))
ZERO = Decimal("0.00")
# Who pays a line (rules/payroll.py): the run's payer, or for a resident paid a salary outside the
# stipends, the hospital centre (a trainee civil servant under the commitment, D93 art. 27 ¶2) or the
# resident's administration (a civil servant, art. 27 last ¶; a doctor committed to it, art. 27 bis).
LINE_PAYERS = {
    "MSPS": Payer.MSPS.label, "CHU": Payer.CHU.label, "GST": Payer.GST.label,
    "ADMINISTRATION": gettext_lazy("administration du résident (D93 art. 27, 27 bis)"),
}


# 1500 → "1 500,00": the one way an amount is written (residanat/formats).
money = amount_text


def who(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def payer_names(run: PayrollRun) -> dict:
    """The payer's name in both languages, for the letterhead (French left, Arabic right)."""
    names = {}
    for language in DOCUMENT_LANGUAGES:
        with translation.override(language):
            names[language] = str(run.payer_name(language))
    return names


def run_facts(run: PayrollRun, language: str) -> dict:
    """What every payroll document says about its run; call it in the document's language."""
    names = payer_names(run)
    return {
        "payer": names[language], "payer_fr": names["fr"], "payer_ar": names["ar"], "payer_kind": run.payer,
        "payer_key": run.payer_key, "month": run.month, "state": str(run.get_state_display()),
        "closed": run.state == PayrollRun.State.CLOSED,
    }


def _when(moment: dt.datetime | None):
    return timezone.localtime(moment) if moment else None


def _audit(run: PayrollRun) -> list[dict]:
    steps = [(_("Ouverte"), run.opened_by, run.opened_at), (_("Calculée"), run.computed_by, run.computed_at),
             (_("Approuvée (seconde signature)"), run.approved_by, run.approved_at),
             (_("Clôturée"), run.closed_by, run.closed_at)]
    return [{"step": str(step), "by": who(user), "at": _when(at)} for step, user, at in steps]


def _rows(lines, group: str, label) -> list[dict]:
    return [{"label": label(row), "persons": row["persons"], "total": money(row["total"])}
            for row in lines.values(group).annotate(total=Sum("amount"), persons=Count("person", distinct=True))
            .order_by(group)]


def _establishments(lines, language: str) -> list[dict]:
    return [{"label": row[f"label_{language}"], "persons": row["persons"], "total": money(row["total"])}
            for row in by_place(lines, total=Sum("amount"), persons=Count("person", distinct=True))]


def _adjustments(lines) -> list[dict]:
    rows = (lines.filter(kind=PayLine.Kind.ADJUSTMENT).values("month_corrected", "reason")
            .annotate(total=Sum("amount"), persons=Count("person", distinct=True), count=Count("id"))
            .order_by("month_corrected", "reason"))
    return [{"month": row["month_corrected"], "reason": str(PayLine.Reason(row["reason"]).label),
             "persons": row["persons"], "lines": row["count"], "total": money(row["total"])} for row in rows]


def _transfer(order: TransferOrder) -> dict:
    return {
        "count": len(order.rows), "total": money(order.total),
        "unpaid": len(order.unpaid), "unpaid_total": money(order.sum(order.unpaid)),
        "to_recover": len(order.to_recover), "to_recover_total": money(order.sum(order.to_recover)),
        "nothing": len(order.nothing),
    }


def summary_facts(run: PayrollRun, language: str) -> dict:
    with translation.override(language):
        lines = PayLine.objects.filter(run=run)
        kinds_of = {row["kind"]: row["total"] for row in lines.values("kind").annotate(total=Sum("amount")).order_by()}
        return {
            **run_facts(run, language),
            "audit": _audit(run),
            "trainees": run.trainees,
            "total": money(run.total),
            "regular_total": money(kinds_of.get(PayLine.Kind.REGULAR.value, ZERO)),
            "adjustment_total": money(kinds_of.get(PayLine.Kind.ADJUSTMENT.value, ZERO)),
            "by_payer": _rows(lines, "payer", lambda r: str(LINE_PAYERS.get(r["payer"], r["payer"]))),
            "by_establishment": _establishments(lines, language),
            "by_status": _rows(lines, "status_kind", lambda r: str(TraineeStatus.Kind(r["status_kind"]).label)
                               if r["status_kind"] in TraineeStatus.Kind.values else r["status_kind"]),
            "adjustments": _adjustments(lines),
            "transfer": _transfer(transfer_order(run)),
        }


def summary_title(run: PayrollRun, language: str) -> str:
    with translation.override(language):
        return f"{kinds.label(RUN_SUMMARY)} — {run.payer_name(language)} — {run.month:%m/%Y}"


def summary_pdf(run: PayrollRun, language: str, by) -> bytes:
    """The summary's PDF: issued (numbered) once the run is closed, provisional before."""
    language = document_language(value=language)
    facts = summary_facts(run, language)
    title = summary_title(run, language)
    template = "documents/payroll_summary.html"
    if run.state != PayrollRun.State.CLOSED:
        return render_pdf_bytes(template=template, facts=facts, kind=RUN_SUMMARY, title=title, language=language,
                                extra_context={"provisional": True})
    earlier = already_issued(IssuedDocument.objects.filter(kind=RUN_SUMMARY, language=language, title=title)
                             .exclude(file="").order_by("-issued_at"),
                             kind=RUN_SUMMARY, language=language, title=title, facts=facts)
    document = earlier or issue_pdf(template=template, facts=facts, kind=RUN_SUMMARY, title=title,
                                    language=language, issued_by=by)
    with document.file.open("rb") as stored:
        return stored.read()


def summary_filename(run: PayrollRun, language: str) -> str:
    mark = "" if run.state == PayrollRun.State.CLOSED else "-provisoire"
    return f"synthese-paie-{run.payer_key.replace(':', '')}-{run.month:%Y-%m}-{language}{mark}.pdf"
