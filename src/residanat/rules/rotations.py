"""Internat rotations: which services an intern may still choose (D93 art. 14, 15, 17).

The internat is four consecutive six-month rotations, a different service each time, all
validated, with mandatory rotations per track (data/mandatory_rotations.toml). A choice that
would leave more mandatory rotations missing than periods left is refused, with the reason.
Pure Python.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .eligibility import Failure
from .parameters import ParameterError, param

DATA = Path(__file__).with_name("data") / "mandatory_rotations.toml"


@dataclass(frozen=True)
class Requirement:
    track: str
    code: str
    kinds: frozenset[str]
    count: int
    valid_from: dt.date
    ref: str
    label_fr: str
    label_ar: str

    def label(self, language: str) -> str:
        return self.label_ar if language.startswith("ar") else self.label_fr


@dataclass(frozen=True)
class Missing:
    requirement: Requirement
    count: int


@dataclass(frozen=True)
class Done:
    """A rotation already done or under way: its service and that service's kind. A rotation
    not validated is not a `Done` (art. 17: redone in full)."""

    service: object
    kind: str


@lru_cache(maxsize=1)
def load_requirements(path: Path = DATA) -> tuple[Requirement, ...]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    requirements = tuple(
        Requirement(
            track=r["track"], code=r["code"], kinds=frozenset(r["kinds"]), count=int(r["count"]),
            valid_from=r["valid_from"], ref=r["ref"], label_fr=r["label_fr"], label_ar=r["label_ar"],
        )
        for r in raw.get("requirement", [])
    )
    for track in {r.track for r in requirements}:
        seen: set[str] = set()
        for r in (r for r in requirements if r.track == track):
            if seen & r.kinds:
                raise ParameterError(f"{path.name}: kinds of {track} requirements overlap ({seen & r.kinds})")
            seen |= r.kinds
    return requirements


def requirements(track: str, on: dt.date) -> list[Requirement]:
    return [r for r in load_requirements() if r.track == track and r.valid_from <= on]


def missing(track: str, done: Iterable[Done], on: dt.date) -> list[Missing]:
    """The mandatory rotations still to do after `done`."""
    kinds = Counter(d.kind for d in done)
    result = []
    for requirement in requirements(track, on):
        have = sum(kinds[k] for k in requirement.kinds)
        if have < requirement.count:
            result.append(Missing(requirement, requirement.count - have))
    return result


def rotations_left(done: Iterable[Done], on: dt.date) -> int:
    """Rotations still to do (validated or under way rotations count as done)."""
    return int(param("internat.rotations", on=on)) - len(list(done))


def refusal(track: str, done: list[Done], service, kind: str, on: dt.date) -> Failure | None:
    """Why `service` (of `kind`) cannot be the intern's next rotation, or None when it can."""
    left = rotations_left(done, on)
    if left <= 0:
        return Failure(
            "internat_complete", "D93 art. 14",
            "Les quatre stages de l'internat sont déjà faits ou en cours.",
            "التداريب الأربعة بالقسم الداخلي منجزة أو جارية.",
        )
    if any(d.service == service for d in done):
        return Failure(
            "same_service", "D93 art. 14",
            "Chaque stage se fait dans un service différent : ce service a déjà été fait.",
            "يجرى كل تدريب في مصلحة مختلفة: سبق التدريب في هذه المصلحة.",
        )
    still = missing(track, [*done, Done(service, kind)], on)
    needed = sum(m.count for m in still)
    if needed > left - 1:
        names_fr = ", ".join(f"{m.requirement.label_fr} ({m.count})" for m in still)
        names_ar = "، ".join(f"{m.requirement.label_ar} ({m.count})" for m in still)
        return Failure(
            "mandatory_impossible", "D93 art. 14",
            f"Ce choix rendrait impossibles les stages obligatoires restants : il resterait {needed} "
            f"stage(s) obligatoire(s) ({names_fr}) pour {left - 1} période(s).",
            f"هذا الاختيار يجعل التداريب الإجبارية المتبقية مستحيلة: سيتبقى {needed} تدريب إجباري "
            f"({names_ar}) مقابل {left - 1} فترة.",
        )
    return None
