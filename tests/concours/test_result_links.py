"""Links that lead somewhere (issue 18, item 6): on /concours/ a "Résultats" link is shown only
where the results can be read, and a candidate sees the result of each published competition
they sat. The demo's earlier sessions (2022–2025) are recorded as published without a list held
on the platform: such a session must not link to a page that answers 404."""

import datetime as dt

import pytest
from django.test import Client

from residanat.concours.models import Competition
from residanat.accounts.roles import Role
from tests.accounts.factories import user_with_role
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.concours.merit_world import typical
from tests.people.factories import PersonFactory
from tests.web.links import broken_links

State = Competition.State
pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def _history(person, year, faculty):
    """A session sat before the platform: published, no merit list held (like the demo's 2022–2025)."""
    competition = CompetitionFactory(year=year, slug=f"residanat-{year}-histoire", state=State.PUBLISHED,
                                     session_date=dt.date(year, 10, 5), faculty=faculty)
    return CandidateFactory(competition=competition, person=person, number=f"H{year}")


@pytest.fixture
def world():
    """A candidate admitted in a published competition, who also sat two earlier sessions."""
    published = typical()
    user = user_with_role(Role.TRAINEE)
    published.candidate("U1", 17, 17, user=user, last_name="Alaoui", first_name="Salma")
    published.publish()
    person = published.candidates["U1"].person
    history = [_history(person, year, published.competition.faculty) for year in (2023, 2024)]
    return published, user, history


def test_no_link_of_the_competitions_page_answers_404(world, verified_client):
    published, user, _history = world
    for client in (Client(), verified_client(user), verified_client(published.dean)):
        assert broken_links(client, "/concours/") == []
        assert broken_links(client, "/ar/concours/") == []


def test_no_link_of_a_competitions_own_pages_answers_404(world, verified_client):
    """The same fault on the staff's pages of a competition: its detail and its merit pages
    linked the public results for any published competition."""
    published, _user, history = world
    client = verified_client(published.dean)
    for competition in [published.competition] + [c.competition for c in history]:
        for page in ("", "classement/", "epreuves/"):
            assert broken_links(client, f"/concours/{competition.slug}/{page}") == [], (competition.slug, page)


def test_the_results_link_is_shown_where_the_results_are_published(world):
    published, _user, history = world
    page = Client().get("/concours/").content.decode()
    assert f'href="/concours/{published.competition.slug}/resultats/"' in page
    for candidate in history:
        assert f"/concours/{candidate.competition.slug}/resultats/" not in page
    assert page.count("Résultats non disponibles en ligne") == len(history)


def test_a_candidate_sees_their_result_in_each_published_competition(world, verified_client):
    published, user, history = world
    client = verified_client(user)
    assert broken_links(client, "/concours/mes-candidatures/") == []
    page = client.get("/concours/mes-candidatures/").content.decode()
    mine = page.split(f"{published.competition.year} —")[1].split("</section>")[0]
    # U1 (17) is first of the Moroccans: admitted, rank 1, with the slip.
    assert "<dt>Résultat</dt>" in mine and ">Admis<" in mine and "rang 1" in mine
    assert f"/concours/candidatures/{published.candidates['U1'].pk}/releve.pdf" in mine
    for candidate in history:
        section = page.split(f"{candidate.competition.year} —")[1].split("</section>")[0]
        assert "Résultats non disponibles en ligne" in section
    arabic = client.get("/ar/concours/mes-candidatures/").content.decode()
    assert "النتيجة" in arabic and "الرتبة 1" in arabic


def test_a_candidate_not_in_the_published_list_is_told_so(world, verified_client):
    published, _user, _history = world
    user = user_with_role(Role.TRAINEE)
    person = PersonFactory(user=user)
    CandidateFactory(competition=published.competition, person=person, number="L1", state="ineligible")
    page = verified_client(user).get("/concours/mes-candidatures/").content.decode()
    assert "Ne figure pas sur la liste publiée" in page
