"""Specialty groups, tracks and residency duration classes (D93 art. 23)."""

from enum import StrEnum


class Track(StrEnum):
    MEDICINE = "medicine"
    PHARMACY = "pharmacy"
    DENTAL = "dental"


class SpecialtyGroup(StrEnum):
    MEDICAL = "medical"
    SURGICAL = "surgical"
    BIOLOGICAL = "biological"
    PHARMACEUTICAL = "pharmaceutical"
    DENTAL = "dental"


class DurationClass(StrEnum):
    """The three residency lengths of D93 art. 23; years come from `residency.years.<class>`."""

    SHORT = "short"
    STANDARD = "standard"
    LONG = "long"

    @property
    def parameter_key(self) -> str:
        return f"residency.years.{self.value}"


# D93 art. 23: 3 years for occupational and sports medicine; 5 for surgical specialties and
# internal medicine; 4 for the rest (medical, pharmaceutical, biological, and "اختصاصات المحافظة على
# الأسنان", the dental specialties: art. 25 c) has their residents in "the first two years" and "the
# last two years", oral surgery included: docs/decisions/0003-dental-residency-length.md).
SHORT_RESIDENCY_CODES = frozenset({"occupational-medicine", "sports-medicine"})
LONG_RESIDENCY_CODES = frozenset({"internal-medicine"})


def residency_duration_class(group: str, code: str) -> DurationClass:
    if group == SpecialtyGroup.DENTAL:
        return DurationClass.STANDARD
    if code in SHORT_RESIDENCY_CODES:
        return DurationClass.SHORT
    if code in LONG_RESIDENCY_CODES or group == SpecialtyGroup.SURGICAL:
        return DurationClass.LONG
    return DurationClass.STANDARD
