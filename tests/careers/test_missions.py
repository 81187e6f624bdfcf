"""Rural replacement missions of public-health interns (RD68 ch. 6)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from residanat.careers.dates import career_date
from residanat.careers.missions import do_record_rural_mission
from tests.careers.world import CareersWorld

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def w():
    return CareersWorld()


def year6_intern(w):
    return w.ph_intern(start=D(2025, 11, 1), internat_in_year6=True)


def mission(w, status, start, end, forces_move=False, by=None, establishment=None):
    return do_record_rural_mission(status, establishment or w.rural_centre, start, end, forces_move, "DM 3/2026",
                                   by or w.ministry)


def test_rural_mission_over_six_months_in_all_is_refused(w):
    status = year6_intern(w)
    mission(w, status, D(2026, 1, 1), D(2026, 3, 31))
    mission(w, status, D(2026, 6, 1), D(2026, 7, 31))
    # 5 months done: one more month fits (1 Sep to 30 Sep), not a day more.
    with pytest.raises(ValidationError) as refused:
        mission(w, status, D(2026, 9, 1), D(2026, 10, 1))
    assert "RD68 ch. 6" in refused.value.messages[0] and "30/09/2026" in refused.value.messages[0]
    assert mission(w, status, D(2026, 9, 1), D(2026, 9, 30)).pk
    assert status.rural_missions.count() == 3


def test_rural_mission_for_an_intern_who_did_not_do_the_internat_in_year_6_is_refused(w):
    status = w.ph_intern(internat_in_year6=False)
    with pytest.raises(ValidationError) as refused:
        mission(w, status, D(2026, 1, 1), D(2026, 1, 31))
    assert "6e année" in refused.value.messages[0] and "RD68 ch. 6" in refused.value.messages[0]


def test_rural_mission_is_refused_to_a_d93_intern(w):
    with pytest.raises(ValidationError, match="RD68 ch. 6"):
        mission(w, w.intern(internat_in_year6=True), D(2026, 1, 1), D(2026, 1, 31))


def test_rural_mission_takes_place_in_a_ministry_centre_within_the_internat(w):
    status = year6_intern(w)
    with pytest.raises(ValidationError, match="hors centre hospitalier"):
        mission(w, status, D(2026, 1, 1), D(2026, 1, 31), establishment=w.hospital)
    with pytest.raises(ValidationError, match="31/10/2028"):
        mission(w, status, D(2028, 10, 1), D(2028, 11, 30))


def test_rural_missions_are_decided_by_the_ministry_only(w):
    status = year6_intern(w)
    for user in (w.dean, w.director, w.head_of(w.ph_services[0])):
        with pytest.raises(PermissionDenied):
            mission(w, status, D(2026, 1, 1), D(2026, 1, 31), by=user)


def test_rural_mission_counts_as_internat_and_its_allowance_is_due_only_when_it_forces_a_move(w):
    status = year6_intern(w)
    before = career_date(status, "expected_end")
    moving = mission(w, status, D(2026, 1, 1), D(2026, 1, 31), forces_move=True)
    staying = mission(w, status, D(2026, 3, 1), D(2026, 3, 10), forces_move=False)
    assert (moving.allowance_days, staying.allowance_days) == (31, 0)
    assert career_date(status, "expected_end") == before


def test_overlapping_rural_missions_are_refused(w):
    status = year6_intern(w)
    mission(w, status, D(2026, 1, 1), D(2026, 1, 31))
    with pytest.raises(ValidationError, match="chevauche"):
        mission(w, status, D(2026, 1, 20), D(2026, 2, 10))
