"""Scores of a competition's tests: one by one, or a whole test from a spreadsheet.

Scores are entered while registration is closed and until the jury deliberates; after that a
changed score goes through a new, motivated version of the merit list (concours/merit.py,
`do_revise_merit_list(..., corrections=...)`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from residanat.documents.excel import Sheet, workbook_bytes
from residanat.documents.imports import Column, TableImport, run_import
from residanat.documents.spreadsheet import NO, YES, ImportResult, RowError, blank

from .models import Candidate, Competition, CompetitionTest, Score

State = Competition.State
SCORE_ENTRY_STATES = (State.REGISTRATION_CLOSED, State.SCORES_ENTERED)
AFTER_DELIBERATION = (State.DELIBERATED, State.PUBLISHED)
# Score.value has two decimal places.
SCORE_PLACES = 2


# --- checks shared by one score and an import --------------------------------------------------

def check_can_enter_scores(competition: Competition, by) -> None:
    """Raise unless `by` may change this competition and its state lets scores be entered."""
    if not Competition.objects.visible_to(by, "change").filter(pk=competition.pk).exists():
        raise PermissionDenied(_("Vous ne pouvez pas saisir les notes de ce concours."))
    if competition.state in AFTER_DELIBERATION:
        raise ValidationError(_(
            "Le jury a délibéré : une note ne peut plus être saisie ni modifiée que par une nouvelle "
            "version motivée de la liste de mérite."))
    if competition.state not in SCORE_ENTRY_STATES:
        raise ValidationError(
            _("Les notes se saisissent une fois les inscriptions closes et avant la délibération "
              "(état actuel : %(state)s).") % {"state": competition.get_state_display()})


def candidate_problem(candidate: Candidate) -> str | None:
    """Why this candidate cannot have a score, or None."""
    if candidate.state == Candidate.State.WITHDRAWN:
        return _("le candidat %(number)s s'est désisté") % {"number": candidate.number}
    if candidate.state == Candidate.State.INELIGIBLE:
        return _("le candidat %(number)s n'est pas recevable") % {"number": candidate.number}
    if candidate.state != Candidate.State.ELIGIBLE:
        return _("la recevabilité du candidat %(number)s n'est pas encore établie") % {"number": candidate.number}
    if candidate.route != Candidate.Route.COMPETITION:
        # D93 art. 21 1.a/b: admitted on titles, without the tests.
        return _("le candidat %(number)s est admis sur titres et ne compose pas") % {"number": candidate.number}
    return None


def show(value: Decimal) -> str:
    """A score as typed in French: no useless zeros, decimal comma (12,5; 20)."""
    text = f"{Decimal(value).normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def value_problem(value: Decimal, test: CompetitionTest) -> str | None:
    if value < 0:
        return _("la note %(value)s est négative") % {"value": show(value)}
    if value > test.max_score:
        return _("%(value)s dépasse la note maximale %(max)s") % {"value": show(value), "max": show(test.max_score)}
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > SCORE_PLACES:
        return _("%(value)s a plus de deux décimales") % {"value": show(value)}
    return None


def _clean_pair(test: CompetitionTest, value, absent: bool) -> Decimal | None:
    if absent:
        if value not in (None, ""):
            raise ValidationError(_("Un candidat absent n'a pas de note."))
        return None
    if value in (None, ""):
        raise ValidationError(_("Saisissez une note, ou cochez « absent »."))
    number = parse_number(value)
    if number is None:
        raise ValidationError(_("« %(value)s » n'est pas un nombre.") % {"value": value})
    problem = value_problem(number, test)
    if problem:
        raise ValidationError(problem[:1].upper() + problem[1:] + ".")
    return number


def parse_number(raw) -> Decimal | None:
    """A number typed with a decimal comma or dot (or read from a spreadsheet), or None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# --- one score ----------------------------------------------------------------------------------

def do_enter_score(candidate: Candidate, test: CompetitionTest, value: Decimal | str | None, absent: bool, by) -> Score:
    """Enter (or correct) one candidate's score in one test. `value` is None when absent."""
    competition = candidate.competition
    if test.competition_id != competition.pk:
        raise ValidationError(_("L'épreuve « %(test)s » n'appartient pas au concours du candidat.") % {"test": test})
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        check_can_enter_scores(competition, by)
        candidate = Candidate.objects.get(pk=candidate.pk)
        problem = candidate_problem(candidate)
        if problem:
            raise ValidationError(problem[:1].upper() + problem[1:] + ".")
        number = _clean_pair(test, value, absent)
        return write_score(candidate, test, number, absent, by)


def write_score(candidate: Candidate, test: CompetitionTest, value: Decimal | None, absent: bool, by,
                reason: str = "") -> Score:
    """Write one checked score (callers validated it and hold the transaction)."""
    score = Score.objects.filter(candidate=candidate, test=test).first() or Score(candidate=candidate, test=test)
    score.value, score.absent, score.entered_by = value, bool(absent), by
    score._history_user = by
    if reason:
        score._change_reason = reason
    score.save()
    return score


# --- a whole test from a file -------------------------------------------------------------------

@dataclass
class ScoreRow:
    row: int
    number: str
    name: str
    value: Decimal | None
    absent: bool
    previous: str  # "" (no score yet), "12,5" or "absent"
    change: str  # "created", "updated", "unchanged"


@dataclass
class ScoresImport(ImportResult):
    """What `do_import_scores` read and wrote (or would write: `dry_run`)."""

    competition: Competition
    test: CompetitionTest
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    rows: list[ScoreRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("rows", "created", "updated", "unchanged", "absent", "missing"), 0))


def _before(context, result: ScoresImport) -> None:
    competition, test = context["competition"], context["test"]
    if test.competition_id != competition.pk:
        raise ValidationError(_("L'épreuve « %(test)s » n'appartient pas à ce concours.") % {"test": test})
    check_can_enter_scores(competition, context["by"])
    context.update(
        candidates={c.number: c for c in Candidate.objects.filter(competition=competition).select_related("person")},
        existing={s.candidate_id: s for s in Score.objects.filter(test=test, candidate__competition=competition)},
        seen={})


def _read_row(row, context, result: ScoresImport):
    """(candidate, value, absent, preview) of a line, or None with its errors."""
    raw_number, raw_note, raw_absent = row.cell("numero"), row.cell("note"), row.cell("absent")
    number = "" if blank(raw_number) else str(raw_number).strip()
    if isinstance(raw_number, float) and raw_number.is_integer():
        number = str(int(raw_number))
    candidate, seen = None, context["seen"]
    if not number:
        row.error("numero", _("numéro de candidat manquant"))
    elif number in seen:
        row.error("numero", _("le candidat %(number)s figure déjà ligne %(row)s") % {"number": number, "row": seen[number]})
    else:
        seen[number] = row.number
        candidate = context["candidates"].get(number)
        if candidate is None:
            row.error("numero", _("aucun candidat n° %(number)s dans ce concours") % {"number": number})
        elif problem := candidate_problem(candidate):
            row.error("numero", problem)
    absent_text = "" if blank(raw_absent) else str(raw_absent).strip().lower()
    if isinstance(raw_absent, (int, float)) and not isinstance(raw_absent, bool):
        absent_text = str(int(raw_absent)) if float(raw_absent).is_integer() else str(raw_absent)
    absent = raw_absent is True or absent_text in YES
    readable = raw_absent is True or raw_absent is False or absent_text in YES or absent_text in NO
    if not readable:
        row.error("absent", _("« %(value)s » : répondez oui ou non (ou 1/0, x)") % {"value": raw_absent})
    value = None
    if not readable:
        pass  # whether a note is due depends on the unreadable "absent": one error is enough
    elif absent:
        if not blank(raw_note):
            row.error("note", _("un candidat absent n'a pas de note"))
    elif blank(raw_note):
        row.error("note", _("note manquante (ou indiquez absent : oui)"))
    else:
        value = parse_number(raw_note)
        if value is None:
            row.error("note", _("« %(value)s » n'est pas un nombre") % {"value": raw_note})
        elif problem := value_problem(value, context["test"]):
            row.error("note", problem)
    if row.has_errors or candidate is None:
        return None
    before = context["existing"].get(candidate.pk)
    if before is None:
        previous, change = "", "created"
    else:
        previous = "absent" if before.absent else show(before.value)
        same = before.absent == absent and (absent or before.value == value)
        change = "unchanged" if same else "updated"
    return candidate, value, absent, ScoreRow(row.number, number, candidate.person.full_name, value, absent,
                                              previous, change)


def _count(planned, context, result: ScoresImport) -> None:
    result.rows = [preview for *_rest, preview in planned]
    counts = result.counts
    counts["rows"] = len(result.rows)
    for preview in result.rows:
        counts[preview.change] += 1
        counts["absent"] += preview.absent
    sitting = {c.pk for c in context["candidates"].values() if candidate_problem(c) is None}
    counts["missing"] = len(sitting - {c.pk for c, *rest in planned} - set(context["existing"]))


def _write(planned, context, result: ScoresImport) -> None:
    competition, test, by = context["competition"], context["test"], context["by"]
    now = timezone.now()
    reason = _("Import des notes de l'épreuve %(test)s") % {"test": test.code}
    # The state may have moved since the file was checked: check again under the lock.
    locked = Competition.objects.select_for_update().get(pk=competition.pk)
    check_can_enter_scores(locked, by)
    new, changed = [], []
    for candidate, value, absent, preview in planned:
        if preview.change == "unchanged":
            continue
        score = context["existing"].get(candidate.pk) or Score(candidate=candidate, test=test)
        score.value, score.absent, score.entered_by, score.entered_at = value, absent, by, now
        (changed if score.pk else new).append(score)
    if new:
        bulk_create_with_history(new, Score, default_user=by, default_change_reason=reason)
    if changed:
        bulk_update_with_history(changed, Score, ["value", "absent", "entered_by", "entered_at"],
                                 default_user=by, default_change_reason=reason)


# One test's scores: columns "numero", "note", optional "absent"; other columns ignored.
SCORES = TableImport(
    columns=(Column("numero", required=True), Column("note", required=True), Column("absent")),
    result=lambda context, dry_run: ScoresImport(context["competition"], context["test"], dry_run),
    before=_before, read_row=_read_row, check_table=_count, write=_write,
)


def do_import_scores(competition: Competition, test: CompetitionTest, file, by, dry_run: bool = True) -> ScoresImport:
    """Read one test's scores from a spreadsheet (see `SCORES`). Every row is checked first; a
    single error and nothing is written. The dry run returns the preview; the commit writes every
    row in one transaction."""
    data = file if isinstance(file, bytes) else file.read()
    return run_import(SCORES, getattr(file, "name", ""), data, context={"competition": competition, "test": test,
                                                                        "by": by}, commit=not dry_run)


def scores_template(competition: Competition, test: CompetitionTest) -> bytes:
    """An xlsx to fill: one row per candidate who sits the test (eligible, by competition), with an
    empty note column; `do_import_scores` reads it back."""
    candidates = (Candidate.objects.filter(competition=competition, state=Candidate.State.ELIGIBLE,
                                           route=Candidate.Route.COMPETITION)
                  .select_related("person").order_by("number"))
    rows = [[c.number, c.person.last_name, c.person.first_name, c.person.full_name_ar, None, None]
            for c in candidates]
    title = f"{test.code} (/{show(test.max_score)})"
    return workbook_bytes([Sheet(title, ["numero", "nom", "prénom", "الاسم", "note", "absent"], rows)])
