"""The amounts in force (the decree's, with the orders laid over them: D93 art. 6, 18), the rate
orders the Ministry enters (an earlier effective date pays the arrears in the next run) and the
territorial health groups (RD68 ch. 14), in French and Arabic."""

import datetime as dt
from decimal import Decimal

import pytest

from residanat.accounts.roles import Role
from residanat.payroll.models import PayLine, RateOrder, TerritorialGroup
from residanat.payroll.runs import do_approve_run, do_close_run, do_compute_run, do_open_run
from tests.accounts.factories import user_with_role
from tests.payroll.world import PayrollWorld
from tests.referential.factories import RegionFactory

pytestmark = pytest.mark.django_db
D = dt.date
RATES = "/paie/montants/"
NEW_ORDER = "/paie/montants/arretes/nouveau/"


@pytest.fixture
def w():
    return PayrollWorld()


def text(response):
    return response.content.decode().replace("&#x27;", "'")


def order(**changes):
    return {"key": "intern.stipend", "value": "1700", "valid_from": "2026-01-15", "valid_to": "",
            "order_ref": "Arrêté 123-26", **changes}


# --- the amounts page ----------------------------------------------------------------------------

# D93 art. 18: "يتقاضى الداخليون ... تعويضا عن المهام".
@pytest.mark.parametrize("prefix,label", [("", "Indemnité mensuelle de l'interne"), ("/ar", "التعويض عن المهام للداخلي")])
def test_the_amounts_in_force_show_their_article_date_and_label(w, verified_client, prefix, label):
    page = verified_client(w.director).get(f"{prefix}{RATES}")
    assert page.status_code == 200
    body = text(page)
    assert label in body and "intern.stipend" in body and "D93 art. 18" in body
    assert "extern.stipend.pharmacy.year6" in body and "seventh_year.lump_sum" in body
    assert "NEW_ORDER" not in body and NEW_ORDER not in body  # the director reads, the Ministry enters


def test_the_amounts_on_a_chosen_date(w, verified_client):
    body = text(verified_client(w.officer).get(f"{RATES}?on=2024-06-01"))
    # RD68 ch. 14: the 7th-year lump sum exists from 1 January 2025 only.
    row = body[body.index("seventh_year.lump_sum"):]
    row = row[:row.index("</tr>")]
    assert "2400" in row and "pas en vigueur" in row


def test_the_amounts_page_is_refused_to_who_does_not_read_the_payroll(w, verified_client):
    dean = user_with_role(Role.DEAN_OFFICE, faculty=w.faculty)
    assert verified_client(dean).get(RATES).status_code == 403
    assert verified_client(user_with_role(Role.TRAINEE)).get(RATES).status_code == 403


# --- rate orders ---------------------------------------------------------------------------------

def test_the_ministry_enters_an_order_and_the_page_shows_it(w, verified_client):
    client = verified_client(w.ministry)
    assert f'action="{NEW_ORDER}"' in text(client.get(RATES))
    response = client.post(NEW_ORDER, order())
    assert response.status_code == 302
    saved = RateOrder.objects.get()
    assert (saved.key, saved.value, saved.valid_from, saved.valid_to, saved.order_ref, saved.entered_by) == (
        "intern.stipend", Decimal("1700"), D(2026, 1, 15), None, "Arrêté 123-26", w.ministry)
    page = text(client.get(f"{RATES}?on=2026-02-01"))
    assert "Arrêté 123-26" in page and "rappels des mois déjà clôturés" in page
    assert "1700" in page


def test_a_payroll_officer_cannot_enter_an_order(w, verified_client):
    assert verified_client(w.officer).post(NEW_ORDER, order()).status_code == 403
    assert not RateOrder.objects.exists()


@pytest.mark.parametrize("changes,message", [
    ({"order_ref": ""}, "Ce champ est obligatoire."),
    ({"valid_to": "2026-01-01"}, "La fin précède le début."),
    ({"key": "internat.max_attempts"}, "Sélectionnez un choix valide"),
    ({"value": "-5"}, "supérieure ou égale à 0"),
    ({"key": "seventh_year.lump_sum", "valid_from": "2024-12-01"},
     "à partir du 01/01/2025 (RD68 ch. 14) : un arrêté pour une période antérieure finit au plus tard le 31/12/2024"),
])
def test_a_wrong_order_is_refused_with_its_reason(w, verified_client, changes, message):
    response = verified_client(w.ministry).post(NEW_ORDER, order(**changes))
    assert response.status_code == 200 and message in text(response)
    assert not RateOrder.objects.exists()


def test_an_order_entered_with_an_earlier_date_pays_the_arrears_in_the_next_run(w, verified_client):
    intern = w.status("intern")
    for month in (D(2026, 1, 1), D(2026, 2, 1)):
        run = do_compute_run(do_open_run(w.officer, month, "MSPS"), w.officer)
        do_close_run(do_approve_run(run, w.second_officer), w.officer)
    assert verified_client(w.ministry).post(NEW_ORDER, order()).status_code == 302
    march = do_compute_run(do_open_run(w.officer, D(2026, 3, 1), "MSPS"), w.officer)
    arrears = {line.month_corrected: line for line in march.lines.filter(kind=PayLine.Kind.ADJUSTMENT)}
    # January: 14 days at 1,500 and 17 at 1,700 owed (1,609.68), 1,500 paid; February: 200 more.
    assert arrears[D(2026, 1, 1)].amount == Decimal("109.68")
    assert arrears[D(2026, 2, 1)].amount == Decimal("200.00")
    assert {(line.reason, line.reason_detail, line.status_id) for line in arrears.values()} == {
        ("rate", "Arrêté 123-26", intern.pk)}


# --- territorial health groups -------------------------------------------------------------------

def group_url(region):
    return f"/paie/gst/{region.pk}/"


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_groups_page_lists_every_region_and_its_group(w, verified_client, prefix):
    empty = RegionFactory(code="ZZ", name_fr="Région sans GST")
    w.group.powers_from, w.group.decree_ref = D(2025, 3, 1), "Décret 2.25.1"
    w.group.save()
    body = text(verified_client(w.officer).get(f"{prefix}/paie/gst/"))
    assert "GST test" in body and "01/03/2025" in body and "Décret 2.25.1" in body
    assert "ZZ" in body and group_url(empty) not in body  # the officer reads, the Ministry edits
    assert group_url(empty) in text(verified_client(w.ministry).get(f"{prefix}/paie/gst/"))


def test_the_ministry_creates_a_group_and_sets_the_date_it_takes_up_its_powers(w, verified_client):
    region = RegionFactory(code="ZY")
    client = verified_client(w.ministry)
    assert client.get(group_url(region)).status_code == 200
    response = client.post(group_url(region), {"name_fr": "GST Y", "name_ar": "م ص ت ي", "powers_from": "",
                                               "decree_ref": ""})
    assert response.status_code == 302
    response = client.post(group_url(region), {"name_fr": "GST Y", "name_ar": "م ص ت ي",
                                               "powers_from": "2025-06-01", "decree_ref": "Décret 2.25.400"})
    assert response.status_code == 302
    group = TerritorialGroup.objects.get(region=region)
    assert (group.powers_from, group.decree_ref) == (D(2025, 6, 1), "Décret 2.25.400")
    # The same values again: unchanged, no history row (the runs are not made stale for nothing).
    before = group.history.count()
    client.post(group_url(region), {"name_fr": "GST Y", "name_ar": "م ص ت ي", "powers_from": "2025-06-01",
                                    "decree_ref": "Décret 2.25.400"})
    assert group.history.count() == before


def test_a_date_without_its_text_is_refused(w, verified_client):
    region = RegionFactory(code="ZX")
    response = verified_client(w.ministry).post(group_url(region), {"name_fr": "GST X", "name_ar": "م",
                                                                    "powers_from": "2025-06-01", "decree_ref": ""})
    assert response.status_code == 200 and "saisissez sa référence" in text(response)
    assert not TerritorialGroup.objects.filter(region=region).exists()


def test_only_the_ministry_edits_a_group(w, verified_client):
    data = {"name_fr": "Autre", "name_ar": "م", "powers_from": "2025-01-01", "decree_ref": "D"}
    for user in (w.officer, w.director):
        assert verified_client(user).get(group_url(w.region)).status_code == 403
        assert verified_client(user).post(group_url(w.region), data).status_code == 403
    dean = user_with_role(Role.DEAN_OFFICE, faculty=w.faculty)
    assert verified_client(dean).get("/paie/gst/").status_code == 403
    assert TerritorialGroup.objects.get(region=w.region).name_fr == "GST test"


def test_rd68_ch_14_an_order_gives_the_amount_before_2025_and_the_run_pays_the_month_it_reported(w, verified_client):
    """RD68 ch. 14 before decree 2.25.818: an amount was owed that the texts held do not give; the run
    reports the month (decision 0001) until an order for those dates gives it."""
    seventh = w.status("seventh_year_intern_duties", start=D(2024, 9, 1), end=D(2025, 8, 31))
    run = do_compute_run(do_open_run(w.officer, D(2024, 12, 1), "MSPS"), w.officer)
    assert [p["month"] for p in run.problems] == ["2024-12"]
    assert verified_client(w.ministry).post(NEW_ORDER, order(
        key="seventh_year.lump_sum", value="1500", valid_from="2016-04-25", valid_to="2024-12-31",
        order_ref="Arrêté 9-24 (test)")).status_code == 302
    run = do_compute_run(run, w.officer)
    assert run.problems == []
    assert [(l.code, l.amount) for l in run.lines.filter(status=seventh)] == [("seventh_year.lump_sum",
                                                                               Decimal("1500.00"))]
