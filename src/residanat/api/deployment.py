"""The deployment of new specialists under /api/v1/deployment (read): a campaign's figures (the
same counts as the dashboard and the communiqué: regions, cohorts, purposes with the
reconciliation, delegations, growth, missing specialties) and the specialists with their wishes
and posting.

Figures are not personal: every staff role reads them (403 for a trainee). Specialists through
Candidate.objects.visible_to, as on the pages; outside, 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from residanat.accounts.roles import Role
from residanat.accounts.scopes import roles_of
from residanat.deployment import reports, services
from residanat.deployment.models import Campaign, Candidate

from .common import Pages

router = Router(tags=["deployment"])


class CampaignRegionOut(Schema):
    code: str
    name_fr: str
    name_ar: str
    seats: int
    delegations: int
    previous_year: int
    growth_percent: float | None


class PurposeOut(Schema):
    purpose: str
    seats: int


class ReconciliationOut(Schema):
    announced_total: int | None
    total: int
    explained: int
    unexplained: int
    difference_with_announced: int | None
    balanced: bool
    by_purpose: list[PurposeOut]


class MissingOut(Schema):
    province: str
    specialty: str
    seats: int
    taken: int
    state: str


class CampaignOut(Schema):
    year: int
    state: Campaign.State
    total: int
    previous_total: int
    growth_percent: float | None
    delegations: int
    cohorts: dict[str, int]
    regions: list[CampaignRegionOut]
    reconciliation: ReconciliationOut
    missing_specialties: list[MissingOut]


class PostingOut(Schema):
    post: str | None
    establishment: str | None
    province: str | None
    wish_order: int | None


class SpecialistOut(Schema):
    id: int
    person_id: int
    kind: Candidate.Kind
    specialty: str
    cohort: int | None
    rank: int | None
    wishes: list[str]
    couple_with: int | None
    posting: PostingOut | None


def _must_be_staff(user):
    if not (user.is_superuser or roles_of(user) - {Role.TRAINEE}):
        raise PermissionDenied


@router.get("/campaigns/{int:year}", response=CampaignOut, url_name="deployment-campaign")
def get_campaign(request, year: int):
    _must_be_staff(request.auth)
    campaign = get_object_or_404(Campaign, year=year)
    total, before = reports.total_seats(campaign), reports.total_seats(reports.previous(campaign))
    rec = reports.reconciliation(campaign)
    return {
        "year": campaign.year, "state": campaign.state, "total": total, "previous_total": before,
        "growth_percent": reports.growth(total, before), "delegations": reports.delegations_served(campaign),
        "cohorts": {str(c): s for c, s in reports.by_cohort(campaign)},
        "regions": [{"code": r["region"].code, "name_fr": r["region"].name_fr, "name_ar": r["region"].name_ar,
                     "seats": r["seats"], "delegations": r["delegations"], "previous_year": r["before"],
                     "growth_percent": r["growth"]} for r in reports.by_region(campaign)],
        "reconciliation": {"announced_total": rec.announced, "total": rec.total, "explained": rec.explained,
                           "unexplained": rec.unexplained, "difference_with_announced": rec.difference_with_announced,
                           "balanced": rec.balanced,
                           "by_purpose": [{"purpose": code, "seats": seats} for code, _l, seats in rec.by_purpose]},
        "missing_specialties": [{"province": r["establishment__province__name_fr"], "specialty": r["specialty__name_fr"],
                                 "seats": r["seats"], "taken": r["taken"], "state": r["state"]}
                                for r in reports.missing_specialties(campaign)],
    }


def _specialist_out(candidate: Candidate) -> dict:
    couple = services.couple_of(candidate)
    partner = None if couple is None else (couple.second_id if couple.first_id == candidate.pk else couple.first_id)
    posting = services.posting_of(candidate)
    return {
        "id": candidate.pk, "person_id": candidate.person_id, "kind": candidate.kind,
        "specialty": candidate.specialty.code, "cohort": candidate.cohort, "rank": candidate.rank,
        "wishes": [f"P{w.post_id}" for w in candidate.wishes.order_by("order")], "couple_with": partner,
        "posting": None if posting is None else {
            "post": posting.post and posting.post.code, "wish_order": posting.wish_order,
            "establishment": posting.post and posting.post.establishment.code,
            "province": posting.post and posting.post.establishment.province.name_fr},
    }


@router.get("/campaigns/{int:year}/specialists", response=list[SpecialistOut], url_name="deployment-specialists")
@paginate(Pages, max_limit=200)
def list_specialists(request, year: int):
    campaign = get_object_or_404(Campaign, year=year)
    found = Candidate.objects.visible_to(request.auth).filter(campaign=campaign).select_related("specialty", "campaign")
    return [_specialist_out(c) for c in found.order_by("rank", "pk")]


@router.get("/specialists/{int:specialist_id}", response=SpecialistOut, url_name="deployment-specialist")
def get_specialist(request, specialist_id: int):
    candidate = get_object_or_404(Candidate.objects.visible_to(request.auth).select_related("specialty", "campaign"),
                                  pk=specialist_id)
    return _specialist_out(candidate)
