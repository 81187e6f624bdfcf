"""Scores: one by one (checked against the test's maximum, the state and the candidate), and a whole
test from a spreadsheet (every row checked first, errors naming row and column, nothing written on
any error, the dry run writes nothing, the commit is atomic)."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from residanat.accounts.roles import Role
from residanat.concours.models import Candidate, Competition, Score
from residanat.concours.scores import do_enter_score, do_import_scores, scores_template
from tests.accounts.factories import user_with_role
from tests.concours.factories import CandidateFactory, CompetitionFactory, CompetitionTestFactory
from tests.referential.factories import FacultyFactory

State = Competition.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def competition():
    return CompetitionFactory(state=State.REGISTRATION_CLOSED)


@pytest.fixture
def test(competition):
    return CompetitionTestFactory(competition=competition, code="qcm", weight=2, max_score=20)


@pytest.fixture
def dean(competition):
    return user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty)


def eligible(competition, number, **kwargs):
    return CandidateFactory(competition=competition, number=number, state=Candidate.State.ELIGIBLE, **kwargs)


# --- one score ----------------------------------------------------------------------------------

def test_score_is_entered_with_its_author_and_history(competition, test, dean):
    candidate = eligible(competition, "C1")
    score = do_enter_score(candidate, test, "14,5", False, dean)
    assert (score.value, score.absent, score.entered_by) == (D("14.5"), False, dean)
    assert score.history.first().history_user == dean
    score = do_enter_score(candidate, test, None, True, dean)
    assert (score.value, score.absent) == (None, True)
    assert Score.objects.count() == 1


@pytest.mark.parametrize("value, message", [
    ("20.01", "20,01 dépasse la note maximale 20"),
    ("-1", "négative"),
    ("12.345", "plus de deux décimales"),
    ("douze", "n'est pas un nombre"),
    ("", "Saisissez une note"),
])
def test_score_outside_zero_to_the_maximum_or_not_a_number_is_refused(competition, test, dean, value, message):
    candidate = eligible(competition, "C1")
    with pytest.raises(ValidationError, match=message):
        do_enter_score(candidate, test, value, False, dean)
    assert not Score.objects.exists()


def test_the_maximum_and_zero_themselves_are_accepted(competition, test, dean):
    assert do_enter_score(eligible(competition, "C1"), test, "20", False, dean).value == D(20)
    assert do_enter_score(eligible(competition, "C2"), test, D(0), False, dean).value == D(0)


def test_absent_candidate_cannot_have_a_score(competition, test, dean):
    with pytest.raises(ValidationError, match="absent n'a pas de note"):
        do_enter_score(eligible(competition, "C1"), test, "12", True, dean)


@pytest.mark.parametrize("state, message", [
    (Candidate.State.INELIGIBLE, "n'est pas recevable"),
    (Candidate.State.WITHDRAWN, "s'est désisté"),
    (Candidate.State.REGISTERED, "pas encore établie"),
])
def test_only_eligible_candidates_have_scores(competition, test, dean, state, message):
    candidate = CandidateFactory(competition=competition, number="C9", state=state)
    with pytest.raises(ValidationError, match=message):
        do_enter_score(candidate, test, "12", False, dean)


def test_candidates_admitted_on_titles_do_not_sit_the_tests(competition, test, dean):
    candidate = eligible(competition, "T1", route=Candidate.Route.TITLES_INTERN)
    with pytest.raises(ValidationError, match="admis sur titres"):
        do_enter_score(candidate, test, "12", False, dean)


@pytest.mark.parametrize("state", [State.DRAFT, State.REGISTRATION_OPEN])
def test_scores_are_not_entered_before_registration_closes(test, dean, state):
    test.competition.state = state
    test.competition.save()
    with pytest.raises(ValidationError, match="inscriptions closes"):
        do_enter_score(eligible(test.competition, "C1"), test, "12", False, dean)


@pytest.mark.parametrize("state", [State.DELIBERATED, State.PUBLISHED])
def test_after_deliberation_a_score_goes_through_a_new_version_of_the_list(test, dean, state):
    test.competition.state = state
    test.competition.save()
    with pytest.raises(ValidationError, match="nouvelle version motivée"):
        do_enter_score(eligible(test.competition, "C1"), test, "12", False, dean)


def test_scores_may_still_be_corrected_once_closed_before_deliberation(test, dean):
    test.competition.state = State.SCORES_ENTERED
    test.competition.save()
    assert do_enter_score(eligible(test.competition, "C1"), test, "12", False, dean).value == D(12)


def test_only_someone_who_can_change_the_competition_enters_scores(competition, test):
    candidate = eligible(competition, "C1")
    for user in (user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()),
                 user_with_role(Role.HIGHER_EDUCATION_OFFICER)):  # national, but read-only
        with pytest.raises(PermissionDenied):
            do_enter_score(candidate, test, "12", False, user)
    assert not Score.objects.exists()


def test_a_test_of_another_competition_is_refused(competition, dean):
    other = CompetitionTestFactory()
    with pytest.raises(ValidationError, match="n'appartient pas"):
        do_enter_score(eligible(competition, "C1"), other, "12", False, dean)


# --- import -------------------------------------------------------------------------------------

def csv_bytes(*lines, sep=";"):
    return ("\n".join(sep.join(map(str, line)) for line in lines) + "\n").encode("utf-8")


def xlsx_bytes(*lines):
    workbook = Workbook()
    for line in lines:
        workbook.active.append(list(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def three(competition):
    return [eligible(competition, n) for n in ("C1", "C2", "C3")]


def test_dry_run_previews_every_row_and_writes_nothing(competition, test, dean, three):
    data = csv_bytes(("numero", "nom", "note", "absent"), ("C1", "A", "14,5", ""), ("C2", "B", "", "oui"),
                     ("C3", "C", "9.25", "non"))
    result = do_import_scores(competition, test, data, dean, dry_run=True)
    assert result.ok and not result.written
    assert [(r.row, r.number, r.value, r.absent, r.change) for r in result.rows] == [
        (2, "C1", D("14.5"), False, "created"), (3, "C2", None, True, "created"),
        (4, "C3", D("9.25"), False, "created")]
    assert result.counts["created"] == 3 and result.counts["absent"] == 1 and result.counts["missing"] == 0
    assert not Score.objects.exists()


def test_commit_writes_every_row_with_history(competition, test, dean, three):
    data = csv_bytes(("numero", "note", "absent"), ("C1", "14,5", ""), ("C2", "", "x"), ("C3", "9.25", "0"))
    result = do_import_scores(competition, test, data, dean, dry_run=False)
    assert result.written
    assert dict(Score.objects.values_list("candidate__number", "value")) == {
        "C1": D("14.5"), "C2": None, "C3": D("9.25")}
    assert Score.objects.get(candidate__number="C2").absent
    assert Score.history.filter(history_user=dean).count() == 3


def test_reimport_updates_changed_scores_and_keeps_the_others(competition, test, dean, three):
    do_enter_score(three[0], test, "10", False, dean)
    do_enter_score(three[1], test, "11", False, dean)
    data = csv_bytes(("numero", "note"), ("C1", "10"), ("C2", "12"))
    result = do_import_scores(competition, test, data, dean, dry_run=False)
    assert (result.counts["unchanged"], result.counts["updated"], result.counts["missing"]) == (1, 1, 1)
    assert [r.previous for r in result.rows] == ["10", "11"]
    assert Score.objects.get(candidate=three[1]).value == D(12)


def test_xlsx_with_numbers_and_accented_headers_is_read(competition, test, dean, three):
    data = xlsx_bytes(("Numéro", "Note", "Absent"), ("C1", 15.75, None), ("C2", 12, None), ("C3", None, 1))
    upload = SimpleUploadedFile("notes.xlsx", data)
    result = do_import_scores(competition, test, upload, dean, dry_run=False)
    assert result.ok, result.error_messages()
    assert dict(Score.objects.values_list("candidate__number", "value")) == {
        "C1": D("15.75"), "C2": D(12), "C3": None}


def test_every_error_names_its_row_and_column_and_nothing_is_written(competition, test, dean, three):
    CandidateFactory(competition=competition, number="C8", state=Candidate.State.WITHDRAWN)
    CandidateFactory(competition=competition, number="C9", state=Candidate.State.INELIGIBLE)
    do_enter_score(three[2], test, "10", False, dean)
    data = csv_bytes(
        ("numero", "note", "absent"),
        ("C1", "14", ""),        # row 2: fine
        ("C404", "12", ""),      # row 3: unknown number
        ("C8", "12", ""),        # row 4: withdrawn
        ("C9", "12", ""),        # row 5: ineligible
        ("C1", "13", ""),        # row 6: duplicate
        ("C2", "21", ""),        # row 7: over the maximum
        ("C3", "abc", ""),       # row 8: not a number
        ("", "", ""),            # row 9: blank, skipped
        ("C2b", "", "peut-être"),  # row 10: unknown number and unreadable "absent"
    )
    result = do_import_scores(competition, test, data, dean, dry_run=False)
    assert not result.ok and not result.written
    assert [(row, column) for row, column, _ in result.errors] == [
        (3, "numero"), (4, "numero"), (5, "numero"), (6, "numero"), (7, "note"), (8, "note"), (10, "numero"),
        (10, "absent")]
    messages = result.error_messages()
    assert "ligne 7, colonne note : 21 dépasse la note maximale 20" in messages
    assert "ligne 3, colonne numero : aucun candidat n° C404 dans ce concours" in messages
    assert "ligne 6, colonne numero : le candidat C1 figure déjà ligne 2" in messages
    assert "ligne 4, colonne numero : le candidat C8 s'est désisté" in messages
    assert "ligne 5, colonne numero : le candidat C9 n'est pas recevable" in messages
    assert "ligne 8, colonne note : « abc » n'est pas un nombre" in messages
    assert result.rows == []
    # Nothing written: only the score entered before the import.
    assert list(Score.objects.values_list("candidate__number", "value")) == [("C3", D(10))]


def test_missing_note_and_note_of_an_absentee_are_row_errors(competition, test, dean, three):
    data = csv_bytes(("numero", "note", "absent"), ("C1", "", ""), ("C2", "12", "oui"))
    result = do_import_scores(competition, test, data, dean, dry_run=True)
    assert [str(e) for e in result.errors] == [
        "ligne 2, colonne note : note manquante (ou indiquez absent : oui)",
        "ligne 3, colonne note : un candidat absent n'a pas de note"]


def test_a_file_without_the_note_column_is_refused_at_the_header(competition, test, dean, three):
    result = do_import_scores(competition, test, csv_bytes(("numero", "score"), ("C1", "12")), dean)
    assert [tuple(e) for e in result.errors] == [(1, "note", "colonne absente de l'en-tête")]


def test_comma_separated_file_with_quoted_decimal_commas(competition, test, dean, three):
    data = b'numero,note\nC1,"12,5"\n'
    result = do_import_scores(competition, test, data, dean, dry_run=False)
    assert result.ok and Score.objects.get().value == D("12.5")


def test_import_needs_the_right_to_change_and_the_right_state(competition, test, three):
    data = csv_bytes(("numero", "note"), ("C1", "12"))
    with pytest.raises(PermissionDenied):
        do_import_scores(competition, test, data, user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    competition.state = State.DELIBERATED
    competition.save()
    dean = user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty)
    with pytest.raises(ValidationError, match="nouvelle version motivée"):
        do_import_scores(competition, test, data, dean, dry_run=False)
    assert not Score.objects.exists()


def test_template_lists_the_candidates_who_sit_with_an_empty_note_column(competition, test, dean, three):
    CandidateFactory(competition=competition, number="C8", state=Candidate.State.WITHDRAWN)
    eligible(competition, "T1", route=Candidate.Route.TITLES_INTERN)
    sheet = load_workbook(io.BytesIO(scores_template(competition, test))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "numero" and rows[0][4] == "note"
    assert [r[0] for r in rows[1:]] == ["C1", "C2", "C3"]
    assert all(r[4] is None for r in rows[1:])


def test_filled_template_is_read_back(competition, test, dean, three):
    workbook = load_workbook(io.BytesIO(scores_template(competition, test)))
    for row, value in zip(range(2, 5), (11, 12.5, 13)):
        workbook.active.cell(row=row, column=5, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = do_import_scores(competition, test, buffer.getvalue(), dean, dry_run=False)
    assert result.ok, result.error_messages()
    assert sorted(Score.objects.values_list("value", flat=True)) == [D(11), D("12.5"), D(13)]
