"""Merit lists: computed from the scores with the pure rules of `residanat.rules.merit`, locked by
the jury's deliberation, revised afterwards only as a new motivated version (all versions kept).

Public functions (pages, PDFs and the workflow call these):
    seats_of(competition) -> dict
    do_compute_merit_list(competition, by, reason="") -> MeritList
    do_deliberate(competition, by) -> MeritList
    do_revise_merit_list(competition, by, reason, *, corrections=()) -> MeritList
    current_merit_list(competition) -> MeritList | None
    entries_for_publication(merit_list) -> list[PublicationRow]
    explanation(entry, language="fr") -> str
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from residanat.rules import merit as rules
from residanat.rules import param

from .models import Candidate, Competition, CompetitionTest, MeritEntry, MeritList, PostAllocation, Score
from .scores import _clean_pair, candidate_problem, write_score

State = Competition.State
Kind = Competition.Kind
Seat = PostAllocation.SeatType
# MeritEntry.explanation holds the French line, then the Arabic line.
EXPLANATION_SEPARATOR = "\n"
TITLES_ROUTES = (Candidate.Route.TITLES_INTERN, Candidate.Route.TITLES_MILITARY)


# --- seats --------------------------------------------------------------------------------------

def _reference_date(competition: Competition) -> dt.date:
    return competition.session_date or competition.registration_closes_on or dt.date(competition.year, 1, 1)


def seats_of(competition: Competition) -> dict:
    """The seats the merit list works with, from the competition's PostAllocations (JSON-ready):

    {"kind", "pools": {pool: seats open to Moroccans (to everybody for the public-health internat)},
     "contract", "public_administration", "military", "volunteer", "total",
     "titles_intern", "titles_military", "foreign_share" (str), "foreign_cap",
     "by_track": {track: {"volunteer", "total", "titles_intern", "foreign_cap"}} (résidanat only)}

    - internat: one pool per track, its contract seats (foreigners come on top, D93 art. 13);
    - résidanat: one pool per track (decision 0017), its contract + public-administration seats
      minus the eligible interns of that track admitted on titles (D93 art. 21 1.a: on titles,
      within the seats); military seats are kept for the military assistants on titles (1.b);
      foreigners on the volunteer posts of their track, at most min(volunteer posts of the track,
      floor(share × all seats of the track)); "foreign_cap" is the sum over the tracks;
    - public-health internat: one pool "", the contract seats (RD68 ch. 3).
    """
    by_type: dict[str, int] = dict.fromkeys(Seat.values, 0)
    # (seat type, track) -> seats
    cells: dict[tuple[str, str], int] = {}
    for row in (PostAllocation.objects.filter(competition=competition)
                .values("seat_type", "track").annotate(n=Sum("seats")).order_by()):
        by_type[row["seat_type"]] += row["n"]
        cells[row["seat_type"], row["track"]] = cells.get((row["seat_type"], row["track"]), 0) + row["n"]
    tracks = sorted({track for _seat, track in cells})
    titles = dict.fromkeys(TITLES_ROUTES, 0)
    interns_by_track: dict[str, int] = {}
    if competition.kind == Kind.RESIDANAT:
        for row in (Candidate.objects.filter(competition=competition, state=Candidate.State.ELIGIBLE,
                                             route__in=TITLES_ROUTES)
                    .values("route", "track").annotate(n=Count("pk")).order_by()):
            titles[row["route"]] += row["n"]
            if row["route"] == Candidate.Route.TITLES_INTERN:
                interns_by_track[row["track"]] = row["n"]
    share, cap, by_track = Decimal(0), 0, {}
    volunteer, total = by_type[Seat.FOREIGN_VOLUNTEER], sum(by_type.values())
    if competition.kind == Kind.INTERNAT:
        pools = {track: cells[Seat.CONTRACT, track] for track in tracks if (Seat.CONTRACT, track) in cells}
    elif competition.kind == Kind.RESIDANAT:
        share = Decimal(param("residanat.foreign_share_max", on=_reference_date(competition)))
        pools = {}
        for track in sorted(set(tracks) | set(interns_by_track)):
            moroccan = (cells.get((Seat.CONTRACT, track), 0) + cells.get((Seat.PUBLIC_ADMINISTRATION, track), 0)
                        - interns_by_track.get(track, 0))
            pools[track] = max(0, moroccan)
            track_volunteer = cells.get((Seat.FOREIGN_VOLUNTEER, track), 0)
            track_total = sum(n for (_seat, t), n in cells.items() if t == track)
            by_track[track] = {"volunteer": track_volunteer, "total": track_total,
                               "titles_intern": interns_by_track.get(track, 0),
                               "foreign_cap": rules.foreign_cap(track_volunteer, track_total, share)}
        cap = sum(t["foreign_cap"] for t in by_track.values())
    else:
        pools = {"": by_type[Seat.CONTRACT]}
    seats = {
        "kind": competition.kind,
        "pools": pools,
        "contract": by_type[Seat.CONTRACT],
        "public_administration": by_type[Seat.PUBLIC_ADMINISTRATION],
        "military": by_type[Seat.MILITARY],
        "volunteer": volunteer,
        "total": total,
        "titles_intern": titles[Candidate.Route.TITLES_INTERN],
        "titles_military": titles[Candidate.Route.TITLES_MILITARY],
        "foreign_share": str(share),
        "foreign_cap": cap,
    }
    if competition.kind == Kind.RESIDANAT:
        seats["by_track"] = by_track
    return seats


# --- computing a list (no write) ----------------------------------------------------------------

@dataclass
class _Plan:
    tie_break: list[str]
    seats: dict
    entries: list[MeritEntry]  # unsaved, without merit_list
    ties: list[rules.UnresolvedTie]


def tie_break_of(competition: Competition) -> list[str]:
    return list(competition.tie_break or settings.RESIDANAT_TIE_BREAK)


def _pool(competition: Competition, candidate: Candidate) -> str:
    """Internat (D93 art. 10) and résidanat (decision 0017): the candidate's track; one list for the
    public-health internat."""
    return "" if competition.kind == Kind.PUBLIC_HEALTH_INTERNAT else candidate.track


def _titles_entry(candidate: Candidate) -> MeritEntry:
    rule = rules.RULE_RESIDANAT
    if candidate.route == Candidate.Route.TITLES_MILITARY:
        fr = "Admis sur titres : lauréat du concours d'assistanat des hôpitaux militaires, sur les postes militaires"
        ar = "مقبول بناء على الشهادات: ناجح في مباراة المساعدين بالمستشفيات العسكرية، في المناصب العسكرية"
        seat_type, item = Seat.MILITARY, "1.b"
    else:
        fr = "Admis sur titres : interne ayant validé deux années d'internat effectif, dans la limite des postes"
        ar = "مقبول بناء على الشهادات: داخلي صحّح سنتين من العمل الفعلي في القسم الداخلي، في حدود المقاعد"
        seat_type, item = "", "1.a"
    return MeritEntry(
        # Listed with their track, whose seats they take (decision 0017).
        candidate=candidate, pool=candidate.track, rank=None, total=None,
        outcome=MeritEntry.Outcome.ADMITTED_ON_TITLES,
        seat_type=seat_type, rule=rule, threshold=None,
        explanation=f"{fr} ({rule} {item}){EXPLANATION_SEPARATOR}{ar} ({rules.rule_ar(rule)}، {item})")


def _plan(competition: Competition) -> _Plan:
    """The merit list the current data gives, with the ties it leaves (nothing written).
    Queries: tests, allocations, titles count, candidates, scores: a fixed number."""
    tests = list(CompetitionTest.objects.filter(competition=competition).order_by("order", "code"))
    if not tests:
        raise ValidationError(_("Aucune épreuve n'est définie : la liste de mérite ne peut être calculée."))
    keys = tie_break_of(competition)
    problems = rules.check_tie_break_keys(keys, [t.code for t in tests])
    if problems:
        raise ValidationError(_("Critères de départage invalides : %(problems)s.") % {"problems": "; ".join(problems)})
    seats = seats_of(competition)
    weights = {t.code: t.weight for t in tests}
    max_scores = {t.code: t.max_score for t in tests}
    code_of = {t.pk: t.code for t in tests}

    candidates = list(Candidate.objects.filter(competition=competition, state=Candidate.State.ELIGIBLE)
                      .select_related("person").order_by("number"))
    scores: dict[int, dict[str, Decimal | None]] = {}
    for candidate_id, test_id, value, absent in Score.objects.filter(
            candidate__competition=competition, candidate__state=Candidate.State.ELIGIBLE,
            test__competition=competition).values_list("candidate_id", "test_id", "value", "absent"):
        scores.setdefault(candidate_id, {})[code_of[test_id]] = None if absent else value

    entries, contestants, missing = [], [], []
    by_id = {c.pk: c for c in candidates}
    for candidate in candidates:
        if competition.kind == Kind.RESIDANAT and candidate.route in TITLES_ROUTES:
            entries.append(_titles_entry(candidate))
            continue
        own = scores.get(candidate.pk, {})
        lacking = [code for code in weights if code not in own]
        if lacking:
            missing.append(f"{candidate.number} ({', '.join(lacking)})")
            continue
        contestants.append(rules.Contestant(
            id=candidate.pk, pool=_pool(competition, candidate),
            total=rules.weighted_total(own, weights, max_scores), moroccan=candidate.person.is_moroccan,
            tie_values=rules.tie_values(keys, own, weights, candidate.person.birth_date)))
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise ValidationError(_("%(count)s candidats recevables n'ont pas toutes leurs notes : %(list)s.")
                              % {"count": len(missing), "list": shown})

    share = Decimal(seats["foreign_share"])
    # Résidanat: the foreigners' cap is counted on the seats of their track (decision 0017).
    by_track = seats.get("by_track", {})
    volunteer = {track: t["volunteer"] for track, t in by_track.items()} if by_track else seats["volunteer"]
    total = {track: t["total"] for track, t in by_track.items()} if by_track else seats["total"]
    ranked = rules.rank(contestants, keys)
    ties = rules.unresolved_ties(competition.kind, ranked, seats["pools"], volunteer, total, share)
    for d in rules.decide(competition.kind, ranked, seats["pools"], volunteer, total, share,
                          strict=False):
        entries.append(MeritEntry(
            candidate=by_id[d.id], pool=d.pool, rank=d.rank, total=d.total, outcome=d.outcome,
            seat_type=d.seat_type, rule=d.rule, threshold=d.threshold,
            explanation=f"{d.explanation_fr}{EXPLANATION_SEPARATOR}{d.explanation_ar}"))
    return _Plan(keys, seats, entries, ties)


def _ties_json(plan: _Plan) -> list[dict]:
    numbers = {e.candidate_id: e.candidate.number for e in plan.entries}
    return [{"pool": t.pool, "rank": t.rank, "candidates": [numbers[i] for i in t.ids]} for t in plan.ties]


def _tie_message(ties: list[dict]) -> str:
    return " ".join(
        _("Ex aequo non départagés au rang %(rank)s pour la dernière place : %(candidates)s.")
        % {"rank": t["rank"], "candidates": ", ".join(t["candidates"])} for t in ties
    ) + " " + _("Ajoutez un critère de départage au concours, recalculez la liste, puis délibérez.")


def _save(competition: Competition, plan: _Plan, version: int, by, reason: str, lock: bool) -> MeritList:
    seats = dict(plan.seats, unresolved_ties=_ties_json(plan))
    merit_list = MeritList.objects.create(
        competition=competition, version=version, reason=reason, tie_break=plan.tie_break, seats=seats,
        created_by=by, locked_by=by if lock else None, locked_at=timezone.now() if lock else None)
    for entry in plan.entries:
        entry.merit_list = merit_list
    MeritEntry.objects.bulk_create(plan.entries)
    return merit_list


def _lock_competition(competition: Competition, by) -> Competition:
    locked = Competition.objects.select_for_update().get(pk=competition.pk)
    if not Competition.objects.visible_to(by, "change").filter(pk=locked.pk).exists():
        raise PermissionDenied(_("Vous ne pouvez pas modifier la liste de mérite de ce concours."))
    return locked


def _latest(competition: Competition) -> MeritList | None:
    return MeritList.objects.filter(competition=competition).order_by("-version").first()


# --- services -----------------------------------------------------------------------------------

def do_compute_merit_list(competition: Competition, by, reason: str = "") -> MeritList:
    """(Re)compute the working merit list from the scores once they are closed (state
    scores_entered). It replaces the latest version while the jury has not locked it; a locked
    version is never touched (use `do_revise_merit_list`). A tie across a last seat does not stop
    the computation: those candidates are shown "ex aequo" and the jury cannot deliberate."""
    with transaction.atomic():
        locked = _lock_competition(competition, by)
        if locked.state != State.SCORES_ENTERED:
            raise ValidationError(_("La liste de mérite se calcule une fois les notes arrêtées (état actuel : "
                                    "%(state)s).") % {"state": locked.get_state_display()})
        latest = _latest(locked)
        if latest is not None and latest.locked:
            raise ValidationError(_("La version %(version)s de la liste de mérite est arrêtée par le jury : toute "
                                    "modification passe par une nouvelle version motivée.")
                                  % {"version": latest.version})
        plan = _plan(locked)
        version = latest.version if latest else 1
        if latest is not None:
            latest.delete()
        return _save(locked, plan, version, by, reason, lock=False)


def _signature(entries: Iterable[MeritEntry]) -> set:
    return {(e.candidate_id, e.pool, e.rank, e.total, e.outcome, e.seat_type, e.rule, e.threshold) for e in entries}


def do_deliberate(competition: Competition, by) -> MeritList:
    """The jury's deliberation: lock the latest version of the merit list. Refused when there is
    none, when it is already locked, when the data changed since it was computed, and while a tie
    straddles a last seat. The competition's state is the workflow's business (concours/workflow.py)."""
    with transaction.atomic():
        locked = _lock_competition(competition, by)
        if locked.state != State.SCORES_ENTERED:
            raise ValidationError(_("Le jury délibère sur des notes arrêtées (état actuel : %(state)s).")
                                  % {"state": locked.get_state_display()})
        latest = MeritList.objects.select_for_update().filter(competition=locked).order_by("-version").first()
        if latest is None:
            raise ValidationError(_("Aucune liste de mérite à délibérer : calculez-la d'abord."))
        if latest.locked:
            raise ValidationError(_("La version %(version)s de la liste de mérite est déjà arrêtée.")
                                  % {"version": latest.version})
        plan = _plan(locked)
        ties = _ties_json(plan)
        if ties:
            raise ValidationError(_tie_message(ties))
        if (plan.tie_break != latest.tie_break or dict(plan.seats, unresolved_ties=[]) != latest.seats
                or _signature(plan.entries) != _signature(latest.entries.all())):
            raise ValidationError(_("Les notes, les candidats, les postes ou le départage ont changé depuis le calcul "
                                    "de la version %(version)s : recalculez la liste avant de délibérer.")
                                  % {"version": latest.version})
        latest.locked_at, latest.locked_by = timezone.now(), by
        latest.save(update_fields=["locked_at", "locked_by"])
        return latest


def do_revise_merit_list(competition: Competition, by, reason: str, *,
                         corrections: Iterable[tuple[Candidate, CompetitionTest, Decimal | str | None, bool]] = ()
                         ) -> MeritList:
    """After the deliberation, the only way to change the list: apply the score `corrections`
    (candidate, test, value, absent), compute a new version from the current data and lock it at
    once, with its reason. Earlier versions are kept as they were."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Une nouvelle version de la liste de mérite doit être motivée."))
    with transaction.atomic():
        locked = _lock_competition(competition, by)
        latest = _latest(locked)
        if locked.state not in (State.DELIBERATED, State.PUBLISHED) or latest is None or not latest.locked:
            raise ValidationError(_("Une nouvelle version ne se fait qu'après la délibération du jury ; avant, "
                                    "recalculez la liste."))
        for candidate, test, value, absent in corrections:
            if candidate.competition_id != locked.pk or test.competition_id != locked.pk:
                raise ValidationError(_("Correction hors de ce concours : %(candidate)s, %(test)s.")
                                      % {"candidate": candidate.number, "test": test.code})
            candidate = Candidate.objects.get(pk=candidate.pk)
            problem = candidate_problem(candidate)
            if problem:
                raise ValidationError(problem[:1].upper() + problem[1:] + ".")
            try:
                number = _clean_pair(test, value, absent)
            except ValidationError as exc:
                raise ValidationError(f"{candidate.number}, {test.code} : {' '.join(exc.messages)}") from exc
            write_score(candidate, test, number, absent, by,
                        reason=_("Version %(version)s de la liste de mérite : %(reason)s")
                        % {"version": latest.version + 1, "reason": reason})
        plan = _plan(locked)
        ties = _ties_json(plan)
        if ties:
            raise ValidationError(_tie_message(ties))
        return _save(locked, plan, latest.version + 1, by, reason, lock=True)


# --- reading ------------------------------------------------------------------------------------

def current_merit_list(competition: Competition) -> MeritList | None:
    """The latest version the jury locked, or else the latest working version (None if none)."""
    lists = MeritList.objects.filter(competition=competition)
    return lists.filter(locked_at__isnull=False).order_by("-version").first() or lists.order_by("-version").first()


def explanation(entry: MeritEntry, language: str = "fr") -> str:
    """The entry's explanation in French or Arabic."""
    fr, _sep, ar = entry.explanation.partition(EXPLANATION_SEPARATOR)
    return (ar or fr) if (language or "").startswith("ar") else fr


@dataclass(frozen=True)
class PublicationRow:
    """One line of a published list: what law 09-08 lets us publish (never the national id)."""

    number: str
    last_name: str
    first_name: str
    name_fr: str
    name_ar: str
    pool: str
    rank: int | None
    total: Decimal | None
    outcome: str
    outcome_label: object  # lazy: renders in the active language
    seat_type: str
    rule: str
    threshold: Decimal | None
    explanation_fr: str
    explanation_ar: str

    @property
    def admitted(self) -> bool:
        return self.outcome in ADMITTED_OUTCOMES


ADMITTED_OUTCOMES = frozenset({MeritEntry.Outcome.ADMITTED, MeritEntry.Outcome.ADMITTED_ON_TITLES,
                               MeritEntry.Outcome.ADMITTED_FOREIGN})
# Titles first (admitted without the tests), then the ranked line, then the absentees.
_OUTCOME_ORDER = {MeritEntry.Outcome.ADMITTED_ON_TITLES: 0, MeritEntry.Outcome.ABSENT: 2}


def entries_for_publication(merit_list: MeritList) -> list[PublicationRow]:
    """The rows of a merit list as they may be published, in list order (one query)."""
    entries = (MeritEntry.objects.filter(merit_list=merit_list)
               .select_related("candidate__person").order_by("pool", "rank", "candidate__number"))
    rows = []
    for e in entries:
        person = e.candidate.person
        rows.append(PublicationRow(
            number=e.candidate.number, last_name=person.last_name, first_name=person.first_name,
            name_fr=person.full_name, name_ar=person.full_name_ar, pool=e.pool, rank=e.rank, total=e.total,
            outcome=e.outcome, outcome_label=MeritEntry.Outcome(e.outcome).label, seat_type=e.seat_type,
            rule=e.rule, threshold=e.threshold, explanation_fr=explanation(e, "fr"),
            explanation_ar=explanation(e, "ar")))
    rows.sort(key=lambda r: (r.pool, _OUTCOME_ORDER.get(r.outcome, 1), r.rank is None, r.rank or 0, r.number))
    return rows
