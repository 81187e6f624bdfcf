"""Who may sit the national competitions: the conditions of D93 art. 8 (internat), D93 art. 21
(résidanat, by competition or on titles) and RD68 ch. 1 (public-health internat).

Pure Python (no Django). `check(facts, on)` answers every unmet condition as a `Failure` with its
article and a message in French and in Arabic that states the figures (years validated, the date
practice reaches one year, the attempt number). Thresholds are regulation parameters read on `on`,
the date the conditions are judged (the competition's registration close). Counting the earlier
attempts from a person's history is the caller's job (`concours.eligibility`); this module only
compares the count with the cap. Choices between readings: docs/decisions/0007-eligibility.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from .parameters import param

INTERNAT = "internat"
RESIDANAT = "residanat"
PUBLIC_HEALTH_INTERNAT = "public_health_internat"
KINDS = (INTERNAT, RESIDANAT, PUBLIC_HEALTH_INTERNAT)

COMPETITION = "competition"
TITLES_INTERN = "titles_intern"
TITLES_MILITARY = "titles_military"
ROUTES = (COMPETITION, TITLES_INTERN, TITLES_MILITARY)

DOCTORATES = ("medicine", "pharmacy", "dental")
VETERINARY = "veterinary"

REF_INTERNAT = "D93 art. 8"
REF_RESIDANAT = "D93 art. 21"
REF_PUBLIC_HEALTH = "RD68 ch. 1"
# RD68 ch. 13: a doctor of medicine cannot be an intern of the public-health hospitals.
REF_PUBLIC_HEALTH_DOCTOR = "RD68 ch. 13"

MONTHS_PER_YEAR = 12

TRACK_FR = {"medicine": "médecine", "pharmacy": "pharmacie", "dental": "médecine dentaire"}
TRACK_AR = {"medicine": "الطب", "pharmacy": "الصيدلة", "dental": "طب الأسنان"}


@dataclass(frozen=True)
class Facts:
    """What a candidacy declares, as the conditions read it."""

    kind: str
    route: str = COMPETITION
    track: str = "medicine"
    moroccan: bool = True
    # Internat (D93 art. 8) and public-health internat (RD68 ch. 1).
    enrolled: bool = False
    validated_years: int | None = None
    thesis_defended_on: dt.date | None = None
    year5_exams_passed: bool = False
    # Résidanat by competition (D93 art. 21 2°).
    diploma: str = ""
    diploma_foreign: bool = False
    diploma_equivalence: str = ""
    practice_since: dt.date | None = None
    civil_service_in_order: bool = False
    # The candidate applies only to biology specialties (a veterinary doctor must).
    biology_only: bool = False
    # Résidanat on titles (D93 art. 21 1.a and 1.b).
    internat_months_validated: int | None = None
    military_assistant_passed: bool = False
    # Earlier attempts at a competition of the same kind, counted from the person's history.
    previous_attempts: int = 0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown competition kind {self.kind!r}")
        if self.route not in ROUTES:
            raise ValueError(f"unknown access route {self.route!r}")
        if self.track not in TRACK_FR:
            raise ValueError(f"unknown track {self.track!r}")
        if self.previous_attempts < 0:
            raise ValueError("previous_attempts cannot be negative")


@dataclass(frozen=True)
class Failure:
    """One condition not met: a stable code, the article, and the reason in both languages."""

    code: str
    ref: str
    message_fr: str
    message_ar: str

    def message(self, language: str) -> str:
        return self.message_ar if language.startswith("ar") else self.message_fr

    def as_dict(self) -> dict:
        return asdict(self)


def attempt_number(previous_attempts: int) -> int:
    """The rank of this attempt: the earlier ones plus this one."""
    return previous_attempts + 1


def is_eligible(facts: Facts, on: dt.date) -> bool:
    return not check(facts, on)


def check(facts: Facts, on: dt.date) -> list[Failure]:
    """Every condition `facts` do not meet on `on`; an empty list means eligible."""
    if facts.route != COMPETITION and facts.kind != RESIDANAT:
        # D93 art. 21 1°: admission on titles exists only for the résidanat.
        return [Failure(
            "route_not_open", REF_RESIDANAT,
            "L'accès sur titres n'existe que pour le résidanat.",
            "الولوج بناء على الشهادات لا يخص إلا الإقامة.",
        )]
    if facts.kind == INTERNAT:
        return _internat(facts, on)
    if facts.kind == PUBLIC_HEALTH_INTERNAT:
        return _public_health_internat(facts, on)
    if facts.route == TITLES_INTERN:
        return _titles_intern(facts, on)
    if facts.route == TITLES_MILITARY:
        return _titles_military(facts)
    return _residanat_competition(facts, on)


def _internat(facts: Facts, on: dt.date) -> list[Failure]:
    # D93 art. 8: regularly enrolled, years 1..n all validated, at most 4 attempts, not after the thesis.
    failures = []
    if not facts.enrolled:
        failures.append(Failure(
            "not_enrolled", REF_INTERNAT,
            "Le candidat n'est pas régulièrement inscrit dans une faculté.",
            "المترشح غير مسجل بصفة منتظمة في كلية.",
        ))
    required = param(f"internat.validated_years_required.{facts.track}", on)
    validated = facts.validated_years
    if validated is None:
        failures.append(Failure(
            "years_not_validated", REF_INTERNAT,
            f"Années validées non déclarées : {required} exigées ({TRACK_FR[facts.track]}).",
            f"لم يتم التصريح بالسنوات المصحَّحة: {required} سنوات مطلوبة ({TRACK_AR[facts.track]}).",
        ))
    elif validated < required:
        failures.append(Failure(
            "years_not_validated", REF_INTERNAT,
            f"{validated} années validées sur les {required} exigées ({TRACK_FR[facts.track]}).",
            f"{validated} سنوات مصحَّحة من أصل {required} سنوات مطلوبة ({TRACK_AR[facts.track]}).",
        ))
    failures += _attempts(facts, param("internat.max_attempts", on), REF_INTERNAT)
    if facts.thesis_defended_on is not None and facts.thesis_defended_on <= on:
        day = _day(facts.thesis_defended_on)
        failures.append(Failure(
            "thesis_defended", REF_INTERNAT,
            f"Thèse soutenue le {day} : le concours d'internat n'est plus ouvert après la soutenance.",
            f"نوقشت الأطروحة بتاريخ {day}: لا يمكن اجتياز مباراة القسم الداخلي بعد مناقشة الأطروحة.",
        ))
    return failures


def _residanat_competition(facts: Facts, on: dt.date) -> list[Failure]:
    # D93 art. 21 2°: a doctorate in medicine, pharmacy or dental medicine (or a recognised
    # equivalent) and one year of actual practice; veterinary doctors for biology, without the year
    # of practice; Moroccans in order with the civil service; 4 attempts.
    failures = []
    if facts.diploma == VETERINARY:
        if not facts.biology_only:
            failures.append(Failure(
                "veterinary_not_biology", REF_RESIDANAT,
                "Un docteur vétérinaire ne peut concourir que pour les spécialités biologiques.",
                "لا يمكن للدكتور البيطري أن يترشح إلا لتخصصات البيولوجيا.",
            ))
    elif facts.diploma not in DOCTORATES:
        failures.append(Failure(
            "no_doctorate", REF_RESIDANAT,
            "Aucun doctorat en médecine, en pharmacie ou en médecine dentaire (ou équivalent reconnu) déclaré.",
            "لم يتم التصريح بأي دكتوراه في الطب أو الصيدلة أو طب الأسنان (أو ما يعادلها).",
        ))
    if facts.diploma and facts.diploma_foreign and not facts.diploma_equivalence.strip():
        failures.append(Failure(
            "equivalence_missing", REF_RESIDANAT,
            "Diplôme obtenu à l'étranger sans décision d'équivalence reconnue.",
            "شهادة محصل عليها بالخارج دون قرار معادلة معترف به.",
        ))
    failures += _practice(facts, on)
    failures += _civil_service(facts)
    failures += _attempts(facts, param("residanat.max_attempts", on), REF_RESIDANAT)
    return failures


def practice_years_required(diploma: str, on: dt.date) -> int:
    """The years of actual practice a doctorate owes for the competition (D93 art. 21 2°): "الذين
    قضوا جميعا سنة من الممارسة الفعلية بهذه الصفة" closes the line of the doctorates in pharmacy and
    dental medicine and, by "جميعا", takes in the doctors of medicine (a parameter per doctorate:
    docs/decisions/0007-eligibility.md). The veterinary doctor's line asks only the wish to prepare
    a biology specialty: no practice. No doctorate declared: nothing to judge the practice by."""
    if diploma not in DOCTORATES:
        return 0
    return param(f"residanat.practice_years_required.{diploma}", on)


def _practice(facts: Facts, on: dt.date) -> list[Failure]:
    failures = []
    years = practice_years_required(facts.diploma, on)
    if not years:
        return []
    if facts.practice_since is None:
        failures.append(Failure(
            "practice_too_short", REF_RESIDANAT,
            f"Exercice effectif non déclaré (exigé : {_years_fr(years)}).",
            f"لم يتم التصريح بالممارسة الفعلية: {years} سنة مطلوبة.",
        ))
    else:
        reached = add_years(facts.practice_since, years)
        if reached > on:
            since, until, judged = _day(facts.practice_since), _day(reached), _day(on)
            failures.append(Failure(
                "practice_too_short", REF_RESIDANAT,
                f"Exercice effectif depuis le {since} : {_years_fr(years)} d'exercice atteint le {until}, "
                f"après la date d'appréciation du {judged}.",
                f"ممارسة فعلية منذ {since}: تكتمل {years} سنة من الممارسة في {until}، أي بعد تاريخ التقدير {judged}.",
            ))
    return failures


def _civil_service(facts: Facts) -> list[Failure]:
    # D93 art. 21: "ويجب على المترشحين المدنيين المغاربة المشار إليهم في الفقرتين 1 و2": the Moroccan
    # civilians of both routes (titles 1.a and competition 2°); foreigners and military candidates are not named.
    if not facts.moroccan or facts.civil_service_in_order:
        return []
    return [Failure(
        "civil_service", REF_RESIDANAT,
        "Situation vis-à-vis du service civil non en règle (exigée des candidats marocains).",
        "الوضعية إزاء الخدمة المدنية غير سليمة (شرط مطلوب من المترشحين المغاربة).",
    )]


def _titles_intern(facts: Facts, on: dt.date) -> list[Failure]:
    # D93 art. 21 1.a: two years of actual internat validated, and (for a Moroccan) the civil
    # service in order. Not a competition: no attempt cap.
    return _internat_months(facts, on) + _civil_service(facts)


def _internat_months(facts: Facts, on: dt.date) -> list[Failure]:
    required = MONTHS_PER_YEAR * param("residanat.titles_internat_years_required", on)
    months = facts.internat_months_validated
    if months is not None and months >= required:
        return []
    if months is None:
        fr = f"Mois d'internat effectif validés non déclarés : {required} exigés (accès sur titres)."
        ar = (f"لم يتم التصريح بأشهر العمل الفعلي المصحَّحة في القسم الداخلي: {required} شهرا مطلوبة "
              "(الولوج بناء على الشهادات).")
    else:
        fr = f"{months} mois d'internat effectif validés sur les {required} exigés (accès sur titres)."
        ar = (f"{months} شهرا مصحَّحة من العمل الفعلي في القسم الداخلي من أصل {required} شهرا مطلوبة "
              "(الولوج بناء على الشهادات).")
    return [Failure("internat_too_short", REF_RESIDANAT, fr, ar)]


def _titles_military(facts: Facts) -> list[Failure]:
    # D93 art. 21 1.b: military candidates who passed the military hospitals' assistants competition.
    if facts.military_assistant_passed:
        return []
    return [Failure(
        "not_military_assistant", REF_RESIDANAT,
        "Non reçu au concours d'assistanat des hôpitaux militaires (accès sur titres).",
        "غير ناجح في مباراة المساعدين بالمستشفيات العسكرية (الولوج بناء على الشهادات).",
    )]


def _public_health_internat(facts: Facts, on: dt.date) -> list[Failure]:
    # RD68 ch. 1: medicine students who passed the end-of-year-5 exams; at most 2 attempts.
    failures = []
    if facts.track != "medicine":
        failures.append(Failure(
            "not_medicine", REF_PUBLIC_HEALTH,
            f"Concours réservé aux étudiants en médecine (filière déclarée : {TRACK_FR[facts.track]}).",
            f"المباراة مخصصة لطلبة الطب (المسلك المصرح به: {TRACK_AR[facts.track]}).",
        ))
    if not facts.year5_exams_passed:
        failures.append(Failure(
            "year5_exams", REF_PUBLIC_HEALTH,
            "Examens de fin de 5e année non réussis.",
            "لم يتم النجاح في امتحانات نهاية السنة الخامسة.",
        ))
    failures += _attempts(facts, param("ph_internat.max_attempts", on), REF_PUBLIC_HEALTH)
    if facts.thesis_defended_on is not None and facts.thesis_defended_on <= on:
        day = _day(facts.thesis_defended_on)
        failures.append(Failure(
            "doctor_of_medicine", REF_PUBLIC_HEALTH_DOCTOR,
            f"Thèse soutenue le {day} : un docteur en médecine ne peut être interne.",
            f"نوقشت الأطروحة بتاريخ {day}: لا يمكن لدكتور في الطب أن يكون داخليا.",
        ))
    return failures


def _attempts(facts: Facts, cap: int, ref: str) -> list[Failure]:
    number = attempt_number(facts.previous_attempts)
    if number <= cap:
        return []
    return [Failure(
        "attempts_exhausted", ref,
        f"Ce serait la participation n° {number} ({facts.previous_attempts} antérieures) ; "
        f"{cap} au plus sont permises.",
        f"ستكون هذه المشاركة رقم {number} ({facts.previous_attempts} مشاركات سابقة)، "
        f"والحد الأقصى {cap} مشاركات.",
    )]


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February gives 1 March, when the full years have elapsed."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, month=3, day=1)


def _years_fr(years: int) -> str:
    return f"{years} an" if years == 1 else f"{years} ans"


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")
