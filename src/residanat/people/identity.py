"""Who a person is, as every import and form of people checks it: identity numbers (a CIN for a
Moroccan, a passport and a nationality for a foreigner), and the registered person a row names."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from residanat.documents.spreadsheet import key_of

from .models import Person

# Carte nationale d'identité électronique: one or two letters, then the serial digits (BK123456, A98765).
CIN_RE = re.compile(r"[A-Z]{1,2}[0-9]{1,6}")
PASSPORT_RE = re.compile(r"[A-Z0-9]{5,20}")
COUNTRY_RE = re.compile(r"[A-Z]{2}")


def normalise_identifier(value) -> str:
    return re.sub(r"[\s\-./]", "", str(value or "")).upper()


def cin_problem(value: str) -> str | None:
    if not CIN_RE.fullmatch(value):
        return _("« %(value)s » n'est pas un numéro de CIN (une ou deux lettres puis des chiffres, "
                 "par ex. BK123456)") % {"value": value}
    return None


def passport_problem(value: str) -> str | None:
    if not PASSPORT_RE.fullmatch(value):
        return _("« %(value)s » n'est pas un numéro de passeport (5 à 20 lettres ou chiffres)") % {"value": value}
    return None


def country_problem(value: str) -> str | None:
    if not COUNTRY_RE.fullmatch(value):
        return _("« %(value)s » n'est pas un code de pays à deux lettres (ISO 3166, par ex. MA, SN, FR)") % {
            "value": value}
    return None


def find_person(identity: dict) -> tuple[tuple, Person | None]:
    """The key that tells two rows of a file apart (a CIN, or a passport of a nationality) and the
    registered person it names, if any. Shared by every import of people."""
    if identity["national_id"]:
        return ("cin", identity["national_id"]), Person.objects.filter(national_id=identity["national_id"]).first()
    return (("passport", identity["nationality"], identity["passport_number"]),
            Person.objects.filter(passport_number=identity["passport_number"], nationality=identity["nationality"]).first())


def same_name(person: Person, identity: dict) -> bool:
    def norm(text):
        return key_of(text).replace("_", "")

    return (norm(person.last_name), norm(person.first_name)) == (norm(identity["last_name"]),
                                                                 norm(identity["first_name"]))
