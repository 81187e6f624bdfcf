"""Appointments as resident (D93 art. 21–22) and as 7th-year student with intern duties (RD68
ch. 14), and the doctorate that ends the RD68 statuses (ch. 13)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from residanat.careers.appointments import do_appoint_resident, do_appoint_seventh_year
from residanat.careers.dates import career_date
from residanat.careers.degrees import do_record_degree
from residanat.careers.leave import do_record_leave
from residanat.careers.models import Degree, Leave, Rotation
from residanat.people.models import TraineeStatus
from residanat.rules.service_time import months_end
from tests.careers.world import CareersWorld
from tests.referential.factories import EstablishmentFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db
D = dt.date
Route = TraineeStatus.EntryRoute
SERVICES = ("general_medicine", "general_surgery", "paediatrics", "other")


@pytest.fixture
def w():
    return CareersWorld()


def rotations(w, status, outcomes):
    """Consecutive six-month rotations from the status's start with the given outcomes."""
    start = status.start_date
    for key, outcome in zip(SERVICES, outcomes):
        decided = outcome != Rotation.Outcome.PENDING
        ok = outcome == Rotation.Outcome.VALIDATED
        Rotation.objects.create(
            status=status, service=w.service(key), start_date=start, end_date=months_end(start, 6), outcome=outcome,
            assigned_by=w.director, **({"attendance": ok, "knowledge": True, "practical_skills": True, "conduct": True,
                                        "validated_by": w.head_of(key), "validated_at": timezone.now()} if decided else {}))
        start = months_end(start, 6) + dt.timedelta(days=1)


def appoint(w, person, route, start=D(2025, 11, 1), by=None):
    return do_appoint_resident(person, SpecialtyFactory(), w.faculty, w.centre, start, route, "DC 12/2025",
                               by or w.dean)


# --- residents -----------------------------------------------------------------------------------

def test_titles_intern_appointment_is_refused_without_two_validated_years_of_internat(w):
    intern = w.intern(start=D(2023, 11, 1))
    rotations(w, intern, [Rotation.Outcome.VALIDATED] * 3 + [Rotation.Outcome.NOT_VALIDATED])
    with pytest.raises(ValidationError) as refused:
        appoint(w, intern.person, Route.TITLES_INTERN)
    message = refused.value.messages[0]
    assert "D93 art. 21" in message and "1.a" in message and "3 stage(s) validé(s) sur 4" in message
    assert not intern.person.statuses.filter(kind=TraineeStatus.Kind.RESIDENT).exists()


def test_titles_intern_appointment_is_refused_before_two_years_of_actual_service(w):
    intern = w.intern(start=D(2024, 2, 1))
    rotations(w, intern, [Rotation.Outcome.VALIDATED] * 4)
    with pytest.raises(ValidationError, match="01/02/2026"):
        appoint(w, intern.person, Route.TITLES_INTERN, start=D(2025, 11, 1))


def test_titles_intern_appointment_closes_the_internat_the_day_before(w):
    intern = w.intern(start=D(2023, 11, 1))
    rotations(w, intern, [Rotation.Outcome.VALIDATED] * 4)
    resident = appoint(w, intern.person, Route.TITLES_INTERN)
    assert (resident.kind, resident.entry_route, resident.start_date) == ("resident", Route.TITLES_INTERN, D(2025, 11, 1))
    intern.refresh_from_db()
    assert (intern.end_date, intern.end_reason) == (D(2025, 10, 31), TraineeStatus.EndReason.COMPLETED)


def test_resident_appointment_by_competition_or_military_titles_needs_no_internat(w):
    for route in (Route.COMPETITION, Route.TITLES_MILITARY):
        assert appoint(w, w.new_person(), route).entry_route == route


def test_residents_are_appointed_by_the_dean_director_or_ministry_of_the_units_only(w):
    person = w.new_person()
    with pytest.raises(PermissionDenied):
        appoint(w, person, Route.COMPETITION, by=CareersWorld().dean)
    with pytest.raises(PermissionDenied):
        appoint(w, person, Route.COMPETITION, by=w.head_of("other"))
    assert appoint(w, person, Route.COMPETITION, by=w.director).pk
    with pytest.raises(ValidationError, match="déjà résidente"):
        appoint(w, person, Route.COMPETITION, by=w.ministry)


# --- 7th-year students ---------------------------------------------------------------------------

def test_rd68_ch_14_seventh_year_intern_duties_before_1_january_2025_are_recorded(w):
    """RD68 ch. 14 ("يمكن أن يكلفوا بمهام داخليين ... بناء على مقرر لوزير الصحة") is of 1968, replaced by
    decree 2.16.46 in 2016: 2025 is only the date of the amount the texts held give (decree 2.25.818),
    not of the duties. The payroll reports the earlier months as errors (decision 0001)."""
    status = do_appoint_seventh_year(w.new_person(), w.ph_hospital, D(2024, 11, 1), D(2025, 10, 31), "DM 7",
                                     w.ministry)
    assert (status.kind, status.start_date) == ("seventh_year_intern_duties", D(2024, 11, 1))


def test_seventh_year_intern_duties_are_given_by_the_ministry_in_a_ministry_hospital(w):
    person = w.new_person()
    with pytest.raises(PermissionDenied):
        do_appoint_seventh_year(person, w.ph_hospital, D(2025, 11, 1), D(2026, 10, 31), "DM 7", w.dean)
    with pytest.raises(ValidationError, match="hôpital du ministère"):
        do_appoint_seventh_year(person, w.hospital, D(2025, 11, 1), D(2026, 10, 31), "DM 7", w.ministry)
    status = do_appoint_seventh_year(person, w.ph_hospital, D(2025, 11, 1), D(2026, 10, 31), "DM 7", w.ministry)
    assert (status.kind, status.entry_route, status.regime) == ("seventh_year_intern_duties", "decision", "RD68")


# --- the doctorate ends the RD68 statuses --------------------------------------------------------

def test_doctorate_ends_the_public_health_intern_status(w):
    status = w.ph_intern(start=D(2024, 11, 1))
    degree = do_record_degree(status.person, Degree.Kind.DOCTORATE, None, D(2026, 3, 12), "Thèse 41", w.ministry)
    status.refresh_from_db()
    assert degree.kind == "doctorate"
    assert (status.end_date, status.end_reason) == (D(2026, 3, 12), TraineeStatus.EndReason.DOCTORATE)


def test_doctorate_ends_the_seventh_year_intern_duties_too(w):
    person = w.new_person()
    status = do_appoint_seventh_year(person, EstablishmentFactory(hospital_centre=None), D(2025, 11, 1),
                                     D(2026, 10, 31), "DM 7", w.ministry)
    do_record_degree(person, Degree.Kind.DOCTORATE, None, D(2026, 6, 1), "Thèse 42", w.ministry)
    status.refresh_from_db()
    assert (status.end_date, status.end_reason) == (D(2026, 6, 1), TraineeStatus.EndReason.DOCTORATE)


def test_doctorate_leaves_a_d93_internat_running(w):
    intern = w.intern(start=D(2025, 11, 1))
    do_record_degree(intern.person, Degree.Kind.DOCTORATE, None, D(2027, 6, 1), "Thèse 43", w.dean)
    intern.refresh_from_db()
    assert intern.end_date is None


def test_doctorate_of_a_public_health_intern_is_recorded_by_the_ministry_not_another_dean(w):
    status = w.ph_intern()
    with pytest.raises(PermissionDenied):
        do_record_degree(status.person, Degree.Kind.DOCTORATE, None, D(2026, 3, 12), "Thèse 44", w.dean)


THESIS_ART_15 = "لا يسمح للداخليين بمناقشة أطروحاتهم الا بعد انتهاء الثمانية عشر شهرا الأولى من عملهم بالقسم الداخلي"


@pytest.mark.parametrize("track, eligible", [("medicine", D(2027, 5, 1)), ("pharmacy", D(2026, 11, 1))])
def test_d93_art_15_a_running_intern_s_doctorate_before_the_thesis_date_is_refused(w, track, eligible):
    """D93 art. 15: "لا يسمح للداخليين بمناقشة أطروحاتهم الا بعد انتهاء الثمانية عشر شهرا الأولى من عملهم
    بالقسم الداخلي فيما يخص الداخليين في الطب، والاثني عشر شهرا الأولى ... في طب الأسنان والصيدلة"."""
    intern = w.intern(track=track, start=D(2025, 11, 1))
    assert career_date(intern, "thesis_eligible") == eligible
    with pytest.raises(ValidationError) as refused:
        do_record_degree(intern.person, Degree.Kind.DOCTORATE, None, eligible - dt.timedelta(days=1), "Thèse 45",
                         w.dean)
    message = refused.value.messages[0]
    assert "D93 art. 15" in message and f"{eligible:%d/%m/%Y}" in message
    assert not Degree.objects.filter(person=intern.person).exists()
    assert do_record_degree(intern.person, Degree.Kind.DOCTORATE, None, eligible, "Thèse 45", w.dean).pk


def test_d93_art_15_the_thesis_date_moved_by_a_long_sick_leave_is_the_one_enforced(w):
    """D93 art. 15 and 33: the eighteen months are of actual service, as the timeline counts them."""
    intern = w.intern(start=D(2025, 11, 1))
    do_record_leave(intern, Leave.Kind.SICK, D(2026, 1, 1), D(2026, 7, 31), "CM 7", w.director)
    eligible = career_date(intern, "thesis_eligible")
    assert eligible == D(2027, 5, 1) + dt.timedelta(days=212)
    with pytest.raises(ValidationError, match="D93 art. 15"):
        do_record_degree(intern.person, Degree.Kind.DOCTORATE, None, D(2027, 6, 1), "Thèse 46", w.dean)
    assert do_record_degree(intern.person, Degree.Kind.DOCTORATE, None, eligible, "Thèse 46", w.dean).pk
