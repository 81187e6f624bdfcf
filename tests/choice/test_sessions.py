import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from residanat.accounts.roles import Role
from residanat.choice.models import Chooser, Post
from residanat.choice.sessions import open_posts
from residanat.concours.models import Competition, MeritEntry
from tests.accounts.factories import user_with_role
from tests.choice.world import ChoiceWorld

pytestmark = pytest.mark.django_db
Outcome = MeritEntry.Outcome


def test_posts_come_from_the_allocations_and_the_volunteer_pool_becomes_a_quota_over_its_group():
    w = ChoiceWorld(seats={"cardio": 2, "pedia": 1}, volunteer=1)
    session = w.session()
    posts = {p.code: p for p in Post.objects.filter(session=session)}
    assert {code: p.capacity for code, p in posts.items()} == {
        "chu-test-medical-cardio": 2, "chu-test-medical-pedia": 1,
        "chu-test-medical-cardio#VOL": 1, "chu-test-medical-pedia#VOL": 1}
    quota = posts["chu-test-medical-cardio#VOL"].quota
    assert quota.capacity == 1 and posts["chu-test-medical-pedia#VOL"].quota_id == quota.pk


def test_laureates_admitted_on_titles_choose_first_then_merit_order_and_not_admitted_do_not_choose():
    w = ChoiceWorld()
    w.laureate("R0002", 2)
    w.laureate("R0001", 1)
    w.laureate("R0009", None, Outcome.ADMITTED_ON_TITLES)
    w.laureate("R0003", 3, Outcome.NOT_ADMITTED)
    session = w.session()
    assert list(session.choosers.order_by("order").values_list("candidate__number", flat=True)) == [
        "R0009", "R0001", "R0002"]


@override_settings(CHOICE_TITLES_FIRST=False)
def test_the_setting_puts_laureates_on_titles_after_the_ranked_ones():
    w = ChoiceWorld()
    w.laureate("R0001", 1)
    w.laureate("R0009", None, Outcome.ADMITTED_ON_TITLES)
    session = w.session()
    assert list(session.choosers.values_list("candidate__number", flat=True)) == ["R0001", "R0009"]


def test_foreigners_choose_only_volunteer_posts_and_moroccans_only_contract_posts():
    w = ChoiceWorld(volunteer=1)
    w.laureate("R0001", 1)
    w.laureate("R0002", 2, Outcome.ADMITTED_FOREIGN, foreign=True)
    session = w.session()
    moroccan, foreigner = session.choosers.order_by("order")
    assert {p.seat_type for p in open_posts(moroccan)} == {"contract"}
    assert {p.code for p in open_posts(foreigner)} == {"chu-test-medical-cardio#VOL", "chu-test-medical-pedia#VOL"}


def test_a_veterinary_doctor_may_choose_only_biology_posts():
    # D93 art. 21: veterinary doctors compete for biology only.
    w = ChoiceWorld(biology=1)
    w.laureate("R0001", 1, diploma="veterinary")
    chooser = w.session().choosers.get()
    assert [p.specialty.code for p in open_posts(chooser)] == ["abm"]


def test_the_session_needs_a_deliberated_competition_and_an_editor_of_its_faculty():
    w = ChoiceWorld()
    Competition.objects.filter(pk=w.competition.pk).update(state=Competition.State.SCORES_ENTERED)
    w.competition.refresh_from_db()
    with pytest.raises(ValidationError):
        w.session()
    Competition.objects.filter(pk=w.competition.pk).update(state=Competition.State.DELIBERATED)
    w.competition.refresh_from_db()
    from tests.referential.factories import FacultyFactory

    other_dean = user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory())
    from residanat.choice.sessions import do_create_session

    with pytest.raises(PermissionDenied):
        do_create_session(w.competition, other_dean)
    director = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=w.competition.hospital_centre)
    with pytest.raises(PermissionDenied):
        do_create_session(w.competition, director)
    assert not Chooser.objects.exists()
