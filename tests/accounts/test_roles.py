"""Role assignments: each scoped role names its unit, enforced by the database."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from residanat.accounts.models import RoleAssignment
from residanat.accounts.roles import Role, Scope
from tests.accounts.factories import UserFactory, user_with_role
from tests.referential.factories import FacultyFactory, HospitalCentreFactory, HospitalServiceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, scope",
    [
        (Role.DEAN_OFFICE, {}),
        (Role.HOSPITAL_DIRECTOR_OFFICE, {}),
        (Role.HEAD_OF_SERVICE, {}),
        (Role.COMMITTEE_MEMBER, {}),
        (Role.TRAINEE, {"faculty": "F"}),
        (Role.MINISTRY_ADMIN, {"hospital_centre": "C"}),
        (Role.DEAN_OFFICE, {"faculty": "F", "service": "S"}),
    ],
)
def test_a_role_without_its_unit_or_with_a_foreign_one_is_refused_by_the_database(role, scope):
    units = {"F": FacultyFactory, "C": HospitalCentreFactory, "S": HospitalServiceFactory}
    kwargs = {field: units[key]() for field, key in scope.items()}
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=UserFactory(), role=role, **kwargs)


def test_scope_follows_the_role():
    assert user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory()).active_roles()[0].scope == Scope.FACULTY
    assert user_with_role(Role.PAYROLL_OFFICER).active_roles()[0].scope == Scope.NATIONAL
    centre_payroll = user_with_role(Role.PAYROLL_OFFICER, hospital_centre=HospitalCentreFactory())
    assert centre_payroll.active_roles()[0].scope == Scope.HOSPITAL
    assert user_with_role(Role.TRAINEE).active_roles()[0].scope == Scope.SELF


def test_an_ended_role_gives_no_access():
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.MINISTRY_ADMIN, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 1, 1)
    )
    from residanat.people.models import Person
    from tests.people.factories import PersonFactory

    PersonFactory()
    assert user.active_roles() == []
    assert not Person.objects.visible_to(user).exists()
