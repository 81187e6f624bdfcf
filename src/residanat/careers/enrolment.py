"""The faculty's yearly enrolment list, from which extern statuses are created (D93 art. 2).

As the candidates' import (concours/candidate_import.py): every row is checked before anything is
written, each error naming its row and column; the dry run takes the same path as the commit and
rolls back, so the preview shows the exact numbers; the commit writes every row in one transaction.

A row of an extern year (art. 2) gives an extern status at the faculty's hospital centre for the
academic year; a year paid by art. 6 but outside art. 2 (pharmacy 5–6, dental 6) gives one too,
flagged (decision 0002); other years (1–2, medicine 7) are counted and left alone. The person is
matched on the CIN (else passport and nationality) or created. Importing the same year again
changes nothing that has not changed in the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from residanat.documents.excel import Sheet, workbook_bytes
from residanat.documents.imports import Column, TableImport, run_import
from residanat.documents.spreadsheet import CellError, ImportResult, RowError, key_of, parse_bool, parse_date
from residanat.people.identity import (cin_problem, country_problem, find_person, normalise_identifier,
                                       passport_problem, same_name)
from residanat.people.models import Person, TraineeStatus
from residanat.people.services import do_create_person, do_record_status
from residanat.referential.models import Specialty
from residanat.rules import param

from .externs import YearClass, acts_for_faculty, flag_message, hospital_centre_of, year_class
from .models import EnrolmentImport

Kind = TraineeStatus.Kind

# The columns, in the template's order, with the other header names read as the same column.
COLUMNS = {
    "national_id": ("cin", "cine"),
    "passport_number": ("passeport", "passport"),
    "nationality": ("nationalite",),
    "last_name": ("nom",),
    "first_name": ("prenom",),
    "last_name_ar": ("nom_ar",),
    "first_name_ar": ("prenom_ar",),
    "birth_date": ("date_naissance", "date_de_naissance"),
    "track": ("filiere",),
    "study_year": ("annee_etudes", "annee_detudes", "annee"),
    "repeat": ("redoublement", "redoublant"),
}
HELP = {
    "national_id": (N_("CIN (étudiants marocains)"), "BK123456"),
    "passport_number": (N_("Numéro de passeport (étudiants étrangers)"), ""),
    "nationality": (N_("Code ISO du pays de nationalité ; vide = MA"), "MA"),
    "last_name": (N_("Nom (lettres latines) — obligatoire"), "ALAOUI"),
    "first_name": (N_("Prénom (lettres latines) — obligatoire"), "Salma"),
    "last_name_ar": (N_("Nom en arabe"), "العلوي"),
    "first_name_ar": (N_("Prénom en arabe"), "سلمى"),
    "birth_date": (N_("Date de naissance (jj/mm/aaaa ou aaaa-mm-jj)"), "14/03/2004"),
    "track": (N_("Filière : médecine, pharmacie, médecine dentaire — obligatoire"), "médecine"),
    "study_year": (N_("Année d'études (1 à 7) — obligatoire"), "3"),
    "repeat": (N_("Redoublement de l'année : oui / non ; vide = non"), "non"),
}
REQUIRED = ("last_name", "first_name", "track", "study_year")
TRACKS = {"medecine": "medicine", "medicine": "medicine", "pharmacie": "pharmacy", "pharmacy": "pharmacy",
          "medecine_dentaire": "dental", "dentaire": "dental", "dental": "dental",
          "dental_medicine": "dental"}
STUDY_YEARS = (1, 7)
PERSON_FIELDS = ("national_id", "passport_number", "nationality", "last_name", "first_name", "last_name_ar",
                 "first_name_ar", "birth_date")
REASON = "Import des inscriptions (externes)"


@dataclass
class EnrolmentRow:
    row: int
    identity: dict
    track: str
    study_year: int
    said_repeat: bool | None  # what the file says; None = nothing
    person: Person | None = None  # the existing person, when matched
    year_class: str = YearClass.EXTERN
    is_repeat: bool = False
    outcome: str = ""  # created, updated, unchanged (ignored rows: "ignored")

    @property
    def name(self) -> str:
        return f"{self.identity['last_name'].upper()} {self.identity['first_name']}"

    @property
    def track_label(self) -> str:
        return Specialty.TrackChoice(self.track).label

    @property
    def flagged(self) -> bool:
        return self.year_class == YearClass.FLAGGED

    @property
    def ignored(self) -> bool:
        return self.year_class == YearClass.NOT_EXTERN


@dataclass
class EnrolmentResult(ImportResult):
    """What `do_import_enrolment` read and wrote (or would write: `dry_run`)."""

    faculty: object
    academic_year: int
    start_date: dt.date
    end_date: dt.date
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    flagged: list[RowError] = field(default_factory=list)
    rows: list[EnrolmentRow] = field(default_factory=list)
    counts: dict = field(default_factory=lambda: dict.fromkeys(
        ("rows", "externs", "created", "updated", "unchanged", "ignored", "flagged", "repeats", "new_persons"), 0))
    record: EnrolmentImport | None = None

    def per_year(self) -> list[tuple[str, int, int, str]]:
        """(track label, study year, rows, YearClass) for each track and year in the file."""
        found = Counter((r.track, r.study_year) for r in self.rows)
        return [(str(Specialty.TrackChoice(track).label), year, n, year_class(track, year, self.start_date))
                for (track, year), n in sorted(found.items())]

    def as_text(self) -> str:
        lines = [_("Import des inscriptions de la %(faculty)s, année %(year)s–%(next)s (%(mode)s)") % {
            "faculty": self.faculty, "year": self.academic_year, "next": self.academic_year + 1,
            "mode": _("aperçu, rien n'est écrit") if self.dry_run else _("enregistré")}]
        for problem in self.errors:
            lines.append(_("ERREUR %(error)s") % {"error": problem})
        if self.errors:
            return "\n".join(lines)
        marks = {YearClass.FLAGGED: " *", YearClass.NOT_EXTERN: " " + _("(ignorés)")}
        for track, year, n, kind in self.per_year():
            lines.append(f"  {track} {year}: {n}{marks.get(kind, '')}")
        lines.append(_("%(rows)s lignes : %(externs)s externes (%(created)s créés, %(updated)s modifiés, "
                       "%(unchanged)s inchangés), %(ignored)s ignorés (pas une année d'externat), %(flagged)s signalés "
                       "(D93 art. 2 et 6), %(repeats)s redoublements, %(new_persons)s nouvelles personnes.")
                     % self.counts)
        lines += [f"* {f}" for f in self.flagged]
        lines += [_("AVERTISSEMENT %(warning)s") % {"warning": w} for w in self.warnings]
        return "\n".join(lines)


# --- reading the file ------------------------------------------------------------------------------

def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse(key: str, value):
    if key == "birth_date":
        return parse_date(value)
    if key == "repeat":
        return parse_bool(value)
    text = _text(value)
    if key == "track":
        track = TRACKS.get(key_of(text))
        if track is None:
            raise CellError(_("« %(value)s » n'est pas une filière (médecine, pharmacie, médecine dentaire)")
                            % {"value": text})
        return track
    if key == "study_year":
        low, high = STUDY_YEARS
        if not re.fullmatch(r"\d+", text) or not low <= int(text) <= high:
            raise CellError(_("« %(value)s » n'est pas une année d'études (%(low)s à %(high)s)")
                            % {"value": text, "low": low, "high": high})
        return int(text)
    if key == "nationality":
        text = text.upper()
        if problem := country_problem(text):
            raise CellError(problem)
        return text
    if key in ("national_id", "passport_number"):
        return normalise_identifier(text)
    limit = Person._meta.get_field(key).max_length
    if len(text) > limit:
        raise CellError(_("%(n)s caractères : %(limit)s au plus") % {"n": len(text), "limit": limit})
    return text


def _check_header(header_row, keys, position, context, result) -> None:
    if "national_id" not in position and "passport_number" not in position:
        result.errors.append(RowError(header_row, "national_id",
                                      _("il faut une colonne national_id ou passport_number")))


def _read_row(row, context, result) -> EnrolmentRow | None:
    read, error = row.values, row.error
    for key in REQUIRED:
        if key not in read and key not in row.failed:
            error(key, _("valeur obligatoire"))
    nationality = read.get("nationality", "MA")
    national_id, passport = read.get("national_id") or None, read.get("passport_number") or None
    if nationality == "MA" and national_id is None and passport is None:
        error("national_id", _("CIN ou passeport obligatoire"))
    elif nationality == "MA" and national_id is None:
        error("national_id", _("la CIN est obligatoire pour un étudiant marocain"))
    elif nationality != "MA" and national_id:
        error("national_id", _("un étudiant étranger n'a pas de CIN : indiquez son passeport"))
    elif nationality != "MA" and passport is None:
        error("passport_number", _("le passeport est obligatoire pour un étudiant étranger (nationalité %(country)s)")
              % {"country": nationality})
    if national_id and (problem := cin_problem(national_id)):
        error("national_id", problem)
    if passport and (problem := passport_problem(passport)):
        error("passport_number", problem)
    if row.has_errors:
        return None
    identity = {name: read.get(name, "") for name in PERSON_FIELDS}
    identity.update(national_id=national_id, passport_number=passport, nationality=nationality,
                    birth_date=read.get("birth_date"))
    return _match(EnrolmentRow(row.number, identity, read["track"], read["study_year"], read.get("repeat")),
                  context["seen"], result)


def _match(parsed: EnrolmentRow, seen: dict, result: EnrolmentResult) -> EnrolmentRow | None:
    identity = parsed.identity
    key, person = find_person(identity)
    column = "national_id" if identity["national_id"] else "passport_number"
    if key in seen:
        result.errors.append(RowError(parsed.row, column, _("la même personne figure déjà ligne %(row)s")
                                      % {"row": seen[key]}))
        return None
    seen[key] = parsed.row
    if person is not None:
        if not same_name(person, identity):
            result.errors.append(RowError(parsed.row, "last_name", _(
                "%(id)s est enregistré sous le nom %(name)s : corrigez le nom ou l'identifiant")
                % {"id": identity["national_id"] or identity["passport_number"], "name": person.full_name}))
            return None
        parsed.person = person
    return parsed


def _judge(parsed: EnrolmentRow, result: EnrolmentResult) -> None:
    """The row's year class and repeat, from the file and the person's history (D93 art. 2, 6)."""
    parsed.year_class = year_class(parsed.track, parsed.study_year, result.start_date)
    if parsed.ignored:
        return
    if parsed.flagged:
        result.flagged.append(RowError(parsed.row, "study_year", f"{parsed.name}, {parsed.track_label} "
                                                                 f"{parsed.study_year} : {flag_message()}"))
    earlier = []
    if parsed.person is not None:
        earlier = list(parsed.person.statuses.filter(kind=Kind.EXTERN, track=parsed.track,
                                                     start_date__lt=result.start_date))
    history = any(s.study_year == parsed.study_year for s in earlier)
    parsed.is_repeat = bool(parsed.said_repeat) or history
    if history and parsed.said_repeat is False:
        result.warnings.append(RowError(parsed.row, "repeat", _(
            "le fichier dit « non » mais %(name)s était déjà externe en %(year)se année : "
            "enregistré comme redoublement")
            % {"name": parsed.name, "year": parsed.study_year}))
    repeats_max = param("extern.repeat_years_paid_max", on=result.start_date)
    if parsed.is_repeat and sum(1 for s in earlier if s.is_repeat) >= repeats_max:
        result.warnings.append(RowError(parsed.row, "repeat", _(
            "redoublement au-delà de l'année supplémentaire rémunérée (D93 art. 6)")))


# --- the import ------------------------------------------------------------------------------------

def check_can_import(faculty, by) -> None:
    if not acts_for_faculty(by, faculty):
        raise PermissionDenied(_("Seul le décanat de la faculté importe ses inscriptions."))


def _before(context, result) -> None:
    check_can_import(context["faculty"], context["by"])
    if result.end_date < result.start_date:
        raise ValidationError(_("La fin de l'année universitaire précède son début."))
    context["centre"] = hospital_centre_of(context["faculty"])
    if context["centre"] is None:
        raise ValidationError(_("La %(faculty)s n'est rattachée à aucun centre hospitalier : ses externes n'ont pas "
                                "d'affectation (D93 art. 1).") % {"faculty": context["faculty"]})
    context["seen"] = {}


def _judge_all(rows, context, result) -> None:
    result.rows = rows
    for parsed in rows:
        _judge(parsed, result)


def _parse_column(key):
    return lambda value, context: _parse(key, value)


ENROLMENT = TableImport(
    columns=tuple(Column(key, aliases, _parse_column(key), required=key in REQUIRED) for key, aliases in COLUMNS.items()),
    result=lambda context, dry_run: EnrolmentResult(context["faculty"], context["academic_year"], context["start_date"],
                                                    context["end_date"], dry_run),
    before=_before, check_header=_check_header, read_row=_read_row, check_table=_judge_all,
    write=lambda rows, context, result: _write(result, context["centre"], context["by"]),
    duplicate_column=gettext_lazy("colonne en double"),
    empty=gettext_lazy("le fichier ne contient aucune ligne d'étudiant"),
    no_rows=gettext_lazy("le fichier ne contient aucune ligne d'étudiant"),
)


def do_import_enrolment(faculty, file, *, academic_year: int, start_date: dt.date, end_date: dt.date, by,
                        dry_run: bool = True, file_name: str = "") -> EnrolmentResult:
    """Read the faculty's enrolment list (columns of `COLUMNS`), check every row, then write the
    extern statuses in one transaction, or none (dry run: rolled back)."""
    data = file if isinstance(file, bytes) else file.read()
    context = {"faculty": faculty, "academic_year": academic_year, "start_date": start_date, "end_date": end_date,
               "by": by}
    return run_import(ENROLMENT, file_name or getattr(file, "name", "") or "", data, context=context,
                      commit=not dry_run)


def _status_values(parsed: EnrolmentRow, result: EnrolmentResult, centre) -> dict:
    return {"track": parsed.track, "study_year": parsed.study_year, "is_repeat": parsed.is_repeat,
            "hospital_centre_id": centre.pk, "end_date": result.end_date,
            "entry_route": TraineeStatus.EntryRoute.ENROLMENT}


def _write_row(parsed: EnrolmentRow, result: EnrolmentResult, centre, by) -> None:
    person = parsed.person
    if person is None:
        person = do_create_person(by=by, reason=REASON, **parsed.identity)
        result.counts["new_persons"] += 1
    _status, parsed.outcome = do_record_status(
        person, match={"faculty": result.faculty, "start_date": result.start_date, "kind": Kind.EXTERN},
        values=_status_values(parsed, result, centre), by=by, reason=REASON)


def _write(result: EnrolmentResult, centre, by) -> None:
    counts = result.counts
    for parsed in result.rows:
        if parsed.ignored:
            parsed.outcome = "ignored"
            counts["ignored"] += 1
            continue
        _write_row(parsed, result, centre, by)
        counts[parsed.outcome] += 1
        counts["externs"] += 1
        counts["flagged"] += parsed.flagged
        counts["repeats"] += parsed.is_repeat
    counts["rows"] = len(result.rows)
    limit = EnrolmentImport._meta.get_field("file_name").max_length
    record = EnrolmentImport.objects.create(
        faculty=result.faculty, academic_year=result.academic_year, start_date=result.start_date,
        end_date=result.end_date, file_name=result.file_name[-limit:], rows=counts["rows"],
        statuses_created=counts["created"], imported_by=by)
    result.record = None if result.dry_run else record


# --- the template ----------------------------------------------------------------------------------

def enrolment_template() -> bytes:
    """An empty xlsx whose header row is the columns to fill, and an "Aide" sheet."""
    help_rows = [[key, _(HELP[key][0]), HELP[key][1]] for key in COLUMNS]
    help_rows += [
        ["", "", ""],
        [_("Externes"), _("Médecine de la 3e à la 6e année, médecine dentaire de la 3e à la 5e, pharmacie en 4e année "
                          "(D93 art. 2) ; pharmacie 5e–6e et médecine dentaire 6e sont enregistrées mais signalées "
                          "(D93 art. 6) ; les autres années sont ignorées."), ""],
        [_("Une ligne par étudiant"), _("Lignes vides et autres colonnes ignorées. La personne est retrouvée par sa "
                                        "CIN (ou passeport et nationalité), sinon créée. Réimporter la même année ne "
                                        "crée pas de doublon."), ""],
    ]
    return workbook_bytes([Sheet(_("Inscriptions"), list(COLUMNS), []),
                           Sheet(_("Aide"), [_("Colonne"), _("Contenu"), _("Exemple")], help_rows)])
