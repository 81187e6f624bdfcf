"""Merit lists in the database: the seats taken from the posts, the list computed from the scores,
the jury's lock, revisions as new motivated versions (all kept), and what a published list shows."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from residanat.accounts.roles import Role
from residanat.concours.merit import (
    current_merit_list,
    do_compute_merit_list,
    do_deliberate,
    do_revise_merit_list,
    entries_for_publication,
    explanation,
    seats_of,
)
from residanat.concours.models import Candidate, Competition, MeritEntry, MeritList, PostAllocation, Score
from residanat.concours.scores import do_enter_score
from residanat.concours.services import do_import_posts_letter
from residanat.concours.workflow import do_transition
from tests.accounts.factories import user_with_role
from tests.concours.factories import CandidateFactory, CompetitionFactory, CompetitionTestFactory
from tests.people.factories import PersonFactory
from tests.referential.factories import FacultyFactory

State = Competition.State
Outcome = MeritEntry.Outcome
pytestmark = pytest.mark.django_db


def allocate(competition, seat_type, seats, track="medicine", group="medical"):
    return PostAllocation.objects.create(competition=competition, seat_type=seat_type, group=group, track=track,
                                         seats=seats)


class Session:
    """A competition whose scores are closed: two tests (weights 1 and 3), candidates added with
    their scores."""

    def __init__(self, kind=Competition.Kind.RESIDANAT, contract=2, volunteer=1, state=State.SCORES_ENTERED):
        self.competition = CompetitionFactory(kind=kind, state=state, session_date=dt.date(2026, 6, 15))
        if contract:
            allocate(self.competition, "contract", contract)
        if volunteer:
            allocate(self.competition, "foreign_volunteer", volunteer)
        self.qcm = CompetitionTestFactory(competition=self.competition, code="qcm", weight=1, order=1)
        self.cas = CompetitionTestFactory(competition=self.competition, code="cas", weight=3, order=2)
        self.dean = user_with_role(Role.DEAN_OFFICE, faculty=self.competition.faculty)

    def candidate(self, number, qcm=None, cas=None, *, foreign=False, absent=False, born=None, **kwargs):
        person = PersonFactory(nationality="SN" if foreign else "MA", birth_date=born or dt.date(1998, 1, 1),
                               **({"national_id": None, "passport_number": f"P{number}"} if foreign else {}))
        candidate = CandidateFactory(competition=self.competition, person=person, number=number,
                                     state=Candidate.State.ELIGIBLE, **kwargs)
        if candidate.route == Candidate.Route.COMPETITION:
            for test, value in ((self.qcm, qcm), (self.cas, cas)):
                Score.objects.create(candidate=candidate, test=test, absent=absent,
                                     value=None if absent else D(str(value)))
        return candidate

    def entries(self, merit_list):
        return {e.candidate.number: e for e in merit_list.entries.select_related("candidate")}


@pytest.fixture
def session():
    s = Session(contract=3, volunteer=1)  # 2 seats by competition once T1 is admitted on titles
    allocate(s.competition, "military", 6, group="surgical")  # 10 seats in all: 10 % is 1 foreigner
    s.candidate("M1", 16, 16)
    s.candidate("M2", 14, 14)
    s.candidate("M3", 12, 12)
    s.candidate("F1", 15, 15, foreign=True)
    s.candidate("F2", 13, 14, foreign=True)  # (13 + 3 × 14) / 4 = 13.75 < 14
    s.candidate("AB", absent=True)
    s.candidate("T1", route=Candidate.Route.TITLES_INTERN)
    return s


# --- seats --------------------------------------------------------------------------------------

@pytest.mark.usefixtures("referential")
def test_seats_of_the_real_2026_casablanca_posts(seed_text):
    result = do_import_posts_letter(seed_text, "residanat-2026-casablanca")
    assert result.ok, result.errors
    seats = seats_of(Competition.objects.get(slug="residanat-2026-casablanca"))
    assert (seats["contract"], seats["volunteer"], seats["total"]) == (352, 10, 362)
    # Decision 0017: one pool per track, 337 + 15 contract posts.
    assert seats["pools"] == {"medicine": 337, "pharmacy": 15}
    # D93 art. 21, per track: min(9 volunteer posts, floor(10 % × 346)); min(1, floor(10 % × 16)).
    assert seats["by_track"] == {
        "medicine": {"volunteer": 9, "total": 346, "titles_intern": 0, "foreign_cap": 9},
        "pharmacy": {"volunteer": 1, "total": 16, "titles_intern": 0, "foreign_cap": 1}}
    assert seats["foreign_cap"] == 10 and D(seats["foreign_share"]) == D("0.10")


def test_residanat_interns_on_titles_take_seats_within_those_open_to_moroccans():
    s = Session(contract=5, volunteer=1)
    allocate(s.competition, "public_administration", 2, group="medical", track="medicine")
    allocate(s.competition, "military", 3, group="surgical", track="medicine")
    s.candidate("T1", route=Candidate.Route.TITLES_INTERN)
    s.candidate("T2", route=Candidate.Route.TITLES_INTERN)
    s.candidate("X1", route=Candidate.Route.TITLES_MILITARY)
    CandidateFactory(competition=s.competition, route=Candidate.Route.TITLES_INTERN, state=Candidate.State.INELIGIBLE)
    seats = seats_of(s.competition)
    # 5 contract + 2 public administration − 2 interns on titles; military posts kept for 1.b.
    assert seats["pools"] == {"medicine": 5}
    assert (seats["military"], seats["titles_intern"], seats["titles_military"], seats["total"]) == (3, 2, 1, 11)


def test_internat_seats_are_the_contract_seats_of_each_track():
    s = Session(kind=Competition.Kind.INTERNAT, contract=60, volunteer=0)
    allocate(s.competition, "contract", 10, track="pharmacy", group="pharmaceutical")
    seats = seats_of(s.competition)
    assert seats["pools"] == {"medicine": 60, "pharmacy": 10}
    assert seats["foreign_cap"] == 0 and seats["total"] == 70


def test_residanat_interns_on_titles_take_the_seats_of_their_own_track():
    s = Session(contract=5, volunteer=0)
    allocate(s.competition, "contract", 3, track="pharmacy", group="pharmaceutical")
    s.candidate("T1", route=Candidate.Route.TITLES_INTERN, track="pharmacy")
    assert seats_of(s.competition)["pools"] == {"medicine": 5, "pharmacy": 2}


# --- computing ----------------------------------------------------------------------------------

def test_residanat_candidates_are_admitted_against_the_seats_of_their_own_track():
    # D93 art. 21 (decision 0017): 2 medicine and 1 pharmacy contract posts, 1 volunteer post each;
    # 8 military posts make medicine's 10 % one foreigner.
    s = Session(contract=2, volunteer=1)
    allocate(s.competition, "military", 8, group="surgical")
    allocate(s.competition, "contract", 1, track="pharmacy", group="pharmaceutical")
    allocate(s.competition, "foreign_volunteer", 1, track="pharmacy", group="pharmaceutical")
    s.candidate("P1", 18, 18, track="pharmacy")
    s.candidate("P2", 17, 17, track="pharmacy")
    s.candidate("M1", 15, 15)
    s.candidate("M2", 14, 14)
    s.candidate("M3", 13, 13)
    s.candidate("FP", "17.5", "17.5", foreign=True, track="pharmacy")
    s.candidate("FM", "16", "16", foreign=True)
    e = s.entries(do_compute_merit_list(s.competition, s.dean))
    assert {n: (e[n].pool, e[n].rank, e[n].outcome) for n in ("P1", "P2", "M1", "M2", "M3")} == {
        "P1": ("pharmacy", 1, Outcome.ADMITTED), "P2": ("pharmacy", 3, Outcome.NOT_ADMITTED),
        "M1": ("medicine", 2, Outcome.ADMITTED), "M2": ("medicine", 3, Outcome.ADMITTED),
        "M3": ("medicine", 4, Outcome.NOT_ADMITTED)}
    # Each foreigner against the last admitted Moroccan of their own track: 18 in pharmacy, 14 in medicine.
    assert (e["FP"].outcome, e["FP"].threshold) == (Outcome.FOREIGN_BELOW_THRESHOLD, D("18.000"))
    assert (e["FM"].outcome, e["FM"].threshold) == (Outcome.ADMITTED_FOREIGN, D("14.000"))
    assert "en pharmacie" in explanation(e["P2"], "fr") and "في الصيدلة" in explanation(e["P2"], "ar")


def test_computed_list_applies_the_rules_to_every_eligible_candidate(session):
    merit_list = do_compute_merit_list(session.competition, session.dean)
    e = session.entries(merit_list)
    assert (merit_list.version, merit_list.locked) == (1, False)
    assert [(n, e[n].rank, e[n].total, e[n].outcome) for n in ("M1", "F1", "M2", "F2", "M3")] == [
        ("M1", 1, D("16.000"), Outcome.ADMITTED), ("F1", 2, D("15.000"), Outcome.ADMITTED_FOREIGN),
        ("M2", 3, D("14.000"), Outcome.ADMITTED), ("F2", 4, D("13.750"), Outcome.FOREIGN_BELOW_THRESHOLD),
        ("M3", 5, D("12.000"), Outcome.NOT_ADMITTED)]
    assert (e["F1"].seat_type, e["F1"].rule, e["F1"].threshold) == ("foreign_volunteer", "D93 art. 21", D("14.000"))
    assert (e["AB"].outcome, e["AB"].rank) == (Outcome.ABSENT, None)
    assert (e["T1"].outcome, e["T1"].rank, e["T1"].rule) == (Outcome.ADMITTED_ON_TITLES, None, "D93 art. 21")


def test_interns_on_titles_reduce_the_seats_of_the_competition():
    s = Session(contract=2, volunteer=0)
    s.candidate("M1", 16, 16)
    s.candidate("M2", 14, 14)
    s.candidate("T1", route=Candidate.Route.TITLES_INTERN)
    e = s.entries(do_compute_merit_list(s.competition, s.dean))
    assert (e["M1"].outcome, e["M2"].outcome, e["T1"].outcome) == (
        Outcome.ADMITTED, Outcome.NOT_ADMITTED, Outcome.ADMITTED_ON_TITLES)


def test_list_stores_the_seats_and_the_tie_break_it_used(session, settings):
    settings.RESIDANAT_TIE_BREAK = ["test:qcm", "younger"]
    merit_list = do_compute_merit_list(session.competition, session.dean)
    assert merit_list.tie_break == ["test:qcm", "younger"]
    assert merit_list.seats["pools"] == {"medicine": 2} and merit_list.seats["volunteer"] == 1
    session.competition.tie_break = ["older"]
    session.competition.save()
    assert do_compute_merit_list(session.competition, session.dean).tie_break == ["older"]


def test_explanations_are_kept_in_french_and_arabic(session):
    entry = session.entries(do_compute_merit_list(session.competition, session.dean))["F1"]
    assert explanation(entry, "fr").startswith("Note 15,000 ≥ seuil 14,000 (dernier Marocain admis, rang 3)")
    assert "آخر مترشح مغربي مقبول" in explanation(entry, "ar")


def test_recomputing_replaces_the_working_version(session):
    first = do_compute_merit_list(session.competition, session.dean)
    second = do_compute_merit_list(session.competition, session.dean, reason="note corrigée")
    assert second.version == 1 and MeritList.objects.count() == 1
    assert not MeritList.objects.filter(pk=first.pk).exists()


def test_list_is_computed_only_once_scores_are_closed():
    s = Session(state=State.REGISTRATION_CLOSED)
    with pytest.raises(ValidationError, match="notes arrêtées"):
        do_compute_merit_list(s.competition, s.dean)


def test_list_is_computed_only_by_someone_who_can_change_the_competition(session):
    outsider = user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory())
    for user in (outsider, user_with_role(Role.HIGHER_EDUCATION_OFFICER)):
        with pytest.raises(PermissionDenied):
            do_compute_merit_list(session.competition, user)
    assert not MeritList.objects.exists()


def test_a_missing_score_stops_the_computation_naming_the_candidate(session):
    Score.objects.filter(candidate__number="M3", test=session.cas).delete()
    with pytest.raises(ValidationError, match=r"M3 \(cas\)"):
        do_compute_merit_list(session.competition, session.dean)


def test_unknown_tie_break_criterion_is_refused(session):
    session.competition.tie_break = ["test:oral"]
    session.competition.save()
    with pytest.raises(ValidationError, match="départage invalides"):
        do_compute_merit_list(session.competition, session.dean)


def test_internat_foreigners_are_admitted_on_top_of_the_seats_of_their_track():
    s = Session(kind=Competition.Kind.INTERNAT, contract=1, volunteer=0)
    s.candidate("M1", 15, 15)
    s.candidate("M2", 11, 11)
    s.candidate("F1", 15, 15, foreign=True)
    s.candidate("F2", "14.99", 15, foreign=True)
    e = s.entries(do_compute_merit_list(s.competition, s.dean))
    assert e["F1"].pool == "medicine"
    assert (e["M1"].outcome, e["M2"].outcome) == (Outcome.ADMITTED, Outcome.NOT_ADMITTED)
    assert (e["F1"].outcome, e["F1"].rule, e["F1"].threshold) == (Outcome.ADMITTED_FOREIGN, "D93 art. 13", D("15.000"))
    assert e["F2"].outcome == Outcome.FOREIGN_BELOW_THRESHOLD  # 14.998 < 15


def test_computing_takes_a_fixed_number_of_queries(session):
    def count():
        with CaptureQueriesContext(connection) as queries:
            do_compute_merit_list(session.competition, session.dean)
        return len(queries)

    count()  # from now on each computation replaces a working version
    few = count()
    for n in range(30):
        session.candidate(f"N{n:02d}", 10 + n / 10, 9)
    assert count() == few


# --- deliberation -------------------------------------------------------------------------------

def test_deliberation_locks_the_latest_version(session):
    do_compute_merit_list(session.competition, session.dean)
    merit_list = do_deliberate(session.competition, session.dean)
    assert merit_list.locked and merit_list.locked_by == session.dean
    session.competition.refresh_from_db()
    assert session.competition.state == State.SCORES_ENTERED  # the workflow moves the state
    with pytest.raises(ValidationError, match="déjà arrêtée"):
        do_deliberate(session.competition, session.dean)
    with pytest.raises(ValidationError, match="nouvelle version motivée"):
        do_compute_merit_list(session.competition, session.dean)


def test_nothing_to_deliberate_without_a_computed_list(session):
    with pytest.raises(ValidationError, match="calculez-la"):
        do_deliberate(session.competition, session.dean)


def test_deliberation_refuses_a_list_computed_before_a_score_changed(session):
    do_compute_merit_list(session.competition, session.dean)
    do_enter_score(Candidate.objects.get(number="M3"), session.cas, "19", False, session.dean)
    with pytest.raises(ValidationError, match="recalculez la liste"):
        do_deliberate(session.competition, session.dean)
    do_compute_merit_list(session.competition, session.dean)
    assert do_deliberate(session.competition, session.dean).locked


def test_tie_across_the_last_seat_stops_the_deliberation_until_a_criterion_breaks_it():
    s = Session(contract=1, volunteer=0)
    s.candidate("A", 14, 14, born=dt.date(1995, 1, 1))
    s.candidate("B", 14, 14, born=dt.date(1997, 1, 1))
    s.competition.tie_break = ["heaviest_test"]
    s.competition.save()
    working = do_compute_merit_list(s.competition, s.dean)
    e = s.entries(working)
    assert (e["A"].rank, e["B"].rank, e["A"].rule) == (1, 1, "ex aequo")
    assert working.seats["unresolved_ties"] == [{"pool": "medicine", "rank": 1, "candidates": ["A", "B"]}]
    with pytest.raises(ValidationError, match="Ex aequo non départagés au rang 1 pour la dernière place : A, B"):
        do_deliberate(s.competition, s.dean)
    s.competition.tie_break = ["heaviest_test", "older"]
    s.competition.save()
    do_compute_merit_list(s.competition, s.dean)
    e = s.entries(do_deliberate(s.competition, s.dean))
    assert (e["A"].outcome, e["B"].outcome) == (Outcome.ADMITTED, Outcome.NOT_ADMITTED)


# --- after the deliberation ---------------------------------------------------------------------

def test_after_deliberation_a_change_is_a_new_locked_version_with_its_reason_and_the_first_is_kept(session):
    do_transition(session.competition, State.DELIBERATED, session.dean)  # computes and locks version 1
    session.competition.refresh_from_db()
    first = MeritList.objects.get()
    assert first.locked and session.competition.state == State.DELIBERATED
    m3 = Candidate.objects.get(number="M3")
    with pytest.raises(ValidationError, match="nouvelle version motivée"):
        do_enter_score(m3, session.cas, "19", False, session.dean)

    with pytest.raises(ValidationError, match="motivée"):
        do_revise_merit_list(session.competition, session.dean, "  ", corrections=[(m3, session.cas, "19", False)])
    assert Score.objects.get(candidate=m3, test=session.cas).value == D(12)

    second = do_revise_merit_list(session.competition, session.dean, "erreur de report sur la copie de M3",
                                  corrections=[(m3, session.cas, "19", False)])
    assert (second.version, second.locked, second.reason) == (2, True, "erreur de report sur la copie de M3")
    revised = session.entries(second)
    assert (revised["M3"].rank, revised["M3"].total, revised["M3"].outcome) == (1, D("17.250"), Outcome.ADMITTED)
    assert revised["M2"].outcome == Outcome.NOT_ADMITTED
    # The last successful Moroccan is now M1 (16): F1 (15) falls below the threshold.
    assert (revised["F1"].outcome, revised["F1"].threshold) == (Outcome.FOREIGN_BELOW_THRESHOLD, D("16.000"))
    first.refresh_from_db()
    assert first.locked and session.entries(first)["M3"].outcome == Outcome.NOT_ADMITTED
    assert current_merit_list(session.competition) == second
    history = Score.objects.get(candidate=m3, test=session.cas).history.first()
    assert "erreur de report" in history.history_change_reason


def test_a_revision_needs_a_deliberated_list(session):
    do_compute_merit_list(session.competition, session.dean)
    with pytest.raises(ValidationError, match="après la délibération"):
        do_revise_merit_list(session.competition, session.dean, "motif")


def test_a_revised_version_with_a_bad_correction_writes_nothing(session):
    do_transition(session.competition, State.DELIBERATED, session.dean)
    m3 = Candidate.objects.get(number="M3")
    with pytest.raises(ValidationError, match="M3, cas : 25 dépasse la note maximale 20"):
        do_revise_merit_list(session.competition, session.dean, "motif", corrections=[(m3, session.cas, "25", False)])
    assert MeritList.objects.count() == 1


def test_current_list_is_the_latest_locked_else_the_latest(session):
    assert current_merit_list(session.competition) is None
    working = do_compute_merit_list(session.competition, session.dean)
    assert current_merit_list(session.competition) == working
    do_deliberate(session.competition, session.dean)
    assert current_merit_list(session.competition).locked


# --- publication --------------------------------------------------------------------------------

def test_published_rows_never_carry_the_national_id(session):
    merit_list = do_compute_merit_list(session.competition, session.dean)
    rows = entries_for_publication(merit_list)
    identities = {c.person.national_id for c in Candidate.objects.select_related("person")} | {
        c.person.passport_number for c in Candidate.objects.select_related("person")}
    identities.discard(None)
    assert identities
    for row in rows:
        assert not hasattr(row, "national_id")
        assert not any(str(identity) in str(value) for value in vars(row).values() for identity in identities)
    assert [r.number for r in rows] == ["T1", "M1", "F1", "M2", "F2", "M3", "AB"]
    first = rows[1]
    assert (first.name_fr, first.name_ar, first.rank, first.total, str(first.outcome_label)) == (
        Candidate.objects.get(number="M1").person.full_name, "العلوي سلمى", 1, D("16.000"), "admis")


def test_summary_shows_the_seats_and_the_foreigners_cap_of_each_track():
    from residanat.concours.publication import merit_summary

    s = Session(contract=2, volunteer=1)
    allocate(s.competition, "military", 8, group="surgical")
    allocate(s.competition, "contract", 1, track="pharmacy", group="pharmaceutical")
    s.candidate("M1", 15, 15)
    s.candidate("P1", 15, 15, track="pharmacy")
    s.candidate("FM", 16, 16, foreign=True)
    lines = {line.label: (line.open, line.used, line.note)
             for line in merit_summary(do_compute_merit_list(s.competition, s.dean)).lines}
    assert lines["Places ouvertes aux candidats marocains — médecine"] == (2, 1, "")
    assert lines["Places ouvertes aux candidats marocains — pharmacie"] == (1, 1, "")
    assert lines["Postes bénévoles des candidats étrangers (D93 art. 21) — médecine"] == (
        1, 1, "au plus 1 postes bénévoles et 10 % des 11 postes")
