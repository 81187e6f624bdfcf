"""The regulation parameters: effective dates, articles, and the errors a wrong lookup gives."""

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from residanat.rules import (
    DurationClass,
    ParameterError,
    ParameterNotInForce,
    UnknownParameter,
    load_parameters,
    param,
    residency_duration_class,
)
from residanat.rules.parameters import parse_parameters

ENTRY = """
[[param]]
key = "intern.stipend"
value = {value}
unit = "MAD/month"
valid_from = {valid_from}
{valid_to}
ref = "{ref}"
seed = "002_0a5cf3428987eb25"
label_fr = "x"
label_ar = "س"
"""


def entry(value=1500, valid_from="1993-06-02", valid_to=None, ref="D93 art. 18"):
    return ENTRY.format(
        value=value, valid_from=valid_from, ref=ref,
        valid_to=f"valid_to = {valid_to}" if valid_to else "",
    )


def test_intern_stipend_is_1500_with_its_article_in_2025():
    table = load_parameters()
    p = table.get("intern.stipend", dt.date(2025, 6, 1))
    assert p.value == 1500 and p.ref == "D93 art. 18"
    assert param("intern.housing_allowance", on=dt.date(2025, 6, 1)) == 300


@pytest.mark.parametrize(
    "key, on, expected, ref",
    [
        ("extern.stipend.medicine.year3", "2024-01-01", 110, "D93 art. 6"),
        ("extern.stipend.medicine.year5", "2024-01-01", 165, "D93 art. 6"),
        ("extern.stipend.pharmacy.year4", "2024-01-01", 360, "D93 art. 6"),
        ("extern.stipend.dental.year6", "2024-01-01", 2000, "D93 art. 6"),
        ("resident.stipend", "2024-01-01", 3500, "D93 art. 27"),
        ("ph_intern.stipend", "2024-01-01", 1188, "RD68 ch. 11"),
        ("ph_intern.housing_allowance", "2024-01-01", 150, "RD68 ch. 11"),
        ("seventh_year.lump_sum", "2025-01-01", 2400, "RD68 ch. 14"),
        ("internat.max_attempts", "2024-01-01", 4, "D93 art. 8"),
        ("residanat.max_attempts", "2024-01-01", 4, "D93 art. 21"),
        ("ph_internat.max_attempts", "2024-01-01", 2, "RD68 ch. 1"),
        ("residanat.foreign_share_max", "2024-01-01", Decimal("0.10"), "D93 art. 21"),
        ("commitment.years", "2024-01-01", 8, "D93 art. 27"),
        ("discipline.d93.temporary_exclusion_max_months", "2024-01-01", 2, "D93 art. 30"),
        ("discipline.rd68.temporary_exclusion_max_months", "2024-01-01", 1, "RD68 ch. 8"),
        ("discipline.d93.file_access_min_days", "2024-01-01", 7, "D93 art. 32"),
        ("internat.thesis_after_months.medicine", "2024-01-01", 18, "D93 art. 15"),
        ("internat.thesis_after_months.pharmacy", "2024-01-01", 12, "D93 art. 15"),
        ("travel.max_refund", "2024-01-01", 500, "RD68 ch. 17"),
        ("travel.luggage_lump_sum", "2024-01-01", 120, "RD68 ch. 17"),
        ("travel.exam_grant", "2024-01-01", 600, "RD68 ch. 17"),
    ],
)
def test_values_match_the_digest_of_the_regulation(key, on, expected, ref):
    p = load_parameters().get(key, dt.date.fromisoformat(on))
    assert p.value == expected
    assert p.ref == ref


def test_seventh_year_lump_sum_is_not_in_force_before_1_january_2025():
    # RD68 ch. 14 as amended by decree 2.25.818 applies from 1 January 2025.
    with pytest.raises(ParameterNotInForce) as excinfo:
        param("seventh_year.lump_sum", on=dt.date(2024, 12, 31))
    message = str(excinfo.value)
    assert "2024-12-31" in message and "RD68 ch. 14" in message and "2025-01-01" in message


def test_unknown_key_names_the_key():
    with pytest.raises(UnknownParameter, match="intern.stipendd"):
        param("intern.stipendd", on=dt.date(2025, 1, 1))


def test_a_new_value_takes_over_on_its_effective_date_and_the_old_one_stays_for_the_past():
    table = parse_parameters(
        entry(1500, "1993-06-02", valid_to="2026-06-30") + entry(1800, "2026-07-01")
    )
    assert table.get("intern.stipend", dt.date(2026, 6, 30)).value == 1500
    assert table.get("intern.stipend", dt.date(2026, 7, 1)).value == 1800


def test_overlapping_ranges_are_refused():
    with pytest.raises(ParameterError, match="overlapping"):
        parse_parameters(entry(1500, "1993-06-02") + entry(1800, "2026-07-01"))


def test_a_reference_that_is_not_an_article_is_refused():
    with pytest.raises(ParameterError, match="ref"):
        parse_parameters(entry(ref="article 18"))


def test_a_range_ending_before_it_starts_is_refused():
    with pytest.raises(ParameterError, match="before valid_from"):
        parse_parameters(entry(valid_from="2020-01-01", valid_to="2019-01-01"))


def test_every_shipped_parameter_cites_an_article_and_has_both_labels():
    table = load_parameters()
    for key in table.keys():
        for p in table.versions(key):
            assert p.ref.startswith(("D93 art. ", "RD68 ch. "))
            assert p.label_fr and p.label_ar
            assert p.seed in {"002_0a5cf3428987eb25", "003_1d3183b5fc980bb3"}


@pytest.mark.parametrize(
    "group, code, expected",
    [
        ("medical", "occupational-medicine", DurationClass.SHORT),
        ("medical", "sports-medicine", DurationClass.SHORT),
        ("medical", "cardiology", DurationClass.STANDARD),
        ("biological", "medical-biology", DurationClass.STANDARD),
        ("surgical", "general-surgery", DurationClass.LONG),
        ("medical", "internal-medicine", DurationClass.LONG),
        ("dental", "oral-surgery", DurationClass.STANDARD),
        ("dental", "conservative-dentistry", DurationClass.STANDARD),
    ],
)
def test_residency_length_class_follows_d93_art_23(group, code, expected):
    assert residency_duration_class(group, code) == expected
    assert param(expected.parameter_key, on=dt.date(2025, 1, 1)) == {"short": 3, "standard": 4, "long": 5}[expected]


@pytest.mark.parametrize("code", ["oral-surgery", "periodontology", "prosthodontics", "dentofacial-orthopaedics",
                                  "paediatric-dentistry", "conservative-dentistry-endodontics"])
def test_d93_art_23_and_25_every_dental_specialty_lasts_four_years(code):
    """D93 art. 23: "أربع سنوات فيما يتعلق بالاختصاصات الطبية أو الصيدلية أو البيولوجية واختصاصات المحافظة
    على الأسنان"; art. 25 c) splits the residents of "اختصاصات المحافظة على الأسنان" into "المقيمون
    بالسنتين الأوليين" and "المقيمون بالسنتين الأخيرتين": two and two, four years, oral surgery included
    (docs/decisions/0003-dental-residency-length.md)."""
    assert residency_duration_class("dental", code) == DurationClass.STANDARD


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "residanat", *args], capture_output=True, text=True, timeout=60
    )


def test_rules_show_json_lists_intern_stipend_with_article():
    result = run_cli("rules", "show", "--on", "2025-06-01", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["on"] == "2025-06-01"
    by_key = {p["key"]: p for p in data["parameters"]}
    assert by_key["intern.stipend"]["value"] == 1500
    assert by_key["intern.stipend"]["ref"] == "D93 art. 18"
    # Not yet in force on that date.
    assert "seventh_year.lump_sum" in by_key
    assert "residanat.max_attempts" in by_key


def test_rules_show_before_2025_omits_the_seventh_year_lump_sum():
    data = json.loads(run_cli("rules", "show", "--on", "2024-06-01", "--json").stdout)
    assert "seventh_year.lump_sum" not in {p["key"] for p in data["parameters"]}


def test_rules_show_rejects_a_bad_date():
    result = run_cli("rules", "show", "--on", "2025-13-01")
    assert result.returncode == 2
    assert "not a date" in result.stderr


def test_rules_command_does_not_start_django():
    result = subprocess.run(
        [sys.executable, "-c",
         "import sys; from residanat.cli import main; main(['rules','show','--json']); "
         "sys.stderr.write(str('django' in sys.modules))"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.stderr.strip() == "False"
