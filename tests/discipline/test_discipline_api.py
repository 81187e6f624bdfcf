"""The discipline API (/api/v1/discipline): cases and commitments through the same scope as the
pages, the case's log verified, a commitment's progress and sums received."""

import datetime as dt
from decimal import Decimal

import pytest

from residanat.accounts.roles import Role
from residanat.discipline.models import CaseEvent, Commitment, CommitmentService
from tests.accounts.factories import user_with_role
from tests.api.helpers import token_client
from tests.discipline.test_cases import World, referred

D = dt.date
API = "/api/v1/discipline"
pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return World()


def get(user, path):
    return token_client(user).get(f"{API}{path}")


def test_cases_follow_the_scope_and_the_log_is_verified(w):
    case = referred(w, w.case(), seed="api-seed")
    assert [row["id"] for row in get(w.director, "/cases").json()["items"]] == [case.pk]
    assert get(w.trainee, "/cases").json()["items"][0]["person_id"] == w.intern.person_id
    assert get(w.officer, "/cases").json()["items"] == []  # the payroll has no part in it
    assert get(World().director, f"/cases/{case.pk}").status_code == 404
    detail = get(w.dean, f"/cases/{case.pk}").json()
    assert detail["log_ok"] and detail["committee"]["draw"]["seed"] == "api-seed"
    assert [e["kind"] for e in detail["events"]] == ["opened", "file_opened", "referred"]
    assert detail["opinion_due_on"] == "2026-04-05" and detail["state"] == "referred"
    event = CaseEvent.objects.get(case=case, kind="referred")
    CaseEvent.objects.filter(pk=event.pk).update(actor="someone else")
    assert get(w.dean, f"/cases/{case.pk}").json()["log_ok"] is False


def test_a_commitment_gives_its_progress_and_the_sums_received(w):
    resident = w.status("resident")
    w.closed(D(2026, 1, 1), "CHU", hospital_centre=w.centre)
    commitment = Commitment.objects.create(status=resident, counterpart="hospital_centre", signed_on=D(2026, 1, 1),
                                           recorded_by=w.ministry)
    assert get(w.ministry, f"/commitments/{commitment.pk}").json()["percent"] == 0  # no period yet: 0 %, not 100 %
    CommitmentService.objects.create(commitment=commitment, establishment=w.hospital, start_date=D(2030, 1, 1))
    body = get(w.ministry, f"/commitments/{commitment.pk}").json()
    assert (body["required_days"], body["expected_end"], Decimal(body["sums_received"])) == (
        2922, "2037-12-31", Decimal("3500.00"))
    assert get(user_with_role(Role.HEAD_OF_SERVICE, service=w.service), f"/commitments/{commitment.pk}").status_code == 404
    assert get(World().director, f"/commitments/{commitment.pk}").status_code == 404
