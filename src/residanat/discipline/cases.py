"""A disciplinary case from its opening to the decision (D93 art. 30-32, RD68 ch. 8-10). Each
service checks who acts and what the texts require first (rules/discipline.py), writes the step and
its log entry in one transaction, and refuses with a message naming the article otherwise.

A temporary exclusion stops the stipend for its dates (a payroll StipendStop: the next run pays
nothing for those days and recovers a closed month); a definitive exclusion ends the status."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from residanat.accounts.authority import holds, is_dean_of, is_director_of, is_ministry
from residanat.accounts.roles import Role
from residanat.common.uploads import check_upload, stored_name
from residanat.hashchain import GENESIS, entry_hash
from residanat.payroll.services import do_record_stipend_stop
from residanat.people.models import TraineeStatus
from residanat.people.services import do_end_status
from residanat.rules import discipline as rules
from residanat.rules.eligibility import Failure

from . import commitments, letters
from .models import AUTHORITY_LABELS, CaseDocument, CaseEvent, CommitteeNomination, Commitment, DisciplinaryCase

State = DisciplinaryCase.State


class CaseRefused(ValidationError):
    """The step is not allowed: the message says why, with the article. A ValidationError, the one
    refusal type of common/actions.py, so that a page shows it as any other."""

    def __init__(self, message: str, failures: list[Failure] | None = None):
        super().__init__(message)
        self.failures = failures or []

    def __str__(self) -> str:
        return " ".join(self.messages)


def _refuse(failures: list[Failure]):
    if failures:
        language = get_language() or "fr"
        raise CaseRefused(" ".join(f.message(language) for f in failures), failures)


# --- who acts ----------------------------------------------------------------------------------

def acts_as(user, authority: str, status: TraineeStatus) -> bool:
    """Whether `user` holds the authority of rules/discipline.py for this status."""
    if authority == rules.DIRECTOR:
        return is_director_of(user, status.hospital_centre_id)
    if authority == rules.DEAN:
        return is_dean_of(user, status.faculty_id)
    if authority == rules.MINISTER:
        return is_ministry(user)
    if authority == rules.HIGHER_EDUCATION:
        return user.is_superuser or holds(user, Role.HIGHER_EDUCATION_OFFICER)
    return False


def nominating_faculties(user):
    """D93 art. 32: the faculties whose council's nomination of the committee `user` records: the
    dean's office its own, the Ministry all."""
    from residanat.referential.models import Faculty

    if is_ministry(user):
        return Faculty.objects.order_by("name_fr")
    ids = [a.faculty_id for a in user.active_roles() if a.role == Role.DEAN_OFFICE and a.faculty_id]
    return Faculty.objects.filter(pk__in=ids).order_by("name_fr")


def may_nominate(user) -> bool:
    """Whether the committee nominations page is open to `user` (the page and its button ask here)."""
    return user.is_authenticated and nominating_faculties(user).exists()


def may_open(user, status: TraineeStatus) -> bool:
    """The hospital centre's director or the dean (D93), the Ministry (both regimes)."""
    if rules.REGIME.get(status.kind) == rules.RD68:
        return is_ministry(user)
    return (is_ministry(user) or is_director_of(user, status.hospital_centre_id)
            or is_dean_of(user, status.faculty_id))


def _office(user, case: DisciplinaryCase) -> None:
    if not may_open(user, case.status):
        raise CaseRefused(_("Vous ne suivez pas les dossiers disciplinaires de ce stagiaire."))


# --- the log -----------------------------------------------------------------------------------

def _log(case: DisciplinaryCase, kind: str, payload: dict, actor) -> CaseEvent:
    last = CaseEvent.objects.filter(case=case).order_by("-seq").values("seq", "hash").first()
    seq, prev = (last["seq"] + 1, last["hash"]) if last else (1, GENESIS)
    at = timezone.now().astimezone(dt.timezone.utc)
    name = getattr(actor, "username", actor) or ""
    return CaseEvent.objects.create(case=case, seq=seq, at=at, kind=kind, actor=name, payload=payload,
                                    prev_hash=prev, hash=entry_hash(prev, seq, at, kind, name, payload))


@dataclass
class Verification:
    ok: bool
    entries: int
    broken_seq: int | None = None


def verify(case: DisciplinaryCase) -> Verification:
    prev, count = GENESIS, 0
    for event in CaseEvent.objects.filter(case=case).order_by("seq"):
        count += 1
        if (event.seq != count or event.prev_hash != prev
                or event.hash != entry_hash(prev, event.seq, event.at, event.kind, event.actor, event.payload)):
            return Verification(False, count, event.seq)
        prev = event.hash
    return Verification(True, count)


def _locked(case: DisciplinaryCase, *states: str) -> DisciplinaryCase:
    case = DisciplinaryCase.objects.select_for_update().select_related("status", "status__person").get(pk=case.pk)
    if states and case.state not in states:
        raise CaseRefused(_("Ce dossier est « %(state)s » : cette étape n'est plus possible.")
                          % {"state": case.get_state_display()})
    return case


def _day(value: dt.date) -> str:
    return value.isoformat()


# --- steps -------------------------------------------------------------------------------------

@transaction.atomic
def do_open_case(user, status: TraineeStatus, facts: str, on: dt.date) -> DisciplinaryCase:
    regime = rules.regime_of(status.kind)
    if not may_open(user, status):
        raise CaseRefused(_("Vous ne suivez pas les dossiers disciplinaires de ce stagiaire."))
    facts = (facts or "").strip()
    if not facts:
        raise CaseRefused(_("Décrivez les faits reprochés."))
    case = DisciplinaryCase.objects.create(status=status, regime=regime, facts=facts, opened_by=user)
    _log(case, "opened", {"on": _day(on), "status": status.pk, "regime": regime, "facts": facts}, user)
    return case


@transaction.atomic
def do_request_explanation(user, case: DisciplinaryCase, on: dt.date) -> DisciplinaryCase:
    case = _locked(case, State.OPEN, State.REFERRED)
    _office(user, case)
    case.explanation_requested_on = on
    case.save()
    _log(case, "explanation_requested", {"on": _day(on)}, user)
    return case


@transaction.atomic
def do_answer_explanation(user, case: DisciplinaryCase, text: str, on: dt.date) -> DisciplinaryCase:
    """The person answers in their own space."""
    case = _locked(case, State.OPEN, State.REFERRED)
    if case.status.person.user_id != user.pk:
        raise CaseRefused(_("Seul l'intéressé répond à la demande d'explications."))
    if case.explanation_requested_on is None:
        raise CaseRefused(_("Aucune explication n'a été demandée dans ce dossier."))
    case.explanation, case.explained_on = (text or "").strip(), on
    case.save()
    _log(case, "explained", {"on": _day(on), "text": case.explanation}, user)
    return case


@transaction.atomic
def do_record_head_opinion(user, case: DisciplinaryCase, text: str, on: dt.date) -> DisciplinaryCase:
    """D93 art. 31: the head of service is consulted (recorded by the office, or by them)."""
    case = _locked(case, State.OPEN, State.REFERRED)
    if not (may_open(user, case.status)
            or holds(user, Role.HEAD_OF_SERVICE, service=case.status.service_id)):
        raise CaseRefused(_("Vous ne suivez pas les dossiers disciplinaires de ce stagiaire."))
    case.head_opinion, case.head_consulted_on = (text or "").strip(), on
    case.save()
    _log(case, "head_consulted", {"on": _day(on), "text": case.head_opinion}, user)
    return case


@transaction.atomic
def do_open_file(user, case: DisciplinaryCase, on: dt.date) -> DisciplinaryCase:
    """The person may read their file from today (D93 art. 32, RD68 ch. 10: at least a week before
    the hearing)."""
    case = _locked(case, State.OPEN, State.REFERRED)
    _office(user, case)
    case.file_opened_on = on
    case.save()
    _log(case, "file_opened", {"on": _day(on)}, user)
    return case


def do_record_file_read(user, case: DisciplinaryCase) -> None:
    """Each time the person reads their file in their space (access logged)."""
    with transaction.atomic():
        case = _locked(case)
        _log(case, "file_read", {"at": timezone.now().isoformat()}, user)


def _pool(case: DisciplinaryCase, on: dt.date) -> list[str]:
    """D93 art. 32: the representatives are drawn among all of the person's category; read as the
    statuses of the same kind in the same hospital centre in force on the day (decision 0015)."""
    statuses = (TraineeStatus.objects.filter(kind=case.status.kind, hospital_centre_id=case.status.hospital_centre_id,
                                             start_date__lte=on)
                .exclude(end_date__lt=on).exclude(person_id=case.status.person_id))
    return sorted({str(pk) for pk in statuses.values_list("person_id", flat=True)})


@transaction.atomic
def do_refer_to_committee(user, case: DisciplinaryCase, on: dt.date, *, inquiry: bool = False,
                       rapporteur: str | None = None, seed: str | None = None,
                       council: dict | None = None) -> DisciplinaryCase:
    """Refer the case for an exclusion: under D93 the committee is composed here (the professors of
    the faculty council's nomination of the year, a supervising one replaced by an alternate, two
    representatives drawn by lot); under RD68 the council named by the Minister and the person is
    checked (`council`: chiefs, representatives, defender, the person's head of service)."""
    case = _locked(case, State.OPEN)
    _office(user, case)
    if case.regime == rules.RD68:
        council = council or {}
        interns = set(_pool(case, on))
        _refuse(rules.check_council(council.get("chiefs", []), council.get("own_head"),
                                    council.get("representatives", []), interns, council.get("defender")))
        case.committee = {"kind": "council", **council}
    else:
        nomination = (CommitteeNomination.objects.filter(faculty_id=case.status.faculty_id, year=on.year).first())
        if nomination is None:
            raise CaseRefused(_("Le conseil de faculté n'a pas désigné les professeurs de la commission pour "
                                "%(year)s (D93 art. 32).") % {"year": on.year})
        supervisors = {p["name"] for p in nomination.members + nomination.alternates
                       if p.get("service") and p.get("service") == case.status.service_id}
        try:
            seating = rules.seat_professors([p["name"] for p in nomination.members],
                                            [p["name"] for p in nomination.alternates], supervisors)
            pool = _pool(case, on)
            seed = seed or secrets.token_hex(16)
            drawn = rules.draw_by_lot(pool, 2, seed)
        except rules.DisciplineError as error:
            raise CaseRefused(str(error)) from None
        if rapporteur is not None and rapporteur not in seating.members:
            raise CaseRefused(_("Le rapporteur est choisi parmi les membres de la commission (D93 art. 32)."))
        case.committee = {
            "kind": "committee", "chair": rules.DIRECTOR, "vice_chair": rules.DEAN,
            "members": list(seating.members), "replaced": [list(pair) for pair in seating.replaced],
            "representatives": drawn, "rapporteur": rapporteur or "",
            "draw": {"seed": seed, "pool": pool, "drawn": drawn, "rule": "sha256(seed:name), first 2"},
        }
    case.referred_on, case.inquiry = on, inquiry
    case.opinion_due_on = rules.opinion_due(case.status.kind, on, inquiry)[0]
    case.state = State.REFERRED
    case.save()
    _log(case, "referred", {"on": _day(on), "inquiry": inquiry, "committee": case.committee,
                            "opinion_due": case.opinion_due_on.isoformat() if case.opinion_due_on else None}, user)
    return case


@transaction.atomic
def do_set_hearing(user, case: DisciplinaryCase, on: dt.date, at: dt.time | None, place: str) -> DisciplinaryCase:
    """The day, hour and place of the hearing (D93 art. 32, RD68 ch. 10). A hearing still to come
    is convened at once: its convocation is issued now, in French and Arabic, so the register
    dates it from the day the hearing was fixed (letters.py)."""
    case = _locked(case, State.OPEN, State.REFERRED)
    _office(user, case)
    place = (place or "").strip()
    if at is None or not place:
        raise CaseRefused(_("Indiquez la date, l'heure et le lieu de la comparution : la convocation les porte."))
    _refuse(rules.check_hearing(case.status.kind, case.file_opened_on, on))
    case.hearing_on, case.hearing_time, case.hearing_place = on, at, place
    case.save()
    _log(case, "hearing_set", {"on": _day(on), "at": at.strftime("%H:%M"), "place": place}, user)
    if on >= timezone.localdate():
        for language in ("fr", "ar"):
            letters.issue(case, "convocation", language, user)
    return case


@transaction.atomic
def do_record_opinion(user, case: DisciplinaryCase, proposal: rules.Sanction, on: dt.date) -> DisciplinaryCase:
    """The committee's or council's opinion, with the sanction it proposes."""
    case = _locked(case, State.REFERRED)
    _office(user, case)
    if proposal.kind == rules.TEMPORARY:
        _refuse([f for f in rules.check_sanction(case.status.kind, proposal, proposal)
                 if f.code == "exclusion_too_long"])
    case.proposal, case.proposal_start, case.proposal_end = proposal.kind, proposal.start, proposal.end
    case.opinion_on, case.state = on, State.PROPOSED
    case.save()
    _log(case, "opinion", {"on": _day(on), "proposal": proposal.kind, "start": proposal.start and _day(proposal.start),
                           "end": proposal.end and _day(proposal.end),
                           "late": rules.is_late(case.opinion_due_on, on, on)}, user)
    return case


def _done(case: DisciplinaryCase) -> set[str]:
    # "after receiving written explanations": asked is enough, the person may not answer (decision 0015).
    done = set()
    if case.explanation_requested_on:
        done.add(rules.EXPLANATION)
    if case.head_consulted_on:
        done.add(rules.HEAD_CONSULTED)
    return done


@transaction.atomic
def do_sign_decision(user, case: DisciplinaryCase, sanction: rules.Sanction, on: dt.date, ref: str) -> DisciplinaryCase:
    """Pronounce the sanction: by each authority the texts name (D93 art. 31-32, RD68 ch. 9-10),
    all on the same sanction; it takes effect when the last one signs."""
    case = _locked(case, State.OPEN, State.REFERRED, State.PROPOSED)
    rule = rules.authority(case.status.kind, sanction.kind)
    mine = [a for a in rule.pronounced_by if acts_as(user, a, case.status) and a not in case.signed_by]
    if not mine:
        raise CaseRefused(_("Cette sanction est prononcée par : %(who)s (%(ref)s).")
                          % {"who": ", ".join(str(AUTHORITY_LABELS[a]) for a in rule.pronounced_by), "ref": rule.ref})
    if case.signed_by and case.sanction("decision") != sanction:
        raise CaseRefused(_("Une autre autorité a déjà signé une autre sanction : signez la même."))
    if sanction.kind in rules.EXCLUSIONS and case.state != State.PROPOSED:
        raise CaseRefused(_("Une exclusion n'est prononcée qu'après l'avis de la commission ou du conseil "
                            "(%(ref)s).") % {"ref": rule.ref})
    _refuse(rules.check_sanction(case.status.kind, sanction, case.sanction("proposal"), _done(case)))
    if not (ref or "").strip():
        raise CaseRefused(_("Saisissez la référence de la décision."))
    case.decision, case.decision_start, case.decision_end = sanction.kind, sanction.start, sanction.end
    case.decision_ref, case.decided_on = ref.strip(), on
    case.signed_by = case.signed_by + mine
    complete = set(rule.pronounced_by) <= set(case.signed_by)
    _log(case, "signed", {"on": _day(on), "by": mine, "sanction": sanction.kind, "ref": case.decision_ref,
                          "start": sanction.start and _day(sanction.start), "end": sanction.end and _day(sanction.end),
                          "complete": complete}, user)
    if complete:
        case.state = State.DECIDED
        _take_effect(case, sanction, user)
    case.save()
    return case


def _take_effect(case: DisciplinaryCase, sanction: rules.Sanction, user) -> None:
    status = case.status
    if sanction.kind == rules.TEMPORARY:
        # D93 art. 30, RD68 ch. 8: the stipend stops for those dates; the payroll runs read it.
        # Through payroll's own service: its row lock and its overlap check hold for both paths.
        try:
            stop = do_record_stipend_stop(status, user, sanction.start, sanction.end, case.decision_ref,
                                          pronounced=True)
        except ValidationError as refused:
            raise CaseRefused(" ".join(refused.messages)) from refused
        _log(case, "stipend_stopped", {"stop": stop.pk, "start": _day(stop.start_date), "end": _day(stop.end_date)}, user)
    elif sanction.kind == rules.DEFINITIVE:
        do_end_status(status, on=case.decided_on, end_reason=TraineeStatus.EndReason.EXCLUSION, by=user)
        _log(case, "status_ended", {"status": status.pk, "on": _day(case.decided_on)}, user)
        # D93 art. 32 bis: a definitive exclusion breaks the service commitment.
        for commitment in Commitment.objects.select_for_update().filter(status=status, state=Commitment.State.IN_PROGRESS):
            buyback = commitments.do_break_commitment(
                user, commitment, commitments.Buyback.Reason.DEFINITIVE_EXCLUSION, case.decided_on, case.decision_ref)
            _log(case, "commitment_broken", {"commitment": commitment.pk, "amount": str(buyback.amount),
                                             "service_until": buyback.service_until and _day(buyback.service_until)},
                 user)


# --- reminders ---------------------------------------------------------------------------------

REMINDER_DAYS = 7  # reminded from a week before the opinion's deadline, and every day once late


def do_remind_opinions(on: dt.date, days: int = REMINDER_DAYS) -> list[tuple[DisciplinaryCase, bool]]:
    """The cases before the committee whose opinion is due within `days` or late (D93 art. 32),
    each reminded once a day: a `reminder` entry in its log. Returns (case, late) for those reminded."""
    reminded = []
    due = (DisciplinaryCase.objects.filter(state=State.REFERRED, opinion_due_on__isnull=False,
                                           opinion_due_on__lte=on + dt.timedelta(days=days))
           .select_related("status", "status__person", "status__hospital_centre").order_by("opinion_due_on", "pk"))
    for case in due:
        with transaction.atomic():
            case = _locked(case)
            if CaseEvent.objects.filter(case=case, kind="reminder", payload__on=_day(on)).exists():
                continue
            late = rules.is_late(case.opinion_due_on, on)
            _log(case, "reminder", {"on": _day(on), "due": _day(case.opinion_due_on), "late": late}, "")
            reminded.append((case, late))
    return reminded


# --- pieces of the file ------------------------------------------------------------------------

def do_add_document(user, case: DisciplinaryCase, upload) -> CaseDocument:
    """A piece added by the office (checked by its content, as every upload: concours/registration.py),
    and its digest in the case's log."""
    if upload is None:
        raise CaseRefused(_("Choisissez le fichier à joindre."))
    try:
        checked = check_upload(upload)
    except ValidationError as error:
        raise CaseRefused(" ".join(error.messages)) from None
    with transaction.atomic():
        case = _locked(case)
        _office(user, case)
        document = CaseDocument(case=case, original_name=checked.original_name, content_type=checked.content_type,
                                size=checked.size, sha256=checked.sha256, added_by=user)
        document.file.save(stored_name(f"piece-{case.events.count() + 1}", checked), upload, save=False)
        document.save()
        _log(case, "document_added", {"document": document.pk, "name": document.original_name,
                                      "sha256": document.sha256}, user)
    return document
