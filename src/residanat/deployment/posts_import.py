"""The campaign's posts from a spreadsheet (xlsx or CSV): one line per establishment, specialty,
cohort and purpose, with its number of seats.

Every row is checked before anything is written (errors name the row and the column); the file
replaces the campaign's posts as a whole, in one transaction, and only while the campaign is in
preparation. The dry run takes the same path and rolls back, so its counts are exact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from residanat.accounts.authority import is_ministry
from residanat.documents.spreadsheet import ImportResult, RowError, blank, key_of, read_table
from residanat.referential.models import Establishment, HealthDelegation, Specialty

from .models import Campaign, DeploymentPost, Purpose

COLUMNS = ("delegation", "etablissement", "specialite", "promotion", "motif", "priorite", "postes")
# A purpose may be written as its code or its French label; blank stays blank (unexplained).
PURPOSES = {**{p.value: p.value for p in Purpose}, **{key_of(p.label): p.value for p in Purpose}}


@dataclass
class PostsImport(ImportResult):
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    seats: int = 0
    replaced: int = 0


def import_posts(campaign: Campaign, data: bytes, by, *, dry_run: bool) -> PostsImport:
    if not is_ministry(by):
        raise PermissionDenied
    result = PostsImport(dry_run=dry_run)
    refused = None if campaign.state == Campaign.State.DRAFT else _(
        "la campagne n'est plus en préparation : ses postes sont arrêtés")
    opened = open_table(data, result, COLUMNS, refused)
    if opened is None:
        return result
    posts = _check(*opened, result)
    if result.errors:
        return result
    with transaction.atomic():
        result.replaced = campaign.posts.count()
        campaign.posts.all().delete()
        DeploymentPost.objects.bulk_create([DeploymentPost(campaign=campaign, **p) for p in posts])
        if dry_run:
            transaction.set_rollback(True)
    return result


def open_table(data: bytes, result, columns, refused: str | None = None):
    """The rows of an uploaded table and where each expected column is, or None with the reason
    in `result.errors` (the operation refused, an unreadable or empty file, a missing column)."""
    if refused:
        result.errors.append(RowError(0, "", refused))
        return None
    try:
        table = read_table(data)
    except ValueError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return None
    if not table:
        result.errors.append(RowError(1, "", _("fichier vide")))
        return None
    header = [key_of(h) for h in table[0][1]]
    for column in columns:
        if column not in header:
            result.errors.append(RowError(1, column, _("colonne manquante")))
    if result.errors:
        return None
    return table, {name: header.index(name) for name in columns}


def _check(table, col, result: PostsImport) -> list[dict]:
    delegations = {d.name_fr: d for d in HealthDelegation.objects.select_related("province")}
    establishments = {e.code: e for e in Establishment.objects.all()}
    find_specialty = specialty_finder()
    posts, seen = [], Counter()
    for line, values in table[1:]:
        cell = {name: (values[i] if i < len(values) else None) for name, i in col.items()}
        if all(blank(v) for v in cell.values()):
            continue
        result.rows += 1

        def error(column, message):
            result.errors.append(RowError(line, column, message))

        delegation = delegations.get(str(cell["delegation"] or "").strip())
        if delegation is None:
            error("delegation", _("délégation inconnue : « %(value)s »") % {"value": cell["delegation"] or ""})
        establishment = establishments.get(str(cell["etablissement"] or "").strip())
        if establishment is None:
            error("etablissement", _("établissement inconnu : « %(value)s »") % {"value": cell["etablissement"] or ""})
        elif delegation is not None and establishment.province_id != delegation.province_id:
            error("etablissement", _("%(establishment)s n'est pas dans la province de %(delegation)s")
                  % {"establishment": establishment.name_fr, "delegation": delegation.name_fr})
        specialty = find_specialty(cell["specialite"], lambda message: error("specialite", message))
        cohort = _integer(cell["promotion"], "promotion", error, low=1990, high=2100)
        seats = _integer(cell["postes"], "postes", error, low=1, high=999)
        priority = _integer(cell["priorite"], "priorite", error, low=1, high=3, default=DeploymentPost.Priority.NORMAL)
        purpose = "" if blank(cell["motif"]) else PURPOSES.get(key_of(cell["motif"]))
        if purpose is None:
            error("motif", _("motif inconnu : « %(value)s » (attendu : %(choices)s, ou vide)")
                  % {"value": cell["motif"], "choices": ", ".join(p.value for p in Purpose)})
        if None in (delegation, establishment, specialty, cohort, seats, priority, purpose):
            continue
        key = (establishment.pk, specialty.pk, cohort, purpose)
        seen[key] += 1
        if seen[key] > 1:
            error("etablissement", _("ligne en double (même établissement, spécialité, promotion et motif)"))
            continue
        posts.append({"delegation": delegation, "establishment": establishment, "specialty": specialty,
                      "cohort": cohort, "purpose": purpose, "priority": priority, "seats": seats})
        result.seats += seats
    return posts


def specialty_finder():
    """Finds a specialty by its code, or code:group where the code stands in two groups (Analyses
    Biologiques Médicales: biological and pharmaceutical); reports the problem otherwise."""
    specialties: dict[str, list[Specialty]] = {}
    for s in Specialty.objects.all():
        specialties.setdefault(s.code, []).append(s)
        specialties.setdefault(f"{s.code}:{s.group}", []).append(s)

    def find(value, report):
        found = specialties.get(str(value or "").strip(), [])
        if len(found) > 1:
            report(_("« %(value)s » est dans deux groupes : écrire code:groupe") % {"value": value})
        elif not found:
            report(_("spécialité inconnue : « %(value)s »") % {"value": value or ""})
        return found[0] if len(found) == 1 else None

    return find


def _integer(value, column, error, *, low, high, default=None):
    if blank(value):
        if default is not None:
            return default
        error(column, _("valeur obligatoire"))
        return None
    try:
        number = int(float(str(value).strip().replace(",", ".")))
    except ValueError:
        error(column, _("« %(value)s » n'est pas un nombre") % {"value": value})
        return None
    if not low <= number <= high:
        error(column, _("%(value)s hors des bornes %(low)s–%(high)s") % {"value": number, "low": low, "high": high})
        return None
    return number
