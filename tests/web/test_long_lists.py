"""On the demo's data (614 ranked, 362 laureates, a thousand persons), no page a user reaches by
links shows a table of more than 50 rows (issue 25 item 3): every long list pages.

KNOWN_LONG names the pages not converted yet, each with why; a new long table anywhere else, or
one of these grown past its size, fails."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from .long_lists import MAX_ROWS, long_tables

pytestmark = pytest.mark.django_db

# path pattern (digits as N) → rows allowed, why not a Listing yet.
KNOWN_LONG = {
    "/reglementation/": (80, "the regulation's parameters, one table per text: a reference, not records"),
    "/concours/residanat-N-casablanca/postes/": (70, "the posts grid, edited in place with subtotals per group"),
    "/choix/residanat-N-casablanca/tours/N/": (100, "a round's per-post summary (the laureates below page)"),
    "/deploiement/N/": (80, "the campaign's summary per delegation"),
    "/parcours/externes/affectations/N/": (70, "one extern assignment batch, printed as a whole"),
}


def test_no_page_of_the_demo_shows_more_than_fifty_rows_without_paging(verified_client):
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
    long = {}
    for username in ("admin", "direction.ibnrochd"):
        client = verified_client(get_user_model().objects.get(username=username))
        found, visited = long_tables(client, ["/", "/discipline/", "/paie/", "/personnes/"], limit=400)
        assert visited > 40, visited
        for url, rows in found:
            long[re.sub(r"\d+", "N", url.split("?")[0])] = rows
    over = {path: rows for path, rows in long.items()
            if path not in KNOWN_LONG or rows > KNOWN_LONG[path][0]}
    assert not over, f"tables of more than {MAX_ROWS} rows on one page: {over}"
