"""Reads the ministry's letter that distributes a faculty's competition posts (seed 000): the
summary figures of the letter, then the tab-separated tables of posts per specialty.

Pure Python (no Django): it parses and checks the arithmetic of the letter; matching the names to
the referential and writing the posts is `concours.services.do_import_posts_letter`.

The tables, as the ministry sends them (markdown and `<b>` tags kept from the conversion):

    Centre de formation<TAB>Postes proposés par le MSPS<TAB><TAB>          header, repeated per page
    <TAB>Contrat<TAB>Bénévoles Etrangers<TAB>Total                        column names
    <b>CASABLANCA</b><TAB><TAB><TAB>                                      training centre
    <b>Spécialités Médicales</b><TAB><TAB><TAB>                           group of specialties
    - Anesthésie-Réanimation<TAB>20<TAB><TAB>20                           contract posts of a specialty
    <b>Sous Total</b><TAB><b>214</b><TAB><b>5</b><TAB><b>219</b>          the group's subtotal
    <b>TOTAL</b><TAB><b>352</b><TAB><b>10</b><TAB><b>362</b>

The volunteer posts for foreign candidates are stated only on the subtotal lines: a pool per group
of specialties, not per specialty. Every figure the letter states is recomputed, and each
disagreement is an error naming its line; nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from residanat.referential.data import normalise_name
from residanat.rules import SpecialtyGroup, Track

# The group headers of the tables, by the word that names them (normalised).
GROUP_WORDS = {
    "medicales": SpecialtyGroup.MEDICAL,
    "chirurgicales": SpecialtyGroup.SURGICAL,
    "biologiques": SpecialtyGroup.BIOLOGICAL,
    "pharmaceutiques": SpecialtyGroup.PHARMACEUTICAL,
    "dentaires": SpecialtyGroup.DENTAL,
}
TRACK_OF_GROUP = {
    SpecialtyGroup.MEDICAL: Track.MEDICINE,
    SpecialtyGroup.SURGICAL: Track.MEDICINE,
    SpecialtyGroup.BIOLOGICAL: Track.MEDICINE,
    SpecialtyGroup.PHARMACEUTICAL: Track.PHARMACY,
    SpecialtyGroup.DENTAL: Track.DENTAL,
}
# Column positions when a page has no column header line (cell 0 is the label).
DEFAULT_COLUMNS = {"contract": 1, "foreign_volunteer": 2, "total": 3}

_TAGS = re.compile(r"</?b>|\*\*", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}" if self.line else self.message

    def as_dict(self) -> dict:
        return {"line": self.line, "message": self.message}


@dataclass
class SpecialtyLine:
    line: int
    name: str  # as written, without the leading dash and the tags
    contract: int
    foreign_volunteer: int = 0


@dataclass
class GroupTable:
    line: int
    name: str  # as written ("Spécialités Médicales")
    group: SpecialtyGroup | None
    centre: str = ""
    specialties: list[SpecialtyLine] = field(default_factory=list)
    subtotal_line: int | None = None
    stated_contract: int | None = None
    stated_foreign_volunteer: int | None = None
    stated_total: int | None = None

    @property
    def track(self) -> Track | None:
        return TRACK_OF_GROUP.get(self.group) if self.group else None

    @property
    def contract(self) -> int:
        return sum(s.contract for s in self.specialties)

    @property
    def volunteer_per_specialty(self) -> bool:
        return any(s.foreign_volunteer for s in self.specialties)

    @property
    def foreign_volunteer_pool(self) -> int:
        """The group's pool of volunteer posts for foreign candidates, stated on the subtotal line
        (0 when the letter gives them per specialty instead)."""
        if self.volunteer_per_specialty:
            return 0
        return self.stated_foreign_volunteer or 0

    @property
    def foreign_volunteer(self) -> int:
        return sum(s.foreign_volunteer for s in self.specialties) + self.foreign_volunteer_pool

    @property
    def all(self) -> int:
        return self.contract + self.foreign_volunteer


@dataclass
class Figure:
    """A number the letter's text announces, with the line that says it."""

    value: int
    line: int


@dataclass
class LetterSummary:
    """The figures of the letter's text, before the tables (None when the letter does not say)."""

    internat: Figure | None = None
    internat_medicine: Figure | None = None
    internat_pharmacy: Figure | None = None
    residanat: Figure | None = None
    contract: Figure | None = None
    contract_medicine: Figure | None = None
    contract_pharmacy: Figure | None = None
    foreign_volunteer: Figure | None = None
    foreign_volunteer_medicine: Figure | None = None
    foreign_volunteer_pharmacy: Figure | None = None

    def as_dict(self) -> dict:
        return {name: (f.value if f else None) for name, f in vars(self).items()}

    @property
    def empty(self) -> bool:
        return all(f is None for f in vars(self).values())


@dataclass
class PostsLetter:
    summary: LetterSummary = field(default_factory=LetterSummary)
    groups: list[GroupTable] = field(default_factory=list)
    year: int | None = None
    session_date: dt.date | None = None
    competition_kind: str | None = None  # "residanat" or "internat", from the tables' title
    centre: str = ""
    total_line: int | None = None
    stated_contract: int | None = None
    stated_foreign_volunteer: int | None = None
    stated_total: int | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def contract(self) -> int:
        return sum(g.contract for g in self.groups)

    @property
    def foreign_volunteer(self) -> int:
        return sum(g.foreign_volunteer for g in self.groups)

    @property
    def all(self) -> int:
        return self.contract + self.foreign_volunteer

    def track_figures(self, track: Track) -> tuple[int, int]:
        """(contract, foreign volunteer) posts of the groups of one track."""
        groups = [g for g in self.groups if g.track == track]
        return sum(g.contract for g in groups), sum(g.foreign_volunteer for g in groups)


def read_letter(path: Path | str) -> tuple[str, list[Problem]]:
    """The text of a letter file; a file that is not UTF-8 is read as Windows-1252 (with a warning)."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), [Problem(None, "the file is not UTF-8: read as Windows-1252")]


def parse_posts_letter(text: str) -> PostsLetter:
    """Parse and check a letter; never raises on bad content: the problems are in `errors`/`warnings`."""
    return _Parser(text).parse()


def _fold(text: str) -> str:
    """Lowercase without accents, tags or markdown, spaces collapsed (keeps digits and punctuation)."""
    decomposed = unicodedata.normalize("NFKD", _TAGS.sub("", text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"\s+", " ", bare.replace("\u2019", "'")).strip()


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", _TAGS.sub("", text).replace("\u00a0", " ")).strip()


class _Parser:
    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.letter = PostsLetter()
        self.columns = dict(DEFAULT_COLUMNS)
        self.table_started = False
        self.current: GroupTable | None = None
        self.groups_seen: dict[SpecialtyGroup, int] = {}
        self.centre_line: int | None = None

    def error(self, line, message):
        self.letter.errors.append(Problem(line, message))

    def warning(self, line, message):
        self.letter.warnings.append(Problem(line, message))

    def parse(self) -> PostsLetter:
        self._read_title()
        for number, raw in enumerate(self.lines, start=1):
            if "\t" in raw:
                self.table_started = True
                self._table_line(number, raw)
            elif not self.table_started:
                self._summary_line(number, raw)
            elif self.letter.total_line is None and _clean(raw).startswith("-"):
                self.error(number, f"'{_clean(raw)}' is not tab-separated: expected name<TAB>contract<TAB>"
                                   "volunteers<TAB>total")
        self._close_group(None)
        self._check_total()
        self._check_summary()
        return self.letter

    # The letter's text.

    def _read_title(self):
        text = _fold(" ".join(self.lines))
        if m := re.search(r"au titre de l'annee (\d{4})", text):
            self.letter.year = int(m.group(1))
        if m := re.search(r"session du (\d{1,2})/(\d{1,2})/(\d{4})", text):
            day, month, year = (int(x) for x in m.groups())
            try:
                self.letter.session_date = dt.date(year, month, day)
            except ValueError:
                self.error(None, f"session date {day:02d}/{month:02d}/{year} is not a date")
        if m := re.search(r"postes ouverts pour le concours national (?:de |d')(\w+)", text):
            word = m.group(1)
            self.letter.competition_kind = "internat" if word.startswith("intern") else "residanat"

    def _summary_line(self, number: int, raw: str):
        text = _fold(raw)
        total = re.search(r"(\d+) postes", text)
        if not total:
            return
        medicine = re.search(r"(\d+) (?:postes? )?en medecine(?! dentaire)", text)
        pharmacy = re.search(r"(\d+) (?:postes? )?en pharmacie", text)
        if "benevole" in text:
            prefix = "foreign_volunteer"
        elif "contrat" in text:
            prefix = "contract"
        elif "internat" in text and "residanat" not in text:
            prefix = "internat"
        elif "residanat" in text:
            self.letter.summary.residanat = Figure(int(total.group(1)), number)
            return
        else:
            return
        summary = self.letter.summary
        setattr(summary, prefix, Figure(int(total.group(1)), number))
        if medicine:
            setattr(summary, f"{prefix}_medicine", Figure(int(medicine.group(1)), number))
        if pharmacy:
            setattr(summary, f"{prefix}_pharmacy", Figure(int(pharmacy.group(1)), number))

    # The tables.

    def _table_line(self, number: int, raw: str):
        cells = [_clean(c) for c in raw.split("\t")]
        label, folded = cells[0], _fold(cells[0])
        if folded.startswith("centre de formation"):
            return
        column_names = [_fold(c) for c in cells]
        if any(name.startswith("contrat") for name in column_names):
            self._read_columns(column_names)
            return
        if not any(cells):
            return
        if self.letter.total_line is not None:
            self.error(number, f"'{label}' comes after the TOTAL line (line {self.letter.total_line})")
            return
        values = self._values(number, cells)
        if values is None:
            return
        has_values = any(v is not None for v in values.values())
        name_key = normalise_name(label)
        if name_key in ("sous total", "sous totaux"):
            self._subtotal(number, values)
        elif name_key in ("total", "total general"):
            self._total(number, values)
        elif label.startswith(("-", "\u2013", "\u2022")):
            self._specialty(number, label.lstrip("-\u2013\u2022 ").strip(), values)
        elif not has_values:
            self._label(number, label, name_key)
        else:
            self.error(number, f"'{label}' is neither a specialty (starting with '-'), a Sous Total nor the TOTAL")

    def _read_columns(self, names: list[str]):
        for index, name in enumerate(names):
            if name.startswith("contrat"):
                self.columns["contract"] = index
            elif "benevole" in name:
                self.columns["foreign_volunteer"] = index
            elif name == "total":
                self.columns["total"] = index

    def _values(self, number: int, cells: list[str]) -> dict[str, int | None] | None:
        values = {}
        for column, index in self.columns.items():
            cell = cells[index] if index < len(cells) else ""
            if cell in ("", "-", "\u2013"):
                values[column] = None
            elif _NUMBER.fullmatch(cell.replace(" ", "")):
                values[column] = int(cell.replace(" ", ""))
            else:
                self.error(number, f"'{cell}' is not a number of posts ({column.replace('_', ' ')} column)")
                return None
        return values

    def _label(self, number: int, label: str, key: str):
        words = key.split()
        if words and words[0] == "specialites":
            group = next((g for word, g in GROUP_WORDS.items() if word in words[1:] or word[:-1] in words[1:]), None)
            if "dentaire" in words:
                group = SpecialtyGroup.DENTAL
            self._close_group(number)
            if group is None:
                self.error(number, f"unknown group of specialties '{label}'")
            elif group in self.groups_seen:
                self.error(number, f"'{label}' is listed a second time (first on line {self.groups_seen[group]})")
            else:
                self.groups_seen[group] = number
            self.current = GroupTable(number, label, group, centre=self.letter.centre)
            self.letter.groups.append(self.current)
        elif not self.letter.centre:
            self.letter.centre, self.centre_line = label, number
        elif normalise_name(self.letter.centre) != key:
            self.error(number, f"a second training centre '{label}' (the first, '{self.letter.centre}', is on line "
                               f"{self.centre_line}): one letter, one centre")

    def _close_group(self, number: int | None):
        """A new group header or the TOTAL ends the group above, which must have had its Sous Total."""
        if self.current is not None and self.current.subtotal_line is None:
            where = f" before line {number}" if number else ""
            self.error(self.current.line, f"'{self.current.name}' has no Sous Total line{where}")
        self.current = None

    def _specialty(self, number: int, name: str, values: dict):
        if self.current is None:
            self.error(number, f"'{name}' is outside a group (no group header above it, or after its Sous Total)")
            return
        contract, volunteer, total = values["contract"] or 0, values["foreign_volunteer"] or 0, values["total"]
        if total is not None and total != contract + volunteer:
            self.error(number, f"'{name}': total {total} but {contract} contract + {volunteer} volunteer "
                               f"= {contract + volunteer}")
        if not name:
            self.error(number, "a specialty line without a name")
            return
        self.current.specialties.append(SpecialtyLine(number, name, contract, volunteer))

    def _subtotal(self, number: int, values: dict):
        group = self.current
        if group is None:
            self.error(number, "Sous Total without a group of specialties above it")
            return
        group.subtotal_line = number
        group.stated_contract = values["contract"]
        group.stated_foreign_volunteer = values["foreign_volunteer"]
        group.stated_total = values["total"]
        span = f"lines {group.line + 1}-{number - 1}"
        if (values["contract"] or 0) != group.contract:
            self.error(number, f"Sous Total of '{group.name}': {values['contract'] or 0} contract posts stated, "
                               f"the specialties above ({span}) add up to {group.contract}")
        if group.volunteer_per_specialty and (values["foreign_volunteer"] or 0) != group.foreign_volunteer:
            self.error(number, f"Sous Total of '{group.name}': {values['foreign_volunteer'] or 0} volunteer posts "
                               f"stated, the specialties above ({span}) add up to {group.foreign_volunteer}")
        if values["total"] is not None and values["total"] != group.all:
            self.error(number, f"Sous Total of '{group.name}': total {values['total']} stated, {group.contract} "
                               f"contract + {group.foreign_volunteer} volunteer = {group.all}")
        self.current = None

    def _total(self, number: int, values: dict):
        self._close_group(number)
        letter = self.letter
        letter.total_line = number
        letter.stated_contract = values["contract"]
        letter.stated_foreign_volunteer = values["foreign_volunteer"]
        letter.stated_total = values["total"]

    def _check_total(self):
        letter = self.letter
        if not letter.groups:
            self.error(None, "no table of posts found (expected lines 'name<TAB>contract<TAB>volunteers<TAB>total')")
            return
        if letter.total_line is None:
            self.error(None, "no TOTAL line after the tables")
            return
        for column, stated, computed in (
            ("contract", letter.stated_contract, letter.contract),
            ("volunteer", letter.stated_foreign_volunteer, letter.foreign_volunteer),
            ("total", letter.stated_total, letter.all),
        ):
            if (stated or 0) != computed:
                self.error(letter.total_line, f"TOTAL: {stated or 0} {column} posts stated, the groups add up "
                                              f"to {computed}")

    def _check_summary(self):
        letter, s = self.letter, self.letter.summary
        if s.empty:
            self.warning(None, "the letter's text announces no figures: only the tables were checked")
            return
        for whole, parts in (
            ("internat", ("internat_medicine", "internat_pharmacy")),
            ("contract", ("contract_medicine", "contract_pharmacy")),
            ("foreign_volunteer", ("foreign_volunteer_medicine", "foreign_volunteer_pharmacy")),
        ):
            figure, split = getattr(s, whole), [getattr(s, p) for p in parts]
            if figure and all(split) and figure.value != sum(f.value for f in split):
                self.error(figure.line, f"the letter announces {figure.value} posts but "
                                        f"{' + '.join(str(f.value) for f in split)} = {sum(f.value for f in split)}")
        if s.residanat and s.contract and s.foreign_volunteer:
            both = s.contract.value + s.foreign_volunteer.value
            if s.residanat.value != both:
                self.error(s.residanat.line, f"the letter announces {s.residanat.value} résidanat posts but "
                                             f"{s.contract.value} contract + {s.foreign_volunteer.value} volunteer "
                                             f"= {both}")
        if letter.total_line is None or not letter.groups:
            return
        medicine = letter.track_figures(Track.MEDICINE)
        pharmacy = letter.track_figures(Track.PHARMACY)
        if letter.competition_kind == "internat":
            checks = [("internat", letter.all, "posts"),
                      ("internat_medicine", sum(medicine), "medicine posts"),
                      ("internat_pharmacy", sum(pharmacy), "pharmacy posts")]
        else:
            checks = [("residanat", letter.all, "résidanat posts"),
                      ("contract", letter.contract, "contract posts"),
                      ("contract_medicine", medicine[0], "contract posts in medicine"),
                      ("contract_pharmacy", pharmacy[0], "contract posts in pharmacy"),
                      ("foreign_volunteer", letter.foreign_volunteer, "volunteer posts for foreign candidates"),
                      ("foreign_volunteer_medicine", medicine[1], "volunteer posts in medicine"),
                      ("foreign_volunteer_pharmacy", pharmacy[1], "volunteer posts in pharmacy")]
        for name, table_value, what in checks:
            figure = getattr(s, name)
            if figure and figure.value != table_value:
                self.error(figure.line, f"the letter announces {figure.value} {what}, the tables give {table_value}")
