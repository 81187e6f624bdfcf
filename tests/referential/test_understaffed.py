"""The under-staffed list in force on a date (D93 art. 27: 2+ consecutive years there count double)."""

import datetime as dt

import pytest

from residanat.referential.models import Establishment

from .factories import EstablishmentFactory, UnderstaffedListingFactory

pytestmark = pytest.mark.django_db


def test_an_establishment_is_not_understaffed_before_its_listing_takes_effect():
    listing = UnderstaffedListingFactory(valid_from=dt.date(2024, 1, 1))

    assert listing.establishment not in Establishment.objects.understaffed_on(dt.date(2023, 12, 31))
    assert listing.establishment in Establishment.objects.understaffed_on(dt.date(2024, 1, 1))


def test_a_listing_without_end_date_stays_in_force():
    listing = UnderstaffedListingFactory(valid_from=dt.date(2024, 1, 1), valid_to=None)

    assert listing.establishment in Establishment.objects.understaffed_on(dt.date(2040, 1, 1))


def test_a_listing_is_in_force_up_to_and_including_its_end_date():
    listing = UnderstaffedListingFactory(valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2025, 6, 30))

    assert listing.establishment in Establishment.objects.understaffed_on(dt.date(2025, 6, 30))
    assert listing.establishment not in Establishment.objects.understaffed_on(dt.date(2025, 7, 1))


def test_an_establishment_listed_again_after_a_gap_is_understaffed_only_within_its_listings():
    first = UnderstaffedListingFactory(valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 12, 31))
    UnderstaffedListingFactory(establishment=first.establishment, valid_from=dt.date(2024, 1, 1))

    assert first.establishment not in Establishment.objects.understaffed_on(dt.date(2023, 1, 1))
    assert list(Establishment.objects.understaffed_on(dt.date(2024, 2, 1))) == [first.establishment]


def test_establishments_never_listed_are_not_understaffed():
    UnderstaffedListingFactory()
    other = EstablishmentFactory(kind=Establishment.Kind.PROVINCIAL_HOSPITAL, hospital_centre=None)

    assert other not in Establishment.objects.understaffed_on(dt.date(2025, 1, 1))
    assert Establishment.objects.understaffed_on(dt.date(2025, 1, 1)).count() == 1
