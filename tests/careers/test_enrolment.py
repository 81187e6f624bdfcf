"""The faculty's enrolment import (D93 art. 2): extern statuses for the extern years only, the
art. 2/6 years flagged, other years counted and left alone, repeats from the file or the history,
a re-import changing nothing, any bad row writing nothing and naming its row and column."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook, load_workbook

from residanat.accounts.roles import Role
from residanat.careers.enrolment import COLUMNS, do_import_enrolment, enrolment_template
from residanat.careers.models import EnrolmentImport
from residanat.people.models import Person, TraineeStatus
from tests.accounts.factories import user_with_role
from tests.careers.world import CareersWorld
from tests.people.factories import PersonFactory
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db
D = dt.date
HEADER = list(COLUMNS)
YEAR = {"academic_year": 2026, "start_date": D(2026, 9, 1), "end_date": D(2027, 8, 31)}
EXTERN = TraineeStatus.Kind.EXTERN


def row(**values):
    base = {"national_id": "BK200001", "last_name": "Alami", "first_name": "Yassine", "last_name_ar": "العلمي",
            "first_name_ar": "ياسين", "birth_date": "12/05/2004", "track": "médecine", "study_year": "3"}
    base.update(values)
    return [base.get(key, "") for key in HEADER]


def csv_bytes(rows, header=HEADER):
    lines = [";".join(header)] + [";".join(str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    workbook.active.append(header)
    for r in rows:
        workbook.active.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def world():
    return CareersWorld()


def commit(world, data, by=None, **year):
    return do_import_enrolment(world.faculty, data, by=by or world.dean, dry_run=False, **{**YEAR, **year})


def externs(world):
    return TraineeStatus.objects.filter(kind=EXTERN, faculty=world.faculty)


def test_d93_art2_statuses_are_created_for_the_extern_years_and_other_years_are_ignored(world):
    data = csv_bytes([
        row(national_id="BK200001", study_year="3"),
        row(national_id="BK200002", last_name="Berrada", study_year="6"),
        row(national_id="BK200003", last_name="Chraibi", track="médecine dentaire", study_year="5"),
        row(national_id="BK200004", last_name="Daoudi", track="pharmacie", study_year="4"),
        row(national_id="BK200005", last_name="Ennaji", study_year="2"),
        row(national_id="BK200006", last_name="Fassi", study_year="7"),
        row(national_id="BK200007", last_name="Guessous", track="pharmacy", study_year="3"),
    ])
    result = commit(world, data)
    assert result.ok, result.error_messages()
    assert result.counts["rows"] == 7
    assert result.counts["created"] == 4
    assert result.counts["ignored"] == 3
    found = {(s.person.national_id, s.track, s.study_year) for s in externs(world).select_related("person")}
    assert found == {("BK200001", "medicine", 3), ("BK200002", "medicine", 6), ("BK200003", "dental", 5),
                     ("BK200004", "pharmacy", 4)}
    status = externs(world).get(person__national_id="BK200001")
    assert (status.hospital_centre, status.start_date, status.end_date, status.entry_route) == (
        world.centre, D(2026, 9, 1), D(2027, 8, 31), TraineeStatus.EntryRoute.ENROLMENT)
    # The ignored rows' people are not created either.
    assert not Person.objects.filter(national_id__in=["BK200005", "BK200006", "BK200007"]).exists()
    record = EnrolmentImport.objects.get()
    assert (record.faculty, record.rows, record.statuses_created, record.imported_by) == (
        world.faculty, 7, 4, world.dean)


def test_d93_art6_pharmacy_years_5_and_6_and_dental_year_6_are_created_but_flagged(world):
    data = csv_bytes([
        row(national_id="BK200011", track="pharmacie", study_year="5"),
        row(national_id="BK200012", last_name="Bennani", track="pharmacie", study_year="6"),
        row(national_id="BK200013", last_name="Cherkaoui", track="dentaire", study_year="6"),
        row(national_id="BK200014", last_name="Douiri", track="pharmacie", study_year="4"),
    ])
    result = commit(world, data)
    assert result.ok
    assert result.counts["created"] == 4
    assert result.counts["flagged"] == 3
    assert [f.row for f in result.flagged] == [2, 3, 4]
    assert all("art. 6" in f.message for f in result.flagged)
    flagged_years = {(track, year) for track, year, _n, kind in result.per_year() if kind == "flagged"}
    assert flagged_years == {("pharmacie", 5), ("pharmacie", 6), ("médecine dentaire", 6)}


def test_the_dry_run_reports_the_numbers_and_writes_nothing(world):
    data = xlsx_bytes([row(), row(national_id="BK200002", last_name="Berrada", study_year="1")])
    result = do_import_enrolment(world.faculty, data, by=world.dean, **YEAR)
    assert result.ok and result.dry_run
    assert (result.counts["created"], result.counts["ignored"], result.counts["new_persons"]) == (1, 1, 1)
    assert result.record is None
    assert not externs(world).exists()
    assert not Person.objects.filter(national_id="BK200001").exists()
    assert not EnrolmentImport.objects.exists()


def test_d93_art6_a_repeat_is_read_from_the_history_when_the_file_does_not_say_it(world):
    person = PersonFactory(national_id="BK200021", last_name="Alami", first_name="Yassine")
    world.extern(person=person, study_year=4, start=D(2025, 9, 1))
    result = commit(world, csv_bytes([row(national_id="BK200021", study_year="4")]))
    assert result.ok
    status = externs(world).get(person=person, start_date=D(2026, 9, 1))
    assert status.is_repeat
    assert result.counts["repeats"] == 1
    assert not result.warnings


def test_a_file_saying_no_repeat_against_the_history_is_warned_and_recorded_as_repeat(world):
    person = PersonFactory(national_id="BK200022", last_name="Alami", first_name="Yassine")
    world.extern(person=person, study_year=5, start=D(2025, 9, 1))
    result = commit(world, csv_bytes([row(national_id="BK200022", study_year="5", repeat="non")]))
    assert result.ok
    assert externs(world).get(person=person, start_date=D(2026, 9, 1)).is_repeat
    assert [(w.row, w.column) for w in result.warnings] == [(2, "repeat")]


def test_the_file_saying_repeat_is_recorded_and_the_next_year_is_not_a_repeat(world):
    person = PersonFactory(national_id="BK200023", last_name="Alami", first_name="Yassine")
    world.extern(person=person, study_year=3, start=D(2025, 9, 1))
    result = commit(world, csv_bytes([row(national_id="BK200023", study_year="4"),
                                      row(national_id="BK200024", last_name="Berrada", study_year="4",
                                          repeat="oui")]))
    assert result.ok
    assert not externs(world).get(person=person, start_date=D(2026, 9, 1)).is_repeat
    assert externs(world).get(person__national_id="BK200024").is_repeat


def test_reimporting_the_same_year_does_not_duplicate_statuses(world):
    data = csv_bytes([row(), row(national_id="BK200002", last_name="Berrada", study_year="5")])
    assert commit(world, data).counts["created"] == 2
    again = commit(world, data)
    assert again.ok
    assert (again.counts["created"], again.counts["unchanged"], again.counts["updated"]) == (0, 2, 0)
    # A corrected year updates the status in place, still without repeating it.
    fixed = commit(world, csv_bytes([row(), row(national_id="BK200002", last_name="Berrada", study_year="6")]))
    assert (fixed.counts["created"], fixed.counts["updated"]) == (0, 1)
    assert externs(world).count() == 2
    assert externs(world).get(person__national_id="BK200002").study_year == 6
    assert not externs(world).filter(is_repeat=True).exists()
    assert EnrolmentImport.objects.count() == 3


def test_an_existing_person_is_matched_on_the_cin_and_not_created_again(world):
    person = PersonFactory(national_id="BK200031", last_name="ALAMI", first_name="Yassine")
    result = commit(world, csv_bytes([row(national_id="bk-200031")]))
    assert result.ok and result.counts["new_persons"] == 0
    assert externs(world).get().person == person


def test_a_name_that_does_not_match_the_existing_person_is_an_error_naming_the_row(world):
    PersonFactory(national_id="BK200032", last_name="Tazi", first_name="Omar")
    result = commit(world, csv_bytes([row(national_id="BK200001"), row(national_id="BK200032")]))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "last_name")]
    assert "TAZI" in result.errors[0].message
    assert not externs(world).exists()


def test_a_bad_row_names_its_row_and_column_and_nothing_is_written(world):
    data = csv_bytes([
        row(national_id="BK200041"),
        row(national_id="BK200042", last_name="Berrada", study_year="x"),
        row(national_id="", passport_number="", last_name="Chraibi"),
        row(national_id="BK200044", last_name="Daoudi", track="vétérinaire"),
    ])
    result = commit(world, data)
    assert not result.ok and not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, "study_year"), (4, "national_id"), (5, "track")]
    assert "ligne 3, colonne study_year" in result.error_messages()[0]
    assert not externs(world).exists()
    assert not Person.objects.filter(national_id="BK200041").exists()
    assert not EnrolmentImport.objects.exists()


def test_a_foreign_student_is_matched_on_passport_and_nationality(world):
    header = HEADER
    data = csv_bytes([row(national_id="", passport_number="SN12345", nationality="SN")], header)
    assert commit(world, data).ok
    status = externs(world).select_related("person").get()
    assert (status.person.passport_number, status.person.nationality, status.person.national_id) == (
        "SN12345", "SN", None)


def test_the_same_person_twice_in_the_file_is_an_error(world):
    result = commit(world, csv_bytes([row(), row()]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "national_id")]


def test_french_column_names_are_read_too(world):
    header = ["cin", "nom", "prenom", "filiere", "annee_etudes", "redoublement"]
    data = csv_bytes([["BK200051", "Alami", "Yassine", "Pharmacie", "4", "oui"]], header)
    result = commit(world, data)
    assert result.ok
    status = externs(world).get()
    assert (status.track, status.study_year, status.is_repeat) == ("pharmacy", 4, True)


def test_a_missing_required_column_is_an_error_of_the_header(world):
    result = commit(world, csv_bytes([["BK200001", "Alami", "Yassine"]], ["national_id", "last_name", "first_name"]))
    assert {(e.row, e.column) for e in result.errors} == {(1, "track"), (1, "study_year")}


def test_the_dean_of_another_faculty_cannot_import(world):
    other_dean = user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory())
    with pytest.raises(PermissionDenied):
        commit(world, csv_bytes([row()]), by=other_dean)
    with pytest.raises(PermissionDenied):
        commit(world, csv_bytes([row()]), by=world.director)
    assert not externs(world).exists()


def test_the_ministry_may_import_for_any_faculty(world):
    assert commit(world, csv_bytes([row()]), by=world.ministry).counts["created"] == 1


def test_the_template_has_the_columns_and_a_help_sheet(world):
    workbook = load_workbook(io.BytesIO(enrolment_template()))
    first, aide = workbook.worksheets
    assert [c.value for c in first[1]] == HEADER
    assert aide.max_row > len(HEADER)
    # The template itself, filled in, imports.
    first.append(row())
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert commit(world, buffer.getvalue()).counts["created"] == 1


def test_the_command_previews_by_default_and_writes_with_commit(world, tmp_path):
    path = tmp_path / "inscrits.csv"
    path.write_bytes(csv_bytes([row(), row(national_id="BK200002", last_name="Berrada", track="pharmacie",
                                           study_year="5")]))
    out = io.StringIO()
    call_command("import_enrolment", world.faculty.code, str(path), "--year", "2026", "--by",
                 world.dean.username, stdout=out)
    assert "2 externes" in out.getvalue() and "aperçu" in out.getvalue()
    assert not externs(world).exists()
    out = io.StringIO()
    call_command("import_enrolment", world.faculty.code, str(path), "--year", "2026", "--by",
                 world.dean.username, "--commit", stdout=out)
    assert externs(world).count() == 2
    assert "art. 6" in out.getvalue()


def test_the_command_stops_on_errors_with_status_2(world, tmp_path):
    path = tmp_path / "inscrits.csv"
    path.write_bytes(csv_bytes([row(study_year="x")]))
    with pytest.raises(CommandError) as error:
        call_command("import_enrolment", world.faculty.code, str(path), "--year", "2026", "--by",
                     world.dean.username, "--commit", stdout=io.StringIO())
    assert error.value.returncode == 2
    assert "ligne 2, colonne study_year" in str(error.value)
    assert not externs(world).exists()
