"""A competition's posts as a table: the distribution the posts page and the annex show, the Excel
template offered for download, and the reading of that template (or its CSV) back.

The template has one row per specialty of the referential (and one per group for the group's
pool, the row with an empty `specialite_code`), a column per seat type:

    groupe | filiere | specialite_code | specialite | contractuels | benevoles_etrangers |
    administration_publique | militaires

`groupe` is the code of `Specialty.Group`, `specialite_code` the `Specialty.code` (unique within
its group: Analyses Biologiques Médicales is in two groups), `specialite` is there for the reader
and is not read back. Reading checks every row and returns every problem with its row and column;
writing is `services.do_import_posts_table`, which writes nothing while a problem is left.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.documents.excel import Sheet, workbook_bytes
from residanat.documents.http import document_language
from residanat.documents.pdf import render_pdf_bytes
from residanat.documents.imports import Column, TableImport, run_import
from residanat.documents.spreadsheet import ImportResult, blank
from residanat.referential.data import normalise_name
from residanat.referential.models import Faculty, Specialty

from .models import Competition, PostAllocation
from .posts_letter import TRACK_OF_GROUP

SeatType = PostAllocation.SeatType
Group = Specialty.Group
SEAT_TYPES = tuple(SeatType.values)  # contract, foreign_volunteer, public_administration, military
SEAT_COLUMNS = {
    "contractuels": SeatType.CONTRACT,
    "benevoles_etrangers": SeatType.FOREIGN_VOLUNTEER,
    "administration_publique": SeatType.PUBLIC_ADMINISTRATION,
    "militaires": SeatType.MILITARY,
}
COLUMN_OF_SEAT = {seat_type: column for column, seat_type in SEAT_COLUMNS.items()}
COLUMNS = ("groupe", "filiere", "specialite_code", "specialite", *SEAT_COLUMNS)
REQUIRED_COLUMNS = ("groupe", "specialite_code", *SEAT_COLUMNS)
# Column titles of the page, the preview and the annex (the ministry's table says "Contrat" and
# "Bénévoles Etrangers"), and the words of the summary line.
SEAT_HEADERS = {
    SeatType.CONTRACT: gettext_lazy("Contrat"),
    SeatType.FOREIGN_VOLUNTEER: gettext_lazy("Bénévoles étrangers"),
    SeatType.PUBLIC_ADMINISTRATION: gettext_lazy("Administration publique (art. 27 bis)"),
    SeatType.MILITARY: gettext_lazy("Militaires (art. 21 1.b)"),
}
SEAT_SUMMARY = {
    SeatType.CONTRACT: gettext_lazy("postes avec contrat"),
    SeatType.FOREIGN_VOLUNTEER: gettext_lazy("postes bénévoles pour les candidats étrangers"),
    SeatType.PUBLIC_ADMINISTRATION: gettext_lazy("postes pour les candidats d'une administration publique"),
    SeatType.MILITARY: gettext_lazy("postes pour les candidats militaires"),
}
# The key of a group's pool (PostAllocation.specialty empty) in URLs and forms.
POOL = "contingent"


def group_track(group: str) -> str:
    return TRACK_OF_GROUP[Group(group)].value


def seat_open(seat_type: str, specialty: Specialty | None) -> bool:
    """Whether posts of this type may be opened on this row. D93 art. 27 bis: the posts for doctors
    already committed to a public administration exist only in social medicine (public health),
    forensic, occupational and sports medicine (the referential's `public_administration_open`);
    a group's pool cannot promise that. Military posts (art. 21 1.b) may be anywhere."""
    if seat_type == SeatType.PUBLIC_ADMINISTRATION:
        return specialty is not None and specialty.public_administration_open
    return True


def public_administration_specialties() -> list[Specialty]:
    return list(Specialty.objects.filter(public_administration_open=True).order_by("group", "name_fr"))


# --- the distribution as a table -----------------------------------------------------------------

@dataclass
class DistributionRow:
    group: str
    specialty: Specialty | None
    seats: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEAT_TYPES, 0))
    source_lines: dict[str, int | None] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.specialty.code if self.specialty else POOL

    @property
    def is_pool(self) -> bool:
        return self.specialty is None

    @property
    def name(self) -> str:
        return self.specialty.name if self.specialty else _("Contingent du groupe")

    @property
    def total(self) -> int:
        return sum(self.seats.values())

    @property
    def lines(self) -> list[int]:
        return sorted({line for line in self.source_lines.values() if line})

    @property
    def cells(self) -> list[dict]:
        return [{"seat_type": t, "seats": self.seats[t], "open": seat_open(t, self.specialty)} for t in SEAT_TYPES]


@dataclass
class DistributionGroup:
    group: str
    rows: list[DistributionRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return capfirst(str(Group(self.group).label))

    @property
    def track(self) -> str:
        return group_track(self.group)

    @property
    def track_label(self) -> str:
        return str(Specialty.TrackChoice(self.track).label)

    @property
    def seats(self) -> dict[str, int]:
        return {t: sum(r.seats[t] for r in self.rows) for t in SEAT_TYPES}

    @property
    def subtotal(self) -> list[int]:
        seats = self.seats
        return [seats[t] for t in SEAT_TYPES]

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)

    @property
    def pool(self) -> DistributionRow | None:
        return next((r for r in self.rows if r.is_pool), None)


@dataclass
class Distribution:
    groups: list[DistributionGroup] = field(default_factory=list)

    @property
    def seats(self) -> dict[str, int]:
        return {t: sum(g.seats[t] for g in self.groups) for t in SEAT_TYPES}

    @property
    def totals(self) -> list[int]:
        seats = self.seats
        return [seats[t] for t in SEAT_TYPES]

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)

    @property
    def summary(self) -> list[tuple[str, int, str]]:
        """(seat type, seats, words) of each seat type with posts: "352 postes avec contrat + 10 …"."""
        seats = self.seats
        return [(t, seats[t], SEAT_SUMMARY[t]) for t in SEAT_TYPES if seats[t]]

    def row(self, group: str, key: str) -> DistributionRow | None:
        for block in self.groups:
            if block.group == group:
                return next((r for r in block.rows if r.key == key), None)
        return None

    def group(self, group: str) -> DistributionGroup | None:
        return next((g for g in self.groups if g.group == group), None)


def groups_for(competition: Competition) -> list[str]:
    """The groups of specialties a competition's faculty trains in: the dental ones at a faculty of
    dental medicine, the others at a faculty of medicine and pharmacy."""
    if competition.faculty.kind == Faculty.Kind.FMD:
        return [Group.DENTAL.value]
    return [g for g in Group.values if g != Group.DENTAL]


def _name_key(specialty: Specialty) -> str:
    return normalise_name(specialty.name_fr)


def distribution(competition: Competition, *, with_referential: bool = False) -> Distribution:
    """The competition's allocations grouped as the ministry's table: per group of specialties (in
    the referential's order), its specialties by name, then the group's pool. With
    `with_referential`, every specialty of the faculty's groups has its row, even without posts."""
    rows: dict[tuple[str, int | None], DistributionRow] = {}
    if with_referential:
        for group in groups_for(competition):
            for specialty in Specialty.objects.filter(group=group):
                rows[(group, specialty.pk)] = DistributionRow(group, specialty)
            rows[(group, None)] = DistributionRow(group, None)
    for allocation in competition.allocations.select_related("specialty"):
        row = rows.setdefault((allocation.group, allocation.specialty_id),
                              DistributionRow(allocation.group, allocation.specialty))
        row.seats[allocation.seat_type] += allocation.seats
        row.source_lines[allocation.seat_type] = allocation.source_line
    order = {g: i for i, g in enumerate(Group.values)}
    blocks: dict[str, DistributionGroup] = {}
    for (group, _pk), row in sorted(rows.items(), key=lambda item: (
            order.get(item[0][0], 99), item[1].is_pool, _name_key(item[1].specialty) if item[1].specialty else "")):
        blocks.setdefault(group, DistributionGroup(group)).rows.append(row)
    return Distribution(list(blocks.values()))


# --- the Excel template --------------------------------------------------------------------------

def posts_template(competition: Competition) -> bytes:
    """The xlsx to fill: every specialty of the faculty's groups and each group's pool, with the
    seats the competition already has (blank = 0); `read_posts_table` reads it back as it is."""
    rows = []
    for block in distribution(competition, with_referential=True).groups:
        for row in block.rows:
            name = row.specialty.name_fr if row.specialty else _("(contingent du groupe)")
            rows.append([block.group, block.track, "" if row.is_pool else row.specialty.code, name,
                         *[row.seats[t] or None for t in SEAT_TYPES]])
    help_rows = [
        ["groupe", _("Code du groupe de spécialités : %(codes)s.") % {"codes": ", ".join(Group.values)}],
        ["filiere", _("Filière du groupe (facultative ; vérifiée si remplie) : %(codes)s.")
         % {"codes": ", ".join(Specialty.TrackChoice.values)}],
        ["specialite_code", _("Code de la spécialité dans le référentiel ; vide pour le contingent du groupe "
                              "(par exemple les postes bénévoles des candidats étrangers, donnés sur le sous-total).")],
        ["specialite", _("Nom de la spécialité, pour information : il n'est pas relu.")],
        ["contractuels", _("Postes avec contrat (D93 art. 22). Case vide = 0.")],
        ["benevoles_etrangers", _("Postes bénévoles pour les candidats étrangers (D93 art. 21 : au plus 10 %).")],
        ["administration_publique", _("Postes pour les candidats d'une administration publique (D93 art. 27 bis), "
                                      "seulement en : %(names)s.")
         % {"names": ", ".join(s.name_fr for s in public_administration_specialties()) or "—"}],
        ["militaires", _("Postes pour les candidats militaires (D93 art. 21 1.b).")],
        ["", _("Chaque ligne est vérifiée avant tout enregistrement ; l'import remplace toute la répartition "
               "du concours %(slug)s.") % {"slug": competition.slug}],
    ]
    return workbook_bytes([
        Sheet(_("postes"), list(COLUMNS), rows),
        Sheet(_("aide"), [_("colonne"), _("contenu")], help_rows),
    ])


# --- reading the template back ---------------------------------------------------------------------

@dataclass(frozen=True)
class TableProblem:
    """A problem of an imported table: its row (1 = the header line) and column, when it has them."""

    line: int | None
    column: str
    message: str

    def __str__(self):
        where = []
        if self.line:
            where.append(_("ligne %(line)s") % {"line": self.line})
        if self.column:
            where.append(_("colonne %(column)s") % {"column": self.column})
        return f"{', '.join(where)} : {self.message}" if where else self.message

    @property
    def row(self) -> int | None:
        return self.line

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class TableRow:
    line: int
    group: str
    specialty: Specialty | None
    seats: dict[str, int]
    as_written: str = ""

    @property
    def total(self) -> int:
        return sum(self.seats.values())


@dataclass
class PostsTableImport(ImportResult):
    """What `do_import_posts_table` read and wrote (or would write: `dry_run`); `as_dict()` has the
    shape of `PostsImport.as_dict()` (totals, groups, warnings, errors), each problem with its column."""

    competition_slug: str
    dry_run: bool
    rows: list[TableRow] = field(default_factory=list)
    errors: list[TableProblem] = field(default_factory=list)
    warnings: list[TableProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("created", "updated", "deleted", "unchanged"), 0))

    def wanted(self) -> dict[tuple[str, str, int | None], int]:
        """{(seat type, group, specialty pk or None): seats} of every non-zero cell."""
        return {(seat_type, row.group, row.specialty.pk if row.specialty else None): seats
                for row in self.rows for seat_type, seats in row.seats.items() if seats}

    def _totals(self, rows) -> dict[str, int]:
        totals = {t: sum(r.seats[t] for r in rows) for t in SEAT_TYPES}
        return {**totals, "all": sum(totals.values())}

    def as_dict(self) -> dict:
        order = {g: i for i, g in enumerate(Group.values)}
        groups = []
        for group in sorted({r.group for r in self.rows}, key=lambda g: order[g]):
            rows = [r for r in self.rows if r.group == group and r.total]
            if not rows:
                continue
            pool = next((r for r in rows if r.specialty is None), None)
            groups.append({
                "name": capfirst(str(Group(group).label)), "group": group, "track": group_track(group),
                "line": min(r.line for r in rows), "subtotal_line": None,
                **self._totals(rows),
                "specialties": [{"line": r.line, "name": r.specialty.name_fr, "as_written": r.as_written,
                                 "code": r.specialty.code, **r.seats} for r in rows if r.specialty],
                "pool": {"line": pool.line, **pool.seats} if pool else None,
            })
        return {
            "competition": self.competition_slug,
            "dry_run": self.dry_run,
            "written": self.written,
            "totals": self._totals(self.rows),
            "groups": groups,
            "allocations": self.counts,
            "warnings": [p.as_dict() for p in self.warnings],
            "errors": [p.as_dict() for p in self.errors],
        }

    def as_text(self) -> str:
        data = self.as_dict()
        out = [f"{g['name']}: " + ", ".join(f"{t} {g[t]}" for t in SEAT_TYPES) for g in data["groups"]]
        out.append("TOTAL: " + ", ".join(f"{t} {data['totals'][t]}" for t in SEAT_TYPES) + f", all {data['totals']['all']}")
        out.extend(str(p) for p in self.warnings + self.errors)
        return "\n".join(out)


def header_key(text) -> str:
    """A column title as a key: no accents, no case, spaces and dashes as underscores."""
    return normalise_name(str(text or "")).replace(" ", "_")


def parse_seats(raw) -> tuple[int | None, str]:
    """(number of seats, "") or (None, why it is not one). A blank cell is 0."""
    if blank(raw):
        return 0, ""
    if isinstance(raw, bool):
        return None, _("« %(value)s » n'est pas un nombre de postes") % {"value": raw}
    if isinstance(raw, int):
        number = Decimal(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(repr(raw) if isinstance(raw, float) else text)
        except InvalidOperation:
            return None, _("« %(value)s » n'est pas un nombre de postes") % {"value": raw}
        if not number.is_finite():
            return None, _("« %(value)s » n'est pas un nombre de postes") % {"value": raw}
    if number != number.to_integral_value():
        return None, _("%(value)s n'est pas un nombre entier de postes") % {"value": raw}
    if number < 0:
        return None, _("%(value)s : un nombre de postes ne peut pas être négatif") % {"value": raw}
    return int(number), ""


def _lookups(context, result) -> None:
    specialties = list(Specialty.objects.all())
    if not specialties:
        result.errors.append(TableProblem(None, "", _("le référentiel n'a aucune spécialité")))
        return
    groups_of_code: dict[str, list[str]] = {}
    for s in specialties:
        groups_of_code.setdefault(s.code, []).append(s.group)
    tracks = {normalise_name(v): v for v in Specialty.TrackChoice.values}
    tracks.update({normalise_name(str(label)): v for v, label in Specialty.TrackChoice.choices})
    groups = {normalise_name(v): v for v in Group.values}
    groups.update({normalise_name(str(label)): v for v, label in Group.choices})
    context.update(by_code={(s.group, s.code): s for s in specialties}, groups_of_code=groups_of_code, tracks=tracks,
                   groups=groups, seen={},
                   open_names=", ".join(s.name_fr for s in specialties if s.public_administration_open) or "—")


def _read_row(row, context, result: PostsTableImport) -> None:
    line, cell, error, by_code = row.number, row.cell, row.error, context["by_code"]
    raw_group = cell("groupe")
    group = context["groups"].get(normalise_name(str(raw_group or "")))
    if blank(raw_group):
        error("groupe", _("groupe manquant"))
    elif group is None:
        error("groupe", _("groupe « %(value)s » inconnu (attendu : %(codes)s)")
              % {"value": raw_group, "codes": ", ".join(Group.values)})
    raw_track = cell("filiere")
    if group and not blank(raw_track):
        track = context["tracks"].get(normalise_name(str(raw_track)))
        if track != group_track(group):
            error("filiere", _("« %(value)s » : la filière du groupe %(group)s est %(track)s")
                  % {"value": raw_track, "group": group, "track": group_track(group)})
    raw_code = cell("specialite_code")
    code = "" if blank(raw_code) else str(raw_code).strip()
    specialty = None
    if group and code:
        specialty = by_code.get((group, code))
        if specialty is None:
            elsewhere = context["groups_of_code"].get(code)
            if elsewhere:
                error("specialite_code", _("la spécialité %(code)s est du groupe %(groups)s, pas du groupe %(group)s")
                      % {"code": code, "groups": ", ".join(elsewhere), "group": group})
            else:
                codes = [c for g, c in by_code if g == group]
                close = difflib.get_close_matches(code, codes, 1, 0.6)
                hint = (" " + _("(la plus proche dans le groupe : %(code)s)") % {"code": close[0]}) if close else ""
                error("specialite_code", _("code de spécialité « %(code)s » inconnu") % {"code": code} + hint)
    seats = {}
    for column, seat_type in SEAT_COLUMNS.items():
        number, problem = parse_seats(cell(column))
        if problem:
            error(column, problem)
        else:
            seats[seat_type] = number
    if group and (not code or specialty) and seats.get(SeatType.PUBLIC_ADMINISTRATION) \
            and not seat_open(SeatType.PUBLIC_ADMINISTRATION, specialty):
        what = specialty.name_fr if specialty else _("le contingent d'un groupe")
        error("administration_publique",
              _("D93 art. 27 bis : pas de postes pour les candidats d'une administration publique dans "
                "%(what)s ; seulement en %(names)s") % {"what": what, "names": context["open_names"]})
    if group and (not code or specialty):
        key, seen = (group, specialty.pk if specialty else None), context["seen"]
        if key in seen:
            what = code or _("contingent du groupe %(group)s") % {"group": group}
            error("specialite_code", _("%(what)s figure déjà ligne %(line)s") % {"what": what, "line": seen[key]})
        else:
            seen[key] = line
    if not row.has_errors:
        # The lines read are shown even beside another line's errors.
        result.rows.append(TableRow(line, group, specialty, seats, str(cell("specialite") or "")))


def _something_to_import(rows, context, result: PostsTableImport) -> None:
    if not any(row.total for row in result.rows):
        result.errors.append(TableProblem(None, "", _("le fichier ne répartit aucun poste : rien à importer")))


# Reading the template back; `services.do_import_posts_table` adds who may import and the write.
POSTS_TABLE = TableImport(
    columns=tuple(Column(name, required=name in REQUIRED_COLUMNS) for name in COLUMNS),
    result=lambda context, dry_run: PostsTableImport(context["slug"], dry_run),
    before=_lookups, read_row=_read_row, check_table=_something_to_import, header_key=header_key,
    missing_column=gettext_lazy("colonne absente de l'en-tête (attendu : %(columns)s)"),
    file_row=None, problem=TableProblem,
)


def read_posts_table(data: bytes, competition_slug: str = "", dry_run: bool = True) -> PostsTableImport:
    """Read and check every row of a filled template (xlsx, or CSV separated by `;`, `,` or tabs).
    Writes nothing: the rows and the problems, each naming its row and column."""
    return run_import(POSTS_TABLE, "", data, context={"slug": competition_slug}, commit=not dry_run)


def file_kind(name: str, data: bytes) -> str | None:
    """"table" for the template (xlsx, or its CSV), "letter" for the ministry's tab-separated
    letter (.txt), None for anything else."""
    lowered = (name or "").lower()
    if lowered.endswith(".xlsx"):
        return "table"
    if lowered.endswith(".csv"):
        return "table"
    if lowered.endswith((".txt", ".tsv", ".md")):
        head = data[:4096].decode("utf-8", errors="ignore")
        first = next((line for line in head.splitlines() if line.strip()), "")
        keys = {header_key(cell) for cell in first.replace(";", "\t").replace(",", "\t").split("\t")}
        return "table" if {"groupe", "specialite_code"} <= keys else "letter"
    return None


# --- the annex of the joint order ----------------------------------------------------------------

def _localised(obj, language: str, fr: str = "name_fr", ar: str = "name_ar") -> str:
    if obj is None:
        return ""
    return (getattr(obj, ar) or getattr(obj, fr)) if language == "ar" else getattr(obj, fr)


def annex_facts(competition: Competition, language: str) -> dict:
    """What the annex prints, in `language`: per group its specialties with their seats, the
    group's pool on the subtotal line (as the ministry's letter states the volunteer posts), the
    totals and the summary (contract + volunteer = all)."""
    table = distribution(competition)
    seats = table.seats
    # The ministry's table has the contract and volunteer columns; the others only when used.
    shown = [t for t in SEAT_TYPES if t in (SeatType.CONTRACT, SeatType.FOREIGN_VOLUNTEER) or seats[t]]
    with translation.override(language):
        groups = []
        for block in table.groups:
            rows = []
            for row in block.rows:
                # The pool's volunteer posts are read on the subtotal line; only its other seats get a line.
                shown_seats = {t: row.seats[t] for t in shown
                               if not (row.is_pool and t == SeatType.FOREIGN_VOLUNTEER)}
                if not any(shown_seats.values()):
                    continue
                rows.append({
                    "name": _localised(row.specialty, language) if row.specialty else str(_("Contingent du groupe")),
                    "seats": [shown_seats.get(t, 0) for t in shown],
                    "total": sum(shown_seats.values()),
                })
            if not rows and not block.total:
                continue
            group_seats = block.seats
            groups.append({
                "name": capfirst(str(Group(block.group).label)),
                "track": str(Specialty.TrackChoice(block.track).label),
                "rows": rows,
                "subtotal": [group_seats[t] for t in shown],
                "total": block.total,
            })
        facts = {
            "competition": f"{competition.get_kind_display()} {competition.year}",
            "faculty": _localised(competition.faculty, language),
            "city": _localised(competition.faculty, language, "city_fr", "city_ar"),
            "hospital_centre": _localised(competition.hospital_centre, language),
            "session_date": competition.session_date,
            "state": str(competition.get_state_display()),
            "validated": competition.state != Competition.State.DRAFT,
            "columns": [str(SEAT_HEADERS[t]) for t in shown],
            "groups": groups,
            "totals": [seats[t] for t in shown],
            "total": table.total,
            "summary": [{"seats": seats[t], "label": str(SEAT_SUMMARY[t])} for t in SEAT_TYPES if seats[t]],
        }
    return facts


def annex_title(language: str) -> str:
    with translation.override(language):
        return str(_("Répartition des postes ouverts au concours"))


def annex_pdf(competition: Competition, language: str, issued_on: dt.date | None = None) -> bytes:
    """The annex as an unrecorded PDF: a working table for the joint order (D93 art. 9–10, 22),
    drafted and signed by the ministries, not a certificate to number; a distribution not yet
    validated carries the watermark "Projet"."""
    language = document_language(value=language, default="fr")
    facts = annex_facts(competition, language)
    return render_pdf_bytes(template="documents/posts_annex.html", facts=facts, kind="posts_annex",
                            title=annex_title(language), language=language, issued_on=issued_on,
                            extra_context={"draft": not facts["validated"]})
