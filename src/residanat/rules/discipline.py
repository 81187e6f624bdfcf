"""Discipline of interns and residents (D93 art. 30-32) and of public-health interns (RD68 ch. 8-10):
which sanction weighs more, who pronounces each and after what, the limits on a temporary exclusion,
the deadlines of a case, and the make-up of the committee (D93) or council (RD68). Pure Python.

Readings of the texts where they are silent: docs/decisions/0015-discipline-and-commitments.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Iterable, Sequence

from .eligibility import Failure
from .parameters import ParameterTable, load_parameters
from .service_time import add_months, months_end

D93, RD68 = "D93", "RD68"
# The regime of each status kind: RD68 ch. 15 gives the 7th-year students the interns' regime.
REGIME = {"intern": D93, "resident": D93, "public_health_intern": RD68, "seventh_year_intern_duties": RD68}

WARNING, REPRIMAND, TEMPORARY, DEFINITIVE = "warning", "reprimand", "temporary_exclusion", "definitive_exclusion"
# D93 art. 30, RD68 ch. 8: the sanctions from the lightest.
SCALE = (WARNING, REPRIMAND, TEMPORARY, DEFINITIVE)
EXCLUSIONS = (TEMPORARY, DEFINITIVE)
SANCTION_REF = {D93: "D93 art. 30", RD68: "RD68 ch. 8"}
# Each regime's Arabic word for a temporary exclusion and for an exclusion: D93 art. 30
# "الطرد المؤقت من العمل"; RD68 ch. 8 "الإقصاء الموقت عن المهام".
EXCLUSION_AR = {D93: ("الطرد المؤقت من العمل", "الطرد من العمل"),
                RD68: ("الإقصاء المؤقت عن المهام", "الإقصاء عن المهام")}

# Who pronounces and what must come first. Authorities: the hospital centre's director, the dean,
# the Minister of Health, the higher-education authority. Steps: the written explanations asked of
# the person, the head of service consulted, the committee's (D93) or council's (RD68) opinion.
DIRECTOR, DEAN, MINISTER, HIGHER_EDUCATION = "hospital_director", "dean", "minister_health", "higher_education"
EXPLANATION, HEAD_CONSULTED, OPINION = "written_explanation", "head_of_service_consulted", "committee_opinion"


STEP_MISSING = {
    EXPLANATION: ("Les explications écrites de l'intéressé doivent être demandées d'abord",
                  "يجب أولًا طلب إيضاحات مكتوبة من المعني بالأمر"),
    HEAD_CONSULTED: ("Le chef de service doit être consulté d'abord", "يجب أولًا استشارة رئيس المصلحة"),
}


class DisciplineError(ValueError):
    """A kind, regime or sanction the texts do not know."""


@dataclass(frozen=True)
class Sanction:
    kind: str
    start: dt.date | None = None  # a temporary exclusion's first and last days
    end: dt.date | None = None

    def __post_init__(self):
        if self.kind not in SCALE:
            raise DisciplineError(f"unknown sanction {self.kind!r}")
        if self.kind == TEMPORARY and (self.start is None or self.end is None or self.end < self.start):
            raise DisciplineError("a temporary exclusion has a first and a last day, in that order")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1 if self.kind == TEMPORARY else 0

    @property
    def weight(self) -> tuple[int, int]:
        """Heavier compares greater: the scale first, then a longer exclusion."""
        return SCALE.index(self.kind), self.days


def regime_of(status_kind: str) -> str:
    try:
        return REGIME[status_kind]
    except KeyError:
        # D93 art. 29: the externs' discipline is the students' (decree 2.75.664), not this one.
        raise DisciplineError(f"no disciplinary regime of D93/RD68 for {status_kind!r} (D93 art. 29)") from None


@dataclass(frozen=True)
class Authority:
    pronounced_by: tuple[str, ...]  # every one of them signs
    requires: tuple[str, ...]
    ref: str
    hearing_possible: bool = False


def authority(status_kind: str, sanction_kind: str) -> Authority:
    regime = regime_of(status_kind)
    if sanction_kind not in SCALE:
        raise DisciplineError(f"unknown sanction {sanction_kind!r}")
    if regime == RD68:
        if sanction_kind in EXCLUSIONS:
            return Authority((MINISTER,), (OPINION,), "RD68 ch. 10", hearing_possible=True)
        return Authority((MINISTER,), (EXPLANATION,), "RD68 ch. 9")
    if sanction_kind in EXCLUSIONS:
        signers = (MINISTER,) if status_kind == "intern" else (MINISTER, HIGHER_EDUCATION)
        return Authority(signers, (OPINION,), "D93 art. 32", hearing_possible=True)
    # D93 art. 31: residents "under the same conditions" as interns, plus a hearing if needed.
    if status_kind == "intern":
        return Authority((DIRECTOR,), (HEAD_CONSULTED, EXPLANATION), "D93 art. 31")
    return Authority((DIRECTOR, DEAN), (HEAD_CONSULTED, EXPLANATION), "D93 art. 31", hearing_possible=True)


def _table(table: ParameterTable | None) -> ParameterTable:
    return table or load_parameters()


def _key(regime: str, name: str) -> str:
    return f"discipline.{regime.lower()}.{name}"


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def exclusion_last_day(status_kind: str, start: dt.date, table: ParameterTable | None = None):
    """The last day a temporary exclusion starting on `start` may run to, and the parameter."""
    limit = _table(table).get(_key(regime_of(status_kind), "temporary_exclusion_max_months"), start)
    return months_end(start, int(limit.value)), limit


def check_sanction(status_kind: str, sanction: Sanction, proposal: Sanction | None = None,
                   done: Iterable[str] = (), table: ParameterTable | None = None) -> list[Failure]:
    """What stops `sanction` from being pronounced: a temporary exclusion longer than the text
    allows, an exclusion without the committee's proposal or heavier than it (D93 art. 32, RD68
    ch. 10), a step that must come first."""
    failures = []
    rule = authority(status_kind, sanction.kind)
    if sanction.kind == TEMPORARY:
        last, limit = exclusion_last_day(status_kind, sanction.start, table)
        if sanction.end > last:
            failures.append(Failure(
                "exclusion_too_long", limit.ref,
                f"Une exclusion temporaire dure au plus {limit.value} mois ({limit.ref}) : "
                f"du {_d(sanction.start)} au {_d(last)} au plus tard.",
                f"لا تتجاوز مدة {EXCLUSION_AR[regime_of(status_kind)][0]} {limit.value} شهر ({limit.ref}): "
                f"من {_d(sanction.start)} "
                f"إلى {_d(last)} على أبعد تقدير."))
    if sanction.kind in EXCLUSIONS and proposal is None:
        failures.append(Failure(
            "no_proposal", rule.ref,
            f"Une exclusion n'est prononcée qu'après l'avis de la commission ou du conseil ({rule.ref}).",
            f"لا يُقرَّر {EXCLUSION_AR[regime_of(status_kind)][1]} إلا بعد رأي اللجنة أو المجلس ({rule.ref})."))
    if proposal is not None and sanction.weight > proposal.weight:
        failures.append(Failure(
            "heavier_than_proposed", rule.ref,
            "La sanction prononcée ne peut être plus lourde que celle proposée par la commission ou le conseil.",
            "لا يمكن أن تكون العقوبة المقررة أشد من تلك التي اقترحتها اللجنة أو المجلس."))
    for step in rule.requires:
        if step in set(done) or step == OPINION:  # the opinion is the proposal, checked above
            continue
        failures.append(Failure(f"missing_{step}", rule.ref, STEP_MISSING[step][0] + f" ({rule.ref}).",
                                STEP_MISSING[step][1] + f" ({rule.ref})."))
    return failures


# --- deadlines ---------------------------------------------------------------------------------

def earliest_hearing(status_kind: str, file_opened_on: dt.date, table: ParameterTable | None = None):
    """The person reads their file at least a week before appearing (D93 art. 32, RD68 ch. 10):
    the first day the hearing may be set, and the parameter."""
    minimum = _table(table).get(_key(regime_of(status_kind), "file_access_min_days"), file_opened_on)
    return file_opened_on + dt.timedelta(days=int(minimum.value)), minimum


def check_hearing(status_kind: str, file_opened_on: dt.date | None, hearing_on: dt.date,
                  table: ParameterTable | None = None) -> list[Failure]:
    if file_opened_on is None:
        ref = "D93 art. 32" if regime_of(status_kind) == D93 else "RD68 ch. 10"
        return [Failure("file_not_opened", ref,
                        f"Le dossier doit d'abord être ouvert à l'intéressé ({ref}).",
                        f"يجب أولًا تمكين المعني بالأمر من الاطلاع على الملف ({ref}).")]
    first, minimum = earliest_hearing(status_kind, file_opened_on, table)
    if hearing_on >= first:
        return []
    return [Failure(
        "hearing_too_soon", minimum.ref,
        f"La comparution ne peut avoir lieu moins de {minimum.value} jours après l'ouverture du dossier à "
        f"l'intéressé (le {_d(file_opened_on)}) : le {_d(first)} au plus tôt ({minimum.ref}).",
        f"لا يمكن أن يتم المثول قبل مرور {minimum.value} أيام على تمكين المعني بالأمر من الملف "
        f"({_d(file_opened_on)}): في {_d(first)} على أقرب تقدير ({minimum.ref}).")]


def opinion_due(status_kind: str, referred_on: dt.date, inquiry: bool, table: ParameterTable | None = None):
    """The day the committee's opinion is due (D93 art. 32: one month from referral, two with an
    inquiry), and the parameter; (None, None) under RD68, whose ch. 10 sets no deadline."""
    regime = regime_of(status_kind)
    if regime == RD68:
        return None, None
    months = _table(table).get(_key(regime, "opinion_months_with_inquiry" if inquiry else "opinion_months"),
                               referred_on)
    return add_months(referred_on, int(months.value)), months


def is_late(due: dt.date | None, today: dt.date, given_on: dt.date | None = None) -> bool:
    """Past the day it was due (an opinion given on its due day is on time)."""
    return due is not None and (given_on or today) > due


# --- the committee (D93 art. 32) and the council (RD68 ch. 10) ----------------------------------

def draw_by_lot(pool: Sequence[str], count: int, seed: str) -> list[str]:
    """`count` names drawn from `pool` by a rule anyone can replay: each name is ranked by
    SHA-256 of "seed:name" and the first are drawn. Same seed and pool, same draw, on any machine
    and Python version (random.Random's algorithms may change between versions)."""
    names = sorted(set(pool))
    if len(names) < count:
        raise DisciplineError(f"{count} to draw from {len(names)}")
    return sorted(names, key=lambda name: hashlib.sha256(f"{seed}:{name}".encode()).hexdigest())[:count]


@dataclass(frozen=True)
class Seating:
    members: tuple[str, ...]
    replaced: tuple[tuple[str, str], ...]  # (member who supervises the person, alternate seated)


def seat_professors(members: Sequence[str], alternates: Sequence[str], supervisors: Iterable[str]) -> Seating:
    """The 3 professors of the committee: a member who directly supervises the person is replaced
    by the first alternate who does not (D93 art. 32), in the order the faculty council named them."""
    supervising = set(supervisors)
    free = [a for a in alternates if a not in supervising and a not in members]
    seated, replaced = [], []
    for member in members:
        if member not in supervising:
            seated.append(member)
            continue
        if not free:
            raise DisciplineError(f"no alternate left to replace {member} (D93 art. 32)")
        alternate = free.pop(0)
        seated.append(alternate)
        replaced.append((member, alternate))
    return Seating(tuple(seated), tuple(replaced))


def check_council(chiefs: Sequence[str], own_head_of_service: str | None, representatives: Sequence[str],
                  person_interns: Iterable[str], defender: str | None = None) -> list[Failure]:
    """RD68 ch. 10: 2 chief doctors named by the Minister, never the person's own head of service;
    2 intern representatives chosen by the person; a defender chosen among the interns."""
    ref = "RD68 ch. 10"
    interns = set(person_interns)
    failures = []
    if len(set(chiefs)) != 2:
        failures.append(Failure("council_chiefs", ref, f"Le conseil compte 2 médecins-chefs de service ({ref}).",
                                f"يضم المجلس طبيبين رئيسين للمصالح ({ref})."))
    if own_head_of_service and own_head_of_service in chiefs:
        failures.append(Failure("council_own_head", ref,
                                f"Le chef de service de l'intéressé ne peut siéger au conseil ({ref}).",
                                f"لا يمكن لرئيس مصلحة المعني بالأمر أن يكون عضوًا في المجلس ({ref})."))
    if len(set(representatives)) != 2 or not set(representatives) <= interns:
        failures.append(Failure("council_representatives", ref,
                                f"L'intéressé choisit 2 représentants parmi les internes ({ref}).",
                                f"يختار المعني بالأمر ممثلَين اثنين من بين الداخليين ({ref})."))
    if defender is not None and defender not in interns:
        failures.append(Failure("council_defender", ref,
                                f"Le défenseur est choisi parmi les internes ({ref}).",
                                f"يُختار المدافع من بين الداخليين ({ref})."))
    return failures
