"""Demo competitions of FMP Casablanca: the 2026 résidanat from the Ministry's letter (seed 000)
with a few hundred synthetic candidates, scored and deliberated; the 2026 internat open for
registration; and earlier sessions so that attempts are counted from history.

Everything personal is invented; the steps go through the same services as the pages.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from residanat.accounts.models import User
from residanat.referential.models import Faculty, HospitalCentre

from .eligibility import do_recheck_eligibility
from .models import Candidate, Competition, CompetitionTest, PostAllocation, Score
from .services import do_import_posts_letter
from .workflow import do_transition

State = Competition.State
LETTER = Path(__file__).with_name("data") / "posts_letter_2026_casablanca.txt"
RESIDANAT = "residanat-2026-casablanca"
INTERNAT = "internat-2026-casablanca"
# Invented tests and weights: the real ones are set by the joint order of each session (D93 art. 9).
DEMO_TESTS = [
    ("pathologie-medicale", "Pathologie médicale", "علم الأمراض الباطنية", Decimal(2)),
    ("pathologie-chirurgicale", "Pathologie chirurgicale", "علم الأمراض الجراحية", Decimal(2)),
    ("sciences-fondamentales", "Sciences fondamentales", "العلوم الأساسية", Decimal(1)),
]
CANDIDATES = 640
FOREIGN_EVERY = 17


def load_competitions_demo(maker) -> None:
    """Idempotent: a résidanat already past its draft state is left as it is."""
    if not Competition.objects.filter(slug=RESIDANAT).exclude(state=State.DRAFT).exists():
        posts = do_import_posts_letter(LETTER, RESIDANAT)
        if posts.errors:
            raise RuntimeError(f"demo posts letter refused: {posts.errors}")
        _run_residanat(Competition.objects.get(slug=RESIDANAT), maker)
    if not Competition.objects.filter(slug=INTERNAT).exists():
        _open_internat(maker)


def _users():
    return User.objects.get(username="drh"), User.objects.get(username="doyen.casablanca")


def _run_residanat(competition: Competition, maker) -> None:
    drh, dean = _users()
    rng = random.Random(2026)
    competition.session_date = competition.session_date or dt.date(2026, 10, 4)
    competition.registration_closes_on = competition.session_date - dt.timedelta(days=21)
    competition.save()
    do_transition(competition, State.POSTS_VALIDATED, drh, "Lettre du Ministère, répartition définitive (démo)")
    do_transition(competition, State.REGISTRATION_OPEN, dean)
    veterans = _earlier_sessions(competition, maker)
    _register(competition, maker, rng, veterans)
    do_transition(competition, State.REGISTRATION_CLOSED, dean)
    _score(competition, rng, dean)
    do_transition(competition, State.SCORES_ENTERED, dean)
    do_transition(competition, State.DELIBERATED, dean, "Délibération du jury (démo)")


def _earlier_sessions(competition: Competition, maker) -> list:
    """Two candidates who sat earlier résidanat sessions: four times (a fifth is refused,
    D93 art. 21) and three times (the fourth is allowed). Each session is recorded from its
    scores on: one seat, won by a third candidate; the jury deliberates and the results are
    published through the workflow, so that each candidate reads their result there."""
    _drh, dean = _users()
    four, three = maker.make(), maker.make()
    for year in (2022, 2023, 2024, 2025):
        earlier = Competition.objects.create(
            kind=Competition.Kind.RESIDANAT, year=year, slug=f"residanat-{year}-casablanca",
            faculty=competition.faculty, hospital_centre=competition.hospital_centre,
            session_date=dt.date(year, 10, 5), registration_closes_on=dt.date(year, 9, 14),
            state=State.SCORES_ENTERED)
        PostAllocation.objects.create(competition=earlier, seat_type=PostAllocation.SeatType.CONTRACT,
                                      group="medical", track="medicine", seats=1)
        test = CompetitionTest.objects.create(competition=earlier, code="epreuve-ecrite", name_fr="Épreuve écrite",
                                              name_ar="الاختبار الكتابي", weight=1)
        sitting = [(maker.make(), "14.00"), (four, "9.50")] + ([(three, "9.25")] if year > 2022 else [])
        for n, (person, value) in enumerate(sitting, start=1):
            candidate = Candidate.objects.create(
                competition=earlier, person=person, number=f"R{year % 100:02d}-{n:04d}", track="medicine",
                diploma=Candidate.Diploma.MEDICINE, diploma_date=dt.date(2020, 7, 1),
                practice_since=dt.date(2020, 9, 1), civil_service_in_order=True, state=Candidate.State.ELIGIBLE)
            Score.objects.create(candidate=candidate, test=test, value=Decimal(value))
        do_transition(earlier, State.DELIBERATED, dean, f"Délibération du jury {year} (démo)")
        do_transition(earlier, State.PUBLISHED, dean)
    return [four, three]


def _register(competition: Competition, maker, rng: random.Random, veterans) -> None:
    closes = competition.registration_closes_on
    rows = []
    for n in range(1, CANDIDATES + 1):
        foreign = n % FOREIGN_EVERY == 0
        person = veterans[n - 1] if n <= len(veterans) else maker.make(foreign=foreign)
        # Doctors of medicine and pharmacy only: seed 000's letter opens no dental specialty here.
        diploma = rng.choices([Candidate.Diploma.MEDICINE, Candidate.Diploma.PHARMACY], [90, 10])[0]
        track = {"medicine": "medicine", "pharmacy": "pharmacy", "dental": "dental"}[diploma]
        practice_since = closes - dt.timedelta(days=rng.randrange(400, 2200))
        facts = {}
        if n % 53 == 0:  # less than the year of actual practice on the closing day (D93 art. 21)
            practice_since = closes - dt.timedelta(days=rng.randrange(60, 300))
        if n % 71 == 0 and not foreign:  # not in order with the civil service
            facts["civil_service_in_order"] = False
        if foreign:
            facts.update(diploma_country=person.nationality,
                         diploma_equivalence="" if n % 5 == 0 else f"Équivalence n° {1000 + n}/2025 (démo)")
        route = Candidate.Route.COMPETITION
        if 200 < n <= 206:  # interns with two validated years, on titles (D93 art. 21 1.a)
            route, facts["internat_months_validated"] = Candidate.Route.TITLES_INTERN, 24 if n < 206 else 20
        rows.append(Candidate(
            competition=competition, person=person, number=f"R26-{n:04d}", route=route, track=track,
            diploma=diploma, diploma_date=practice_since - dt.timedelta(days=60), practice_since=practice_since,
            civil_service_in_order=facts.pop("civil_service_in_order", True), self_registered=n % 3 == 0,
            **facts))
    Candidate.objects.bulk_create(rows)
    do_recheck_eligibility(competition)


def _score(competition: Competition, rng: random.Random, dean) -> None:
    tests = [CompetitionTest.objects.create(competition=competition, code=code, name_fr=fr, name_ar=ar, weight=w,
                                            order=i) for i, (code, fr, ar, w) in enumerate(DEMO_TESTS)]
    scores = []
    sitting = competition.candidates.filter(state=Candidate.State.ELIGIBLE, route=Candidate.Route.COMPETITION)
    for candidate in sitting.order_by("number"):
        level = rng.gauss(11.5, 3)
        absent = rng.random() < 0.03
        for test in tests:
            if absent:
                scores.append(Score(candidate=candidate, test=test, absent=True, entered_by=dean))
                continue
            value = min(20, max(0, level + rng.gauss(0, 1.5)))
            scores.append(Score(candidate=candidate, test=test, value=Decimal(f"{value:.2f}"), entered_by=dean))
    Score.objects.bulk_create(scores)


def _open_internat(maker) -> None:
    """The 2026 internat of the letter's summary (60 medicine + 10 pharmacy), open for registration."""
    drh, dean = _users()
    faculty = Faculty.objects.get(code="fmp-casablanca")
    competition = Competition.objects.create(
        kind=Competition.Kind.INTERNAT, year=2026, slug=INTERNAT, faculty=faculty,
        hospital_centre=HospitalCentre.objects.get(code="chu-ibn-rochd"),
        session_date=dt.date(2027, 1, 17), registration_closes_on=dt.date(2026, 12, 15))
    for track, group, seats in (("medicine", "medical", 60), ("pharmacy", "pharmaceutical", 10)):
        PostAllocation.objects.create(competition=competition, seat_type=PostAllocation.SeatType.CONTRACT,
                                      group=group, track=track, seats=seats, source_line=18)
    do_transition(competition, State.POSTS_VALIDATED, drh, "Lettre du Ministère : 70 postes d'internat (démo)")
    do_transition(competition, State.REGISTRATION_OPEN, dean)


def link_demo_candidate(user) -> None:
    """The demo candidate account holds candidacy R26-0002 of the 2026 résidanat (the person
    who sat three earlier sessions and is on their fourth and last attempt)."""
    candidate = Candidate.objects.select_related("person").filter(
        competition__slug=RESIDANAT, number="R26-0002").first()
    if candidate is None or candidate.person.user_id not in (None, user.pk):
        return
    person = candidate.person
    person.user = user
    person.save()
    user.first_name, user.last_name = person.first_name, person.last_name
    user.save()
