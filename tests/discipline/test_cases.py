"""Disciplinary cases end to end through the services (D93 art. 30-32, RD68 ch. 8-10): who acts,
what must come first, the hearing's week, the committee with its alternate and its draw by lot
replayed from the log, the decision never heavier than proposed, co-signatures, and the effects
(the stipend stopped in payroll for the exclusion's dates, the status ended). Runs on SQLite and
PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest

from residanat.accounts.roles import Role
from residanat.discipline import cases
from residanat.discipline.models import CaseEvent, CommitteeNomination, DisciplinaryCase
from residanat.payroll.models import StipendStop
from residanat.payroll.runs import do_compute_run, do_open_run
from residanat.rules import discipline as rules
from residanat.rules.discipline import DEFINITIVE, REPRIMAND, TEMPORARY, WARNING, Sanction
from tests.accounts.factories import user_with_role
from tests.payroll.world import PayrollWorld
from tests.referential.factories import HospitalServiceFactory

D = dt.date
pytestmark = pytest.mark.django_db
OPENED = D(2026, 3, 2)
NINE, ROOM = dt.time(9, 30), "Salle du conseil, direction du CHU"


class World(PayrollWorld):
    def __init__(self):
        super().__init__()
        self.dean = user_with_role(Role.DEAN_OFFICE, faculty=self.faculty)
        self.higher_education = user_with_role(Role.HIGHER_EDUCATION_OFFICER)
        self.service = HospitalServiceFactory(establishment=self.hospital)
        self.trainee = user_with_role(Role.TRAINEE)
        self.intern = self.status("intern", service=self.service)
        self.intern.person.user = self.trainee
        self.intern.person.save()
        self.peers = [self.status("intern") for _ in range(6)]
        CommitteeNomination.objects.create(
            faculty=self.faculty, year=2026, decision_ref="Conseil de faculté 12/2025",
            members=[{"name": "Pr Amrani", "service": None}, {"name": "Pr Bennis", "service": self.service.pk},
                     {"name": "Pr Chraibi", "service": None}],
            alternates=[{"name": "Pr Daoudi", "service": self.service.pk}, {"name": "Pr El Fassi", "service": None},
                        {"name": "Pr Filali", "service": None}])

    def case(self, status=None, facts="Absences répétées aux gardes"):
        return cases.do_open_case(self.director, status or self.intern, facts, OPENED)


@pytest.fixture
def w():
    return World()


def referred(w, case, **kwargs):
    case = cases.do_open_file(w.director, case, OPENED)
    return cases.do_refer_to_committee(w.director, case, D(2026, 3, 5), rapporteur="Pr Amrani", **kwargs)


def test_a_warning_by_the_director_after_the_explanations_and_the_head_of_service(w):
    case = w.case()
    with pytest.raises(cases.CaseRefused, match="explications écrites"):
        cases.do_sign_decision(w.director, case, Sanction(WARNING), D(2026, 3, 20), "Décision 1")
    case = cases.do_request_explanation(w.director, case, D(2026, 3, 3))
    with pytest.raises(cases.CaseRefused, match="intéressé"):
        cases.do_answer_explanation(w.director, case, "…", D(2026, 3, 6))
    case = cases.do_answer_explanation(w.trainee, case, "J'étais souffrante.", D(2026, 3, 6))
    with pytest.raises(cases.CaseRefused, match="chef de service"):
        cases.do_sign_decision(w.director, case, Sanction(WARNING), D(2026, 3, 20), "Décision 1")
    case = cases.do_record_head_opinion(w.director, case, "Retards constatés", D(2026, 3, 10))
    with pytest.raises(cases.CaseRefused, match="directeur du centre hospitalier"):
        cases.do_sign_decision(w.dean, case, Sanction(WARNING), D(2026, 3, 20), "Décision 1")  # D93 art. 31: interns
    case = cases.do_sign_decision(w.director, case, Sanction(WARNING), D(2026, 3, 20), "Décision 1")
    assert case.state == DisciplinaryCase.State.DECIDED and case.signed_by == [rules.DIRECTOR]
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "explanation_requested", "explained", "head_consulted", "signed"]
    assert cases.verify(case).ok and cases.verify(case).entries == 5


def test_a_residents_reprimand_takes_the_director_and_the_dean(w):
    resident = w.status("resident")
    case = w.case(resident)
    cases.do_request_explanation(w.director, case, D(2026, 3, 3))
    cases.do_record_head_opinion(w.director, case, "—", D(2026, 3, 4))
    case = cases.do_sign_decision(w.director, case, Sanction(REPRIMAND), D(2026, 3, 20), "Décision 2")
    assert case.state == DisciplinaryCase.State.OPEN and case.signed_by == [rules.DIRECTOR]
    with pytest.raises(cases.CaseRefused, match="même"):
        cases.do_sign_decision(w.dean, case, Sanction(WARNING), D(2026, 3, 21), "Décision 2")
    case = cases.do_sign_decision(w.dean, case, Sanction(REPRIMAND), D(2026, 3, 21), "Décision 2")
    assert case.state == DisciplinaryCase.State.DECIDED and case.signed_by == [rules.DIRECTOR, rules.DEAN]


def test_a_hearing_six_days_after_the_file_was_opened_is_refused(w):
    case = w.case()
    with pytest.raises(cases.CaseRefused, match="ouvert"):
        cases.do_set_hearing(w.director, case, D(2026, 3, 20), NINE, ROOM)
    case = cases.do_open_file(w.director, case, OPENED)
    with pytest.raises(cases.CaseRefused, match="09/03/2026"):
        cases.do_set_hearing(w.director, case, D(2026, 3, 8), NINE, ROOM)
    assert DisciplinaryCase.objects.get(pk=case.pk).hearing_on is None
    assert cases.do_set_hearing(w.director, case, D(2026, 3, 9), NINE, ROOM).hearing_on == D(2026, 3, 9)


def test_a_hearing_without_its_hour_or_its_place_is_refused(w):
    case = cases.do_open_file(w.director, w.case(), OPENED)
    for at, place in ((None, ROOM), (NINE, "  ")):
        with pytest.raises(cases.CaseRefused, match="l'heure et le lieu"):
            cases.do_set_hearing(w.director, case, D(2026, 3, 9), at, place)
    assert DisciplinaryCase.objects.get(pk=case.pk).hearing_on is None
    case = cases.do_set_hearing(w.director, case, D(2026, 3, 9), NINE, ROOM)
    assert (case.hearing_time, case.hearing_place) == (NINE, ROOM)
    assert case.events.get(kind="hearing_set").payload == {"on": "2026-03-09", "at": "09:30", "place": ROOM}


def test_a_hearing_to_come_is_convened_the_day_it_is_fixed_and_the_convocation_stays_that_one(w):
    """Issue 18 item 5: the convocation was dated the day it was downloaded (07/12 for a 29/09
    hearing). It is issued when the hearing is fixed; downloading it later gives that document."""
    from django.utils import timezone

    from residanat.discipline import letters
    from residanat.documents.models import IssuedDocument

    today = timezone.localdate()
    case = cases.do_open_file(w.director, w.case(), today)
    case = cases.do_set_hearing(w.director, case, today + dt.timedelta(days=10), NINE, ROOM)
    issued = IssuedDocument.objects.filter(kind=letters.CONVOCATION, person=w.intern.person)
    assert sorted(issued.values_list("language", flat=True)) == ["ar", "fr"]
    fr = issued.get(language="fr")
    assert timezone.localdate(fr.issued_at) == today and fr.number and len(fr.content_hash) == 64
    assert letters.issue(case, "convocation", "fr", w.director) == fr and issued.count() == 2


def test_no_convocation_is_issued_after_its_hearing(w):
    """A hearing recorded once its day has passed was convened outside the register: a convocation
    issued now would be dated after it."""
    from residanat.discipline import letters
    from residanat.documents.models import IssuedDocument

    case = cases.do_open_file(w.director, w.case(), OPENED)
    case = cases.do_set_hearing(w.director, case, D(2026, 3, 9), NINE, ROOM)
    assert not IssuedDocument.objects.filter(kind=letters.CONVOCATION).exists()
    assert "09/03/2026" in letters.refusal(case, "convocation") and letters.available(case) == []
    with pytest.raises(letters.LetterRefused):
        letters.issue(case, "convocation", "fr", w.director)


def test_the_committee_seats_an_alternate_for_the_supervising_professor_and_the_draw_replays_from_the_log(w):
    case = referred(w, w.case(), seed="seed-17")
    committee = case.committee
    # Pr Bennis works in the intern's service: replaced by the first alternate who does not (Pr Daoudi does).
    assert committee["members"] == ["Pr Amrani", "Pr El Fassi", "Pr Chraibi"]
    assert committee["replaced"] == [["Pr Bennis", "Pr El Fassi"]]
    event = case.events.get(kind="referred")
    draw = event.payload["committee"]["draw"]
    assert draw["seed"] == "seed-17" and str(w.intern.person_id) not in draw["pool"]
    assert set(draw["pool"]) == {str(s.person_id) for s in w.peers}
    assert rules.draw_by_lot(draw["pool"], 2, draw["seed"]) == draw["drawn"] == committee["representatives"]
    assert case.opinion_due_on == D(2026, 4, 5) and case.state == DisciplinaryCase.State.REFERRED
    # The log is tamper-evident: an edited draw breaks it.
    CaseEvent.objects.filter(pk=event.pk).update(payload={**event.payload, "inquiry": True})
    assert cases.verify(case) == cases.Verification(False, 3, 3)


def test_an_exclusion_heavier_than_proposed_is_refused_and_the_proposal_stops_the_stipend(w):
    case = referred(w, w.case())
    proposal = Sanction(TEMPORARY, D(2026, 4, 1), D(2026, 4, 30))
    with pytest.raises(cases.CaseRefused, match="2 mois"):
        cases.do_record_opinion(w.director, case, Sanction(TEMPORARY, D(2026, 4, 1), D(2026, 6, 30)), D(2026, 3, 25))
    case = cases.do_record_opinion(w.director, case, proposal, D(2026, 3, 25))
    for heavier in (Sanction(DEFINITIVE), Sanction(TEMPORARY, D(2026, 4, 1), D(2026, 5, 15))):
        with pytest.raises(cases.CaseRefused, match="plus lourde"):
            cases.do_sign_decision(w.ministry, case, heavier, D(2026, 3, 28), "Arrêté 9")
    with pytest.raises(cases.CaseRefused, match="ministre"):
        cases.do_sign_decision(w.director, case, proposal, D(2026, 3, 28), "Arrêté 9")  # D93 art. 32
    case = cases.do_sign_decision(w.ministry, case, Sanction(TEMPORARY, D(2026, 4, 1), D(2026, 4, 10)),
                               D(2026, 3, 28), "Arrêté 9")
    assert case.state == DisciplinaryCase.State.DECIDED
    stop = StipendStop.objects.get(status=w.intern)
    assert (stop.start_date, stop.end_date, stop.decision_ref) == (D(2026, 4, 1), D(2026, 4, 10), "Arrêté 9")
    # The April payroll pays the intern's indemnité 20 days of 30, 1,500 × 20/30, and the whole housing
    # allowance (D93 art. 30: "مع وقف التعويض عن المهام", the housing allowance of art. 18 goes on).
    run = do_compute_run(do_open_run(w.officer, D(2026, 4, 1), "MSPS"), w.officer)
    paid = {l.code: l.amount for l in run.lines.filter(status=w.intern)}
    assert paid == {"intern.stipend": Decimal("1000.00"), "intern.housing": Decimal("300.00")}


def test_a_residents_definitive_exclusion_needs_both_ministers_and_ends_the_status(w):
    resident, *_peers = (w.status("resident") for _ in range(3))
    case = referred(w, w.case(resident))
    case = cases.do_record_opinion(w.director, case, Sanction(DEFINITIVE), D(2026, 3, 25))
    case = cases.do_sign_decision(w.ministry, case, Sanction(DEFINITIVE), D(2026, 4, 2), "Arrêté 10")
    resident.refresh_from_db()
    assert case.state == DisciplinaryCase.State.PROPOSED and resident.end_date is None
    case = cases.do_sign_decision(w.higher_education, case, Sanction(DEFINITIVE), D(2026, 4, 2), "Arrêté 10")
    resident.refresh_from_db()
    assert (resident.end_date, resident.end_reason) == (D(2026, 4, 2), "exclusion")
    assert list(case.events.values_list("kind", flat=True))[-2:] == ["signed", "status_ended"]


def test_an_rd68_council_never_seats_the_persons_head_of_service(w):
    ph = w.status("public_health_intern")
    other = w.status("public_health_intern")
    with pytest.raises(cases.CaseRefused, match="suivez pas"):
        cases.do_open_case(w.director, ph, "Faits", OPENED)  # RD68: the Ministry
    case = cases.do_open_file(w.ministry, cases.do_open_case(w.ministry, ph, "Faits", OPENED), OPENED)
    council = {"chiefs": ["Dr K", "Dr M"], "own_head": "Dr M", "representatives": [str(other.person_id)]}
    with pytest.raises(cases.CaseRefused, match="chef de service"):
        cases.do_refer_to_committee(w.ministry, case, D(2026, 3, 5), council=council)
    assert DisciplinaryCase.objects.get(pk=case.pk).state == DisciplinaryCase.State.OPEN
    with pytest.raises(cases.CaseRefused, match="1 mois"):
        case = cases.do_refer_to_committee(w.ministry, case, D(2026, 3, 5), council={
            "chiefs": ["Dr K", "Dr L"], "own_head": "Dr M",
            "representatives": [str(other.person_id), str(w.status("public_health_intern").person_id)]})
        cases.do_record_opinion(w.ministry, case, Sanction(TEMPORARY, D(2026, 4, 1), D(2026, 5, 31)), D(2026, 3, 20))
    assert case.opinion_due_on is None  # RD68 ch. 10 sets no deadline


def test_a_case_is_seen_by_the_person_and_the_units_in_scope_only(w):
    case = w.case()
    assert list(DisciplinaryCase.objects.visible_to(w.trainee)) == [case]
    assert not DisciplinaryCase.objects.visible_to(user_with_role(Role.TRAINEE)).exists()
    assert not DisciplinaryCase.objects.visible_to(PayrollWorld().director).exists()
    assert list(DisciplinaryCase.objects.visible_to(w.dean)) == [case]
    # National, but no part in the procedure: the payroll officer and the committee member do not read it.
    assert not DisciplinaryCase.objects.visible_to(w.officer).exists()
    assert not DisciplinaryCase.objects.visible_to(user_with_role(Role.COMMITTEE_MEMBER, hospital_centre=w.centre)).exists()
    assert list(DisciplinaryCase.objects.visible_to(w.higher_education)) == [case]
    assert list(CaseEvent.objects.visible_to(w.trainee).values_list("case", flat=True)) == [case.pk]


def test_reminders_a_week_before_the_deadline_then_daily_once_late_each_logged_once_a_day(w):
    import io

    from django.core.management import call_command

    case = referred(w, w.case())  # referred on 5 March: opinion due on 5 April
    assert cases.do_remind_opinions(D(2026, 3, 28)) == []
    assert cases.do_remind_opinions(D(2026, 3, 29)) == [(DisciplinaryCase.objects.get(pk=case.pk), False)]
    assert cases.do_remind_opinions(D(2026, 3, 29)) == []  # once a day
    out = io.StringIO()
    call_command("discipline_reminders", "--on", "2026-04-06", stdout=out)
    assert "LATE 05/04/2026" in out.getvalue() and w.intern.person.full_name in out.getvalue()
    assert list(case.events.filter(kind="reminder").values_list("payload__late", flat=True)) == [False, True]
    assert cases.verify(case).ok
    cases.do_record_opinion(w.director, case, Sanction(WARNING), D(2026, 4, 7))
    assert cases.do_remind_opinions(D(2026, 4, 8)) == []


def test_a_signed_exclusion_overlapping_a_stop_already_recorded_is_refused_and_records_nothing(w):
    """The disciplinary stop goes through the payroll service with its checks (issue 21 item 2): the
    same dates already stopped by payroll (do_record_stipend_stop) are not stopped twice."""
    from residanat.payroll.services import do_record_stipend_stop

    case = referred(w, w.case())
    proposal = Sanction(TEMPORARY, D(2026, 4, 1), D(2026, 4, 30))
    case = cases.do_record_opinion(w.director, case, proposal, D(2026, 3, 25))
    do_record_stipend_stop(w.intern, w.ministry, D(2026, 4, 5), D(2026, 4, 20), "Arrêté 8")
    with pytest.raises(cases.CaseRefused, match="chevauche"):
        cases.do_sign_decision(w.ministry, case, proposal, D(2026, 3, 28), "Arrêté 9")
    case.refresh_from_db()
    assert case.state == DisciplinaryCase.State.PROPOSED and case.decision_ref == ""
    assert list(StipendStop.objects.filter(status=w.intern).values_list("decision_ref", flat=True)) == ["Arrêté 8"]
