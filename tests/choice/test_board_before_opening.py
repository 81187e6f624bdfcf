"""The public board answers in every state of the session (issue 18, item 6): before the live
session it says when the session opens (day/month/year in French and in Arabic) and shows the
seats offered; the page opened in advance polls, and reloads itself into the live board as soon
as the session opens."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from residanat.choice import live
from residanat.choice.models import Chooser
from residanat.choice.sessions import do_close_session, do_open_wishes, do_start_live
from tests.choice.world import ChoiceWorld
from tests.web.links import broken_links

pytestmark = pytest.mark.django_db
SLUG = "residanat-2026-tableau"
BOARD = f"/choix/{SLUG}/tableau/"
WAITING = f"/choix/{SLUG}/tableau/etat/?attente=1"
HTMX = {"HTTP_HX_REQUEST": "true"}
# Africa/Casablanca, the office's time.
OPENS = timezone.make_aware(dt.datetime(2026, 11, 3, 9, 30))
# d/m/Y; Arabic puts a right-to-left mark after each number (Django's Arabic date format).
DAY = re.compile("03\u200f?/11\u200f?/2026")


@pytest.fixture
def world():
    w = ChoiceWorld(seats={"cardio": 1, "pedia": 2}, slug=SLUG)
    w.laureates(3)
    return w


def scheduled(world):
    return do_open_wishes(world.session(), OPENS - dt.timedelta(days=5), world.dean, live_at=OPENS)


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_board_answers_before_the_session_with_its_opening_day_and_time(world, client, prefix):
    scheduled(world)
    response = client.get(prefix + BOARD)
    assert response.status_code == 200
    html = response.content.decode()
    opening = html.split('id="board-opening"')[1].split("</div>")[0]
    assert DAY.search(opening) and "09:30" in opening
    assert "11/03/2026" not in html  # never month/day
    # The seats offered are on the board already, all of them still open.
    assert 'board-left">2<small> / 2' in html and 'board-left">1<small> / 1' in html
    # It polls the waiting fragment of its own language.
    assert f'hx-get="{prefix}/choix/{SLUG}/tableau/etat/?attente=1"' in html


def test_a_board_whose_session_has_no_date_yet_says_so(world, client):
    world.session()
    html = client.get(BOARD).content.decode()
    assert "La date de la séance de choix n'est pas encore fixée" in html
    arabic = client.get("/ar" + BOARD).content.decode()
    assert "لم يحدد بعد تاريخ جلسة الاختيار" in arabic


def test_the_board_opened_in_advance_reloads_itself_when_the_session_opens(world, client):
    session = scheduled(world)
    first = client.get(WAITING, **HTMX)
    assert first.status_code == 200 and "HX-Refresh" not in first
    assert DAY.search(first.content.decode())
    # Nothing changed: the poll costs a 304.
    assert client.get(WAITING, HTTP_IF_NONE_MATCH=first["ETag"], **HTMX).status_code == 304
    do_start_live(session, world.dean, place="Amphi A")
    opened = client.get(WAITING, HTTP_IF_NONE_MATCH=first["ETag"], **HTMX)
    assert opened.status_code == 200 and opened["HX-Refresh"] == "true"
    # The page it reloads into is the live board, polled every 2 s.
    live = client.get(BOARD).content.decode()
    assert 'hx-trigger="every 2s"' in live and "?attente=1" not in live and "Appel en cours" in live


def test_the_board_after_the_session_shows_the_final_seats_and_says_it_is_closed(world, client):
    session = do_start_live(scheduled(world), world.dean)
    for order in (1, 2, 3):
        live.do_mark_absent(session, Chooser.objects.get(session=session, order=order), world.dean)
    do_close_session(session, world.dean, note="Absents")
    response = client.get(BOARD)
    assert response.status_code == 200 and "Séance close" in response.content.decode()
    # A page left waiting since before the session reloads into the closed board too.
    assert client.get(WAITING, **HTMX)["HX-Refresh"] == "true"


def test_the_office_fixes_the_day_of_the_session_with_the_wishes_deadline(world, verified_client):
    session = world.session()
    client = verified_client(world.dean)
    response = client.post(f"/choix/{SLUG}/voeux/ouvrir/", {"deadline": "2026-10-29T18:00",
                                                            "live_at": "2026-11-03T09:30"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.live_at == OPENS
    detail = client.get(f"/choix/{SLUG}/").content.decode()
    assert "03/11/2026 09:30" in detail
    # Before the deadline is refused: the laureates rank their wishes before the session.
    client.post(f"/choix/{SLUG}/voeux/ouvrir/", {"deadline": "2026-11-05T18:00", "live_at": "2026-11-03T09:30"})
    session.refresh_from_db()
    assert session.wishes_deadline < session.live_at


def test_an_unknown_competition_has_no_board(client):
    assert client.get("/choix/no-such-competition/tableau/").status_code == 404
    assert client.get("/choix/no-such-competition/tableau/etat/").status_code == 404


def test_the_office_pages_link_the_board_before_the_session_and_no_link_answers_404(world, verified_client):
    scheduled(world)
    client = verified_client(world.dean)
    for page in (f"/choix/{SLUG}/", f"/choix/{SLUG}/seance/"):
        html = client.get(page).content.decode()
        assert f'href="{BOARD}"' in html, page
        assert broken_links(client, page) == [], page
