"""Eligibility of candidates: the facts of a candidacy handed to `rules.eligibility`, the earlier
attempts counted from the person's history, and the verdict stored on the candidacy.

Attempts are never typed in: they are the person's earlier candidacies (one Person per national
id) to competitions of the same kind, counted per `settings.RESIDANAT_ATTEMPT_COUNTS`
(docs/decisions/0007-eligibility.md).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from simple_history.utils import bulk_update_with_history

from residanat.rules import eligibility as rules
from residanat.rules.specialties import SpecialtyGroup

from .models import Candidate, Competition, PostAllocation, Score

ATTEMPT_MODES = ("sat", "eligible")
SAVED_FIELDS = ["eligibility", "attempt_number", "eligibility_checked_at", "state"]


def attempt_mode() -> str:
    mode = settings.RESIDANAT_ATTEMPT_COUNTS
    if mode not in ATTEMPT_MODES:
        raise ImproperlyConfigured(
            f"RESIDANAT_ATTEMPT_COUNTS must be one of {', '.join(ATTEMPT_MODES)}, not {mode!r}")
    return mode


def judged_on(competition: Competition) -> dt.date:
    """The day the conditions are judged: registration close, else the session, else today."""
    return competition.registration_closes_on or competition.session_date or timezone.localdate()


def _earlier_candidacies(kind: str, before_year: int):
    """Candidacies of competitions of `kind` held before `before_year` that count as attempts."""
    sat = Exists(Score.objects.filter(candidate=OuterRef("pk"), absent=False))
    counted = Q(sat=True)
    if attempt_mode() == "eligible":
        counted |= Q(state=Candidate.State.ELIGIBLE)
    # Admission on titles (D93 art. 21 1°) is not a competition: it never uses up an attempt.
    return (Candidate.objects
            .filter(competition__kind=kind, competition__year__lt=before_year,
                    route=Candidate.Route.COMPETITION)
            .annotate(sat=sat)
            .filter(counted))


def count_previous_attempts(person, kind: str, before_year: int, exclude_candidate=None) -> int:
    """How many earlier candidacies of `person` to competitions of `kind` count as attempts."""
    found = _earlier_candidacies(kind, before_year).filter(person=person)
    if exclude_candidate is not None:
        found = found.exclude(pk=exclude_candidate.pk)
    return found.count()


def _biology_only(candidate: Candidate) -> bool:
    # D93 art. 21 2°: a veterinary doctor competes only for biology. The candidacy records no
    # wished specialties, so a veterinary candidacy is read as one for the biological posts, which
    # the competition must open (docs/decisions/0007-eligibility.md).
    if candidate.diploma != Candidate.Diploma.VETERINARY:
        return False
    return PostAllocation.objects.filter(competition_id=candidate.competition_id,
                                         group=SpecialtyGroup.BIOLOGICAL).exists()


def facts_for(candidate: Candidate, on: dt.date, *, previous_attempts: int | None = None,
              biology_only: bool | None = None) -> rules.Facts:
    """The facts of `candidate` as the rules read them; attempts are counted unless given."""
    competition = candidate.competition
    if previous_attempts is None:
        previous_attempts = count_previous_attempts(candidate.person, competition.kind, competition.year,
                                                    exclude_candidate=candidate)
    if biology_only is None:
        biology_only = _biology_only(candidate)
    return rules.Facts(
        kind=competition.kind,
        route=candidate.route,
        track=candidate.track,
        moroccan=candidate.person.is_moroccan,
        enrolled=candidate.enrolment_faculty_id is not None,
        validated_years=candidate.validated_years,
        thesis_defended_on=candidate.thesis_defended_on,
        year5_exams_passed=candidate.year5_exams_passed,
        diploma=candidate.diploma,
        diploma_foreign=(candidate.diploma_country or "MA").upper() != "MA",
        diploma_equivalence=candidate.diploma_equivalence,
        practice_since=candidate.practice_since,
        civil_service_in_order=candidate.civil_service_in_order,
        biology_only=biology_only,
        internat_months_validated=candidate.internat_months_validated,
        military_assistant_passed=candidate.military_assistant_passed,
        previous_attempts=previous_attempts,
    )


def _apply(candidate: Candidate, facts: rules.Facts, on: dt.date, at) -> list[dict]:
    failures = [f.as_dict() for f in rules.check(facts, on)]
    candidate.eligibility = failures
    candidate.attempt_number = (rules.attempt_number(facts.previous_attempts)
                                if facts.route == rules.COMPETITION else None)
    candidate.eligibility_checked_at = at
    candidate.state = Candidate.State.INELIGIBLE if failures else Candidate.State.ELIGIBLE
    return failures


def check_candidate(candidate: Candidate, on: dt.date | None = None, save: bool = True) -> list[dict]:
    """Judge `candidate` on `on` (default: the competition's reference day) and store the verdict:
    the failures (code, ref, message_fr, message_ar), the attempt number, the time, and the state
    eligible or ineligible. A withdrawn candidacy is left as it is."""
    if candidate.state == Candidate.State.WITHDRAWN:
        return list(candidate.eligibility)
    on = on or judged_on(candidate.competition)
    facts = facts_for(candidate, on)
    failures = _apply(candidate, facts, on, timezone.now())
    if save:
        candidate._change_reason = f"Recevabilité vérifiée au {on.isoformat()}"
        with transaction.atomic():
            candidate.save(update_fields=SAVED_FIELDS)
    return failures


def do_recheck_eligibility(competition: Competition, by=None) -> dict:
    """Judge every candidacy of `competition` again (when registration closes), except the
    withdrawn ones. Earlier attempts of all candidates are read in one query. Returns the counts
    of eligible and ineligible candidacies, and of those whose state or reasons changed."""
    on = judged_on(competition)
    at = timezone.now()
    counts = {"eligible": 0, "ineligible": 0, "changed": 0}
    with transaction.atomic():
        candidates = list(
            competition.candidates.exclude(state=Candidate.State.WITHDRAWN)
            .select_related("person", "competition")
            .select_for_update(of=("self",))
            .order_by("pk"))
        if not candidates:
            return counts
        earlier = (_earlier_candidacies(competition.kind, competition.year)
                   .filter(person__in=competition.candidates.values("person"))
                   .exclude(competition=competition)
                   .values_list("person_id", flat=True))
        attempts: dict[int, int] = {}
        for person_id in earlier:
            attempts[person_id] = attempts.get(person_id, 0) + 1
        biology_posts = PostAllocation.objects.filter(
            competition=competition, group=SpecialtyGroup.BIOLOGICAL).exists()
        for candidate in candidates:
            before = (candidate.state, candidate.eligibility)
            facts = facts_for(
                candidate, on, previous_attempts=attempts.get(candidate.person_id, 0),
                biology_only=candidate.diploma == Candidate.Diploma.VETERINARY and biology_posts)
            _apply(candidate, facts, on, at)
            counts[candidate.state] += 1
            if (candidate.state, candidate.eligibility) != before:
                counts["changed"] += 1
        bulk_update_with_history(
            candidates, Candidate, SAVED_FIELDS, batch_size=500, default_user=by,
            default_change_reason=f"Recevabilité revérifiée au {on.isoformat()}")
    return counts


def failures_in(candidate: Candidate, language: str | None = None) -> list[tuple[str, str]]:
    """The stored reasons of ineligibility as (message, article), in `language` (default: active)."""
    language = language or translation.get_language() or "fr"
    key = "message_ar" if language.startswith("ar") else "message_fr"
    return [(failure.get(key) or failure.get("message_fr", ""), failure.get("ref", ""))
            for failure in candidate.eligibility or []]
