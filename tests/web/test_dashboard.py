"""Each role's home dashboard counts inside its own scope."""

import datetime as dt

import pytest
from django.test import Client

from residanat.accounts.roles import Role
from tests.accounts.factories import user_with_role
from tests.people.factories import PersonFactory, TraineeStatusFactory
from tests.referential.factories import FacultyFactory, HospitalServiceFactory

pytestmark = pytest.mark.django_db


def section(page, role):
    start = page.index(f'data-role="{role}"')
    return page[start:page.index("</section>", start)]


def test_dean_dashboard_counts_only_the_faculty(verified_client):
    mine, other = FacultyFactory(name_fr="FMP Casablanca"), FacultyFactory()
    for _ in range(3):
        TraineeStatusFactory(faculty=mine)
    TraineeStatusFactory(faculty=mine, end_date=dt.date(2020, 1, 1), start_date=dt.date(2019, 1, 1))
    for _ in range(5):
        TraineeStatusFactory(faculty=other)
    page = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=mine)).get("/").content.decode()
    block = section(page, Role.DEAN_OFFICE)
    assert "faculté — FMP Casablanca" in block
    # 4 people in scope, 3 of them interns today (one status ended in 2020).
    assert '<div class="figure">4</div>' in block
    assert '<div class="figure">3</div><div class="caption">interne' in block


def test_head_of_service_sees_who_is_in_the_service(verified_client):
    service = HospitalServiceFactory(name_fr="Pédiatrie I")
    here = TraineeStatusFactory(service=service, hospital_centre=service.establishment.hospital_centre).person
    elsewhere = TraineeStatusFactory().person
    page = verified_client(user_with_role(Role.HEAD_OF_SERVICE, service=service)).get("/").content.decode()
    block = section(page, Role.HEAD_OF_SERVICE)
    assert f"Pédiatrie I — {service.establishment.name_fr}" in block
    assert here.full_name in block and elsewhere.full_name not in block


def test_payroll_officer_sees_the_rates_in_force_with_their_article(verified_client):
    page = verified_client(user_with_role(Role.PAYROLL_OFFICER)).get("/").content.decode()
    block = section(page, Role.PAYROLL_OFFICER)
    assert "1\u00a0500,00" in block and "D93 art. 18" in block
    assert "3\u00a0500,00" in block and "D93 art. 27" in block
    assert "2\u00a0400,00" in block and "RD68 ch. 14" in block


def test_trainee_dashboard_shows_only_their_own_file():
    trainee = user_with_role(Role.TRAINEE)
    person = PersonFactory(user=trainee)
    TraineeStatusFactory(person=person)
    other = TraineeStatusFactory().person
    client = Client()
    client.force_login(trainee)
    page = client.get("/").content.decode()
    block = section(page, "trainee")
    assert person.full_name in block
    assert other.full_name not in page


def test_payroll_officer_sees_the_amount_a_rate_order_put_in_force_as_the_payroll_pays_it(verified_client):
    # Issue 18 item 3: the dashboard said 1500 "in force today" while the payroll paid an order's 1650.
    from decimal import Decimal

    from django.utils import timezone

    from residanat.payroll.models import RateOrder

    ministry = user_with_role(Role.MINISTRY_ADMIN)
    today = timezone.localdate()
    RateOrder.objects.create(key="intern.stipend", value=Decimal("1650"), valid_from=today - dt.timedelta(days=60),
                             order_ref="Arrêté 2026-117", entered_by=ministry)
    client = verified_client(user_with_role(Role.PAYROLL_OFFICER))
    for prefix in ("", "/ar"):
        block = section(client.get(f"{prefix}/").content.decode(), Role.PAYROLL_OFFICER)
        # One amount format in both languages, isolated left to right (issue 18 item 10).
        assert ">1\u00a0650,00</bdi>" in block and "Arrêté 2026-117" in block and "1\u00a0500,00" not in block
    rules_page = client.get(f"/reglementation/?on={today.isoformat()}").content.decode()
    assert "1650" in rules_page
