"""Effective-dated regulation parameters, loaded from data/parameters.toml.

Every amount, duration, cap and deadline of the regulation lives in that file with its validity
range and article; code asks `param(key, on=date)` and never writes the number itself.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).with_name("data") / "parameters.toml"
REF_PATTERN = re.compile(r"^(D93 art\. \d+( bis){0,2}|RD68 ch\. \d+)$")
REQUIRED_FIELDS = ("key", "value", "unit", "valid_from", "ref", "seed", "label_fr", "label_ar")


class ParameterError(Exception):
    """The parameter file is inconsistent, or a lookup cannot be answered."""


class UnknownParameter(ParameterError, KeyError):
    def __str__(self):
        return self.args[0]


class ParameterNotInForce(ParameterError, LookupError):
    pass


@dataclass(frozen=True)
class Parameter:
    key: str
    value: Decimal | int
    unit: str
    valid_from: dt.date
    valid_to: dt.date | None
    ref: str
    seed: str
    label_fr: str
    label_ar: str

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def label(self, language: str) -> str:
        return self.label_ar if language == "ar" else self.label_fr

    def as_json(self) -> dict:
        value = self.value
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        return {
            "key": self.key,
            "value": value,
            "unit": self.unit,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "ref": self.ref,
            "seed": self.seed,
            "label": {"fr": self.label_fr, "ar": self.label_ar},
        }


class ParameterTable:
    def __init__(self, parameters: list[Parameter], source: str):
        self.source = source
        self._by_key: dict[str, list[Parameter]] = {}
        for p in parameters:
            self._by_key.setdefault(p.key, []).append(p)
        for versions in self._by_key.values():
            versions.sort(key=lambda p: p.valid_from)
            _check_no_overlap(versions, source)

    def keys(self) -> list[str]:
        return sorted(self._by_key)

    def versions(self, key: str) -> list[Parameter]:
        try:
            return list(self._by_key[key])
        except KeyError:
            raise UnknownParameter(f"unknown regulation parameter {key!r}") from None

    def get(self, key: str, on: dt.date) -> Parameter:
        versions = self.versions(key)
        for p in versions:
            if p.in_force(on):
                return p
        ranges = ", ".join(
            f"{p.valid_from.isoformat()} to {p.valid_to.isoformat() if p.valid_to else 'today'}"
            for p in versions
        )
        raise ParameterNotInForce(
            f"regulation parameter {key!r} ({versions[0].ref}) has no value in force on "
            f"{on.isoformat()}; it is known only from {ranges}"
        )

    def amended(self, orders: list[Parameter], source: str) -> "ParameterTable":
        """This table with later orders laid over it, in the order given: each order's value is in
        force over its range and what was in force there before is cut around it (an order with an
        earlier effective date than today's value rewrites the past: the payroll pays the arrears)."""
        by_key = {key: list(versions) for key, versions in self._by_key.items()}
        for order in orders:
            if order.key not in by_key:
                raise UnknownParameter(f"unknown regulation parameter {order.key!r}")
            kept = []
            for version in by_key[order.key]:
                if version.valid_from < order.valid_from:
                    before_end = order.valid_from - dt.timedelta(days=1)
                    kept.append(replace(version, valid_to=min(version.valid_to or before_end, before_end)))
                if order.valid_to is not None and (version.valid_to is None or version.valid_to > order.valid_to):
                    kept.append(replace(version, valid_from=max(version.valid_from,
                                                                order.valid_to + dt.timedelta(days=1))))
            by_key[order.key] = [v for v in kept if v.valid_to is None or v.valid_from <= v.valid_to] + [order]
        return ParameterTable([v for versions in by_key.values() for v in versions], source)

    def in_force(self, on: dt.date) -> list[Parameter]:
        found = []
        for versions in self._by_key.values():
            found.extend(p for p in versions if p.in_force(on))
        return sorted(found, key=lambda p: p.key)


def _check_no_overlap(versions: list[Parameter], source: str) -> None:
    for before, after in zip(versions, versions[1:]):
        if before.valid_to is None or before.valid_to >= after.valid_from:
            raise ParameterError(
                f"{source}: {before.key!r} has overlapping validity ranges starting "
                f"{before.valid_from} and {after.valid_from}"
            )


def _as_date(value, where: str, field: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ParameterError(f"{where}: {field} must be a date (YYYY-MM-DD), got {value!r}")


def _parse_entry(raw: dict, where: str) -> Parameter:
    missing = [f for f in REQUIRED_FIELDS if f not in raw]
    if missing:
        raise ParameterError(f"{where}: missing field(s) {', '.join(missing)}")
    unknown = set(raw) - set(REQUIRED_FIELDS) - {"valid_to"}
    if unknown:
        raise ParameterError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    value = raw["value"]
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ParameterError(f"{where}: value must be a number, got {value!r}")
    if not REF_PATTERN.match(raw["ref"]):
        raise ParameterError(
            f"{where}: ref {raw['ref']!r} must read like 'D93 art. 18' or 'RD68 ch. 14'"
        )
    valid_from = _as_date(raw["valid_from"], where, "valid_from")
    valid_to = _as_date(raw["valid_to"], where, "valid_to") if raw.get("valid_to") else None
    if valid_to and valid_to < valid_from:
        raise ParameterError(f"{where}: valid_to {valid_to} is before valid_from {valid_from}")
    return Parameter(
        key=raw["key"],
        value=value,
        unit=raw["unit"],
        valid_from=valid_from,
        valid_to=valid_to,
        ref=raw["ref"],
        seed=raw["seed"],
        label_fr=raw["label_fr"],
        label_ar=raw["label_ar"],
    )


def parse_parameters(text: str, source: str = "<string>") -> ParameterTable:
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{source}: {exc}") from exc
    entries = data.get("param", [])
    params = [_parse_entry(raw, f"{source}: param #{i + 1}") for i, raw in enumerate(entries)]
    return ParameterTable(params, source)


@lru_cache(maxsize=4)
def load_parameters(path: str | Path | None = None) -> ParameterTable:
    path = Path(path) if path else DEFAULT_PATH
    return parse_parameters(path.read_text(encoding="utf-8"), str(path.name))


def param(key: str, on: dt.date, table: ParameterTable | None = None):
    """The value of `key` in force on `on` (inclusive ranges); raises if none is."""
    return (table or load_parameters()).get(key, on).value


def parameters_in_force(on: dt.date, table: ParameterTable | None = None) -> list[Parameter]:
    return (table or load_parameters()).in_force(on)
