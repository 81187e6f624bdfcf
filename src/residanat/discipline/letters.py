"""The letters of a disciplinary case, in French or Arabic: the convocation to the hearing (with
the day the file was opened and the right to a defender, D93 art. 32, RD68 ch. 10) and the
decision (the sanction, its dates, who pronounced it and on which opinion). Numbered and
verifiable like every document; the same facts give back the same document."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.documents import kinds
from residanat.documents.attestations import identity_facts
from residanat.documents.models import IssuedDocument
from residanat.documents.pdf import issue_once
from residanat.rules import discipline as rules

from .cases import AUTHORITY_LABELS
from .models import DisciplinaryCase

CONVOCATION = kinds.register("discipline_convocation", gettext_lazy("Convocation devant la commission de discipline"))
DECISION = kinds.register("discipline_decision", gettext_lazy("Décision disciplinaire"))
KINDS = {"convocation": CONVOCATION, "decision": DECISION}


def refusal(case: DisciplinaryCase, kind: str) -> str | None:
    if kind == "convocation" and case.hearing_on is None:
        return _("La convocation suit la date de comparution : fixez-la d'abord.")
    if kind == "decision" and case.state != DisciplinaryCase.State.DECIDED:
        return _("La lettre de décision suit la décision signée par chaque autorité.")
    return None


def available(case: DisciplinaryCase) -> list[str]:
    return [kind for kind in KINDS if refusal(case, kind) is None]


def facts(case: DisciplinaryCase, kind: str, language: str) -> dict:
    with translation.override(language):
        status = case.status
        rule = rules.authority(status.kind, case.decision) if case.decision else None
        return {
            "person": identity_facts(status.person),
            "status": str(status.get_kind_display()),
            "hospital_centre": status.hospital_centre.name if status.hospital_centre else "",
            "regime": case.regime,
            "facts": case.facts,
            "file_opened_on": case.file_opened_on, "hearing_on": case.hearing_on,
            "body": _("commission de discipline") if case.regime == rules.D93 else _("conseil de discipline"),
            "ref": "D93 art. 32" if case.regime == rules.D93 else "RD68 ch. 10",
            "defender": (_("Vous pouvez présenter votre défense en personne ou par un défenseur de votre choix.")
                         if case.regime == rules.D93 else
                         _("Vous pouvez présenter votre défense en personne ou par un défenseur choisi parmi les "
                           "internes.")),
            "decision": str(case.get_decision_display()) if case.decision else "",
            "decision_start": case.decision_start, "decision_end": case.decision_end,
            "decided_on": case.decided_on, "decision_ref": case.decision_ref,
            "decision_rule": rule.ref if rule else "",
            "signed_by": [str(AUTHORITY_LABELS[a]) for a in case.signed_by] if kind == "decision" else [],
            "proposal": str(case.get_proposal_display()) if case.proposal else "",
            "stipend_stopped": case.decision == rules.TEMPORARY,
        }


def issue(case: DisciplinaryCase, kind: str, language: str, by) -> IssuedDocument:
    return issue_once(template=f"documents/discipline_{kind}.html", facts=facts(case, kind, language),
                      kind=KINDS[kind], language=language, person=case.status.person, by=by)
