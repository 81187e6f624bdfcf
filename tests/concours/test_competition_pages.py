"""The competitions list: open registrations and published results for everyone, the scope's
sessions for staff, newest first."""

import pytest
from django.test import Client

from residanat.accounts.roles import Role
from residanat.concours.models import Competition
from tests.accounts.factories import user_with_role
from tests.concours.factories import CompetitionFactory

pytestmark = pytest.mark.django_db


def test_anyone_sees_the_open_registrations_with_the_link_to_register_but_not_the_drafts():
    open_ = CompetitionFactory(state=Competition.State.REGISTRATION_OPEN)
    draft = CompetitionFactory()
    page = Client().get("/concours/").content.decode()
    assert f"/concours/{open_.slug}/inscription/" in page
    assert draft.slug not in page


def test_a_dean_sees_the_faculty_s_sessions_newest_first_and_still_the_open_registrations(verified_client):
    old = CompetitionFactory(year=2022, slug="residanat-2022-x")
    new = CompetitionFactory(year=2026, slug="residanat-2026-x", faculty=old.faculty,
                             state=Competition.State.REGISTRATION_OPEN)
    page = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=old.faculty)).get("/concours/").content.decode()
    assert page.index(f"/concours/{new.slug}/") < page.index(f"/concours/{old.slug}/")
    assert f"/concours/{new.slug}/inscription/" in page
