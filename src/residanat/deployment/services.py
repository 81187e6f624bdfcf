"""Changing a deployment campaign: who is deployed, their merit ranks and wishes, the couples, the
what-if and final runs, and the postings that start each commitment's period of service.

Decision 0016 gives the readings: who is deployed, how a couple's joint list is made, how the
assignment treats couples, and what the final run records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from residanat.accounts.authority import is_ministry
from residanat.accounts.roles import Role
from residanat.accounts.scopes import roles_of
from residanat.allocation.placing import do_place
from residanat.allocation.seats import do_take_counted_seats
from residanat.allocation.wishes import distinct, do_replace_wish_list, outside
from residanat.discipline.commitments import do_start_posted_service
from residanat.discipline.models import Commitment
from residanat.matching.pipeline import Offer, Pair, Program, Wisher, couples_instance
from residanat.ops import jobs
from residanat.ops.models import Job
from residanat.people.models import TraineeStatus

from .models import Assignment, Campaign, Candidate, Couple, Run, Wish

State = Campaign.State


def _must_be_ministry(user):
    # The Ministry of Health runs the deployment of its specialists.
    if not is_ministry(user):
        raise PermissionDenied


# --- who is deployed -----------------------------------------------------------------------------

def ministry_commitments_in_force():
    """D93 art. 27: a resident committed to higher education or to a hospital centre serves that
    body (and one committed to another administration, art. 27 bis, serves it): only the commitments
    owed to the Ministry of Health ("كمتخصصين بوزارة الصحة") feed the Ministry's deployment."""
    return Commitment.objects.filter(state__in=[Commitment.State.IN_PROGRESS, Commitment.State.RELEASE_PENDING],
                                     counterpart=Commitment.Counterpart.MINISTRY)


def eligible_statuses(cohorts):
    """Residents who finished their residency in one of `cohorts` (years) and whose commitment to
    serve the Ministry of Health is in force (D93 art. 27) with no period of service yet: the new
    specialists the campaign deploys (one already serving somewhere was posted before, and moves by
    the transfer movement)."""
    in_force = ministry_commitments_in_force().filter(services__isnull=True)
    return (TraineeStatus.objects.filter(kind=TraineeStatus.Kind.RESIDENT, end_reason=TraineeStatus.EndReason.COMPLETED,
                                         end_date__year__in=list(cohorts), specialty__isnull=False,
                                         pk__in=in_force.values("status_id"))
            .select_related("person", "specialty"))


@transaction.atomic
def do_propose_candidates(campaign: Campaign, by) -> int:
    """Adds every eligible new specialist of the campaign's cohorts not yet in it; ranks stay empty
    until the Ministry's merit list is imported."""
    _must_be_ministry(by)
    cohorts = set(campaign.posts.values_list("cohort", flat=True))
    present = set(campaign.candidates.values_list("person_id", flat=True))
    added = 0
    for status in eligible_statuses(cohorts):
        if status.person_id in present:
            continue
        commitment = ministry_commitments_in_force().filter(status=status).first()
        Candidate.objects.create(campaign=campaign, person=status.person, kind=Candidate.Kind.NEW_SPECIALIST,
                                 specialty=status.specialty, cohort=status.end_date.year, status=status,
                                 commitment=commitment)
        present.add(status.person_id)
        added += 1
    return added


# --- wishes and couples --------------------------------------------------------------------------

def acceptable_posts(candidate: Candidate):
    """A new specialist may ask for the posts of their specialty and cohort; a specialist of the
    annual transfer movement, for any post of their specialty (decision 0016)."""
    posts = candidate.campaign.posts.filter(specialty=candidate.specialty)
    if candidate.kind == Candidate.Kind.NEW_SPECIALIST:
        posts = posts.filter(cohort=candidate.cohort)
    return posts.select_related("establishment", "establishment__province", "delegation")


def wishes_open(campaign: Campaign, on: dt.date | None = None) -> bool:
    on = on or timezone.localdate()
    return campaign.state == State.WISHES and (campaign.wishes_deadline is None or on <= campaign.wishes_deadline)


@transaction.atomic
def do_set_wishes(candidate: Candidate, post_ids: list[int], by) -> list[Wish]:
    """The candidate's list, best first, replacing the earlier one; the candidate themselves until
    the deadline, the Ministry on their behalf."""
    is_self = candidate.person.user_id is not None and candidate.person.user_id == by.pk
    if not (is_self or is_ministry(by)):
        raise PermissionDenied
    if not wishes_open(candidate.campaign) and not (is_ministry(by) and candidate.campaign.state == State.WISHES):
        raise ValidationError(_("La période des vœux est close."))
    post_ids = distinct(post_ids, _("Un poste figure deux fois dans la liste."))
    wrong = outside(post_ids, acceptable_posts(candidate).values_list("pk", flat=True))
    if wrong:
        raise ValidationError(_("Poste hors de votre spécialité ou de votre promotion : %(posts)s")
                              % {"posts": ", ".join(f"P{pk}" for pk in wrong)})
    return do_replace_wish_list(candidate, candidate.wishes, [Wish(candidate=candidate, post_id=pk, order=n)
                                                              for n, pk in enumerate(post_ids, start=1)])


def couple_of(candidate: Candidate) -> Couple | None:
    return Couple.objects.filter(Q(first=candidate) | Q(second=candidate)).select_related("first", "second").first()


@transaction.atomic
def do_record_couple(first: Candidate, second: Candidate, by) -> Couple:
    """The Ministry records a spouse-reunification request: the two are posted in the same province
    or neither is."""
    _must_be_ministry(by)
    if first.campaign_id != second.campaign_id:
        raise ValidationError(_("Les deux conjoints doivent être de la même campagne."))
    if first.pk == second.pk:
        raise ValidationError(_("Un couple réunit deux personnes."))
    if first.campaign.state == State.FINAL:
        raise ValidationError(_("Les affectations de la campagne sont arrêtées."))
    for candidate in (first, second):
        if couple_of(candidate) is not None:
            raise ValidationError(_("%(name)s fait déjà partie d'un couple.") % {"name": candidate.person.full_name})
    return Couple.objects.create(campaign=first.campaign, first=first, second=second, recorded_by=by)


@transaction.atomic
def do_remove_couple(couple: Couple, by):
    _must_be_ministry(by)
    if couple.campaign.state == State.FINAL:
        raise ValidationError(_("Les affectations de la campagne sont arrêtées."))
    couple.delete()


# --- the runs --------------------------------------------------------------------------------------

def campaign_offer(campaign: Campaign) -> Offer:
    """The campaign for the couples engine: its posts (placed by province), every candidate in
    merit order with their wishes, its couples. Refused while a candidate has no merit rank."""
    candidates = list(campaign.candidates.select_related("person").prefetch_related("wishes"))
    unranked = [c for c in candidates if c.rank is None]
    if unranked:
        raise ValidationError(_("%(n)s spécialiste(s) sans rang de mérite : importer la liste du ministère.")
                              % {"n": len(unranked)})
    wishers = {c.pk: Wisher(f"C{c.pk}", c.rank,
                            tuple(f"P{w.post_id}" for w in sorted(c.wishes.all(), key=lambda w: w.order)), c)
               for c in candidates}
    return Offer(
        programs=[Program(f"P{p.pk}", p.seats, p, str(p.establishment.province_id))
                  for p in campaign.posts.select_related("establishment")],
        wishers=list(wishers.values()),
        pairs=[Pair(f"K{k.pk}", (wishers[k.first_id], wishers[k.second_id])) for k in campaign.couples.order_by("pk")],
        pairs_limit=campaign.pairs_limit)


def build_instance(campaign: Campaign):
    """The campaign as an instance of matching/couples.py, its digest, and the candidates by id."""
    offer = campaign_offer(campaign)
    instance, digest = couples_instance(offer.programs, offer.wishers, offer.pairs, pairs_limit=offer.pairs_limit)
    return instance, digest, {w.id: w.item for w in offer.wishers}


def reads_campaigns(user) -> bool:
    """The campaigns' pages are for the staff (every role but the trainee's)."""
    return user.is_superuser or bool(roles_of(user) - {Role.TRAINEE})


def _may_run(campaign: Campaign, kind: str, by) -> None:
    _must_be_ministry(by)
    if campaign.state == State.DRAFT:
        raise ValidationError(_("Ouvrir d'abord les vœux de la campagne."))
    if campaign.state == State.FINAL:
        raise ValidationError(_("Les affectations de la campagne sont déjà arrêtées."))
    if kind == Run.Kind.FINAL and (campaign.wishes_deadline is None or wishes_open(campaign)):
        raise ValidationError(_("La répartition définitive se fait après la date limite des vœux."))
    if kind == Run.Kind.FINAL and campaign.taking_up_date is None:
        raise ValidationError(_("Indiquer d'abord la date de prise de fonctions."))


def do_run_campaign(campaign: Campaign, kind: str, by, progress=lambda done: None) -> Run:
    """A what-if run (any number, while wishes are open or after) or the final one (once; it fixes
    the postings and starts each specialist's period of service)."""
    _may_run(campaign, kind, by)
    # Solved (and checked) before the campaign is locked: the exact model may take seconds.
    allocation = campaign_offer(campaign).run()
    result = allocation.result
    progress(2)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.state == State.FINAL:
            raise ValidationError(_("Les affectations de la campagne sont déjà arrêtées."))
        run = Run.objects.create(campaign=campaign, kind=kind, method=result.method, solver_status=result.status,
                                 seconds=round(result.seconds, 3), instance_digest=allocation.digest,
                                 blocking_couples=result.blocking_couples, created_by=by)

        def record(allocation):
            return Assignment.objects.bulk_create(
                Assignment(run=run, candidate=p.wisher.item, post=p.program and p.program.item,
                           wish_order=_wish_order(p.wisher.item, p.program.item) if p.program else None,
                           unplaced_reason=p.reason)
                for p in allocation.placed)

        def take_seats(placed):
            # The final run's postings hold the posts' seats: none is posted twice over.
            posts = {p.program.item.pk: p.program.item for p in placed}
            do_take_counted_seats(
                campaign.posts.all(), Counter(p.program.item.pk for p in placed), key="pk", capacity="seats",
                takers=Assignment.objects.filter(run__campaign=campaign, run__kind=Run.Kind.FINAL).exclude(run=run),
                taker_key="post", full=lambda pk: _("Ce poste vient d'être pris : il ne reste plus de place en %(post)s.")
                % {"post": posts[pk].specialty.name})
            _start_service_periods(run, campaign.taking_up_date, by)
            locked.state = State.FINAL
            locked.save(update_fields=["state"])
            campaign.state = State.FINAL

        do_place(allocation, record=record, take_seats=take_seats if kind == Run.Kind.FINAL else None)
    return run


# The exact model over a national campaign takes seconds to minutes: the worker solves it while the
# Ministry follows the job's page. The job commits the run and its own completion together (atomic):
# stopped midway, no run is left; done, it is never run a second time.
RUN_JOB = "deployment.run_campaign"
RUN_STEPS = [gettext_noop("Lecture des vœux et des postes"), gettext_noop("Résolution du modèle"),
             gettext_noop("Enregistrement des affectations")]


def do_start_run_campaign(campaign: Campaign, kind: str, by) -> Job:
    """Queue a run (refused at once when it could not run now); a second click while it is queued
    or running gives the same job."""
    _may_run(campaign, kind, by)
    return jobs.do_start_job(RUN_JOB, campaign.pk, kind, by.pk, key=f"{RUN_JOB}:{campaign.pk}:{kind}",
                             label=_run_label(campaign.pk, kind, by.pk), by=by)


def _run_label(campaign_id: int, kind: str, user_id: int) -> str:
    year = Campaign.objects.values_list("year", flat=True).get(pk=campaign_id)
    what = _("Répartition définitive") if kind == Run.Kind.FINAL else _("Répartition de simulation")
    return f"{what} — {year}"


@jobs.job_kind(RUN_JOB, label=_run_label, readers=lambda user, campaign_id, kind, user_id: reads_campaigns(user),
               atomic=True, opens=gettext_noop("Voir la répartition"))
def _run_job(job: Job, campaign_id: int, kind: str, user_id: int) -> str:
    campaign = Campaign.objects.get(pk=campaign_id)
    jobs.do_record_progress(job, 0, len(RUN_STEPS), RUN_STEPS[0])
    run = do_run_campaign(campaign, kind, get_user_model().objects.get(pk=user_id),
                          progress=lambda done: jobs.do_record_progress(job, done, len(RUN_STEPS), RUN_STEPS[done]))
    return reverse("deployment:run", args=[campaign.year, run.pk])


def _wish_order(candidate: Candidate, post) -> int:
    return next(w.order for w in candidate.wishes.all() if w.post_id == post.pk)


def _start_service_periods(run: Run, start: dt.date, by):
    """D93 art. 27: the period of service owed under the commitment starts at the posting; a
    period still open elsewhere (a specialist of the transfer movement) ends the day before."""
    # Only a commitment owed to the Ministry is served at its postings (D93 art. 27).
    for assignment in run.assignments.filter(post__isnull=False,
                                             candidate__commitment__counterpart=Commitment.Counterpart.MINISTRY) \
            .select_related("post", "candidate__commitment"):
        do_start_posted_service(by, assignment.candidate.commitment, assignment.post.establishment, start)


@transaction.atomic
def do_create_campaign(year: int, by, *, announced_total: int | None = None) -> Campaign:
    """A new campaign in preparation; `announced_total` is the figure the Ministry will announce
    (the reconciliation compares the posts with it)."""
    _must_be_ministry(by)
    if Campaign.objects.filter(year=year).exists():
        raise ValidationError(_("La campagne %(year)s existe déjà.") % {"year": year})
    return Campaign.objects.create(year=year, announced_total=announced_total)


@transaction.atomic
def do_open_wishes(campaign: Campaign, by, *, deadline: dt.date | None, taking_up: dt.date | None):
    _must_be_ministry(by)
    if campaign.state == State.FINAL:
        raise ValidationError(_("Les affectations de la campagne sont déjà arrêtées."))
    if not campaign.posts.exists():
        raise ValidationError(_("La campagne n'a aucun poste."))
    campaign.state = State.WISHES
    campaign.wishes_deadline = deadline
    campaign.taking_up_date = taking_up
    campaign.save()


def final_run(campaign: Campaign) -> Run | None:
    return campaign.runs.filter(kind=Run.Kind.FINAL).first()


def posting_of(candidate: Candidate) -> Assignment | None:
    run = final_run(candidate.campaign)
    return None if run is None else run.assignments.filter(candidate=candidate).select_related(
        "post__establishment__province__region", "post__delegation", "post__specialty").first()

