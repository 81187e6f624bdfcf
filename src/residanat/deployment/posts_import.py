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
class CampaignImport(ImportResult):
    """What an import into a campaign read and wrote (or would write: `dry_run`)."""

    dry_run: bool
    errors: list[RowError] = field(default_factory=list)


@dataclass
class PostsImport(CampaignImport):
    rows: int = 0
    seats: int = 0
    replaced: int = 0


def _refused(campaign: Campaign) -> str | None:
    if campaign.state != Campaign.State.DRAFT:
        return _("la campagne n'est plus en préparation : ses postes sont arrêtés")
    return None


def _lookups(context) -> None:
    """What the lines are checked against, read once."""
    context.update(delegations={d.name_fr: d for d in HealthDelegation.objects.select_related("province")},
                   establishments={e.code: e for e in Establishment.objects.all()},
                   find_specialty=specialty_finder(), seen=Counter())


def _read_row(row, context, result: PostsImport) -> dict | None:
    result.rows += 1
    cell = row.cell
    delegation = context["delegations"].get(str(cell("delegation") or "").strip())
    if delegation is None:
        row.error("delegation", _("délégation inconnue : « %(value)s »") % {"value": cell("delegation") or ""})
    establishment = context["establishments"].get(str(cell("etablissement") or "").strip())
    if establishment is None:
        row.error("etablissement", _("établissement inconnu : « %(value)s »") % {"value": cell("etablissement") or ""})
    elif delegation is not None and establishment.province_id != delegation.province_id:
        row.error("etablissement", _("%(establishment)s n'est pas dans la province de %(delegation)s")
                  % {"establishment": establishment.name_fr, "delegation": delegation.name_fr})
    specialty = context["find_specialty"](cell("specialite"), lambda message: row.error("specialite", message))
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
    context["seen"][key] += 1
    if context["seen"][key] > 1:
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


def ministry_table(names, result, refused, lookups, read_row, write) -> TableImport:
    """A table the Ministry imports into a campaign: every column required, the file's problems
    on row 0. `result(dry_run)` makes the import's result; `refused(campaign)` says why the
    campaign takes no such file now (None when it does); `lookups(context)` reads what the lines
    are checked against."""
    def before(context, result_) -> None:
        if not is_ministry(context["by"]):
            raise PermissionDenied
        if problem := refused(context["campaign"]):
            result_.errors.append(RowError(0, "", problem))
        lookups(context)

    return TableImport(columns=tuple(Column(name, required=True) for name in names),
                       result=lambda context, dry_run: result(dry_run=dry_run), before=before, read_row=read_row,
                       write=write, missing_column=gettext_lazy("colonne manquante"), empty=gettext_lazy("fichier vide"),
                       file_row=0)


def run_for_campaign(declaration: TableImport, campaign: Campaign, data: bytes, by, *, dry_run: bool,
                     file_name: str = ""):
    return run_import(declaration, file_name, data, context={"campaign": campaign, "by": by}, commit=not dry_run)


# The file replaces the campaign's posts as a whole.
POSTS = ministry_table(("delegation", "etablissement", "specialite", "promotion", "motif", "priorite", "postes"),
                       PostsImport, _refused, _lookups, _read_row, _write)


def import_posts(campaign: Campaign, data: bytes, by, *, dry_run: bool, file_name: str = "") -> PostsImport:
    return run_for_campaign(POSTS, campaign, data, by, dry_run=dry_run, file_name=file_name)


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
