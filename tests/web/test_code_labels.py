"""No code shown to a person without its words (issue 25 item 4): the merit list's tie-break
rules, a round's matching method and quota codes, the case page's journal; and the case page offers
only the steps still to take, with one badge colour per meaning."""

import html
import re

import pytest
from django.utils import timezone

from residanat.choice.rounds import do_run_round
from residanat.choice.sessions import do_open_wishes
from residanat.concours.models import MeritList
from residanat.concours.models import MeritEntry
from residanat.discipline import cases
from tests.choice.world import ChoiceWorld
from tests.discipline.test_cases import OPENED, World as DisciplineWorld

pytestmark = pytest.mark.django_db

RAW_CODES = re.compile(
    r"heaviest_test|\bolder\b|\byounger\b|serial-dictatorship|cp-sat-couples|#(VOL|ADM|MIL)\b|run[-_]due[-_]rounds"
    r"|\b(opened|explanation_requested|explained|head_consulted|file_opened|file_read|referred|hearing_set"
    r"|opinion|signed|stipend_stopped|status_ended|document_added)\b")


def shown_text(response) -> str:
    """What a reader sees: the body's text, without tags, attributes, scripts and styles."""
    page = response.content.decode()
    body = page.split("<body", 1)[1]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def assert_no_raw_code(response):
    assert response.status_code == 200
    found = sorted({m.group(0) for m in RAW_CODES.finditer(shown_text(response))})
    assert not found, found


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_merit_list_and_a_round_say_their_rules_in_words(prefix, verified_client):
    w = ChoiceWorld(seats={"cardio": 1}, volunteer=1)
    w.laureates(3)
    w.laureate("F0001", 4, outcome=MeritEntry.Outcome.ADMITTED_FOREIGN, foreign=True)
    MeritList.objects.filter(pk=w.merit_list.pk).update(tie_break=["heaviest_test", "older"])
    session = do_open_wishes(w.session(), timezone.now() + timezone.timedelta(days=2), w.dean)
    do_run_round(session, w.dean)
    client = verified_client(w.dean)
    merit = client.get(f"{prefix}/concours/{w.competition.slug}/classement/")
    assert_no_raw_code(merit)
    expected = "le candidat le plus âgé" if not prefix else "الأكبر سنا"
    assert expected in shown_text(merit)
    round_page = client.get(f"{prefix}/choix/{w.competition.slug}/tours/1/")
    assert_no_raw_code(round_page)
    assert_no_raw_code(client.get(f"{prefix}/choix/{w.competition.slug}/"))


@pytest.fixture
def case_world():
    return DisciplineWorld()


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_case_page_says_each_journal_entry_in_words(prefix, case_world, verified_client):
    w = case_world
    case = w.case()
    cases.do_request_explanation(w.director, case, OPENED)
    cases.do_open_file(w.director, case, OPENED)
    page = verified_client(w.director).get(f"{prefix}/discipline/{case.pk}/")
    assert_no_raw_code(page)
    text = shown_text(page)
    if not prefix:
        assert "Dossier ouvert à l'intéressé" in text and "Explications écrites demandées" in text


def test_the_case_page_offers_only_the_steps_not_done_yet(case_world, verified_client):
    w = case_world
    case = w.case()
    client = verified_client(w.director)

    def offered():
        page = client.get(f"/discipline/{case.pk}/").content.decode()
        return re.findall(r'action="/discipline/\d+/etapes/([a-z]+)/"', page)

    assert offered() == ["explanation", "head", "file", "hearing", "refer", "sign"]
    cases.do_request_explanation(w.director, case, OPENED)
    cases.do_open_file(w.director, case, OPENED)
    assert offered() == ["head", "hearing", "refer", "sign"]


def test_late_and_decided_badges_do_not_share_a_colour(case_world, verified_client):
    w = case_world
    case = w.case()
    page = verified_client(w.director).get(f"/discipline/{case.pk}/").content.decode()
    assert re.search(r'<span class="badge info">ouvert</span>', page)
    from residanat.discipline.labels import LATE_BADGE, STATE_BADGES
    assert STATE_BADGES["decided"] == "success" and LATE_BADGE == "danger"
    assert len({STATE_BADGES["decided"], LATE_BADGE, STATE_BADGES["open"], STATE_BADGES["dismissed"]}) == 4
    css = open("src/residanat/static/css/residanat.css").read()
    colours = {kind: re.search(rf"\.badge\.{kind}[ ,][^{{]*\{{([^}}]*)\}}", css).group(1)
               for kind in ("success", "warning", "danger", "info", "neutral")}
    assert len(set(colours.values())) == 5
