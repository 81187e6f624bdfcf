"""Reads the referential CSV files and checks every row before anything is written.

`validate_referential(data_dir)` returns a `Plan` (the clean records, keyed by natural key) or raises
`ReferentialImportError` with every problem found, each as "file.csv, line N, column X: message".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from residanat.rules import SpecialtyGroup, Track, residency_duration_class

from .data import FILE_COLUMNS, Row, normalise_name, read_table, split_list
from .models import (
    Establishment,
    Faculty,
    HealthDelegation,
    HospitalCentre,
    HospitalService,
    Province,
    Region,
    Specialty,
    UnderstaffedListing,
)

_ARABIC = re.compile(r"[\u0600-\u06FF]")
_LATIN = re.compile(r"[A-Za-z]")
_CODE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_REGION_CODE = re.compile(r"\d{2}")
_BOOLEANS = {"true": True, "false": False}

TRACK_OF_GROUP = {
    SpecialtyGroup.MEDICAL: Track.MEDICINE,
    SpecialtyGroup.SURGICAL: Track.MEDICINE,
    SpecialtyGroup.BIOLOGICAL: Track.MEDICINE,
    SpecialtyGroup.PHARMACEUTICAL: Track.PHARMACY,
    SpecialtyGroup.DENTAL: Track.DENTAL,
}
# Kinds that belong to the Ministry of Health network (RD68), never to a CHU.
PUBLIC_HEALTH_KINDS = frozenset({
    Establishment.Kind.REGIONAL_HOSPITAL,
    Establishment.Kind.PROVINCIAL_HOSPITAL,
    Establishment.Kind.LOCAL_HOSPITAL,
    Establishment.Kind.HEALTH_CENTRE,
})


class ReferentialImportError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(
            f"{len(self.errors)} error(s) in the referential data, nothing written:\n" + "\n".join(self.errors)
        )


@dataclass
class Plan:
    """Clean records keyed by natural key; references are natural keys of the other records."""

    regions: dict[str, dict] = field(default_factory=dict)  # code
    provinces: dict[str, dict] = field(default_factory=dict)  # name_fr (unique nationally)
    delegations: dict[tuple[str, str], dict] = field(default_factory=dict)  # (province, name_fr)
    faculties: dict[str, dict] = field(default_factory=dict)  # code
    hospital_centres: dict[str, dict] = field(default_factory=dict)  # code
    establishments: dict[str, dict] = field(default_factory=dict)  # code
    services: dict[tuple[str, str], dict] = field(default_factory=dict)  # (establishment, code)
    specialties: dict[tuple[str, str], dict] = field(default_factory=dict)  # (code, group)
    understaffed: dict[tuple[str, dt.date], dict] = field(default_factory=dict)  # (establishment, valid_from)


def duration_class_of(group: str, code: str) -> str:
    return residency_duration_class(group, code).value


def validate_referential(data_dir: Path) -> Plan:
    checker = _Checker(Path(data_dir))
    plan = Plan()
    for read in (_regions_provinces, _delegations, _faculties, _hospital_centres, _establishments, _services,
                 _specialties, _understaffed):
        read(checker, plan)
    if checker.errors:
        raise ReferentialImportError(checker.errors)
    return plan


class _Checker:
    """Collects errors; every check returns the value so a reader can go on after a bad cell."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.errors: list[str] = []
        self.missing_files: set[str] = set()

    def error(self, row: Row, column: str, message: str):
        self.errors.append(f"{row.file}, line {row.line}, column {column}: {message}")

    def rows(self, file: str) -> list[Row]:
        path = self.data_dir / file
        if not path.is_file():
            self.errors.append(f"{file}: file not found in {self.data_dir}")
            self.missing_files.add(file)
            return []
        header, rows = read_table(path)
        expected = FILE_COLUMNS[file]
        head = Row(file, 1, {})
        for column in expected:
            if column not in header:
                self.error(head, column, "column missing")
        for column in header:
            if column not in expected:
                self.error(head, column, f"unknown column (expected: {', '.join(expected)})")
        if any(column not in header for column in expected):
            # Rows of a file without its columns would only repeat the same error on every line.
            self.missing_files.add(file)
            return []
        return rows

    def text(self, row: Row, column: str, model, field_name: str | None = None, required=True) -> str:
        value = row[column]
        if not value:
            if required:
                self.error(row, column, "value required")
            return value
        max_length = model._meta.get_field(field_name or column).max_length
        if max_length and len(value) > max_length:
            self.error(row, column, f"longer than {max_length} characters")
        return value

    def arabic(self, row: Row, column: str, model, field_name: str | None = None) -> str:
        value = self.text(row, column, model, field_name)
        if value and not _ARABIC.search(value):
            self.error(row, column, "no Arabic letters: the Arabic name is required")
        elif _LATIN.search(value):
            self.error(row, column, "Latin letters in an Arabic name")
        return value

    def code(self, row: Row, column: str, model, field_name: str | None = None) -> str:
        value = self.text(row, column, model, field_name)
        if value and not _CODE.fullmatch(value):
            self.error(row, column, f"'{value}' is not a code (lowercase letters, digits, hyphens)")
        return value

    def choice(self, row: Row, column: str, choices) -> str:
        value = row[column]
        allowed = [str(v) for v in choices]
        if value not in allowed:
            self.error(row, column, f"'{value}' is not one of: {', '.join(allowed)}")
            return ""
        return value

    def ref(self, row: Row, column: str, what: str, known: dict, source: str, required=True) -> str:
        value = row[column]
        if not value:
            if required:
                self.error(row, column, "value required")
        elif source not in self.missing_files and value not in known:
            self.error(row, column, f"unknown {what} '{value}' (not in {source})")
        return value

    def date(self, row: Row, column: str, required=True) -> dt.date | None:
        value = row[column]
        if not value:
            if required:
                self.error(row, column, "value required")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(row, column, f"'{value}' is not a date (YYYY-MM-DD)")
            return None

    def unique(self, row: Row, column: str, key, seen: dict) -> bool:
        if key in seen:
            self.error(row, column, f"duplicate of line {seen[key]}")
            return False
        seen[key] = row.line
        return True


def _regions_provinces(c: _Checker, plan: Plan):
    region_lines, province_lines = {}, {}
    for row in c.rows("regions_provinces.csv"):
        region = {
            "name_fr": c.text(row, "region_fr", Region, "name_fr"),
            "name_ar": c.arabic(row, "region_ar", Region, "name_ar"),
        }
        code = row["region_code"]
        if not _REGION_CODE.fullmatch(code):
            c.error(row, "region_code", f"'{code}' is not a two-digit region code")
        elif code in plan.regions and plan.regions[code] != region:
            column = "region_fr" if plan.regions[code]["name_fr"] != region["name_fr"] else "region_ar"
            c.error(row, column, f"region {code} is named differently on line {region_lines[code]}")
        else:
            plan.regions.setdefault(code, region)
            region_lines.setdefault(code, row.line)
        province = {
            "region": code,
            "kind": c.choice(row, "kind", Province.Kind),
            "name_fr": c.text(row, "name_fr", Province),
            "name_ar": c.arabic(row, "name_ar", Province),
        }
        # The other files name a province by its French name alone, so it must be unique nationally.
        if province["name_fr"] and c.unique(row, "name_fr", province["name_fr"], province_lines):
            plan.provinces[province["name_fr"]] = province


def _delegations(c: _Checker, plan: Plan):
    lines = {}
    for row in c.rows("delegations.csv"):
        province = c.ref(row, "province", "province", plan.provinces, "regions_provinces.csv")
        name = c.text(row, "name_fr", HealthDelegation)
        record = {"name_ar": c.arabic(row, "name_ar", HealthDelegation)}
        if province and name and c.unique(row, "name_fr", (province, name), lines):
            plan.delegations[(province, name)] = record


def _faculties(c: _Checker, plan: Plan):
    lines = {}
    for row in c.rows("faculties.csv"):
        record = {
            "kind": c.choice(row, "kind", Faculty.Kind),
            "name_fr": c.text(row, "name_fr", Faculty),
            "name_ar": c.arabic(row, "name_ar", Faculty),
            "city_fr": c.text(row, "city_fr", Faculty),
            "city_ar": c.arabic(row, "city_ar", Faculty),
            "province": c.ref(row, "province", "province", plan.provinces, "regions_provinces.csv"),
        }
        code = c.code(row, "code", Faculty)
        if code and c.unique(row, "code", code, lines):
            plan.faculties[code] = record


def _hospital_centres(c: _Checker, plan: Plan):
    lines = {}
    for row in c.rows("hospital_centres.csv"):
        faculties = split_list(row["faculties"])
        for faculty in faculties:
            if "faculties.csv" not in c.missing_files and faculty not in plan.faculties:
                c.error(row, "faculties", f"unknown faculty '{faculty}' (not in faculties.csv)")
        record = {
            "name_fr": c.text(row, "name_fr", HospitalCentre),
            "name_ar": c.arabic(row, "name_ar", HospitalCentre),
            "city_fr": c.text(row, "city_fr", HospitalCentre),
            "city_ar": c.arabic(row, "city_ar", HospitalCentre),
            "province": c.ref(row, "province", "province", plan.provinces, "regions_provinces.csv"),
            "faculties": faculties,
        }
        code = c.code(row, "code", HospitalCentre)
        if code and c.unique(row, "code", code, lines):
            plan.hospital_centres[code] = record


def _establishments(c: _Checker, plan: Plan):
    lines = {}
    for row in c.rows("establishments.csv"):
        record = {
            "kind": c.choice(row, "kind", Establishment.Kind),
            "name_fr": c.text(row, "name_fr", Establishment),
            "name_ar": c.arabic(row, "name_ar", Establishment),
            "province": c.ref(row, "province", "province", plan.provinces, "regions_provinces.csv"),
            "hospital_centre": c.ref(
                row, "hospital_centre", "hospital centre", plan.hospital_centres, "hospital_centres.csv",
                required=False,
            ) or None,
        }
        if record["kind"] == Establishment.Kind.CHU_HOSPITAL and not record["hospital_centre"]:
            c.error(row, "hospital_centre", "a CHU hospital needs its hospital centre")
        if record["kind"] in PUBLIC_HEALTH_KINDS and record["hospital_centre"]:
            c.error(row, "hospital_centre", f"a {record['kind']} is a public-health hospital, outside any CHU")
        code = c.code(row, "code", Establishment)
        if code and c.unique(row, "code", code, lines):
            plan.establishments[code] = record


def _services(c: _Checker, plan: Plan):
    lines = {}
    for row in c.rows("services.csv"):
        establishment = c.ref(row, "establishment", "establishment", plan.establishments, "establishments.csv")
        record = {
            "kind": c.choice(row, "kind", HospitalService.Kind),
            "name_fr": c.text(row, "name_fr", HospitalService),
            "name_ar": c.arabic(row, "name_ar", HospitalService),
        }
        code = c.code(row, "code", HospitalService)
        if code and c.unique(row, "code", (establishment, code), lines):
            plan.services[(establishment, code)] = record


def _specialties(c: _Checker, plan: Plan):
    lines, names, aliases = {}, {}, {}
    rows = c.rows("specialties.csv")
    for row in rows:
        code = c.code(row, "code", Specialty)
        group = c.choice(row, "group", Specialty.Group)
        track = c.choice(row, "track", Specialty.TrackChoice)
        if group and track and track != TRACK_OF_GROUP[SpecialtyGroup(group)]:
            c.error(row, "track", f"the {group} group belongs to the {TRACK_OF_GROUP[SpecialtyGroup(group)]} track")
        duration = c.choice(row, "duration_class", Specialty.Duration)
        rule = duration_class_of(group, code)
        if code and group and duration and duration != rule:
            # D93 art. 23 decides the length; the column only makes the file readable and reviewable.
            c.error(row, "duration_class", f"D93 art. 23 gives '{rule}' to {code}")
        open_to_administrations = _BOOLEANS.get(row["public_administration_open"])
        if open_to_administrations is None:
            c.error(row, "public_administration_open", "must be true or false")
        elif open_to_administrations and track != Track.MEDICINE:
            c.error(row, "public_administration_open", "D93 art. 27 bis opens only specialties for doctors")
        record = {
            "track": track,
            "name_fr": c.text(row, "name_fr", Specialty),
            "name_ar": c.arabic(row, "name_ar", Specialty),
            "duration_class": duration,
            "public_administration_open": bool(open_to_administrations),
        }
        # The same specialty in two groups (seed 000: Analyses Biologiques Médicales) keeps one name.
        if not (code and c.unique(row, "code", (code, group), lines)):
            continue
        names_here = (record["name_fr"], record["name_ar"])
        if code in names and names[code][0] != names_here:
            c.error(row, "name_fr", f"{code} is named differently on line {names[code][1]}")
        names.setdefault(code, (names_here, row.line))
        plan.specialties[(code, group)] = record
    canonical = {normalise_name(fr): code for code, ((fr, _), _) in names.items() if fr}
    for row in rows:
        for alias in split_list(row["aliases"]):
            key, code = normalise_name(alias), row["code"]
            if canonical.get(key) == code:
                c.error(row, "aliases", f"'{alias}' is the canonical name once normalised")
            elif key in canonical or aliases.get(key, code) != code:
                c.error(row, "aliases", f"'{alias}' already names {canonical.get(key) or aliases[key]}")
            aliases.setdefault(key, code)


def _understaffed(c: _Checker, plan: Plan):
    lines, periods = {}, {}
    for row in c.rows("understaffed.csv"):
        establishment = c.ref(row, "establishment", "establishment", plan.establishments, "establishments.csv")
        if plan.establishments.get(establishment, {}).get("hospital_centre"):
            # D93 art. 27: the list is the Ministry of Health's, of its own establishments.
            c.error(row, "establishment", "a CHU establishment cannot be on the under-staffed list")
        valid_from, valid_to = c.date(row, "valid_from"), c.date(row, "valid_to", required=False)
        if valid_from and valid_to and valid_to < valid_from:
            c.error(row, "valid_to", "before valid_from")
        record = {"valid_to": valid_to, "order_ref": c.text(row, "order_ref", UnderstaffedListing)}
        if not (establishment and valid_from):
            continue
        if not c.unique(row, "valid_from", (establishment, valid_from), lines):
            continue
        end = valid_to or dt.date.max
        for other_from, other_to, line in periods.get(establishment, []):
            if valid_from <= other_to and other_from <= end:
                c.error(row, "valid_from", f"overlaps the listing of line {line}")
        periods.setdefault(establishment, []).append((valid_from, end, row.line))
        plan.understaffed[(establishment, valid_from)] = record
