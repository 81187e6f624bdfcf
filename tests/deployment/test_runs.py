"""Runs of a deployment campaign (decision 0016): merit for singles, couples never split, the
what-if before the final run, and the final run starting each commitment's period of service."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from residanat.accounts.roles import Role
from residanat.deployment import services
from residanat.deployment.candidates_import import import_candidates
from residanat.deployment.models import Campaign, Candidate, Run, Unplaced
from residanat.discipline.models import CommitmentService
from residanat.matching.couples import check
from tests.accounts.factories import user_with_role

from .world import DeploymentWorld

pytestmark = pytest.mark.django_db


def placed(run):
    return {a.candidate_id: a.post_id for a in run.assignments.all()}


def test_merit_decides_between_singles_who_want_the_same_post():
    w = DeploymentWorld()
    tanger = w.post("Tanger", w.anaesthesia)
    oujda = w.post("Oujda", w.anaesthesia)
    second, first = w.specialist(w.anaesthesia, rank=2), w.specialist(w.anaesthesia, rank=1)
    services.do_set_wishes(second, [tanger.pk, oujda.pk], w.ministry)
    services.do_set_wishes(first, [tanger.pk], w.ministry)

    run = services.do_run_campaign(w.campaign, Run.Kind.WHAT_IF, w.ministry)

    assert placed(run) == {first.pk: tanger.pk, second.pk: oujda.pk}
    assert run.method == "serial-dictatorship"
    assert run.assignments.get(candidate=second).wish_order == 2


def test_a_couple_is_posted_in_the_same_province():
    w = DeploymentWorld()
    ane_tanger, ane_fes = w.post("Tanger", w.anaesthesia), w.post("Fès", w.anaesthesia)
    surgery_tanger, surgery_oujda = w.post("Tanger", w.surgery), w.post("Oujda", w.surgery)
    wife, husband = w.specialist(w.anaesthesia, rank=1), w.specialist(w.surgery, rank=2)
    services.do_set_wishes(wife, [ane_fes.pk, ane_tanger.pk], w.ministry)
    services.do_set_wishes(husband, [surgery_oujda.pk, surgery_tanger.pk], w.ministry)
    services.do_record_couple(wife, husband, w.ministry)

    run = services.do_run_campaign(w.campaign, Run.Kind.WHAT_IF, w.ministry)

    # Alone, each would have had their first wish (Fès, Oujda): together, Tanger for both.
    assert placed(run) == {wife.pk: ane_tanger.pk, husband.pk: surgery_tanger.pk}
    assert run.method == "cp-sat-couples" and run.blocking_couples == []


def test_a_couple_that_cannot_be_placed_together_stays_unassigned_together():
    w = DeploymentWorld()
    ane_tanger = w.post("Tanger", w.anaesthesia)
    surgery_tanger = w.post("Tanger", w.surgery)
    best = w.specialist(w.anaesthesia, rank=1)
    wife, husband = w.specialist(w.anaesthesia, rank=2), w.specialist(w.surgery, rank=3)
    surgeon = w.specialist(w.surgery, rank=4)
    services.do_set_wishes(best, [ane_tanger.pk], w.ministry)
    services.do_set_wishes(wife, [ane_tanger.pk], w.ministry)
    services.do_set_wishes(husband, [surgery_tanger.pk], w.ministry)
    services.do_set_wishes(surgeon, [surgery_tanger.pk], w.ministry)
    services.do_record_couple(wife, husband, w.ministry)

    run = services.do_run_campaign(w.campaign, Run.Kind.WHAT_IF, w.ministry)

    got = placed(run)
    assert got[wife.pk] is None and got[husband.pk] is None
    # The surgery seat the husband could have had alone goes on by merit to the next surgeon.
    assert got[best.pk] == ane_tanger.pk and got[surgeon.pk] == surgery_tanger.pk


def test_each_specialist_left_without_a_post_gets_the_reason_kept_with_the_run(verified_client, client):
    """Issue 18 item 7: a couple left without a post got no reason. The run keeps one per person,
    shown in both languages on the run page and on the specialist's own page."""
    w = DeploymentWorld()
    ane_tanger, surgery_tanger = w.post("Tanger", w.anaesthesia), w.post("Tanger", w.surgery)
    best = w.specialist(w.anaesthesia, rank=1)
    wife, husband = w.specialist(w.anaesthesia, rank=2), w.specialist(w.surgery, rank=3)
    late, idle = w.specialist(w.anaesthesia, rank=4), w.specialist(w.surgery, rank=5)
    services.do_set_wishes(best, [ane_tanger.pk], w.ministry)
    services.do_set_wishes(wife, [ane_tanger.pk], w.ministry)
    services.do_set_wishes(husband, [surgery_tanger.pk], w.ministry)
    services.do_set_wishes(late, [ane_tanger.pk], w.ministry)
    services.do_record_couple(wife, husband, w.ministry)

    run = services.do_run_campaign(w.campaign, Run.Kind.WHAT_IF, w.ministry)

    reasons = {a.candidate_id: a.unplaced_reason for a in run.assignments.all()}
    assert reasons == {best.pk: "", wife.pk: Unplaced.COUPLE_PAIRS_TAKEN, husband.pk: Unplaced.COUPLE_PAIRS_TAKEN,
                       late.pk: Unplaced.WISHES_TAKEN, idle.pk: Unplaced.NO_WISH}
    drh = verified_client(w.ministry)
    french = drh.get(f"/deploiement/2026/repartitions/{run.pk}/").content.decode()
    assert "un poste est pris par des spécialistes mieux classés" in french and "aucun vœu" in french
    arabic = drh.get(f"/ar/deploiement/2026/repartitions/{run.pk}/").content.decode()
    assert "منصب شغله أطباء اختصاصيون أحسن ترتيبًا" in arabic and "زوجان" in arabic
    w.campaign.wishes_deadline, w.campaign.taking_up_date = dt.date(2026, 1, 31), dt.date(2027, 1, 4)
    w.campaign.save()
    services.do_run_campaign(w.campaign, Run.Kind.FINAL, w.ministry)
    own = drh.get(f"/deploiement/specialiste/{wife.pk}/").content.decode()
    assert "Aucun poste obtenu" in own and "dans chaque paire de postes d&#x27;une même province" in own


def test_no_couple_is_split_and_no_single_loses_to_a_lower_rank_in_a_crowded_campaign():
    w = DeploymentWorld(provinces=("Tanger", "Oujda", "Fès", "Agadir"))
    posts = [w.post(p, s, seats=1 + i % 2) for i, p in enumerate(w.province) for s in (w.anaesthesia, w.surgery)]
    people = [w.specialist(w.anaesthesia if i % 2 else w.surgery, rank=i + 1) for i in range(14)]
    for i, c in enumerate(people):
        mine = [p.pk for p in posts if p.specialty_id == c.specialty_id]
        services.do_set_wishes(c, mine[i % 4:] + mine[:i % 4], w.ministry)
    for a, b in ((people[1], people[2]), (people[5], people[12]), (people[7], people[8])):
        services.do_record_couple(a, b, w.ministry)

    run = services.do_run_campaign(w.campaign, Run.Kind.WHAT_IF, w.ministry)

    instance, _digest, by_id = services.build_instance(w.campaign)
    assignments = {cid: (f"P{a.post_id}" if a.post_id else None)
                   for cid, c in by_id.items() for a in run.assignments.filter(candidate=c)}
    report = check(instance, assignments)
    assert report.split_couples == [] and report.singles_blocked == [] and report.over_capacity == []
    for couple in w.campaign.couples.all():
        a, b = (run.assignments.get(candidate=m) for m in (couple.first, couple.second))
        assert (a.post is None) == (b.post is None)
        if a.post:
            assert a.post.establishment.province_id == b.post.establishment.province_id


def test_the_same_wishes_give_the_same_digest_and_the_same_assignment():
    w = DeploymentWorld()
    post = w.post("Tanger", w.anaesthesia, seats=2)
    for rank in (1, 2, 3):
        services.do_set_wishes(w.specialist(w.anaesthesia, rank=rank), [post.pk], w.ministry)
    first = services.do_run_campaign(w.campaign, Run.Kind.WHAT_IF, w.ministry)
    again = services.do_run_campaign(w.campaign, Run.Kind.WHAT_IF, w.ministry)
    assert first.instance_digest == again.instance_digest
    assert placed(first) == placed(again)


def test_the_final_run_fixes_the_postings_and_starts_the_service_period():
    w = DeploymentWorld()
    post = w.post("Tanger", w.anaesthesia)
    specialist = w.specialist(w.anaesthesia, rank=1)
    services.do_set_wishes(specialist, [post.pk], w.ministry)

    services.do_run_campaign(w.campaign, Run.Kind.WHAT_IF, w.ministry)
    assert not CommitmentService.objects.exists()  # a what-if changes nothing outside itself
    services.do_run_campaign(w.campaign, Run.Kind.FINAL, w.ministry)

    w.campaign.refresh_from_db()
    assert w.campaign.state == Campaign.State.FINAL
    period = CommitmentService.objects.get(commitment=specialist.commitment)
    assert period.establishment == post.establishment and period.start_date == dt.date(2027, 1, 4)
    with pytest.raises(ValidationError):
        services.do_run_campaign(w.campaign, Run.Kind.FINAL, w.ministry)
    with pytest.raises(ValidationError):
        services.do_set_wishes(specialist, [], w.ministry)
    assert w.campaign.runs.filter(kind=Run.Kind.FINAL).count() == 1


def test_the_final_run_waits_for_the_wishes_deadline():
    w = DeploymentWorld()
    w.campaign.wishes_deadline = dt.date.today() + dt.timedelta(days=3)
    w.campaign.save()
    with pytest.raises(ValidationError, match="date limite"):
        services.do_run_campaign(w.campaign, Run.Kind.FINAL, w.ministry)


def test_a_run_is_refused_while_a_specialist_has_no_merit_rank():
    w = DeploymentWorld()
    w.post("Tanger", w.anaesthesia)
    w.specialist(w.anaesthesia, rank=None)
    with pytest.raises(ValidationError, match="sans rang"):
        services.do_run_campaign(w.campaign, Run.Kind.WHAT_IF, w.ministry)
    assert not Run.objects.exists()


def test_wishes_outside_the_specialty_or_cohort_are_refused():
    w = DeploymentWorld()
    surgery = w.post("Tanger", w.surgery)
    other_cohort = w.post("Tanger", w.anaesthesia, cohort=2023)
    specialist = w.specialist(w.anaesthesia, rank=1)
    for post in (surgery, other_cohort):
        with pytest.raises(ValidationError, match="hors de votre"):
            services.do_set_wishes(specialist, [post.pk], w.ministry)
    assert not specialist.wishes.exists()


def test_only_the_ministry_runs_and_records_couples():
    w = DeploymentWorld()
    a, b = w.specialist(w.anaesthesia, rank=1), w.specialist(w.surgery, rank=2)
    officer = user_with_role(Role.HIGHER_EDUCATION_OFFICER)
    with pytest.raises(PermissionDenied):
        services.do_run_campaign(w.campaign, Run.Kind.WHAT_IF, officer)
    with pytest.raises(PermissionDenied):
        services.do_record_couple(a, b, officer)


def test_a_specialist_is_in_one_couple_at_most():
    w = DeploymentWorld()
    a, b, c = (w.specialist(w.anaesthesia, rank=r) for r in (1, 2, 3))
    services.do_record_couple(a, b, w.ministry)
    with pytest.raises(ValidationError, match="déjà partie"):
        services.do_record_couple(c, a, w.ministry)


def test_eligible_specialists_come_from_careers_and_commitments():
    w = DeploymentWorld()
    w.post("Tanger", w.anaesthesia, cohort=2024)
    kept = w.specialist(w.anaesthesia, rank=1)
    kept.delete()  # a resident who finished in 2024 under commitment, not yet in the campaign
    broken = w.specialist(w.anaesthesia, rank=2)
    broken.commitment.state = "broken"
    broken.commitment.save()
    broken.delete()
    added = services.do_propose_candidates(w.campaign, w.ministry)
    assert added == 1
    candidate = w.campaign.candidates.get()
    assert candidate.person == kept.person and candidate.cohort == 2024 and candidate.rank is None
    assert candidate.commitment == kept.commitment


def test_the_merit_list_import_checks_every_row_before_writing():
    w = DeploymentWorld()
    a = w.specialist(w.anaesthesia, rank=None)
    b = w.specialist(w.surgery, rank=None)
    bad = (f"cin;categorie;specialite;promotion;rang\n{a.person.national_id};nouveau;{w.anaesthesia.code};2024;1\n"
           f"{b.person.national_id};nouveau;{w.surgery.code};;1\nXX000000;mutation;{w.surgery.code};;3\n")
    result = import_candidates(w.campaign, bad.encode(), w.ministry, dry_run=False)
    assert {(e.row, e.column) for e in result.errors} == {(3, "promotion"), (3, "rang"), (4, "cin")}
    a.refresh_from_db()
    assert a.rank is None
    good = (f"cin;categorie;specialite;promotion;rang\n{a.person.national_id};nouveau;{w.anaesthesia.code};2024;2\n"
            f"{b.person.national_id};nouveau;{w.surgery.code};2024;1\n")
    result = import_candidates(w.campaign, good.encode(), w.ministry, dry_run=False)
    assert result.ok and result.updated == 2
    assert list(w.campaign.candidates.order_by("rank").values_list("pk", flat=True)) == [b.pk, a.pk]


def test_a_transfer_posting_closes_the_period_served_elsewhere():
    w = DeploymentWorld()
    post = w.post("Tanger", w.anaesthesia)
    mover = w.specialist(w.anaesthesia, rank=1)
    mover.kind, mover.cohort = "transfer", None
    mover.save()
    earlier = CommitmentService.objects.create(commitment=mover.commitment, establishment=w.hospital["Oujda"],
                                               start_date=dt.date(2024, 1, 1))
    services.do_set_wishes(mover, [post.pk], w.ministry)
    services.do_run_campaign(w.campaign, Run.Kind.FINAL, w.ministry)
    earlier.refresh_from_db()
    assert earlier.end_date == dt.date(2027, 1, 3)
    assert mover.commitment.services.get(start_date=dt.date(2027, 1, 4)).establishment == post.establishment
    # Already serving: not proposed again as a new specialist.
    assert services.eligible_statuses([2024]).filter(pk=mover.status_id).count() == 0


def test_the_database_keeps_one_final_run_per_campaign():
    from django.db import IntegrityError, transaction

    w = DeploymentWorld()
    Run.objects.create(campaign=w.campaign, kind=Run.Kind.FINAL, method="m", solver_status="s",
                       instance_digest="0" * 64, created_by=w.ministry)
    with pytest.raises(IntegrityError), transaction.atomic():
        Run.objects.create(campaign=w.campaign, kind=Run.Kind.FINAL, method="m", solver_status="s",
                           instance_digest="1" * 64, created_by=w.ministry)
    Run.objects.create(campaign=w.campaign, kind=Run.Kind.WHAT_IF, method="m", solver_status="s",
                       instance_digest="1" * 64, created_by=w.ministry)
    assert w.campaign.runs.count() == 2


def test_only_commitments_owed_to_the_ministry_of_health_feed_its_deployment():
    """D93 art. 27: "إما بالوزارة المكلفة بالتعليم العالي … وإما بعد توظيفهم كمتخصصين بوزارة الصحة أو
    بأحد المراكز الاستشفائية" — a resident committed to higher education or to a hospital centre
    serves that body: the Ministry's campaign does not propose them, nor start a period of service
    of their commitment at its postings."""
    w = DeploymentWorld()
    post = w.post("Tanger", w.anaesthesia, cohort=2024, seats=3)
    proposed = {}
    for counterpart in ("ministry", "hospital_centre", "higher_education", "administration"):
        candidate = w.specialist(w.anaesthesia, rank=None)
        candidate.commitment.counterpart = counterpart
        candidate.commitment.save()
        candidate.delete()
        proposed[counterpart] = candidate
    assert services.do_propose_candidates(w.campaign, w.ministry) == 1
    assert w.campaign.candidates.get().person == proposed["ministry"].person
    w.campaign.candidates.update(rank=2)
    # A candidate entered by hand with a hospital centre's commitment: posted, but no period of the
    # hospital centre's commitment starts at the Ministry's post.
    other = proposed["hospital_centre"]
    entered = Candidate.objects.create(campaign=w.campaign, person=other.person, kind=Candidate.Kind.NEW_SPECIALIST,
                                       specialty=w.anaesthesia, cohort=2024, status=other.status,
                                       commitment=other.commitment, rank=1)
    services.do_set_wishes(entered, [post.pk], w.ministry)
    services.do_run_campaign(w.campaign, Run.Kind.FINAL, w.ministry)
    assert not CommitmentService.objects.filter(commitment=other.commitment).exists()
