"""Amounts read the same in Arabic as in French: one format ("1 800,00", MAD or درهم) and, inside
right-to-left text, isolated left to right; otherwise the bidi algorithm shows "1 650,00" as
"650,00 1" (issue 18, item 10)."""

from decimal import Decimal

import pytest
from django.template import engines
from django.test import Client
from django.utils import translation

from residanat.formats import LRI, PDI, money_text
from tests.documents.helpers import pdf_text
from tests.ops.helpers import run_queued_jobs
from tests.payroll.test_payslip_pages import trainee_client, w  # noqa: F401  (w: the fixture)

pytestmark = pytest.mark.django_db
ISOLATED = '<bdi dir="ltr" class="ltr">{}</bdi>'


def render(source, language, **context):
    with translation.override(language):
        return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("language, unit", [("fr", "MAD"), ("ar", "درهم")])
def test_the_money_filter_writes_one_format_isolated(language, unit):
    assert render("{{ x|money }}", language, x=Decimal("1650")) == ISOLATED.format("1\u00a0650,00")
    assert render('{{ x|money:"MAD" }}', language, x=Decimal("-12.5")) == ISOLATED.format("-12,50") + " " + unit
    # Amounts already written by a document's facts are isolated as they are.
    assert render("{{ x|money }}", language, x="1\u00a0650,00") == ISOLATED.format("1\u00a0650,00")
    assert render("{{ x|ltr }}", language, x="D93 art. 21") == ISOLATED.format("D93 art. 21")


def test_a_message_isolates_the_amount_with_unicode_isolates():
    with translation.override("ar"):
        assert money_text(Decimal("1650")) == f"{LRI}1\u00a0650,00{PDI} درهم"


def test_my_payslips_in_arabic_shows_the_net_isolated(w):  # noqa: F811
    page = trainee_client(w).get("/ar/paie/mes-bulletins/").content.decode()
    assert ISOLATED.format("1\u00a0800,00") in page


def test_the_run_page_in_arabic_shows_every_amount_in_the_one_format(w, verified_client):  # noqa: F811
    page = verified_client(w.officer).get(f"/ar/paie/{w.january.pk}/").content.decode()
    assert ISOLATED.format("3\u00a0600,00") in page  # two interns at 1 800,00
    assert "3600,00" not in page


def test_the_run_computed_in_the_background_shows_its_total_in_the_one_format(w, verified_client):  # noqa: F811
    client = verified_client(w.officer)
    job_page = client.post(f"/ar/paie/{w.february.pk}/calculer/")["Location"]
    assert 'hx-trigger="load delay:2s"' in client.get(job_page).content.decode()  # queued: the page polls
    run_queued_jobs()
    assert f'href="/ar/paie/{w.february.pk}/"' in client.get(job_page).content.decode()
    page = client.get(f"/ar/paie/{w.february.pk}/").content.decode()
    assert ISOLATED.format("3\u00a0600,00") in page and "3600,00" not in page


@pytest.mark.pdf
def test_the_arabic_payslip_writes_the_net_in_dirhams(w):  # noqa: F811
    client = trainee_client(w)
    arabic = pdf_text(client.get(f"/paie/bulletins/{w.january.pk}/{w.mine.person_id}.pdf?lang=ar").content)
    net = next(line for line in arabic.splitlines() if "الصافي" in line)
    # (pdftotext's order of mixed-direction runs is its own: the words are checked, not their order.)
    assert "1 800,00" in net.replace("\u00a0", " ") and "درهم" in net and "MAD" not in net
    french = pdf_text(client.get(f"/paie/bulletins/{w.january.pk}/{w.mine.person_id}.pdf?lang=fr").content)
    assert "Net à payer : 1 800,00 MAD" in french.replace("\u00a0", " ")
