"""Issue 23 items 3 and 4 (pages): the public board's poll is answered from the shared cache
without a session or a user, in the three states of the session; the laureate's own page follows
the call during the live session; the irreversible office buttons say what they do and to how
many, in French and Arabic."""

import datetime as dt
import html as html_lib
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.choice import board, live
from residanat.choice.models import Chooser, Post
from residanat.choice.sessions import do_close_session, do_open_wishes, do_start_live
from tests.accounts.factories import user_with_role
from tests.choice.world import ChoiceWorld

pytestmark = pytest.mark.django_db
SLUG = "residanat-2026-jour"
POLL = f"/choix/{SLUG}/tableau/etat/"
OPENS = timezone.make_aware(dt.datetime(2026, 11, 3, 9, 30))


@pytest.fixture
def world():
    w = ChoiceWorld(seats={"cardio": 1, "pedia": 3}, slug=SLUG)
    w.users = {n: user_with_role(Role.TRAINEE) for n in ("R0001", "R0002", "R0003", "R0004")}
    for rank, number in enumerate(w.users, 1):
        w.laureate(number, rank, user=w.users[number])
    return w


def post(session, code):
    return Post.objects.get(session=session, code=f"chu-test-medical-{code}")


def chooser(session, order):
    return Chooser.objects.select_related("candidate__person").get(session=session, order=order)


def laureate_client(world, number):
    client = Client()
    client.force_login(world.users[number])
    return client


def tables(queries) -> set[str]:
    return {t for q in queries for t in re.findall(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', q["sql"])}


# --- the board in its three states ---------------------------------------------------------------

def test_the_board_answers_before_during_and_after_the_live_session(world, client):
    session = do_open_wishes(world.session(), OPENS - dt.timedelta(days=5), world.dean, live_at=OPENS)
    before = client.get(POLL).content.decode()
    assert "s'ouvrira le" in before and "09:30" in before and "Appel en cours" not in before

    session = do_start_live(session, world.dean, place="Amphi B")
    live.do_record_choice(session, chooser(session, 1), post(session, "pedia"), world.dean)
    live.do_record_choice(session, chooser(session, 2), post(session, "cardio"), world.dean)
    during = client.get(POLL).content.decode()
    assert "Appel en cours" in during and "n° 3" in during
    # The last choices, newest first, by call number and post: never a name.
    last = during.split('id="board-last"')[1].split("</div>")[0]
    assert re.search(r"n° 2 → Cardio.*n° 1 → Pedia", last, re.S)
    assert chooser(session, 1).candidate.person.full_name not in during
    # Seats left per post: Cardio full, Pedia 2 of 3.
    assert re.search(r"Pedia.*?board-left\">2<small> / 3", during, re.S)
    assert re.search(r"Cardio.*?board-full", during, re.S)

    for order in (3, 4):
        live.do_record_choice(session, chooser(session, order), post(session, "pedia"), world.dean)
    do_close_session(session, world.dean)
    after = client.get(POLL).content.decode()
    assert "Séance close" in after and "board-last" not in after


def test_the_board_in_arabic_says_the_same_in_arabic(world, client):
    session = do_start_live(world.session(), world.dean)
    live.do_record_choice(session, chooser(session, 1), post(session, "pedia"), world.dean)
    response = client.get("/ar" + POLL)
    text = response.content.decode()
    assert response["Content-Language"] == "ar"
    assert "المناداة جارية" in text and "آخر الاختيارات" in text


def test_a_poll_loads_no_session_object_and_no_user_only_the_cache(world, client):
    session = do_start_live(world.session(), world.dean)
    first = client.get(POLL)
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as unchanged:
        again = client.get(POLL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    # The only table read is the shared cache's: no session row, no user, no web session.
    assert tables(unchanged.captured_queries) == {"residanat_cache"}
    assert "sessionid" not in again.cookies and "csrftoken" not in again.cookies
    # Security headers are still there on the early path.
    assert again["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in again
    assert again["X-Content-Type-Options"] == "nosniff"
    assert "public" in again["Cache-Control"] and "no-cache" in again["Cache-Control"]

    # A choice moves the version in the cache, within its own transaction.
    live.do_record_choice(session, chooser(session, 1), post(session, "pedia"), world.dean)
    changed = client.get(POLL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    # The next viewer of that version gets the stored body: rendered once, nothing read but the cache.
    with CaptureQueriesContext(connection) as served:
        other = Client().get(POLL)
    assert other.content == changed.content and other["ETag"] == changed["ETag"]
    assert tables(served.captured_queries) == {"residanat_cache"}


def test_each_version_of_the_board_is_rendered_once_for_every_viewer(world, client, monkeypatch):
    from residanat.choice import views_live

    session = do_start_live(world.session(), world.dean)
    renders = []
    real = views_live.render_board_state
    monkeypatch.setattr(views_live, "render_board_state", lambda slug: renders.append(slug) or real(slug))
    for _ in range(5):
        assert Client().get(POLL).status_code == 200
    assert len(renders) == 1
    live.do_record_choice(session, chooser(session, 1), post(session, "pedia"), world.dean)
    for _ in range(5):
        assert Client().get(POLL).status_code == 200
    assert len(renders) == 2


def test_a_version_key_lost_from_the_cache_is_read_again_from_the_database(world, client):
    session = do_start_live(world.session(), world.dean)
    live.do_record_choice(session, chooser(session, 1), post(session, "pedia"), world.dean)
    cache.delete(board.version_key(SLUG))
    response = client.get(POLL)
    session.refresh_from_db()
    assert response["ETag"] == f'"{SLUG}.{session.version}.live.fr.b"'
    assert cache.get(board.version_key(SLUG)) == f"{SLUG}.{session.version}.live"


def test_an_unknown_session_board_is_a_404(client):
    assert client.get("/choix/pas-de-concours/tableau/etat/").status_code == 404


# --- the laureate's page during the live session -----------------------------------------------

def test_the_laureates_page_shows_the_call_and_how_many_are_before_them(world):
    session = do_start_live(world.session(), world.dean)
    fourth = laureate_client(world, "R0004")
    url = f"/choix/{SLUG}/mes-voeux/"
    html = fourth.get(url).content.decode()
    call = html.split('id="live-call"')[1].split("</div>")[0]
    assert "n° 1" in call and "3 lauréats seront appelés avant vous" in call
    assert f'hx-get="/choix/{SLUG}/mes-voeux/appel/"' in html

    live.do_record_choice(session, chooser(session, 1), post(session, "pedia"), world.dean)
    live.do_mark_absent(session, chooser(session, 2), world.dean)
    part = fourth.get(f"/choix/{SLUG}/mes-voeux/appel/").content.decode()
    assert "n° 3" in part and "1 lauréat sera appelé avant vous" in part
    # Arabic, with its plural of one.
    arabic = fourth.get(f"/ar/choix/{SLUG}/mes-voeux/appel/").content.decode()
    assert "سينادى ناجح واحد (1) قبلكم" in arabic

    # The one called is told it is their turn; the absent one to come forward.
    third = laureate_client(world, "R0003").get(f"/choix/{SLUG}/mes-voeux/appel/").content.decode()
    assert "C'est votre tour" in third
    second = laureate_client(world, "R0002").get(f"/choix/{SLUG}/mes-voeux/appel/").content.decode()
    assert "appelé en votre absence" in second
    first = laureate_client(world, "R0001").get(f"/choix/{SLUG}/mes-voeux/").content.decode()
    assert "Poste attribué : Pedia" in first and "mes-voeux/appel/" not in first
    served = laureate_client(world, "R0001").get(f"/choix/{SLUG}/mes-voeux/appel/").content.decode()
    assert "Vous avez choisi votre poste" in served and "hx-get" not in served  # no more polling


def test_the_call_part_is_empty_before_and_after_the_live_session(world):
    session = world.session()
    fourth = laureate_client(world, "R0004")
    assert 'id="live-call"' not in fourth.get(f"/choix/{SLUG}/mes-voeux/").content.decode()
    assert fourth.get(f"/choix/{SLUG}/mes-voeux/appel/").content.decode().strip() == ""
    assert session.state == "preparing"


def test_the_call_part_is_the_laureates_own_only(world, client):
    do_start_live(world.session(), world.dean)
    outsider = Client()
    outsider.force_login(user_with_role(Role.TRAINEE))
    assert outsider.get(f"/choix/{SLUG}/mes-voeux/appel/").status_code == 404
    assert client.get(f"/choix/{SLUG}/mes-voeux/appel/").status_code == 302  # to the login page


# --- irreversible office buttons ------------------------------------------------------------------

def confirm_of(html, marker) -> str:
    form = html[html.index(marker):]
    form = form[:form.index(">")]
    return html_lib.unescape(re.search(r'data-confirm="([^"]*)"', form)[1])


@pytest.mark.parametrize("prefix, expected", [
    ("", "Les 4 lauréats inscrits seront appelés un à un"),
    ("/ar", "سينادى 4 ناجحين مسجلين"),
])
def test_opening_the_live_session_asks_to_confirm_saying_to_how_many(world, verified_client, prefix, expected):
    world.session()
    html = verified_client(world.dean).get(f"{prefix}/choix/{SLUG}/seance/").content.decode()
    message = confirm_of(html, f'action="{prefix}/choix/{SLUG}/seance/ouvrir/"')
    assert expected in message
    form = html[html.index(f'action="{prefix}/choix/{SLUG}/seance/ouvrir/"'):]
    assert 'hx-confirm="' in form[:form.index(">")]


@pytest.mark.parametrize("prefix, expected", [
    ("", "Les postes des 4 lauréats seront attribués"),
    ("/ar", "ستسند مناصب 4 ناجحين"),
])
def test_the_final_round_asks_to_confirm_saying_to_how_many(world, verified_client, prefix, expected):
    do_open_wishes(world.session(), timezone.now() + dt.timedelta(days=1), world.dean)
    html = verified_client(world.dean).get(f"{prefix}/choix/{SLUG}/").content.decode()
    assert expected in confirm_of(html, f'action="{prefix}/choix/{SLUG}/tours/definitif/"')


def test_one_laureate_gets_the_singular_and_arabic_its_own_form(verified_client):
    w = ChoiceWorld(seats={"cardio": 1}, slug=SLUG)
    w.laureate("R0001", 1)
    w.session()
    client = verified_client(w.dean)
    html = client.get(f"/choix/{SLUG}/seance/").content.decode()
    assert "Le lauréat inscrit sera appelé pour choisir son poste" in confirm_of(
        html, f'action="/choix/{SLUG}/seance/ouvrir/"')
    arabic = client.get(f"/ar/choix/{SLUG}/seance/").content.decode()
    assert "سينادى الناجح المسجل لاختيار منصبه" in confirm_of(arabic, f'action="/ar/choix/{SLUG}/seance/ouvrir/"')


@pytest.mark.parametrize("prefix, expected", [
    ("", "Les postes des 4 lauréats affectés y paraîtront"),
    ("/ar", "ستظهر فيها مناصب 4 ناجحين معينين"),
])
def test_publishing_the_results_asks_to_confirm_saying_to_how_many(world, verified_client, prefix, expected):
    session = do_start_live(world.session(), world.dean)
    for order, code in ((1, "cardio"), (2, "pedia"), (3, "pedia"), (4, "pedia")):
        live.do_record_choice(session, chooser(session, order), post(session, code), world.dean)
    do_close_session(session, world.dean)
    html = verified_client(world.dean).get(f"{prefix}/choix/{SLUG}/resultats/").content.decode()
    assert expected in confirm_of(html, f'action="{prefix}/choix/{SLUG}/resultats/liste.pdf"')
