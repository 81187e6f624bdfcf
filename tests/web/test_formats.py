"""Dates read day/month/year in Arabic as in French, in every form the templates use (issue 18,
item 8): Django's Arabic formats are month first (7 December read "12/07/2026")."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import timezone, translation

import residanat
from residanat.choice.models import ChoiceSession

# 7 December 2026 at 09:05:03 in Morocco: day 7 and month 12 cannot be mistaken for each other.
MOMENT = dt.datetime(2026, 12, 7, 9, 5, 3, tzinfo=ZoneInfo("Africa/Casablanca"))
MONTH = {"fr": "décembre", "ar": "ديسمبر"}
# Every date/time filter form used in a template, and what it must print ({month}: the month's name).
EXPECTED = {
    "|date": "7 {month} 2026",
    '|date:"F Y"': "{month} 2026",
    '|date:"SHORT_DATE_FORMAT"': "07/12/2026",
    '|date:"SHORT_DATETIME_FORMAT"': "07/12/2026 09:05",
    '|date:"DATE_FORMAT"': "7 {month} 2026",
    '|date:"DATETIME_FORMAT"': "7 {month} 2026 09:05",
    '|date:"d/m/Y"': "07/12/2026",
    '|date:"d/m/Y H:i"': "07/12/2026 09:05",
    '|date:"d/m/Y H:i:s"': "07/12/2026 09:05:03",
    '|date:"m/Y"': "12/2026",
    # The value of an <input type="date">: ISO, read by the browser, never by a person.
    '|date:"Y-m-d"': "2026-12-07",
    "|time": "09:05",
    # The value of an <input type="time">: what the browser reads.
    '|time:"H:i"': "09:05",
    '|time:"H:i:s"': "09:05:03",
    # A date-time printed without a filter takes DATETIME_FORMAT.
    "": "7 {month} 2026 09:05",
}
FILTER = re.compile(r"\|(?:date|time)(?::\"[^\"]*\"|:'[^']*')?")


def forms_used_in_templates() -> set[str]:
    root = Path(residanat.__file__).parent
    found = set()
    for template in root.glob("**/templates/**/*.html"):
        found.update(m.replace("'", '"') for m in FILTER.findall(template.read_text(encoding="utf-8")))
    return found


def test_every_date_filter_used_in_a_template_is_checked_here():
    # A new form in a template must be added to EXPECTED (and so checked in both languages).
    assert forms_used_in_templates() <= set(EXPECTED), forms_used_in_templates() - set(EXPECTED)


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("form", sorted(EXPECTED))
def test_dates_read_day_month_year_in_both_languages(form, language):
    template = engines["django"].from_string("{{ moment" + form + " }}")
    with translation.override(language):
        rendered = template.render({"moment": MOMENT})
    assert rendered == EXPECTED[form].format(month=MONTH[language])


def test_a_plain_date_reads_day_first_in_arabic():
    template = engines["django"].from_string('{{ day }}|{{ day|date:"SHORT_DATE_FORMAT" }}')
    with translation.override("ar"):
        assert template.render({"day": dt.date(2027, 2, 5)}) == "5 فبراير 2027|05/02/2027"


@pytest.mark.django_db
def test_the_wishes_deadline_reads_day_first_on_the_arabic_page():
    from tests.choice.test_wishes_pages import World

    world = World()
    # A day that would read as another date month first (5 February, not 2 May).
    deadline = timezone.localtime() + dt.timedelta(days=2)
    while deadline.day > 12 or deadline.day == deadline.month:
        deadline += dt.timedelta(days=1)
    ChoiceSession.objects.filter(pk=world.session.pk).update(wishes_deadline=deadline)
    page = world.client("R0001").get("/ar" + world.url).content.decode()
    assert deadline.strftime("%d/%m/%Y %H:%M") in page
    assert deadline.strftime("%m/%d/%Y") not in page
