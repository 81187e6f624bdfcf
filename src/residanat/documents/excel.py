"""Excel exports: one workbook, one sheet per table, right to left for Arabic sheets.

Values keep their type (dates are Excel dates, amounts are numbers) so that the people who
receive an export can sort, sum and filter it without reformatting.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from residanat.formats import EXCEL_DATE, EXCEL_DATETIME

from .http import document_response

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Day first, as on the pages (residanat/formats).
DATE_FORMAT, DATETIME_FORMAT = EXCEL_DATE, EXCEL_DATETIME
MIN_WIDTH, MAX_WIDTH = 8, 60
# Excel refuses these in a sheet title, and titles longer than 31 characters.
_FORBIDDEN_IN_TITLE = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Sheet:
    title: str
    headers: list
    rows: list = field(default_factory=list)
    language: str = "fr"

    @property
    def right_to_left(self) -> bool:
        return (self.language or "").startswith("ar")


def _cell_value(value):
    """The value as Excel should store it, and the number format it needs (or None)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, dt.datetime):
        # Excel has no time zones: show the time as it was in Morocco.
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value, DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        number = int(value) if places == 0 else float(value)
        return number, ("#,##0" if places == 0 else "#,##0." + "0" * places)
    if isinstance(value, (int, float)):
        return value, None
    # Control characters pasted from other software make the whole file unreadable to Excel.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)), None


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def sheet_title(title, used: set[str]) -> str:
    base = _FORBIDDEN_IN_TITLE.sub("-", str(title)).strip("'") or "Feuille"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def build_workbook(sheets: list[Sheet]) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used_titles: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets or [Sheet("Feuille", [])]:
        ws = workbook.create_sheet(sheet_title(sheet.title, used_titles))
        ws.sheet_view.rightToLeft = sheet.right_to_left
        widths = [_display_width(str(h)) for h in sheet.headers]
        for col, header in enumerate(sheet.headers, start=1):
            cell = ws.cell(row=1, column=col, value=str(header))
            cell.font = bold
            cell.alignment = Alignment(vertical="top", wrap_text=False)
        for row_index, row in enumerate(sheet.rows, start=2):
            for col, raw in enumerate(row, start=1):
                value, number_format = _cell_value(raw)
                cell = ws.cell(row=row_index, column=col, value=value)
                if isinstance(value, str) and value.startswith("="):
                    # Data typed by users must never become a formula (spreadsheet injection).
                    cell.data_type = TYPE_STRING
                if number_format:
                    cell.number_format = number_format
                if col > len(widths):
                    widths.append(0)
                widths[col - 1] = max(widths[col - 1], _display_width(raw if number_format is None else value))
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        if sheet.headers:
            ws.freeze_panes = "A2"
            if sheet.rows:
                ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{len(sheet.rows) + 1}"
    return workbook


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    buffer = io.BytesIO()
    build_workbook(sheets).save(buffer)
    return buffer.getvalue()


def workbook_response(filename: str, sheets: list[Sheet]) -> HttpResponse:
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    # Exports carry personal data: private (no shared cache may keep them).
    return document_response(workbook_bytes(sheets), filename, XLSX_CONTENT_TYPE)
