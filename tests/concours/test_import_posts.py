"""Importing the ministry's letter of posts: referential matching, validation before any write,
the competition made from its slug, idempotent replacement, and the `import_posts` command."""

import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from residanat.concours.models import Competition, PostAllocation
from residanat.concours.services import do_import_posts_letter
from residanat.referential.models import Faculty

from .conftest import SEED

pytestmark = pytest.mark.usefixtures("referential")

SLUG = "residanat-2026-casablanca"
SURGICAL_SUBTOTAL = 91


def run_command(*args) -> tuple[dict, int]:
    out = StringIO()
    try:
        call_command("import_posts", *map(str, args), "--json", stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return json.loads(out.getvalue()), code


def rows(competition):
    return sorted(PostAllocation.objects.filter(competition=competition).values_list(
        "pk", "seat_type", "group", "track", "specialty__code", "seats", "source_line"), key=lambda r: r[0])


def test_seed_dry_run_gives_352_10_362_and_the_four_groups(seed_text):
    result, code = run_command(SEED, "--competition", SLUG, "--dry-run")

    assert code == 0
    assert result["totals"] == {"contract": 352, "foreign_volunteer": 10, "all": 362}
    assert [(g["name"], g["contract"], g["foreign_volunteer"]) for g in result["groups"]] == [
        ("Spécialités Médicales", 214, 5), ("Spécialités Chirurgicales", 104, 3),
        ("Spécialités Biologiques", 19, 1), ("Spécialités Pharmaceutiques", 15, 1),
    ]
    assert result["errors"] == []


def test_dry_run_writes_nothing_not_even_the_competition():
    result = do_import_posts_letter(SEED, SLUG, dry_run=True)

    assert result.ok and result.counts["created"] == 53
    assert not Competition.objects.exists()
    assert not PostAllocation.objects.exists()


def test_typos_of_the_letter_are_warnings_naming_the_canonical_specialty():
    result = do_import_posts_letter(SEED, SLUG, dry_run=True)
    warnings = {p.line: p.message for p in result.warnings}

    assert "'Maladie Infectieuses' read as 'Maladies Infectieuses'" in warnings[57]
    assert "'Oto-Rhyno-Laryngologie' read as 'Oto-Rhino-Laryngologie'" in warnings[87]
    assert result.matches[57].specialty.code == "infectious-diseases"
    assert result.matches[87].specialty.code == "oto-rhino-laryngology"


def test_spellings_differing_only_in_accents_or_punctuation_are_not_warnings():
    result = do_import_posts_letter(SEED, SLUG, dry_run=True)

    # "Epidémiologie Clinique", "Gynécologie Obstétrique", "Traumatologie -Orthopédie"
    assert {53, 84, 90}.isdisjoint(p.line for p in result.warnings)
    assert result.matches[84].specialty.code == "obstetrics-gynaecology"


def test_same_specialty_in_two_groups_is_kept_apart_by_group_and_track():
    result = do_import_posts_letter(SEED, SLUG)
    assert result.written

    for code, biological, pharmaceutical in (("medical-biological-analyses", 6, 5),
                                             ("pharmacology-pharmacodynamics", 3, 2)):
        allocations = PostAllocation.objects.filter(specialty__code=code).order_by("group")
        assert [(a.group, a.track, a.seats) for a in allocations] == [
            ("biological", "medicine", biological), ("pharmaceutical", "pharmacy", pharmaceutical)]


def test_foreign_volunteer_posts_are_stored_as_one_pool_per_group():
    do_import_posts_letter(SEED, SLUG)

    pools = PostAllocation.objects.filter(seat_type=PostAllocation.SeatType.FOREIGN_VOLUNTEER)
    assert sorted((a.group, a.specialty_id, a.seats, a.source_line) for a in pools) == [
        ("biological", None, 1, 113), ("medical", None, 5, 77),
        ("pharmaceutical", None, 1, 119), ("surgical", None, 3, 91)]
    contract = PostAllocation.objects.filter(seat_type=PostAllocation.SeatType.CONTRACT)
    assert sum(contract.values_list("seats", flat=True)) == 352
    assert contract.filter(specialty__isnull=True).count() == 0


def test_wrong_subtotal_exits_2_naming_the_line_and_writes_nothing(tmp_path, edited_seed):
    bad = tmp_path / "letter.txt"
    bad.write_text(edited_seed(SURGICAL_SUBTOTAL, "<b>104</b>", "<b>105</b>"), encoding="utf-8")

    result, code = run_command(bad, "--competition", SLUG)

    assert code == 2
    assert [e["line"] for e in result["errors"]] == [SURGICAL_SUBTOTAL]
    assert result["written"] is False
    assert not Competition.objects.exists()
    assert not PostAllocation.objects.exists()


def test_wrong_subtotal_leaves_the_previous_allocations_untouched(edited_seed):
    do_import_posts_letter(SEED, SLUG)
    competition = Competition.objects.get(slug=SLUG)
    before = rows(competition)

    result = do_import_posts_letter(edited_seed(SURGICAL_SUBTOTAL, "<b>104</b>", "<b>105</b>"), SLUG)

    assert not result.ok
    assert rows(competition) == before


def test_command_error_message_names_the_line(tmp_path, edited_seed):
    bad = tmp_path / "letter.txt"
    bad.write_text(edited_seed(SURGICAL_SUBTOTAL, "<b>104</b>", "<b>105</b>"), encoding="utf-8")

    with pytest.raises(CommandError, match=f"line {SURGICAL_SUBTOTAL}:") as exc:
        call_command("import_posts", str(bad), "--competition", SLUG, stdout=StringIO())
    assert exc.value.returncode == 2


def test_wrong_total_is_an_error_and_writes_nothing(edited_seed):
    result = do_import_posts_letter(edited_seed(120, "<b>10</b>", "<b>11</b>"), SLUG)

    assert [p.line for p in result.errors] == [120]
    assert not PostAllocation.objects.exists()


def test_letter_summary_disagreeing_with_the_tables_is_an_error(edited_seed):
    result = do_import_posts_letter(edited_seed(21, "(09 postes en Médecine", "(08 postes en Médecine"), SLUG)

    assert [p.line for p in result.errors] == [21, 21]  # 8 + 1 is not 10, and the tables give 9
    assert not PostAllocation.objects.exists()


def test_unknown_specialty_is_an_error_naming_the_line(edited_seed):
    result = do_import_posts_letter(edited_seed(54, "Gériatrie", "Astrologie Médicale"), SLUG)

    assert [p.line for p in result.errors] == [54]
    assert "unknown specialty 'Astrologie Médicale'" in result.errors[0].message
    assert not Competition.objects.exists()


def test_specialty_of_another_group_is_an_error(edited_seed):
    result = do_import_posts_letter(edited_seed(54, "Gériatrie", "Urologie"), SLUG)

    assert [p.line for p in result.errors] == [54]
    assert "spécialités chirurgicales" in result.errors[0].message


def test_specialty_listed_twice_in_a_group_is_an_error(edited_seed):
    result = do_import_posts_letter(edited_seed(50, "Dermatologie", "Cardiologie"), SLUG)

    assert [p.line for p in result.errors] == [50]
    assert "first on line 49" in result.errors[0].message


def test_reimport_of_the_same_letter_gives_the_same_rows():
    do_import_posts_letter(SEED, SLUG)
    competition = Competition.objects.get(slug=SLUG)
    first = rows(competition)

    again = do_import_posts_letter(SEED, SLUG)

    assert again.counts == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 53}
    assert rows(competition) == first
    assert len(first) == 53


def test_reimport_of_a_changed_letter_updates_only_the_changed_rows(edited_seed):
    do_import_posts_letter(SEED, SLUG)
    # Two posts move from dermatology to cardiology: the subtotal stays 214.
    text = edited_seed(49, "5\t\t5", "7\t\t7").replace("- Dermatologie\t5\t\t5", "- Dermatologie\t3\t\t3")

    result = do_import_posts_letter(text, SLUG)

    assert result.counts == {"created": 0, "updated": 2, "deleted": 0, "unchanged": 51}
    assert PostAllocation.objects.get(specialty__code="cardiology").seats == 7


def test_unknown_competition_is_created_from_kind_year_and_city():
    result = do_import_posts_letter(SEED, SLUG)

    assert result.competition_created
    competition = Competition.objects.get(slug=SLUG)
    assert (competition.kind, competition.year, competition.faculty.code, competition.hospital_centre.code,
            competition.session_date, competition.state) == (
        "residanat", 2026, "fmp-casablanca", "chu-ibn-rochd", dt.date(2026, 6, 15), "draft")
    assert competition.history.count() == 1


@pytest.mark.parametrize("slug", ["residanat-2026-atlantis", "concours-2026-casablanca", "casablanca"])
def test_unknown_competition_whose_slug_is_not_kind_year_known_city_is_an_error(slug):
    result = do_import_posts_letter(SEED, slug)

    assert not result.ok
    assert f"no competition {slug}" in result.errors[0].message
    assert not Competition.objects.exists()


def test_letter_for_another_year_than_the_competition_is_an_error():
    Competition.objects.create(kind="residanat", year=2025, slug=SLUG,
                               faculty=Faculty.objects.get(code="fmp-casablanca"))

    result = do_import_posts_letter(SEED, SLUG)

    assert any("the letter is for 2026" in p.message for p in result.errors)
    assert not PostAllocation.objects.exists()


def test_posts_cannot_be_replaced_once_registration_is_open():
    from .factories import CompetitionFactory

    competition = CompetitionFactory(slug=SLUG, faculty=Faculty.objects.get(code="fmp-casablanca"),
                                     state=Competition.State.REGISTRATION_OPEN)

    result = do_import_posts_letter(SEED, SLUG)

    assert any("can no longer be replaced" in p.message for p in result.errors)
    assert not competition.allocations.exists()


def test_residanat_command_accepts_the_hyphenated_name_import_posts():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-m", "residanat", "import-posts", "--help"],
                          capture_output=True, text=True, env=env, timeout=60)

    assert done.returncode == 0, done.stderr
    assert "--competition" in done.stdout and "--dry-run" in done.stdout


def test_database_refuses_a_second_pool_for_the_same_group_and_seat_type():
    from django.db import IntegrityError, transaction

    do_import_posts_letter(SEED, SLUG)
    competition = Competition.objects.get(slug=SLUG)

    with pytest.raises(IntegrityError), transaction.atomic():
        PostAllocation.objects.create(competition=competition, seat_type="foreign_volunteer", group="medical",
                                      track="medicine", seats=1)
