"""Moroccan bank account numbers (RIB): 24 digits, bank code (3), locality code (3), account
number (16) and a 2-digit key chosen so that the whole number is a multiple of 97."""

from __future__ import annotations

import re

LENGTH = 24
_SEPARATORS = re.compile(r"[\s.-]")


class RibError(ValueError):
    """Why a RIB is refused; `code` says which check failed."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def normalise(raw: str) -> str:
    """The digits of a RIB as people write it (spaces, dots or dashes between the groups)."""
    return _SEPARATORS.sub("", raw or "")


def expected_key(first_22: str) -> int:
    return 97 - (int(first_22) * 100) % 97


def check(raw: str) -> str:
    """The RIB as 24 digits, or RibError saying what is wrong with it."""
    rib = normalise(raw)
    if rib and not rib.isdigit():
        raise RibError("digits", "a RIB has digits only")
    if len(rib) != LENGTH:
        raise RibError("length", f"a RIB has {LENGTH} digits, this one has {len(rib)}")
    if int(rib[22:]) != expected_key(rib[:22]):
        raise RibError("key", f"the key {rib[22:]} does not match the account number (expected {expected_key(rib[:22]):02d})")
    return rib


def with_key(first_22: str) -> str:
    """A full RIB from its first 22 digits (for demo data and tests)."""
    return f"{first_22}{expected_key(first_22):02d}"


def grouped(rib: str) -> str:
    """As printed on a RIB certificate: bank, locality, account, key."""
    return f"{rib[:3]} {rib[3:6]} {rib[6:22]} {rib[22:]}"
