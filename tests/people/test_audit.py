"""Every change to a person or a status is kept: who, when, before and after."""

import datetime as dt

import pytest

from residanat.accounts.roles import Role
from tests.accounts.factories import user_with_role
from tests.people.factories import TraineeStatusFactory

pytestmark = pytest.mark.django_db


def test_a_status_change_made_through_a_page_request_is_recorded_with_its_author(verified_client):
    status = TraineeStatusFactory()
    admin = user_with_role(Role.MINISTRY_ADMIN)
    client = verified_client(admin)
    # A change made during a request carries the request's user (history middleware).
    from simple_history.models import HistoricalRecords

    class Request:
        user = admin

    HistoricalRecords.context.request = Request()
    try:
        status.end_date = dt.date(2027, 8, 31)
        status.save()
    finally:
        del HistoricalRecords.context.request
    latest = status.history.first()
    assert latest.history_user == admin
    assert latest.prev_record.end_date is None and latest.end_date == dt.date(2027, 8, 31)
    page = client.get(f"/personnes/{status.person.pk}/").content.decode()
    assert "fin : ∅ → " in page and "2027" in page


def test_the_person_page_lists_the_creation_of_the_person_and_statuses(verified_client):
    status = TraineeStatusFactory()
    client = verified_client(user_with_role(Role.MINISTRY_ADMIN))
    page = client.get(f"/personnes/{status.person.pk}/").content.decode()
    assert page.count("Créé") >= 2  # the person and their status
