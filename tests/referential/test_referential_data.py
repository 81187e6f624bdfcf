"""What the shipped referential says, checked against the regulation and seed 000."""

import datetime as dt
import re

import pytest
from django.utils import translation

from residanat.referential.data import normalise_name, specialty_aliases
from residanat.referential.loader import load_referential
from residanat.referential.models import (
    Establishment,
    Faculty,
    HospitalCentre,
    HospitalService,
    Province,
    Region,
    Specialty,
)

ARABIC = re.compile(r"[\u0600-\u06FF]")
ACADEMIC_YEAR = dt.date(2026, 10, 1)

# The specialty lines of the 2026 posts tables (seed 000), typos included, by group.
SEED_000 = {
    "medical": [
        "Anesthésie-Réanimation", "Cardiologie", "Dermatologie", "Endocrinologie et Maladies Métaboliques",
        "Epidémiologie Clinique", "Gastro-Entérologie", "Gériatrie", "Hématologie Clinique",
        "Informatique Médicale", "Maladie Infectieuses", "Médecine Communautaire", "Médecine du Travail",
        "Médecine d'Urgences et de Catastrophes", "Médecine Interne", "Médecine Légale",
        "Médecine Nucléaire", "Médecine Physique et Réadaptation Fonctionnelle", "Médecine de Sport",
        "Néphrologie", "Neurologie", "Oncologie Médicale", "Pédiatrie", "Pédopsychiatrie",
        "Pneumo-Phtisiologie", "Psychiatrie", "Radiologie", "Radiothérapie", "Réanimation Médicale",
        "Rhumatologie",
    ],
    "surgical": [
        "Chirurgie Cardio-Vasculaire", "Chirurgie Générale", "Chirurgie Pédiatrique",
        "Chirurgie Réparatrice et Esthétique", "Chirurgie Thoracique", "Gynécologie Obstétrique",
        "Neurochirurgie", "Ophtalmologie", "Oto-Rhyno-Laryngologie",
        "Stomatologie et Chirurgie Maxillo Faciale", "Traumatologie -Orthopédie", "Urologie",
    ],
    "biological": [
        "Analyses Biologiques Médicales", "Anatomie Pathologique", "Génétique Médicale",
        "Pharmacologie-Pharmacodynamie",
    ],
    "pharmaceutical": [
        "Analyses Biologiques Médicales", "Pharmacie Industrielle", "Pharmacie Clinique",
        "Pharmacologie-Pharmacodynamie",
    ],
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def referential():
    return load_referential()


def years(code, group=None):
    specialties = Specialty.objects.filter(code=code)
    if group:
        specialties = specialties.filter(group=group)
    return specialties.get().residency_years(ACADEMIC_YEAR)


def test_twelve_regions_and_seventy_five_provinces_are_loaded_with_arabic_names():
    assert Region.objects.count() == 12
    assert Province.objects.count() == 75
    for place in [*Region.objects.all(), *Province.objects.all()]:
        assert ARABIC.search(place.name_ar), place.name_fr
    with translation.override("ar"):
        assert str(Region.objects.get(code="06")) == "الدار البيضاء سطات"


def test_every_institution_has_an_arabic_name():
    for model in (Faculty, HospitalCentre, Establishment, HospitalService, Specialty):
        for obj in model.objects.all():
            assert ARABIC.search(obj.name_ar), (model.__name__, obj.name_fr)


def test_analyses_biologiques_and_pharmacologie_stand_in_the_biological_and_the_pharmaceutical_groups():
    for code in ("medical-biological-analyses", "pharmacology-pharmacodynamics"):
        tracks = dict(Specialty.objects.filter(code=code).values_list("group", "track"))
        assert tracks == {"biological": "medicine", "pharmaceutical": "pharmacy"}


def test_every_specialty_of_the_2026_posts_tables_is_known_under_its_group():
    aliases = specialty_aliases()
    for group, names in SEED_000.items():
        by_name = {normalise_name(s.name_fr): s.code for s in Specialty.objects.filter(group=group)}
        for name in names:
            code = by_name.get(normalise_name(name)) or aliases.get(normalise_name(name))
            assert Specialty.objects.filter(code=code, group=group).exists(), (group, name)
    assert Specialty.objects.exclude(group="dental").count() == sum(len(n) for n in SEED_000.values())


def test_the_typos_of_seed_000_are_aliases_of_the_canonical_specialty():
    aliases = specialty_aliases()

    assert aliases[normalise_name("Maladie Infectieuses")] == "infectious-diseases"
    assert aliases[normalise_name("Oto-Rhyno-Laryngologie")] == "oto-rhino-laryngology"
    assert Specialty.objects.get(code="infectious-diseases").name_fr == "Maladies Infectieuses"
    assert Specialty.objects.get(code="oto-rhino-laryngology").name_fr == "Oto-Rhino-Laryngologie"


def test_surgical_specialties_and_internal_medicine_last_five_years():
    # D93 art. 23
    assert years("general-surgery") == 5
    assert years("obstetrics-gynaecology") == 5
    assert years("internal-medicine") == 5
    assert all(s.residency_years(ACADEMIC_YEAR) == 5 for s in Specialty.objects.filter(group="surgical"))


def test_occupational_and_sports_medicine_last_three_years():
    # D93 art. 23
    assert years("occupational-medicine") == 3
    assert years("sports-medicine") == 3


def test_medical_biological_and_pharmaceutical_specialties_last_four_years():
    # D93 art. 23
    assert years("cardiology") == 4
    assert years("medical-biological-analyses", "biological") == 4
    assert years("clinical-pharmacy") == 4


def test_d93_art_23_and_25_every_dental_specialty_oral_surgery_included_lasts_four_years():
    """D93 art. 23 "واختصاصات المحافظة على الأسنان" (4 years), read with art. 25 c): "المقيمون بالسنتين
    الأوليين" / "المقيمون بالسنتين الأخيرتين" (docs/decisions/0003-dental-residency-length.md)."""
    assert years("conservative-dentistry-endodontics") == 4
    assert years("oral-surgery") == 4
    assert {s.residency_years(ACADEMIC_YEAR) for s in Specialty.objects.filter(group="dental")} == {4}
    assert set(Specialty.objects.filter(group="dental").values_list("track", flat=True)) == {"dental"}


def test_only_the_four_art_27_bis_specialties_are_open_to_other_public_administrations():
    # D93 art. 27 bis: social medicine (community medicine), forensic, occupational, sports medicine.
    open_codes = set(Specialty.objects.filter(public_administration_open=True).values_list("code", flat=True))
    assert open_codes == {"community-medicine", "forensic-medicine", "occupational-medicine", "sports-medicine"}


def test_every_chu_has_establishments_with_the_mandatory_rotations_for_medicine():
    # D93 art. 14: general medicine, general surgery, and paediatrics or obstetrics-gynaecology.
    for centre in HospitalCentre.objects.all():
        kinds = set(HospitalService.objects.filter(establishment__hospital_centre=centre).values_list("kind", flat=True))
        assert {"general_medicine", "general_surgery"} <= kinds, centre.code
        assert kinds & {"paediatrics", "obstetrics_gynaecology"}, centre.code


def test_every_chu_of_a_faculty_of_pharmacy_has_drug_related_and_biology_services():
    # D93 art. 14: pharmacy interns rotate twice in drug-related and twice in biology services.
    for centre in HospitalCentre.objects.filter(faculties__kind=Faculty.Kind.FMP).distinct():
        kinds = set(HospitalService.objects.filter(establishment__hospital_centre=centre).values_list("kind", flat=True))
        assert {"drug_related", "biology"} <= kinds, centre.code


def test_every_chu_of_a_faculty_of_dental_medicine_has_the_four_dental_rotations():
    # D93 art. 14 (dental): periodontology, conservative, paediatric dentistry and ODF, prosthodontics.
    dental = {"dental_periodontology", "dental_conservative", "dental_paediatric", "dental_prosthodontics"}
    centres = HospitalCentre.objects.filter(faculties__kind=Faculty.Kind.FMD).distinct()
    assert set(centres.values_list("code", flat=True)) == {"chu-ibn-sina", "chu-ibn-rochd"}
    for centre in centres:
        kinds = set(HospitalService.objects.filter(establishment__hospital_centre=centre).values_list("kind", flat=True))
        assert dental <= kinds, centre.code


def test_the_places_of_the_deployment_seed_have_a_public_health_hospital():
    places = ["Al Hoceïma", "Boujdour", "Larache", "Sidi Ifni", "Tinghir", "Guelmim", "Errachidia", "Driouch",
              "Boulemane", "Es-Semara", "Figuig", "Tarfaya", "Jerada", "Settat"]
    for place in places:
        assert Establishment.objects.filter(province__name_fr=place, hospital_centre=None).exists(), place


def test_the_shipped_under_staffed_list_is_marked_as_demo_data():
    listed = Establishment.objects.understaffed_on(dt.date(2026, 1, 1))
    assert listed.count() == 10
    assert all(e.is_public_health for e in listed)
    assert all(
        "DEMO" in listing.order_ref for e in listed for listing in e.understaffed_listings.all()
    )


def test_d93_art_25_a_database_loaded_with_five_years_for_oral_surgery_is_corrected_by_the_migration():
    """D93 art. 25 c): "المقيمون بالسنتين الأوليين ... المقيمون بالسنتين الأخيرتين" (migration 0002)."""
    from importlib import import_module

    from django.apps import apps

    Specialty.objects.filter(code="oral-surgery", group="dental").update(duration_class="long")
    import_module("residanat.referential.migrations.0002_oral_surgery_lasts_four_years").dental_specialties_four_years(
        apps, None)
    assert years("oral-surgery") == 4
