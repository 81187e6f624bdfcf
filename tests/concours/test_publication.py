"""Publication of the results (issue 4, item 7): the public page and lists show the candidate
number and names, never the national id (law 09-08); drafts say so; each candidate gets a
numbered result slip, only once the results are published."""

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from residanat.accounts.roles import Role
from residanat.concours import publication
from residanat.concours.models import Competition
from residanat.documents import parts
from residanat.documents.models import IssuedDocument
from residanat.ops.models import Job
from tests.accounts.factories import user_with_role
from tests.concours.merit_world import typical
from tests.documents.helpers import pdf_text
from tests.ops.helpers import run_queued_jobs, run_worker
from tests.referential.factories import FacultyFactory

State = Competition.State
pytestmark = [pytest.mark.django_db, pytest.mark.pdf]
ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture
def published():
    world = typical()
    world.publish()
    return world


def cells(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c for c in row] for row in sheet.iter_rows(values_only=True)]


def flat(rows):
    return " ".join(str(c) for row in rows for c in row if c is not None)


# --- public results page ---------------------------------------------------------------------------

def test_the_public_results_page_answers_404_until_the_results_are_published():
    world = typical()
    world.deliberate()
    url = f"/concours/{world.competition.slug}/resultats/"
    assert Client().get(url).status_code == 404
    world.competition.refresh_from_db()
    from residanat.concours.workflow import do_transition

    do_transition(world.competition, State.PUBLISHED, world.dean)
    assert Client().get(url).status_code == 200


def test_the_results_page_lists_the_admitted_with_number_name_and_rank_but_no_total_nor_id(published):
    page = Client().get(f"/concours/{published.competition.slug}/resultats/").content.decode()
    for number in ("M1", "M2", "F1"):
        assert f">{number}<" in page
    assert "BENNANI Amine" in page and "بناني أمين" in page
    assert ">M3<" not in page and ">F2<" not in page  # not admitted: not published
    assert "16,000" not in page and "BE123456" not in page and "PF1" not in page


def test_a_candidate_finds_their_number_in_the_results(published):
    url = f"/concours/{published.competition.slug}/resultats/"
    found = Client().get(url, {"numero": "f1"}).content.decode()
    assert ">F1<" in found and ">M1<" not in found
    missing = Client().get(url, {"numero": "M3"}).content.decode()
    assert "ne figure pas parmi les candidats admis" in missing and ">M3<" not in missing.split("</form>")[1]


# --- lists as PDF and Excel ------------------------------------------------------------------------

def test_the_public_pdf_shows_number_and_name_but_never_the_national_id(published):
    response = Client().get(f"/concours/{published.competition.slug}/classement/liste.pdf?lang=fr")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "M1" in text and "BENNANI Amine" in text and "DIOP Awa" in text
    assert "BE123456" not in text and "BE654321" not in text and "PF1" not in text
    assert "M3" not in text  # not admitted
    assert "16,000" not in text  # no total in a public list
    assert "Projet" not in text


def test_the_public_excel_shows_number_and_names_but_never_the_national_id(published):
    response = Client().get(f"/concours/{published.competition.slug}/classement/liste.xlsx?lang=fr")
    assert response.status_code == 200
    rows = cells(response)
    # The résidanat's list is drawn up by track (decision 0017).
    assert rows[0] == ["Filière", "Rang", "N° de candidat", "Nom et prénom", "Nom et prénom (arabe)", "Résultat"]
    assert ["médecine", 1, "M1", "BENNANI Amine", "بناني أمين", "admis"] in rows
    values = flat(rows)
    assert "BE123456" not in values and "PF1" not in values and "M3" not in values


def test_the_arabic_excel_is_right_to_left_with_the_arabic_names(published):
    response = Client().get(f"/ar/concours/{published.competition.slug}/classement/liste.xlsx?lang=ar")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.sheet_view.rightToLeft
    assert "بناني أمين" in flat(cells(response))


def test_the_arabic_pdf_carries_arabic_text(published):
    text = pdf_text(Client().get(f"/concours/{published.competition.slug}/classement/liste.pdf?lang=ar").content)
    assert "بناني" in text and "أمين" in text
    assert "M1" in text and "BE123456" not in text


def test_before_publication_the_lists_are_the_staff_s_watermarked_drafts(verified_client):
    world = typical()
    world.deliberate()
    slug = world.competition.slug
    assert Client().get(f"/concours/{slug}/classement/liste.pdf").status_code == 404
    assert Client().get(f"/concours/{slug}/classement/liste.xlsx").status_code == 404
    other_dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    assert other_dean.get(f"/concours/{slug}/classement/liste.pdf").status_code == 404
    dean = verified_client(world.dean)
    text = pdf_text(dean.get(f"/concours/{slug}/classement/liste.pdf?lang=fr").content)
    assert "Projet — non publié" in text
    # The jury's list: every candidate with the total, still never the national id.
    assert "M3" in text and "16,000" in text and "BE123456" not in text
    rows = cells(dean.get(f"/concours/{slug}/classement/liste.xlsx?lang=fr"))
    # The number follows the track column (decision 0017).
    assert "BE123456" not in flat(rows) and any(row[2] == "M3" for row in rows[1:])


def test_once_published_the_staff_list_is_no_longer_a_draft_but_an_old_version_is(published, verified_client):
    dean = verified_client(published.dean)
    slug = published.competition.slug
    assert "Projet" not in pdf_text(dean.get(f"/concours/{slug}/classement/liste.pdf").content)
    dean.post(f"/concours/{slug}/classement/reviser/", {"reason": "Recours", "number_1": "M3", "test_1": "cas",
                                                          "value_1": "18"})
    assert "Projet — non publié" in pdf_text(dean.get(f"/concours/{slug}/classement/liste.pdf?version=1").content)
    current = pdf_text(Client().get(f"/concours/{slug}/classement/liste.pdf").content)
    assert "M3" in current  # 16,5 after the recourse: admitted in version 2, the published one


# --- result slip -----------------------------------------------------------------------------------

def _candidate_world(**kwargs):
    trainee = user_with_role(Role.TRAINEE)
    world = typical(**kwargs)
    world.candidate("F3", 10, 10, foreign=True, user=trainee)
    return world, trainee


def test_the_result_slip_is_issued_only_after_publication_and_only_to_the_candidate_or_the_staff(verified_client):
    world, trainee = _candidate_world()
    mine = world.candidates["F3"]
    own = Client()
    own.force_login(trainee)
    url = f"/concours/candidatures/{mine.pk}/releve.pdf"
    assert own.get(url).status_code == 404  # not published yet
    assert not publication.slip_available(mine)
    world.publish()
    assert publication.slip_available(mine)
    response = own.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert own.get(f"/concours/candidatures/{world.candidates['M1'].pk}/releve.pdf").status_code == 404
    assert verified_client(world.dean).get(url).status_code == 200
    officer = verified_client(user_with_role(Role.HIGHER_EDUCATION_OFFICER))  # reads every competition
    assert officer.get(url).status_code == 200
    other_dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    assert other_dean.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_slip_states_scores_total_rank_outcome_and_for_a_foreigner_the_rule_and_threshold(published):
    document = publication.issue_result_slip(published.candidates["F2"], "fr")
    text = pdf_text(document.file.path)
    assert document.kind == "result_slip" and document.number in text
    assert "Épreuve écrite" in text and "Cas cliniques" in text
    assert "13,750" in text and re.search(r"4\s*/\s*5", text)  # (13 + 3 × 14) / 4
    assert "non admis : note inférieure au seuil" in text
    assert "D93 art. 21" in text and "14,000" in text  # M2, the last successful Moroccan
    assert "PF2" not in text  # the passport is masked


def test_the_slip_masks_the_national_id(published):
    text = pdf_text(publication.issue_result_slip(published.candidates["M1"], "fr").file.path)
    assert "BE123456" not in text and "•••••456" in text
    assert "admis" in text and re.search(r"1\s*/\s*5", text)


def test_asking_twice_for_the_same_slip_gives_back_the_same_numbered_document(published):
    first = publication.issue_result_slip(published.candidates["M1"], "fr")
    again = publication.issue_result_slip(published.candidates["M1"], "fr")
    arabic = publication.issue_result_slip(published.candidates["M1"], "ar")
    assert again.pk == first.pk and arabic.pk != first.pk
    assert IssuedDocument.objects.filter(kind="result_slip").count() == 2


def test_the_arabic_slip_is_in_arabic_with_the_rule_as_the_decree_is_cited(published):
    trainee = user_with_role(Role.TRAINEE)
    published.candidates["F1"].person.user = trainee
    published.candidates["F1"].person.save()
    client = Client()
    client.force_login(trainee)
    response = client.get(f"/ar/concours/candidatures/{published.candidates['F1'].pk}/releve.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert ARABIC.search(text)
    assert "ديوب" in text and "2.91.527" in text
    assert IssuedDocument.objects.get(kind="result_slip").language == "ar"


# --- long lists ------------------------------------------------------------------------------------

def test_a_list_is_rendered_once_and_then_served_from_its_stored_copy(published, monkeypatch):
    url = f"/concours/{published.competition.slug}/classement/liste.pdf?lang=fr"
    first = Client().get(url).content

    def no_rendering(*args, **kwargs):
        raise AssertionError("the stored copy should have been served")

    monkeypatch.setattr(publication, "render_listing_pdf", no_rendering)
    assert Client().get(url).content == first


def test_a_long_list_is_prepared_in_the_background_while_the_page_polls(published, monkeypatch):
    started = []
    monkeypatch.setattr(publication, "SYNC_ROWS", 1)
    monkeypatch.setattr(publication, "do_start_rendering", lambda *args, **kwargs: started.append(kwargs))
    url = f"/concours/{published.competition.slug}/classement/liste.pdf?lang=ar"
    response = Client().get(url)
    assert response.status_code == 202 and [kwargs["public"] for kwargs in started] == [True]
    assert 'hx-trigger="load delay:2s"' in response.content.decode() and "3 candidats" in response.content.decode()
    poll = Client().get(url, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and "HX-Redirect" not in poll
    # Once the copy is stored, the polling page is sent to the file.
    published_list = publication.published_merit_list(published.competition)
    publication.merit_list_pdf_stored(published.competition, published_list, "ar", public=True)
    assert Client().get(url, HTTP_HX_REQUEST="true")["HX-Redirect"] == url
    assert Client().get(url)["Content-Type"] == "application/pdf"


def test_a_failing_rendering_is_shown_to_the_polling_page_and_never_started_again_by_a_poll(published, monkeypatch):
    monkeypatch.setattr(publication, "SYNC_ROWS", 1)

    def broken(*args):
        raise RuntimeError("WeasyPrint ran out of memory")

    monkeypatch.setattr(publication, "_render_list", broken)
    url = f"/concours/{published.competition.slug}/classement/liste.pdf?lang=fr"
    assert Client().get(url).status_code == 202
    run_queued_jobs()
    [job] = Job.objects.all()
    assert job.state == Job.State.FAILED
    for _poll in range(3):
        poll = Client().get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "réessayez" in poll and "hx-trigger" not in poll
    assert Job.objects.count() == 1
    # Reloading the page is asking again: one new job, not one per poll.
    Client().get(url)
    assert Job.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's exclusive lock: no outer transaction
def test_the_background_rendering_stores_the_same_document_as_the_request_would():
    world = typical()
    world.publish()
    merit_list = publication.published_merit_list(world.competition)
    name = publication.do_start_rendering(world.competition, merit_list, "fr", public=True)
    assert publication.is_rendering(name)
    run_worker()
    stored = publication.stored_merit_list_pdf(world.competition, merit_list, "fr", public=True)
    assert stored is not None and "BENNANI Amine" in pdf_text(stored)
    assert not publication.is_rendering(name)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_long_list_rendered_in_parts_holds_what_the_list_rendered_at_once_holds_numbered_over_all_its_pages(
        published, language, monkeypatch):
    merit_list = publication.published_merit_list(published.competition)
    facts, title, language, draft = publication._list_job(published.competition, merit_list, language, False)
    whole = pdf_text(publication._render_list(facts, title, language, draft))
    monkeypatch.setattr(parts, "PART_ROWS", 2)
    monkeypatch.setattr(parts.os, "cpu_count", lambda: 3)
    assert parts.part_count(len(facts["rows"])) == 2
    joined = pdf_text(publication._render_list(facts, title, language, draft))
    pages = joined.split("\f")[:-1]
    labels = [re.search(r"(?:page|صفحة)\W{1,3}(\d+) / (\d+)", page).groups() for page in pages]
    # Read right to left in Arabic: "2 / 1" on the line is page 1 of 2.
    assert labels == ([("2", "1"), ("2", "2")] if language == "ar" else [("1", "2"), ("2", "2")])
    # The heading and the closing lines once, every row in order, the first three on the first page.
    numbers = [row["number"] for row in facts["rows"]]
    assert sorted(numbers, key=joined.index) == numbers == sorted(numbers, key=whole.index)
    assert [number in pages[0] for number in numbers] == [True, True, True, False, False]
    once = (title, "ROYAUME DU MAROC", "Établie le" if language == "fr" else "للتحقق")
    assert [joined.count(text) for text in once] == [whole.count(text) for text in once] == [1, 1, 1]


def test_the_slip_of_a_candidate_admitted_on_titles_states_the_route_without_scores():
    world = typical()
    titled = world.candidate("T1", last_name="Kettani", first_name="Rim")
    titled.route = "titles_intern"
    titled.internat_months_validated = 24
    titled.save()
    world.publish()
    text = pdf_text(publication.issue_result_slip(titled, "fr").file.path)
    assert "admis sur titres" in text and "sur titres (interne)" in text
    assert "Épreuve écrite" not in text


def test_the_candidate_s_space_links_the_slip_only_where_one_can_be_issued():
    world, trainee = _candidate_world()
    mine = world.candidates["F3"]
    # An earlier published session with no merit list in the register (history carried over).
    earlier = Competition.objects.create(kind=world.competition.kind, year=2020, slug="residanat-2020-history",
                                         faculty=world.competition.faculty, state=Competition.State.PUBLISHED)
    old = type(mine).objects.create(competition=earlier, person=mine.person, number="R20-0001", track="medicine",
                                    state="eligible")
    world.publish()
    own = Client()
    own.force_login(trainee)
    page = own.get("/concours/mes-candidatures/").content.decode()
    assert f"/concours/candidatures/{mine.pk}/releve.pdf" in page
    assert f"/concours/candidatures/{old.pk}/releve.pdf" not in page


def test_the_result_slip_s_stored_file_is_closed_once_sent():
    """Issue 21 item 4: the view read the slip's file and left it open (a descriptor leaked per
    download); issued_pdf_response closes it."""
    from tests.documents.helpers import files_opened

    world, trainee = _candidate_world()
    world.publish()
    client = Client()
    client.force_login(trainee)
    with files_opened() as opened:
        response = client.get(f"/concours/candidatures/{world.candidates['F3'].pk}/releve.pdf?lang=ar")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert IssuedDocument.objects.get(kind="result_slip").language == "ar"
    assert opened and all(f.closed for f in opened)
