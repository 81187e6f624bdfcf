"""The payroll API (/api/v1/payroll) for each kind of caller: the Ministry's payroll officers, a
hospital centre's officer and director, the Ministry's administrator, other staff and trainees.
Outside the scope 404, in scope but not allowed 403, a refusal of the run's state or of the four
eyes 409 with its reason, a wrong RIB 422 with what is wrong."""

import datetime as dt

import pytest

from residanat.accounts.roles import Role
from residanat.payroll.models import BankAccount, PayrollRun, PayTerms, StipendStop
from residanat.payroll.runs import do_compute_run, do_open_run
from residanat.rules.rib import with_key
from tests.accounts.factories import user_with_role
from tests.api.helpers import token_client
from tests.payroll.world import PayrollWorld
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1/payroll"
GOOD_RIB = with_key("0117800000000000054321")


@pytest.fixture
def w():
    return PayrollWorld()



def post(user, path, body=None):
    return token_client(user).post(f"{API}{path}", body or {}, content_type="application/json")


def put(user, path, body):
    return token_client(user).put(f"{API}{path}", body, content_type="application/json")


def get(user, path):
    return token_client(user).get(f"{API}{path}")


# --- runs: list and detail -----------------------------------------------------------------------

def test_the_runs_list_follows_the_scope(w, verified_client):
    ministry_run = w.closed(D(2026, 1, 1))
    centre_run = do_open_run(w.chu_officer, D(2026, 1, 1), "CHU", hospital_centre=w.centre)
    other = PayrollWorld()
    other_run = do_open_run(other.chu_officer, D(2026, 1, 1), "CHU", hospital_centre=other.centre)
    ids = lambda user: {row["id"] for row in get(user, "/runs").json()["items"]}  # noqa: E731
    assert ids(w.officer) == {ministry_run.pk, centre_run.pk, other_run.pk}
    assert ids(w.chu_officer) == ids(w.director) == {centre_run.pk}
    listed = get(w.officer, "/runs?state=closed").json()["items"]
    assert [(r["id"], r["month"], r["payer"], r["total"]) for r in listed] == [
        (ministry_run.pk, "2026-01", "MSPS", "0.00")]
    assert get(user_with_role(Role.DEAN_OFFICE, faculty=w.faculty), "/runs").status_code == 403
    assert get(user_with_role(Role.TRAINEE), "/runs").status_code == 403


def test_a_run_detail_has_its_audit_and_totals_per_payer_establishment_and_status(w):
    intern = w.status("intern")
    w.status("extern", study_year=5, start=D(2025, 9, 1))
    ph = w.status("public_health_intern")
    w.terms(ph, housed=True)
    run = do_compute_run(do_open_run(w.officer, D(2026, 1, 1), "MSPS"), w.officer)
    body = get(w.second_officer, f"/runs/{run.pk}").json()
    assert body["total"] == "3153.00" and body["trainees"] == 3 and body["state"] == "computed"
    assert body["opened"]["username"] == w.officer.username and body["computed"]["username"] == w.officer.username
    assert body["approved"] == {"username": None, "name": None, "at": None} and body["stale"] == []
    totals = body["totals"]
    assert [(t["key"], t["lines"], t["trainees"], t["total"]) for t in totals["by_payer"]] == [
        ("MSPS", 4, 3, "3153.00")]
    kinds = {t["key"]: (t["trainees"], t["total"]) for t in totals["by_status_kind"]}
    assert kinds == {"extern": (1, "165.00"), "intern": (1, "1800.00"), "public_health_intern": (1, "1188.00")}
    places = {t["key"]: (t["label_fr"], t["total"]) for t in totals["by_establishment"]}
    assert places == {str(w.hospital.pk): (w.hospital.name_fr, "1965.00"),
                      str(w.ph_hospital.pk): (w.ph_hospital.name_fr, "1188.00")}
    # A change recorded after computing shows as the reason to compute again.
    StipendStop.objects.create(status=intern, start_date=D(2026, 1, 5), end_date=D(2026, 1, 9), decision_ref="X",
                               recorded_by=w.ministry)
    assert get(w.officer, f"/runs/{run.pk}").json()["stale"] == ["une exclusion temporaire a été enregistrée"]


def test_a_run_outside_the_scope_is_404_and_a_non_reader_gets_403(w):
    run = do_open_run(w.chu_officer, D(2026, 1, 1), "CHU", hospital_centre=w.centre)
    assert get(PayrollWorld().director, f"/runs/{run.pk}").status_code == 404
    assert get(user_with_role(Role.DEAN_OFFICE, faculty=w.faculty), f"/runs/{run.pk}").status_code == 404
    assert get(user_with_role(Role.COMMITTEE_MEMBER, hospital_centre=w.centre), f"/runs/{run.pk}").status_code == 403
    assert get(user_with_role(Role.HIGHER_EDUCATION_OFFICER), f"/runs/{run.pk}").status_code == 403
    assert get(w.director, f"/runs/{run.pk}").status_code == 200


def test_the_lines_are_paginated_and_filtered_by_person(w):
    w.status("intern")
    second = w.status("intern")
    run = do_compute_run(do_open_run(w.officer, D(2026, 1, 1), "MSPS"), w.officer)
    page = get(w.officer, f"/runs/{run.pk}/lines?limit=3").json()
    assert page["count"] == 4 and len(page["items"]) == 3
    mine = get(w.officer, f"/runs/{run.pk}/lines?person={second.person_id}").json()["items"]
    assert {(l["code"], l["amount"], l["days"], l["rate"], l["ref"]) for l in mine} == {
        ("intern.stipend", "1500.00", 31, "1500.00", "D93 art. 18"),
        ("intern.housing", "300.00", 31, "300.00", "D93 art. 18")}
    assert {l["person_id"] for l in mine} == {second.person_id}
    # A person id beyond 64 bits names nobody: an empty page, not a database overflow.
    assert get(w.officer, f"/runs/{run.pk}/lines?person={2**63}").json()["items"] == []


# --- runs: open, compute, approve, close ---------------------------------------------------------

def test_the_whole_month_through_the_api_with_four_eyes(w):
    w.status("intern")
    opened = post(w.officer, "/runs", {"month": "2026-01", "payer": "MSPS"})
    assert opened.status_code == 201 and opened.json()["state"] == "open"
    run_id = opened.json()["id"]
    computed = post(w.officer, f"/runs/{run_id}/compute")
    assert computed.status_code == 200 and computed.json()["total"] == "1800.00"
    refused = post(w.officer, f"/runs/{run_id}/approve")
    assert refused.status_code == 409 and "autre personne" in refused.json()["detail"]
    assert post(w.officer, f"/runs/{run_id}/close").status_code == 409  # not approved yet
    assert post(w.ministry, f"/runs/{run_id}/approve").status_code == 200  # the Ministry's second signature
    closing = post(w.officer, f"/runs/{run_id}/close")
    assert closing.status_code == 200 and closing.json()["state"] == "closed"
    again = post(w.officer, f"/runs/{run_id}/compute")
    assert again.status_code == 409 and "clôturée" in again.json()["detail"]


def test_opening_a_run_checks_the_payer_and_its_unit(w):
    assert post(w.chu_officer, "/runs", {"month": "2026-01", "payer": "CHU",
                                         "hospital_centre": w.centre.pk}).status_code == 201
    other = PayrollWorld()
    assert post(w.chu_officer, "/runs", {"month": "2026-01", "payer": "CHU",
                                         "hospital_centre": other.centre.pk}).status_code == 403
    assert post(w.chu_officer, "/runs", {"month": "2026-01", "payer": "MSPS"}).status_code == 403
    assert post(w.ministry, "/runs", {"month": "2026-01", "payer": "MSPS"}).status_code == 403
    assert post(w.director, "/runs", {"month": "2026-01", "payer": "CHU",
                                      "hospital_centre": w.centre.pk}).status_code == 403
    assert post(w.officer, "/runs", {"month": "2026-13", "payer": "MSPS"}).status_code == 422
    # The pattern's year 0000 is no year a date can hold: refused, not a server error.
    assert post(w.officer, "/runs", {"month": "0000-01", "payer": "MSPS"}).status_code == 422
    missing = post(w.officer, "/runs", {"month": "2026-01", "payer": "CHU"})
    assert missing.status_code == 400 and "hospital_centre" in missing.json()["detail"]
    unfinished = post(w.chu_officer, "/runs", {"month": "2026-02", "payer": "CHU", "hospital_centre": w.centre.pk})
    assert unfinished.status_code == 409 and "01/2026" in unfinished.json()["detail"]
    assert post(user_with_role(Role.TRAINEE), "/runs", {"month": "2026-01", "payer": "MSPS"}).status_code == 403
    gst = post(w.officer, "/runs", {"month": "2026-01", "payer": "GST", "health_group": w.group.pk})
    assert gst.status_code == 201 and gst.json()["payer_key"] == f"GST:{w.group.pk}"
    assert PayrollRun.objects.count() == 2


def test_a_hospital_centre_run_is_approved_by_its_director_not_by_another_centre(w):
    w.status("resident")
    run = do_compute_run(do_open_run(w.chu_officer, D(2026, 1, 1), "CHU", hospital_centre=w.centre), w.chu_officer)
    assert post(PayrollWorld().director, f"/runs/{run.pk}/approve").status_code == 404
    assert post(w.ministry, f"/runs/{run.pk}/approve").status_code == 403
    assert post(w.director, f"/runs/{run.pk}/compute").status_code == 403
    approved = post(w.director, f"/runs/{run.pk}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert post(w.director, f"/runs/{run.pk}/close").status_code == 403
    assert post(w.chu_officer, f"/runs/{run.pk}/close").json()["state"] == "closed"


# --- the caller's payslips -----------------------------------------------------------------------

def test_a_trainee_gets_their_own_lines_of_closed_runs_grouped_by_run(w):
    trainee = user_with_role(Role.TRAINEE)
    w.status("intern", person=PersonFactory(user=trainee))
    w.status("intern")
    january = w.closed(D(2026, 1, 1))
    do_compute_run(do_open_run(w.officer, D(2026, 2, 1), "MSPS"), w.officer)  # not closed: not a payslip
    response = get(trainee, "/me/payslips")
    assert response.status_code == 200
    slips = response.json()
    assert [(s["run_id"], s["month"], s["payer"], s["total"]) for s in slips] == [
        (january.pk, "2026-01", "MSPS", "1800.00")]
    assert sorted((l["code"], l["amount"]) for l in slips[0]["lines"]) == [
        ("intern.housing", "300.00"), ("intern.stipend", "1500.00")]
    assert slips[0]["lines"][0]["label_ar"] == "التعويض عن السكن للداخلي غير المسكن"
    assert {l["reason"] for l in slips[0]["lines"]} == {""}
    assert get(w.officer, "/me/payslips").json() == []


# --- pay terms and bank account ------------------------------------------------------------------

def test_pay_terms_through_the_api(w):
    resident = w.status("resident")
    empty = get(w.director, f"/statuses/{resident.pk}/pay-terms").json()
    assert empty["applicable"] == ["civil_servant", "committed", "administration"]
    assert empty["in_force"]["valid_from"] is None and empty["history"] == []
    response = put(w.chu_officer, f"/statuses/{resident.pk}/pay-terms",
                   {"valid_from": "2025-11-01", "administration": "Ministère de la Justice"})
    assert response.status_code == 200
    assert response.json()["in_force"]["administration"] == "Ministère de la Justice"
    refused = put(w.chu_officer, f"/statuses/{resident.pk}/pay-terms", {"valid_from": "2026-01-01", "housed": True})
    assert refused.status_code == 400 and "housed" in refused.json()["fields"]
    assert refused.json()["detail"].startswith("housed: Ne s'applique pas à ce statut")
    assert put(w.director, f"/statuses/{resident.pk}/pay-terms", {"valid_from": "2026-01-01",
                                                                 "committed": True}).status_code == 403
    assert list(PayTerms.objects.filter(status=resident).values_list("administration", "committed")) == [
        ("Ministère de la Justice", False)]


def test_pay_terms_are_not_shown_to_the_trainee_nor_to_other_staff(w):
    trainee = user_with_role(Role.TRAINEE)
    status = w.status("intern", person=PersonFactory(user=trainee))
    assert get(trainee, f"/statuses/{status.pk}/pay-terms").status_code == 404
    assert put(trainee, f"/statuses/{status.pk}/pay-terms", {"valid_from": "2026-01-01", "housed": True}).status_code == 404
    assert get(user_with_role(Role.DEAN_OFFICE, faculty=w.faculty), f"/statuses/{status.pk}/pay-terms").status_code == 403
    assert get(PayrollWorld().director, f"/statuses/{status.pk}/pay-terms").status_code == 404


def test_a_bank_account_through_the_api(w):
    status = w.status("intern")
    response = put(w.officer, f"/people/{status.person_id}/bank-account",
                   {"holder": "Bennani Omar", "rib": f"{GOOD_RIB[:3]}-{GOOD_RIB[3:6]}-{GOOD_RIB[6:]}"})
    assert response.status_code == 200
    assert (response.json()["rib"], response.json()["rib_grouped"]) == (
        GOOD_RIB, f"{GOOD_RIB[:3]} {GOOD_RIB[3:6]} {GOOD_RIB[6:22]} {GOOD_RIB[22:]}")


@pytest.mark.parametrize("rib,message", [
    ("0117800000000000054", "Un RIB compte 24 chiffres ; celui-ci en compte 19."),
    ("01178000000000000543O1", "« O » n'en sont pas"),
    (GOOD_RIB[:22] + f"{(int(GOOD_RIB[22:]) + 1) % 100:02d}", f"la clé attendue est {GOOD_RIB[22:]}"),
])
def test_a_wrong_rib_is_422_with_the_message_and_nothing_changes(w, rib, message):
    status = w.status("intern")
    before = w.bank(status.person)
    response = put(w.officer, f"/people/{status.person_id}/bank-account", {"holder": "Autre", "rib": rib})
    assert response.status_code == 422
    assert message in response.json()["detail"] and list(response.json()["fields"]) == ["rib"]
    after = BankAccount.objects.get(person=status.person)
    assert (after.holder, after.rib, after.updated_at) == (before.holder, before.rib, before.updated_at)


def test_the_bank_account_of_a_resident_is_the_centres_officers(w):
    resident = w.status("resident")
    body = {"holder": "X", "rib": GOOD_RIB}
    assert put(w.director, f"/people/{resident.person_id}/bank-account", body).status_code == 403
    assert put(PayrollWorld().chu_officer, f"/people/{resident.person_id}/bank-account", body).status_code == 404
    assert not BankAccount.objects.exists()
    assert put(w.chu_officer, f"/people/{resident.person_id}/bank-account", body).status_code == 200
    assert BankAccount.objects.get().rib == GOOD_RIB


# --- the schema ----------------------------------------------------------------------------------

def test_the_openapi_schema_lists_the_payroll_and_stays_consistent():
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/payroll/runs"])
    assert "put" in paths["/api/v1/payroll/statuses/{status_id}/pay-terms"]
    assert "422" in paths["/api/v1/payroll/people/{person_id}/bank-account"]["put"]["responses"]
    for verb in ("compute", "approve", "close"):
        assert "409" in paths[f"/api/v1/payroll/runs/{{run_id}}/{verb}"]["post"]["responses"]
    operation_ids = [op["operationId"] for ops in paths.values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))
    text = str(schema)
    refs = {part.split("'")[0] for part in text.split("'$ref': '#/components/schemas/")[1:]}
    assert refs <= set(schema["components"]["schemas"])


def test_rd68_ch_14_the_run_detail_lists_a_month_not_priced_before_2025(w):
    """RD68 ch. 14 before decree 2.25.818: decision 0001, an error for the person, not 0.00."""
    seventh = w.status("seventh_year_intern_duties", start=dt.date(2024, 9, 1), end=dt.date(2025, 8, 31))
    run = do_compute_run(do_open_run(w.officer, dt.date(2024, 12, 1), "MSPS"), w.officer)
    body = get(w.officer, f"/runs/{run.pk}").json()
    assert body["problems"] == [{"status_id": seventh.pk, "person_id": seventh.person_id, "month": "2024-12",
                                 "key": "seventh_year.lump_sum", "ref": "RD68 ch. 14", "kind": "regular"}]
