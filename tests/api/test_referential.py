import datetime as dt

import pytest

from residanat.referential.models import Specialty, UnderstaffedListing
from tests.accounts.factories import UserFactory
from tests.api.helpers import token_client
from tests.referential.factories import (
    EstablishmentFactory,
    FacultyFactory,
    HospitalCentreFactory,
    ProvinceFactory,
    RegionFactory,
    SpecialtyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    # Referential data is institutional: any authenticated user, with or without a role, reads it.
    return token_client(UserFactory())


def test_regions_come_with_their_provinces_in_both_languages(client):
    region = RegionFactory(code="04", name_fr="Rabat-Salé-Kénitra", name_ar="الرباط سلا القنيطرة")
    province = ProvinceFactory(region=region, name_fr="Rabat", name_ar="الرباط", kind="prefecture")
    body = client.get("/api/v1/referential/regions").json()
    assert body == [
        {
            "id": region.pk, "code": "04", "name_fr": "Rabat-Salé-Kénitra", "name_ar": "الرباط سلا القنيطرة",
            "provinces": [{"id": province.pk, "kind": "prefecture", "name_fr": "Rabat", "name_ar": "الرباط"}],
        }
    ]


def test_faculties_and_hospital_centres_are_listed(client):
    faculty = FacultyFactory()
    chu = HospitalCentreFactory()
    chu.faculties.add(faculty)
    faculties = client.get("/api/v1/referential/faculties").json()
    assert [f["code"] for f in faculties] == [faculty.code]
    assert faculties[0]["kind"] == "FMP" and faculties[0]["name_ar"] == faculty.name_ar
    centres = client.get("/api/v1/referential/hospital-centres").json()
    assert centres[0]["code"] == chu.code
    assert centres[0]["faculties"] == [
        {"id": faculty.pk, "code": faculty.code, "name_fr": faculty.name_fr, "name_ar": faculty.name_ar}
    ]


def test_establishments_filter_by_region_code(client):
    north, south = RegionFactory(code="01"), RegionFactory(code="09")
    tanger = EstablishmentFactory(province=ProvinceFactory(region=north))
    EstablishmentFactory(province=ProvinceFactory(region=south))
    body = client.get("/api/v1/referential/establishments?region=01").json()
    assert [e["id"] for e in body] == [tanger.pk]
    assert body[0]["region_code"] == "01"
    assert len(client.get("/api/v1/referential/establishments").json()) == 2


def test_establishments_filter_by_the_understaffed_list_in_force_on_a_date(client):
    listed = EstablishmentFactory(hospital_centre=None, kind="provincial_hospital")
    EstablishmentFactory()
    UnderstaffedListing.objects.create(
        establishment=listed, valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 12, 31), order_ref="Arrêté 1/2024"
    )
    in_force = client.get("/api/v1/referential/establishments?understaffed_on=2024-06-01").json()
    assert [e["id"] for e in in_force] == [listed.pk]
    assert in_force[0]["is_public_health"] is True
    assert client.get("/api/v1/referential/establishments?understaffed_on=2025-06-01").json() == []


def test_establishments_with_a_bad_understaffed_date_is_422(client):
    response = client.get("/api/v1/referential/establishments?understaffed_on=2024-6-1")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "understaffed_on"]


def test_specialties_filter_by_group_and_track(client):
    cardio = SpecialtyFactory(group=Specialty.Group.MEDICAL, track=Specialty.TrackChoice.MEDICINE)
    surgery = SpecialtyFactory(group=Specialty.Group.SURGICAL, track=Specialty.TrackChoice.MEDICINE)
    pharma = SpecialtyFactory(group=Specialty.Group.PHARMACEUTICAL, track=Specialty.TrackChoice.PHARMACY)
    ids = lambda url: {s["id"] for s in client.get(url).json()}  # noqa: E731
    assert ids("/api/v1/referential/specialties") == {cardio.pk, surgery.pk, pharma.pk}
    assert ids("/api/v1/referential/specialties?group=surgical") == {surgery.pk}
    assert ids("/api/v1/referential/specialties?track=medicine") == {cardio.pk, surgery.pk}
    assert ids("/api/v1/referential/specialties?group=medical&track=pharmacy") == set()
    assert client.get("/api/v1/referential/specialties?group=astrology").status_code == 422
