"""The live session's pages: the operator's screen (call, one-click choice, absent, proxy, undo,
open and close) and the public board with its ETag/304 polling, in French and Arabic."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.choice import live
from residanat.choice.models import Choice, ChoiceSession, Chooser, Post
from residanat.choice.sessions import do_close_session, do_open_wishes, do_start_live
from residanat.choice.wishes import do_save_wishes
from tests.accounts.factories import user_with_role
from tests.choice.world import ChoiceWorld
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db
SLUG = "residanat-2026-test"


@pytest.fixture
def world():
    w = ChoiceWorld(seats={"cardio": 1, "pedia": 2}, volunteer=1, slug=SLUG)
    w.laureates(3)
    w.laureate("R0009", 9, "admitted_foreign", foreign=True)
    return w


@pytest.fixture
def dean(world, verified_client):
    return verified_client(world.dean)


def live_session(w):
    return do_start_live(w.session(), w.dean, place="Amphi A")


def post(session, code):
    return Post.objects.get(session=session, code=f"chu-test-medical-{code}")


def chooser(session, order):
    return Chooser.objects.select_related("candidate__person").get(session=session, order=order)


def page(client, path="seance/", prefix="", **headers):
    response = client.get(f"{prefix}/choix/{SLUG}/{path}", **headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def choose(client, chooser, post, htmx=True, **extra):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(f"/choix/{SLUG}/seance/choisir/", {"chooser": chooser.pk, "post": post.pk, **extra}, **headers)


def post_buttons(html):
    """The post ids offered as one-click choices to the laureate being called."""
    form = re.search(r'<form[^>]*class="choose-form[^"]*".*?</form>', html, re.S).group(0)
    return {int(v) for v in re.findall(r'name="post" value="(\d+)"', form)}


# --- operator screen -----------------------------------------------------------------------------

def test_the_operator_sees_the_called_laureate_and_only_the_posts_open_to_them(world, dean):
    session = live_session(world)
    first = chooser(session, 1)
    html = page(dean)
    assert first.candidate.person.full_name in html and first.candidate.number in html
    # A Moroccan laureate: the contract posts, not the foreigners' volunteer pool.
    assert post_buttons(html) == {post(session, "cardio").pk, post(session, "pedia").pk}


def test_a_foreign_laureate_is_offered_only_the_volunteer_posts(world, dean):
    session = live_session(world)
    for order in (1, 2, 3):
        live.do_mark_absent(session, chooser(session, order), world.dean)
    assert post_buttons(page(dean)) == {post(session, "cardio#VOL").pk, post(session, "pedia#VOL").pk}


def test_a_click_records_the_choice_and_the_panel_calls_the_next_laureate(world, dean):
    session = live_session(world)
    response = choose(dean, chooser(session, 1), post(session, "cardio"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="live-panel"')  # the panel alone, swapped by HTMX
    assert chooser(session, 1).presence == Chooser.Presence.SERVED
    assert post(session, "cardio").taken == 1
    assert chooser(session, 2).candidate.number in html
    # The only cardiology seat is gone: no longer offered to the next laureate.
    assert post_buttons(html) == {post(session, "pedia").pk}


def test_after_a_click_the_next_laureates_buttons_wait_a_moment_so_a_double_click_records_one_choice(world, dean):
    session = live_session(world)
    html = choose(dean, chooser(session, 1), post(session, "pedia")).content.decode()
    assert 'class="choose-form arming"' in html
    # The site's script, not an inline one (Content-Security-Policy), takes the class off.
    assert 'classList.remove("arming")' in (settings.PACKAGE_DIR / "static/js/residanat.js").read_text()
    assert "arming" not in page(dean)  # a page loaded on purpose is ready at once


def test_a_malformed_chooser_or_post_is_not_found(world, dean):
    live_session(world)
    assert dean.post(f"/choix/{SLUG}/seance/choisir/", {"chooser": "x", "post": "1"}).status_code == 404
    assert dean.post(f"/choix/{SLUG}/seance/absent/", {"chooser": ""}).status_code == 404


def test_without_javascript_a_choice_redirects_to_the_screen_with_a_message(world, dean):
    session = live_session(world)
    response = choose(dean, chooser(session, 1), post(session, "pedia"), htmx=False)
    assert response.status_code == 302 and response["Location"].endswith(f"/choix/{SLUG}/seance/")
    assert "enregistré" in page(dean)


def test_a_full_post_answers_the_seat_taken_message_and_the_laureate_stays_called(world, dean):
    session = live_session(world)
    live.do_record_choice(session, chooser(session, 1), post(session, "cardio"), world.dean)
    html = choose(dean, chooser(session, 2), post(session, "cardio")).content.decode()
    assert 'role="alert"' in html and "vient d&#x27;être pris" in html
    assert chooser(session, 2).presence == Chooser.Presence.WAITING
    assert live.next_to_call(session).order == 2


def test_a_stale_screen_cannot_record_a_choice_for_a_laureate_who_already_chose(world, dean):
    session = live_session(world)
    first = chooser(session, 1)
    choose(dean, first, post(session, "pedia"))
    html = choose(dean, first, post(session, "pedia")).content.decode()
    assert "a déjà choisi" in html
    assert post(session, "pedia").taken == 1


def test_an_absent_laureate_is_listed_with_the_rule_and_chooses_later_among_the_posts_still_open(world, dean):
    session = live_session(world)
    first = chooser(session, 1)
    html = dean.post(f"/choix/{SLUG}/seance/absent/", {"chooser": first.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert chooser(session, 1).presence == Chooser.Presence.ABSENT
    assert str(live.ABSENT_RULE).split(" :")[0].replace("'", "&#x27;") in html
    assert chooser(session, 2).candidate.number in html  # the next one is called
    choose(dean, chooser(session, 2), post(session, "cardio"))
    # Coming forward after rank 2: cardiology is gone, paediatrics is open.
    html = choose(dean, first, post(session, "cardio")).content.decode()
    assert 'role="alert"' in html and chooser(session, 1).presence == Chooser.Presence.ABSENT
    choose(dean, first, post(session, "pedia"))
    assert Choice.objects.get(chooser=first, undone_at__isnull=True).post == post(session, "pedia")


def test_a_choice_by_proxy_keeps_the_proxy_name_and_document(world, dean):
    session = live_session(world)
    doc = SimpleUploadedFile("procuration.pdf", b"%PDF-1.4 proxy", content_type="application/pdf")
    choose(dean, chooser(session, 1), post(session, "pedia"), proxy_name="M. Alami", proxy_document=doc)
    choice = Choice.objects.get(chooser=chooser(session, 1))
    assert choice.method == Choice.Method.PROXY and choice.proxy_name == "M. Alami"
    assert choice.proxy_document.name.endswith(".pdf")


def test_a_proxy_without_its_document_is_refused_and_the_name_typed_comes_back(world, dean):
    session = live_session(world)
    html = choose(dean, chooser(session, 1), post(session, "pedia"), proxy_name="M. Alami").content.decode()
    assert 'role="alert"' in html and 'value="M. Alami"' in html
    assert not Choice.objects.exists()


def test_undo_requires_a_reason_then_gives_the_seat_back_and_calls_the_laureate_again(world, dean):
    session = live_session(world)
    choice = live.do_record_choice(session, chooser(session, 1), post(session, "cardio"), world.dean)
    url = f"/choix/{SLUG}/seance/annuler/"
    html = dean.post(url, {"choice": choice.pk, "reason": "  "}, HTTP_HX_REQUEST="true").content.decode()
    assert 'role="alert"' in html and "Indiquez le motif" in html
    assert Choice.objects.get(pk=choice.pk).undone_at is None
    html = dean.post(url, {"choice": choice.pk, "reason": "pédiatrie annoncée"},
                     HTTP_HX_REQUEST="true").content.decode()
    choice.refresh_from_db()
    assert choice.undone_at is not None and choice.undo_reason == "pédiatrie annoncée"
    assert post(session, "cardio").taken == 0 and live.next_to_call(session).order == 1
    assert "pédiatrie annoncée" in html  # the undone choice stays in the list, with its reason


def test_undo_refuses_when_another_choice_was_recorded_since_the_screen_was_shown(world, dean):
    session = live_session(world)
    shown = live.do_record_choice(session, chooser(session, 1), post(session, "cardio"), world.dean)
    live.do_record_choice(session, chooser(session, 2), post(session, "pedia"), world.dean)
    html = dean.post(f"/choix/{SLUG}/seance/annuler/", {"choice": shown.pk, "reason": "erreur"},
                     HTTP_HX_REQUEST="true").content.decode()
    assert 'role="alert"' in html
    assert not Choice.objects.filter(undone_at__isnull=False).exists()


def test_the_wish_list_first_still_open_wish_is_highlighted(world, dean):
    session = world.session()
    do_open_wishes(session, timezone.now() + dt.timedelta(days=1), world.dean)
    first = chooser(session, 1)
    do_save_wishes(first, [post(session, "cardio").pk, post(session, "pedia").pk], world.dean)
    do_save_wishes(chooser(session, 2), [post(session, "cardio").pk], world.dean)
    do_start_live(session, world.dean)
    html = page(dean)
    assert re.search(rf'name="post" value="{post(session, "cardio").pk}" class="post-choice first-wish"', html)
    live.do_record_choice(session, first, post(session, "cardio"), world.dean)
    html = page(dean)
    # Rank 2 wished only cardiology, now full: nothing is highlighted.
    assert "Aucun des vœux de ce lauréat" in html and "post-choice first-wish" not in html


def test_the_operator_opens_and_closes_the_session(world, dean):
    session = world.session()
    assert "Ouvrir la séance de choix" in page(dean)
    dean.post(f"/choix/{SLUG}/seance/ouvrir/", {"place": "Amphi B"})
    session.refresh_from_db()
    assert session.state == ChoiceSession.State.LIVE and session.live_place == "Amphi B"
    for order, code in ((1, "cardio"), (2, "pedia"), (3, "pedia")):
        live.do_record_choice(session, chooser(session, order), post(session, code), world.dean)
    live.do_record_choice(session, chooser(session, 4), post(session, "cardio#VOL"), world.dean)
    dean.post(f"/choix/{SLUG}/seance/clore/", {"note": ""})
    session.refresh_from_db()
    assert session.state == ChoiceSession.State.CLOSED
    html = page(dean)
    assert "choose-form" not in html and "seance/annuler/" not in html  # nothing left to record or undo


def test_a_viewer_of_the_competition_cannot_run_the_session(world, verified_client):
    live_session(world)
    director = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=world.competition.hospital_centre)
    client = verified_client(director)
    assert client.get(f"/choix/{SLUG}/seance/").status_code == 403
    assert client.post(f"/choix/{SLUG}/seance/absent/", {"chooser": 1}).status_code == 403
    other_dean = user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory())
    assert verified_client(other_dean).get(f"/choix/{SLUG}/seance/").status_code == 404


def test_the_operator_screen_in_arabic_is_right_to_left(world, dean):
    live_session(world)
    html = page(dean, prefix="/ar")
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert f'action="/ar/choix/{SLUG}/seance/choisir/"' in html


# --- public board --------------------------------------------------------------------------------

def test_the_board_is_public_and_shows_the_seats_left_without_any_name(world, client):
    session = live_session(world)
    live.do_record_choice(session, chooser(session, 1), post(session, "pedia"), world.dean)
    html = page(client, "tableau/")
    assert re.search(r"Pedia.*?board-left\">1<small> / 2", html, re.S)  # 2 seats, 1 taken
    assert 'hx-trigger="every 2s"' in html
    for order in (1, 2):
        c = chooser(session, order)
        assert c.candidate.person.full_name not in html and c.candidate.number not in html
    assert "n° 2" in html  # the call in progress


def test_the_volunteer_pool_is_one_line_whatever_the_number_of_its_posts(world, client):
    live_session(world)
    html = page(client, "tableau/etat/")
    assert html.count("contingent commun") == 1


def test_the_board_fragment_answers_304_until_a_choice_changes_its_etag(world, client):
    session = live_session(world)
    url = f"/choix/{SLUG}/tableau/etat/"
    first = client.get(url)
    assert first.status_code == 200 and "no-cache" in first["Cache-Control"]
    tag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and not again.content
    live.do_record_choice(session, chooser(session, 1), post(session, "pedia"), world.dean)
    changed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_an_unchanged_board_costs_one_query_and_builds_nothing(world, client, django_assert_num_queries):
    live_session(world)
    url = f"/choix/{SLUG}/tableau/etat/"
    tag = client.get(url)["ETag"]
    with django_assert_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_the_board_etag_differs_between_french_and_arabic(world, client):
    live_session(world)
    fr = client.get(f"/choix/{SLUG}/tableau/etat/")
    ar = client.get(f"/ar/choix/{SLUG}/tableau/etat/", HTTP_IF_NONE_MATCH=fr["ETag"])
    assert ar.status_code == 200 and ar["ETag"] != fr["ETag"]


def test_the_closed_session_board_stays_readable_and_stops_polling(world, client):
    session = live_session(world)
    for order, code in ((1, "cardio"), (2, "pedia"), (3, "pedia"), (4, "cardio#VOL")):
        live.do_record_choice(session, chooser(session, order), post(session, code), world.dean)
    do_close_session(session, world.dean)
    html = page(client, "tableau/")
    assert "Séance close" in html and "hx-trigger" not in html


def test_the_board_in_arabic_is_right_to_left_and_polls_the_arabic_fragment(world, client):
    live_session(world)
    html = page(client, "tableau/", prefix="/ar")
    assert 'dir="rtl"' in html
    assert f'hx-get="/ar/choix/{SLUG}/tableau/etat/"' in html
