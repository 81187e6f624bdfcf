"""The service pages: the services in a user's scope with their counts, and one service's trainees
present this period, the coming ones and the rotations to validate."""

import datetime as dt

import pytest
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.careers.models import ExternAssignment, ExternAssignmentBatch, Rotation
from tests.accounts.factories import RoleAssignmentFactory
from tests.careers.world import CareersWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return CareersWorld()


def days(n):
    return timezone.localdate() + dt.timedelta(days=n)


def rotation(w, status, key, start, end):
    return Rotation.objects.create(status=status, service=w.service(key), start_date=start, end_date=end,
                                   assigned_by=w.director)


@pytest.fixture
def medicine(w):
    """General medicine today: an intern ending in 10 days (to validate), an extern mid-rotation, an
    intern coming next period; and an intern in surgery."""
    return {
        "ending": rotation(w, w.intern(rank=1), "general_medicine", days(-170), days(10)),
        "extern": rotation(w, w.extern(start=days(-60)), "general_medicine", days(-30), days(60)),
        "coming": rotation(w, w.intern(rank=3), "general_medicine", days(11), days(190)),
        "surgery": rotation(w, w.intern(rank=2), "general_surgery", days(-170), days(10)),
    }


def test_head_of_service_lists_only_their_service_with_its_counts(w, medicine, verified_client):
    page = verified_client(w.head_of("general_medicine")).get("/parcours/services/")
    rows = page.context["rows"]
    assert [(s.pk, present, to_validate) for s, present, to_validate in rows] == [
        (w.service("general_medicine").pk, 2, 1)]


def test_director_lists_every_service_of_the_centre_and_no_other(w, medicine, verified_client):
    rows = verified_client(w.director).get("/parcours/services/").context["rows"]
    listed = {s.pk for s, *_ in rows}
    assert listed == {s.pk for s in w.services.values()}
    assert not listed & {s.pk for s in w.ph_services}
    counts = {s.pk: (present, to_validate) for s, present, to_validate in rows}
    assert counts[w.service("general_surgery").pk] == (1, 1)


def test_a_trainee_has_no_service_page(w, medicine, client):
    user = w.trainee_user(medicine["ending"].status.person)
    RoleAssignmentFactory(user=user, role=Role.TRAINEE)
    client.force_login(user)
    assert list(client.get("/parcours/services/").context["rows"]) == []
    assert client.get(f"/parcours/services/{w.service('general_medicine').pk}/").status_code == 404


def test_service_page_shows_who_is_there_who_comes_and_what_to_validate(w, medicine, verified_client):
    page = verified_client(w.head_of("general_medicine")).get(f"/parcours/services/{w.service('general_medicine').pk}/")
    assert page.status_code == 200
    assert {r.pk for r in page.context["present"]} == {medicine["ending"].pk, medicine["extern"].pk}
    assert [r.pk for r in page.context["coming"]] == [medicine["coming"].pk]
    assert [r.pk for r, *_ in page.context["to_validate"]] == [medicine["ending"].pk]
    html = page.content.decode()
    assert "externe" in html and "interne" in html
    assert f'hx-post="/parcours/stages/{medicine["ending"].pk}/validation/"' in html
    assert medicine["surgery"].status.person.full_name not in html


def test_director_sees_the_service_page_without_the_validation_form(w, medicine, verified_client):
    page = verified_client(w.director).get(f"/parcours/services/{w.service('general_medicine').pk}/")
    assert page.status_code == 200 and page.context["can_validate"] is False
    assert "hx-post" not in page.content.decode()
    assert [r.pk for r, *_ in page.context["to_validate"]] == [medicine["ending"].pk]


def test_head_of_another_service_gets_404_on_this_service(w, medicine, verified_client):
    response = verified_client(w.head_of("general_surgery")).get(
        f"/parcours/services/{w.service('general_medicine').pk}/")
    assert response.status_code == 404


def test_externs_assigned_by_the_director_appear_in_their_service(w, verified_client):
    extern = w.extern(start=days(-60))
    batch = ExternAssignmentBatch.objects.create(
        faculty=w.faculty, hospital_centre=w.centre, label="Externes S1", start_date=days(-30), end_date=days(60),
        committee_opinion="avis favorable", state=ExternAssignmentBatch.State.ASSIGNED, proposed_by=w.dean,
        assigned_by=w.director)
    ExternAssignment.objects.create(batch=batch, status=extern, service=w.service("paediatrics"))
    page = verified_client(w.head_of("paediatrics")).get(f"/parcours/services/{w.service('paediatrics').pk}/")
    assert [a.status_id for a in page.context["externs"]] == [extern.pk]
    assert "Externes S1" in page.content.decode()
    other = verified_client(w.head_of("general_surgery")).get(f"/parcours/services/{w.service('paediatrics').pk}/")
    assert other.status_code == 404


def test_service_page_in_arabic_is_right_to_left(w, medicine, verified_client):
    page = verified_client(w.head_of("general_medicine")).get(
        f"/ar/parcours/services/{w.service('general_medicine').pk}/")
    assert page.status_code == 200 and 'dir="rtl"' in page.content.decode()


def test_api_lists_the_service_rotations_in_scope(w, medicine, verified_client):
    client = verified_client(w.head_of("general_medicine"))
    service = w.service("general_medicine")
    body = client.get(f"/api/v1/careers/services/{service.pk}/rotations").json()
    assert [r["id"] for r in body] == [medicine["ending"].pk, medicine["extern"].pk, medicine["coming"].pk]
    assert {r["status_kind"] for r in body} == {"intern", "extern"}
    today = client.get(f"/api/v1/careers/services/{service.pk}/rotations?on={days(0).isoformat()}").json()
    assert {r["id"] for r in today} == {medicine["ending"].pk, medicine["extern"].pk}
    outsider = verified_client(w.head_of("general_surgery"))
    assert outsider.get(f"/api/v1/careers/services/{service.pk}/rotations").status_code == 404
