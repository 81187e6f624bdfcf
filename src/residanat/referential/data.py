"""The national referential shipped as CSV files in `data/`, and the helpers that read them.

Each file has a header row and one record per line (UTF-8); `FILE_COLUMNS` is the format, in the
order the loader reads the files (a file only refers to files before it).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")

FILE_COLUMNS: dict[str, tuple[str, ...]] = {
    "regions_provinces.csv": ("region_code", "region_fr", "region_ar", "kind", "name_fr", "name_ar"),
    "delegations.csv": ("province", "name_fr", "name_ar"),
    "faculties.csv": ("code", "kind", "name_fr", "name_ar", "city_fr", "city_ar", "province"),
    "hospital_centres.csv": ("code", "name_fr", "name_ar", "city_fr", "city_ar", "province", "faculties"),
    "establishments.csv": ("code", "kind", "name_fr", "name_ar", "province", "hospital_centre"),
    "services.csv": ("establishment", "code", "kind", "name_fr", "name_ar"),
    "specialties.csv": (
        "code", "group", "track", "name_fr", "name_ar", "duration_class",
        "public_administration_open", "aliases",
    ),
    "understaffed.csv": ("establishment", "valid_from", "valid_to", "order_ref"),
}


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column) or ""


def read_table(path: Path) -> tuple[list[str], list[Row]]:
    """The header and the non-blank rows of a CSV file, values stripped, with their line numbers."""
    # utf-8-sig: a file saved from a spreadsheet starts with a BOM that would glue to the 1st column.
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = [name.strip() for name in reader.fieldnames or []]
        reader.fieldnames = header
        rows = []
        for record in reader:
            values = {k: (v or "").strip() for k, v in record.items() if k is not None}
            if any(values.values()):
                rows.append(Row(path.name, reader.line_num, values))
    return header, rows


def split_list(value: str) -> list[str]:
    """A semicolon-separated cell as a list, blanks dropped."""
    return [item.strip() for item in value.split(";") if item.strip()]


def normalise_name(name: str) -> str:
    """The form in which two spellings of a name compare equal: no accents, no case, and any run of
    punctuation or spaces as one space ("Traumatologie -Orthopédie" = "traumatologie orthopedie")."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", " ", bare).strip()


def specialty_aliases(data_dir: Path | str | None = None) -> dict[str, str]:
    """{normalised alias: specialty code} from the `aliases` column of specialties.csv.

    Known variant spellings and typos of the posts tables (seed 000 writes "Maladie Infectieuses",
    "Oto-Rhyno-Laryngologie"): an importer maps them to the canonical specialty and reports them
    instead of copying them. Canonical names are not in this map; compare them with
    `normalise_name(Specialty.name_fr)`. The loader refuses an alias that points to two codes.
    """
    _, rows = read_table(Path(data_dir or DATA_DIR) / "specialties.csv")
    return {normalise_name(alias): row["code"] for row in rows for alias in split_list(row["aliases"])}
