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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.accounts.authority import is_ministry
from residanat.documents.imports import Column, TableImport, run_import
from residanat.documents.spreadsheet import ImportResult, RowError, blank, key_of
from residanat.referential.models import Establishment, HealthDelegation, Specialty

from .models import Campaign, DeploymentPost, Purpose

# A purpose may be written as its code or its French label; blank stays blank (unexplained).
PURPOSES = {**{p.value: p.value for p in Purpose}, **{key_of(p.label): p.value for p in Purpose}}


@dataclass
class PostsImport(ImportResult):
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    seats: int = 0
    replaced: int = 0


def _before(context, result) -> None:
    if not is_ministry(context["by"]):
        raise PermissionDenied
    if context["campaign"].state != Campaign.State.DRAFT:
        result.errors.append(RowError(0, "", _("la campagne n'est plus en préparation : ses postes sont arrêtés")))
    # What the lines are checked against, read once.
    context.update(delegations={d.name_fr: d for d in HealthDelegation.objects.select_related("province")},
                   establishments={e.code: e for e in Establishment.objects.all()},
                   find_specialty=specialty_finder(), seen=Counter())


def _read_row(row, context, result: PostsImport) -> dict | None:
    known = context
    result.rows += 1
    cell = row.cell
    delegation = known["delegations"].get(str(cell("delegation") or "").strip())
    if delegation is None:
        row.error("delegation", _("délégation inconnue : « %(value)s »") % {"value": cell("delegation") or ""})
    establishment = known["establishments"].get(str(cell("etablissement") or "").strip())
    if establishment is None:
        row.error("etablissement", _("établissement inconnu : « %(value)s »") % {"value": cell("etablissement") or ""})
    elif delegation is not None and establishment.province_id != delegation.province_id:
        row.error("etablissement", _("%(establishment)s n'est pas dans la province de %(delegation)s")
                  % {"establishment": establishment.name_fr, "delegation": delegation.name_fr})
    specialty = known["find_specialty"](cell("specialite"), lambda message: row.error("specialite", message))
    cohort = integer(row, "promotion", low=1990, high=2100)
    seats = integer(row, "postes", low=1, high=999)
    priority = integer(row, "priorite", low=1, high=3, default=DeploymentPost.Priority.NORMAL)
    purpose = "" if blank(cell("motif")) else PURPOSES.get(key_of(cell("motif")))
    if purpose is None:
        row.error("motif", _("motif inconnu : « %(value)s » (attendu : %(choices)s, ou vide)")
                  % {"value": cell("motif"), "choices": ", ".join(p.value for p in Purpose)})
    if None in (delegation, establishment, specialty, cohort, seats, priority, purpose):
        return None
    key = (establishment.pk, specialty.pk, cohort, purpose)
    known["seen"][key] += 1
    if known["seen"][key] > 1:
        row.error("etablissement", _("ligne en double (même établissement, spécialité, promotion et motif)"))
        return None
    result.seats += seats
    return {"delegation": delegation, "establishment": establishment, "specialty": specialty,
            "cohort": cohort, "purpose": purpose, "priority": priority, "seats": seats}


def _write(posts, context, result: PostsImport) -> None:
    campaign = context["campaign"]
    result.replaced = campaign.posts.count()
    campaign.posts.all().delete()
    DeploymentPost.objects.bulk_create([DeploymentPost(campaign=campaign, **p) for p in posts])


# The file replaces the campaign's posts as a whole.
POSTS = TableImport(
    columns=tuple(Column(name, required=True) for name in (
        "delegation", "etablissement", "specialite", "promotion", "motif", "priorite", "postes")),
    result=lambda context, dry_run: PostsImport(dry_run=dry_run),
    before=_before, read_row=_read_row, write=_write,
    missing_column=gettext_lazy("colonne manquante"), empty=gettext_lazy("fichier vide"), file_row=0,
)
COLUMNS = tuple(c.name for c in POSTS.columns)


def import_posts(campaign: Campaign, data: bytes, by, *, dry_run: bool, file_name: str = "") -> PostsImport:
    return run_import(POSTS, file_name, data, context={"campaign": campaign, "by": by}, commit=not dry_run)


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


def integer(row, column, *, low, high, default=None):
    """The cell of `column` as a whole number between `low` and `high` (`default` when blank)."""
    value = row.cell(column)
    if blank(value):
        if default is not None:
            return default
        row.error(column, _("valeur obligatoire"))
        return None
    try:
        number = int(float(str(value).strip().replace(",", ".")))
    except ValueError:
        row.error(column, _("« %(value)s » n'est pas un nombre") % {"value": value})
        return None
    if not low <= number <= high:
        row.error(column, _("%(value)s hors des bornes %(low)s–%(high)s") % {"value": number, "low": low, "high": high})
        return None
    return number
