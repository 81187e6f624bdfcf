"""Candidacies: self-registration with the documents of the file, the candidate number, the
withdrawal, and the registration receipt (issue 4, item 3).

`do_register_candidate` is the one way a candidacy is made online: it creates the account and the
person when needed, allocates the number under the competition's lock, stores the documents and
judges the provisional eligibility, all in one transaction. The faculty's bulk import
(`candidate_import.py`) shares the number allocation and the checks of identity numbers.
Choices: docs/decisions/0010-candidate-registration.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.accounts.models import User
from residanat.accounts.roles import Role
from residanat.accounts.services import do_grant_role
from residanat.common.uploads import check_upload, stored_name
from residanat.documents import kinds
from residanat.documents.attestations import identity_facts
from residanat.documents.http import document_language
from residanat.documents.models import IssuedDocument
from residanat.documents.pdf import already_issued, issue_pdf
from residanat.documents.readers import Readers
from residanat.people.identity import cin_problem, country_problem, passport_problem
from residanat.people.models import Person
from residanat.people.services import do_create_person
from residanat.rules import eligibility as eligibility_rules

from .models import COMPETITION_EDITOR_ROLES, Candidate, CandidateDocument, Competition

State = Competition.State
Kind = Competition.Kind
Route = Candidate.Route
DocKind = CandidateDocument.Kind

# Issued and read by the candidate and the competition's office only (may_issue_receipt, issue 20).
REGISTRATION_RECEIPT = kinds.register("registration_receipt", gettext_lazy("Récépissé d'inscription à un concours"),
                                      readers=Readers(COMPETITION_EDITOR_ROLES, through=Candidate))
NUMBER_LETTER = {Kind.INTERNAT: "I", Kind.RESIDANAT: "R", Kind.PUBLIC_HEALTH_INTERNAT: "P"}
# A candidacy may be withdrawn until the jury deliberates; after that the list is locked (D93 art. 11).
WITHDRAWAL_STATES = (State.REGISTRATION_OPEN, State.REGISTRATION_CLOSED, State.SCORES_ENTERED)
IDENTITY_FIELDS = ("national_id", "passport_number", "nationality", "last_name", "first_name",
                   "last_name_ar", "first_name_ar", "birth_date", "email", "phone")


# --- what each kind of competition asks --------------------------------------------------------

def routes_of(competition: Competition) -> list[str]:
    """The access routes a competition offers: on titles only for the résidanat (D93 art. 21 1°)."""
    if competition.kind == Kind.RESIDANAT:
        return list(Route.values)
    return [Route.COMPETITION]


def fact_fields(kind: str, route: str) -> list[str]:
    """The Candidate fields a candidacy of this kind and route declares (what eligibility reads)."""
    if kind == Kind.INTERNAT:
        # D93 art. 8: enrolled, years validated, not after the thesis.
        return ["enrolment_faculty", "study_year", "validated_years", "thesis_defended_on"]
    if kind == Kind.PUBLIC_HEALTH_INTERNAT:
        # RD68 ch. 1: year-5 exams passed; ch. 13: not a doctor of medicine.
        return ["enrolment_faculty", "study_year", "year5_exams_passed", "thesis_defended_on"]
    if route == Route.TITLES_INTERN:
        # D93 art. 21 1.a: two years of actual internat; art. 21: Moroccan civilians of paragraphs
        # 1 and 2 in order with the civil service.
        return ["internat_months_validated", "civil_service_in_order"]
    if route == Route.TITLES_MILITARY:
        # D93 art. 21 1.b: passed the military hospitals' assistants competition.
        return ["military_assistant_passed"]
    # D93 art. 21 2°: doctorate (or equivalent), one year of practice, civil service; art. 27 bis.
    return ["diploma", "diploma_date", "diploma_country", "diploma_equivalence", "practice_since",
            "civil_service_in_order", "public_administration"]


def required_documents(kind: str, route: str, *, moroccan: bool = True, foreign_diploma: bool = False,
                       practice: bool = True) -> list[str]:
    """The documents a candidacy must carry; the identity document always. `practice`: whether
    the declared doctorate owes the year of practice (`practice_required`)."""
    required = [DocKind.IDENTITY]
    if kind == Kind.INTERNAT:
        required += [DocKind.ENROLMENT, DocKind.TRANSCRIPT]
    elif kind == Kind.PUBLIC_HEALTH_INTERNAT:
        required += [DocKind.TRANSCRIPT]
    elif route == Route.TITLES_INTERN:
        required += [DocKind.INTERNAT]
        # D93 art. 21: "المترشحين المدنيين المغاربة المشار إليهم في الفقرتين 1 و2" — on titles too.
        if moroccan:
            required += [DocKind.CIVIL_SERVICE]
    elif route == Route.COMPETITION:
        required += [DocKind.DIPLOMA]
        if foreign_diploma:
            required += [DocKind.EQUIVALENCE]
        # D93 art. 21 2°: the year of practice is not asked of a veterinary doctor.
        if practice:
            required += [DocKind.PRACTICE]
        if moroccan:
            required += [DocKind.CIVIL_SERVICE]
    return [str(k) for k in required]


def offered_documents(kind: str, route: str) -> list[str]:
    """Every document the form offers for this kind and route: the required ones in any case
    (equivalence, practice and civil service depend on answers of the same form), and "other"."""
    offered = required_documents(kind, route, moroccan=True, foreign_diploma=True)
    return offered + [DocKind.OTHER]


def practice_required(competition: Competition, diploma: str) -> bool:
    """Whether a résidanat candidacy by competition with this diploma gives the date and the
    attestation of practice: when the doctorate owes a year of it on the day the conditions are
    judged (D93 art. 21 2°: not the veterinary doctor). An undeclared diploma is asked them."""
    from .eligibility import judged_on

    if not diploma:
        return True
    return eligibility_rules.practice_years_required(diploma, judged_on(competition)) > 0


# --- candidate numbers -------------------------------------------------------------------------

def number_prefix(competition: Competition) -> str:
    return f"{NUMBER_LETTER[competition.kind]}{competition.year % 100:02d}-"


def next_candidate_numbers(competition: Competition, count: int = 1) -> list[str]:
    """The next `count` numbers of `competition` (R26-0001, R26-0002, ...). The caller holds the
    competition's row lock (`lock_competition`), so two registrations never read the same maximum;
    the unique constraint `candidate_unique_number` is the last line of defence."""
    prefix = number_prefix(competition)
    last = (Candidate.objects.filter(competition=competition, number__startswith=prefix)
            .order_by(Length("number").desc(), "-number").values_list("number", flat=True).first())
    start = 0
    if last:
        tail = last[len(prefix):]
        start = int(tail) if tail.isdigit() else 0
    return [f"{prefix}{n:04d}" for n in range(start + 1, start + 1 + count)]


def lock_competition(competition: Competition) -> Competition:
    """The competition's row, locked until the end of the transaction (PostgreSQL row lock; SQLite
    runs IMMEDIATE transactions, which already serialise writers)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_competition must run inside a transaction")
    return Competition.objects.select_for_update().get(pk=competition.pk)


def registration_problem(competition: Competition) -> str | None:
    if competition.state != State.REGISTRATION_OPEN:
        return _("Les inscriptions à ce concours ne sont pas ouvertes (état : %(state)s).") % {
            "state": competition.get_state_display()}
    return None


# --- self-registration -------------------------------------------------------------------------

class IdentityAlreadyKnown(ValidationError):
    """The e-mail, CIN or passport given for a new account or person is already on file: nothing
    is written. A signed-in user reads the reason; the public page answers exactly as it does to a
    new candidate, so that it tells nobody who is on file (issue 20 item 4, decision 0022)."""


# Unique constraints of an account or an identity: tripping one means the identity is known.
IDENTITY_CONSTRAINTS = ("username", "national_id", "passport")


@dataclass
class RegistrationData:
    """What the registration form gathered: the identity (ignored when the user already has a
    person), the candidacy's route, track and facts, and the uploads by document kind."""

    identity: dict = field(default_factory=dict)
    route: str = Route.COMPETITION
    track: str = "medicine"
    facts: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)


def do_register_candidate(competition: Competition, data: RegistrationData, *, user: User | None = None,
                          password: str | None = None, language: str = "fr") -> Candidate:
    """Register a candidacy to `competition`, all or nothing.

    `user` None: an account is created (username = the email, `password` already validated by the
    form). A user without a person gets one from `data.identity`; a user with a person keeps it
    (identity not changed here). The account gets the trainee role. The number is allocated under
    the competition's lock, the documents are stored and the provisional eligibility is judged.
    Raises ValidationError (a dict by field when a field is at fault), IdentityAlreadyKnown when
    the e-mail of a new account or the identity number of a new person is already on file."""
    from .eligibility import check_candidate

    route, facts = data.route, dict(data.facts)
    if route not in routes_of(competition):
        raise ValidationError({"route": _("Cette voie d'accès n'existe pas pour ce concours.")})
    unknown = set(facts) - set(fact_fields(competition.kind, route))
    if unknown:
        raise ValueError(f"facts not declared by this kind of candidacy: {', '.join(sorted(unknown))}")
    checked = {}
    errors = {}
    for kind, upload in data.documents.items():
        if kind not in DocKind.values:
            raise ValueError(f"unknown document kind {kind!r}")
        if upload is None:
            continue
        try:
            checked[kind] = check_upload(upload)
        except ValidationError as exc:
            errors[f"doc_{kind}"] = exc.messages
    if errors:
        raise ValidationError(errors)

    stored: list[tuple[object, str]] = []
    try:
        with transaction.atomic():
            locked = lock_competition(competition)
            problem = registration_problem(locked)
            if problem:
                raise ValidationError(problem)
            if user is None:
                user = _create_account(data.identity, password, language)
            person = _person_for(user, data.identity)
            if Candidate.objects.filter(competition=locked, person=person).exists():
                raise ValidationError(_("Vous êtes déjà inscrit(e) à ce concours."))
            _check_required_documents(locked, route, person, facts, checked)
            # A candidate sees their own candidacy through the trainee role (scope: self).
            do_grant_role(user, Role.TRAINEE)
            candidate = Candidate(competition=locked, person=person, route=route, track=data.track,
                                  number=next_candidate_numbers(locked)[0], self_registered=True,
                                  registered_by=user, **facts)
            candidate._history_user = user
            candidate._change_reason = "Inscription en ligne"
            candidate.save()
            for kind, item in checked.items():
                document = CandidateDocument(
                    candidate=candidate, kind=kind, original_name=item.original_name,
                    content_type=item.content_type, size=item.size, sha256=item.sha256, uploaded_by=user)
                document.file.save(stored_name(kind, item), item.upload, save=False)
                stored.append((document.file.storage, document.file.name))
                document.save()
            check_candidate(candidate)
    except IntegrityError as exc:
        _delete(stored)
        # Two submissions of the same candidacy at once: the unique constraint refused the second.
        if "candidate_unique_person" in str(exc) or "concours_candidate.person_id" in str(exc):
            raise ValidationError(_("Vous êtes déjà inscrit(e) à ce concours.")) from exc
        # The same account or identity made by another request at the same moment.
        if any(name in str(exc) for name in IDENTITY_CONSTRAINTS):
            raise IdentityAlreadyKnown(_("Cette identité est déjà enregistrée.")) from exc
        raise ValidationError(_("L'inscription n'a pas pu être enregistrée, veuillez réessayer.")) from exc
    except BaseException:
        # The rows went with the rollback; the files are outside the database, so they go by hand.
        _delete(stored)
        raise
    return candidate


def _delete(stored):
    for storage, name in stored:
        try:
            storage.delete(name)
        except OSError:
            pass


def _create_account(identity: dict, password: str | None, language: str) -> User:
    email = (identity.get("email") or "").strip().lower()
    if not email or not password:
        raise ValidationError({"email": _("Un courriel et un mot de passe sont nécessaires pour créer le compte.")})
    if User.objects.filter(username__iexact=email).exists():
        # Hashed all the same: a known address must not answer faster than a new account.
        make_password(password)
        raise IdentityAlreadyKnown({"email": _("Un compte existe déjà avec ce courriel : connectez-vous d'abord.")})
    return User.objects.create_user(
        username=email, email=email, password=password, first_name=identity.get("first_name", ""),
        last_name=identity.get("last_name", ""), language=language if language in dict(settings.LANGUAGES) else "fr")


def _person_for(user: User, identity: dict) -> Person:
    person = Person.objects.filter(user=user).first()
    if person is not None:
        return person
    values = {name: identity.get(name) for name in IDENTITY_FIELDS if name in identity}
    problems = identity_problems(values)
    if problems:
        raise ValidationError(problems)
    if values.get("national_id") and Person.objects.filter(national_id=values["national_id"]).exists():
        # Linking an existing file to a new account is for the faculty, after checking the papers.
        raise IdentityAlreadyKnown({"national_id": _(
            "Une personne avec cette CIN est déjà enregistrée : adressez-vous à votre faculté pour "
            "relier son dossier à votre compte.")})
    if values.get("passport_number") and Person.objects.filter(
            passport_number=values["passport_number"], nationality=values.get("nationality")).exists():
        raise IdentityAlreadyKnown({"passport_number": _(
            "Une personne avec ce passeport est déjà enregistrée : adressez-vous à votre faculté pour "
            "relier son dossier à votre compte.")})
    for name in ("last_name_ar", "first_name_ar", "email", "phone"):
        values[name] = values.get(name) or ""
    return do_create_person(by=user, reason="Inscription en ligne à un concours", user=user, **values)


def identity_problems(values: dict) -> dict:
    """Field → message for an identity that cannot be recorded: a Moroccan has a CIN, a foreigner a
    passport and a nationality; names are required."""
    problems = {}
    nationality = values.get("nationality") or "MA"
    if nationality == "MA":
        if not values.get("national_id"):
            problems["national_id"] = _("La CIN est obligatoire pour un candidat marocain.")
        elif problem := cin_problem(values["national_id"]):
            problems["national_id"] = problem
    else:
        if problem := country_problem(nationality):
            problems["nationality"] = problem
        if values.get("national_id"):
            problems["national_id"] = _("Un candidat étranger n'a pas de CIN : indiquez son passeport.")
        if not values.get("passport_number"):
            problems["passport_number"] = _("Le numéro de passeport est obligatoire pour un candidat étranger.")
        elif problem := passport_problem(values["passport_number"]):
            problems["passport_number"] = problem
    for name in ("last_name", "first_name"):
        if not (values.get(name) or "").strip():
            problems[name] = _("Ce champ est obligatoire.")
    return problems


def _check_required_documents(competition, route, person, facts, checked) -> None:
    foreign_diploma = (facts.get("diploma_country") or "MA").upper() != "MA"
    required = required_documents(competition.kind, route, moroccan=person.is_moroccan,
                                  foreign_diploma=foreign_diploma,
                                  practice=practice_required(competition, facts.get("diploma") or ""))
    missing = {f"doc_{kind}": _("Cette pièce est obligatoire.") for kind in required if kind not in checked}
    if missing:
        raise ValidationError(missing)


# --- withdrawal --------------------------------------------------------------------------------

def can_change_candidate(user, candidate: Candidate) -> bool:
    return Candidate.objects.visible_to(user, "change").filter(pk=candidate.pk).exists()


def may_issue_receipt(user, candidate: Candidate) -> bool:
    """The registration receipt is issued by the candidate and by the competition's office only
    (issue 20): the other readers of a candidacy (CHU, committee, payroll) issue none in their name."""
    return kinds.readers(REGISTRATION_RECEIPT).rows(user).filter(pk=candidate.pk).exists()


def do_withdraw_candidate(candidate: Candidate, by, reason: str) -> Candidate:
    """Record a candidate's withdrawal (désistement), with its reason, until the jury deliberates.
    The candidate keeps their number; the withdrawal is in the candidacy's history."""
    reason = (reason or "").strip()
    if not can_change_candidate(by, candidate):
        raise PermissionDenied
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif du désistement.")})
    with transaction.atomic():
        competition = lock_competition(candidate.competition)
        if competition.state not in WITHDRAWAL_STATES:
            raise ValidationError(_("Le jury a délibéré : un désistement ne peut plus être enregistré "
                                    "(état : %(state)s).") % {"state": competition.get_state_display()})
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if locked.state == Candidate.State.WITHDRAWN:
            raise ValidationError(_("Ce candidat s'est déjà désisté."))
        locked.state = Candidate.State.WITHDRAWN
        locked._history_user = by
        locked._change_reason = f"Désistement : {reason}"
        locked.save(update_fields=["state"])
    candidate.state = locked.state
    return locked


# --- registration receipt ----------------------------------------------------------------------

def receipt_facts(candidate: Candidate, language: str) -> dict:
    """What the receipt prints, in `language`: the facts are what the hash covers."""
    from .eligibility import failures_in

    competition, person = candidate.competition, candidate.person
    with translation.override(language):
        order = {kind: i for i, kind in enumerate(DocKind.values)}
        documents = sorted(candidate.documents.all(), key=lambda d: (order.get(d.kind, 99), d.uploaded_at, d.pk))
        return {
            "number": candidate.number,
            "competition": {
                "slug": competition.slug,
                "kind": str(competition.get_kind_display()),
                "year": competition.year,
                "faculty": competition.faculty.name,
                "faculty_fr": competition.faculty.name_fr,
                "faculty_ar": competition.faculty.name_ar,
                "hospital_centre": competition.hospital_centre.name if competition.hospital_centre_id else "",
                "session_date": competition.session_date,
                "registration_closes_on": competition.registration_closes_on,
            },
            "person": {
                **identity_facts(person),
                "nationality": person.nationality,
                "birth_date": person.birth_date,
            },
            "route": str(candidate.get_route_display()),
            "track": str(candidate.get_track_display()),
            "registered_on": timezone.localdate(candidate.registered_at),
            "self_registered": candidate.self_registered,
            "documents": [
                {"kind": str(d.get_kind_display()), "name": d.original_name, "size": d.size,
                 "sha256": d.sha256[:16]}
                for d in documents
            ],
            "state": candidate.state,
            "state_label": str(candidate.get_state_display()),
            "attempt_number": candidate.attempt_number,
            "failures": [{"message": message, "ref": ref} for message, ref in failures_in(candidate, language)],
        }


def receipt_title(language: str) -> str:
    with translation.override(language):
        return str(kinds.label(REGISTRATION_RECEIPT))


def registration_receipt(candidate: Candidate, language: str, issued_by=None) -> IssuedDocument:
    """The candidacy's numbered receipt in `language`. Asking again while the candidacy is the same
    gives back the receipt already issued; a change (eligibility re-judged, withdrawal, another
    language) issues a new one, and the register keeps them all."""
    language = document_language(value=language, default="fr")
    facts = receipt_facts(candidate, language)
    title = receipt_title(language)
    earlier = (IssuedDocument.objects
               .filter(kind=REGISTRATION_RECEIPT, person=candidate.person, language=language, title=title,
                       issued_at__gte=candidate.registered_at)
               .exclude(file="").exclude(number=None).order_by("-issued_at"))
    return (already_issued(earlier[:10], kind=REGISTRATION_RECEIPT, language=language, title=title, facts=facts)
            or issue_pdf(template="documents/registration_receipt.html", facts=facts, kind=REGISTRATION_RECEIPT,
                         title=title, language=language, person=candidate.person, issued_by=issued_by))
