"""`make demo` loads the referential, a few hundred trainees and an account for every role."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from residanat.accounts.models import RoleAssignment, User
from residanat.accounts.roles import Role
from residanat.concours.models import Candidate, Competition, PostAllocation
from residanat.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (half a minute), in a transaction rolled back at the end;
    each test runs in its own savepoint on top of it, as in tests/payroll/test_payroll_demo.py."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_demo_has_an_account_for_every_role_and_is_idempotent(demo, capsys, verified_client, client):
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.get(username="admin").is_superuser
    people = Person.objects.count()
    assert people >= 300
    # The demo trainee is visible to their head of service, and sees only themself.
    trainee = User.objects.get(username="interne.demo")
    head = User.objects.get(username="chef.pediatrie")
    assert Person.objects.visible_to(head).filter(user=trainee).exists()
    assert list(Person.objects.visible_to(trainee)) == [trainee.person]
    # The 2026 Casablanca posts of seed 000: 352 contract posts and a pool of 10 for foreigners.
    posts = PostAllocation.objects.filter(competition__slug="residanat-2026-casablanca")
    assert sum(posts.filter(seat_type="contract").values_list("seats", flat=True)) == 352
    assert sum(posts.filter(seat_type="foreign_volunteer").values_list("seats", flat=True)) == 10
    # A few hundred candidates, scored, the jury's list locked; the internat open for registration.
    residanat = Competition.objects.get(slug="residanat-2026-casablanca")
    assert residanat.state == Competition.State.DELIBERATED
    assert residanat.candidates.count() >= 300
    assert residanat.candidates.filter(state="ineligible").exists()
    merit = residanat.merit_lists.get()
    assert merit.locked
    outcomes = set(merit.entries.values_list("outcome", flat=True))
    assert {"admitted", "admitted_foreign", "not_admitted"} <= outcomes
    assert Competition.objects.get(slug="internat-2026-casablanca").state == Competition.State.REGISTRATION_OPEN
    # The demo candidate is on their fourth and last résidanat attempt, counted from history.
    candidate = User.objects.get(username="candidat.demo").person.candidacies.get(competition=residanat)
    assert candidate.attempt_number == 4
    # The choice of posts: wishes open for every laureate, two rounds run, the log intact.
    from residanat.choice.log import verify
    from residanat.choice.models import ChoiceSession, Chooser

    session = ChoiceSession.objects.get(competition=residanat)
    assert session.state == ChoiceSession.State.WISHES_OPEN
    assert session.choosers.count() == merit.entries.filter(
        outcome__in=["admitted", "admitted_foreign", "admitted_on_titles"]).count()
    assert not session.choosers.filter(wish_lists__isnull=True).exists()
    assert [r.run_at is not None for r in session.rounds.all()] == [True, True, False]
    assert Chooser.objects.get(candidate__person__user__username="laureat.demo").placements.count() == 2
    assert verify(session).ok
    assignments = RoleAssignment.objects.count()
    candidates = Candidate.objects.count()
    call_command("load_demo")
    out = capsys.readouterr().out
    for username in ("drh", "doyen.casablanca", "chef.pediatrie", "interne.demo", "paie.ministere", "paie.controle",
                     "paie.ibnrochd"):
        assert username in out
    assert "residanat-demo-2026" in out
    assert Person.objects.count() == people
    assert RoleAssignment.objects.count() == assignments
    assert Candidate.objects.count() == candidates
    assert ChoiceSession.objects.count() == 1 and session.rounds.count() == 3
    # Careers (issue 6): three periods chosen and assigned, the fourth open for wishes; the head of
    # paediatrics has the last period's rotations to evaluate, among them the demo intern's.
    from residanat.careers.models import Leave, Rotation, RotationPeriod

    assert list(RotationPeriod.objects.order_by("start_date").values_list("state", flat=True)) == [
        "assigned", "assigned", "assigned", "wishes_open"]
    salma = Rotation.objects.get(status__person__user=trainee, outcome="pending", end_date__lt="2026-09-01")
    assert salma.service.kind == "paediatrics"
    assert Rotation.objects.filter(outcome="not_validated").count() == 2
    assert Leave.objects.filter(kind="sick", end_date__gt="2026-10-01").exists()
    office = verified_client(head)
    page = office.get(f"/parcours/services/{salma.service_id}/").content.decode()
    assert f'id="rotation-{salma.pk}"' in page
    # The head of service fails one criterion, with the reason: the rotation is to be redone.
    response = office.post(f"/parcours/stages/{salma.pk}/validation/",
                           {"attendance": "no", "knowledge": "yes", "practical_skills": "yes", "conduct": "yes",
                            "comment": "Absences non justifiées en juillet."})
    assert response.status_code in (200, 302)
    salma.refresh_from_db()
    assert salma.outcome == "not_validated"
    # Her timeline shows the consequence in both languages: the internat ends six months later.
    client.force_login(trainee)
    french = client.get("/parcours/moi/").content.decode()
    assert "29/02/2028" in french and "+6 mois" in french
    arabic = client.get("/ar/parcours/moi/").content.decode()
    assert 'dir="rtl"' in arabic and "2028" in arabic and "+6" in arabic


def test_the_demo_deployment_campaign_reproduces_seed_001(demo, verified_client, client):
    from residanat.deployment import reports
    from residanat.deployment.models import Campaign, Run

    campaign = Campaign.objects.get(year=2026)
    assert reports.total_seats(campaign) == 695 and campaign.announced_total == 695
    assert reports.by_cohort(campaign) == [(2023, 241), (2024, 454)]
    assert {r["region"].code: r["seats"] for r in reports.by_region(campaign)}["01"] == 97
    assert reports.delegations_served(campaign) == 78
    assert reports.reconciliation(campaign).unexplained == 16
    # A what-if then the final run; two couples posted together, one unassigned together.
    assert sorted(campaign.runs.values_list("kind", flat=True)) == ["final", "what_if"]
    final = campaign.runs.get(kind=Run.Kind.FINAL)
    outcomes = []
    for couple in campaign.couples.all():
        a, b = (final.assignments.get(candidate=m) for m in (couple.first, couple.second))
        assert (a.post is None) == (b.post is None)
        outcomes.append(a.post is not None and a.post.establishment.province_id == b.post.establishment.province_id)
    assert sorted(outcomes) == [False, True, True]
    # Issue 18 item 7: the README counted 43 specialists where the run has 42 (the former resident
    # of the commitments demo already serves: not deployed again); and the couple left out has its reason.
    import re
    from pathlib import Path

    from residanat.deployment.models import Unplaced

    readme = Path(__file__).resolve().parents[2].joinpath("README.md").read_text(encoding="utf-8")
    announced = int(re.search(r"what-if and final runs for (\d+) specialists", readme).group(1))
    assert final.assignments.count() == campaign.candidates.count() == announced == 42
    left = final.assignments.filter(post__isnull=True)
    assert left.count() == 2 and set(left.values_list("unplaced_reason", flat=True)) == {Unplaced.COUPLE_PAIRS_TAKEN}
    # The demo specialist sees their posting and its decision; the Ministry sees the dashboard.
    client.force_login(User.objects.get(username="specialiste.demo"))
    mine = client.get("/deploiement/").content.decode()
    assert "Campagne 2026" in mine
    drh = verified_client(User.objects.get(username="drh"))
    page = drh.get("/deploiement/2026/").content.decode()
    assert "328 + 227 + 124 = 679 / 695" in page and "16 postes sans motif" in page
