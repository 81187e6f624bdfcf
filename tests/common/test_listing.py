"""Long lists page, search and sort through one component (common/listing.py, issue 25 item 3):
the merit list, the laureates, a round, the candidates and the persons; the scope still filters."""

import html
import re

import pytest
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.choice.rounds import do_run_round
from residanat.choice.sessions import do_open_wishes
from residanat.common.listing import fold_arabic
from tests.accounts.factories import user_with_role
from tests.choice.world import ChoiceWorld
from tests.discipline.test_cases import World as DisciplineWorld
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db


def body_rows(response) -> list[str]:
    """The rows of the listing (the table inside its #…-rows block), as text."""
    page = response.content.decode()
    block = re.search(r'<div id="[a-z-]+-rows">(.*?)</tbody>', page, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", block.split("<tbody>", 1)[1], re.S)
    return [html.unescape(re.sub(r"<[^>]+>", " ", row)) for row in rows]


@pytest.fixture
def world():
    w = ChoiceWorld(seats={"cardio": 30, "pedia": 30})
    w.laureates(59)
    zerhouni = w.laureate("R0060", 60)
    person = zerhouni.person
    person.last_name, person.first_name, person.last_name_ar, person.first_name_ar = (
        "Zerhouni", "Yasmine", "الزرهوني", "ياسمين")
    person.save()
    w.dean_client = None
    return w


@pytest.fixture
def dean(world, verified_client):
    return verified_client(world.dean)


def test_arabic_folding_drops_tatweel_and_short_vowels():
    assert fold_arabic("مُحَمَّـد") == "محمد"
    assert fold_arabic("Zerhouni") == "Zerhouni"


def test_the_merit_list_shows_fifty_rows_a_page_and_page_links_keep_the_sort(world, dean):
    url = f"/concours/{world.competition.slug}/classement/"
    first = dean.get(url + "?sort=-number")
    assert len(body_rows(first)) == 50
    assert "R0060" in body_rows(first)[0]  # descending by number
    assert 'href="?sort=-number&amp;page=2"' in first.content.decode()
    second = dean.get(url + "?sort=-number&page=2")
    assert len(body_rows(second)) == 10 and "R0001" in body_rows(second)[-1]


def test_the_merit_list_is_found_by_number_latin_name_and_arabic_name_with_diacritics(world, dean):
    url = f"/concours/{world.competition.slug}/classement/"
    for query in ("R0042", "zerhouni", "الزرهوني", "الزَّرْهـوني"):
        rows = body_rows(dean.get(url, {"q": query}))
        assert len(rows) == 1, query
    assert "R0042" in body_rows(dean.get(url, {"q": "R0042"}))[0]
    assert "ZERHOUNI" in body_rows(dean.get(url, {"q": "الزَّرْهـوني"}))[0]
    assert "Aucun candidat ne correspond." in dean.get(url, {"q": "nobody-such"}).content.decode()


def test_sorting_by_a_column_sets_aria_sort_and_a_second_click_reverses(world, dean):
    url = f"/concours/{world.competition.slug}/classement/"
    page = dean.get(url).content.decode()
    assert re.search(r'aria-sort="ascending"><a class="sort active" href="\?sort=-rank"', page)
    assert re.search(r'aria-sort="none"><a class="sort" href="\?sort=name"', page)
    by_name = dean.get(url, {"sort": "name"})
    names = [row.split()[2] for row in body_rows(by_name)]  # rank, number, LAST NAME …
    assert names == sorted(names)
    reversed_names = [row.split()[2] for row in body_rows(dean.get(url, {"sort": "-name"}))]
    assert reversed_names[0] >= reversed_names[-1]
    assert 'aria-sort="descending"' in dean.get(url, {"sort": "-name"}).content.decode()


def test_the_laureates_and_a_round_page_search_and_sort_in_arabic_too(world, dean):
    session = do_open_wishes(world.session(), timezone.now() + timezone.timedelta(days=2), world.dean)
    do_run_round(session, world.dean)
    base = f"/ar/choix/{world.competition.slug}/"
    laureates = dean.get(base + "laureats/")
    assert len(body_rows(laureates)) == 50
    assert "R0051" in body_rows(dean.get(base + "laureats/", {"page": 2}))[0]
    found = body_rows(dean.get(base + "laureats/", {"q": "ياسمين الزرهوني"}))
    assert len(found) == 1 and "R0060" in found[0]
    round_page = dean.get(base + "tours/1/", {"q": "R0007"})
    assert len(body_rows(round_page)) == 1
    by_number = body_rows(dean.get(base + "tours/1/", {"sort": "-number"}))
    assert len(by_number) == 50 and "R0060" in by_number[0]


def test_the_search_stays_inside_the_scope(world, dean, verified_client):
    other_dean = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    url = f"/concours/{world.competition.slug}/classement/"
    assert other_dean.get(url, {"q": "Zerhouni"}).status_code == 404
    # The persons: the dean of the trainee's faculty finds them by name, a dean of another does not.
    d = DisciplineWorld()
    person = d.intern.person
    mine, other = verified_client(d.dean), verified_client(user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()))
    assert person.full_name in " ".join(body_rows(mine.get("/personnes/", {"q": person.last_name})))
    assert person.last_name.upper() not in " ".join(body_rows(other.get("/personnes/", {"q": person.last_name})))
    assert other.get("/personnes/", {"q": person.last_name}).context["page"].paginator.count == 0


def test_the_candidates_list_pages_and_finds_an_arabic_name_without_its_tatweel(world, dean):
    url = f"/concours/{world.competition.slug}/candidats/"
    assert len(body_rows(dean.get(url))) == 50
    rows = body_rows(dean.get(url, {"q": "الزرهـــوني"}))
    assert len(rows) == 1 and "R0060" in rows[0]


def test_an_arabic_name_stored_with_diacritics_is_found_by_its_plain_letters():
    from residanat.common.listing import person_fields, search_filter
    from residanat.people.models import Person
    from tests.people.factories import PersonFactory

    PersonFactory(last_name="Filali", last_name_ar="الفِيلَالـي", first_name_ar="سَعِيد")
    PersonFactory(last_name="Other", last_name_ar="العلوي", first_name_ar="سعيد")
    found = search_filter(Person.objects.all(), "الفيلالي سعيد", *person_fields())
    assert [p.last_name for p in found] == ["Filali"]
