"""Eligibility of candidacies: facts read from the candidacy, attempts counted from the person's
history across years (D93 art. 8, art. 21; RD68 ch. 1), the verdict stored, re-checked at close."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ImproperlyConfigured

from residanat.concours.eligibility import (
    check_candidate,
    count_previous_attempts,
    do_recheck_eligibility,
    facts_for,
    failures_in,
    judged_on,
)
from residanat.concours.models import Candidate, Competition, PostAllocation, Score
from tests.concours.factories import CandidateFactory, CompetitionFactory, CompetitionTestFactory
from tests.people.factories import PersonFactory
from tests.referential.factories import FacultyFactory

pytestmark = pytest.mark.django_db

INTERNAT = Competition.Kind.INTERNAT
RESIDANAT = Competition.Kind.RESIDANAT
CLOSES = dt.date(2026, 5, 15)
_slugs = itertools.count()


def competition(kind=INTERNAT, year=2026, **fields):
    fields.setdefault("registration_closes_on", dt.date(year, 5, 15))
    return CompetitionFactory(kind=kind, year=year, slug=f"{kind}-{year}-ville-{next(_slugs)}", **fields)


def internat_candidate(person, competition, **fields):
    """A medicine student meeting every condition of D93 art. 8 (apart from the attempts)."""
    values = {"track": "medicine", "enrolment_faculty": competition.faculty, "study_year": 6,
              "validated_years": 5, "diploma": "", "practice_since": None}
    values.update(fields)
    return CandidateFactory(competition=competition, person=person, **values)


def sat(candidate, value="12.50"):
    """The candidate sat the competition's test."""
    test = CompetitionTestFactory(competition=candidate.competition)
    return Score.objects.create(candidate=candidate, test=test, value=value, absent=False)


def absent_everywhere(candidate, tests=2):
    for _ in range(tests):
        test = CompetitionTestFactory(competition=candidate.competition)
        Score.objects.create(candidate=candidate, test=test, value=None, absent=True)


def history(person, kind, years, **fields):
    """Earlier candidacies of `person` where they sat, one per year."""
    found = []
    for year in years:
        earlier = CandidateFactory(competition=competition(kind, year), person=person,
                                   state=Candidate.State.ELIGIBLE, **fields)
        sat(earlier)
        found.append(earlier)
    return found


# --- attempts across years ------------------------------------------------------------------------

def test_fifth_internat_candidacy_of_the_same_person_is_refused_under_d93_art_8():
    person = PersonFactory()
    history(person, INTERNAT, [2022, 2023, 2024, 2025])
    candidate = internat_candidate(person, competition(INTERNAT, 2026))

    failures = check_candidate(candidate)

    assert [(f["code"], f["ref"]) for f in failures] == [("attempts_exhausted", "D93 art. 8")]
    candidate.refresh_from_db()
    assert candidate.state == Candidate.State.INELIGIBLE
    assert candidate.attempt_number == 5
    assert candidate.eligibility == failures
    assert "n° 5" in failures[0]["message_fr"] and failures[0]["message_ar"]
    assert candidate.eligibility_checked_at is not None


def test_fourth_internat_candidacy_is_eligible():
    person = PersonFactory()
    history(person, INTERNAT, [2023, 2024, 2025])
    candidate = internat_candidate(person, competition(INTERNAT, 2026))

    assert check_candidate(candidate) == []
    candidate.refresh_from_db()
    assert (candidate.state, candidate.attempt_number, candidate.eligibility) == (Candidate.State.ELIGIBLE, 4, [])


def test_candidacy_absent_from_every_test_is_not_an_attempt_when_attempts_count_sittings(settings):
    settings.RESIDANAT_ATTEMPT_COUNTS = "sat"
    person = PersonFactory()
    history(person, INTERNAT, [2022, 2023, 2024])
    no_show = CandidateFactory(competition=competition(INTERNAT, 2025), person=person, state=Candidate.State.ELIGIBLE)
    absent_everywhere(no_show)
    candidate = internat_candidate(person, competition(INTERNAT, 2026))

    assert count_previous_attempts(person, INTERNAT, 2026) == 3
    assert check_candidate(candidate) == []
    assert candidate.attempt_number == 4


def test_eligible_candidacy_absent_from_every_test_is_an_attempt_when_attempts_count_eligibility(settings):
    settings.RESIDANAT_ATTEMPT_COUNTS = "eligible"
    person = PersonFactory()
    history(person, INTERNAT, [2022, 2023, 2024])
    no_show = CandidateFactory(competition=competition(INTERNAT, 2025), person=person, state=Candidate.State.ELIGIBLE)
    absent_everywhere(no_show)
    candidate = internat_candidate(person, competition(INTERNAT, 2026))

    assert count_previous_attempts(person, INTERNAT, 2026) == 4
    assert [f["ref"] for f in check_candidate(candidate)] == ["D93 art. 8"]
    assert candidate.state == Candidate.State.INELIGIBLE


def test_ineligible_candidacy_never_sat_is_not_an_attempt_in_either_mode(settings):
    person = PersonFactory()
    refused = CandidateFactory(competition=competition(INTERNAT, 2025), person=person,
                               state=Candidate.State.INELIGIBLE)
    for mode in ("sat", "eligible"):
        settings.RESIDANAT_ATTEMPT_COUNTS = mode
        assert count_previous_attempts(person, INTERNAT, 2026) == 0
    sat(refused)  # sitting counts in both modes
    for mode in ("sat", "eligible"):
        settings.RESIDANAT_ATTEMPT_COUNTS = mode
        assert count_previous_attempts(person, INTERNAT, 2026) == 1


def test_unknown_attempt_mode_is_a_configuration_error(settings):
    settings.RESIDANAT_ATTEMPT_COUNTS = "registered"
    with pytest.raises(ImproperlyConfigured):
        count_previous_attempts(PersonFactory(), INTERNAT, 2026)


def test_candidacies_to_another_kind_of_competition_do_not_count():
    person = PersonFactory()
    history(person, RESIDANAT, [2022, 2023, 2024, 2025])
    history(person, Competition.Kind.PUBLIC_HEALTH_INTERNAT, [2024, 2025])
    candidate = internat_candidate(person, competition(INTERNAT, 2026))

    assert check_candidate(candidate) == []
    assert candidate.attempt_number == 1


def test_another_person_with_the_same_name_does_not_lend_their_attempts():
    person = PersonFactory(last_name="Bennani", first_name="Yassine", national_id="AB123456")
    namesake = PersonFactory(last_name="Bennani", first_name="Yassine", national_id="CD654321")
    history(namesake, INTERNAT, [2022, 2023, 2024, 2025])
    candidate = internat_candidate(person, competition(INTERNAT, 2026))

    assert check_candidate(candidate) == []
    assert candidate.attempt_number == 1
    namesakes = internat_candidate(namesake, competition(INTERNAT, 2026))
    assert [f["code"] for f in check_candidate(namesakes)] == ["attempts_exhausted"]


def test_candidacies_of_the_same_or_a_later_year_do_not_count():
    person = PersonFactory()
    history(person, INTERNAT, [2026, 2027])
    assert count_previous_attempts(person, INTERNAT, 2026) == 0
    assert count_previous_attempts(person, INTERNAT, 2027) == 1


def test_candidacies_on_titles_never_count_as_attempts(settings):
    settings.RESIDANAT_ATTEMPT_COUNTS = "eligible"
    person = PersonFactory()
    for year in (2022, 2023, 2024, 2025):
        CandidateFactory(competition=competition(RESIDANAT, year), person=person, state=Candidate.State.ELIGIBLE,
                         route=Candidate.Route.TITLES_INTERN, internat_months_validated=24)
    candidate = CandidateFactory(competition=competition(RESIDANAT, 2026), person=person)

    assert check_candidate(candidate) == []
    assert candidate.attempt_number == 1


def test_fifth_residanat_candidacy_is_refused_under_d93_art_21():
    person = PersonFactory()
    history(person, RESIDANAT, [2022, 2023, 2024, 2025])
    candidate = CandidateFactory(competition=competition(RESIDANAT, 2026), person=person)

    assert [(f["code"], f["ref"]) for f in check_candidate(candidate)] == [("attempts_exhausted", "D93 art. 21")]


def test_third_public_health_internat_candidacy_is_refused_under_rd68_ch_1():
    person = PersonFactory()
    history(person, Competition.Kind.PUBLIC_HEALTH_INTERNAT, [2024, 2025])
    candidate = internat_candidate(person, competition(Competition.Kind.PUBLIC_HEALTH_INTERNAT, 2026),
                                   year5_exams_passed=True)

    assert [(f["code"], f["ref"]) for f in check_candidate(candidate)] == [("attempts_exhausted", "RD68 ch. 1")]
    assert candidate.attempt_number == 3


def test_titles_candidacy_has_no_attempt_number():
    candidate = CandidateFactory(competition=competition(RESIDANAT, 2026), route=Candidate.Route.TITLES_MILITARY,
                                 military_assistant_passed=True)
    assert check_candidate(candidate) == []
    assert (candidate.state, candidate.attempt_number) == (Candidate.State.ELIGIBLE, None)


# --- facts of the candidacy and the reference date --------------------------------------------------

def test_practice_is_judged_on_the_registration_closing_day():
    closes = dt.date(2026, 5, 15)
    contest = competition(RESIDANAT, 2026, registration_closes_on=closes, session_date=dt.date(2026, 6, 15))
    candidate = CandidateFactory(competition=contest, practice_since=dt.date(2025, 5, 16))

    assert judged_on(contest) == closes
    assert [f["code"] for f in check_candidate(candidate)] == ["practice_too_short"]
    # Judged on the session day instead, the same practice would be enough.
    assert check_candidate(candidate, on=dt.date(2026, 6, 15)) == []


def test_without_a_closing_day_the_session_day_is_the_reference():
    contest = competition(RESIDANAT, 2026, registration_closes_on=None, session_date=dt.date(2026, 6, 15))
    assert judged_on(contest) == dt.date(2026, 6, 15)


def test_facts_read_enrolment_nationality_and_foreign_diploma():
    foreigner = PersonFactory(nationality="SN", national_id=None, passport_number="A0001")
    candidate = CandidateFactory(competition=competition(RESIDANAT, 2026), person=foreigner,
                                 diploma_country="sn", diploma_equivalence="", civil_service_in_order=False)
    facts = facts_for(candidate, CLOSES)
    assert (facts.kind, facts.route, facts.moroccan, facts.diploma_foreign) == ("residanat", "competition", False, True)
    assert facts.enrolled is False
    # The foreigner owes no civil service, but the foreign diploma needs its equivalence.
    assert [f["code"] for f in check_candidate(candidate)] == ["equivalence_missing"]
    candidate.diploma_equivalence = "Décision 2024/117"
    assert check_candidate(candidate) == []


def test_moroccan_doctor_out_of_order_with_civil_service_is_refused():
    candidate = CandidateFactory(competition=competition(RESIDANAT, 2026), civil_service_in_order=False)
    assert [(f["code"], f["ref"]) for f in check_candidate(candidate)] == [("civil_service", "D93 art. 21")]


def test_internat_candidate_without_enrolment_is_refused():
    candidate = internat_candidate(PersonFactory(), competition(INTERNAT, 2026), enrolment_faculty=None)
    assert [f["code"] for f in check_candidate(candidate)] == ["not_enrolled"]


def test_veterinary_doctor_is_eligible_only_where_biology_posts_are_open():
    contest = competition(RESIDANAT, 2026)
    vet = CandidateFactory(competition=contest, diploma=Candidate.Diploma.VETERINARY)
    assert [f["code"] for f in check_candidate(vet)] == ["veterinary_not_biology"]

    PostAllocation.objects.create(competition=contest, seat_type=PostAllocation.SeatType.CONTRACT,
                                  group="biological", track="medicine", seats=3)
    assert check_candidate(vet) == []


# --- storing the verdict ------------------------------------------------------------------------

def test_withdrawn_candidate_is_never_touched():
    candidate = CandidateFactory(competition=competition(RESIDANAT, 2026), state=Candidate.State.WITHDRAWN,
                                 civil_service_in_order=False)
    assert check_candidate(candidate) == []
    candidate.refresh_from_db()
    assert (candidate.state, candidate.eligibility_checked_at) == (Candidate.State.WITHDRAWN, None)


def test_check_without_save_changes_nothing_in_the_database():
    candidate = CandidateFactory(competition=competition(RESIDANAT, 2026), civil_service_in_order=False)
    assert [f["code"] for f in check_candidate(candidate, save=False)] == ["civil_service"]
    candidate.refresh_from_db()
    assert (candidate.state, candidate.eligibility) == (Candidate.State.REGISTERED, [])


def test_check_is_recorded_in_the_candidacy_history():
    candidate = CandidateFactory(competition=competition(RESIDANAT, 2026))
    check_candidate(candidate)
    latest = candidate.history.first()
    assert latest.state == Candidate.State.ELIGIBLE
    assert latest.history_change_reason == "Recevabilité vérifiée au 2026-05-15"


def test_failures_in_gives_the_message_in_the_language_with_its_article():
    candidate = CandidateFactory(competition=competition(RESIDANAT, 2026), civil_service_in_order=False)
    check_candidate(candidate)
    [(fr, ref)] = failures_in(candidate, "fr")
    [(ar, ar_ref)] = failures_in(candidate, "ar")
    assert "service civil" in fr and ref == ar_ref == "D93 art. 21"
    assert "الخدمة المدنية" in ar


# --- re-check at registration close -------------------------------------------------------------

def test_recheck_updates_states_whose_facts_changed_and_leaves_withdrawn_alone():
    contest = competition(INTERNAT, 2026)
    staying = internat_candidate(PersonFactory(), contest)
    falling = internat_candidate(PersonFactory(), contest)
    rising = internat_candidate(PersonFactory(), contest, validated_years=4)
    withdrawn = internat_candidate(PersonFactory(), contest, validated_years=1, state=Candidate.State.WITHDRAWN)
    for candidate in (staying, falling, rising):
        check_candidate(candidate)
    assert rising.state == Candidate.State.INELIGIBLE
    # The faculty corrects the files before the close: one year is found not validated, one is.
    Candidate.objects.filter(pk=falling.pk).update(validated_years=4)
    Candidate.objects.filter(pk=rising.pk).update(validated_years=5)

    counts = do_recheck_eligibility(contest)

    assert counts == {"eligible": 2, "ineligible": 1, "changed": 2}
    states = dict(Candidate.objects.filter(competition=contest).values_list("pk", "state"))
    assert states == {staying.pk: "eligible", falling.pk: "ineligible", rising.pk: "eligible",
                      withdrawn.pk: "withdrawn"}
    falling.refresh_from_db()
    assert falling.eligibility[0]["ref"] == "D93 art. 8"
    assert "4 années validées sur les 5" in falling.eligibility[0]["message_fr"]
    assert falling.history.first().history_change_reason == "Recevabilité revérifiée au 2026-05-15"
    withdrawn.refresh_from_db()
    assert (withdrawn.eligibility, withdrawn.eligibility_checked_at) == ([], None)


def test_recheck_counts_attempts_like_a_single_check(settings):
    settings.RESIDANAT_ATTEMPT_COUNTS = "sat"
    contest = competition(INTERNAT, 2026)
    veteran, newcomer, no_show = PersonFactory(), PersonFactory(), PersonFactory()
    history(veteran, INTERNAT, [2022, 2023, 2024, 2025])
    history(newcomer, RESIDANAT, [2022, 2023, 2024, 2025])
    for year in (2022, 2023, 2024, 2025):
        absent_everywhere(CandidateFactory(competition=competition(INTERNAT, year), person=no_show,
                                           state=Candidate.State.ELIGIBLE), tests=1)
    candidates = [internat_candidate(p, contest) for p in (veteran, newcomer, no_show)]

    assert do_recheck_eligibility(contest) == {"eligible": 2, "ineligible": 1, "changed": 3}
    stored = {c.person_id: (c.state, c.attempt_number) for c in Candidate.objects.filter(competition=contest)}
    assert stored == {veteran.pk: ("ineligible", 5), newcomer.pk: ("eligible", 1), no_show.pk: ("eligible", 1)}
    for candidate in candidates:
        expected = Candidate.objects.get(pk=candidate.pk)
        assert check_candidate(candidate, save=False) == expected.eligibility


@pytest.mark.parametrize("size", [5, 40])
def test_recheck_runs_a_bounded_number_of_queries(size, django_assert_max_num_queries):
    contest = competition(INTERNAT, 2026)
    PostAllocation.objects.create(competition=contest, seat_type=PostAllocation.SeatType.CONTRACT,
                                  group="medical", track="medicine", seats=10)
    for i in range(size):
        person = PersonFactory()
        earlier = CandidateFactory(competition=competition(INTERNAT, 2024), person=person,
                                   state=Candidate.State.ELIGIBLE)
        sat(earlier)
        internat_candidate(person, contest, validated_years=5 if i % 2 else 3)

    with django_assert_max_num_queries(10):
        counts = do_recheck_eligibility(contest)

    assert counts == {"eligible": size // 2, "ineligible": size - size // 2, "changed": size}
    assert set(Candidate.objects.filter(competition=contest).values_list("attempt_number", flat=True)) == {2}


def test_recheck_of_an_empty_competition_answers_zero_counts():
    assert do_recheck_eligibility(competition(INTERNAT, 2026)) == {"eligible": 0, "ineligible": 0, "changed": 0}


def test_recheck_touches_only_the_candidates_of_its_competition():
    contest = competition(INTERNAT, 2026)
    other = competition(INTERNAT, 2026, faculty=FacultyFactory())
    elsewhere = internat_candidate(PersonFactory(), other)
    do_recheck_eligibility(contest)
    elsewhere.refresh_from_db()
    assert (elsewhere.state, elsewhere.eligibility_checked_at) == (Candidate.State.REGISTERED, None)
