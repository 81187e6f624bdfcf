"""The letter parser (pure Python): tables, subtotals, total and the letter's own figures."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from residanat.concours.posts_letter import parse_posts_letter
from residanat.rules import SpecialtyGroup, Track

# Line numbers in the seed file.
MEDICAL_SUBTOTAL, SURGICAL_SUBTOTAL, TOTAL = 77, 91, 120
SUMMARY_CONTRACT = 20


def error_lines(letter):
    return [p.line for p in letter.errors]


def test_seed_letter_gives_352_contract_10_foreign_volunteer_362_posts(seed_text):
    letter = parse_posts_letter(seed_text)

    assert letter.errors == []
    assert (letter.contract, letter.foreign_volunteer, letter.all) == (352, 10, 362)


def test_seed_letter_has_four_groups_with_their_subtotals_across_the_page_break(seed_text):
    letter = parse_posts_letter(seed_text)

    assert [(g.group, g.track, g.contract, g.foreign_volunteer) for g in letter.groups] == [
        (SpecialtyGroup.MEDICAL, Track.MEDICINE, 214, 5),
        (SpecialtyGroup.SURGICAL, Track.MEDICINE, 104, 3),
        (SpecialtyGroup.BIOLOGICAL, Track.MEDICINE, 19, 1),
        (SpecialtyGroup.PHARMACEUTICAL, Track.PHARMACY, 15, 1),
    ]
    assert [len(g.specialties) for g in letter.groups] == [29, 12, 4, 4]


def test_foreign_volunteer_posts_are_a_pool_per_group_not_per_specialty(seed_text):
    letter = parse_posts_letter(seed_text)

    assert all(s.foreign_volunteer == 0 for g in letter.groups for s in g.specialties)
    assert [g.foreign_volunteer_pool for g in letter.groups] == [5, 3, 1, 1]


def test_letter_summary_figures_are_read_with_their_lines(seed_text):
    summary = parse_posts_letter(seed_text).summary

    assert summary.as_dict() == {
        "internat": 70, "internat_medicine": 60, "internat_pharmacy": 10, "residanat": 362,
        "contract": 352, "contract_medicine": 337, "contract_pharmacy": 15,
        "foreign_volunteer": 10, "foreign_volunteer_medicine": 9, "foreign_volunteer_pharmacy": 1,
    }
    assert summary.contract.line == SUMMARY_CONTRACT


def test_year_session_date_kind_and_centre_come_from_the_tables_title(seed_text):
    letter = parse_posts_letter(seed_text)

    assert (letter.year, letter.session_date, letter.competition_kind, letter.centre) == (
        2026, dt.date(2026, 6, 15), "residanat", "CASABLANCA")


def test_wrong_subtotal_is_an_error_naming_its_line(edited_seed):
    letter = parse_posts_letter(edited_seed(SURGICAL_SUBTOTAL, "<b>104</b>", "<b>105</b>"))

    assert error_lines(letter) == [SURGICAL_SUBTOTAL]
    assert "105" in letter.errors[0].message and "104" in letter.errors[0].message


def test_wrong_subtotal_of_volunteer_and_total_columns_is_an_error(edited_seed):
    letter = parse_posts_letter(edited_seed(MEDICAL_SUBTOTAL, "<b>5</b>\t<b>219</b>", "<b>5</b>\t<b>218</b>"))

    assert error_lines(letter) == [MEDICAL_SUBTOTAL]


def test_wrong_total_is_an_error_naming_its_line(edited_seed):
    letter = parse_posts_letter(edited_seed(TOTAL, "<b>352</b>", "<b>353</b>"))

    assert error_lines(letter) == [TOTAL]


def test_letter_summary_disagreeing_with_the_tables_is_an_error(edited_seed):
    text = edited_seed(SUMMARY_CONTRACT, "352 Postes avec contrat (337", "353 Postes avec contrat (338")
    letter = parse_posts_letter(text)

    # 353 contract + 10 volunteer is not the 362 announced, and the tables give 352 (337 in medicine).
    assert set(error_lines(letter)) == {19, SUMMARY_CONTRACT}
    assert any("353 contract posts, the tables give 352" in p.message for p in letter.errors)
    assert any("338 contract posts in medicine, the tables give 337" in p.message for p in letter.errors)


def test_specialty_line_whose_total_is_not_contract_plus_volunteer_is_an_error(edited_seed):
    letter = parse_posts_letter(edited_seed(49, "5\t\t5", "5\t\t6"))

    assert error_lines(letter) == [49]


def test_group_without_a_subtotal_is_an_error(seed_text):
    text = seed_text.replace("<b>Sous Total</b>\t<b>104</b>\t<b>3</b>\t<b>107</b>\n", "")
    letter = parse_posts_letter(text)

    assert 78 in error_lines(letter)  # the surgical group's header
    assert any("no Sous Total" in p.message for p in letter.errors)


def test_letter_without_a_total_line_is_an_error(seed_text):
    letter = parse_posts_letter(seed_text.replace("<b>TOTAL</b>\t<b>352</b>\t<b>10</b>\t<b>362</b>", ""))

    assert any("no TOTAL" in p.message for p in letter.errors)


def test_a_count_that_is_not_a_number_is_an_error(edited_seed):
    letter = parse_posts_letter(edited_seed(49, "5\t\t5", "cinq\t\t5"))

    assert 49 in error_lines(letter)


def _letter(groups):
    """A letter whose tables hold `groups`: [(group word, [contract posts], volunteer pool)]."""
    lines = ["Centre de formation\tPostes proposés par le MSPS\t\t", "\tContrat\tBénévoles Etrangers\tTotal",
             "<b>CENTRE</b>\t\t\t"]
    contract = volunteer = 0
    for word, posts, pool in groups:
        lines.append(f"<b>Spécialités {word}</b>\t\t\t")
        lines += [f"- Spécialité {i}\t{n}\t\t{n}" for i, n in enumerate(posts)]
        lines.append(f"<b>Sous Total</b>\t<b>{sum(posts)}</b>\t<b>{pool or ''}</b>\t<b>{sum(posts) + pool}</b>")
        contract, volunteer = contract + sum(posts), volunteer + pool
    lines.append(f"<b>TOTAL</b>\t<b>{contract}</b>\t<b>{volunteer}</b>\t<b>{contract + volunteer}</b>")
    return "\n".join(lines)


@given(st.lists(st.tuples(st.lists(st.integers(0, 40), max_size=12), st.integers(0, 9)), min_size=1, max_size=4))
def test_consistent_tables_parse_without_errors_and_totals_are_the_sums(groups):
    words = ["Médicales", "Chirurgicales", "Biologiques", "Pharmaceutiques"]
    groups = [(words[i], posts, pool) for i, (posts, pool) in enumerate(groups)]
    letter = parse_posts_letter(_letter(groups))

    assert letter.errors == []
    assert letter.contract == sum(sum(posts) for _, posts, _ in groups)
    assert letter.foreign_volunteer == sum(pool for _, _, pool in groups)


def test_parser_is_pure_python_without_django():
    import subprocess
    import sys

    code = "import sys, residanat.concours.posts_letter; print('django' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert done.stdout.strip() == "False", done.stderr
