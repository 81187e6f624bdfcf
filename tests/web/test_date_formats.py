"""Dates read day/month/year in both languages (issue 18, item 6): Django's Arabic formats give
the short date as d/m/Y but leave the short date-and-time to the default, month first."""

import datetime as dt
import re

import pytest
from django.utils import formats, timezone, translation

from residanat.choice.sessions import do_open_wishes
from tests.choice.world import ChoiceWorld

AT = dt.datetime(2026, 11, 3, 9, 30)
DAY_FIRST = re.compile("^03\u200f?/11\u200f?/2026 09:30$")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_short_date_and_time_reads_day_month_year(language):
    with translation.override(language):
        assert DAY_FIRST.match(formats.date_format(AT, "SHORT_DATETIME_FORMAT"))
        assert re.match("^03\u200f?/11\u200f?/2026$", formats.date_format(AT.date(), "SHORT_DATE_FORMAT"))


@pytest.mark.django_db
def test_the_office_page_in_arabic_shows_the_dates_day_first(verified_client):
    world = ChoiceWorld(seats={"cardio": 1}, slug="residanat-2026-dates")
    world.laureates(1)
    deadline = timezone.make_aware(dt.datetime(2026, 10, 29, 18, 0))
    do_open_wishes(world.session(), deadline, world.dean, live_at=timezone.make_aware(AT))
    html = verified_client(world.dean).get("/ar/choix/residanat-2026-dates/").content.decode()
    assert re.search("29\u200f?/10\u200f?/2026 18:00", html) and re.search("03\u200f?/11\u200f?/2026 09:30", html)
    assert "10/29/2026" not in html and "11/03/2026" not in html
