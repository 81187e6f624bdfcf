"""Excel exports of a run: its lines, and its differences with the month before (issue 25 item 5).

Plain functions from a run (and the lines or the reader) to the sheets of a workbook, so that a
background job can wrap them for the largest runs (documents/excel.py `workbook_bytes`); the pages
(views_runs.py) answer them at once through `workbook_response`. Who may export is who may read
the run (the views find it as its pages do), and each row is read through the reader's scope.
The trainee's number is the person's number in the payroll, the one the transfer file's
references carry (transfer.reference); the CIN stays out (law 09-08, people/queries.py)."""

from __future__ import annotations

import re
from html import unescape

from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from residanat.documents.excel import Sheet
from residanat.people.models import Person, TraineeStatus

from .differences import Differences, differences, previous_run
from .models import PayrollRun
from .totals import code_label

SPACES = re.compile(r"\s+")


def filename(run: PayrollRun, what: str) -> str:
    return f"paie-{run.payer_key.replace(':', '')}-{run.month:%Y-%m}-{what}.xlsx"


def _person_columns() -> list:
    return [_("N° de stagiaire"), _("Nom"), _("Prénom"), _("Nom (arabe)"), _("Prénom (arabe)")]


def _person(person: Person | None, person_id: int) -> tuple:
    if person is None:
        return (person_id, "", "", "", "")
    return (person.pk, person.last_name.upper(), person.first_name, person.last_name_ar, person.first_name_ar)


def lines_sheets(run: PayrollRun, lines, language: str) -> list[Sheet]:
    """`lines`: the run's lines as the reader sees them (PayLine.objects.visible_to, the person joined)."""
    kinds = dict(TraineeStatus.Kind.choices)
    headers = _person_columns() + [
        _("Statut"), _("Rubrique"), _("Article"), _("Payeur"), _("Mois payé"), _("Jours"), _("Montant mensuel"),
        _("Montant (MAD)"), _("Type"), _("Motif de la régularisation"), _("Précision"), _("Déjà payé")]
    rows = []
    for line in lines.iterator(chunk_size=2000):
        rows.append(_person(line.person, line.person_id) + (
            str(kinds.get(line.status_kind, line.status_kind)), str(code_label(line.code)), line.ref, line.payer,
            line.month_corrected, line.days, line.rate, line.amount, line.get_kind_display(),
            line.get_reason_display() if line.reason else "", line.reason_detail, line.previously_paid))
    return [Sheet(_("Lignes %(month)s") % {"month": f"{run.month:%m-%Y}"}, headers, rows, language)]


def reason_text(reason, language: str) -> str:
    """A reason worded as the differences page words it (the same template), as plain text."""
    html = render_to_string("payroll/runs/_reason.html", {"reason": reason, "LANGUAGE_CODE": language})
    return SPACES.sub(" ", unescape(strip_tags(html))).strip()


def differences_sheets(run: PayrollRun, user, language: str) -> list[Sheet]:
    """Every trainee whose total changed since the same payer's month before, largest first, with
    every reason worded (each trainee's lines are read: for a big run, a job's work)."""
    if run.state == PayrollRun.State.OPEN:  # no lines yet: nothing to compare
        result = Differences(run, previous_run(run))
    else:
        result = differences(run, explain_all=True)
    people = Person.objects.visible_to(user).in_bulk([row.person_id for row in result.rows])
    headers = _person_columns() + [_("Mois précédent"), _("Ce mois"), _("Écart"), _("Motifs")]
    rows = []
    for row in result.rows:
        person = people.get(row.person_id)
        if person is None:  # outside the reader's scope: not exported
            continue
        rows.append(_person(person, row.person_id) + (
            row.previous, row.current, row.difference,
            " ; ".join(reason_text(reason, language) for reason in row.reasons)))
    return [Sheet(_("Écarts %(month)s") % {"month": f"{run.month:%m-%Y}"}, headers, rows, language)]
