"""Issue 25 item 2: irreversible actions ask for confirmation in a dialog (base.html's
#confirm-dialog, opened by residanat.js for a form with data-confirm) that says what will happen
and to how many, in French and in Arabic (plural forms through ngettext)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from residanat.concours.merit import do_compute_merit_list
from residanat.concours.models import Competition
from residanat.concours.workflow import do_transition
from residanat.payroll.runs import do_approve_run, do_compute_run, do_open_run
from tests.concours.merit_world import typical
from tests.payroll.world import PayrollWorld

pytestmark = pytest.mark.django_db


def confirmation(page: str, action: str, holding: str = "") -> str:
    """The data-confirm text of the form posting to `action` (and holding `holding`), "" when it
    asks nothing."""
    for tag, body in re.findall(r"(<form[^>]*>)(.*?)</form>", page, re.S):
        if f'action="{action}"' in tag and holding in body:
            found = re.search(r'data-confirm="([^"]*)"', tag)
            return html.unescape(found.group(1)) if found else ""
    raise AssertionError(f"no form posting to {action}")


def test_the_page_holds_the_confirmation_dialog_in_both_languages(client):
    assert 'id="confirm-dialog"' in client.get("/compte/connexion/").content.decode()
    page = client.get("/ar/compte/connexion/").content.decode()
    assert 'id="confirm-dialog"' in page and "Oui, continuer" not in page.split('id="confirm-dialog"')[1].split("</dialog>")[0]


def test_closing_a_payroll_run_says_how_many_trainees_and_what_total(verified_client):
    world = PayrollWorld()
    world.status("intern")
    run = do_approve_run(do_compute_run(do_open_run(world.officer, dt.date(2026, 1, 1), "MSPS"), world.officer),
                         world.second_officer)
    client = verified_client(world.officer)
    text = confirmation(client.get(f"/paie/{run.pk}/").content.decode(), f"/paie/{run.pk}/cloturer/")
    assert "1 stagiaire payé" in text and "MAD" in text and "ne change plus" in text
    text_ar = confirmation(client.get(f"/ar/paie/{run.pk}/").content.decode(), f"/ar/paie/{run.pk}/cloturer/")
    assert text_ar and "Clôturer" not in text_ar and "1" in text_ar


def test_deliberating_and_publishing_say_how_many_candidates(verified_client):
    world = typical()
    do_transition(world.competition, Competition.State.SCORES_ENTERED, world.dean)
    do_compute_merit_list(world.competition, world.dean)
    client = verified_client(world.dean)
    slug = world.competition.slug
    text = confirmation(client.get(f"/concours/{slug}/").content.decode(), f"/concours/{slug}/etat/",
                        'value="deliberated"')
    assert re.search(r"Délibérer arrête la liste de mérite de \d+ candidats", text)
    world.deliberate()
    text = confirmation(client.get(f"/concours/{slug}/").content.decode(), f"/concours/{slug}/etat/")
    assert re.search(r"Publier les résultats : \d+ candidats admis seront affichés", text)
    text_ar = confirmation(client.get(f"/ar/concours/{slug}/").content.decode(), f"/ar/concours/{slug}/etat/")
    assert text_ar and "Publier" not in text_ar


def test_a_step_with_a_way_back_asks_nothing(verified_client):
    world = typical()  # registration closed: the scores may be closed, then reopened
    slug = world.competition.slug
    page = verified_client(world.dean).get(f"/concours/{slug}/").content.decode()
    assert confirmation(page, f"/concours/{slug}/etat/", 'value="scores_entered"') == ""
