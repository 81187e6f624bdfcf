"""The state machine of a competition: which step follows which, who may take it, what it checks
and what it triggers. `do_transition` is the only way a competition changes state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from residanat.accounts.roles import Role

from .models import Candidate, Competition, CompetitionTransition, Score

State = Competition.State


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    label: object
    roles: frozenset
    ref: str = ""
    # Each check returns the reasons that stop the step (empty: it may be taken).
    checks: tuple[Callable[[Competition], list[str]], ...] = field(default=())


def _has_posts(competition) -> list[str]:
    if not competition.allocations.exists():
        return [str(_("Aucun poste n'est réparti : importez la répartition des postes."))]
    return []


def _has_closing_date(competition) -> list[str]:
    if competition.kind != Competition.Kind.INTERNAT and competition.session_date is None:
        return [str(_("La date de la session n'est pas fixée."))]
    if competition.registration_closes_on is None:
        return [str(_("La date de clôture des inscriptions n'est pas fixée."))]
    return []


def _has_tests(competition) -> list[str]:
    if not competition.tests.exists():
        return [str(_("Aucune épreuve n'est définie."))]
    return []


def _every_score_entered(competition) -> list[str]:
    sitting = competition.candidates.filter(state=Candidate.State.ELIGIBLE, route=Candidate.Route.COMPETITION)
    tests = competition.tests.count()
    expected = sitting.count() * tests
    entered = Score.objects.filter(candidate__in=sitting).count()
    if tests and entered < expected:
        return [str(_("%(missing)s notes manquent (%(entered)s saisies sur %(expected)s).")
                    % {"missing": expected - entered, "entered": entered, "expected": expected})]
    return []


def _recheck_eligibility(competition, by):
    # Eligibility is judged again on the day registration closes (issue 4, item 4).
    from .eligibility import do_recheck_eligibility

    do_recheck_eligibility(competition)


def _deliberate(competition, by):
    from .merit import current_merit_list, do_compute_merit_list, do_deliberate

    latest = current_merit_list(competition)
    if latest is None or latest.locked:
        do_compute_merit_list(competition, by)
    do_deliberate(competition, by)


MINISTRY = frozenset({Role.MINISTRY_ADMIN})
# D93 art. 9–10: tests and seats are set by joint order of the health and higher-education ministries.
JOINT = frozenset({Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER})
# The faculty organises the competition and its dean chairs the jury.
ORGANISERS = frozenset({Role.MINISTRY_ADMIN, Role.DEAN_OFFICE})

STEPS = (
    Step(State.DRAFT, State.POSTS_VALIDATED, _("Valider la répartition des postes"), JOINT, "D93 art. 9–10",
         (_has_posts,)),
    Step(State.POSTS_VALIDATED, State.DRAFT, _("Rouvrir la répartition des postes"), JOINT),
    Step(State.POSTS_VALIDATED, State.REGISTRATION_OPEN, _("Ouvrir les inscriptions"), ORGANISERS, "",
         (_has_closing_date,)),
    Step(State.REGISTRATION_OPEN, State.REGISTRATION_CLOSED, _("Clore les inscriptions"), ORGANISERS),
    Step(State.REGISTRATION_CLOSED, State.SCORES_ENTERED, _("Arrêter les notes"), ORGANISERS, "",
         (_has_tests, _every_score_entered)),
    Step(State.SCORES_ENTERED, State.REGISTRATION_CLOSED, _("Rouvrir la saisie des notes"), ORGANISERS),
    Step(State.SCORES_ENTERED, State.DELIBERATED, _("Délibération du jury"), ORGANISERS, "D93 art. 11"),
    Step(State.DELIBERATED, State.PUBLISHED, _("Publier les résultats"), ORGANISERS),
)
# What a step triggers, inside the same transaction as the state change.
EFFECTS = {
    (State.REGISTRATION_OPEN, State.REGISTRATION_CLOSED): _recheck_eligibility,
    (State.SCORES_ENTERED, State.DELIBERATED): _deliberate,
}


def steps_from(state: str) -> list[Step]:
    return [step for step in STEPS if step.source == state]


def acting_role(user, competition: Competition, step: Step) -> str | None:
    """The role under which `user` may take `step` on this competition, or None. The role must be
    one of the step's and its scope must hold the competition."""
    if user.is_superuser:
        return "superuser"
    for assignment in user.active_roles():
        if assignment.role in step.roles and Competition.objects.within(assignment).filter(pk=competition.pk).exists():
            return assignment.role
    return None


def available_steps(user, competition: Competition) -> list[tuple[Step, list[str]]]:
    """The steps `user` may take now, each with what still stops it (empty when it can be taken)."""
    return [(step, _blockers(step, competition)) for step in steps_from(competition.state)
            if acting_role(user, competition, step)]


def _blockers(step: Step, competition: Competition) -> list[str]:
    return [reason for check in step.checks for reason in check(competition)]


def do_transition(competition: Competition, target: str, by, note: str = "") -> CompetitionTransition:
    """Move `competition` to `target`: the step must exist from its current state, `by` must hold
    one of the step's roles over it, and every check must pass; the step's effect (eligibility
    re-check, the jury's lock) runs in the same transaction, so a failure changes nothing."""
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        step = next((s for s in steps_from(locked.state) if s.target == target), None)
        if step is None:
            raise ValidationError(_("Passage impossible de « %(source)s » à « %(target)s ».")
                                  % {"source": locked.get_state_display(),
                                     "target": State(target).label if target in State.values else target})
        role = acting_role(by, locked, step)
        if role is None:
            raise PermissionDenied(_("Votre rôle ne permet pas cette étape."))
        blockers = _blockers(step, locked)
        if blockers:
            raise ValidationError(blockers)
        effect = EFFECTS.get((step.source, step.target))
        if effect:
            effect(locked, by)
        source = locked.state
        locked.state = target
        locked._change_reason = f"{source} → {target}" + (f": {note}" if note else "")
        locked.save(update_fields=["state"])
        competition.state = target
        return CompetitionTransition.objects.create(
            competition=locked, from_state=source, to_state=target, by=by, role=role, note=note)
