"""Publication of a competition's results (issue 4, item 7): the merit list as PDF and Excel in
French and Arabic, and each candidate's personal result slip.

What a list may show (law 09-08, personal data): the candidate number, the names in Latin and
Arabic letters, the rank and the outcome — never the national id nor the passport. The public
documents list the admitted candidates only; the jury's internal list (staff of the competition's
scope) has every ranked candidate with the weighted total. A list is a draft, watermarked, until
the jury locked it and the competition is published (docs/decisions/0009-publication-of-results.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop

from residanat.accounts.roles import Role
from residanat.documents import kinds
from residanat.documents.attestations import identity_facts
from residanat.documents.excel import Sheet
from residanat.documents.export_jobs import export_kind
from residanat.documents.http import document_language
from residanat.documents.models import IssuedDocument
from residanat.documents.parts import render_listing_pdf
from residanat.documents.pdf import already_issued, issue_pdf
from residanat.documents.readers import Readers
from residanat.ops import jobs
from residanat.rules.merit import fmt, rule_ar

from .merit import entries_for_publication, explanation
from .models import Candidate, Competition, MeritEntry, MeritList, Score
from .scores import show

# Read as the candidacy is (views_merit.result_slip: Candidate.objects.visible_to, every role of the
# competition's scope), and by the candidate.
RESULT_SLIP = kinds.register("result_slip", gettext_lazy("Relevé de notes et résultat de concours"),
                             readers=Readers(frozenset(Role), through=Candidate))
Outcome = MeritEntry.Outcome
ADMITTED = (Outcome.ADMITTED, Outcome.ADMITTED_ON_TITLES, Outcome.ADMITTED_FOREIGN)
FOREIGN_OUTCOMES = (Outcome.ADMITTED_FOREIGN, Outcome.FOREIGN_BELOW_THRESHOLD, Outcome.FOREIGN_OVER_CAP)


# --- which list ----------------------------------------------------------------------------------

def published_merit_list(competition: Competition) -> MeritList | None:
    """The list the public sees: the latest version the jury locked, once the results are published."""
    if competition.state != Competition.State.PUBLISHED:
        return None
    return competition.merit_lists.filter(locked_at__isnull=False).order_by("-version").first()


def with_results_online(competitions):
    """`competitions` annotated with `results_online`: whether `concours:results` answers for
    each (published, with a list the jury locked). A session recorded as published without its
    list on the platform (an earlier session, kept for the count of attempts) has none."""
    locked = MeritList.objects.filter(competition=OuterRef("pk"), locked_at__isnull=False)
    online = Q(Exists(locked), state=Competition.State.PUBLISHED)
    return competitions.annotate(results_online=ExpressionWrapper(online, output_field=BooleanField()))


@dataclass
class CandidateResult:
    """What a candidate may read of a published competition: `online` when its list is held on
    the platform, then their `entry` in it (None when they are not on it: not eligible, withdrawn)."""

    online: bool
    entry: MeritEntry | None = None

    @property
    def admitted(self) -> bool:
        return self.entry is not None and self.entry.outcome in ADMITTED


def candidate_result(candidate: Candidate) -> CandidateResult | None:
    """None until the competition's results are published."""
    if candidate.competition.state != Competition.State.PUBLISHED:
        return None
    merit_list = published_merit_list(candidate.competition)
    if merit_list is None:
        return CandidateResult(online=False)
    return CandidateResult(online=True, entry=merit_list.entries.filter(candidate=candidate).first())


def is_draft(competition: Competition, merit_list: MeritList) -> bool:
    """A list is official only when the jury locked it and the results are published; before, and
    for an older version than the published one, every copy says it is not the published list."""
    if not merit_list.locked or competition.state != Competition.State.PUBLISHED:
        return True
    published = published_merit_list(competition)
    return published is None or published.pk != merit_list.pk


def list_rows(merit_list: MeritList, *, public: bool):
    """The rows of a list as they may be shown: the admitted only for the public (law 09-08:
    no more than the purpose needs), every entry for the jury."""
    rows = entries_for_publication(merit_list)
    return [row for row in rows if row.admitted] if public else rows


def pool_label(pool: str) -> str:
    if not pool:
        return ""
    from residanat.referential.models import Specialty

    return str(dict(Specialty.TrackChoice.choices).get(pool, pool))


def competition_title(competition: Competition) -> str:
    """"Résidanat 2026 — Faculté de médecine et de pharmacie de Casablanca" in the active language."""
    return f"{competition.get_kind_display()} {competition.year} — {competition.faculty.name}"


def rule_label(rule: str, language: str) -> str:
    return rule_ar(rule) if language == "ar" else rule


# --- summary of a list (page and internal documents) --------------------------------------------

@dataclass
class SeatLine:
    label: str
    open: int | None  # None: no fixed number (foreigners on top of the internat's seats)
    used: int
    note: str = ""


@dataclass
class MeritSummary:
    seats: dict
    lines: list[SeatLine]  # the seats of the list and how many the admitted take
    outcomes: list[tuple[str, int]]  # (label, count), every outcome present
    admitted: int
    ties: list[dict]


def merit_summary(merit_list: MeritList) -> MeritSummary:
    """The seats the list worked with (MeritList.seats, from concours.merit.seats_of) and how many
    of them the admitted candidates take, in the active language."""
    seats = merit_list.seats or {}
    kind = seats.get("kind") or merit_list.competition.kind
    rows = list(merit_list.entries.values_list("pool", "outcome", "seat_type"))
    counts = Counter(outcome for _pool, outcome, _seat in rows)
    by_pool = Counter(pool for pool, outcome, _seat in rows if outcome == Outcome.ADMITTED)
    lines = []
    whom = _("candidats marocains") if kind != Competition.Kind.PUBLIC_HEALTH_INTERNAT else _("tous les candidats")
    for pool, open_seats in (seats.get("pools") or {}).items():
        label = _("Places ouvertes aux %(whom)s") % {"whom": whom}
        if pool:
            label += f" — {pool_label(pool)}"
        lines.append(SeatLine(label, open_seats, by_pool[pool]))
    if kind == Competition.Kind.RESIDANAT:
        titles = [(entry_seat, outcome) for _pool, outcome, entry_seat in rows if outcome == Outcome.ADMITTED_ON_TITLES]
        if seats.get("titles_intern"):
            lines.append(SeatLine(_("Internes admis sur titres (D93 art. 21 1.a, dans la limite des postes)"),
                                  None, sum(1 for seat, _o in titles if seat != "military")))
        if seats.get("military") or seats.get("titles_military"):
            lines.append(SeatLine(_("Postes militaires (D93 art. 21 1.b)"), seats.get("military", 0),
                                  sum(1 for seat, _o in titles if seat == "military")))
        foreign_by_pool = Counter(pool for pool, outcome, _seat in rows if outcome == Outcome.ADMITTED_FOREIGN)
        # Decision 0017: each track's foreigners on its own volunteer posts (older lists: one line).
        tracks = seats.get("by_track") or {"": {"foreign_cap": seats.get("foreign_cap", 0),
                                               "volunteer": seats.get("volunteer", 0), "total": seats.get("total", 0)}}
        for track, facts in tracks.items():
            label = _("Postes bénévoles des candidats étrangers (D93 art. 21)")
            lines.append(SeatLine(
                f"{label} — {pool_label(track)}" if track else label, facts["foreign_cap"],
                foreign_by_pool[track] if track else counts[Outcome.ADMITTED_FOREIGN],
                _("au plus %(volunteer)s postes bénévoles et %(share)s %% des %(total)s postes")
                % {"volunteer": facts["volunteer"], "share": _percent(seats.get("foreign_share")),
                   "total": facts["total"]}))
    elif kind == Competition.Kind.INTERNAT:
        lines.append(SeatLine(_("Candidats étrangers, en sus des places (D93 art. 13)"), None,
                              counts[Outcome.ADMITTED_FOREIGN]))
    return MeritSummary(
        seats=seats,
        lines=lines,
        outcomes=[(label, counts[value]) for value, label in Outcome.choices if counts[value]],
        admitted=sum(counts[o] for o in ADMITTED),
        ties=seats.get("unresolved_ties", []),
    )


# --- the list as PDF and Excel -------------------------------------------------------------------

def merit_list_facts(competition: Competition, merit_list: MeritList, language: str, *, public: bool) -> dict:
    """What the list prints, in `language`: nothing a model instance would add unseen."""
    with translation.override(language):
        rows = [{
            "number": row.number,
            "name_fr": row.name_fr,
            "name_ar": row.name_ar,
            "pool": pool_label(row.pool),
            "rank": row.rank,
            "outcome": str(row.outcome_label),
            "admitted": row.admitted,
            # The jury's list shows the weighted total; the public one never does.
            "total": None if public else fmt(row.total) if row.total is not None else "",
        } for row in list_rows(merit_list, public=public)]
        return {
            "competition": competition_title(competition),
            "slug": competition.slug,
            "hospital_centre": competition.hospital_centre.name if competition.hospital_centre_id else "",
            "session_date": competition.session_date,
            "version": merit_list.version,
            "deliberated_on": timezone.localdate(merit_list.locked_at) if merit_list.locked_at else None,
            "reason": merit_list.reason,
            "public": public,
            "pools": any(r["pool"] for r in rows),
            "rows": rows,
            "admitted": sum(1 for r in rows if r["admitted"]),
        }


def merit_list_title(public: bool, language: str) -> str:
    with translation.override(language):
        return str(_("Liste des candidats admis") if public else _("Liste de mérite"))


def merit_list_pdf(competition: Competition, merit_list: MeritList, language: str, *, public: bool) -> bytes:
    """The list as an unrecorded PDF (it is a listing, not a certificate: each candidate's own
    proof is the numbered result slip). A draft carries the watermark "Projet — non publié"."""
    return _render_list(*_list_job(competition, merit_list, language, public))


def _list_job(competition, merit_list, language, public) -> tuple[dict, str, str, bool]:
    """What rendering needs, read from the database now: (facts, title, language, draft). The
    rendering itself touches no model."""
    language = document_language(value=language, default="fr")
    facts = merit_list_facts(competition, merit_list, language, public=public)
    return facts, merit_list_title(public, language), language, is_draft(competition, merit_list)


def _render_list(facts, title, language, draft) -> bytes:
    # A long list in parts on every CPU (documents/parts.py): 3,000 rows in seconds.
    return render_listing_pdf(template="documents/merit_list.html", facts=facts, kind="merit_list", title=title,
                              language=language, extra_context={"draft": draft})


# A list of a few hundred candidates takes WeasyPrint several seconds per language: it is rendered
# once per version, language, audience and draft status, kept in the storage and served from there.
# Long lists are rendered by the worker while the page polls (STYLE: the page never hangs).
SYNC_ROWS = 150


def stored_list_name(competition: Competition, merit_list: MeritList, language: str, public: bool) -> str:
    language = document_language(value=language, default="fr")
    # A recomputed working version is a new row: its pk and creation time make the name.
    made = merit_list.created_at.strftime("%Y%m%d%H%M%S%f")
    locked = merit_list.locked_at.strftime("%Y%m%d%H%M%S%f") if merit_list.locked_at else "open"
    state = "draft" if is_draft(competition, merit_list) else "final"
    audience = "public" if public else "jury"
    return f"listes/{competition.slug}/{merit_list.pk}-{made}-{locked}-{audience}-{state}-{language}.pdf"


def stored_merit_list_pdf(competition, merit_list, language, *, public: bool) -> bytes | None:
    name = stored_list_name(competition, merit_list, language, public)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def _store(name: str, pdf: bytes) -> None:
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(pdf))


def merit_list_pdf_stored(competition, merit_list, language, *, public: bool) -> bytes:
    """The stored copy, rendered (and stored) now when there is none."""
    pdf = stored_merit_list_pdf(competition, merit_list, language, public=public)
    if pdf is None:
        pdf = merit_list_pdf(competition, merit_list, language, public=public)
        _store(stored_list_name(competition, merit_list, language, public), pdf)
    return pdf


RENDERING_JOB = "concours.render_merit_list"


def is_rendering(name: str) -> bool:
    return jobs.is_running(name)


def do_start_rendering(competition, merit_list, language, *, public: bool, by=None) -> str:
    """Have the worker render and store the list (one job at a time per document); returns the
    stored name to poll."""
    name = stored_list_name(competition, merit_list, language, public)
    if not default_storage.exists(name):
        language = document_language(value=language, default="fr")
        jobs.do_start_job(RENDERING_JOB, competition.pk, merit_list.pk, language, public, key=name,
                          label=merit_list_title(public, language), by=by)
    return name


def rendering_failure(name: str) -> str:
    """Why the last rendering of the stored list `name` failed, if it did: the page polling for it
    says so and stops, rather than start a job at each poll."""
    return jobs.failure(name)


def _rendering_label(competition_id: int, merit_list_id: int, language: str, public: bool) -> str:
    return str(_("Liste des candidats admis") if public else _("Liste de mérite"))


def _rendering_readers(user, competition_id: int, merit_list_id: int, language: str, public: bool) -> bool:
    """As views_merit._list_for_download: the jury's list to the staff of the competition's scope,
    the admitted list to everybody once published."""
    return public or Competition.objects.visible_to(user).filter(pk=competition_id).exists()


@jobs.job_kind(RENDERING_JOB, label=_rendering_label, readers=_rendering_readers,
               opens=gettext_noop("Ouvrir le document"))
def _render_list_job(job, competition_id: int, merit_list_id: int, language: str, public: bool) -> str:
    competition = Competition.objects.select_related("faculty", "hospital_centre").get(pk=competition_id)
    merit_list = MeritList.objects.get(pk=merit_list_id)
    # Stored under the name the request polls; a job run again finds the copy and keeps it.
    _store(job.key, _render_list(*_list_job(competition, merit_list, language, public)))
    which = "public=1" if public else f"version={merit_list.version}"
    return f"{reverse('concours:merit_pdf', args=[competition.slug])}?lang={language}&{which}"


def merit_list_sheets(competition: Competition, merit_list: MeritList, language: str, *, public: bool) -> list[Sheet]:
    language = document_language(value=language, default="fr")
    facts = merit_list_facts(competition, merit_list, language, public=public)
    with translation.override(language):
        headers = [_("Rang"), _("N° de candidat"), _("Nom et prénom"), _("Nom et prénom (arabe)"), _("Résultat")]
        if facts["pools"]:
            headers.insert(0, _("Filière"))
        if not public:
            headers.append(_("Moyenne pondérée /20"))
        rows = []
        for r in facts["rows"]:
            row = [r["rank"], r["number"], r["name_fr"], r["name_ar"], r["outcome"]]
            if facts["pools"]:
                row.insert(0, r["pool"])
            if not public:
                # As a number, so that the jury can sort and check it.
                row.append(Decimal(r["total"].replace(",", ".")) if r["total"] else None)
            rows.append(row)
        title = merit_list_title(public, language)
        if is_draft(competition, merit_list):
            title = f"{title} ({_('projet')})"
        sheet = Sheet(title, headers, rows, language)
    return [sheet]


def merit_list_filename(competition: Competition, merit_list: MeritList, language: str, public: bool, ext: str) -> str:
    what = "admis" if public else "liste-de-merite"
    return f"{what}-{competition.slug}-v{merit_list.version}-{language}.{ext}"


MERIT_EXPORT = "concours.merit_xlsx"


def merit_workbook(competition_id: int, merit_list_id: int, public: bool, user, language: str):
    competition = Competition.objects.select_related("faculty", "hospital_centre").get(pk=competition_id)
    merit_list = MeritList.objects.get(pk=merit_list_id, competition=competition)
    return (merit_list_filename(competition, merit_list, language, public, "xlsx"),
            merit_list_sheets(competition, merit_list, language, public=public))


export_kind(MERIT_EXPORT, build=merit_workbook,
            readers=lambda user, competition_id, merit_list_id, public: _rendering_readers(
                user, competition_id, merit_list_id, "", public),
            label=lambda competition_id, merit_list_id, public: f"{_rendering_label(0, 0, '', public)} (Excel)")


# --- the personal result slip --------------------------------------------------------------------

class SlipUnavailable(Exception):
    """No slip for this candidate: results not published, or no entry in the published list."""


def published_entry(candidate: Candidate) -> MeritEntry:
    merit_list = published_merit_list(candidate.competition)
    if merit_list is None:
        raise SlipUnavailable("results not published")
    entry = merit_list.entries.filter(candidate=candidate).first()
    if entry is None:
        raise SlipUnavailable("candidate not in the published list")
    return entry


def slip_available(candidate: Candidate) -> bool:
    """Whether `concours:result_slip` answers for this candidacy (for a link in the candidate's space)."""
    try:
        published_entry(candidate)
    except SlipUnavailable:
        return False
    return True


def result_slip_facts(candidate: Candidate, entry: MeritEntry, language: str) -> dict:
    competition, person, merit_list = candidate.competition, candidate.person, entry.merit_list
    with translation.override(language):
        scores = {s.test_id: s for s in Score.objects.filter(candidate=candidate)}
        tests = []
        if candidate.route == Candidate.Route.COMPETITION:
            for test in competition.tests.order_by("order", "code"):
                score = scores.get(test.pk)
                tests.append({
                    "name": test.name,
                    "weight": show(test.weight),
                    "max_score": show(test.max_score),
                    "score": show(score.value) if score and score.value is not None else "",
                    "absent": bool(score and score.absent),
                })
        seats = merit_list.seats or {}
        # Résidanat (decision 0017): the cap is that of the candidate's track.
        track_seats = (seats.get("by_track") or {}).get(entry.pool) or seats
        foreign = None
        if not person.is_moroccan and entry.rule:
            foreign = {
                "rule": rule_label(entry.rule, language),
                "threshold": fmt(entry.threshold) if entry.threshold is not None else "",
                # Résidanat (D93 art. 21): at most the volunteer posts and 10 % of the seats.
                "cap": track_seats.get("foreign_cap") if competition.kind == Competition.Kind.RESIDANAT else None,
                "volunteer": track_seats.get("volunteer"),
                "share": _percent(seats.get("foreign_share")),
                "total_seats": track_seats.get("total"),
            }
        ranked = merit_list.entries.filter(pool=entry.pool, rank__isnull=False).count()
        return {
            "competition": competition_title(competition),
            "hospital_centre": competition.hospital_centre.name if competition.hospital_centre_id else "",
            "session_date": competition.session_date,
            "version": merit_list.version,
            "deliberated_on": timezone.localdate(merit_list.locked_at) if merit_list.locked_at else None,
            "candidate": {
                "number": candidate.number,
                **identity_facts(person),
                "route": str(candidate.get_route_display()),
                "track": pool_label(candidate.track),
            },
            "tests": tests,
            "total": fmt(entry.total) if entry.total is not None else "",
            "rank": entry.rank,
            "ranked": ranked,
            "pool": pool_label(entry.pool),
            "outcome": str(entry.get_outcome_display()),
            "admitted": entry.outcome in ADMITTED,
            "foreign": foreign,
            "explanation": explanation(entry, language),
        }


def _percent(share) -> str:
    if share in (None, ""):
        return ""
    return f"{(Decimal(str(share)) * 100).normalize():f}".replace(".", ",")


def result_slip_title(candidate: Candidate, language: str) -> str:
    with translation.override(language):
        return f"{kinds.label(RESULT_SLIP)} — {competition_title(candidate.competition)}"


def issue_result_slip(candidate: Candidate, language: str, issued_by=None) -> IssuedDocument:
    """The candidate's numbered, verifiable result slip from the published list. Asking again
    for the same content gives back the slip already issued (the register keeps one per content:
    a revision of the list, or another language, issues a new one)."""
    language = document_language(value=language, default="fr")
    entry = published_entry(candidate)
    facts = result_slip_facts(candidate, entry, language)
    title = result_slip_title(candidate, language)
    earlier = (IssuedDocument.objects
               .filter(kind=RESULT_SLIP, person=candidate.person, language=language, title=title)
               .exclude(file="").exclude(number=None).order_by("-issued_at"))
    return (already_issued(earlier[:5], kind=RESULT_SLIP, language=language, title=title, facts=facts)
            or issue_pdf(template="documents/result_slip.html", facts=facts, kind=RESULT_SLIP, title=title,
                         language=language, person=candidate.person, issued_by=issued_by))
