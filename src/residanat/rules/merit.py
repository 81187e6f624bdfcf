"""Merit lists of the competitions: the weighted total, the ranking with its tie-break, and who is
admitted, with the rules for foreign candidates (D93 art. 13 and 21). Pure Python: no Django here.

The Django layer (`concours/merit.py`) turns candidates and scores into `Contestant`s, calls
`rank` then `decide`, and stores one `MeritEntry` per `Decision`.
See docs/decisions/0006-merit-ties-and-attempts.md for the choices made here.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from typing import Hashable, Iterable

# The competition kinds (the values of Competition.Kind) are eligibility's.
from .eligibility import INTERNAT, KINDS, PUBLIC_HEALTH_INTERNAT, RESIDANAT

# Outcomes (the values of MeritEntry.Outcome; "admitted_on_titles" is decided by the Django layer).
ADMITTED = "admitted"
ADMITTED_ON_TITLES = "admitted_on_titles"
ADMITTED_FOREIGN = "admitted_foreign"
FOREIGN_BELOW_THRESHOLD = "foreign_below_threshold"
FOREIGN_OVER_CAP = "foreign_over_cap"
NOT_ADMITTED = "not_admitted"
ABSENT = "absent"

FOREIGN_VOLUNTEER = "foreign_volunteer"  # PostAllocation.SeatType of the résidanat's foreign posts

# Rules written on each decision.
RULE_INTERNAT_SEATS = "D93 art. 10"  # seats of the internat set by joint order
RULE_INTERNAT_FOREIGN = "D93 art. 13"
RULE_RESIDANAT = "D93 art. 21"
RULE_PUBLIC_HEALTH_SEATS = "RD68 ch. 3"  # maximum number of seats by ministerial decision
RULE_TIE = "ex aequo"

# Totals are weighted means on a /20 scale, kept to three decimals (MeritEntry.total).
SCALE = Decimal(20)
TOTAL_PLACES = Decimal("0.001")

TIE_BREAK_KEYS = ("heaviest_test", "older", "younger")  # plus "test:<code>"

_TRACKS = {"medicine": ("médecine", "الطب"), "pharmacy": ("pharmacie", "الصيدلة"),
           "dental": ("médecine dentaire", "طب الأسنان")}


class UnresolvedTie(Exception):
    """Candidates still equal after every tie-break criterion straddle the last seat: the jury must
    add a criterion before it deliberates."""

    def __init__(self, pool: str, rank: int, ids: Iterable[Hashable]):
        self.pool, self.rank, self.ids = pool, rank, tuple(ids)
        where = f" (pool {pool})" if pool else ""
        super().__init__(f"unresolved tie at rank {rank}{where} across the last seat: {', '.join(map(str, self.ids))}")


# --- weighted total ------------------------------------------------------------------------------

def weighted_total(scores: dict[str, Decimal | None], weights: dict[str, Decimal],
                   max_scores: dict[str, Decimal]) -> Decimal | None:
    """Weighted mean of the scores brought to /20: sum(w × score / max × 20) / sum(w), rounded half
    up to 0.001. None when the candidate was absent (score None) from any test: an absentee is not
    ranked. A test without a score at all is an error, not an absence."""
    if not weights:
        raise ValueError("no test: a total needs at least one weighted test")
    missing = [code for code in weights if code not in scores]
    if missing:
        raise ValueError(f"no score for test(s) {', '.join(missing)}")
    if any(scores[code] is None for code in weights):
        return None
    weighted = sum((Decimal(weights[c]) * Decimal(scores[c]) / Decimal(max_scores[c]) * SCALE for c in weights),
                   Decimal(0))
    return (weighted / sum((Decimal(w) for w in weights.values()), Decimal(0))).quantize(
        TOTAL_PLACES, rounding=ROUND_HALF_UP)


# --- tie-break ----------------------------------------------------------------------------------

def check_tie_break_keys(keys: Iterable[str], test_codes: Iterable[str]) -> list[str]:
    """The problems of a tie-break setting (unknown criterion, unknown test): empty when valid."""
    codes = set(test_codes)
    problems = []
    for key in keys:
        if key in TIE_BREAK_KEYS:
            continue
        if isinstance(key, str) and key.startswith("test:"):
            if key[5:] not in codes:
                problems.append(f"unknown test {key[5:]!r} in tie-break criterion {key!r}")
            continue
        problems.append(f"unknown tie-break criterion {key!r}")
    return problems


def heaviest_tests(weights: dict[str, Decimal]) -> list[str]:
    """The tests of the largest weight, in the given (competition) order."""
    if not weights:
        return []
    top = max(weights.values())
    return [code for code, weight in weights.items() if weight == top]


def tie_values(keys: Iterable[str], scores: dict[str, Decimal | None], weights: dict[str, Decimal],
               birth_date: dt.date | None) -> tuple:
    """The values `rank` compares, one per tie-break key: "heaviest_test" → the scores in the
    tests of largest weight (several of equal weight compared in turn), "test:<code>" → that
    score, "older"/"younger" → the birth date."""
    values = []
    for key in keys:
        if key == "heaviest_test":
            values.append(tuple(scores.get(code) for code in heaviest_tests(weights)))
        elif key.startswith("test:"):
            values.append(scores.get(key[5:]))
        elif key in ("older", "younger"):
            values.append(birth_date)
        else:
            raise ValueError(f"unknown tie-break criterion {key!r}")
    return tuple(values)


def _order(key: str, value):
    """A sort key where smaller comes first; unknown values (None) always last."""
    if value is None:
        return (1,)
    if key == "heaviest_test":
        return (0, tuple((1,) if v is None else (0, -Decimal(v)) for v in value))
    if key.startswith("test:"):
        return (0, -Decimal(value))
    if key == "older":  # earlier birth date first
        return (0, value.toordinal())
    if key == "younger":
        return (0, -value.toordinal())
    raise ValueError(f"unknown tie-break criterion {key!r}")


# --- ranking ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Contestant:
    """One candidate as the ranking sees them. `total` None = absent (not ranked); `tie_values`
    line up with the tie-break keys given to `rank` (see `tie_values`)."""

    id: Hashable
    pool: str
    total: Decimal | None
    moroccan: bool = True
    tie_values: tuple = ()
    rank: int | None = None


def _merit_key(contestant: Contestant, keys: tuple[str, ...]) -> tuple:
    return (-contestant.total, *(_order(k, v) for k, v in zip(keys, contestant.tie_values)))


def rank(contestants: Iterable[Contestant], tie_break_keys: Iterable[str]) -> list[Contestant]:
    """Rank each pool by total (highest first), then by the tie-break values in turn. Candidates
    still equal share the rank and the next rank skips (1, 2, 2, 4). Absentees get no rank and come
    last in their pool. Returns copies with `rank` set, grouped by pool (pools sorted)."""
    keys = tuple(tie_break_keys)
    out: list[Contestant] = []
    contestants = list(contestants)
    for c in contestants:
        if c.total is not None and len(c.tie_values) != len(keys):
            raise ValueError(f"contestant {c.id!r}: {len(c.tie_values)} tie-break values for {len(keys)} keys")
    for pool in sorted({c.pool for c in contestants}):
        members = [c for c in contestants if c.pool == pool]
        present = sorted((c for c in members if c.total is not None),
                         key=lambda c: (_merit_key(c, keys), str(c.id)))
        previous, current = None, 0
        for position, c in enumerate(present, start=1):
            key = _merit_key(c, keys)
            if key != previous:
                current, previous = position, key
            out.append(replace(c, rank=current))
        out.extend(replace(c, rank=None) for c in sorted((c for c in members if c.total is None),
                                                          key=lambda c: str(c.id)))
    return out


# --- decisions ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    id: Hashable
    pool: str
    rank: int | None
    outcome: str
    seat_type: str
    rule: str
    threshold: Decimal | None
    explanation_fr: str
    explanation_ar: str
    total: Decimal | None = None
    moroccan: bool = True


def foreign_cap(volunteer_seats: int, total_seats: int, foreign_share: Decimal) -> int:
    """D93 art. 21: foreigners take at most `foreign_share` of the seats to be filled, and only on
    the volunteer posts opened for them: min(volunteer posts, floor(share × all seats))."""
    return max(0, min(volunteer_seats, math.floor(Decimal(foreign_share) * total_seats)))


@dataclass(frozen=True)
class _Threshold:
    total: Decimal
    rank: int


def _measured(kind: str, members: list[Contestant]) -> list[Contestant]:
    """Who takes the seats of the pool in rank order: Moroccans, or everybody (RD68 says nothing of
    foreigners: the public-health internat has one list)."""
    ranked = [c for c in members if c.total is not None]
    return ranked if kind == PUBLIC_HEALTH_INTERNAT else [c for c in ranked if c.moroccan]


def _straddles(line: list[Contestant], cut: int) -> int | None:
    """The rank shared across the cut (line[cut-1] inside, line[cut] outside, same pool), or None."""
    if 0 < cut < len(line) and line[cut - 1].rank == line[cut].rank and line[cut - 1].pool == line[cut].pool:
        return line[cut - 1].rank
    return None


def _by_pool(contestants: list[Contestant]) -> dict[str, list[Contestant]]:
    pools: dict[str, list[Contestant]] = {}
    for c in sorted(contestants, key=lambda c: c.pool):
        pools.setdefault(c.pool, []).append(c)
    for members in pools.values():
        members.sort(key=lambda c: (c.rank is None, c.rank or 0))
    return pools


def _of_pool(seats: int | dict[str, int], pool: str) -> int:
    """A number of seats given for the whole competition (int) or per pool (dict)."""
    return seats.get(pool, 0) if isinstance(seats, dict) else seats


def _foreign_line(members: list[Contestant], seats_for_moroccans: int) -> list[Contestant]:
    """Résidanat: the foreigners of one pool at or above its threshold, in rank order; they share
    the pool's volunteer posts up to its cap (D93 art. 21, by track: decision 0017)."""
    threshold = _threshold(_measured(RESIDANAT, members), seats_for_moroccans)
    if threshold is None:
        return []
    return [c for c in members if not c.moroccan and c.total is not None and c.total >= threshold.total]


def unresolved_ties(kind: str, contestants_ranked: Iterable[Contestant], seats_for_moroccans: dict[str, int],
                    volunteer_seats: int | dict[str, int] = 0, total_seats: int | dict[str, int] = 0,
                    foreign_share: Decimal = Decimal(0)) -> list[UnresolvedTie]:
    """Every tie that straddles a last seat: the seats open to Moroccans of a pool (every seat for
    the public-health internat) and, for the résidanat, the foreigners' cap of the pool.
    `volunteer_seats` and `total_seats` are per pool (dict) or the same for every pool (int)."""
    ties = []
    for pool, members in _by_pool(list(contestants_ranked)).items():
        line = _measured(kind, members)
        at = _straddles(line, seats_for_moroccans.get(pool, 0))
        if at is not None:
            ties.append(UnresolvedTie(pool, at, [c.id for c in line if c.rank == at]))
        if kind == RESIDANAT:
            line = _foreign_line(members, seats_for_moroccans.get(pool, 0))
            at = _straddles(line, foreign_cap(_of_pool(volunteer_seats, pool), _of_pool(total_seats, pool),
                                              foreign_share))
            if at is not None:
                ties.append(UnresolvedTie(pool, at, [c.id for c in line if c.rank == at]))
    return ties


def _threshold(line: list[Contestant], seats: int) -> _Threshold | None:
    """The last successful Moroccan: the lowest-ranked Moroccan within the seats open to them."""
    if seats <= 0 or not line:
        return None
    last = line[min(seats, len(line)) - 1]
    return _Threshold(last.total, last.rank)


def decide(kind: str, contestants_ranked: Iterable[Contestant], seats_for_moroccans: dict[str, int],
           volunteer_seats: int | dict[str, int], total_seats: int | dict[str, int], foreign_share: Decimal, *,
           strict: bool = True) -> list[Decision]:
    """Who is admitted, under which rule and threshold, each with an explanation in fr and ar.

    - Moroccans take the seats of their pool in rank order; the last of them within those seats is
      the "last successful Moroccan" and their total the foreigners' threshold.
    - internat (D93 art. 13): a foreigner whose total is at least the threshold is admitted on top
      of the seats; below it, refused.
    - résidanat (D93 art. 21): foreigners at or above the threshold take, in rank order, the
      volunteer posts up to `foreign_cap`; the next are over the cap. Threshold and cap are those
      of the foreigner's pool (the track, decision 0017): `volunteer_seats` and `total_seats` are
      given per pool (dict), or as one number that every pool has (int).
    - public-health internat: RD68 says nothing of foreigners: one list, everybody on the seats.
    - No Moroccan admitted in a pool: the threshold does not exist and foreigners are refused.

    A tie across a last seat raises `UnresolvedTie` (strict); with strict=False the tied candidates
    are reported as not admitted with the rule "ex aequo" and their seats left open, so that a
    working list can be shown while the jury adds a criterion."""
    if kind not in KINDS:
        raise ValueError(f"unknown competition kind {kind!r}")
    contestants = list(contestants_ranked)
    for c in contestants:
        if c.total is not None and c.rank is None:
            raise ValueError(f"contestant {c.id!r} has a total but no rank: call rank() first")
    ties = unresolved_ties(kind, contestants, seats_for_moroccans, volunteer_seats, total_seats, foreign_share)
    if strict and ties:
        raise ties[0]
    tied = {(t.pool, i) for t in ties for i in t.ids}
    decided: dict[tuple[str, Hashable], Decision] = {}

    for pool, members in _by_pool(contestants).items():
        seats = seats_for_moroccans.get(pool, 0)
        line = _measured(kind, members)
        threshold = _threshold(line, seats)
        volunteer, total = _of_pool(volunteer_seats, pool), _of_pool(total_seats, pool)
        cap = foreign_cap(volunteer, total, foreign_share) if kind == RESIDANAT else 0
        # Résidanat: a foreigner's place among those of the pool at or above its threshold, counted
        # against the pool's cap.
        foreign_place = {c.id: n for n, c in enumerate(_foreign_line(members, seats), start=1)}
        text = _Texts(kind, pool, seats, threshold, cap, volunteer, total, foreign_share)
        measured_ids = {c.id for c in line}
        for position, c in enumerate(line, start=1):
            if (pool, c.id) in tied:
                decided[pool, c.id] = text.tie(c)
            elif position <= seats:
                decided[pool, c.id] = text.admitted(c)
            else:
                decided[pool, c.id] = text.not_admitted(c)
        for c in members:
            if c.id in measured_ids:
                continue
            if c.total is None:
                decided[pool, c.id] = text.absent(c)
            elif threshold is None:
                decided[pool, c.id] = text.no_threshold(c)
            elif c.total < threshold.total:
                decided[pool, c.id] = text.below(c)
            elif kind == INTERNAT:
                decided[pool, c.id] = text.on_top(c)
            elif (pool, c.id) in tied:
                decided[pool, c.id] = text.tie(c)
            elif foreign_place[c.id] <= cap:
                decided[pool, c.id] = text.volunteer(c, foreign_place[c.id])
            else:
                decided[pool, c.id] = text.over_cap(c)
    return [decided[c.pool, c.id] for c in contestants]


# --- explanations -------------------------------------------------------------------------------

def fmt(value: Decimal | None) -> str:
    """A total as printed in both languages: three decimals, decimal comma (14,250)."""
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(TOTAL_PLACES, rounding=ROUND_HALF_UP)}".replace(".", ",")


def rule_ar(rule: str) -> str:
    """An article reference as the Arabic texts write it."""
    if rule.startswith("D93 art. "):
        return f"المادة {rule[9:]} من المرسوم 2.91.527"
    if rule.startswith("RD68 ch. "):
        return f"الفصل {rule[9:]} من المرسوم الملكي 747.67"
    return rule


@dataclass(frozen=True)
class _Texts:
    kind: str
    pool: str
    seats: int
    threshold: _Threshold | None
    cap: int
    volunteer_seats: int
    total_seats: int
    foreign_share: Decimal

    @property
    def seat_rule(self) -> str:
        return {INTERNAT: RULE_INTERNAT_SEATS, RESIDANAT: RULE_RESIDANAT,
                PUBLIC_HEALTH_INTERNAT: RULE_PUBLIC_HEALTH_SEATS}[self.kind]

    @property
    def foreign_rule(self) -> str:
        return RULE_INTERNAT_FOREIGN if self.kind == INTERNAT else RULE_RESIDANAT

    def _whose(self) -> tuple[str, str]:
        track_fr, track_ar = _TRACKS.get(self.pool, (self.pool, self.pool))
        if self.kind == PUBLIC_HEALTH_INTERNAT:
            fr, ar = "places ouvertes", "مقعدا مفتوحا"
        else:
            fr, ar = "places ouvertes aux candidats marocains", "مقعدا مفتوحا للمترشحين المغاربة"
        if self.pool:
            fr, ar = f"{fr} en {track_fr}", f"{ar} في {track_ar}"
        return fr, ar

    def _decision(self, c: Contestant, outcome: str, rule: str, fr: str, ar: str, *, seat_type: str = "",
                  threshold: Decimal | None = None) -> Decision:
        return Decision(c.id, c.pool, c.rank, outcome, seat_type, rule, threshold, fr, ar, c.total, c.moroccan)

    def _last(self) -> tuple[str, str]:
        t = self.threshold
        return (f"seuil {fmt(t.total)} (dernier Marocain admis, rang {t.rank})",
                f"العتبة {fmt(t.total)} (آخر مترشح مغربي مقبول، الرتبة {t.rank})")

    def admitted(self, c: Contestant) -> Decision:
        fr, ar = self._whose()
        rule = self.seat_rule
        return self._decision(
            c, ADMITTED, rule,
            f"Rang {c.rank}, dans les {self.seats} {fr} : admis ({rule})",
            f"الرتبة {c.rank}، ضمن {self.seats} {ar}: مقبول ({rule_ar(rule)})")

    def not_admitted(self, c: Contestant) -> Decision:
        fr, ar = self._whose()
        rule = self.seat_rule
        if self.threshold is None:
            return self._decision(c, NOT_ADMITTED, rule, f"Rang {c.rank}, aucune des {fr} : non admis ({rule})",
                                  f"الرتبة {c.rank}، لا يوجد أي مقعد: غير مقبول ({rule_ar(rule)})")
        t = self.threshold
        return self._decision(
            c, NOT_ADMITTED, rule,
            f"Rang {c.rank}, au-delà des {self.seats} {fr} (dernier admis : rang {t.rank}, "
            f"note {fmt(t.total)}) : non admis ({rule})",
            f"الرتبة {c.rank}، خارج {self.seats} {ar} (آخر مقبول: الرتبة {t.rank}، المعدل {fmt(t.total)}): "
            f"غير مقبول ({rule_ar(rule)})")

    def absent(self, c: Contestant) -> Decision:
        return self._decision(c, ABSENT, "", "Absent à au moins une épreuve : non classé",
                              "غائب عن اختبار واحد على الأقل: غير مصنف")

    def tie(self, c: Contestant) -> Decision:
        return self._decision(
            c, NOT_ADMITTED, RULE_TIE,
            f"Ex aequo non départagé au rang {c.rank} pour la dernière place : le jury doit ajouter un "
            f"critère de départage avant de délibérer",
            f"تساوٍ غير محسوم في الرتبة {c.rank} على آخر مقعد: على لجنة المباراة إضافة معيار للترجيح قبل المداولة")

    def no_threshold(self, c: Contestant) -> Decision:
        rule = self.foreign_rule
        return self._decision(
            c, NOT_ADMITTED, rule,
            f"Aucun candidat marocain admis : le seuil du dernier Marocain admis n'existe pas, "
            f"note {fmt(c.total)} : non admis ({rule})",
            f"لم يُقبل أي مترشح مغربي: لا توجد عتبة آخر مترشح مغربي مقبول، المعدل {fmt(c.total)}: "
            f"غير مقبول ({rule_ar(rule)})")

    def below(self, c: Contestant) -> Decision:
        rule = self.foreign_rule
        fr, ar = self._last()
        return self._decision(
            c, FOREIGN_BELOW_THRESHOLD, rule,
            f"Note {fmt(c.total)} < {fr} : non admis ({rule})",
            f"المعدل {fmt(c.total)} < {ar}: غير مقبول ({rule_ar(rule)})", threshold=self.threshold.total)

    def on_top(self, c: Contestant) -> Decision:
        rule = self.foreign_rule
        fr, ar = self._last()
        return self._decision(
            c, ADMITTED_FOREIGN, rule,
            f"Note {fmt(c.total)} ≥ {fr} : admis en sus des {self.seats} places ({rule})",
            f"المعدل {fmt(c.total)} ≥ {ar}: مقبول زيادة على {self.seats} مقعدا المقررة ({rule_ar(rule)})",
            threshold=self.threshold.total)

    def _cap_text(self) -> tuple[str, str]:
        share = f"{(Decimal(self.foreign_share) * 100).normalize():f}".replace(".", ",")
        return (f"{self.cap} places = min({self.volunteer_seats} postes bénévoles, {share} % de "
                f"{self.total_seats} postes)",
                f"{self.cap} مقاعد = الأدنى بين {self.volunteer_seats} مناصب تطوعية و{share}% من "
                f"{self.total_seats} منصبا")

    def volunteer(self, c: Contestant, position: int) -> Decision:
        rule = self.foreign_rule
        fr, ar = self._last()
        cap_fr, cap_ar = self._cap_text()
        return self._decision(
            c, ADMITTED_FOREIGN, rule,
            f"Note {fmt(c.total)} ≥ {fr} : admis sur poste bénévole ({rule}), {position} sur {self.cap} "
            f"places ({cap_fr})",
            f"المعدل {fmt(c.total)} ≥ {ar}: مقبول في منصب تطوعي ({rule_ar(rule)})، {position} من {self.cap} "
            f"({cap_ar})",
            seat_type=FOREIGN_VOLUNTEER, threshold=self.threshold.total)

    def over_cap(self, c: Contestant) -> Decision:
        rule = self.foreign_rule
        fr, ar = self._last()
        cap_fr, cap_ar = self._cap_text()
        return self._decision(
            c, FOREIGN_OVER_CAP, rule,
            f"Note {fmt(c.total)} ≥ {fr}, mais les places des candidats étrangers sont toutes prises "
            f"({cap_fr}) : non admis ({rule})",
            f"المعدل {fmt(c.total)} ≥ {ar}، لكن مقاعد المترشحين الأجانب كلها مشغولة ({cap_ar}): "
            f"غير مقبول ({rule_ar(rule)})",
            threshold=self.threshold.total)


def by_pool(decisions: Iterable[Decision]) -> dict[str, list[Decision]]:
    """Decisions grouped by pool, each pool in rank order (unranked last)."""
    ordered = sorted(decisions, key=lambda d: (d.pool, d.rank is None, d.rank or 0))
    return {pool: list(group) for pool, group in groupby(ordered, key=lambda d: d.pool)}
