"""The documents of a closed choice of posts (issue 5 §9, §7): the final assignment list as a
numbered PDF (French or Arabic) and as Excel, and each laureate's personal assignment notice.

Issuing the final list is a publication: it appends a `publication` entry to the session's log.
The list prints the head of the log as it stood just before that entry, so anyone holding the
list can check that the log they are shown had exactly that history when it was published.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop

from residanat.accounts.roles import STAFF_ROLES
from residanat.concours.models import COMPETITION_EDITOR_ROLES, Candidate, PostAllocation
from residanat.concours.publication import competition_title
from residanat.documents import kinds
from residanat.documents.attestations import identity_facts
from residanat.documents.excel import Sheet
from residanat.documents.export_jobs import export_kind
from residanat.documents.http import document_language
from residanat.documents.models import IssuedDocument
from residanat.documents.pdf import already_issued, issue_pdf
from residanat.documents.readers import Readers
from residanat.ops import jobs
from residanat.ops.models import Job

from . import log
from .models import Choice, ChoiceSession, Chooser, LogEntry
from .results import assignment_rows, closed_at, is_final, local_date, own_choice, post_lines, sees_every_laureate
from .sessions import lock_session

# The list is read by the staff of the competition's scope (results.sees_every_laureate); in the
# register, about no one person, by its national readers and the office that published it.
RESULTS_LIST = kinds.register("choice_results", gettext_lazy("Liste des affectations — choix des postes"),
                              readers=Readers(STAFF_ROLES))
# A notice: the laureate and the office running the choice (views_results.notice), decision 0011.
ASSIGNMENT_NOTICE = kinds.register("assignment_notice", gettext_lazy("Avis d'affectation"),
                                   readers=Readers(COMPETITION_EDITOR_ROLES, through=Candidate))
PUBLICATION = "publication"
Seat = PostAllocation.SeatType


class NotReady(Exception):
    """No such document yet: the session is not closed, or the laureate holds no post."""


# --- the final list ------------------------------------------------------------------------------

def results_title(session: ChoiceSession, language: str) -> str:
    with translation.override(language):
        return f"{_('Liste des affectations')} — {competition_title(session.competition)}"


def results_facts(session: ChoiceSession, user, language: str, *, head: str, entries: int) -> dict:
    """What the final list prints, in `language`: every laureate in call order with the post they
    took, the per-post table, and the head of the log at the time of publication."""
    competition = session.competition
    with translation.override(language):
        rows = [{
            "order": r.order, "number": r.number, "name_fr": r.name_fr, "name_ar": r.name_ar,
            "post": r.post_code, "specialty": r.specialty, "seat_type": r.seat_type_label,
            # Without a post, the mode says why: absent at the call, or no post left for them.
            "method": r.method_label if r.assigned else r.presence_label,
            "assigned": r.assigned,
        } for r in assignment_rows(session, user, language)]
        posts = [{
            "code": p.code, "specialty": p.specialty, "seat_type": p.seat_type_label, "capacity": p.capacity,
            "filled": p.filled, "cutoff": p.cutoff, "quota": p.quota,
        } for p in post_lines(session, language)]
        return {
            "competition": competition_title(competition),
            "slug": competition.slug,
            "hospital_centre": competition.hospital_centre.name if competition.hospital_centre_id else "",
            "merit_list_version": session.merit_list.version,
            "closed_on": local_date(closed_at(session)),
            "rows": rows,
            "posts": posts,
            "assigned": sum(1 for r in rows if r["assigned"]),
            "laureates": len(rows),
            "log_head": head,
            "log_entries": entries,
        }


def published(session: ChoiceSession, language: str) -> IssuedDocument | None:
    """The list published in `language` and still current (nothing but publications since)."""
    return _last_publication(session, document_language(value=language, default="fr"))


def _last_publication(session: ChoiceSession, language: str) -> IssuedDocument | None:
    """The list already published in `language`, when nothing but other publications came into the
    log since: the same content, so the same document rather than a new number and entry."""
    for entry in LogEntry.objects.filter(session=session).order_by("-seq"):
        if entry.kind != PUBLICATION:
            return None
        if entry.payload.get("language") == language:
            return (IssuedDocument.objects.filter(kind=RESULTS_LIST, number=entry.payload.get("document"))
                    .exclude(file="").first())
    return None


def do_publish_results(session: ChoiceSession, language: str, by) -> IssuedDocument:
    """Publish the final assignment list in `language`: a numbered PDF printing the head of the
    log, and a `publication` entry appended to the log (document number, language, head printed)."""
    language = document_language(value=language, default="fr")
    document = None
    try:
        with transaction.atomic():
            session = lock_session(session)
            if not is_final(session):
                raise NotReady("the session is not closed")
            earlier = _last_publication(session, language)
            if earlier is not None:
                return earlier
            check = log.verify(session)
            if not check.ok:
                # A list must not vouch for a log that does not check out.
                raise ValidationError(_("Le journal du choix ne se vérifie pas (entrée %(seq)s) : publication "
                                        "impossible.") % {"seq": check.broken_seq})
            facts = results_facts(session, by, language, head=check.head, entries=check.entries)
            document = issue_pdf(template="documents/choice_results.html", facts=facts, kind=RESULTS_LIST,
                                 title=results_title(session, language), language=language, issued_by=by)
            log.do_append_entry(session, PUBLICATION, {"document": document.number, "language": language,
                                              "head": check.head, "entries": check.entries}, by)
            return document
    except BaseException:
        # issue_pdf's row went with the rollback; its file is outside the database.
        if document is not None and document.file:
            document.file.storage.delete(document.file.name)
        raise


# WeasyPrint takes about 2.5 s per 100 laureates: a longer list is published by the worker while
# the page polls (STYLE: the page never hangs). One job at a time per session and language; issuing
# is idempotent under the session lock, so a job run again (retried, or after a worker stopped
# midway) gives back the document already published rather than a second one.
SYNC_ROWS = 150
PUBLICATION_JOB = "choice.publish_results"


def _publication_key(session: ChoiceSession, language: str) -> str:
    return f"{PUBLICATION_JOB}:{session.pk}:{document_language(value=language, default='fr')}"


def is_publishing(session: ChoiceSession, language: str) -> bool:
    return jobs.is_running(_publication_key(session, language))


def publication_failure(session: ChoiceSession, language: str) -> str:
    """Why the last background publication failed, until another one is started."""
    return jobs.failure(_publication_key(session, language))


def publication_job(session: ChoiceSession, language: str) -> Job | None:
    return jobs.latest_job(_publication_key(session, language))


def do_start_publication(session: ChoiceSession, language: str, by) -> Job:
    language = document_language(value=language, default="fr")
    with translation.override(language):
        label = results_title(session, language)
    return jobs.do_start_job(PUBLICATION_JOB, session.pk, language, by.pk, key=_publication_key(session, language),
                             label=label, by=by)


def _publication_readers(user, session_id: int, *_rest) -> bool:
    """Who reads the published list (views_results._staff_session): the staff of the session's scope."""
    session = ChoiceSession.objects.visible_to(user).filter(pk=session_id).select_related("competition").first()
    return session is not None and sees_every_laureate(user, session)


@jobs.job_kind(PUBLICATION_JOB, readers=_publication_readers, opens=gettext_noop("Ouvrir le document"),
               label=lambda session_id, language, user_id: results_title(
                   ChoiceSession.objects.select_related("competition__faculty").get(pk=session_id),
                   translation.get_language()))
def _publish_results_job(job: Job, session_id: int, language: str, user_id: int) -> str:
    by = get_user_model().objects.get(pk=user_id)
    do_publish_results(ChoiceSession.objects.get(pk=session_id), language, by)
    slug = ChoiceSession.objects.values_list("competition__slug", flat=True).get(pk=session_id)
    return f"{reverse('choice:results-pdf', args=[slug])}?lang={language}"


def results_sheets(session: ChoiceSession, user, language: str) -> list[Sheet]:
    language = document_language(value=language, default="fr")
    with translation.override(language):
        rows = assignment_rows(session, user, language)
        assignments = Sheet(
            _("Affectations"),
            [_("Ordre d'appel"), _("N° de candidat"), _("Nom et prénom"), _("Nom et prénom (arabe)"),
             _("Poste"), _("Spécialité"), _("Statut des postes"), _("Mode"), _("Mandataire"), _("Choisi le")],
            [[r.order, r.number, r.name_fr, r.name_ar, r.post_code, r.specialty, r.seat_type_label,
              r.method_label if r.assigned else f"{_('sans poste')} ({r.presence_label})", r.proxy_name, r.at]
             for r in rows],
            language)
        posts = Sheet(
            _("Postes"),
            [_("Code"), _("Spécialité"), _("Statut des postes"), _("Places"), _("Pourvues"), _("Restantes"),
             _("Dernier ordre d'appel admis"), _("Contingent")],
            [[p.code, p.specialty, p.seat_type_label, p.capacity, p.filled, p.remaining, p.cutoff, p.quota]
             for p in post_lines(session, language)],
            language)
    return [assignments, posts]


def results_filename(session: ChoiceSession, language: str, ext: str) -> str:
    language = document_language(value=language, default="fr")
    return f"affectations-{session.competition.slug}-{language}.{ext}"


RESULTS_EXPORT = "choice.results_xlsx"


def results_workbook(session_id: int, user, language: str):
    session = ChoiceSession.objects.select_related("competition__faculty").get(pk=session_id)
    return results_filename(session, language, "xlsx"), results_sheets(session, user, language)


export_kind(RESULTS_EXPORT, build=results_workbook, readers=_publication_readers,
            label=lambda session_id: f"{_('Affectations')} (Excel) — "
                                     f"{competition_title(ChoiceSession.objects.get(pk=session_id).competition)}")


# --- the personal notice -------------------------------------------------------------------------

def notice_choice(chooser: Chooser) -> Choice:
    """The choice a notice states. Only once the session is closed: until then a supervisor may
    still undo the last choice, and a notice must not outlive the seat it announces."""
    if not is_final(chooser.session):
        raise NotReady("the session is not closed")
    choice = own_choice(chooser)
    if choice is None:
        raise NotReady("no choice in force")
    return choice


# D93 art. 27 last ¶: "يستمر المقيمون الذين لهم صفة موظف أو مستخدم ... في تقاضي الأجرة المقررة لوضعيتهم
# النظامية": paid by their own administration, not the hospital centre.
CIVIL_SERVANT_LINE = gettext_lazy(
    "D93 art. 27, dernier alinéa : le résident qui est fonctionnaire ou agent à la date de son admission continue "
    "de percevoir la rémunération de sa situation statutaire, versée par son administration, et s'engage à la "
    "servir au moins huit ans à l'issue de sa formation.")


def _articles(seat_type: str) -> list[str]:
    lines = [_("D93 art. 22 : les résidents sont nommés par décision conjointe du ministre de la Santé et du "
               "ministre de l'Enseignement supérieur, sur les postes budgétaires et dans les spécialités fixés "
               "par arrêté conjoint.")]
    if seat_type == Seat.CONTRACT:
        lines.append(_("D93 art. 27 : le résident qui souscrit l'engagement de servir au moins huit ans "
                       "(enseignement supérieur, ministère de la Santé ou centre hospitalier) est nommé dès la "
                       "première année fonctionnaire stagiaire ; à défaut, il perçoit l'indemnité mensuelle "
                       "servie par le centre hospitalier."))
        lines.append(str(CIVIL_SERVANT_LINE))
    elif seat_type == Seat.PUBLIC_ADMINISTRATION:
        lines.append(str(CIVIL_SERVANT_LINE))
        lines.append(_("D93 art. 27 bis : le médecin non fonctionnaire engagé à servir une autre administration "
                       "publique est nommé stagiaire par elle, qui le rémunère sur son budget."))
    elif seat_type == Seat.FOREIGN_VOLUNTEER:
        lines.append(_("D93 art. 21 : poste bénévole ouvert aux candidats étrangers."))
    elif seat_type == Seat.MILITARY:
        lines.append(_("D93 art. 21 1.b : poste réservé aux candidats militaires."))
    return lines


def notice_facts(chooser: Chooser, choice: Choice, language: str) -> dict:
    session, candidate = chooser.session, chooser.candidate
    competition = session.competition
    post = choice.post
    with translation.override(language):
        return {
            "competition": competition_title(competition),
            "hospital_centre": competition.hospital_centre.name if competition.hospital_centre_id else "",
            "candidate": {"number": candidate.number, **identity_facts(candidate.person)},
            "order": chooser.order,
            "post": {
                "code": post.code,
                "specialty": (post.specialty.name_ar or post.specialty.name_fr) if language == "ar"
                else post.specialty.name_fr,
                "centre": ((post.centre.name_ar or post.centre.name_fr) if language == "ar" else post.centre.name_fr)
                if post.centre_id else "",
                "group": str(post.get_group_display()),
                "seat_type": str(post.get_seat_type_display()),
            },
            "seat_type": post.seat_type,
            "method": str(choice.get_method_display()),
            "proxy_name": choice.proxy_name,
            "chosen_on": local_date(choice.at),
            "closed_on": local_date(closed_at(session)),
            "articles": _articles(post.seat_type),
        }


def notice_title(chooser: Chooser, language: str) -> str:
    with translation.override(language):
        return f"{kinds.label(ASSIGNMENT_NOTICE)} — {competition_title(chooser.session.competition)}"


def issue_notice(chooser: Chooser, language: str, issued_by=None) -> IssuedDocument:
    """The laureate's numbered, verifiable assignment notice; asking again for the same content gives
    back the notice already issued (another language is another document)."""
    language = document_language(value=language, default="fr")
    choice = notice_choice(chooser)
    person = chooser.candidate.person
    facts = notice_facts(chooser, choice, language)
    title = notice_title(chooser, language)
    earlier = (IssuedDocument.objects
               .filter(kind=ASSIGNMENT_NOTICE, person=person, language=language, title=title)
               .exclude(file="").exclude(number=None).order_by("-issued_at"))
    return (already_issued(earlier[:5], kind=ASSIGNMENT_NOTICE, language=language, title=title, facts=facts)
            or issue_pdf(template="documents/choice_notice.html", facts=facts, kind=ASSIGNMENT_NOTICE,
                         title=title, language=language, person=person, issued_by=issued_by))
