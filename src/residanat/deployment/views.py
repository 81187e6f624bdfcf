"""Deployment pages: the campaigns, a campaign's dashboard (map, figures, reconciliation), its posts,
the imports (posts, the Ministry's merit list), the specialists and couples, the runs, a
specialist's wishes and posting decision, the exports and the public communiqué.

Figures of posts are not personal: every staff role reads them. People are read through
Candidate.objects.visible_to (404 outside the scope); the services decide who may act."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from residanat.accounts.authority import is_ministry
from residanat.common.actions import perform
from residanat.common.import_page import ImportFlow, import_page
from residanat.common.listing import Listing, Sort
from residanat.documents import kinds
from residanat.documents.export_jobs import export_response
from residanat.documents.http import document_language, document_response, issued_pdf_response
from residanat.common.forms import date_field

from . import exports, notices, reports, services
from .candidates_import import CANDIDATES
from .models import Campaign, Candidate, Couple, Run
from .posts_import import POSTS, run_for_campaign


def _staff_campaign(request, year) -> Campaign:
    if not services.reads_campaigns(request.user):
        raise PermissionDenied
    return get_object_or_404(Campaign, year=year)


def _candidates(user, campaign):
    return (Candidate.objects.visible_to(user).filter(campaign=campaign)
            .select_related("person", "specialty", "status__faculty"))


@login_required
def index(request):
    mine = Candidate.objects.filter(person__user=request.user).select_related("campaign", "specialty")
    campaigns = list(Campaign.objects.annotate(seats=Sum("posts__seats"))) if services.reads_campaigns(request.user) else []
    return render(request, "deployment/index.html", {
        "campaigns": campaigns, "mine": mine, "can_manage": is_ministry(request.user), "form": CampaignForm()})


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Année"), min_value=2000, max_value=2100)
    announced_total = forms.IntegerField(label=gettext_lazy("Total annoncé"), min_value=0, required=False)


@login_required
@require_POST
def campaign_new(request):
    if not is_ministry(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquer l'année de la campagne."))
        return redirect("deployment:index")
    created = perform(request, services.do_create_campaign, form.cleaned_data["year"], request.user,
                      announced_total=form.cleaned_data["announced_total"])
    if not created:
        return redirect("deployment:index")
    return redirect("deployment:campaign", created.result.year)


@login_required
def campaign(request, year):
    campaign = _staff_campaign(request, year)
    regions = reports.by_region(campaign)
    total = reports.total_seats(campaign)
    before_campaign = reports.previous(campaign)
    before = reports.total_seats(before_campaign)
    visible = _candidates(request.user, campaign)
    missing = reports.missing_specialties(campaign)
    return render(request, "deployment/campaign.html", {
        "campaign": campaign, "total": total, "before": before, "before_campaign": before_campaign,
        "growth": reports.growth(total, before), "regions": regions, "map": reports.region_map(regions),
        "cohorts": reports.by_cohort(campaign), "reconciliation": reports.reconciliation(campaign),
        "delegations": reports.delegations_served(campaign),
        "understaffed": reports.understaffed_seats(campaign),
        "specialties": reports.grouped(campaign, "specialty__name_fr", "specialty__name_ar")[:15],
        "provinces": reports.grouped(campaign, "establishment__province__name_fr", "establishment__province__name_ar",
                                     "establishment__province__region__code"),
        "missing": missing, "missing_summary": reports.missing_summary(missing),
        "runs": campaign.runs.select_related("created_by").annotate(
            placed=Count("assignments", filter=Q(assignments__post__isnull=False)), people=Count("assignments")),
        "candidates": visible.count(), "couples": campaign.couples.count(),
        "can_manage": is_ministry(request.user), "wishes_open": services.wishes_open(campaign),
        "open_form": OpenWishesForm(initial={"deadline": campaign.wishes_deadline, "taking_up": campaign.taking_up_date}),
    })


@login_required
def posts(request, year):
    campaign = _staff_campaign(request, year)
    rows = campaign.posts.select_related("establishment__province__region", "delegation", "specialty")
    region = request.GET.get("region")
    if region:
        rows = rows.filter(establishment__province__region__code=region)
    listing = Listing(request, rows, sorts=POST_SORTS, default="place", dom_id="post-rows",
                      search=("code", "establishment__name_fr", "establishment__province__name_fr",
                              "specialty__name_fr"),
                      arabic=("establishment__name_ar", "establishment__province__name_ar", "specialty__name_ar"))
    understaffed = reports.understaffed_post_ids(campaign)
    return render(request, "deployment/posts.html", {
        "campaign": campaign, "posts": listing.page, "listing": listing, "understaffed": understaffed,
        "region": region, "regions": [r["region"] for r in reports.by_region(campaign)]})


POST_SORTS = {
    "place": Sort(gettext_lazy("Établissement"), ("establishment__province__region__code", "establishment__province__name_fr",
                                                  "establishment__name_fr", "specialty__name_fr", "cohort")),
    "code": Sort(gettext_lazy("Code"), ("code",)),
    "specialty": Sort(gettext_lazy("Spécialité"), ("specialty__name_fr", "establishment__name_fr")),
    "seats": Sort(gettext_lazy("Postes"), ("seats", "code")),
}


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Fichier (Excel .xlsx ou CSV)"))


# Each import into a campaign: its table, its page, and where a written import leads.
CAMPAIGN_IMPORTS = {
    "posts": (POSTS, "deployment/posts_import.html", "deployment:campaign"),
    "candidates": (CANDIDATES, "deployment/candidates_import.html", "deployment:candidates"),
}


def _import_page(request, year, what):
    campaign = _staff_campaign(request, year)
    if not is_ministry(request.user):
        raise PermissionDenied
    declaration, template, done = CAMPAIGN_IMPORTS[what]
    flow = ImportFlow(
        key=f"deployment-{what}-{year}", template=template, form=UploadForm,
        run=lambda name, data, params, commit: run_for_campaign(declaration, campaign, data, request.user,
                                                                dry_run=not commit, file_name=name),
        done=lambda result, params: reverse(done, args=[year]), success=lambda result: _("Import enregistré."))
    return import_page(request, flow, {"campaign": campaign, "columns": [c.name for c in declaration.columns]})


@login_required
@never_cache
def posts_import(request, year):
    return _import_page(request, year, "posts")


@login_required
@never_cache
def candidates_import(request, year):
    return _import_page(request, year, "candidates")


class OpenWishesForm(forms.Form):
    deadline = date_field(gettext_lazy("Date limite des vœux"), required=False)
    taking_up = date_field(gettext_lazy("Date de prise de fonctions"), required=False)


@login_required
@require_POST
def campaign_action(request, year, action):
    campaign = _staff_campaign(request, year)
    if action == "ouvrir-voeux":
        form = OpenWishesForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Dates invalides."))
        else:
            perform(request, services.do_open_wishes, campaign, request.user, deadline=form.cleaned_data["deadline"],
                    taking_up=form.cleaned_data["taking_up"], success=_("Vœux ouverts."))
    elif action == "proposer":
        if perform(request, services.do_propose_candidates, campaign, request.user, success=lambda n: _(
                "%(n)s spécialiste(s) ajouté(s) depuis les parcours et les engagements.") % {"n": n}):
            return redirect("deployment:candidates", year)
    elif action in ("simulation", "definitive"):
        kind = Run.Kind.WHAT_IF if action == "simulation" else Run.Kind.FINAL
        started = perform(request, services.do_start_run_campaign, campaign, kind, request.user)
        if started:
            return redirect("ops:job", pk=started.result.pk)
    else:
        raise Http404
    return redirect("deployment:campaign", year)


class CoupleForm(forms.Form):
    first = forms.ModelChoiceField(label=gettext_lazy("Conjoint"), queryset=Candidate.objects.none())
    second = forms.ModelChoiceField(label=gettext_lazy("Conjoint"), queryset=Candidate.objects.none())

    def __init__(self, candidates, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first"].queryset = self.fields["second"].queryset = candidates


@login_required
def candidates(request, year):
    campaign = _staff_campaign(request, year)
    visible = _candidates(request.user, campaign).annotate(wish_count=Count("wishes"))
    couples = Couple.objects.visible_to(request.user).filter(campaign=campaign).select_related(
        "first__person", "second__person", "first__specialty", "second__specialty")
    form = CoupleForm(visible, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            if perform(request, services.do_record_couple, form.cleaned_data["first"], form.cleaned_data["second"],
                       request.user, success=_("Couple enregistré.")):
                return redirect("deployment:candidates", year)
        else:
            messages.error(request, _("Choisir deux spécialistes."))
    in_couple = {c.first_id for c in couples} | {c.second_id for c in couples}
    return render(request, "deployment/candidates.html", {
        "campaign": campaign, "candidates": visible, "couples": couples, "form": form, "in_couple": in_couple,
        "can_manage": is_ministry(request.user)})


@login_required
@require_POST
def couple_remove(request, year, pk):
    campaign = _staff_campaign(request, year)
    couple = get_object_or_404(Couple.objects.visible_to(request.user), pk=pk, campaign=campaign)
    perform(request, services.do_remove_couple, couple, request.user)
    return redirect("deployment:candidates", year)


@login_required
def run(request, year, pk):
    campaign = _staff_campaign(request, year)
    run = get_object_or_404(campaign.runs.select_related("created_by"), pk=pk)
    assignments = (run.assignments.filter(candidate__in=_candidates(request.user, campaign))
                   .select_related("candidate__person", "candidate__specialty", "post__establishment__province",
                                   "post__specialty").order_by("candidate__rank"))
    couple_of = {}
    for c in campaign.couples.all():
        couple_of[c.first_id] = couple_of[c.second_id] = c.pk
    by_wish = {}
    for a in assignments:
        by_wish[a.wish_order or 0] = by_wish.get(a.wish_order or 0, 0) + 1
    return render(request, "deployment/run.html", {
        "campaign": campaign, "run": run, "assignments": assignments, "couple_of": couple_of,
        "by_wish": sorted(by_wish.items(), key=lambda kv: (kv[0] == 0, kv[0])),
        "placed": sum(1 for a in assignments if a.post_id)})


def _candidate(request, pk) -> Candidate:
    return get_object_or_404(Candidate.objects.visible_to(request.user).select_related(
        "campaign", "person", "specialty"), pk=pk)


@login_required
def candidate(request, pk):
    candidate = _candidate(request, pk)
    is_self = candidate.person.user_id == request.user.pk
    can_edit = (is_self and services.wishes_open(candidate.campaign)) or (
        is_ministry(request.user) and candidate.campaign.state == Campaign.State.WISHES)
    posts = list(services.acceptable_posts(candidate).order_by("establishment__province__region__code",
                                                              "establishment__name_fr"))
    current = {w.post_id: w.order for w in candidate.wishes.all()}
    for post in posts:
        post.wish_order = current.get(post.pk)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        chosen = []
        for post in posts:
            value = (request.POST.get(f"post-{post.pk}") or "").strip()
            if value:
                try:
                    chosen.append((int(value), post.pk))
                except ValueError:
                    messages.error(request, _("« %(value)s » n'est pas un numéro d'ordre.") % {"value": value})
                    return redirect("deployment:candidate", pk)
        orders = [o for o, _ in chosen]
        if len(set(orders)) != len(orders):
            messages.error(request, _("Deux postes ont le même numéro d'ordre."))
            return redirect("deployment:candidate", pk)
        perform(request, services.do_set_wishes, candidate, [p for _, p in sorted(chosen)], request.user,
                success=_("Vœux enregistrés."))
        return redirect("deployment:candidate", pk)
    couple = services.couple_of(candidate)
    partner = None if couple is None else (couple.second if couple.first_id == candidate.pk else couple.first)
    posting = services.posting_of(candidate)
    # The couple asked to be posted together: each partner sees where the other is posted.
    partner_posting = None if partner is None or posting is None else services.posting_of(partner)
    understaffed = reports.understaffed_post_ids(candidate.campaign)
    return render(request, "deployment/candidate.html", {
        "candidate": candidate, "posts": posts, "can_edit": can_edit, "partner": partner,
        "posting": posting, "partner_posting": partner_posting, "understaffed": understaffed,
        "wishes": sorted((p for p in posts if p.wish_order), key=lambda p: p.wish_order)})


@login_required
def notice(request, pk, language):
    # The specialists through which the posting decision is read (kinds.readers, the register's rule too).
    candidate = get_object_or_404(kinds.readers(notices.POSTING_DECISION).rows(request.user), pk=pk)
    posting = services.posting_of(candidate)
    if posting is None or posting.post_id is None or language not in ("fr", "ar"):
        raise Http404
    document = notices.issue(posting, language, request.user)
    return issued_pdf_response(document, inline=True)


@login_required
def report_xlsx(request, year):
    campaign = _staff_campaign(request, year)
    # One row per post at most in the longest table (by province and specialty).
    return export_response(request, exports.REPORT_EXPORT, campaign.pk, rows=campaign.posts.count(),
                           language=document_language(), build=exports.workbook)


@login_required
def report_pdf(request, year, language):
    campaign = _staff_campaign(request, year)
    if language not in ("fr", "ar"):
        raise Http404
    return document_response(exports.report_pdf(campaign, language), f"affectation-{year}-{language}.pdf",
                             "application/pdf", inline=True, private=False)


def communique(request, year):
    """The public figures: anyone may read them once the campaign's wishes are open."""
    campaign = get_object_or_404(Campaign, year=year)
    if campaign.state == Campaign.State.DRAFT and not services.reads_campaigns(request.user):
        raise Http404
    return render(request, "deployment/communique.html", {
        "campaign": campaign, "text": exports.communique_text(campaign)})


def communique_pdf(request, year, language):
    campaign = get_object_or_404(Campaign, year=year)
    if (campaign.state == Campaign.State.DRAFT and not services.reads_campaigns(request.user)) or language not in ("fr", "ar"):
        raise Http404
    document = exports.communique_pdf(campaign, language, request.user)
    return issued_pdf_response(document, inline=True)
