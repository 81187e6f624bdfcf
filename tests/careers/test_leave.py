"""Leave and absences (D93 art. 7, 20, 28, 33; RD68 ch. 11, 12, 17): who sets the dates, the
limits, and the long sick leave that moves the computed dates."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from residanat.accounts.roles import Role
from residanat.careers.dates import career_date
from residanat.careers.leave import do_approve_leave, do_record_leave
from residanat.careers.models import Leave
from tests.accounts.factories import user_with_role
from tests.careers.world import CareersWorld

pytestmark = pytest.mark.django_db
D = dt.date
K = Leave.Kind


@pytest.fixture
def w():
    return CareersWorld()


def ph_intern(w, **extra):
    return w.ph_intern(start=D(2025, 11, 1), service=w.ph_services[0], **extra)


# --- RD68 ----------------------------------------------------------------------------------------

def test_rd68_first_annual_leave_before_twelve_months_is_refused(w):
    status = ph_intern(w)
    head = w.head_of(w.ph_services[0])
    with pytest.raises(ValidationError) as refused:
        do_record_leave(status, K.ANNUAL, D(2026, 8, 1), D(2026, 8, 30), "", head)
    assert "RD68 ch. 12" in refused.value.messages[0]
    assert "01/11/2026" in refused.value.messages[0]
    assert not Leave.objects.filter(status=status).exists()


def test_rd68_first_annual_leave_after_twelve_months_is_set_by_the_head_of_service(w):
    status = ph_intern(w)
    leave = do_record_leave(status, K.ANNUAL, D(2026, 11, 1), D(2026, 11, 30), "", w.head_of(w.ph_services[0]))
    assert leave.in_force and not leave.needs_second_approval


def test_rd68_annual_leave_is_refused_to_the_head_of_another_service(w):
    status = ph_intern(w)
    with pytest.raises(PermissionDenied):
        do_record_leave(status, K.ANNUAL, D(2026, 11, 1), D(2026, 11, 30), "", w.head_of(w.ph_services[1]))


def test_rd68_sick_leave_is_recorded_by_the_ministry_not_the_head_of_service(w):
    status = ph_intern(w)
    with pytest.raises(PermissionDenied):
        do_record_leave(status, K.SICK, D(2026, 1, 5), D(2026, 1, 20), "certificat 12", w.head_of(w.ph_services[0]))
    assert do_record_leave(status, K.SICK, D(2026, 1, 5), D(2026, 1, 20), "certificat 12", w.ministry).pk


def test_rd68_unpaid_absence_over_one_month_in_a_year_is_refused(w):
    status = ph_intern(w)
    with pytest.raises(ValidationError) as refused:
        do_record_leave(status, K.UNPAID, D(2026, 1, 1), D(2026, 2, 15), "", w.ministry)
    assert "RD68 ch. 17" in refused.value.messages[0]
    do_record_leave(status, K.UNPAID, D(2026, 1, 1), D(2026, 1, 20), "", w.ministry)
    with pytest.raises(ValidationError, match="RD68 ch. 17"):
        do_record_leave(status, K.UNPAID, D(2026, 3, 1), D(2026, 3, 15), "", w.ministry)


def test_rd68_unpaid_absence_adjoining_the_annual_leave_is_refused(w):
    status = ph_intern(w)
    do_record_leave(status, K.ANNUAL, D(2026, 11, 1), D(2026, 11, 30), "", w.ministry)
    with pytest.raises(ValidationError) as refused:
        do_record_leave(status, K.UNPAID, D(2026, 12, 1), D(2026, 12, 20), "", w.ministry)
    assert "cumuler" in refused.value.messages[0] and "RD68 ch. 17" in refused.value.messages[0]


def test_rd68_annual_leave_adjoining_an_unpaid_absence_is_refused(w):
    status = ph_intern(w)
    do_record_leave(status, K.UNPAID, D(2026, 10, 10), D(2026, 10, 31), "", w.ministry)
    with pytest.raises(ValidationError, match="RD68 ch. 17"):
        do_record_leave(status, K.ANNUAL, D(2026, 11, 1), D(2026, 11, 30), "", w.ministry)


def test_unpaid_absence_is_refused_for_a_d93_intern(w):
    with pytest.raises(ValidationError, match="RD68 ch. 17"):
        do_record_leave(w.intern(), K.UNPAID, D(2026, 1, 1), D(2026, 1, 10), "", w.director)


# --- D93 -----------------------------------------------------------------------------------------

def test_an_interns_annual_leave_recorded_by_the_dean_is_refused_the_director_sets_it(w):
    status = w.intern()
    with pytest.raises(PermissionDenied) as refused:
        do_record_leave(status, K.ANNUAL, D(2026, 7, 1), D(2026, 7, 30), "", w.dean)
    assert "directeur" in str(refused.value)
    leave = do_record_leave(status, K.ANNUAL, D(2026, 7, 1), D(2026, 7, 30), "", w.director)
    assert leave.in_force


def test_an_interns_leave_recorded_by_the_director_of_another_centre_is_refused(w):
    other = CareersWorld()
    with pytest.raises(PermissionDenied):
        do_record_leave(w.intern(), K.ANNUAL, D(2026, 7, 1), D(2026, 7, 30), "", other.director)


def test_a_second_month_of_annual_leave_in_the_same_year_is_refused(w):
    status = w.intern()
    do_record_leave(status, K.ANNUAL, D(2026, 1, 1), D(2026, 1, 20), "", w.director)
    with pytest.raises(ValidationError, match="D93 art. 20"):
        do_record_leave(status, K.ANNUAL, D(2026, 7, 1), D(2026, 7, 20), "", w.director)


def test_resident_annual_leave_is_in_force_only_after_the_second_approval(w):
    status = w.resident()
    leave = do_record_leave(status, K.ANNUAL, D(2026, 7, 1), D(2026, 7, 30), "", w.dean)
    assert leave.needs_second_approval and not leave.in_force
    # The approval belongs to the other authority: not the dean who recorded it, nor another dean.
    for same_side in (w.dean, user_with_role(Role.DEAN_OFFICE, faculty=w.faculty)):
        with pytest.raises(PermissionDenied, match="D93 art. 28"):
            do_approve_leave(leave, same_side)
    leave.refresh_from_db()
    assert not leave.in_force
    do_approve_leave(leave, w.director)
    leave.refresh_from_db()
    assert leave.in_force and leave.second_approval_by == w.director


def test_resident_annual_leave_recorded_by_the_director_is_approved_by_the_dean(w):
    leave = do_record_leave(w.resident(), K.ANNUAL, D(2026, 7, 1), D(2026, 7, 30), "", w.director)
    with pytest.raises(PermissionDenied):
        do_approve_leave(leave, w.director)
    do_approve_leave(leave, w.dean)
    leave.refresh_from_db()
    assert leave.in_force
    with pytest.raises(ValidationError, match="déjà approuvé"):
        do_approve_leave(leave, w.dean)


def test_a_leave_overlapping_another_leave_of_the_status_is_refused(w):
    status = w.intern()
    do_record_leave(status, K.ANNUAL, D(2026, 7, 1), D(2026, 7, 30), "", w.director)
    with pytest.raises(ValidationError, match="chevauche"):
        do_record_leave(status, K.SICK, D(2026, 7, 20), D(2026, 8, 10), "certificat 4", w.director)


def test_a_sick_leave_needs_its_certificate_reference(w):
    with pytest.raises(ValidationError, match="D93 art. 33"):
        do_record_leave(w.intern(), K.SICK, D(2026, 2, 1), D(2026, 2, 10), "  ", w.director)


def test_a_seven_month_sick_leave_recorded_moves_the_residents_expected_end(w):
    status = w.resident(start=D(2025, 11, 1))
    assert career_date(status, "expected_end") == D(2029, 10, 31)
    do_record_leave(status, K.SICK, D(2026, 1, 1), D(2026, 7, 31), "certificat 7", w.director)
    # D93 art. 33: 212 days that do not count as actual service.
    assert career_date(status, "expected_end") == D(2029, 10, 31) + dt.timedelta(days=212)


def test_a_five_month_sick_leave_does_not_move_the_expected_end(w):
    status = w.resident(start=D(2025, 11, 1))
    do_record_leave(status, K.SICK, D(2026, 1, 1), D(2026, 5, 31), "certificat 5", w.director)
    assert career_date(status, "expected_end") == D(2029, 10, 31)


def test_a_leave_dated_before_any_regulation_is_refused_as_outside_the_status_not_an_error(w):
    # Year 1 has no article in force (the parameters start in 1993): the status check comes first.
    status = ph_intern(w)
    with pytest.raises(ValidationError) as refused:
        do_record_leave(status, K.ANNUAL, D(1, 1, 1), D(1, 1, 2), "", w.head_of(w.ph_services[0]))
    assert "01/11/2025" in refused.value.messages[0]


def test_a_leave_starting_centuries_before_the_status_is_refused_not_a_server_error(w):
    """Found by schemathesis (issue 20 item 7): the article was looked up for the year 300, when no
    value of the regulation is in force, before the start was checked against the status."""
    status = w.intern()
    with pytest.raises(ValidationError) as refused:
        do_record_leave(status, K.SICK, D(300, 3, 14), D(2026, 11, 16), "certificat 1", w.director)
    assert "avant le statut" in refused.value.messages[0]
    assert not Leave.objects.filter(status=status).exists()
