"""What an irreversible step of a competition will do, and to how many, for the confirmation
dialog of its button (issue 25 item 2). A step that has a way back (validating the posts, closing
the scores) asks nothing."""

from __future__ import annotations

from django.utils.translation import ngettext

from .merit import current_merit_list
from .models import Competition, MeritEntry
from .publication import ADMITTED
from .workflow import STEPS, Step

State = Competition.State


def is_irreversible(step: Step) -> bool:
    return not any(s.source == step.target and s.target == step.source for s in STEPS)


def step_confirmation(competition: Competition, step: Step) -> str:
    """The dialog's text for `step` ("" when the step can be undone)."""
    if not is_irreversible(step):
        return ""
    if step.target == State.REGISTRATION_OPEN:
        seats = sum(a.seats for a in competition.allocations.all())
        return ngettext("Ouvrir les inscriptions sur %(n)s poste : la répartition des postes ne pourra plus être "
                        "rouverte.",
                        "Ouvrir les inscriptions sur %(n)s postes : la répartition des postes ne pourra plus être "
                        "rouverte.", seats) % {"n": seats}
    if step.target == State.REGISTRATION_CLOSED:
        n = competition.candidates.count()
        return ngettext("Clore les inscriptions avec %(n)s candidat inscrit : aucune inscription ne sera plus "
                        "acceptée.",
                        "Clore les inscriptions avec %(n)s candidats inscrits : aucune inscription ne sera plus "
                        "acceptée.", n) % {"n": n}
    merit_list = current_merit_list(competition)
    entries = MeritEntry.objects.filter(merit_list=merit_list) if merit_list is not None else MeritEntry.objects.none()
    if step.target == State.DELIBERATED:
        n = entries.count() if merit_list is not None else competition.candidates.count()
        return ngettext("Délibérer arrête la liste de mérite de %(n)s candidat : elle ne changera plus que par une "
                        "nouvelle version motivée.",
                        "Délibérer arrête la liste de mérite de %(n)s candidats : elle ne changera plus que par une "
                        "nouvelle version motivée.", n) % {"n": n}
    if step.target == State.PUBLISHED:
        n = entries.filter(outcome__in=ADMITTED).count()
        return ngettext("Publier les résultats : %(n)s candidat admis sera affiché sur la liste publique ; une "
                        "publication ne se retire pas.",
                        "Publier les résultats : %(n)s candidats admis seront affichés sur la liste publique ; une "
                        "publication ne se retire pas.", n) % {"n": n}
    return str(step.label)


def steps_with_confirmation(steps, competition) -> list[tuple]:
    """`available_steps` with each step's confirmation text: (step, blockers, confirmation)."""
    return [(step, blockers, step_confirmation(competition, step)) for step, blockers in steps]
