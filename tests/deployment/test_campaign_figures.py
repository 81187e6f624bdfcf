"""The 2026 campaign of seed 001 loaded from its file, the reconciliation, and the posts import."""

from pathlib import Path

import pytest

from residanat.accounts.roles import Role
from residanat.deployment import exports, reports
from residanat.deployment.models import Campaign, DeploymentPost
from residanat.deployment.posts_import import import_posts
from residanat.referential.loader import load_referential
from tests.accounts.factories import user_with_role

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[2] / "src/residanat/deployment/data"


@pytest.fixture
def ministry():
    load_referential()
    return user_with_role(Role.MINISTRY_ADMIN)


def load(year, name, by, announced=None):
    campaign = Campaign.objects.create(year=year, announced_total=announced)
    result = import_posts(campaign, (DATA / name).read_bytes(), by, dry_run=False)
    assert result.ok, result.error_messages()
    return campaign


def test_the_2026_campaign_reproduces_the_figures_of_seed_001(ministry):
    load(2025, "campagne-2025.csv", ministry)
    campaign = load(2026, "campagne-2026.csv", ministry, announced=695)

    assert reports.total_seats(campaign) == 695
    assert reports.by_cohort(campaign) == [(2023, 241), (2024, 454)]
    regions = {r["region"].code: r["seats"] for r in reports.by_region(campaign)}
    assert len(regions) == 12 and regions["01"] == 97 and max(regions.values()) == 97
    assert reports.delegations_served(campaign) == 78
    assert round(reports.growth(695, reports.total_seats(reports.previous(campaign)))) == 212
    rec = reports.reconciliation(campaign)
    assert [(code, seats) for code, _label, seats in rec.by_purpose] == [
        ("missing_specialty", 328), ("reinforcement", 227), ("transfer_compensation", 124), ("unexplained", 16)]
    assert rec.equation == "328 + 227 + 124 = 679 / 695"
    assert not rec.balanced
    # Seed 001 names the places of the missing specialties: they are among the targeted provinces.
    places = {r["establishment__province__name_fr"] for r in reports.missing_specialties(campaign)}
    assert {"Al Hoceïma", "Boujdour", "Larache", "Sidi Ifni", "Tinghir", "Guelmim", "Errachidia", "Driouch",
            "Boulemane", "Es-Semara", "Figuig", "Tarfaya", "Jerada", "Settat"} <= places


def test_the_communique_is_generated_from_the_posts(ministry):
    load(2025, "campagne-2025.csv", ministry)
    campaign = load(2026, "campagne-2026.csv", ministry, announced=695)
    text = " ".join(exports.communique_text(campaign))
    for figure in ("695", "212 %", "241 à la promotion 2023", "454 à la promotion 2024", "Tanger-Tétouan-Al Hoceïma",
                   "97", "78 délégations", "328", "227", "124"):
        assert figure in text
    # The 16 posts without a purpose are the staff's reconciliation, not a public statement (issue 18 item 5).
    assert "sans motif" not in text and "la somme des motifs" not in text and "16 postes" not in text
    # One post fewer in the data, one fewer in the communiqué: nothing is typed twice.
    post = campaign.posts.filter(seats__gt=1).first()
    post.seats -= 1
    post.save()
    assert "694 postes" in " ".join(exports.communique_text(campaign))


def test_the_reconciliation_flags_a_difference_with_the_announced_total(ministry):
    w_campaign = Campaign.objects.create(year=2030, announced_total=10)
    data = ("delegation,etablissement,specialite,promotion,motif,priorite,postes\n"
            "Délégation provinciale de la santé de Figuig,figuig-chp,general-surgery,2030,missing_specialty,1,4\n"
            "Délégation provinciale de la santé de Figuig,figuig-chp,paediatrics,2030,reinforcement,2,5\n")
    assert import_posts(w_campaign, data.encode(), ministry, dry_run=False).ok
    rec = reports.reconciliation(w_campaign)
    assert rec.unexplained == 0 and rec.total == 9 and rec.difference_with_announced == 1 and not rec.balanced
    w_campaign.announced_total = 9
    w_campaign.save()
    assert reports.reconciliation(w_campaign).balanced


def test_a_bad_posts_file_names_row_and_column_and_writes_nothing(ministry):
    campaign = load(2026, "campagne-2026.csv", ministry)
    before = list(campaign.posts.values_list("pk", flat=True))
    data = ("delegation,etablissement,specialite,promotion,motif,priorite,postes\n"
            "Délégation provinciale de la santé de Figuig,figuig-chp,general-surgery,2026,missing_specialty,1,4\n"
            "Délégation provinciale de la santé de Figuig,settat-chp,cardiology,2026,reinforcement,2,1\n"
            "Délégation provinciale de la santé de Figuig,figuig-chp,cardiologie,2026,renfort,2,0\n"
            "Délégation de nulle part,figuig-chp,medical-biological-analyses,,,,2\n")
    result = import_posts(campaign, data.encode(), ministry, dry_run=False)
    errors = {(e.row, e.column) for e in result.errors}
    assert errors == {(3, "etablissement"), (4, "specialite"), (4, "motif"), (4, "postes"),
                      (5, "delegation"), (5, "specialite"), (5, "promotion")}
    assert list(campaign.posts.values_list("pk", flat=True)) == before


def test_the_dry_run_counts_without_writing_and_a_fixed_campaign_refuses_a_new_file(ministry):
    campaign = Campaign.objects.create(year=2026)
    data = (DATA / "campagne-2026.csv").read_bytes()
    preview = import_posts(campaign, data, ministry, dry_run=True)
    assert preview.ok and preview.seats == 695 and not DeploymentPost.objects.exists()
    campaign.state = Campaign.State.WISHES
    campaign.save()
    refused = import_posts(campaign, data, ministry, dry_run=False)
    assert not refused.ok and not DeploymentPost.objects.exists()
