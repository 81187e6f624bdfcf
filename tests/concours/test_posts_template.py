"""The posts template: downloaded pre-filled from the referential and the competition's posts,
read back with every row checked (each problem naming its row and column), written atomically."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from residanat.accounts.roles import Role
from residanat.concours.models import Competition, PostAllocation
from residanat.concours.posts_template import COLUMNS, file_kind, posts_template, read_posts_table
from residanat.concours.services import do_import_posts_file, do_import_posts_table, do_import_posts_letter
from residanat.referential.models import Faculty, Specialty
from tests.accounts.factories import UserFactory, user_with_role

from .conftest import SEED
from .factories import CompetitionFactory

pytestmark = pytest.mark.usefixtures("referential")

SLUG = "residanat-2026-casablanca"
HEADER = ";".join(COLUMNS)


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def competition(admin):
    """The Casablanca résidanat with the 2026 letter's 53 allocations, as a draft."""
    assert do_import_posts_letter(SEED, SLUG).ok
    return Competition.objects.get(slug=SLUG)


def allocations(competition):
    return sorted(PostAllocation.objects.filter(competition=competition).values_list(
        "seat_type", "group", "track", "specialty__code", "seats"), key=lambda r: tuple(map(str, r)))


def sheet_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv(*rows: str) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode("utf-8")


# A valid table: Cardiologie 5 contract, the medical pool 2 volunteers.
CARDIOLOGY = "medical;medicine;cardiology;Cardiologie;5;;;"
MEDICAL_POOL = "medical;medicine;;;;2;;"


# --- the download ----------------------------------------------------------------------------------

def test_template_lists_every_specialty_of_the_faculty_and_each_group_pool(competition):
    rows = sheet_rows(posts_template(competition))

    assert rows[0] == list(COLUMNS)
    codes = {(r[0], r[2]) for r in rows[1:]}
    expected = {(s.group, s.code) for s in Specialty.objects.exclude(group=Specialty.Group.DENTAL)}
    assert expected <= codes
    # A faculty of medicine and pharmacy trains no dental residents: no dental rows.
    assert not any(r[0] == "dental" for r in rows[1:])
    assert {(g, None) for g in ("medical", "surgical", "biological", "pharmaceutical")} <= {
        (r[0], r[2] or None) for r in rows[1:] if not r[2]}


def test_template_is_prefilled_with_the_competition_seats(competition):
    rows = {(r[0], r[2] or ""): r for r in sheet_rows(posts_template(competition))[1:]}

    assert rows[("medical", "anaesthesia-reanimation")][4] == 20
    assert rows[("medical", "cardiology")][4] == 5
    assert rows[("medical", "")][5] == 5  # the volunteer pool of the medical group
    assert rows[("pharmaceutical", "medical-biological-analyses")][4] == 5
    assert rows[("medical", "geriatrics")][3] == "Gériatrie"


def test_template_round_trip_gives_the_same_allocations(competition, admin):
    before = allocations(competition)

    result = do_import_posts_table(competition, posts_template(competition), admin, dry_run=False)

    assert result.ok, result.errors
    assert result.counts == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 53}
    assert allocations(competition) == before
    assert result.as_dict()["totals"] == {"contract": 352, "foreign_volunteer": 10, "public_administration": 0,
                                          "military": 0, "all": 362}


def test_template_of_an_empty_competition_imported_into_another_reproduces_it(competition, admin):
    other = CompetitionFactory(slug="residanat-2027-casablanca", year=2027, faculty=competition.faculty)

    result = do_import_posts_table(other, posts_template(competition), admin, dry_run=False)

    assert result.ok and result.counts["created"] == 53
    assert allocations(other) == allocations(competition)


# --- reading it back -------------------------------------------------------------------------------

def test_edited_template_changes_only_the_edited_rows_and_records_who(competition, admin):
    rows = sheet_rows(posts_template(competition))
    for row in rows[1:]:
        if row[2] == "cardiology":
            row[4] = 7
        if row[2] == "general-surgery":
            row[7] = 2
    lines = [";".join("" if v is None else str(v) for v in row) for row in rows]

    result = do_import_posts_table(competition, ("\n".join(lines) + "\n").encode(), admin, dry_run=False)

    assert result.ok, result.errors
    assert result.counts == {"created": 1, "updated": 1, "deleted": 0, "unchanged": 52}
    cardiology = PostAllocation.objects.get(competition=competition, specialty__code="cardiology")
    assert (cardiology.seats, cardiology.source_line) == (7, None)
    assert PostAllocation.objects.get(competition=competition, seat_type="military").seats == 2
    record = competition.history.first()
    assert record.history_user == admin
    assert "1 créées, 1 modifiées" in record.history_change_reason


def test_dry_run_writes_nothing_and_counts_exactly(competition, admin):
    before = allocations(competition)
    history = competition.history.count()

    result = do_import_posts_table(competition, csv(CARDIOLOGY, MEDICAL_POOL), admin, dry_run=True)

    assert result.ok and not result.written
    # Cardiologie stays 5; the medical pool goes from 5 to 2; the 51 others go.
    assert result.counts == {"created": 0, "updated": 1, "deleted": 51, "unchanged": 1}
    assert allocations(competition) == before
    assert competition.history.count() == history


def test_import_replaces_the_whole_distribution(competition, admin):
    result = do_import_posts_table(competition, csv(CARDIOLOGY, MEDICAL_POOL), admin, dry_run=False)

    assert result.ok
    assert allocations(competition) == [
        ("contract", "medical", "medicine", "cardiology", 5),
        ("foreign_volunteer", "medical", "medicine", None, 2),
    ]


def test_csv_with_commas_and_group_labels_is_read(competition, admin):
    data = ("groupe,filiere,specialite_code,specialite,contractuels,benevoles_etrangers,administration_publique,"
            "militaires\nSpécialités médicales,médecine,cardiology,Cardiologie,3,,,\n").encode("cp1252")

    result = do_import_posts_table(competition, data, admin, dry_run=True)

    assert result.ok, result.errors
    assert result.wanted() == {("contract", "medical", Specialty.objects.get(group="medical", code="cardiology").pk): 3}


# Each bad row: (row as written, column named, words of the message).
BAD_ROWS = [
    ("chirurgie;medicine;cardiology;;5;;;", "groupe", "chirurgie"),
    (";medicine;cardiology;;5;;;", "groupe", "manquant"),
    ("medical;pharmacy;dermatology;;5;;;", "filiere", "medicine"),
    ("medical;medicine;cardiologie;;5;;;", "specialite_code", "cardiologie"),
    ("medical;medicine;medical-biological-analyses;;5;;;", "specialite_code", "biological, pharmaceutical"),
    ("medical;medicine;dermatology;;-1;;;", "contractuels", "négatif"),
    ("medical;medicine;dermatology;;2.5;;;", "contractuels", "entier"),
    ("medical;medicine;dermatology;;;deux;;", "benevoles_etrangers", "deux"),
    ("medical;medicine;dermatology;;;;;1,5", "militaires", "entier"),
    ("medical;medicine;dermatology;;;;1;", "administration_publique", "27 bis"),
    ("surgical;medicine;;;;;1;", "administration_publique", "27 bis"),
    ("medical;medicine;cardiology;;1;;;", "specialite_code", "ligne 2"),  # a second Cardiologie row
]


@pytest.mark.parametrize("bad, column, words", BAD_ROWS, ids=[f"{c}-{w}" for _, c, w in BAD_ROWS])
def test_each_bad_row_is_an_error_naming_row_and_column_and_nothing_is_written(competition, admin, bad, column, words):
    before = allocations(competition)
    history = competition.history.count()

    result = do_import_posts_table(competition, csv(CARDIOLOGY, MEDICAL_POOL, bad), admin, dry_run=False)

    assert [(e.line, e.column) for e in result.errors] == [(4, column)]
    assert words in result.errors[0].message
    assert f"ligne 4, colonne {column}" in str(result.errors[0])
    assert allocations(competition) == before
    assert competition.history.count() == history


def test_every_bad_row_is_reported_not_only_the_first(competition, admin):
    result = do_import_posts_table(competition, csv(*(bad for bad, _c, _w in BAD_ROWS[:6])), admin)

    assert sorted({e.line for e in result.errors}) == [2, 3, 4, 5, 6, 7]


def test_missing_column_is_an_error_on_the_header(competition, admin):
    data = "groupe;specialite_code;contractuels\nmedical;cardiology;5\n".encode()

    result = do_import_posts_table(competition, data, admin, dry_run=False)

    assert {(e.line, e.column) for e in result.errors} == {
        (1, "benevoles_etrangers"), (1, "administration_publique"), (1, "militaires")}
    assert len(allocations(competition)) == 53


def test_a_file_without_any_seat_is_refused_rather_than_emptying_the_distribution(competition, admin):
    result = do_import_posts_table(competition, csv("medical;medicine;cardiology;;0;;;"), admin, dry_run=False)

    assert not result.ok and "aucun poste" in result.errors[0].message
    assert len(allocations(competition)) == 53


def test_an_unreadable_file_is_an_error_not_a_crash(competition, admin):
    assert not do_import_posts_table(competition, b"PK\x03\x04 broken", admin).ok
    assert not do_import_posts_table(competition, b"\x81\x8d\x8f", admin).ok


# --- D93 art. 27 bis and the military posts ---------------------------------------------------------

def test_public_administration_posts_open_in_the_four_article_27_bis_specialties(competition, admin):
    rows = [f"medical;medicine;{code};;;;1;" for code in
            ("community-medicine", "forensic-medicine", "occupational-medicine", "sports-medicine")]

    result = do_import_posts_table(competition, csv(*rows), admin, dry_run=False)

    assert result.ok, result.errors
    assert PostAllocation.objects.filter(competition=competition, seat_type="public_administration").count() == 4


@pytest.mark.parametrize("code", ["cardiology", "paediatrics", "general-surgery"])
def test_public_administration_posts_are_refused_elsewhere(competition, admin, code):
    group = Specialty.objects.get(code=code).group

    result = do_import_posts_table(competition, csv(f"{group};;{code};;;;2;"), admin, dry_run=False)

    assert [(e.line, e.column) for e in result.errors] == [(2, "administration_publique")]
    assert "Médecine Légale" in result.errors[0].message  # it says where they may go


def test_military_posts_are_allowed_in_any_specialty_and_in_a_pool(competition, admin):
    result = do_import_posts_table(
        competition, csv("surgical;medicine;neurosurgery;;;;;1", "biological;;;;;;;2", CARDIOLOGY), admin, dry_run=False)

    assert result.ok, result.errors
    assert PostAllocation.objects.filter(competition=competition, seat_type="military").count() == 2


# --- who and when ----------------------------------------------------------------------------------

def test_template_import_is_refused_once_registration_is_open(competition, admin):
    Competition.objects.filter(pk=competition.pk).update(state=Competition.State.REGISTRATION_OPEN)
    competition.refresh_from_db()

    result = do_import_posts_table(competition, csv(CARDIOLOGY), admin, dry_run=False)

    assert not result.ok and "inscriptions ouvertes" in result.errors[0].message
    assert len(allocations(competition)) == 53


def test_template_import_is_allowed_while_posts_are_validated(competition, admin):
    Competition.objects.filter(pk=competition.pk).update(state=Competition.State.POSTS_VALIDATED)
    competition.refresh_from_db()

    assert do_import_posts_table(competition, csv(CARDIOLOGY), admin, dry_run=False).written


def test_a_user_who_can_only_view_cannot_import(competition):
    viewer = user_with_role(Role.HIGHER_EDUCATION_OFFICER)

    with pytest.raises(PermissionDenied):
        do_import_posts_table(competition, csv(CARDIOLOGY), viewer)


def test_a_dean_of_another_faculty_cannot_import(competition):
    dean = user_with_role(Role.DEAN_OFFICE, faculty=Faculty.objects.exclude(pk=competition.faculty_id).first())

    with pytest.raises(PermissionDenied):
        do_import_posts_table(competition, csv(CARDIOLOGY), dean)


# --- the letter through the same door ---------------------------------------------------------------

def test_uploaded_letter_and_template_are_told_apart():
    assert file_kind("lettre.txt", SEED.read_bytes()) == "letter"
    assert file_kind("postes.txt", csv(CARDIOLOGY)) == "table"
    assert file_kind("postes.csv", csv(CARDIOLOGY)) == "table"
    assert file_kind("postes.xlsx", b"PK\x03\x04") == "table"
    assert file_kind("photo.png", b"\x89PNG") is None


def test_uploaded_letter_is_imported_and_recorded_with_who(admin):
    competition = CompetitionFactory(slug=SLUG, faculty=Faculty.objects.get(code="fmp-casablanca"))

    result = do_import_posts_file(competition, "lettre.txt", SEED.read_bytes(), admin, dry_run=False)

    assert result.written and result.counts["created"] == 53
    record = competition.history.first()
    assert record.history_user == admin and "lettre.txt" in record.history_change_reason


def test_uploaded_one_line_text_is_never_read_as_a_server_path(admin):
    competition = CompetitionFactory(slug=SLUG, faculty=Faculty.objects.get(code="fmp-casablanca"))

    result = do_import_posts_file(competition, "lettre.txt", str(SEED).encode(), admin, dry_run=True)

    assert not result.ok and not result.letter.groups


def test_reading_alone_never_writes(competition):
    result = read_posts_table(csv(CARDIOLOGY, MEDICAL_POOL))

    assert result.ok and len(result.rows) == 2
    assert len(allocations(competition)) == 53
