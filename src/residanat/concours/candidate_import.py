"""Bulk registration of candidates by the faculty, from a spreadsheet (xlsx or CSV).

Every row is checked before anything is written (required columns, identity numbers, dates, yes/no
answers, faculty codes, duplicates within the file, people already candidates); a single error and
nothing is written, each error naming its row and column. The dry run then takes the same path as
the commit and rolls back, so the preview shows the exact numbers and provisional eligibility. The
commit writes every row in one transaction: the person is matched on the CIN (else passport and
nationality) or created, the number allocated under the competition's lock, eligibility judged.

Imports run while registration is open, as self-registration does: after the close the list is the
one eligibility was re-judged on (docs/decisions/0010-candidate-registration.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.documents.excel import Sheet, workbook_bytes
from residanat.documents import imports
from residanat.documents.spreadsheet import (CellError, ImportResult, RowError, cell_text, key_of, parse_bool,
                                             parse_date)
from residanat.people.identity import (cin_problem, country_problem, find_person, normalise_identifier,
                                       passport_problem, same_name)
from residanat.people.models import Person
from residanat.people.services import do_create_person
from residanat.referential.models import Faculty

from . import registration
from .models import Candidate, Competition

Kind = Competition.Kind
Route = Candidate.Route
REQUIRED_FACTS = {"enrolment_faculty", "study_year", "validated_years", "diploma", "diploma_date",
                  "practice_since", "internat_months_validated"}


@dataclass(frozen=True)
class Column:
    key: str
    target: str  # a Person field, a Candidate field, or "route"/"track"
    parse: str  # text, date, bool, int, faculty, track, route, diploma, country
    help: str
    example: str = ""
    kinds: tuple = tuple(Kind.values)
    bounds: tuple | None = None


# The columns, in the template's order. Keys are the header row; case, accents and spaces are ignored.
COLUMNS = (
    Column("cin", "national_id", "text", "CIN (candidats marocains) : une ou deux lettres puis des chiffres", "BK123456"),
    Column("passeport", "passport_number", "text", "Numéro de passeport (candidats étrangers)", "A1234567"),
    Column("nationalite", "nationality", "country", "Code ISO du pays de nationalité ; vide = MA", "MA"),
    Column("nom", "last_name", "text", "Nom (lettres latines) — obligatoire", "ALAOUI"),
    Column("prenom", "first_name", "text", "Prénom (lettres latines) — obligatoire", "Salma"),
    Column("nom_ar", "last_name_ar", "text", "Nom en arabe", "العلوي"),
    Column("prenom_ar", "first_name_ar", "text", "Prénom en arabe", "سلمى"),
    Column("date_naissance", "birth_date", "date", "Date de naissance (jj/mm/aaaa ou aaaa-mm-jj)", "14/03/1999"),
    Column("courriel", "email", "email", "Courriel", "salma.alaoui@example.ma"),
    Column("telephone", "phone", "text", "Téléphone", "0612345678"),
    Column("voie", "route", "route", "Voie d'accès : concours, titres_interne, titres_militaire ; vide = concours",
           "concours", kinds=(Kind.RESIDANAT,)),
    Column("filiere", "track", "track", "Filière : medecine, pharmacie, dentaire — obligatoire", "medecine"),
    Column("faculte_inscription", "enrolment_faculty", "faculty",
           "Code de la faculté d'inscription (liste ci-dessous) — obligatoire", "fmp-casablanca",
           kinds=(Kind.INTERNAT, Kind.PUBLIC_HEALTH_INTERNAT)),
    Column("annee_etudes", "study_year", "int", "Année d'études (1 à 7) — obligatoire", "6",
           kinds=(Kind.INTERNAT, Kind.PUBLIC_HEALTH_INTERNAT), bounds=(1, 7)),
    Column("annees_validees", "validated_years", "int",
           "Années d'études dont tous les modules et stages sont validés (0 à 7) — obligatoire", "5",
           kinds=(Kind.INTERNAT,), bounds=(0, 7)),
    Column("examens_5e_annee", "year5_exams_passed", "bool", "Examens de fin de 5e année réussis : oui / non", "oui",
           kinds=(Kind.PUBLIC_HEALTH_INTERNAT,)),
    Column("these_soutenue_le", "thesis_defended_on", "date", "Date de soutenance de la thèse ; vide si non soutenue",
           "", kinds=(Kind.INTERNAT, Kind.PUBLIC_HEALTH_INTERNAT)),
    Column("diplome", "diploma", "diploma",
           "Diplôme : medecine, pharmacie, dentaire, veterinaire — obligatoire (voie concours)", "medecine",
           kinds=(Kind.RESIDANAT,)),
    Column("date_diplome", "diploma_date", "date", "Date du diplôme — obligatoire (voie concours)", "01/07/2023",
           kinds=(Kind.RESIDANAT,)),
    Column("pays_diplome", "diploma_country", "country", "Pays du diplôme (code ISO) ; vide = MA", "MA",
           kinds=(Kind.RESIDANAT,)),
    Column("equivalence", "diploma_equivalence", "text", "Référence de la décision d'équivalence (diplôme étranger)",
           "", kinds=(Kind.RESIDANAT,)),
    Column("exercice_depuis", "practice_since", "date",
           "Exercice effectif depuis le — obligatoire (voie concours), sauf pour un docteur vétérinaire",
           "01/09/2023", kinds=(Kind.RESIDANAT,)),
    Column("service_civil", "civil_service_in_order", "bool",
           "En règle vis-à-vis du service civil : oui / non (candidats marocains, voies concours et titres_interne)",
           "oui", kinds=(Kind.RESIDANAT,)),
    Column("administration", "public_administration", "text",
           "Administration publique d'origine (D93 art. 27 bis) ; vide sinon", "", kinds=(Kind.RESIDANAT,)),
    Column("mois_internat", "internat_months_validated", "int",
           "Mois d'internat effectif validés — obligatoire (voie titres_interne)", "",
           kinds=(Kind.RESIDANAT,), bounds=(0, 120)),
    Column("assistant_militaire", "military_assistant_passed", "bool",
           "Reçu au concours d'assistanat des hôpitaux militaires : oui / non (voie titres_militaire)", "",
           kinds=(Kind.RESIDANAT,)),
)
BY_KEY = {c.key: c for c in COLUMNS}
PERSON_FIELDS = ("national_id", "passport_number", "nationality", "last_name", "first_name", "last_name_ar",
                 "first_name_ar", "birth_date", "email", "phone")
TRACKS = {"medecine": "medicine", "medicine": "medicine", "pharmacie": "pharmacy", "pharmacy": "pharmacy",
          "dentaire": "dental", "medecine_dentaire": "dental", "dental": "dental"}
ROUTES = {"": Route.COMPETITION, "concours": Route.COMPETITION, "sur_concours": Route.COMPETITION,
          "titres_interne": Route.TITLES_INTERN, "sur_titres_interne": Route.TITLES_INTERN,
          "titres_militaire": Route.TITLES_MILITARY, "sur_titres_militaire": Route.TITLES_MILITARY}
DIPLOMAS = {"medecine": "medicine", "pharmacie": "pharmacy", "dentaire": "dental", "medecine_dentaire": "dental",
            "veterinaire": "veterinary"}
ALLOWED = {"track": "medecine, pharmacie, dentaire", "route": "concours, titres_interne, titres_militaire",
           "diploma": "medecine, pharmacie, dentaire, veterinaire"}


def columns_for(kind: str) -> list[Column]:
    return [c for c in COLUMNS if kind in c.kinds]


# --- result ------------------------------------------------------------------------------------

@dataclass
class ImportRow:
    row: int
    identity: dict
    candidacy: dict
    person: Person | None = None  # the existing person, when matched
    number: str = ""
    state: str = ""
    failures: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{(self.identity.get('last_name') or '').upper()} {self.identity.get('first_name') or ''}".strip()

    @property
    def identifier(self) -> str:
        return self.identity.get("national_id") or self.identity.get("passport_number") or ""

    @property
    def state_label(self) -> str:
        return Candidate.State(self.state).label if self.state else ""

    @property
    def route_label(self) -> str:
        return Route(self.candidacy["route"]).label

    @property
    def reasons(self) -> list[tuple[str, str]]:
        """The failures as (message, article) in the active language."""
        key = "message_ar" if (translation.get_language() or "fr").startswith("ar") else "message_fr"
        return [(f.get(key) or f.get("message_fr", ""), f.get("ref", "")) for f in self.failures]


@dataclass
class CandidatesImport(ImportResult):
    """What `do_import_candidates` read and wrote (or would write: `dry_run`)."""

    competition: Competition
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    counts: dict = field(default_factory=lambda: dict.fromkeys(
        ("rows", "new_persons", "existing_persons", "eligible", "ineligible"), 0))


def _parse(column: Column, value, faculties: dict):
    kind = column.parse
    if kind == "date":
        return parse_date(value)
    if kind == "bool":
        return parse_bool(value)
    text = cell_text(value)
    if kind == "int":
        if not re.fullmatch(r"\d+", text):
            raise CellError(_("« %(value)s » n'est pas un nombre entier") % {"value": text})
        number, (low, high) = int(text), column.bounds
        if not low <= number <= high:
            raise CellError(_("%(value)s n'est pas entre %(low)s et %(high)s") % {"value": number, "low": low,
                                                                                 "high": high})
        return number
    if kind == "faculty":
        faculty = faculties.get(text.lower())
        if faculty is None:
            raise CellError(_("code de faculté inconnu « %(value)s » (voir la feuille Aide du modèle)")
                            % {"value": text})
        return faculty
    if kind in ("track", "route", "diploma"):
        table = {"track": TRACKS, "route": ROUTES, "diploma": DIPLOMAS}[kind]
        value = table.get(key_of(text))
        if value is None:
            choices = ALLOWED[kind]
            raise CellError(_("« %(value)s » n'est pas une valeur permise (%(choices)s)")
                            % {"value": text, "choices": choices})
        return value
    if kind == "country":
        text = text.upper()
        problem = country_problem(text)
        if problem:
            raise CellError(problem)
        return text
    if kind == "email":
        try:
            validate_email(text)
        except ValidationError as exc:
            raise CellError(_("« %(value)s » n'est pas une adresse de courriel") % {"value": text}) from exc
        return text.lower()
    return text


# --- the import --------------------------------------------------------------------------------

def check_can_import(competition: Competition, by) -> None:
    if not Competition.objects.visible_to(by, "change").filter(pk=competition.pk).exists():
        raise PermissionDenied(_("Vous ne pouvez pas inscrire de candidats à ce concours."))
    problem = registration.registration_problem(competition)
    if problem:
        raise ValidationError(problem)


def _before(context, result) -> None:
    check_can_import(context["competition"], context["by"])
    context.update(faculties={f.code.lower(): f for f in Faculty.objects.all()}, seen={})


def _columns(context) -> list[imports.Column]:
    return [imports.Column(c.key, parse=lambda value, context, c=c: _parse(c, value, context["faculties"]),
                           required=c.key in ("nom", "prenom", "filiere"))
            for c in columns_for(context["competition"].kind)]


def _check_header(header_row, keys, position, context, result) -> None:
    competition = context["competition"]
    wanted = {c.key for c in columns_for(competition.kind)}
    for key in keys:
        if key in BY_KEY and key not in wanted:
            result.errors.append(RowError(header_row, key, _("colonne sans objet pour un concours de type « %(kind)s »")
                                          % {"kind": competition.get_kind_display()}))
    if "cin" not in position and "passeport" not in position:
        result.errors.append(RowError(header_row, "cin", _("il faut au moins une colonne cin ou passeport")))


def _read_row(row, context, result) -> ImportRow | None:
    competition, read, error = context["competition"], row.values, row.error
    for key in ("nom", "prenom", "filiere"):
        if key not in read and key not in row.failed:
            error(key, _("valeur obligatoire"))
    nationality = read.get("nationalite", "MA")
    national_id = normalise_identifier(read.get("cin")) or None
    passport = normalise_identifier(read.get("passeport")) or None
    if nationality == "MA":
        if national_id is None:
            if "cin" not in row.failed:
                error("cin", _("la CIN est obligatoire pour un candidat marocain"))
        elif problem := cin_problem(national_id):
            error("cin", problem)
    else:
        if national_id:
            error("cin", _("un candidat étranger n'a pas de CIN : indiquez son passeport"))
        if passport is None:
            error("passeport", _("le passeport est obligatoire pour un candidat étranger (nationalité %(country)s)")
                  % {"country": nationality})
    if passport and (problem := passport_problem(passport)):
        error("passeport", problem)

    route = read.get("voie", Route.COMPETITION)
    facts = {}
    relevant = set(registration.fact_fields(competition.kind, route))
    for column in columns_for(competition.kind):
        if column.target not in relevant:
            continue  # a fact of another route: not read (the Aide sheet says which route reads it)
        if column.key in read:
            facts[column.target] = read[column.key]
        elif column.target in REQUIRED_FACTS and not (
                # D93 art. 21 2°: no year of practice asked of a veterinary doctor.
                column.target == "practice_since"
                and not registration.practice_required(competition, read.get("diplome", ""))):
            if column.key not in row.failed:
                error(column.key, _("valeur obligatoire pour la voie « %(route)s »") % {"route": Route(route).label})
    if "diploma_country" in relevant:
        facts.setdefault("diploma_country", "MA")
    if row.has_errors:
        return None
    identity = {
        "national_id": national_id, "passport_number": passport, "nationality": nationality,
        "last_name": read["nom"], "first_name": read["prenom"], "last_name_ar": read.get("nom_ar", ""),
        "first_name_ar": read.get("prenom_ar", ""), "birth_date": read.get("date_naissance"),
        "email": read.get("courriel", ""), "phone": read.get("telephone", ""),
    }
    return _match(competition, ImportRow(row.number, identity, {"route": route, "track": read["filiere"], **facts}),
                  context["seen"], result)


def _match(competition, parsed: ImportRow, seen: dict, result: CandidatesImport) -> ImportRow | None:
    identity = parsed.identity
    key, person = find_person(identity)
    column = "cin" if identity["national_id"] else "passeport"
    if key in seen:
        what = _("la même CIN") if column == "cin" else _("le même passeport")
        result.errors.append(RowError(parsed.row, column, _("%(what)s figure déjà ligne %(row)s")
                                      % {"what": what, "row": seen[key]}))
        return None
    seen[key] = parsed.row
    if person is not None:
        existing = Candidate.objects.filter(competition=competition, person=person).first()
        if existing is not None:
            result.errors.append(RowError(parsed.row, column, _("déjà candidat à ce concours (n° %(number)s)")
                                          % {"number": existing.number}))
            return None
        if same_name(person, identity) is False:
            result.warnings.append(RowError(parsed.row, "nom", _(
                "personne déjà enregistrée sous le nom %(name)s : son dossier est repris tel quel")
                % {"name": person.full_name}))
        parsed.person = person
    return parsed


def _write(rows, context, result: CandidatesImport) -> None:
    from .eligibility import check_candidate

    by, reason = context["by"], "Import des candidats par la faculté"
    locked = registration.lock_competition(context["competition"])
    check_can_import(locked, by)  # the state may have moved since the file was read
    numbers = registration.next_candidate_numbers(locked, len(rows))
    for parsed, number in zip(rows, numbers):
        person = parsed.person
        if person is None:
            person = do_create_person(by=by, reason=reason, **{name: parsed.identity[name] for name in PERSON_FIELDS})
            result.counts["new_persons"] += 1
        else:
            result.counts["existing_persons"] += 1
        candidate = Candidate(competition=locked, person=person, number=number, self_registered=False,
                              registered_by=by, **parsed.candidacy)
        candidate._history_user = by
        candidate._change_reason = reason
        candidate.save()
        check_candidate(candidate)
        parsed.number, parsed.state = number, candidate.state
        parsed.failures = list(candidate.eligibility)
        result.counts[candidate.state] += 1
    result.rows = rows
    result.counts["rows"] = len(rows)


# Every row is checked (required columns, identity numbers, dates, yes/no answers, faculty codes,
# duplicates within the file, people already candidates) before anything is written.
CANDIDATES = imports.TableImport(
    columns=_columns, result=lambda context, dry_run: CandidatesImport(context["competition"], dry_run),
    before=_before, check_header=_check_header, read_row=_read_row, write=_write,
    duplicate_column=gettext_lazy("colonne en double"),
    no_rows=gettext_lazy("le fichier ne contient aucune ligne de candidat"),
)


def do_import_candidates(competition: Competition, file, by, dry_run: bool = True) -> CandidatesImport:
    """Read candidates from a spreadsheet (the columns of `columns_for(competition.kind)`), check
    every row, then write them all in one transaction, or none (dry run: rolled back)."""
    data = file if isinstance(file, bytes) else file.read()
    return imports.run_import(CANDIDATES, getattr(file, "name", ""), data,
                              context={"competition": competition, "by": by}, commit=not dry_run)


# --- the template ------------------------------------------------------------------------------

def import_template(competition: Competition) -> bytes:
    """An empty xlsx whose header row is the columns to fill, and an "Aide" sheet that explains
    each column and lists the faculty codes."""
    columns = columns_for(competition.kind)
    candidates = Sheet(_("Candidats"), [c.key for c in columns], [])
    help_rows = [[c.key, c.help, c.example] for c in columns]
    help_rows.append(["", "", ""])
    help_rows.append([_("Dates"), _("jj/mm/aaaa (ou aaaa-mm-jj, ou une cellule date d'Excel)"), "14/03/1999"])
    help_rows.append([_("Oui / non"), _("oui, non (ou 1, 0, x)"), "oui"])
    help_rows.append([_("Une ligne par candidat"), _("Lignes vides ignorées ; autres colonnes ignorées. La "
                                                     "personne est retrouvée par sa CIN (ou passeport et "
                                                     "nationalité) ; sinon elle est créée."), ""])
    if any(c.parse == "faculty" for c in columns):
        help_rows.append(["", "", ""])
        help_rows.append([_("Codes des facultés"), "", ""])
        help_rows += [[f.code, f.name_fr, ""] for f in Faculty.objects.order_by("kind", "city_fr")]
    aide = Sheet(_("Aide"), [_("Colonne"), _("Contenu"), _("Exemple")], help_rows)
    return workbook_bytes([candidates, aide])
