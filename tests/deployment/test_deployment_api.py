"""The deployment API (/api/v1/deployment): the figures as on the dashboard, specialists in scope."""

import pytest

from residanat.accounts.roles import Role
from residanat.deployment import services
from residanat.deployment.models import Run
from tests.accounts.factories import user_with_role
from tests.api.helpers import token_client

from .world import DeploymentWorld

pytestmark = pytest.mark.django_db
API = "/api/v1/deployment"


def test_the_campaign_figures_show_the_unexplained_posts():
    w = DeploymentWorld()
    w.campaign.announced_total = 6
    w.campaign.save()
    w.post("Tanger", w.anaesthesia, seats=3, purpose="missing_specialty")
    w.post("Oujda", w.surgery, seats=2, purpose="")
    client = token_client(user_with_role(Role.HIGHER_EDUCATION_OFFICER))
    data = client.get(f"{API}/campaigns/2026").json()
    assert data["total"] == 5 and data["cohorts"] == {"2024": 5}
    rec = data["reconciliation"]
    assert (rec["explained"], rec["unexplained"], rec["difference_with_announced"], rec["balanced"]) == (3, 2, 1, False)
    assert data["missing_specialties"][0]["state"] == "pending"


def test_a_specialist_reads_their_own_posting_and_nobody_elses():
    w = DeploymentWorld()
    post = w.post("Tanger", w.anaesthesia)
    user = user_with_role(Role.TRAINEE)
    me, other = w.specialist(w.anaesthesia, rank=1, user=user), w.specialist(w.anaesthesia, rank=2)
    services.do_set_wishes(me, [post.pk], w.ministry)
    services.do_run_campaign(w.campaign, Run.Kind.FINAL, w.ministry)
    client = token_client(user)
    mine = client.get(f"{API}/specialists/{me.pk}").json()
    assert mine["posting"]["post"] == f"P{post.pk}" and mine["posting"]["wish_order"] == 1
    assert client.get(f"{API}/specialists/{other.pk}").status_code == 404
    assert [s["id"] for s in client.get(f"{API}/campaigns/2026/specialists").json()["items"]] == [me.pk]
    assert client.get(f"{API}/campaigns/2026").status_code == 403


@pytest.mark.parametrize("debug", [True, False])
def test_a_refusal_is_a_403_json_answer_never_a_500(settings, debug):
    """A trainee asking for a campaign's figures is refused by the API's own answer (403 JSON with a
    detail), with DEBUG on (the demo) as in production."""
    settings.DEBUG = debug
    DeploymentWorld()
    response = token_client(user_with_role(Role.TRAINEE)).get(f"{API}/campaigns/2026")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]
