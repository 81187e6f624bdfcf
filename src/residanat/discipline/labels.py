"""Words for the codes of a disciplinary case (issue 25 item 4): the journal's event kinds, the
badge of each state, and the next steps the office may take (those not done yet)."""

from django.utils.translation import gettext_lazy as _

from .models import DisciplinaryCase

State = DisciplinaryCase.State

EVENTS = {
    "opened": _("Dossier ouvert"),
    "explanation_requested": _("Explications écrites demandées"),
    "explained": _("Explications écrites reçues"),
    "head_consulted": _("Avis du chef de service enregistré"),
    "file_opened": _("Dossier ouvert à l'intéressé"),
    "file_read": _("Dossier consulté par l'intéressé"),
    "referred": _("Commission ou conseil saisi"),
    "hearing_set": _("Comparution fixée"),
    "opinion": _("Avis et sanction proposée enregistrés"),
    "signed": _("Sanction signée"),
    "stipend_stopped": _("Indemnité suspendue"),
    "status_ended": _("Fin du statut"),
    "commitment_broken": _("Engagement rompu"),
    "reminder": _("Rappel de l'avis attendu"),
    "document_added": _("Pièce jointe au dossier"),
}

# One colour, one meaning (residanat.css: .badge.success / warning / danger / neutral / info).
STATE_BADGES = {
    State.OPEN: "info",
    State.REFERRED: "info",
    State.PROPOSED: "warning",
    State.DECIDED: "success",
    State.DISMISSED: "neutral",
}
LATE_BADGE = "danger"


def event_label(kind: str) -> str:
    """The journal's words for an event; an unknown kind stays readable, never blank."""
    return EVENTS.get(kind, kind.replace("_", " "))


def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "neutral")


def next_steps(case: DisciplinaryCase) -> list[str]:
    """The office's steps still possible, in the order of the procedure (D93 art. 32, RD68 ch. 10):
    a step done is not offered again; the hearing, once set, may be moved ("hearing" stays)."""
    if case.state in (State.DECIDED, State.DISMISSED):
        return []
    steps = []
    if not case.explanation_requested_on:
        steps.append("explanation")
    if not case.head_consulted_on:
        steps.append("head")
    if not case.file_opened_on:
        steps.append("file")
    steps.append("hearing")
    if case.state == State.OPEN:
        steps.append("refer")
    if case.state == State.REFERRED:
        steps.append("opinion")
    steps.append("sign")
    return steps
