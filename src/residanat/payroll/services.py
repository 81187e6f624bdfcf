"""The pay file of a status: its pay terms, the person's bank account, the stipend stops. The
`do_*` functions decide who may act, check against the regulation and the other rows, and write in
one transaction; they are the only writers of these rows. The pages (views_files.py, with the forms
of forms_files.py), the JSON API (api/payroll.py) and the other apps (a disciplinary exclusion, a
service commitment) call the same functions, so a refusal reads the same everywhere: a
ValidationError whose keys are the form's field names (NON_FIELD_ERRORS for the whole form)."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from residanat.accounts.authority import is_ministry
from residanat.accounts.roles import Role, Scope
from residanat.people.models import Person, TraineeStatus
from residanat.rules import discipline
from residanat.rules.rib import RibError, check, expected_key, normalise

from . import authority
from .models import BankAccount, Payer, PayTerms, StipendStop

Kind = TraineeStatus.Kind


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


# --- who sees and who changes a pay file ---------------------------------------------------------

def seen_as_staff(manager, user):
    """The rows of `manager` that `user` sees through a staff role. Pay data is the office's: a
    trainee sees their own status elsewhere but never its pay file (404 there, as outside the
    scope); their payslips are their own pages."""
    rows = manager.visible_to(user)
    if user.is_superuser:
        return rows
    parts = []
    for assignment in user.active_roles():
        if assignment.role == Role.TRAINEE:
            continue
        if assignment.scope == Scope.NATIONAL:
            return rows
        parts.append(Q(pk__in=manager.within(assignment).values("pk")))
    return rows.filter(reduce(or_, parts)) if parts else rows.none()


def pay_file_statuses(user):
    return seen_as_staff(TraineeStatus.objects, user)


def pay_file_people(user):
    return seen_as_staff(Person.objects, user)


def payer_of_status(status) -> tuple[str, int | None]:
    """Who pays the status: the hospital centre its residents (D93 art. 27), the Ministry the others
    (D93 art. 6, 18; RD68 ch. 11, 14; a GST's 7th-year students are kept by the Ministry's officers)."""
    if status.kind == Kind.RESIDENT:
        return Payer.CHU, status.hospital_centre_id
    return Payer.MSPS, None


def may_change_pay(user, status) -> bool:
    """Pay terms and bank account: the officers who keep the status's payroll, and the Ministry."""
    payer, centre = payer_of_status(status)
    return is_ministry(user) or authority.operates(user, payer, centre)


def may_change_bank(user, person) -> bool:
    """A person's account serves all their statuses: whoever keeps the payroll of one of them."""
    return is_ministry(user) or any(may_change_pay(user, status) for status in person.statuses.all())


def may_record_stop(user, status) -> bool:
    """Who pronounces a temporary exclusion, and so stops the stipend: the Minister of Health for
    interns, the Minister with the higher-education authority for residents (D93 art. 32), the
    Minister for public-health interns (RD68 ch. 10) and for the 7th-year students, who have their
    regime (RD68 ch. 15). The hospital centre's director chairs the committee that gives its opinion
    (D93 art. 32) but does not pronounce the sanction: the Ministry's administrator records it."""
    return is_ministry(user)


# --- pay terms -----------------------------------------------------------------------------------

# Which facts price which status (rules/payroll.py): housing for interns (D93 art. 18) and
# public-health interns (RD68 ch. 11); salary instead of stipend for residents (D93 art. 27, 27 bis).
TERMS_OF_KIND = {
    Kind.INTERN: ("housed",),
    Kind.PUBLIC_HEALTH_INTERN: ("housed",),
    Kind.RESIDENT: ("civil_servant", "committed", "administration"),
}
TERM_FIELDS = ("housed", "civil_servant", "committed", "administration")
DEFAULT_TERMS = {"housed": False, "civil_servant": False, "committed": False, "administration": ""}


def applicable_terms(status) -> tuple[str, ...]:
    return TERMS_OF_KIND.get(status.kind, ())


def terms_in_force(status, on: dt.date) -> PayTerms | None:
    """The status's pay terms in force on `on` (None: none entered yet, the defaults apply)."""
    return PayTerms.objects.filter(status=status, valid_from__lte=on).order_by("-valid_from").first()


def facts_of(terms: PayTerms | None) -> dict:
    """The facts of a row, or those a status without one is paid by (decision 0014)."""
    if terms is None:
        return dict(DEFAULT_TERMS)
    return {name: getattr(terms, name) for name in TERM_FIELDS}


def do_set_pay_terms(status, user, valid_from: dt.date, *, checked: bool = False, **facts) -> tuple[PayTerms | None, bool]:
    """Record the facts of `status` its stipend depends on from `valid_from`; the facts not given
    stay as they were on that date. Returns (terms, changed). Facts that do not price this kind of
    status are refused, so that the pay file never shows what has no effect. `checked`: the caller
    is another app's service that checked its own permission (a commitment recorded or released,
    D93 art. 27, 32 bis)."""
    if not checked and not may_change_pay(user, status):
        raise PermissionDenied(_("Vous ne tenez pas la paie de ce statut."))
    applicable = applicable_terms(status)
    if not applicable:
        raise ValidationError({NON_FIELD_ERRORS: _(
            "Aucun élément de paie ne s'applique à ce statut (%(kind)s) : son indemnité ne dépend que de sa "
            "carrière.") % {"kind": status.get_kind_display()}})
    errors = {}
    if valid_from is None:
        errors["valid_from"] = _("Saisissez la date à compter de laquelle ces éléments s'appliquent.")
    elif valid_from < status.start_date:
        errors["valid_from"] = _("Le statut ne commence que le %(start)s.") % {"start": _d(status.start_date)}
    elif status.end_date and valid_from > status.end_date:
        errors["valid_from"] = _("Le statut prend fin le %(end)s.") % {"end": _d(status.end_date)}
    given = {}
    for name, value in facts.items():
        if name not in TERM_FIELDS or value is None:
            continue
        value = (value or "").strip() if name == "administration" else bool(value)
        if name not in applicable:
            if value:
                errors[name] = _("Ne s'applique pas à ce statut (%(kind)s).") % {"kind": status.get_kind_display()}
            continue
        given[name] = value
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The status row is the lock: two officers entering the same date cannot both create it.
        TraineeStatus.objects.select_for_update().filter(pk=status.pk).first()
        before = terms_in_force(status, valid_from)
        wanted = {**facts_of(before), **given}
        if facts_of(before) == wanted:
            return before, False  # already in force on that date: no row, no run made stale for nothing
        if before is not None and before.valid_from == valid_from:
            terms = before  # a correction of the facts entered for that very date
        else:
            terms = PayTerms(status=status, valid_from=valid_from)
        for name in TERM_FIELDS:
            setattr(terms, name, wanted[name])
        terms.updated_by = user
        terms.save()
    return terms, True


# --- bank account --------------------------------------------------------------------------------

def rib_problem(raw: str) -> str | None:
    """What is wrong with a RIB as typed, in words the person can act on; None if it is right."""
    if not normalise(raw):
        return _("Saisissez le RIB (24 chiffres).")
    try:
        check(raw)
    except RibError as error:
        rib = normalise(raw)
        if error.code == "digits":
            wrong = "".join(sorted({c for c in rib if not c.isdigit()}))
            return _("Un RIB ne contient que des chiffres (espaces, points et tirets permis entre les groupes) : "
                     "« %(wrong)s » n'en sont pas.") % {"wrong": wrong}
        if error.code == "length":
            return _("Un RIB compte 24 chiffres ; celui-ci en compte %(count)s.") % {"count": len(rib)}
        return _("La clé %(key)s ne correspond pas au numéro de compte : la clé attendue est %(expected)s. Vérifiez "
                 "les 22 premiers chiffres et la clé.") % {"key": rib[22:], "expected": f"{expected_key(rib[:22]):02d}"}
    return None


def do_set_bank_account(person, user, holder: str, rib: str, status=None) -> BankAccount:
    """Record where the person's stipend is transferred. `status`: the pay file it is entered from
    (whose payer decides who may); else any status of the person."""
    allowed = may_change_pay(user, status) if status is not None else may_change_bank(user, person)
    if not allowed:
        raise PermissionDenied(_("Vous ne tenez pas la paie de cette personne."))
    errors = {}
    holder = (holder or "").strip()
    if not holder:
        errors["holder"] = _("Saisissez le titulaire du compte.")
    problem = rib_problem(rib)
    if problem:
        errors["rib"] = problem
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        account = BankAccount.objects.select_for_update().filter(person=person).first() or BankAccount(person=person)
        account.holder, account.rib, account.updated_by = holder, normalise(rib), user
        account.save()
    return account


# --- stipend stops (temporary exclusions) ---------------------------------------------------------

def do_record_stipend_stop(status, user, start: dt.date, end: dt.date, decision_ref: str, *,
                           pronounced: bool = False) -> StipendStop:
    """Record a temporary exclusion: no stipend from `start` to `end`. The next run computes it; a
    closed month is recovered by an adjustment line. `pronounced`: the caller is a disciplinary
    decision signed by every authority the texts name (discipline/cases.py), which is the authority
    here; the checks of the dates, the length and the overlap apply all the same."""
    if not pronounced and not may_record_stop(user, status):
        raise PermissionDenied(_("Seul le ministre prononce une exclusion temporaire (D93 art. 32 ; RD68 ch. 10)."))
    if status.kind not in discipline.REGIME:
        # D93 art. 29: the externs' discipline is that of decree 2.75.664 (students' disciplinary
        # council); the stop of the stipend of art. 30 is for interns and residents only.
        raise ValidationError({NON_FIELD_ERRORS: _(
            "L'exclusion temporaire avec arrêt de l'indemnité (D93 art. 30) ne vise que les internes et les "
            "résidents ; la discipline des externes relève du décret 2.75.664 (D93 art. 29).")})
    errors = {}
    decision_ref = (decision_ref or "").strip()
    if not decision_ref:
        errors["decision_ref"] = _("Saisissez la référence de la décision d'exclusion.")
    if end < start:
        errors["end"] = _("La fin précède le début.")
    else:
        # 2 months for interns and residents (D93 art. 30), 1 month under RD68 (ch. 8, 15).
        last, limit = discipline.exclusion_last_day(status.kind, start)
        if end > last:
            errors["end"] = _("Une exclusion temporaire dure au plus %(n)s mois (%(ref)s) : le %(last)s au plus "
                              "tard.") % {"n": limit.value, "ref": limit.ref, "last": _d(last)}
    if start < status.start_date:
        errors["start"] = _("Le statut ne commence que le %(start)s.") % {"start": _d(status.start_date)}
    elif status.end_date and end > status.end_date:
        errors.setdefault("end", _("Le statut prend fin le %(end)s.") % {"end": _d(status.end_date)})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The status row is the lock: two officers recording at once cannot both pass the check.
        TraineeStatus.objects.select_for_update().filter(pk=status.pk).first()
        other = (StipendStop.objects.filter(status=status, start_date__lte=end, end_date__gte=start)
                 .order_by("start_date").first())
        if other is not None:
            raise ValidationError({"start": _("Cette période chevauche l'exclusion du %(start)s au %(end)s "
                                              "(%(ref)s).") % {"start": _d(other.start_date), "end": _d(other.end_date),
                                                               "ref": other.decision_ref}})
        return StipendStop.objects.create(status=status, start_date=start, end_date=end, decision_ref=decision_ref,
                                          recorded_by=user)
