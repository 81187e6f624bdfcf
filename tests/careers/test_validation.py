"""The head of service's validation of a rotation on the four criteria of D93 art. 17, from the
service page (HTMX) and the API."""

import datetime as dt

import pytest
from django.utils import timezone

from residanat.careers.dates import career_date
from residanat.careers.models import Rotation
from tests.careers.world import CareersWorld
from tests.formpage import form_with_errors, shows

pytestmark = pytest.mark.django_db
ALL_MET = {"attendance": "yes", "knowledge": "yes", "practical_skills": "yes", "conduct": "yes"}
NONE_MET = {"attendance": "no", "knowledge": "no", "practical_skills": "no", "conduct": "no"}
CRITERIA = ("attendance", "knowledge", "practical_skills", "conduct")


@pytest.fixture
def w():
    return CareersWorld()


def ending_soon(w, key="general_medicine", days_left=5, status=None):
    """A rotation whose validation window is open today (it ends in `days_left` days)."""
    today = timezone.localdate()
    status = status or w.intern(start=today - dt.timedelta(days=200))
    return Rotation.objects.create(status=status, service=w.service(key), start_date=today - dt.timedelta(days=170),
                                   end_date=today + dt.timedelta(days=days_left), assigned_by=w.director)


def post(client, rotation, data, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(f"/parcours/stages/{rotation.pk}/validation/", data, **headers)


def test_head_of_service_validates_a_rotation_meeting_the_four_criteria(w, verified_client):
    rotation = ending_soon(w)
    head = w.head_of("general_medicine")
    response = post(verified_client(head), rotation, ALL_MET)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="rotation-{rotation.pk}"' in html and "validé" in html and "<form" not in html
    rotation.refresh_from_db()
    assert rotation.outcome == Rotation.Outcome.VALIDATED and rotation.validated_by == head
    assert (rotation.attendance, rotation.knowledge, rotation.practical_skills, rotation.conduct) == (True,) * 4


@pytest.mark.parametrize("failed", CRITERIA)
def test_any_criterion_failed_means_the_rotation_is_not_validated(w, verified_client, failed):
    rotation = ending_soon(w)
    data = {**ALL_MET, failed: "no", "comment": "Insuffisant sur ce critère"}
    post(verified_client(w.head_of("general_medicine")), rotation, data)
    rotation.refresh_from_db()
    assert rotation.outcome == Rotation.Outcome.NOT_VALIDATED
    assert getattr(rotation, failed) is False and rotation.comment == "Insuffisant sur ce critère"


def test_a_failed_criterion_without_comment_is_refused_and_the_form_comes_back(w, verified_client):
    rotation = ending_soon(w)
    response = post(verified_client(w.head_of("general_medicine")), rotation, {**ALL_MET, "conduct": "no"})
    html = response.content.decode()
    assert response.status_code == 200 and "<form" in html
    form = form_with_errors(html)
    assert "Un stage non validé doit être motivé par une observation." in form.summary
    # What was chosen stays chosen.
    assert shows(form, "attendance", "yes") and shows(form, "conduct", "no")
    rotation.refresh_from_db()
    assert rotation.outcome == Rotation.Outcome.PENDING


def test_a_rotation_not_validated_moves_the_end_of_internat_by_6_months(w, verified_client):
    rotation = ending_soon(w)
    before = career_date(rotation.status, "expected_end")
    post(verified_client(w.head_of("general_medicine")), rotation, {**NONE_MET, "comment": "Abandon du stage"})
    after = career_date(rotation.status, "expected_end")
    assert (after.year * 12 + after.month) - (before.year * 12 + before.month) == 6


def test_another_head_of_service_cannot_validate(w, verified_client):
    rotation = ending_soon(w)
    other_head = w.head_of("general_surgery")
    # The rotation is outside their service: it does not exist for them.
    assert post(verified_client(other_head), rotation, ALL_MET).status_code == 404
    api = verified_client(other_head).post(f"/api/v1/careers/rotations/{rotation.pk}/validation",
                                           {**dict.fromkeys(CRITERIA, True)}, content_type="application/json")
    assert api.status_code == 404
    rotation.refresh_from_db()
    assert rotation.outcome == Rotation.Outcome.PENDING


def test_staff_who_see_the_rotation_but_do_not_head_the_service_get_403(w, verified_client):
    rotation = ending_soon(w)
    for user in (w.director, w.dean):
        assert post(verified_client(user), rotation, ALL_MET).status_code == 403
    rotation.refresh_from_db()
    assert rotation.outcome == Rotation.Outcome.PENDING


def test_validation_before_the_window_opens_is_refused(w, verified_client, settings):
    settings.CAREERS_VALIDATION_OPENS_DAYS_BEFORE_END = 30
    rotation = ending_soon(w, days_left=40)
    response = post(verified_client(w.head_of("general_medicine")), rotation, ALL_MET)
    assert "évaluation n&#x27;est possible qu&#x27;à partir du" in response.content.decode()
    rotation.refresh_from_db()
    assert rotation.outcome == Rotation.Outcome.PENDING


def test_a_decided_rotation_cannot_be_evaluated_again(w, verified_client):
    rotation = ending_soon(w)
    client = verified_client(w.head_of("general_medicine"))
    post(client, rotation, ALL_MET)
    response = post(client, rotation, {**NONE_MET, "comment": "revirement"}, htmx=False)
    assert response.status_code == 302
    rotation.refresh_from_db()
    assert rotation.outcome == Rotation.Outcome.VALIDATED


def test_without_htmx_the_validation_redirects_to_the_service_page(w, verified_client):
    rotation = ending_soon(w)
    response = post(verified_client(w.head_of("general_medicine")), rotation, ALL_MET, htmx=False)
    assert response.status_code == 302 and response.url == f"/parcours/services/{rotation.service_id}/"


def test_api_validation_by_the_head_of_service_on_the_four_criteria(w, verified_client):
    rotation = ending_soon(w)
    client = verified_client(w.head_of("general_medicine"))
    url = f"/api/v1/careers/rotations/{rotation.pk}/validation"
    refused = client.post(url, {**dict.fromkeys(CRITERIA, True), "knowledge": False}, content_type="application/json")
    assert refused.status_code == 400 and "motivé" in refused.json()["detail"]
    done = client.post(url, {**dict.fromkeys(CRITERIA, True), "knowledge": False, "comment": "Lacunes"},
                       content_type="application/json")
    assert done.status_code == 200
    assert done.json()["outcome"] == "not_validated" and done.json()["knowledge"] is False


def test_api_validation_by_a_director_who_sees_the_rotation_is_403(w, verified_client):
    rotation = ending_soon(w)
    response = verified_client(w.director).post(f"/api/v1/careers/rotations/{rotation.pk}/validation",
                                                dict.fromkeys(CRITERIA, True), content_type="application/json")
    assert response.status_code == 403


def test_no_criterion_is_chosen_in_advance_and_a_click_without_choices_records_nothing(w, verified_client):
    """Issue 25 item 2: the four criteria start unchosen (a click used to save "non validé", +6
    months); without a choice for each, nothing is recorded and each criterion says why; the
    button asks for confirmation, saying what a "non satisfait" does."""
    rotation = ending_soon(w)
    client = verified_client(w.head_of("general_medicine"))
    page = client.get(f"/parcours/services/{rotation.service_id}/").content.decode()
    row = page.split(f'id="rotation-{rotation.pk}"')[1].split("</tr>")[0]
    assert 'type="radio"' in row and "checked" not in row
    assert 'hx-confirm="' in row and "refait en entier" in row
    response = post(client, rotation, {"comment": ""})
    form = form_with_errors(response.content.decode())
    assert form.summary.count("Choisissez « satisfait » ou « non satisfait »") == 4
    rotation.refresh_from_db()
    assert rotation.outcome == Rotation.Outcome.PENDING


def test_its_author_corrects_a_wrong_evaluation_with_a_reason_kept_in_history(w, verified_client):
    """Issue 25 item 2: a rotation wrongly recorded "non validé" is corrected by the head who
    evaluated it, with a reason; the end of internat comes back; the first evaluation and the
    reason stay in the rotation's history, shown on the service page."""
    rotation = ending_soon(w)
    head = w.head_of("general_medicine")
    client = verified_client(head)
    before = career_date(rotation.status, "expected_end")
    post(client, rotation, {**NONE_MET, "comment": "Erreur de saisie"})
    assert career_date(rotation.status, "expected_end") != before
    url = f"/parcours/stages/{rotation.pk}/correction/"
    refused = client.post(url, {**ALL_MET, "reason": ""})
    assert refused.status_code == 400
    form = form_with_errors(refused.content.decode())
    assert form.action == url and shows(form, "attendance", "yes") and "Motif de la correction" in form.summary
    done = client.post(url, {**ALL_MET, "reason": "Critères cochés par erreur"})
    assert done.status_code == 302
    rotation.refresh_from_db()
    assert rotation.outcome == Rotation.Outcome.VALIDATED and rotation.comment == ""
    assert career_date(rotation.status, "expected_end") == before
    assert rotation.history.filter(history_change_reason="Critères cochés par erreur").exists()
    assert rotation.history.filter(outcome=Rotation.Outcome.NOT_VALIDATED).exists()
    page = client.get(f"/parcours/services/{rotation.service_id}/").content.decode()
    section = page.split('id="evaluated"')[1]
    assert "1 évaluation corrigée" in section and "Critères cochés par erreur" in section
    assert "Erreur de saisie" in section


def test_the_director_office_corrects_an_evaluation_and_another_head_may_not(w, verified_client):
    rotation = ending_soon(w)
    post(verified_client(w.head_of("general_medicine")), rotation, ALL_MET)
    url = f"/parcours/stages/{rotation.pk}/correction/"
    other = verified_client(w.head_of("general_surgery")).post(url, {**NONE_MET, "comment": "x", "reason": "y"})
    assert other.status_code in (403, 404)
    response = verified_client(w.director).post(url, {**ALL_MET, "conduct": "no", "comment": "Absences",
                                                      "reason": "Rapport du chef de pôle"})
    assert response.status_code == 302
    rotation.refresh_from_db()
    assert rotation.outcome == Rotation.Outcome.NOT_VALIDATED and rotation.validated_by == w.director
