import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from residanat.documents.excel import Sheet, workbook_bytes, workbook_response

HEADERS = ["Nom", "الاسم", "Début", "Émis le", "Montant", "Jours", "Note"]
ROWS = [
    ["ALAOUI Salma", "العلوي سلمى", dt.date(2025, 9, 1), dt.datetime(2025, 9, 1, 8, 30, tzinfo=dt.UTC),
     Decimal("3250.50"), 30, None],
    ["=HYPERLINK(\"http://evil\")", "بناني", dt.date(2024, 1, 31), None, Decimal("12"), 0, "a\x07b"],
]


def load(sheets):
    return load_workbook(io.BytesIO(workbook_bytes(sheets)))


def test_arabic_sheet_reads_right_to_left_and_french_sheet_left_to_right():
    workbook = load([Sheet("Stagiaires", HEADERS, ROWS, "fr"), Sheet("المتدربون", HEADERS, ROWS, "ar")])
    assert workbook["Stagiaires"].sheet_view.rightToLeft in (False, None)
    assert workbook["المتدربون"].sheet_view.rightToLeft is True


def test_header_row_is_bold_and_frozen():
    ws = load([Sheet("Stagiaires", HEADERS, ROWS, "ar")]).active
    assert [c.value for c in ws[1]] == HEADERS
    assert all(cell.font.bold for cell in ws[1])
    assert not ws["A2"].font.bold
    assert ws.freeze_panes == "A2"


def test_values_round_trip_with_dates_as_dates_and_decimals_as_numbers():
    ws = load([Sheet("Stagiaires", HEADERS, ROWS, "fr")]).active
    first = [c.value for c in ws[2]]
    assert first[:3] == ["ALAOUI Salma", "العلوي سلمى", dt.datetime(2025, 9, 1)]
    assert ws["C2"].is_date and ws["C2"].number_format == "DD/MM/YYYY"
    # Aware datetimes are written as the wall-clock time in Morocco.
    expected = dt.datetime(2025, 9, 1, 8, 30, tzinfo=dt.UTC).astimezone(ZoneInfo("Africa/Casablanca"))
    assert first[3] == expected.replace(tzinfo=None)
    assert first[4] == 3250.5 and ws["E2"].data_type == "n" and ws["E2"].number_format == "#,##0.00"
    assert first[5] == 30 and first[6] is None
    assert ws["E3"].value == 12


def test_text_that_looks_like_a_formula_stays_text():
    ws = load([Sheet("Stagiaires", HEADERS, ROWS, "fr")]).active
    assert ws["A3"].value == '=HYPERLINK("http://evil")'
    assert ws["A3"].data_type == "s"


def test_control_characters_are_dropped_rather_than_breaking_the_file():
    ws = load([Sheet("Stagiaires", HEADERS, ROWS, "fr")]).active
    assert ws["G3"].value == "ab"


def test_columns_are_wide_enough_for_their_longest_value_within_limits():
    ws = load([Sheet("Stagiaires", HEADERS, ROWS + [["x" * 200] + [None] * 6], "fr")]).active
    assert ws.column_dimensions["A"].width == 60
    assert ws.column_dimensions["C"].width >= 10


def test_sheet_titles_are_made_acceptable_to_excel_and_unique():
    workbook = load([Sheet("Stagiaires 2025/2026 : liste complète des statuts", ["a"], [], "fr"),
                     Sheet("Stagiaires 2025/2026 : liste complète des statuts", ["a"], [], "fr")])
    titles = workbook.sheetnames
    assert len(titles) == 2 and len(set(titles)) == 2
    assert all(len(t) <= 31 and "/" not in t and ":" not in t for t in titles)


def test_workbook_response_is_an_xlsx_attachment_that_is_not_cached():
    response = workbook_response("المتدربون", [Sheet("المتدربون", HEADERS, ROWS, "ar")])
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert load_workbook(io.BytesIO(response.content)).active.sheet_view.rightToLeft is True
