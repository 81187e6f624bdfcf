"""Issue 5 §9 and §7: the final assignment list (PDF fr/ar, Excel) with each post's fill and
cutoff, the personal assignment notice, the publication appended to the log with the head hash
printed, and the log page that names the first broken entry."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from residanat.accounts.roles import Role
from residanat.choice import documents, live, log
from residanat.choice.models import Chooser, LogEntry, Post
from residanat.choice.results import compute
from residanat.choice.sessions import do_close_session, do_start_live
from residanat.documents.models import IssuedDocument
from tests.accounts.factories import user_with_role
from tests.choice.world import ChoiceWorld
from tests.documents.helpers import pdf_text
from tests.ops.helpers import run_worker

pytestmark = pytest.mark.django_db
ARABIC = re.compile(r"[\u0600-\u06FF]")


class Closed:
    """Cardio 2 seats, pedia 1: order 1 takes cardio (the laureate with an account), 2 pedia by
    proxy, 3 is absent, 4 takes the last cardio seat; then the session is closed."""

    def __init__(self, close=True):
        self.world = w = ChoiceWorld(seats={"cardio": 2, "pedia": 1})
        self.laureate_user = user_with_role(Role.TRAINEE)
        self.absent_user = user_with_role(Role.TRAINEE)
        self.other_user = user_with_role(Role.TRAINEE)
        w.laureate("R0001", 1, user=self.laureate_user)
        w.laureate("R0002", 2, user=self.other_user)
        w.laureate("R0003", 3, user=self.absent_user)
        w.laureate("R0004", 4)
        self.session = session = do_start_live(w.session(), w.dean, place="Amphi A")
        live.do_record_choice(session, self.chooser(1), self.post("cardio"), w.dean)
        live.do_record_choice(session, self.chooser(2), self.post("pedia"), w.dean, proxy_name="Karim Idrissi",
                              proxy_document=SimpleUploadedFile("procuration.pdf", b"%PDF-1.4 proxy"))
        live.do_mark_absent(session, self.chooser(3), w.dean)
        live.do_record_choice(session, self.chooser(4), self.post("cardio"), w.dean)
        if close:
            self.session = do_close_session(session, w.dean, note="R0003 absent à l'appel")
        self.slug = w.competition.slug

    def chooser(self, order):
        return Chooser.objects.get(session=self.session, order=order)

    def post(self, code):
        return Post.objects.get(session=self.session, code=f"chu-test-medical-{code}")

    def client(self, user):
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def closed():
    return Closed()


@pytest.fixture
def dean(closed, verified_client):
    return verified_client(closed.world.dean)


# --- the computation -----------------------------------------------------------------------------

def test_each_post_is_filled_by_its_choices_in_force_and_its_cutoff_is_the_largest_call_order(closed):
    result = compute(closed.session, closed.world.dean)
    lines = {p.code: p for p in result.posts}
    assert (lines["chu-test-medical-cardio"].filled, lines["chu-test-medical-cardio"].cutoff) == (2, 4)
    assert (lines["chu-test-medical-pedia"].filled, lines["chu-test-medical-pedia"].cutoff) == (1, 2)
    assert result.final and result.assigned == 3 and result.without_post == 1


def test_an_undone_choice_neither_fills_its_post_nor_sets_its_cutoff():
    state = Closed(close=False)
    live.do_undo_last(state.session, state.world.dean, "mauvais poste")  # order 4's cardio seat
    cardio = {p.code: p for p in compute(state.session, state.world.dean).posts}["chu-test-medical-cardio"]
    assert (cardio.filled, cardio.cutoff) == (1, 1)


def test_the_list_gives_each_laureate_in_call_order_with_post_seat_type_and_method(closed):
    rows = compute(closed.session, closed.world.dean, "fr").rows
    assert [r.number for r in rows] == ["R0001", "R0002", "R0003", "R0004"]
    assert (rows[0].specialty, rows[0].method, rows[0].seat_type) == ("Cardio", "live", "contract")
    assert (rows[1].method, rows[1].proxy_name) == ("proxy", "Karim Idrissi")
    assert not rows[2].assigned and rows[2].presence == "absent"


# --- the page ------------------------------------------------------------------------------------

def test_before_closing_the_page_is_labelled_provisional_and_offers_no_document(verified_client):
    state = Closed(close=False)
    client = verified_client(state.world.dean)
    page = client.get(f"/choix/{state.slug}/resultats/").content.decode()
    assert "Affectations provisoires" in page
    assert "/resultats/liste.pdf" not in page and "/resultats/liste.xlsx" not in page
    assert client.post(f"/choix/{state.slug}/resultats/liste.pdf", {"lang": "fr"}).status_code == 404
    assert client.get(f"/choix/{state.slug}/resultats/liste.xlsx").status_code == 404
    assert not LogEntry.objects.filter(session=state.session, kind="publication").exists()


def test_the_office_finds_a_laureate_in_the_list_by_number(closed, dean):
    page = dean.get(f"/choix/{closed.slug}/resultats/?q=r0004").content.decode()
    assert ">R0004<" in page and ">R0001<" not in page


def test_once_closed_the_page_offers_the_pdf_in_both_languages_and_excel(closed, dean):
    page = dean.get(f"/choix/{closed.slug}/resultats/").content.decode()
    assert "provisoires" not in page
    assert page.count("/resultats/liste.pdf") == 2 and 'value="ar"' in page
    assert "/resultats/liste.xlsx?lang=fr" in page


def test_a_laureate_sees_only_their_own_row_and_the_link_to_their_notice(closed):
    page = closed.client(closed.laureate_user).get(f"/choix/{closed.slug}/resultats/").content.decode()
    own = closed.chooser(1).candidate.person.full_name
    others = [closed.chooser(n).candidate.person.full_name for n in (2, 3, 4)]
    assert own in page and not any(name in page for name in others)
    assert f"/choix/{closed.slug}/affectation/R0001/avis.pdf?lang=ar" in page
    assert "/resultats/liste.pdf" not in page


def test_the_arabic_page_is_right_to_left(closed, dean):
    page = dean.get(f"/ar/choix/{closed.slug}/resultats/").content.decode()
    assert 'dir="rtl"' in page


# --- the published list --------------------------------------------------------------------------

@pytest.mark.pdf
def test_the_pdf_lists_the_posts_and_prints_the_head_as_it_stood_before_its_publication_entry(closed, dean):
    head_before = log.head(closed.session)
    response = dean.post(f"/choix/{closed.slug}/resultats/liste.pdf", {"lang": "fr"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Cardio" in text and "Pedia" in text and "R0004" in text
    assert "Empreinte du journal au moment de la publication" in text
    assert head_before in text.replace(" ", "")
    entry = LogEntry.objects.filter(session=closed.session).order_by("-seq").first()
    document = IssuedDocument.objects.get(kind=documents.RESULTS_LIST)
    assert entry.kind == "publication"
    assert entry.payload == {"document": document.number, "language": "fr", "head": head_before,
                             "entries": entry.seq - 1}
    assert entry.prev_hash == head_before
    assert log.verify(closed.session).ok


@pytest.mark.pdf
def test_asking_again_for_the_same_list_gives_back_the_same_document_without_a_new_entry(closed, dean):
    first = dean.post(f"/choix/{closed.slug}/resultats/liste.pdf", {"lang": "fr"})
    entries = LogEntry.objects.filter(session=closed.session).count()
    again = dean.post(f"/choix/{closed.slug}/resultats/liste.pdf", {"lang": "fr"})
    assert again.content == first.content
    assert LogEntry.objects.filter(session=closed.session).count() == entries
    assert IssuedDocument.objects.filter(kind=documents.RESULTS_LIST).count() == 1


@pytest.mark.pdf
def test_the_arabic_list_is_in_arabic_and_prints_the_head_after_the_french_publication(closed, dean):
    dean.post(f"/choix/{closed.slug}/resultats/liste.pdf", {"lang": "fr"})
    head_after_french = log.head(closed.session)
    text = pdf_text(dean.post(f"/ar/choix/{closed.slug}/resultats/liste.pdf", {"lang": "ar"}).content)
    # Shaped Arabic extracts as the words themselves: the laureates' names, the specialties, the headers.
    assert "العلوي" in text and "تخصص" in text and "رقم المترشح" in text
    assert head_after_french in text.replace(" ", "")
    kinds = list(LogEntry.objects.filter(session=closed.session, kind="publication").values_list("payload", flat=True))
    assert [p["language"] for p in kinds] == ["fr", "ar"]
    assert log.verify(closed.session).ok


@pytest.mark.pdf
@pytest.mark.django_db(transaction=True)
def test_a_long_list_is_published_in_the_background_while_the_page_polls(monkeypatch, verified_client):
    monkeypatch.setattr(documents, "SYNC_ROWS", 1)
    state = Closed()
    client = verified_client(state.world.dean)
    url = f"/choix/{state.slug}/resultats/liste.pdf"
    assert client.get(f"{url}?lang=ar").status_code == 404  # nothing published, nothing under way
    response = client.post(url, {"lang": "ar"})
    assert response.status_code == 202 and "en préparation" in response.content.decode()
    run_worker()
    poll = client.get(f"{url}?lang=ar", headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == f"{url}?lang=ar"
    assert client.get(f"{url}?lang=ar")["Content-Type"] == "application/pdf"
    [entry] = LogEntry.objects.filter(session=state.session, kind="publication")
    assert entry.payload["language"] == "ar" and log.verify(state.session).ok


def test_a_broken_log_is_never_published(closed):
    entry = LogEntry.objects.get(session=closed.session, seq=3)
    LogEntry.objects.filter(pk=entry.pk).update(payload={**entry.payload, "post": "chu-test-medical-pedia"})
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="entrée 3"):
        documents.do_publish_results(closed.session, "fr", closed.world.dean)
    assert not IssuedDocument.objects.filter(kind=documents.RESULTS_LIST).exists()
    assert not LogEntry.objects.filter(session=closed.session, kind="publication").exists()


def test_a_laureate_may_not_publish_the_list_nor_download_the_export(closed):
    client = closed.client(closed.laureate_user)
    assert client.post(f"/choix/{closed.slug}/resultats/liste.pdf", {"lang": "fr"}).status_code == 403
    assert client.get(f"/choix/{closed.slug}/resultats/liste.xlsx").status_code == 403


def test_the_excel_has_a_row_per_laureate_and_the_posts_with_their_cutoff(closed, dean):
    response = dean.get(f"/choix/{closed.slug}/resultats/liste.xlsx?lang=fr")
    book = load_workbook(io.BytesIO(response.content))
    assignments, posts = book.worksheets
    rows = list(assignments.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["R0001", "R0002", "R0003", "R0004"]
    assert rows[0][4] == "chu-test-medical-cardio" and rows[1][8] == "Karim Idrissi"
    cutoffs = {r[0]: (r[4], r[6]) for r in posts.iter_rows(min_row=2, values_only=True)}
    assert cutoffs["chu-test-medical-cardio"] == (2, 4)


def test_the_arabic_excel_is_right_to_left(closed, dean):
    book = load_workbook(io.BytesIO(dean.get(f"/choix/{closed.slug}/resultats/liste.xlsx?lang=ar").content))
    assert book.worksheets[0].sheet_view.rightToLeft


# --- the notice ----------------------------------------------------------------------------------

@pytest.mark.pdf
def test_the_laureate_gets_a_notice_with_the_post_method_and_articles(closed):
    response = closed.client(closed.laureate_user).get(f"/choix/{closed.slug}/affectation/R0001/avis.pdf?lang=fr")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Avis d'affectation" in text and "Cardio" in text and "en séance" in text
    assert "D93 art. 22" in text and "D93 art. 27" in text
    assert closed.world.competition.faculty.name in text
    assert IssuedDocument.objects.get(kind=documents.ASSIGNMENT_NOTICE).person == closed.chooser(1).candidate.person


@pytest.mark.pdf
def test_the_arabic_notice_is_in_arabic(closed):
    response = closed.client(closed.laureate_user).get(f"/ar/choix/{closed.slug}/affectation/R0001/avis.pdf")
    text = pdf_text(response.content)
    assert "العلوي" in text and "تخصص" in text


def test_another_laureates_notice_answers_404(closed):
    assert closed.client(closed.laureate_user).get(
        f"/choix/{closed.slug}/affectation/R0002/avis.pdf").status_code == 404


def test_no_notice_for_a_laureate_without_a_choice_in_force(closed):
    response = closed.client(closed.absent_user).get(f"/choix/{closed.slug}/affectation/R0003/avis.pdf")
    assert response.status_code == 404
    assert not IssuedDocument.objects.filter(kind=documents.ASSIGNMENT_NOTICE).exists()


def test_no_notice_before_the_session_is_closed():
    state = Closed(close=False)
    response = state.client(state.laureate_user).get(f"/choix/{state.slug}/affectation/R0001/avis.pdf")
    assert response.status_code == 404


@pytest.mark.pdf
def test_the_office_running_the_choice_issues_any_notice_but_a_hospital_viewer_may_not(closed, verified_client, dean):
    assert dean.get(f"/choix/{closed.slug}/affectation/R0002/avis.pdf").status_code == 200
    director = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=closed.world.competition.hospital_centre)
    assert verified_client(director).get(f"/choix/{closed.slug}/affectation/R0002/avis.pdf").status_code == 403


# --- the log page --------------------------------------------------------------------------------

def test_the_log_page_shows_the_entries_and_a_verified_chain(closed, dean):
    page = dean.get(f"/choix/{closed.slug}/journal/").content.decode()
    assert "Chaîne vérifiée : 7 entrées" in page
    assert "1. R0001 → chu-test-medical-cardio (en séance)" in page
    assert log.head(closed.session)[:12] in page


def test_the_log_page_names_the_first_broken_entry_after_a_direct_edit(closed, dean):
    entry = LogEntry.objects.get(session=closed.session, seq=4)
    LogEntry.objects.filter(pk=entry.pk).update(payload={**entry.payload, "post": "chu-test-medical-cardio"})
    page = dean.get(f"/choix/{closed.slug}/journal/").content.decode()
    assert "Chaîne rompue à l&#x27;entrée 4" in page or "Chaîne rompue à l'entrée 4" in page
    assert 'id="entree-4" class="ko"' in page


def test_the_log_is_for_the_staff_a_laureate_gets_403(closed):
    assert closed.client(closed.laureate_user).get(f"/choix/{closed.slug}/journal/").status_code == 403


def test_d93_art_27_last_paragraph_the_notice_says_a_civil_servant_is_paid_by_their_own_administration():
    """D93 art. 27 last ¶: "يستمر المقيمون الذين لهم صفة موظف أو مستخدم في تاريخ قبولهم كمقيمين، في تقاضي
    الأجرة المقررة لوضعيتهم النظامية"; art. 27 bis b: "وتدرج أجورهم بميزانيات هذه الإدارات"."""
    from django.utils import translation

    with translation.override("fr"):
        contract = " ".join(documents._articles(documents.Seat.CONTRACT))
        administration = " ".join(documents._articles(documents.Seat.PUBLIC_ADMINISTRATION))
    assert "versée par son administration" in contract and "versée par son administration" in administration
    assert "conserve le traitement" not in administration
    assert "D93 art. 27 bis" in administration and "sur son budget" in administration


@pytest.mark.pdf
@pytest.mark.django_db(transaction=True)  # the worker takes SQLite's exclusive lock: no outer transaction
def test_a_publication_job_run_again_after_a_worker_stopped_midway_gives_one_document():
    state = Closed()
    job = documents.do_start_publication(state.session, "fr", state.world.dean)
    # The worker stopped after issuing the list, before it could mark its job done: run again.
    documents._publish_results_job(job, *job.args)
    run_worker()
    job.refresh_from_db()
    assert job.state == job.State.DONE and job.result_url == f"/choix/{state.slug}/resultats/liste.pdf?lang=fr"
    assert IssuedDocument.objects.filter(kind=documents.RESULTS_LIST).count() == 1
    assert LogEntry.objects.filter(session=state.session, kind="publication").count() == 1
