"""Pages of the tests, the score grid, the score import and the merit list of a competition."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from residanat.accounts.roles import Role
from residanat.concours.competition_tests import do_save_competition_test
from residanat.concours.merit import current_merit_list
from residanat.concours.models import Candidate, Competition, MeritList, Score
from tests.accounts.factories import user_with_role
from tests.concours.factories import CandidateFactory
from tests.concours.merit_world import World, typical
from tests.formpage import form_with_errors, shows

State = Competition.State
pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("notes.xlsx", buffer.getvalue())


# --- tests (épreuves) ------------------------------------------------------------------------------

def test_the_tests_page_lists_each_test_with_its_weight_and_maximum(verified_client):
    world = World()
    page = verified_client(world.dean).get(f"/concours/{world.competition.slug}/epreuves/").content.decode()
    assert "Épreuve écrite" in page and "Cas cliniques" in page and "الاختبار الكتابي" in page
    assert "Total des coefficients" in page and ">4<" in page  # 1 + 3


def test_the_dean_adds_a_test_with_a_decimal_comma_weight(verified_client):
    world = World()
    response = verified_client(world.dean).post(f"/concours/{world.competition.slug}/epreuves/", {
        "code": "oral", "name_fr": "Oral", "name_ar": "الشفوي", "weight": "1,5", "max_score": "20", "order": "",
    })
    assert response.status_code == 302
    oral = world.competition.tests.get(code="oral")
    assert (oral.weight, oral.max_score, oral.order) == (D("1.5"), D("20"), 3)


def test_a_test_with_the_code_of_another_or_a_zero_weight_is_refused_on_the_page(verified_client):
    world = World()
    response = verified_client(world.dean).post(f"/concours/{world.competition.slug}/epreuves/", {
        "code": "cas", "name_fr": "Doublon", "weight": "0", "max_score": "20"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "porte déjà ce code" in page and "Le coefficient doit être positif" in page
    assert world.competition.tests.count() == 2


def test_a_maximum_below_a_score_already_entered_is_refused():
    world = World()
    world.candidate("M1", 18, 15)
    with pytest.raises(ValidationError, match="dépasse"):
        do_save_competition_test(world.competition, world.dean, test=world.written, max_score="10")
    world.written.refresh_from_db()
    assert world.written.max_score == 20


def test_tests_cannot_change_once_the_jury_deliberated(verified_client):
    world = World(state=State.DELIBERATED)
    with pytest.raises(ValidationError, match="jury"):
        do_save_competition_test(world.competition, world.dean, test=world.written, weight="2")
    page = verified_client(world.dean).get(f"/concours/{world.competition.slug}/epreuves/").content.decode()
    assert "Ajouter une épreuve" not in page


def test_a_reader_of_the_competition_may_not_add_a_test(verified_client):
    world = World()
    # The higher-education officer reads every competition but changes none.
    client = verified_client(user_with_role(Role.HIGHER_EDUCATION_OFFICER))
    assert "Ajouter une épreuve" not in client.get(f"/concours/{world.competition.slug}/epreuves/").content.decode()
    response = client.post(f"/concours/{world.competition.slug}/epreuves/",
                           {"code": "oral", "name_fr": "Oral", "weight": "1", "max_score": "20"})
    assert response.status_code == 403
    assert not world.competition.tests.filter(code="oral").exists()


# --- score grid ------------------------------------------------------------------------------------

def test_the_grid_saves_a_valid_score_in_its_cell_and_updates_the_row_total(verified_client):
    world = World()
    candidate = world.candidate("M1", written=12)
    response = verified_client(world.dean).post(
        f"/concours/{world.competition.slug}/notes/",
        {"candidate": candidate.number, "test": "cas", "value": "14,5"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="cell-{candidate.pk}-{world.cases.pk}"' in html and 'value="14,5"' in html and "✓" in html
    # (12 + 3 × 14.5) / 4 = 13.875, swapped out of band into the row's total.
    assert f'id="total-{candidate.pk}"' in html and "hx-swap-oob" in html and "13,875" in html
    score = Score.objects.get(candidate=candidate, test=world.cases)
    assert (score.value, score.absent, score.entered_by) == (D("14.5"), False, world.dean)


def test_a_score_above_the_maximum_shows_the_error_in_the_cell_and_saves_nothing(verified_client):
    world = World()
    candidate = world.candidate("M1", written=12)
    response = verified_client(world.dean).post(
        f"/concours/{world.competition.slug}/notes/",
        {"candidate": candidate.number, "test": "ecrit", "value": "21"}, **HTMX)
    html = response.content.decode()
    assert "dépasse la note maximale" in html and 'aria-invalid="true"' in html and 'value="21"' in html
    assert Score.objects.get(candidate=candidate, test=world.written).value == 12
    response = verified_client(world.dean).post(
        f"/concours/{world.competition.slug}/notes/",
        {"candidate": candidate.number, "test": "cas", "value": "douze"}, **HTMX)
    assert "est pas un nombre" in response.content.decode()
    assert not Score.objects.filter(candidate=candidate, test=world.cases).exists()


def test_ticking_absent_records_an_absence_and_drops_the_typed_score(verified_client):
    world = World()
    candidate = world.candidate("M1", written=12)
    verified_client(world.dean).post(f"/concours/{world.competition.slug}/notes/",
                                     {"candidate": candidate.number, "test": "ecrit", "value": "12", "absent": "on"},
                                     **HTMX)
    score = Score.objects.get(candidate=candidate, test=world.written)
    assert score.absent and score.value is None


def test_the_grid_lists_only_eligible_candidates_sitting_the_tests(verified_client):
    world = World()
    world.candidate("M1")
    CandidateFactory(competition=world.competition, number="INEL", state=Candidate.State.INELIGIBLE)
    CandidateFactory(competition=world.competition, number="TIT", state=Candidate.State.ELIGIBLE,
                     route=Candidate.Route.TITLES_INTERN)
    page = verified_client(world.dean).get(f"/concours/{world.competition.slug}/notes/").content.decode()
    assert ">M1<" in page and "INEL" not in page and ">TIT<" not in page


def test_the_missing_filter_keeps_the_candidates_with_a_score_to_enter(verified_client):
    world = World()
    world.candidate("COMPLETE1", 10, 10)
    world.candidate("MISSING1", written=10)
    page = verified_client(world.dean).get(f"/concours/{world.competition.slug}/notes/?missing=1").content.decode()
    assert "MISSING1" in page and "COMPLETE1" not in page


def test_the_grid_is_read_only_once_the_jury_deliberated(verified_client):
    world = typical()
    world.deliberate()
    client = verified_client(world.dean)
    page = client.get(f"/concours/{world.competition.slug}/notes/").content.decode()
    assert '<input name="value"' not in page and '<span class="value">16</span>' in page
    candidate = world.candidates["M3"]
    response = client.post(f"/concours/{world.competition.slug}/notes/",
                           {"candidate": candidate.number, "test": "ecrit", "value": "20"}, **HTMX)
    assert "Le jury a délibéré" in response.content.decode()
    assert Score.objects.get(candidate=candidate, test=world.written).value == 12


def test_a_reader_of_the_competition_sees_the_grid_but_cannot_save_a_cell(verified_client):
    world = World()
    candidate = world.candidate("M1")
    officer = verified_client(user_with_role(Role.HIGHER_EDUCATION_OFFICER))
    page = officer.get(f"/concours/{world.competition.slug}/notes/").content.decode()
    assert ">M1<" in page and '<input name="value"' not in page
    response = officer.post(f"/concours/{world.competition.slug}/notes/",
                            {"candidate": candidate.number, "test": "ecrit", "value": "10"}, **HTMX)
    assert response.status_code == 403
    assert not Score.objects.exists()


# --- score import ----------------------------------------------------------------------------------

def test_an_import_is_previewed_without_writing_then_written_on_confirmation(verified_client):
    world = World()
    world.candidate("M1")
    world.candidate("M2", written=9)
    client = verified_client(world.dean)
    url = f"/concours/{world.competition.slug}/notes/ecrit/import/"
    preview = client.post(url, {"action": "preview",
                                "file": xlsx([["numero", "nom", "note", "absent"], ["M1", "x", "15,5", ""],
                                              ["M2", "y", None, "oui"]])})
    html = preview.content.decode()
    assert preview.status_code == 200 and "Confirmer et enregistrer" in html
    assert "1 nouvelles notes, 1 modifiées" in html.replace("\n", " ")
    assert Score.objects.get(candidate__number="M2").value == 9  # nothing written yet
    assert not Score.objects.filter(candidate__number="M1").exists()
    token = html.split('name="token" value="')[1].split('"')[0]
    confirm = client.post(url, {"action": "confirm", "token": token})
    assert confirm.status_code == 302
    assert Score.objects.get(candidate__number="M1", test=world.written).value == D("15.5")
    assert Score.objects.get(candidate__number="M2", test=world.written).absent


def test_an_import_with_errors_names_row_and_column_and_cannot_be_confirmed(verified_client):
    world = World()
    world.candidate("M1")
    client = verified_client(world.dean)
    url = f"/concours/{world.competition.slug}/notes/ecrit/import/"
    html = client.post(url, {"action": "preview", "file": xlsx([["numero", "note"], ["M1", "25"], ["ZZ9", "10"]])}
                       ).content.decode()
    assert "Confirmer et enregistrer" not in html
    assert "<td class=\"num\">2</td><td class=\"mono\">note</td>" in html
    assert "<td class=\"num\">3</td><td class=\"mono\">numero</td>" in html and "ZZ9" in html
    # A confirmation without a previewed file (or with another token) writes nothing.
    response = client.post(url, {"action": "confirm", "token": "0" * 64})
    assert response.status_code == 302
    assert not Score.objects.exists()


def test_the_import_is_for_those_who_can_change_the_competition(verified_client):
    world = World()
    officer = verified_client(user_with_role(Role.HIGHER_EDUCATION_OFFICER))
    assert officer.get(f"/concours/{world.competition.slug}/notes/ecrit/import/").status_code == 403
    other_dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=World().competition.faculty))
    assert other_dean.get(f"/concours/{world.competition.slug}/notes/ecrit/import/").status_code == 404


def test_the_template_lists_the_candidates_who_sit_the_test(verified_client):
    world = World()
    world.candidate("M1")
    world.candidate("F1", foreign=True)
    response = verified_client(world.dean).get(f"/concours/{world.competition.slug}/notes/ecrit/modele.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "numero" and "note" in rows[0]
    assert [r[0] for r in rows[1:]] == ["F1", "M1"]


# --- merit list ------------------------------------------------------------------------------------

def test_the_merit_page_shows_for_each_foreign_candidate_the_rule_and_the_threshold(verified_client):
    world = typical()
    world.deliberate()
    page = verified_client(world.dean).get(f"/concours/{world.competition.slug}/classement/").content.decode()
    # M2 (14,000) is the last successful Moroccan: F1 (15) takes the volunteer post, F2 (13,75) does not.
    row_f2 = page.split(">F2<")[1].split("</tr>")[0]
    assert "D93 art. 21" in row_f2 and "14,000" in row_f2 and "inférieure au seuil" in row_f2
    row_f1 = page.split(">F1<")[1].split("</tr>")[0]
    assert "admis (candidat étranger)" in row_f1 and "14,000" in row_f1
    # The cap of the résidanat: min(1 volunteer post, 10 % of 10 seats) = 1, taken by F1.
    assert "Postes bénévoles des candidats étrangers" in page
    assert "au plus 1 postes bénévoles et 10 % des 10 postes" in page


def test_the_merit_page_shows_the_rule_in_arabic_on_the_arabic_page(verified_client):
    world = typical()
    world.deliberate()
    page = verified_client(world.dean).get(f"/ar/concours/{world.competition.slug}/classement/").content.decode()
    assert "المادة 21 من المرسوم 2.91.527" in page
    assert 'dir="rtl"' in page


def test_compute_then_deliberate_from_the_merit_page(verified_client):
    world = typical(state=State.SCORES_ENTERED)
    client = verified_client(world.dean)
    page = client.get(f"/concours/{world.competition.slug}/classement/").content.decode()
    assert "Calculer la liste" in page
    assert client.post(f"/concours/{world.competition.slug}/classement/calculer/").status_code == 302
    merit_list = current_merit_list(world.competition)
    assert merit_list.version == 1 and not merit_list.locked
    page = client.get(f"/concours/{world.competition.slug}/classement/").content.decode()
    # The jury's button posts to the workflow's transition, which locks the list.
    assert f'action="/concours/{world.competition.slug}/etat/"' in page and 'value="deliberated"' in page
    client.post(f"/concours/{world.competition.slug}/etat/", {"to": "deliberated", "note": "PV 1"})
    merit_list.refresh_from_db()
    assert merit_list.locked


def test_the_list_cannot_be_computed_before_the_scores_are_closed(verified_client):
    world = typical()  # registration closed
    client = verified_client(world.dean)
    client.post(f"/concours/{world.competition.slug}/classement/calculer/")
    assert not MeritList.objects.exists()


def test_a_revision_needs_a_reason_and_version_1_stays_viewable(verified_client):
    world = typical()
    world.deliberate()
    client = verified_client(world.dean)
    url = f"/concours/{world.competition.slug}/classement/reviser/"
    client.post(url, {"reason": "  "})
    assert MeritList.objects.count() == 1
    # Recourse: M3's case-study paper was mis-added (12 → 18): (12 + 3 × 18) / 4 = 16,5.
    client.post(url, {"reason": "Recours de M3 : erreur d'addition", "number_1": "M3", "test_1": "cas",
                      "value_1": "18"})
    assert [(m.version, m.locked) for m in MeritList.objects.order_by("-version")] == [(2, True), (1, True)]
    current = client.get(f"/concours/{world.competition.slug}/classement/").content.decode()
    assert "Recours de M3" in current and "16,500" in current
    old = client.get(f"/concours/{world.competition.slug}/classement/?version=1").content.decode()
    assert "Ancienne version" in old
    row_m3 = old.split(">M3<")[1].split("</tr>")[0]
    assert "12,000" in row_m3 and "non admis" in row_m3
    assert client.get(f"/concours/{world.competition.slug}/classement/?version=9").status_code == 404


def test_a_reader_cannot_compute_nor_revise(verified_client):
    world = typical(state=State.SCORES_ENTERED)
    officer = verified_client(user_with_role(Role.HIGHER_EDUCATION_OFFICER))
    assert officer.post(f"/concours/{world.competition.slug}/classement/calculer/").status_code == 403
    assert officer.post(f"/concours/{world.competition.slug}/classement/reviser/", {"reason": "x"}).status_code == 403
    assert not MeritList.objects.exists()


def test_the_internat_merit_page_shows_the_track_and_foreigners_on_top_of_the_seats(verified_client):
    world = World(kind=Competition.Kind.INTERNAT, contract=1, volunteer=0)
    world.candidate("M1", 14, 14)
    world.candidate("M2", 12, 12)
    world.candidate("F1", 14, 14, foreign=True)  # equal to the last successful Moroccan: admitted
    world.deliberate()
    page = verified_client(world.dean).get(f"/concours/{world.competition.slug}/classement/").content.decode()
    assert "Filière" in page and "médecine" in page
    assert "en sus des places (D93 art. 13)" in page
    row_f1 = page.split(">F1<")[1].split("</tr>")[0]
    assert "D93 art. 13" in row_f1 and "14,000" in row_f1 and "admis (candidat étranger)" in row_f1


def test_a_refused_revision_comes_back_with_what_was_typed_and_its_errors_at_the_top_of_the_form(verified_client):
    """Issue 25 item 1: the jury's new version, refused (no such candidate), shows again the
    reason, number, test and score typed, the error beside the number and summarised at the top
    of the form, not of the page."""
    world = typical()
    world.deliberate()
    client = verified_client(world.dean)
    response = client.post(f"/concours/{world.competition.slug}/classement/reviser/", {
        "reason": "Recours de M3", "number_1": "Z99", "test_1": "cas", "value_1": "18"})
    assert response.status_code == 400
    assert MeritList.objects.count() == 1
    form = form_with_errors(response.content.decode())
    assert form.first == "summary" and "Aucun candidat n° Z99" in form.summary
    assert shows(form, "reason", "Recours de M3") and shows(form, "number_1", "Z99")
    assert shows(form, "test_1", "cas") and shows(form, "value_1", "18")
