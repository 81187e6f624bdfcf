"""A deliberated résidanat with a few specialties, ready for the choice of posts: its merit list is
written directly (the merit computation has its own tests in tests/concours)."""

from __future__ import annotations

from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.choice.sessions import do_create_session
from residanat.concours.models import Candidate, Competition, MeritEntry, MeritList, PostAllocation
from tests.accounts.factories import UserFactory, user_with_role
from tests.concours.factories import CandidateFactory, CompetitionFactory
from tests.people.factories import PersonFactory
from tests.referential.factories import HospitalCentreFactory, SpecialtyFactory

Outcome = MeritEntry.Outcome


def close_deadline(session):
    """Move the wishes deadline one minute into the past (the binding round may then run)."""
    import datetime as dt

    from residanat.choice.models import ChoiceSession

    ChoiceSession.objects.filter(pk=session.pk).update(wishes_deadline=timezone.now() - dt.timedelta(minutes=1))
    session.refresh_from_db()


class ChoiceWorld:
    """`seats`: {specialty code: contract seats} in the medical group; `volunteer`: the medical
    group's pool of volunteer posts for foreigners (decision 0005); `biology`: contract seats of one
    biology specialty; `specialties`: {code: Specialty} to reuse rather than create."""

    def __init__(self, seats=None, volunteer=0, biology=0, specialties=None, **competition):
        if "hospital_centre" not in competition:
            competition["hospital_centre"] = HospitalCentreFactory(code="chu-test")
        self.competition = CompetitionFactory(state=Competition.State.DELIBERATED, **competition)
        c = self.competition
        self.dean = user_with_role(Role.DEAN_OFFICE, faculty=c.faculty)
        self.specialties = {}
        for code, n in (seats or {"cardio": 2, "pedia": 1}).items():
            # `specialties`: those of another world (an earlier year's competition), reused by code.
            self.specialties[code] = (specialties or {}).get(code) or SpecialtyFactory(code=code, name_fr=code.capitalize())
            PostAllocation.objects.create(competition=c, seat_type="contract", group="medical", track="medicine",
                                          specialty=self.specialties[code], seats=n)
        if biology:
            self.specialties["abm"] = SpecialtyFactory(code="abm", name_fr="Analyses", group="biological")
            PostAllocation.objects.create(competition=c, seat_type="contract", group="biological",
                                          track="medicine", specialty=self.specialties["abm"], seats=biology)
        if volunteer:
            PostAllocation.objects.create(competition=c, seat_type="foreign_volunteer", group="medical",
                                          track="medicine", seats=volunteer)
        self.merit_list = MeritList.objects.create(competition=c, version=1, created_by=self.dean,
                                                   locked_by=self.dean, locked_at=timezone.now())
        self.candidates: dict[str, Candidate] = {}

    def laureate(self, number, rank, outcome=Outcome.ADMITTED, *, foreign=False, user=None, **facts):
        extra = {"nationality": "SN", "national_id": None, "passport_number": f"P{number}"} if foreign else {}
        person = PersonFactory(user=user, **extra)
        candidate = CandidateFactory(competition=self.competition, person=person, number=number,
                                     state=Candidate.State.ELIGIBLE, **facts)
        MeritEntry.objects.create(merit_list=self.merit_list, candidate=candidate, rank=rank, outcome=outcome,
                                  seat_type="foreign_volunteer" if outcome == Outcome.ADMITTED_FOREIGN else "")
        self.candidates[number] = candidate
        return candidate

    def laureates(self, n, start=1, **kwargs):
        return [self.laureate(f"R{start + i:04d}", start + i, **kwargs) for i in range(n)]

    def session(self):
        return do_create_session(self.competition, self.dean)

    def candidate_user(self, number):
        user = UserFactory()
        person = self.candidates[number].person
        person.user = user
        person.save(update_fields=["user"])
        return user
