"""The Ministry's merit list of a campaign, from a spreadsheet (xlsx or CSV): each person (by CIN)
with their category, specialty, cohort and merit rank; a person already proposed gets their rank,
others are added. Every line is checked before anything is written (errors name the row and the
column); the list is written in one transaction, and not once the campaign's postings are final.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from residanat.documents.spreadsheet import blank, key_of
from residanat.people.identity import normalise_identifier
from residanat.people.models import Person

from .models import Campaign, Candidate
from .posts_import import CampaignImport, ministry_table, run_for_campaign, specialty_finder

KINDS = {**{k.value: k.value for k in Candidate.Kind}, "nouveau": Candidate.Kind.NEW_SPECIALIST,
         "mutation": Candidate.Kind.TRANSFER}


@dataclass
class CandidatesImport(CampaignImport):
    created: int = 0
    updated: int = 0


def _refused(campaign: Campaign) -> str | None:
    if campaign.state == Campaign.State.FINAL:
        return _("les affectations de la campagne sont arrêtées")
    return None


def _lookups(context) -> None:
    context.update(find_specialty=specialty_finder(), ranks={}, seen=set(),
                   people={p.national_id: p for p in Person.objects.exclude(national_id=None)})


def _read_row(row, context, result) -> tuple:
    cell = row.cell
    person = context["people"].get(normalise_identifier(str(cell("cin") or "")))
    if person is None:
        row.error("cin", _("personne inconnue : « %(value)s »") % {"value": cell("cin") or ""})
    elif person.pk in context["seen"]:
        row.error("cin", _("personne en double dans le fichier"))
    kind = KINDS.get(key_of(cell("categorie")))
    if kind is None:
        row.error("categorie", _("catégorie inconnue : « %(value)s » (nouveau ou mutation)") % {"value": cell("categorie")})
    specialty = context["find_specialty"](cell("specialite"), lambda message: row.error("specialite", message))
    cohort = None if blank(cell("promotion")) else _int(cell("promotion"))
    if kind == Candidate.Kind.NEW_SPECIALIST and cohort is None:
        row.error("promotion", _("un nouveau spécialiste a une promotion (année de fin du résidanat)"))
    ranks = context["ranks"]
    rank = _int(cell("rang"))
    if rank is None or rank < 1:
        row.error("rang", _("rang de mérite obligatoire, entier à partir de 1"))
    elif rank in ranks:
        row.error("rang", _("rang %(rank)s déjà donné ligne %(line)s") % {"rank": rank, "line": ranks[rank]})
    else:
        ranks[rank] = row.number
    if person is not None:
        context["seen"].add(person.pk)
    return person, kind, specialty, cohort, rank


def _write(rows, context, result: CandidatesImport) -> None:
    campaign = context["campaign"]
    existing = {c.person_id: c for c in campaign.candidates.all()}
    # Ranks are unique per campaign: clear them first so a new list can reorder everybody.
    campaign.candidates.update(rank=None)
    for person, kind, specialty, cohort, rank in rows:
        cohort = cohort if kind == Candidate.Kind.NEW_SPECIALIST else None
        candidate = existing.get(person.pk)
        if candidate is None:
            Candidate.objects.create(campaign=campaign, person=person, kind=kind, specialty=specialty,
                                     cohort=cohort, rank=rank)
            result.created += 1
        else:
            candidate.kind, candidate.specialty, candidate.rank, candidate.cohort = kind, specialty, rank, cohort
            candidate.save()
            result.updated += 1


def _int(value):
    try:
        return int(float(str(value).strip()))
    except (TypeError, ValueError):
        return None


CANDIDATES = ministry_table(("cin", "categorie", "specialite", "promotion", "rang"), CandidatesImport, _refused,
                            _lookups, _read_row, _write)


def import_candidates(campaign: Campaign, data: bytes, by, *, dry_run: bool, file_name: str = "") -> CandidatesImport:
    return run_for_campaign(CANDIDATES, campaign, data, by, dry_run=dry_run, file_name=file_name)
