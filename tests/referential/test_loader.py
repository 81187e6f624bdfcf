"""The loader: validates every file before writing, writes idempotently, reports what it did."""

import csv
import shutil

import pytest
from django.core.management import CommandError, call_command

from residanat.referential import models
from residanat.referential.data import DATA_DIR
from residanat.referential.loader import ReferentialImportError, load_referential

pytestmark = pytest.mark.django_db

MODELS = (models.Region, models.Province, models.HealthDelegation, models.Faculty, models.HospitalCentre, models.Establishment,
          models.HospitalService, models.Specialty, models.UnderstaffedListing)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def set_cell(data_dir, file, line, column, value):
    """Rewrite one cell; `line` is the line number in the file (the header is line 1)."""
    path = data_dir / file
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def test_first_load_creates_every_row_and_reports_the_counts():
    report = load_referential()

    assert report.counts["Region"].created == 12
    assert report.counts["Province"].created == 75
    # One delegation per prefecture or province, Casablanca's split by prefecture of arrondissements.
    assert report.counts["HealthDelegation"].created == 82
    assert report.created == sum(counts().values())
    assert "Referential loaded" in report.as_text()


def test_loading_twice_creates_and_updates_nothing():
    load_referential()
    before = counts()

    report = load_referential()

    assert report.created == 0
    assert report.updated == 0
    assert counts() == before


def test_history_keeps_no_new_version_when_a_reload_changes_nothing():
    load_referential()
    versions = models.Establishment.history.count()

    load_referential()

    assert models.Establishment.history.count() == versions


def test_a_changed_name_is_updated_in_place_and_counted(data_dir):
    load_referential(data_dir)
    set_cell(data_dir, "establishments.csv", 2, "name_fr", "Hôpital Ibn Sina (Avicenne)")

    report = load_referential(data_dir)

    assert report.counts["Establishment"].updated == 1
    assert report.created == 0
    assert models.Establishment.objects.get(code="rabat-hopital-ibn-sina").name_fr == "Hôpital Ibn Sina (Avicenne)"


def test_a_faculty_removed_from_a_chu_counts_as_an_update_of_the_chu(data_dir):
    load_referential(data_dir)
    set_cell(data_dir, "hospital_centres.csv", 2, "faculties", "fmp-rabat")

    report = load_referential(data_dir)

    assert report.counts["HospitalCentre"].updated == 1
    ibn_sina = models.HospitalCentre.objects.get(code="chu-ibn-sina")
    assert list(ibn_sina.faculties.values_list("code", flat=True)) == ["fmp-rabat"]


def test_unknown_province_and_bad_kind_are_named_by_file_line_and_column_and_nothing_is_written(data_dir):
    set_cell(data_dir, "establishments.csv", 4, "province", "Atlantide")
    set_cell(data_dir, "establishments.csv", 6, "kind", "clinique")

    with pytest.raises(ReferentialImportError) as raised:
        load_referential(data_dir)

    errors = raised.value.errors
    assert "establishments.csv, line 4, column province: unknown province 'Atlantide' (not in regions_provinces.csv)" in errors
    assert any(e.startswith("establishments.csv, line 6, column kind: 'clinique' is not one of") for e in errors)
    assert len(errors) == 2
    assert sum(counts().values()) == 0


def test_a_bad_row_leaves_a_loaded_referential_unchanged(data_dir):
    load_referential(data_dir)
    before = counts()
    set_cell(data_dir, "establishments.csv", 2, "name_fr", "Nouveau nom")
    set_cell(data_dir, "services.csv", 3, "establishment", "hopital-inconnu")

    with pytest.raises(ReferentialImportError, match="services.csv, line 3, column establishment"):
        load_referential(data_dir)

    assert counts() == before
    assert models.Establishment.objects.get(code="rabat-hopital-ibn-sina").name_fr == "Hôpital Ibn Sina"


@pytest.mark.parametrize(
    ("file", "line", "column", "value", "message"),
    [
        ("regions_provinces.csv", 3, "name_ar", "Mdiq", "column name_ar: no Arabic letters"),
        ("regions_provinces.csv", 3, "name_fr", "Tanger-Assilah", "column name_fr: duplicate of line 2"),
        ("faculties.csv", 2, "code", "FMP Rabat", "column code: 'FMP Rabat' is not a code"),
        ("hospital_centres.csv", 2, "faculties", "fmp-rabat;fmp-atlantide", "unknown faculty 'fmp-atlantide'"),
        ("establishments.csv", 2, "hospital_centre", "", "a CHU hospital needs its hospital centre"),
        ("establishments.csv", 30, "hospital_centre", "chu-ibn-sina", "is a public-health hospital"),
        ("services.csv", 3, "code", "medecine-interne", "column code: duplicate of line 2"),
        ("specialties.csv", 3, "duration_class", "long", "D93 art. 23 gives 'standard' to cardiology"),
        ("specialties.csv", 3, "track", "pharmacy", "the medical group belongs to the medicine track"),
        ("specialties.csv", 3, "aliases", "Maladie Infectieuses", "'Maladie Infectieuses' already names cardiology"),
        ("specialties.csv", 47, "public_administration_open", "true", "D93 art. 27 bis opens only"),
        ("understaffed.csv", 2, "establishment", "casa-hopital-ibn-rochd", "a CHU establishment cannot be"),
        ("understaffed.csv", 2, "valid_to", "2023-01-01", "column valid_to: before valid_from"),
        ("understaffed.csv", 3, "establishment", "al-hoceima-chp", "column valid_from: duplicate of line 2"),
    ],
)
def test_each_rule_of_the_files_is_checked_before_writing(data_dir, file, line, column, value, message):
    set_cell(data_dir, file, line, column, value)

    with pytest.raises(ReferentialImportError) as raised:
        load_referential(data_dir)

    assert any(e.startswith(f"{file}, line ") and message in e for e in raised.value.errors), raised.value.errors
    assert sum(counts().values()) == 0


def test_two_listings_of_one_establishment_must_not_overlap(data_dir):
    set_cell(data_dir, "understaffed.csv", 2, "valid_to", "2024-12-31")
    set_cell(data_dir, "understaffed.csv", 3, "establishment", "al-hoceima-chp")
    set_cell(data_dir, "understaffed.csv", 3, "valid_from", "2024-06-01")

    with pytest.raises(ReferentialImportError) as raised:
        load_referential(data_dir)

    assert raised.value.errors == ["understaffed.csv, line 3, column valid_from: overlaps the listing of line 2"]


def test_a_missing_column_is_reported_on_the_header_line(data_dir):
    path = data_dir / "faculties.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",city_ar,", ",ville_ar,", 1), encoding="utf-8")

    with pytest.raises(ReferentialImportError) as raised:
        load_referential(data_dir)

    assert "faculties.csv, line 1, column city_ar: column missing" in raised.value.errors


def test_dry_run_counts_what_would_be_created_but_writes_nothing():
    report = load_referential(dry_run=True)

    assert report.dry_run
    assert report.counts["Province"].created == 75
    assert sum(counts().values()) == 0
    assert models.Establishment.history.count() == 0


def test_command_prints_the_report(capsys):
    call_command("load_referential", "--dry-run")

    assert "dry run: nothing written" in capsys.readouterr().out
    assert models.Region.objects.count() == 0


def test_command_fails_with_status_2_and_the_error_list(data_dir):
    set_cell(data_dir, "faculties.csv", 2, "province", "Atlantide")

    with pytest.raises(CommandError) as raised:
        call_command("load_referential", "--data-dir", str(data_dir))

    assert raised.value.returncode == 2
    assert "faculties.csv, line 2, column province: unknown province 'Atlantide'" in str(raised.value)


def test_a_delegation_in_an_unknown_province_names_its_line_and_column(data_dir):
    set_cell(data_dir, "delegations.csv", 3, "province", "Atlantis")
    with pytest.raises(ReferentialImportError) as err:
        load_referential(data_dir)
    assert any("delegations.csv, line 3, column province" in e and "Atlantis" in e for e in err.value.errors)
    assert models.HealthDelegation.objects.count() == 0
