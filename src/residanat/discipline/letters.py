"""The letters of a disciplinary case, in French or Arabic: the convocation to the hearing (with
the day the file was opened and the right to a defender, D93 art. 32, RD68 ch. 10) and the
decision (the sanction, its dates, who pronounced it and on which opinion). Numbered and
verifiable like every document; the same facts give back the same document.

A convocation is issued when the hearing is fixed (cases.do_set_hearing), so its issue date in the
register is that day, before the hearing; downloading it again gives that document back. None is
issued once the hearing's day has passed: it would be dated after the hearing it convenes to."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.documents import kinds
from residanat.documents.attestations import identity_facts
from residanat.documents.models import IssuedDocument
from residanat.documents.pdf import already_issued, issue_once
from residanat.documents.readers import Readers
from residanat.rules import discipline as rules

from .models import AUTHORITY_LABELS, CASE_READERS, DisciplinaryCase

# Read as the case is (CASE_READERS, D93 art. 31-32, RD68 ch. 9-10): those who take part in the
# procedure and the person; not the payroll nor the pedagogical committees (law 09-08 art. 3).
CASE_LETTER_READERS = Readers(CASE_READERS, through=DisciplinaryCase, person="status__person")
CONVOCATION = kinds.register("discipline_convocation", gettext_lazy("Convocation devant la commission de discipline"),
                             readers=CASE_LETTER_READERS)
DECISION = kinds.register("discipline_decision", gettext_lazy("Décision disciplinaire"), readers=CASE_LETTER_READERS)
KINDS = {"convocation": CONVOCATION, "decision": DECISION}


def refusal(case: DisciplinaryCase, kind: str) -> str | None:
    if kind == "convocation" and case.hearing_on is None:
        return _("La convocation suit la date de comparution : fixez-la d'abord.")
    if kind == "convocation" and case.hearing_on < timezone.localdate() and not IssuedDocument.objects.filter(
            person=case.status.person, kind=CONVOCATION, issued_at__date__lte=case.hearing_on).exists():
        return _past_hearing(case)
    if kind == "decision" and case.state != DisciplinaryCase.State.DECIDED:
        return _("La lettre de décision suit la décision signée par chaque autorité.")
    return None


def _past_hearing(case: DisciplinaryCase) -> str:
    return (_("La comparution du %(day)s est passée et aucune convocation n'a été émise avant elle : une "
              "convocation datée d'après la comparution ne convoquerait personne.")
            % {"day": case.hearing_on.strftime("%d/%m/%Y")})


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
            "hearing_time": case.hearing_time, "hearing_place": case.hearing_place,
            "body": _("commission de discipline") if case.regime == rules.D93 else _("conseil de discipline"),
            "ref": "D93 art. 32" if case.regime == rules.D93 else "RD68 ch. 10",
            "defender": (_("Vous pouvez présenter votre défense en personne ou par un défenseur de votre choix.")
                         if case.regime == rules.D93 else
                         _("Vous pouvez présenter votre défense en personne ou par un défenseur choisi parmi les "
                           "internes.")),
            "decision": str(case.decision_label()),
            "decision_start": case.decision_start, "decision_end": case.decision_end,
            "decided_on": case.decided_on, "decision_ref": case.decision_ref,
            "decision_rule": rule.ref if rule else "",
            "signed_by": [str(AUTHORITY_LABELS[a]) for a in case.signed_by] if kind == "decision" else [],
            "proposal": str(case.proposal_label()),
            "stipend_stopped": case.decision == rules.TEMPORARY,
        }


class LetterRefused(Exception):
    """The letter cannot be issued (now): the message says why."""


def issue(case: DisciplinaryCase, kind: str, language: str, by) -> IssuedDocument:
    """The letter from the register when these facts were issued before, else a new one; a
    convocation is not issued for a hearing whose day has passed."""
    stated = facts(case, kind, language)
    with translation.override(language):
        title = str(kinds.label(KINDS[kind]))
    earlier = already_issued(IssuedDocument.objects.filter(person=case.status.person, kind=KINDS[kind],
                                                           language=language).exclude(file="").order_by("-issued_at"),
                             kind=KINDS[kind], language=language, title=title, facts=stated)
    if earlier is not None:
        return earlier
    if kind == "convocation" and case.hearing_on < timezone.localdate():
        raise LetterRefused(_past_hearing(case))
    return issue_once(template=f"documents/discipline_{kind}.html", facts=stated,
                      kind=KINDS[kind], language=language, person=case.status.person, by=by)
