"""A small résidanat competition for the pages and documents of scores, merit lists and results.
D93 art. 21 caps the foreigners at min(volunteer posts, 10 % of all seats): `typical()` opens 2
contract seats, 1 volunteer post and 7 military seats (10 in all), so one foreigner may pass."""

import datetime as dt
from decimal import Decimal as D

from residanat.accounts.roles import Role
from residanat.concours.merit import do_compute_merit_list
from residanat.concours.models import Candidate, Competition, PostAllocation, Score
from residanat.concours.workflow import do_transition
from tests.accounts.factories import user_with_role
from tests.concours.factories import CandidateFactory, CompetitionFactory, CompetitionTestFactory
from tests.people.factories import PersonFactory

State = Competition.State


class World:
    def __init__(self, state=State.REGISTRATION_CLOSED, contract=9, volunteer=1, military=0, **competition):
        self.competition = CompetitionFactory(state=state, session_date=dt.date(2026, 6, 15),
                                              registration_closes_on=dt.date(2026, 5, 1), **competition)
        c = self.competition
        PostAllocation.objects.create(competition=c, seat_type="contract", group="medical", track="medicine",
                                      seats=contract)
        if volunteer:
            PostAllocation.objects.create(competition=c, seat_type="foreign_volunteer", group="medical",
                                          track="medicine", seats=volunteer)
        if military:
            PostAllocation.objects.create(competition=c, seat_type="military", group="surgical", track="medicine",
                                          seats=military)
        self.written = CompetitionTestFactory(competition=c, code="ecrit", name_fr="Épreuve écrite",
                                              name_ar="الاختبار الكتابي", weight=1, order=1)
        self.cases = CompetitionTestFactory(competition=c, code="cas", name_fr="Cas cliniques",
                                            name_ar="الحالات السريرية", weight=3, order=2)
        self.dean = user_with_role(Role.DEAN_OFFICE, faculty=c.faculty)
        self.candidates = {}

    def candidate(self, number, written=None, cases=None, *, foreign=False, user=None, **person):
        defaults = {"nationality": "SN", "national_id": None, "passport_number": f"P{number}"} if foreign else {}
        person = PersonFactory(user=user, **{**defaults, **person})
        candidate = CandidateFactory(competition=self.competition, person=person, number=number,
                                     state=Candidate.State.ELIGIBLE)
        for test, value in ((self.written, written), (self.cases, cases)):
            if value is not None:
                Score.objects.create(candidate=candidate, test=test, value=D(str(value)))
        self.candidates[number] = candidate
        return candidate

    def set_state(self, state):
        Competition.objects.filter(pk=self.competition.pk).update(state=state)
        self.competition.refresh_from_db()

    def deliberate(self):
        """Close the scores, compute the list and let the jury deliberate (the workflow's way)."""
        if self.competition.state == State.REGISTRATION_CLOSED:
            do_transition(self.competition, State.SCORES_ENTERED, self.dean)
        do_compute_merit_list(self.competition, self.dean)
        do_transition(self.competition, State.DELIBERATED, self.dean, "PV n° 1")
        self.competition.refresh_from_db()

    def publish(self):
        self.deliberate()
        do_transition(self.competition, State.PUBLISHED, self.dean)
        self.competition.refresh_from_db()


def typical(**kwargs):
    """Three Moroccans and two foreigners, every score entered: with 2 contract seats, M2 (14) is
    the last successful Moroccan; F1 (15) is admitted on the volunteer post, F2 (13,75) is below."""
    world = World(contract=2, volunteer=1, military=7, **kwargs)
    world.candidate("M1", 16, 16, last_name="Bennani", first_name="Amine", last_name_ar="بناني",
                    first_name_ar="أمين", national_id="BE123456")
    world.candidate("M2", 14, 14, national_id="BE654321")
    world.candidate("M3", 12, 12, national_id="BE777777")
    world.candidate("F1", 15, 15, foreign=True, last_name="Diop", first_name="Awa", last_name_ar="ديوب",
                    first_name_ar="عوا")
    world.candidate("F2", 13, 14, foreign=True)
    return world
