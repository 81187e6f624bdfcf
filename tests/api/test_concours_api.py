"""The competitions API: scoped like the pages, no identity numbers, transitions through the workflow."""

import pytest

from residanat.accounts.roles import Role
from residanat.concours.models import Competition, PostAllocation
from tests.accounts.factories import user_with_role
from tests.api.helpers import token_client
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.referential.factories import FacultyFactory, HospitalCentreFactory

pytestmark = pytest.mark.django_db


def test_a_dean_lists_only_the_competitions_of_the_faculty():
    mine, other = CompetitionFactory(), CompetitionFactory(faculty=FacultyFactory())
    client = token_client(user_with_role(Role.DEAN_OFFICE, faculty=mine.faculty))
    assert [c["slug"] for c in client.get("/api/v1/competitions").json()] == [mine.slug]
    assert client.get(f"/api/v1/competitions/{other.slug}").status_code == 404


def test_candidates_are_listed_by_number_without_identity_numbers():
    competition = CompetitionFactory()
    candidate = CandidateFactory(competition=competition)
    client = token_client(user_with_role(Role.MINISTRY_ADMIN))
    [row] = client.get(f"/api/v1/competitions/{competition.slug}/candidates").json()["items"]
    assert row["number"] == candidate.number
    assert candidate.person.national_id not in str(row)


def test_allocations_carry_the_specialty_code_and_the_letter_line():
    competition = CompetitionFactory()
    PostAllocation.objects.create(competition=competition, seat_type="foreign_volunteer", group="medical",
                                  track="medicine", seats=5, source_line=77)
    client = token_client(user_with_role(Role.MINISTRY_ADMIN))
    [row] = client.get(f"/api/v1/competitions/{competition.slug}/allocations").json()
    assert (row["seat_type"], row["specialty"], row["seats"], row["source_line"]) == ("foreign_volunteer", None, 5, 77)


def test_a_transition_by_a_role_without_the_step_is_refused_with_403():
    centre = HospitalCentreFactory()
    competition = CompetitionFactory(state=Competition.State.REGISTRATION_OPEN, hospital_centre=centre)
    director = user_with_role(Role.HOSPITAL_DIRECTOR_OFFICE, hospital_centre=centre)
    response = token_client(director).post(f"/api/v1/competitions/{competition.slug}/transitions",
                                           {"to": "registration_closed"}, content_type="application/json")
    assert response.status_code == 403
    assert Competition.objects.get().state == Competition.State.REGISTRATION_OPEN


def test_a_transition_that_is_not_allowed_yet_says_why():
    competition = CompetitionFactory()
    response = token_client(user_with_role(Role.MINISTRY_ADMIN)).post(
        f"/api/v1/competitions/{competition.slug}/transitions", {"to": "posts_validated"},
        content_type="application/json")
    assert response.status_code == 400
    assert "Aucun poste" in response.json()["detail"]


def test_the_merit_list_gives_each_foreign_candidate_the_rule_and_threshold_in_both_languages():
    from residanat.concours.models import MeritEntry, MeritList

    competition = CompetitionFactory()
    admin = user_with_role(Role.MINISTRY_ADMIN)
    merit = MeritList.objects.create(competition=competition, version=1, created_by=admin)
    MeritEntry.objects.create(merit_list=merit, candidate=CandidateFactory(competition=competition), rank=3,
                              total="14.250", outcome="admitted_foreign", seat_type="foreign_volunteer",
                              rule="D93 art. 21", threshold="14.100", explanation="Note 14,250 ≥ seuil\nالنقطة")
    [row] = token_client(admin).get(f"/api/v1/competitions/{competition.slug}/merit-list").json()["entries"]
    assert (row["rule"], row["threshold"], row["explanation_ar"]) == ("D93 art. 21", "14.100", "النقطة")
