"""`run_import`, the one way a table is imported: every line checked before anything is written,
each error naming its row and column; a dry run writes nothing; a commit writes all or nothing."""

from dataclasses import dataclass, field

import pytest

from residanat.documents.imports import Column, TableImport, run_import
from residanat.documents.excel import Sheet, workbook_bytes
from residanat.documents.spreadsheet import CellError, ImportResult, RowError
from residanat.people.models import Person
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db


@dataclass
class PersonsImport(ImportResult):
    dry_run: bool
    errors: list = field(default_factory=list)
    persons: list = field(default_factory=list)


def _upper(value, context):
    text = str(value).strip()
    if not text.isalpha():
        raise CellError(f"« {text} » n'est pas un nom")
    return text.upper()


def _read_row(row, context, result):
    if "nom" not in row.values and "nom" not in row.failed:
        row.error("nom", "valeur obligatoire")
    return None if row.has_errors else {"national_id": row.values["cin"], "last_name": row.values["nom"],
                                        "first_name": row.values.get("prenom", "")}


def _write(people, context, result):
    for values in people:
        result.persons.append(Person.objects.create(**values))


PERSONS = TableImport(
    columns=(Column("cin", ("cine",), required=True), Column("nom", parse=_upper, required=True), Column("prenom")),
    result=lambda context, dry_run: PersonsImport(dry_run), read_row=_read_row, write=_write,
)


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_a_dry_run_checks_and_counts_but_writes_nothing():
    result = run_import(PERSONS, "p.csv", csv("cin;nom;prenom", "BK1;Alaoui;Salma", "BK2;Berrada;"),
                        context={}, commit=False)

    assert result.ok and result.dry_run
    assert [p.last_name for p in result.persons] == ["ALAOUI", "BERRADA"]
    assert not Person.objects.exists()


def test_a_commit_writes_every_line():
    result = run_import(PERSONS, "p.csv", csv("CINE;Nom", "BK1;Alaoui", "", "BK2;Berrada"), context={}, commit=True)

    assert result.ok and not result.dry_run and result.file_name == "p.csv"
    assert sorted(Person.objects.values_list("national_id", flat=True)) == ["BK1", "BK2"]


def test_an_error_in_the_last_line_writes_nothing_and_names_its_row_and_column():
    result = run_import(PERSONS, "p.csv", csv("cin;nom", "BK1;Alaoui", "BK2;Berrada", "BK3;B3rrada"),
                        context={}, commit=True)

    assert result.error_messages() == ["ligne 4, colonne nom : « B3rrada » n'est pas un nom"]
    assert not Person.objects.exists()


def test_every_line_is_checked_and_each_error_reported():
    result = run_import(PERSONS, "p.xlsx", workbook_bytes([Sheet("p", ["cin", "nom"], [["BK1", None], ["BK2", "4"]])]),
                        context={}, commit=True)

    assert [tuple(e) for e in result.errors] == [(2, "nom", "valeur obligatoire"), (3, "nom", "« 4 » n'est pas un nom")]
    assert not Person.objects.exists()


def test_a_failure_while_writing_leaves_the_database_as_it_was():
    PersonFactory(national_id="BK3")

    result = run_import(PERSONS, "p.csv", csv("cin;nom", "BK1;Alaoui", "BK2;Berrada", "BK3;Chraibi"),
                        context={}, commit=True)

    assert not result.ok and "l'enregistrement a échoué" in result.error_messages()[0]
    assert list(Person.objects.values_list("national_id", flat=True)) == ["BK3"]


def test_a_missing_column_is_named_on_the_header_row():
    result = run_import(PERSONS, "p.csv", csv("cin;prenom", "BK1;Salma"), context={}, commit=True)

    assert result.errors == [RowError(1, "nom", "colonne absente de l'en-tête")]


def test_an_unreadable_or_empty_file_is_refused():
    assert run_import(PERSONS, "p.xlsx", b"PK\x03\x04 broken", context={}, commit=True).errors[0].row == 1
    assert run_import(PERSONS, "p.csv", b"", context={}, commit=True).error_messages() == [
        "ligne 1 : le fichier est vide"]


def test_lines_given_as_dicts_are_numbered_as_under_a_header():
    result = run_import(PERSONS, "", [{"cin": "BK1", "nom": "Alaoui"}, {"cin": "BK2", "nom": "4"}],
                        context={}, commit=True)

    assert result.error_messages() == ["ligne 3, colonne nom : « 4 » n'est pas un nom"]
