"""Reading a table from an uploaded file (xlsx or CSV), and what an import of one reports.

The imports (posts, candidates, scores) check every row before writing anything: a result lists
the errors, each naming its row and column, and is written only when there is none and the
caller asked for more than a dry run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Answers read as yes or no in a yes/no column, lower case.
YES = {"oui", "o", "1", "x", "yes", "vrai", "true", "نعم"}
NO = {"", "non", "n", "0", "no", "faux", "false", "لا"}
# Dates as offices type them in a spreadsheet (an Excel date cell is read as a date).
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def read_table(file) -> list[tuple[int, list]]:
    """The rows of the first sheet of an xlsx file, or of a CSV (`;`, `,` or tab separated), each
    with its line number in the file (1 = header). Raises ValueError when unreadable."""
    data = file if isinstance(file, bytes) else file.read()
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise ValueError(_("fichier Excel illisible (%(error)s)") % {"error": exc}) from exc
        return [(n, list(values)) for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(_("fichier illisible : ni Excel (.xlsx) ni CSV en UTF-8 ou Windows-1252"))
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    return [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)]


def blank(value) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __iter__(self):  # unpacks as (row, column, message)
        return iter((self.row, self.column, self.message))

    def __str__(self):
        where = _("ligne %(row)s") % {"row": self.row}
        if self.column:
            where += ", " + _("colonne %(column)s") % {"column": self.column}
        return f"{where} : {self.message}"


class ImportResult:
    """What an import read and wrote (or would write: `dry_run`); mixed into each import's
    dataclass, which declares `dry_run` and `errors`."""

    dry_run: bool
    errors: list
    file_name: str = ""  # the file read, as uploaded

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def error_messages(self) -> list[str]:
        return [str(e) for e in self.errors]


# --- reading one cell ---------------------------------------------------------------------------

def key_of(header) -> str:
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-]+", "_", text.strip().lower().replace("°", "").replace("'", ""))


class CellError(Exception):
    """A cell that cannot be read as its column asks; the message says why."""


def cell_text(value) -> str:
    """A cell as the text a person typed (a whole number without ".0", a date as day/month/year)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("« %(value)s » n'est pas une date (jj/mm/aaaa ou aaaa-mm-jj)") % {"value": text})


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("« %(value)s » : répondez oui ou non") % {"value": text})
