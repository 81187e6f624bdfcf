"""Institutional data (regions, faculties, hospital centres, establishments, specialties).

It holds nothing personal, so every authenticated user reads all of it.
"""

from ninja import Router, Schema

from residanat.referential.models import (
    Establishment,
    Faculty,
    HospitalCentre,
    Province,
    Region,
    Specialty,
)

from .common import IsoDate, UnitRef

router = Router(tags=["referential"])


class ProvinceOut(Schema):
    id: int
    kind: Province.Kind
    name_fr: str
    name_ar: str


class RegionOut(Schema):
    id: int
    code: str
    name_fr: str
    name_ar: str
    provinces: list[ProvinceOut]

    @staticmethod
    def resolve_provinces(obj):
        return obj.provinces.all()


class FacultyOut(UnitRef):
    kind: Faculty.Kind
    city_fr: str
    city_ar: str
    province_id: int


class HospitalCentreOut(UnitRef):
    city_fr: str
    city_ar: str
    province_id: int
    faculties: list[UnitRef]

    @staticmethod
    def resolve_faculties(obj):
        return obj.faculties.all()


class EstablishmentOut(UnitRef):
    kind: Establishment.Kind
    province_id: int
    region_code: str
    hospital_centre_id: int | None
    is_public_health: bool

    @staticmethod
    def resolve_region_code(obj):
        return obj.province.region.code


class SpecialtyOut(UnitRef):
    group: Specialty.Group
    track: Specialty.TrackChoice
    duration_class: Specialty.Duration
    public_administration_open: bool


@router.get("/regions", response=list[RegionOut], url_name="regions")
def regions(request):
    return Region.objects.prefetch_related("provinces")


@router.get("/faculties", response=list[FacultyOut], url_name="faculties")
def faculties(request):
    return Faculty.objects.all()


@router.get("/hospital-centres", response=list[HospitalCentreOut], url_name="hospital-centres")
def hospital_centres(request):
    return HospitalCentre.objects.prefetch_related("faculties")


@router.get("/establishments", response=list[EstablishmentOut], url_name="establishments")
def establishments(
    request,
    region: str | None = None,
    understaffed_on: IsoDate | None = None,
    kind: Establishment.Kind | None = None,
):
    """`region`: a region code; `understaffed_on`: only those on the under-staffed list in force
    that day (D93 art. 27)."""
    found = Establishment.objects.select_related("province__region")
    if region:
        found = found.filter(province__region__code=region)
    if understaffed_on:
        found = found.understaffed_on(understaffed_on)
    if kind:
        found = found.filter(kind=kind)
    return found


@router.get("/specialties", response=list[SpecialtyOut], url_name="specialties")
def specialties(
    request,
    group: Specialty.Group | None = None,
    track: Specialty.TrackChoice | None = None,
):
    found = Specialty.objects.all()
    if group:
        found = found.filter(group=group)
    if track:
        found = found.filter(track=track)
    return found
