"""The choice of services by merit each rotation period (D93 art. 14–15, RD68 ch. 5): creating the
period, its seats and their approvals, the call order, the wishes and the assignment by the
matching engine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.careers.models import PeriodChooser, Rotation, RotationPeriod, RotationWish
from residanat.careers.periods import (
    do_approve_seats,
    do_assign_by_hand,
    do_assign_period,
    do_create_period,
    do_open_wishes,
    do_save_wishes,
    do_set_seats,
)
from residanat.people.models import TraineeStatus
from tests.accounts.factories import RoleAssignmentFactory, user_with_role
from tests.careers.world import CareersWorld

pytestmark = pytest.mark.django_db

D = dt.date
START, END = D(2026, 5, 1), D(2026, 10, 31)
Regime = TraineeStatus.Regime


# --- helpers (also used by test_period_pages.py) -------------------------------------------------

def trainee_account(world, status):
    """The trainee's own account, with the trainee role that shows them their own rows."""
    user = world.trainee_user(status.person)
    RoleAssignmentFactory(user=user, role=Role.TRAINEE)
    return user


def done(status, service, outcome=Rotation.Outcome.VALIDATED, start=D(2025, 11, 1), by=None):
    """A rotation already behind the intern (validated by default)."""
    decided = outcome != Rotation.Outcome.PENDING
    return Rotation.objects.create(
        status=status, service=service, start_date=start, end_date=start + dt.timedelta(days=180), outcome=outcome,
        assigned_by=by or status.person.user or _someone(),
        **({"attendance": True, "knowledge": True, "practical_skills": True, "conduct": True,
            "validated_by": by or _someone(), "validated_at": timezone.now()} if decided else {}))


def _someone():
    return user_with_role(Role.MINISTRY_ADMIN)


def later(days=3):
    return timezone.now() + dt.timedelta(days=days)


def d93_period(world, seats, *, approve=True, open_wishes=True, track="medicine"):
    period = do_create_period(regime=Regime.D93, track=track, hospital_centre=world.centre, faculty=None,
                              label="Stages mai–octobre 2026", start=START, end=END, by=world.director)
    period = do_set_seats(period, {world.service(k): n for k, n in seats.items()}, world.director)
    if approve:
        do_approve_seats(period, world.dean)
        period = do_approve_seats(period, world.director)
    if open_wishes:
        period = do_open_wishes(period, later(), world.director)
    return period


def rd68_period(world, seats, *, open_wishes=True):
    period = do_create_period(regime=Regime.RD68, track="medicine", hospital_centre=None, faculty=None,
                              label="Affectations RD68 2026", start=START, end=END, by=world.ministry)
    period = do_set_seats(period, {world.ph_services[i]: n for i, n in seats.items()}, world.ministry)
    period = do_approve_seats(period, world.ministry)
    if open_wishes:
        period = do_open_wishes(period, later(), world.ministry)
    return period


def chooser_of(period, status) -> PeriodChooser:
    return PeriodChooser.objects.select_related("period", "status__person").get(period=period, status=status)


def assign(period, by):
    """The assignment, run as if the deadline had just passed."""
    return do_assign_period(period, by, now=period.wishes_deadline + dt.timedelta(minutes=1))


def rotation_service(period, status):
    rotation = Rotation.objects.filter(period=period, status=status).first()
    return rotation.service if rotation else None


@pytest.fixture
def world():
    return CareersWorld()


# --- the period and its seats --------------------------------------------------------------------

def test_d93_period_is_created_by_the_centre_director_with_the_centre_faculty(world):
    period = do_create_period(regime=Regime.D93, track="medicine", hospital_centre=world.centre, faculty=None,
                              label="P1", start=START, end=END, by=world.director)
    assert (period.hospital_centre, period.faculty, period.state) == (world.centre, world.faculty, "preparing")


def test_d93_period_is_not_created_by_the_dean_nor_by_another_centre_director(world):
    other = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=CareersWorld().centre)
    for user in (world.dean, other):
        with pytest.raises(PermissionDenied):
            do_create_period(regime=Regime.D93, track="medicine", hospital_centre=world.centre, faculty=None,
                             label="P1", start=START, end=END, by=user)
    assert not RotationPeriod.objects.exists()


def test_rd68_period_is_created_by_the_ministry_only_without_centre(world):
    with pytest.raises(PermissionDenied):
        do_create_period(regime=Regime.RD68, track="medicine", hospital_centre=None, faculty=None,
                         label="RD68", start=START, end=END, by=world.director)
    with pytest.raises(ValidationError):
        do_create_period(regime=Regime.RD68, track="medicine", hospital_centre=world.centre, faculty=None,
                         label="RD68", start=START, end=END, by=world.ministry)
    period = do_create_period(regime=Regime.RD68, track="medicine", hospital_centre=None, faculty=None,
                              label="RD68", start=START, end=END, by=world.ministry)
    assert period.regime == "RD68" and period.hospital_centre is None


def test_period_ending_before_it_starts_is_refused(world):
    with pytest.raises(ValidationError):
        do_create_period(regime=Regime.D93, track="medicine", hospital_centre=world.centre, faculty=None,
                         label="P1", start=END, end=START, by=world.director)


def test_d93_seats_are_services_of_the_period_centre(world):
    period = d93_period(world, {"other": 1}, approve=False, open_wishes=False)
    with pytest.raises(ValidationError, match="D93 art. 15"):
        do_set_seats(period, {world.ph_services[0]: 2}, world.director)
    assert list(period.seats.values_list("service", flat=True)) == [world.service("other").pk]


def test_rd68_seats_are_services_of_public_health_hospitals(world):
    period = rd68_period(world, {0: 1}, open_wishes=False)
    with pytest.raises(ValidationError, match="RD68 ch. 5"):
        do_set_seats(period, {world.service("other"): 1}, world.ministry)


def test_d93_seats_are_set_by_the_dean_or_the_director_not_by_a_head_of_service(world):
    period = d93_period(world, {"other": 1}, approve=False, open_wishes=False)
    do_set_seats(period, {world.service("other"): 3}, world.dean)
    with pytest.raises(PermissionDenied):
        do_set_seats(period, {world.service("other"): 4}, world.head_of("other"))
    assert period.seats.get().seats == 3


def test_changing_the_seats_clears_both_approvals(world):
    period = d93_period(world, {"other": 1}, open_wishes=False)
    assert period.seats_approved_by_dean == world.dean and period.seats_approved_by_director == world.director
    period = do_set_seats(period, {world.service("other"): 2}, world.director)
    period.refresh_from_db()
    assert period.seats_approved_by_dean is None and period.seats_approved_by_director is None


def test_setting_the_same_seats_again_keeps_the_approvals(world):
    period = d93_period(world, {"other": 1}, open_wishes=False)
    do_set_seats(period, {world.service("other"): 1}, world.director)
    period.refresh_from_db()
    assert period.seats_approved_by_dean == world.dean


def test_d93_wishes_need_both_the_dean_and_the_director_approvals(world):
    world.intern()
    period = d93_period(world, {"other": 1}, approve=False, open_wishes=False)
    do_approve_seats(period, world.director)
    with pytest.raises(ValidationError, match="doyen et par le directeur"):
        do_open_wishes(period, later(), world.director)
    period = do_approve_seats(period, world.dean)
    period = do_open_wishes(period, later(), world.director)
    assert period.state == "wishes_open"


def test_d93_seats_are_not_approved_by_the_ministry_nor_a_head_of_service(world):
    period = d93_period(world, {"other": 1}, approve=False, open_wishes=False)
    for user in (world.ministry, world.head_of("other")):
        with pytest.raises(PermissionDenied):
            do_approve_seats(period, user)


def test_rd68_seats_are_approved_by_the_ministry_not_by_a_dean(world):
    period = do_create_period(regime=Regime.RD68, track="medicine", hospital_centre=None, faculty=None,
                              label="RD68", start=START, end=END, by=world.ministry)
    do_set_seats(period, {world.ph_services[0]: 1}, world.ministry)
    with pytest.raises(PermissionDenied):
        do_approve_seats(period, world.dean)
    period = do_approve_seats(period, world.ministry)
    assert period.seats_approved_by_director == world.ministry and not period.seats_approved_by_dean


# --- who chooses, in which order -----------------------------------------------------------------

def test_d93_choosers_are_the_centre_interns_of_the_track_with_rotations_left(world):
    medicine = world.intern(rank=2)
    finished = world.intern(rank=1)
    for key in ("general_medicine", "general_surgery", "paediatrics", "other"):
        done(finished, world.service(key))
    world.intern(track="pharmacy")
    world.intern(start=D(2026, 6, 1))  # not yet an intern on the first day
    world.intern(end_date=D(2026, 4, 30))
    world.resident()
    CareersWorld().intern()  # another centre
    period = d93_period(world, {"other": 1})
    assert list(period.choosers.values_list("status", flat=True)) == [medicine.pk]


def test_a_rotation_not_validated_leaves_a_rotation_to_do(world):
    redo = world.intern()
    for key in ("general_medicine", "general_surgery", "paediatrics"):
        done(redo, world.service(key))
    done(redo, world.service("other"), outcome=Rotation.Outcome.NOT_VALIDATED)
    period = d93_period(world, {"other_2": 1})
    assert period.choosers.get().status == redo


def test_rd68_choosers_are_the_public_health_interns_and_seventh_year_students(world):
    ph = world.ph_intern()
    seventh = world.ph_intern(rank=None)
    TraineeStatus.objects.filter(pk=seventh.pk).update(kind=TraineeStatus.Kind.SEVENTH_YEAR)
    world.intern()
    period = rd68_period(world, {0: 1})
    assert set(period.choosers.values_list("status", flat=True)) == {ph.pk, seventh.pk}


def test_d93_call_order_is_by_promotion_then_merit_rank(world):
    junior_first = world.intern(start=D(2025, 11, 1), rank=1)
    senior_tenth = world.intern(start=D(2024, 11, 1), rank=10)
    senior_second = world.intern(start=D(2024, 11, 1), rank=2)
    period = d93_period(world, {"other": 1})
    assert list(period.choosers.order_by("order").values_list("status", flat=True)) == [
        senior_second.pk, senior_tenth.pk, junior_first.pk]


def test_choice_by_seniority_then_rank(world):
    """RD68 ch. 5: a senior intern with a worse rank gets the contested service before a junior with
    a better rank; within the same seniority, the better rank wins."""
    senior_worse = world.ph_intern(start=D(2024, 11, 1), rank=40)
    junior_best = world.ph_intern(start=D(2025, 11, 1), rank=1)
    junior_second = world.ph_intern(start=D(2025, 11, 1), rank=2)
    period = rd68_period(world, {0: 1, 1: 1, 2: 1})
    contested, next_best, last = world.ph_services
    for status in (senior_worse, junior_best, junior_second):
        do_save_wishes(chooser_of(period, status), [contested, next_best, last], world.ministry)
    assign(period, world.ministry)
    assert rotation_service(period, senior_worse) == contested
    assert rotation_service(period, junior_best) == next_best
    assert rotation_service(period, junior_second) == last


# --- the wishes ----------------------------------------------------------------------------------

def test_a_medicine_intern_cannot_choose_a_fourth_non_mandatory_service_when_a_mandatory_one_is_still_missing(world):
    intern = world.intern()
    user = trainee_account(world, intern)
    for key in ("general_medicine", "general_surgery", "other"):
        done(intern, world.service(key))
    period = d93_period(world, {"other_2": 2, "paediatrics": 1})
    chooser = chooser_of(period, intern)
    with pytest.raises(ValidationError) as refused:
        do_save_wishes(chooser, [world.service("paediatrics"), world.service("other_2")], user)
    message = " ".join(refused.value.messages)
    assert world.service("other_2").name in message
    assert "Ce choix rendrait impossibles les stages obligatoires restants" in message
    assert "(D93 art. 14)" in message
    assert not RotationWish.objects.exists()  # the allowed wish is not saved either
    # Left without a service (no wish in force), the office cannot put them there by hand either.
    result = assign(period, world.director)
    assert [c.status for c in result.unassigned] == [intern]
    with pytest.raises(ValidationError, match="rendrait impossibles"):
        do_assign_by_hand(period, chooser, world.service("other_2"), world.director)
    rotation = do_assign_by_hand(period, chooser, world.service("paediatrics"), world.director)
    assert rotation.service == world.service("paediatrics") and rotation.period == period


def test_a_service_already_done_cannot_be_wished_again(world):
    intern = world.intern()
    user = trainee_account(world, intern)
    done(intern, world.service("other"))
    period = d93_period(world, {"other": 1})
    with pytest.raises(ValidationError, match="service différent"):
        do_save_wishes(chooser_of(period, intern), [world.service("other")], user)


def test_wishes_are_only_services_with_seats_in_the_period(world):
    intern = world.intern()
    user = trainee_account(world, intern)
    period = d93_period(world, {"general_medicine": 1})
    with pytest.raises(ValidationError, match="pas de place"):
        do_save_wishes(chooser_of(period, intern), [world.service("general_surgery")], user)


def test_wishes_replace_the_previous_list_in_the_given_order(world):
    intern = world.intern()
    user = trainee_account(world, intern)
    period = d93_period(world, {"general_medicine": 1, "general_surgery": 1})
    chooser = chooser_of(period, intern)
    do_save_wishes(chooser, [world.service("general_medicine")], user)
    do_save_wishes(chooser, [world.service("general_surgery"), world.service("general_medicine")], user)
    assert list(chooser.wishes.values_list("service", flat=True)) == [
        world.service("general_surgery").pk, world.service("general_medicine").pk]


def test_wishes_cannot_be_saved_after_the_deadline(world):
    intern = world.intern()
    user = trainee_account(world, intern)
    period = d93_period(world, {"general_medicine": 1})
    RotationPeriod.objects.filter(pk=period.pk).update(wishes_deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="date limite"):
        do_save_wishes(chooser_of(period, intern), [world.service("general_medicine")], user)


def test_a_trainee_cannot_save_another_trainees_wishes_nor_the_dean(world):
    mine, theirs = world.intern(rank=1), world.intern(rank=2)
    user = trainee_account(world, mine)
    period = d93_period(world, {"general_medicine": 1})
    for who in (user, world.dean):
        with pytest.raises(PermissionDenied):
            do_save_wishes(chooser_of(period, theirs), [world.service("general_medicine")], who)


# --- the assignment ------------------------------------------------------------------------------

def test_engine_result_respects_the_call_order_and_the_seats(world):
    first, second, third, fourth = (world.intern(rank=r) for r in (1, 2, 3, 4))
    period = d93_period(world, {"general_medicine": 1, "general_surgery": 2})
    gm, gs = world.service("general_medicine"), world.service("general_surgery")
    for status in (first, second, third):
        do_save_wishes(chooser_of(period, status), [gm, gs], world.director)
    # The fourth wants only the full service: left without one.
    do_save_wishes(chooser_of(period, fourth), [gm], world.director)
    result = assign(period, world.director)
    assert [rotation_service(period, s) for s in (first, second, third, fourth)] == [gm, gs, gs, None]
    assert [c.status for c in result.unassigned] == [fourth]
    period.refresh_from_db()
    assert period.state == "assigned" and period.assigned_at is not None
    rotation = Rotation.objects.get(period=period, status=first)
    assert (rotation.start_date, rotation.end_date, rotation.outcome) == (START, END, "pending")


def test_assignment_waits_for_the_wishes_deadline(world):
    world.intern()
    period = d93_period(world, {"general_medicine": 1})
    with pytest.raises(ValidationError, match="après la date limite"):
        do_assign_period(period, world.director)
    assert not Rotation.objects.exists()


def test_a_trainee_or_the_dean_cannot_assign(world):
    intern = world.intern()
    user = trainee_account(world, intern)
    period = d93_period(world, {"general_medicine": 1})
    for who in (user, world.dean):
        with pytest.raises(PermissionDenied):
            assign(period, who)


def test_by_hand_assignment_needs_a_seat_left(world):
    first, second = world.intern(rank=1), world.intern(rank=2)
    period = d93_period(world, {"general_medicine": 1, "general_surgery": 1})
    gm = world.service("general_medicine")
    do_save_wishes(chooser_of(period, first), [gm], world.director)
    assign(period, world.director)
    with pytest.raises(ValidationError, match="Plus de place"):
        do_assign_by_hand(period, chooser_of(period, second), gm, world.director)
    do_assign_by_hand(period, chooser_of(period, second), world.service("general_surgery"), world.director)
    with pytest.raises(ValidationError, match="déjà un service"):
        do_assign_by_hand(period, chooser_of(period, second), gm, world.director)
