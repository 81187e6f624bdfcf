"""Residency years (D93 art. 23), the doctorate of residents admitted on titles (art. 21 1.a)
and the specialty diploma that ends the residency."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from residanat.careers.dates import career_date
from residanat.careers.degrees import do_record_degree
from residanat.careers.models import Degree, ResidencyYear
from residanat.careers.residency import awaits_diploma, do_decide_residency_year, doctorate_alerts, year_in_progress
from residanat.people.models import TraineeStatus
from tests.careers.world import CareersWorld
from tests.referential.factories import SpecialtyFactory

pytestmark = pytest.mark.django_db
D = dt.date
V, R = ResidencyYear.Outcome.VALIDATED, ResidencyYear.Outcome.REPEAT
LATE = D(2040, 1, 1)  # a day on which every year of these residencies may be decided


@pytest.fixture
def w():
    return CareersWorld()


def short_resident(w, **extra):
    return w.resident(start=D(2020, 11, 1), specialty=SpecialtyFactory(duration_class="short"), **extra)


def test_residency_years_follow_each_other_from_the_start_and_a_repeat_keeps_the_number(w):
    status = short_resident(w)
    first = do_decide_residency_year(status, V, "PV 1", w.dean, LATE)
    assert (first.number, first.start_date, first.end_date) == (1, D(2020, 11, 1), D(2021, 10, 31))
    repeated = do_decide_residency_year(status, R, "PV 2", w.dean, LATE)
    assert (repeated.number, repeated.start_date) == (2, D(2021, 11, 1))
    again = do_decide_residency_year(status, V, "PV 3", w.dean, LATE)
    assert (again.number, again.start_date, again.end_date) == (2, D(2022, 11, 1), D(2023, 10, 31))
    # The repeat moves the expected end by a year.
    assert career_date(status, "expected_end") == D(2024, 10, 31)


def test_a_second_residency_repeat_is_refused(w):
    status = short_resident(w)
    do_decide_residency_year(status, R, "PV 1", w.dean, LATE)
    do_decide_residency_year(status, V, "PV 2", w.dean, LATE)
    with pytest.raises(ValidationError) as refused:
        do_decide_residency_year(status, R, "PV 3", w.dean, LATE)
    message = refused.value.messages[0]
    assert "D93 art. 23" in message and "prendre fin" in message
    assert status.residency_years.filter(outcome=R).count() == 1


def test_after_the_last_year_is_validated_the_resident_awaits_the_diploma(w):
    status = short_resident(w)
    for n in range(3):
        do_decide_residency_year(status, V, f"PV {n}", w.dean, LATE)
    assert year_in_progress(status) is None and awaits_diploma(status)
    with pytest.raises(ValidationError, match="diplôme de spécialité"):
        do_decide_residency_year(status, V, "PV 4", w.dean, LATE)


def test_a_residency_year_is_decided_by_the_dean_of_its_faculty_not_the_director(w):
    status = short_resident(w)
    with pytest.raises(PermissionDenied):
        do_decide_residency_year(status, V, "PV 1", w.director, LATE)
    assert do_decide_residency_year(status, V, "PV 1", w.ministry, LATE).outcome == V


def test_a_residency_year_cannot_be_decided_long_before_its_end(w):
    status = short_resident(w)
    with pytest.raises(ValidationError, match="31/10/2021"):
        do_decide_residency_year(status, V, "PV 1", w.dean, D(2021, 3, 1))


# --- specialty diploma ---------------------------------------------------------------------------

def test_the_specialty_diploma_is_refused_until_every_residency_year_is_validated(w):
    status = short_resident(w)
    do_decide_residency_year(status, V, "PV 1", w.dean, LATE)
    with pytest.raises(ValidationError, match="D93 art. 23"):
        do_record_degree(status.person, Degree.Kind.SPECIALTY_DIPLOMA, status.specialty, D(2024, 1, 10), "DS 1", w.dean)
    for n in range(2):
        do_decide_residency_year(status, V, f"PV {n}", w.dean, LATE)
    do_record_degree(status.person, Degree.Kind.SPECIALTY_DIPLOMA, status.specialty, D(2023, 11, 15), "DS 1", w.dean)
    status.refresh_from_db()
    assert (status.end_date, status.end_reason) == (D(2023, 11, 15), TraineeStatus.EndReason.COMPLETED)


# --- doctorate of the interns admitted on titles -------------------------------------------------

@override_settings(CAREERS_DOCTORATE_ALERT_DAYS=60)
def test_doctorate_alert_is_listed_30_days_before_the_deadline_and_gone_once_the_doctorate_is_recorded(w):
    status = w.resident(start=D(2025, 11, 1), entry_route=TraineeStatus.EntryRoute.TITLES_INTERN)
    w.resident(start=D(2025, 11, 1))  # by competition: no alert
    deadline = career_date(status, "doctorate_deadline")
    assert deadline == D(2026, 10, 31)
    assert doctorate_alerts(w.dean, deadline - dt.timedelta(days=90)) == []
    alerts = doctorate_alerts(w.dean, deadline - dt.timedelta(days=30))
    assert [(a.status, a.days_left) for a in alerts] == [(status, 30)]
    assert doctorate_alerts(CareersWorld().dean, deadline - dt.timedelta(days=30)) == []  # another faculty
    do_record_degree(status.person, Degree.Kind.DOCTORATE, None, D(2026, 9, 20), "Thèse 88", w.dean)
    assert doctorate_alerts(w.dean, deadline - dt.timedelta(days=30)) == []


def test_doctorate_alert_stays_listed_once_the_deadline_has_passed(w):
    status = w.resident(start=D(2025, 11, 1), entry_route=TraineeStatus.EntryRoute.TITLES_INTERN)
    [alert] = doctorate_alerts(w.director, D(2026, 11, 10))
    assert alert.status == status and alert.passed and alert.days_late == 10


def test_d93_art_21_1a_a_repeated_first_year_moves_the_doctorate_deadline_and_its_alert(w):
    """D93 art. 21 1.a: "وتؤخذ بعين الاعتبار في هذه المدة سنة التكرار المسموح بها في المادة 23"."""
    status = w.resident(start=D(2026, 11, 1), entry_route=TraineeStatus.EntryRoute.TITLES_INTERN)
    assert career_date(status, "doctorate_deadline") == D(2027, 10, 31)
    do_decide_residency_year(status, R, "PV 1", w.dean, D(2027, 10, 15))
    assert career_date(status, "doctorate_deadline") == D(2028, 10, 31)
    assert doctorate_alerts(w.dean, D(2027, 11, 10)) == []
    [alert] = doctorate_alerts(w.dean, D(2028, 10, 1))
    assert alert.deadline == D(2028, 10, 31) and not alert.passed
