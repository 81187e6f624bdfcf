"""The trainee's timeline: computed dates with their article and the reason they moved, events in
order, alerts, and who may open whose timeline."""

import datetime as dt

import pytest
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.careers.models import Degree, Leave, ResidencyYear, Rotation
from residanat.careers.timeline import build_timeline
from residanat.people.attestations import issue_status_attestation
from tests.accounts.factories import RoleAssignmentFactory, UserFactory, user_with_role
from tests.careers.world import CareersWorld

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def w():
    return CareersWorld()


def rotation(status, service, start, end, *, outcome="pending", by=None, **extra):
    decided = outcome != "pending"
    return Rotation.objects.create(
        status=status, service=service, start_date=start, end_date=end, outcome=outcome,
        attendance=decided or None, knowledge=decided or None, practical_skills=decided or None,
        conduct=(outcome == "validated") if decided else None,
        comment="Absences répétées" if outcome == "not_validated" else "",
        validated_by=by if decided else None, validated_at=timezone.now() if decided else None,
        assigned_by=by or UserFactory(), **extra)


def trainee_account(w, person):
    user = w.trainee_user(person)
    RoleAssignmentFactory(user=user, role=Role.TRAINEE)
    return user


def dates_of(status, today=D(2026, 1, 1)):
    timeline = build_timeline(status.person, UserFactory(is_superuser=True), today)
    block = next(b for b in timeline.statuses if b.status.pk == status.pk)
    return {d.code: d for d in block.dates}, timeline


def test_intern_dates_carry_the_article_behind_each(w):
    dates, _ = dates_of(w.intern(start=D(2025, 11, 1)))
    assert dates["expected_end"].day == D(2027, 10, 31) and dates["expected_end"].ref == "D93 art. 14"
    assert dates["thesis_eligible"].day == D(2027, 5, 1) and dates["thesis_eligible"].ref == "D93 art. 15"
    assert dates["title_eligible"].day == D(2027, 11, 1) and dates["title_eligible"].ref == "D93 art. 15"
    assert dates["expected_end"].note == ""


def test_a_non_validated_rotation_moves_the_end_date_by_6_months(w):
    status = w.intern(start=D(2025, 11, 1))
    head = w.head_of("general_medicine")
    rotation(status, w.service("general_medicine"), D(2025, 11, 1), D(2026, 4, 30), outcome="not_validated", by=head)
    dates, timeline = dates_of(status, D(2026, 5, 2))
    assert dates["expected_end"].day == D(2028, 4, 30)
    assert "+6 mois" in dates["expected_end"].note
    # Thesis and title depend on time served, not on rotations validated.
    assert dates["thesis_eligible"].day == D(2027, 5, 1)
    assert [a.code for a in timeline.alerts] == ["rotation_redo"]


def test_a_non_validated_rotation_moves_the_end_date_by_6_months_on_the_timeline_page(w, verified_client):
    status = w.intern(start=D(2025, 11, 1))
    head = w.head_of("general_medicine")
    rotation(status, w.service("general_medicine"), D(2025, 11, 1), D(2026, 4, 30), outcome="not_validated", by=head)
    page = verified_client(w.dean).get(f"/parcours/personnes/{status.person.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "30/04/2028" in html and "31/10/2027" not in html
    assert "+6 mois (stage(s) ou année(s) à refaire)" in html
    assert "Absences répétées" in html
    assert "D93 art. 17" in html


def test_a_7_month_sick_leave_moves_the_thesis_eligibility_date(w):
    status = w.intern(start=D(2025, 11, 1))
    Leave.objects.create(status=status, kind=Leave.Kind.SICK, start_date=D(2026, 1, 1), end_date=D(2026, 7, 31),
                         reference="certificat 12/2026", recorded_by=w.director)
    dates, timeline = dates_of(status)
    # 212 days that do not count as actual service (D93 art. 33).
    assert dates["thesis_eligible"].day == D(2027, 5, 1) + dt.timedelta(days=212)
    assert dates["thesis_eligible"].note == "+212 jours de congé de maladie de longue durée"
    assert dates["expected_end"].day == D(2027, 10, 31) + dt.timedelta(days=212)
    leave = next(e for e in timeline.events if e.kind == "leave")
    assert leave.facts["not_counted"] is True and leave.ref == "D93 art. 33"


def test_a_7_month_sick_leave_shows_the_moved_thesis_date_on_the_page(w, verified_client):
    status = w.intern(start=D(2025, 11, 1))
    Leave.objects.create(status=status, kind=Leave.Kind.SICK, start_date=D(2026, 1, 1), end_date=D(2026, 7, 31),
                         recorded_by=w.director)
    html = verified_client(w.director).get(f"/parcours/personnes/{status.person.pk}/").content.decode()
    assert "29/11/2027" in html
    assert "+212 jours de congé de maladie de longue durée" in html
    assert "Non compté comme service effectif" in html


def test_a_3_month_sick_leave_counts_as_actual_service_and_moves_nothing(w):
    status = w.intern(start=D(2025, 11, 1))
    Leave.objects.create(status=status, kind=Leave.Kind.SICK, start_date=D(2026, 1, 1), end_date=D(2026, 3, 31),
                         recorded_by=w.director)
    dates, timeline = dates_of(status)
    assert dates["thesis_eligible"].day == D(2027, 5, 1) and dates["thesis_eligible"].note == ""
    assert next(e for e in timeline.events if e.kind == "leave").facts["not_counted"] is False


def test_events_come_in_date_order_with_every_kind_of_record(w):
    person = w.new_person()
    extern = w.extern(person=person, start=D(2023, 9, 1))
    resident = w.resident(person=person, start=D(2025, 11, 1), entry_route="titles_intern")
    rotation(extern, w.service("paediatrics"), D(2023, 10, 1), D(2024, 3, 31))
    ResidencyYear.objects.create(status=resident, number=1, start_date=D(2025, 11, 1), end_date=D(2026, 10, 31),
                                 outcome=ResidencyYear.Outcome.VALIDATED, reference="PV 3/2026")
    Degree.objects.create(person=person, kind=Degree.Kind.DOCTORATE, awarded_on=D(2026, 2, 3), reference="thèse 41",
                          recorded_by=w.dean)
    Leave.objects.create(status=resident, kind=Leave.Kind.ANNUAL, start_date=D(2026, 8, 1), end_date=D(2026, 8, 30),
                         recorded_by=w.dean)
    timeline = build_timeline(person, w.ministry, D(2026, 11, 1))
    kinds = [e.kind for e in timeline.events]
    assert kinds == ["status_start", "rotation", "status_end", "status_start", "residency_year", "degree", "leave"]
    assert [e.start for e in timeline.events] == sorted(e.start for e in timeline.events)
    # The doctorate is recorded: no deadline alert for the resident admitted on titles.
    assert not [a for a in timeline.alerts if a.code.startswith("doctorate")]


def test_titles_resident_without_doctorate_is_warned_within_the_alert_days_of_the_deadline(w, settings):
    settings.CAREERS_DOCTORATE_ALERT_DAYS = 60
    status = w.resident(start=D(2025, 11, 1), entry_route="titles_intern")
    dates, _ = dates_of(status)
    deadline = dates["doctorate_deadline"].day
    assert deadline == D(2026, 10, 31) and dates["doctorate_deadline"].ref == "D93 art. 21"
    early = build_timeline(status.person, w.dean, deadline - dt.timedelta(days=61)).alerts
    near = build_timeline(status.person, w.dean, deadline - dt.timedelta(days=60)).alerts
    late = build_timeline(status.person, w.dean, deadline + dt.timedelta(days=1)).alerts
    assert not [a for a in early if a.code.startswith("doctorate")]
    assert [(a.code, a.ref) for a in near] == [("doctorate_deadline", "D93 art. 21")]
    assert [a.code for a in late] == ["doctorate_overdue"]


def test_competition_resident_has_no_doctorate_deadline(w):
    dates, timeline = dates_of(w.resident(start=D(2025, 11, 1), entry_route="competition"), D(2026, 10, 1))
    assert "doctorate_deadline" not in dates and not timeline.alerts


def test_thesis_eligibility_reached_is_announced_until_the_doctorate(w):
    status = w.intern(start=D(2025, 11, 1))
    assert not build_timeline(status.person, w.dean, D(2027, 4, 30)).alerts
    reached = build_timeline(status.person, w.dean, D(2027, 5, 1)).alerts
    assert [(a.code, a.ref, a.level) for a in reached] == [("thesis_eligible", "D93 art. 15", "info")]
    Degree.objects.create(person=status.person, kind=Degree.Kind.DOCTORATE, awarded_on=D(2027, 6, 1),
                          reference="thèse", recorded_by=w.dean)
    assert not build_timeline(status.person, w.dean, D(2027, 7, 1)).alerts


def test_a_rotation_past_its_end_still_pending_is_an_alert(w):
    status = w.intern(start=D(2025, 11, 1))
    rotation(status, w.service("general_surgery"), D(2025, 11, 1), D(2026, 4, 30))
    assert not build_timeline(status.person, w.dean, D(2026, 4, 30)).alerts
    alerts = build_timeline(status.person, w.dean, D(2026, 5, 1)).alerts
    assert [a.code for a in alerts] == ["validation_pending"]


def test_the_timeline_lists_only_the_documents_the_viewer_may_open(w):
    status = w.intern()
    document = issue_status_attestation(status.person, "fr", w.dean)
    events = build_timeline(status.person, w.dean).events
    assert [e.facts["number"] for e in events if e.kind == "document"] == [document.number]
    outsider = user_with_role(Role.DEAN_OFFICE, faculty=CareersWorld().faculty)
    assert not [e for e in build_timeline(status.person, outsider).events if e.kind == "document"]


# --- who sees whose timeline ---------------------------------------------------------------------

def test_a_trainee_sees_only_their_own_timeline(w, client):
    mine, other = w.intern(), w.intern(rank=2)
    user = trainee_account(w, mine.person)
    client.force_login(user)
    own = client.get("/parcours/moi/")
    assert own.status_code == 200 and mine.person.full_name in own.content.decode()
    assert client.get(f"/parcours/personnes/{mine.person.pk}/").status_code == 200
    assert client.get(f"/parcours/personnes/{other.person.pk}/").status_code == 404
    assert client.get(f"/api/v1/careers/people/{other.person.pk}/timeline").status_code == 404


def test_my_timeline_is_404_for_an_account_that_is_nobody(client):
    client.force_login(UserFactory())
    assert client.get("/parcours/moi/").status_code == 404


def test_head_of_service_reads_the_periods_in_their_service_not_the_career_of_who_rotated_there(w, verified_client):
    """D93 art. 17: "يقوم بتصحيح كل تدريب بالقسم الداخلي رئيس المصلحة الاستشفائية التي يعمل بها المعني
    بالأمر": the head evaluates the rotation done in their service; they need those periods, not the
    whole career (sick leaves included: Law 09-08 art. 3, minimisation).

    Issue 20 item 3, decision 0020: someone who rotated in the service but whose file is kept
    elsewhere answers 404 on the person page, the timeline page and the timeline API alike; the
    periods spent in the service are read on the service's rotations (page and API).
    """
    head = w.head_of("general_medicine")
    here = w.service("general_medicine")
    rotated_here, elsewhere = w.intern(), w.intern(rank=2)
    period = rotation(rotated_here, here, D(2025, 11, 1), D(2026, 4, 30))
    Leave.objects.create(status=rotated_here, kind=Leave.Kind.SICK, start_date=D(2026, 6, 1),
                         end_date=D(2026, 6, 30), recorded_by=w.dean)
    rotation(elsewhere, w.service("general_surgery"), D(2025, 11, 1), D(2026, 4, 30))
    client = verified_client(head)
    for person in (rotated_here.person, elsewhere.person):
        assert client.get(f"/personnes/{person.pk}/").status_code == 404
        assert client.get(f"/parcours/personnes/{person.pk}/").status_code == 404
        assert client.get(f"/api/v1/careers/people/{person.pk}/timeline").status_code == 404
    rotations = client.get(f"/api/v1/careers/services/{here.pk}/rotations").json()
    assert [r["id"] for r in rotations] == [period.pk]
    assert "maladie" not in str(rotations) and "sick" not in str(rotations)
    page = client.get(f"/parcours/services/{here.pk}/")
    assert page.status_code == 200 and rotated_here.person.last_name.upper() in page.content.decode().upper()
    assert f"/parcours/personnes/{rotated_here.person.pk}/" not in page.content.decode()  # no link to a 404


def test_head_of_service_reads_whoever_their_service_keeps_on_page_and_api_alike(w, verified_client):
    """A trainee whose status names the service is in the head's people scope: page and API both answer."""
    head = w.head_of("general_medicine")
    kept = w.intern(service=w.service("general_medicine"))
    client = verified_client(head)
    assert client.get(f"/personnes/{kept.person.pk}/").status_code == 200
    assert client.get(f"/parcours/personnes/{kept.person.pk}/").status_code == 200
    assert client.get(f"/api/v1/careers/people/{kept.person.pk}/timeline").status_code == 200


def test_the_timeline_page_renders_right_to_left_in_arabic(w, verified_client):
    status = w.intern(start=D(2025, 11, 1))
    page = verified_client(w.dean).get(f"/ar/parcours/personnes/{status.person.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'dir="rtl"' in html
    assert "النهاية المتوقعة للعمل بالقسم الداخلي" in html  # D93 art. 14 "مدة العمل بالقسم الداخلي"
    assert "D93 art. 14" in html


def test_the_timeline_api_returns_the_dates_with_their_articles_and_the_events(w, verified_client):
    status = w.intern(start=D(2025, 11, 1))
    rotation(status, w.service("general_medicine"), D(2025, 11, 1), D(2026, 4, 30), outcome="not_validated",
             by=w.head_of("general_medicine"))
    body = verified_client(w.director).get(f"/api/v1/careers/people/{status.person.pk}/timeline").json()
    dates = {d["code"]: d for d in body["statuses"][0]["dates"]}
    assert dates["expected_end"]["day"] == "2028-04-30" and dates["expected_end"]["ref"] == "D93 art. 14"
    rotation_event = next(e for e in body["events"] if e["kind"] == "rotation")
    assert rotation_event["facts"]["outcome"] == "not_validated" and rotation_event["facts"]["conduct"] is False
    assert "rotation_redo" in [a["code"] for a in body["alerts"]]
