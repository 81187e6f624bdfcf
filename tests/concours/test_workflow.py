"""The competition's state machine: each step by its roles, within their scope, checked, recorded."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from residanat.accounts.roles import Role
from residanat.concours.models import Competition, CompetitionTransition, PostAllocation
from residanat.concours.workflow import available_steps, do_transition
from tests.accounts.factories import user_with_role
from tests.concours.factories import CandidateFactory, CompetitionFactory, CompetitionTestFactory
from tests.referential.factories import FacultyFactory

State = Competition.State
pytestmark = pytest.mark.django_db


def with_posts(competition):
    PostAllocation.objects.create(competition=competition, seat_type="contract", group="medical",
                                  track="medicine", seats=3)
    return competition


def test_posts_are_validated_by_the_ministry_and_the_step_is_recorded_with_the_role():
    competition = with_posts(CompetitionFactory())
    officer = user_with_role(Role.HIGHER_EDUCATION_OFFICER)
    transition = do_transition(competition, State.POSTS_VALIDATED, officer, "arrêté conjoint n° 12/2026")
    competition.refresh_from_db()
    assert competition.state == State.POSTS_VALIDATED
    assert (transition.from_state, transition.to_state, transition.by, transition.role) == (
        State.DRAFT, State.POSTS_VALIDATED, officer, Role.HIGHER_EDUCATION_OFFICER)
    assert transition.note == "arrêté conjoint n° 12/2026"
    assert competition.history.first().history_change_reason.startswith("draft → posts_validated")


def test_a_dean_cannot_validate_the_posts_of_the_joint_order():
    competition = with_posts(CompetitionFactory())
    dean = user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty)
    with pytest.raises(PermissionDenied):
        do_transition(competition, State.POSTS_VALIDATED, dean)
    competition.refresh_from_db()
    assert competition.state == State.DRAFT
    assert not CompetitionTransition.objects.exists()


def test_posts_cannot_be_validated_when_none_are_distributed():
    competition = CompetitionFactory()
    with pytest.raises(ValidationError, match="Aucun poste"):
        do_transition(competition, State.POSTS_VALIDATED, user_with_role(Role.MINISTRY_ADMIN))


def test_the_dean_opens_registration_only_for_the_faculty_s_own_competition():
    competition = CompetitionFactory(state=State.POSTS_VALIDATED, session_date=dt.date(2026, 12, 20),
                                     registration_closes_on=dt.date(2026, 12, 1))
    other_dean = user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory())
    with pytest.raises(PermissionDenied):
        do_transition(competition, State.REGISTRATION_OPEN, other_dean)
    dean = user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty)
    do_transition(competition, State.REGISTRATION_OPEN, dean)
    assert Competition.objects.get().state == State.REGISTRATION_OPEN


def test_registration_cannot_open_without_a_closing_date():
    competition = CompetitionFactory(state=State.POSTS_VALIDATED, session_date=dt.date(2026, 12, 20))
    with pytest.raises(ValidationError, match="clôture"):
        do_transition(competition, State.REGISTRATION_OPEN, user_with_role(Role.MINISTRY_ADMIN))


def test_a_step_that_does_not_follow_the_current_state_is_refused():
    competition = CompetitionFactory(state=State.REGISTRATION_OPEN)
    with pytest.raises(ValidationError, match="impossible"):
        do_transition(competition, State.PUBLISHED, user_with_role(Role.MINISTRY_ADMIN))


def test_closing_registration_rechecks_every_candidate_s_eligibility():
    competition = CompetitionFactory(state=State.REGISTRATION_OPEN, registration_closes_on=dt.date(2026, 12, 1))
    # Registered as eligible, but one year of practice is reached only after the closing date.
    candidate = CandidateFactory(competition=competition, state="eligible", practice_since=dt.date(2026, 6, 1))
    do_transition(competition, State.REGISTRATION_CLOSED, user_with_role(Role.MINISTRY_ADMIN))
    candidate.refresh_from_db()
    assert candidate.state == "ineligible"
    assert any(f["ref"] == "D93 art. 21" for f in candidate.eligibility)


def test_scores_are_closed_only_when_every_eligible_candidate_has_every_score():
    competition = CompetitionFactory(state=State.REGISTRATION_CLOSED)
    CompetitionTestFactory(competition=competition)
    CandidateFactory(competition=competition, state="eligible")
    with pytest.raises(ValidationError, match="1 notes manquent"):
        do_transition(competition, State.SCORES_ENTERED, user_with_role(Role.MINISTRY_ADMIN))


def test_available_steps_say_what_still_stops_them():
    competition = CompetitionFactory()
    steps = available_steps(user_with_role(Role.MINISTRY_ADMIN), competition)
    [(step, blockers)] = steps
    assert step.target == State.POSTS_VALIDATED
    assert blockers and "Aucun poste" in blockers[0]
    assert available_steps(user_with_role(Role.PAYROLL_OFFICER), competition) == []


def test_the_detail_page_offers_only_the_steps_of_the_user(verified_client):
    competition = with_posts(CompetitionFactory())
    admin_page = verified_client(user_with_role(Role.MINISTRY_ADMIN)).get(f"/concours/{competition.slug}/")
    assert "Valider la répartition des postes" in admin_page.content.decode()
    dean_page = verified_client(user_with_role(Role.DEAN_OFFICE, faculty=competition.faculty)).get(
        f"/concours/{competition.slug}/")
    assert dean_page.status_code == 200
    assert "Valider la répartition des postes" not in dean_page.content.decode()


def test_the_transition_page_moves_the_state_and_reports_blockers(verified_client):
    competition = CompetitionFactory()
    client = verified_client(user_with_role(Role.MINISTRY_ADMIN))
    response = client.post(f"/concours/{competition.slug}/etat/", {"to": "posts_validated"}, follow=True)
    assert "Aucun poste" in response.content.decode()
    with_posts(competition)
    client.post(f"/concours/{competition.slug}/etat/", {"to": "posts_validated", "note": "ok"})
    assert Competition.objects.get().state == State.POSTS_VALIDATED
