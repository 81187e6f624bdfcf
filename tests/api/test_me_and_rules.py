import datetime as dt

import pytest

from residanat.accounts.models import RoleAssignment
from residanat.accounts.roles import Role
from tests.accounts.factories import UserFactory, user_with_role
from tests.api.helpers import token_client
from tests.people.factories import PersonFactory
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db


def test_me_lists_roles_with_their_scope_and_unit_named_in_both_languages():
    faculty = FacultyFactory(name_fr="Faculté de médecine et de pharmacie de Rabat", name_ar="كلية الطب والصيدلة بالرباط")
    user = user_with_role(Role.DEAN_OFFICE, faculty=faculty)
    user.language = "ar"
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.MINISTRY_ADMIN)
    body = token_client(user).get("/api/v1/me").json()
    assert body["username"] == user.username
    assert body["language"] == "ar"
    assert body["person_id"] is None
    roles = sorted(body["roles"], key=lambda r: r["role"])
    assert roles == [
        {
            "role": "dean_office",
            "scope": "faculty",
            "unit": {
                "type": "faculty",
                "id": faculty.pk,
                "name": "كلية الطب والصيدلة بالرباط",
                "name_fr": "Faculté de médecine et de pharmacie de Rabat",
                "name_ar": "كلية الطب والصيدلة بالرباط",
            },
        },
        {"role": "ministry_admin", "scope": "national", "unit": None},
    ]


def test_me_of_a_trainee_gives_their_person_and_self_scope():
    trainee = user_with_role(Role.TRAINEE)
    person = PersonFactory(user=trainee)
    body = token_client(trainee).get("/api/v1/me").json()
    assert body["person_id"] == person.pk
    assert body["roles"] == [{"role": "trainee", "scope": "self", "unit": None}]


def test_rules_on_2025_06_01_give_the_intern_stipend_of_1500_with_its_article():
    response = token_client(UserFactory()).get("/api/v1/rules?on=2025-06-01")
    assert response.status_code == 200
    body = response.json()
    assert body["on"] == "2025-06-01"
    stipend = {p["key"]: p for p in body["parameters"]}["intern.stipend"]
    assert stipend["value"] == 1500
    assert stipend["ref"] == "D93 art. 18"
    assert stipend["label"]["fr"] and stipend["label"]["ar"]


def test_rules_default_to_today():
    response = token_client(UserFactory()).get("/api/v1/rules")
    assert response.status_code == 200
    assert response.json()["parameters"]


@pytest.mark.parametrize("bad", ["2025-13-01", "2025-02-30", "tomorrow", "20250601", "1700000000"])
def test_rules_on_a_bad_date_is_422_naming_the_parameter(bad):
    response = token_client(UserFactory()).get(f"/api/v1/rules?on={bad}")
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["query", "on"]
    assert error["msg"]


def test_rules_give_an_amount_as_a_rate_order_changed_it_the_same_as_the_payroll():
    # Issue 18 item 3: an amount "in force" comes from the same table as the payroll (orders included).
    from decimal import Decimal

    from residanat.payroll.models import RateOrder

    RateOrder.objects.create(key="intern.stipend", value=Decimal("1650"), valid_from=dt.date(2026, 10, 1),
                             order_ref="Arrêté 2026-117", entered_by=UserFactory())
    before, after = (token_client(UserFactory()).get(f"/api/v1/rules?on={on}").json() for on in ("2026-09-30",
                                                                                                 "2026-10-01"))
    assert {p["key"]: p for p in before["parameters"]}["intern.stipend"]["value"] == 1500
    stipend = {p["key"]: p for p in after["parameters"]}["intern.stipend"]
    assert stipend["value"] == 1650 and stipend["seed"] == "order:Arrêté 2026-117" and stipend["ref"] == "D93 art. 18"
