"""Pages of the tests, the scores, the merit list and the published results of a competition.

Views stay thin: they find the competition in the user's scope, parse the request and call the
services (`competition_tests`, `scores`, `merit`, `publication`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from residanat.common.actions import perform, show_on_form
from residanat.common.feedback import report_error
from residanat.common.import_page import ImportFlow, import_page
from residanat.common.listing import Listing, Sort, name_order, person_fields
from residanat.documents import kinds
from residanat.documents.excel import XLSX_CONTENT_TYPE
from residanat.documents.export_jobs import export_response
from residanat.documents.http import document_language, document_response, issued_pdf_response
from residanat.rules.merit import weighted_total

from . import publication
from .competition_tests import can_change_tests, do_save_competition_test
from .confirmations import steps_with_confirmation
from .forms import ImportForm
from .merit import current_merit_list, do_compute_merit_list, do_revise_merit_list, explanation
from .models import Candidate, Competition, CompetitionTest, MeritEntry, MeritList, Score
from .scope import can_change_competition, changeable_competition, visible_competition
from .scores import SCORE_ENTRY_STATES, do_enter_score, do_import_scores, scores_template, show
from .workflow import available_steps

State = Competition.State
GRID_PAGE_SIZE = 50


# --- finding the test ----------------------------------------------------------------------------

def _test(competition, code) -> CompetitionTest:
    return get_object_or_404(competition.tests, code=code)


# --- tests (épreuves) ----------------------------------------------------------------------------

class CompetitionTestForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=30,
                           help_text=gettext_lazy("Lettres, chiffres et tirets, par ex. « qcm-clinique »."))
    name_fr = forms.CharField(label=gettext_lazy("Épreuve (français)"), max_length=150)
    name_ar = forms.CharField(label=gettext_lazy("Épreuve (arabe)"), max_length=150, required=False,
                              widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}))
    # Typed with a decimal comma or point: the service reads both.
    weight = forms.CharField(label=gettext_lazy("Coefficient"), max_length=12,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}))
    max_score = forms.CharField(label=gettext_lazy("Note maximale"), max_length=12, initial="20",
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}))
    order = forms.IntegerField(label=gettext_lazy("Ordre"), min_value=0, max_value=999, required=False,
                               widget=forms.NumberInput(attrs={"size": 4}))


def _test_initial(test: CompetitionTest) -> dict:
    return {"code": test.code, "name_fr": test.name_fr, "name_ar": test.name_ar, "weight": show(test.weight),
            "max_score": show(test.max_score), "order": test.order}


@login_required
def competition_tests(request, slug):
    """The tests with their weights and maximum scores; those who can change the competition add
    or edit one (POST, with `test` = the pk of the one edited) until the jury deliberates."""
    competition = visible_competition(request, slug)
    editable = can_change_tests(request.user, competition)
    editing = None
    if request.method == "POST":
        if not can_change_competition(request.user, competition):
            raise PermissionDenied
        if request.POST.get("test"):
            editing = get_object_or_404(competition.tests, pk=request.POST["test"])
        form = CompetitionTestForm(request.POST)
        if form.is_valid():
            saved = perform(request, do_save_competition_test, competition, request.user, test=editing,
                            quiet=True, **form.cleaned_data)
            if saved:
                messages.success(request, _("Épreuve « %(name)s » enregistrée.") % {"name": saved.result.name})
                return redirect("concours:tests", slug=competition.slug)
            if not hasattr(saved.refusal, "error_dict"):
                # Not about a field: the state of the competition (the form is no longer shown).
                report_error(request, saved.refusal)
                return redirect("concours:tests", slug=competition.slug)
            show_on_form(form, saved.refusal)
    else:
        code = request.GET.get("modifier")
        if code and editable:
            editing = _test(competition, code)
        form = CompetitionTestForm(initial=_test_initial(editing) if editing else None)
    tests = list(competition.tests.all())
    total_weight = sum((t.weight for t in tests), 0)
    return render(request, "concours/merit/tests.html", {
        "competition": competition, "tests": tests, "total_weight": total_weight,
        "editable": editable, "form": form, "editing": editing,
    })


# --- scores grid ---------------------------------------------------------------------------------

def _sitting(user, competition):
    """The candidates who sit the tests: eligible, by competition (D93 art. 21 1.a/b: those on
    titles do not)."""
    return (Candidate.objects.visible_to(user)
            .filter(competition=competition, state=Candidate.State.ELIGIBLE, route=Candidate.Route.COMPETITION)
            .select_related("person"))


def scores_editable(user, competition) -> bool:
    return competition.state in SCORE_ENTRY_STATES and can_change_competition(user, competition)


def _cell(candidate, test, score=None, *, value=None, absent=None, error="", saved=False):
    if value is None:
        value = show(score.value) if score is not None and score.value is not None else ""
    if absent is None:
        absent = bool(score and score.absent)
    return {"candidate": candidate, "test": test, "value": value, "absent": absent, "error": error,
            "saved": saved, "entered": score is not None}


def _row_total(candidate, tests, scores_of):
    """The weighted mean of a row once every test has a score (None while one is missing or absent)."""
    if not tests:
        return None
    scores = {}
    for test in tests:
        score = scores_of.get((candidate.pk, test.pk))
        if score is None:
            return None
        scores[test.code] = score.value
    return weighted_total(scores, {t.code: t.weight for t in tests}, {t.code: t.max_score for t in tests})


@login_required
def scores(request, slug):
    """Candidates × tests: every cell saved on its own (HTMX POST here, one cell per request)."""
    competition = visible_competition(request, slug)
    if request.method == "POST":
        return _save_cell(request, competition)
    tests = list(competition.tests.all())
    candidates = _sitting(request.user, competition)
    q = (request.GET.get("q") or "").strip()
    if q:
        candidates = candidates.filter(
            Q(number__icontains=q) | Q(person__last_name__icontains=q) | Q(person__first_name__icontains=q)
            | Q(person__last_name_ar__icontains=q) | Q(person__first_name_ar__icontains=q))
    track = request.GET.get("track") or ""
    tracks = Candidate._meta.get_field("track").choices
    if track in dict(tracks):
        candidates = candidates.filter(track=track)
    missing = request.GET.get("missing") == "1"
    if missing and tests:
        complete = (Score.objects.filter(candidate__competition=competition).values("candidate")
                    .order_by().annotate(n=Count("pk")).filter(n__gte=len(tests)).values("candidate"))
        candidates = candidates.exclude(pk__in=complete)
    page = Paginator(candidates.order_by("number"), GRID_PAGE_SIZE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    scores_of = {(s.candidate_id, s.test_id): s
                 for s in Score.objects.visible_to(request.user).filter(candidate__in=on_page)}
    rows = [(c, [_cell(c, t, scores_of.get((c.pk, t.pk))) for t in tests], _row_total(c, tests, scores_of))
            for c in on_page]
    sitting = _sitting(request.user, competition)
    progress = {"entered": Score.objects.filter(candidate__in=sitting).count(),
                "expected": sitting.count() * len(tests)}
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "concours/merit/scores.html", {
        "competition": competition, "tests": tests, "rows": rows, "page": page,
        "editable": scores_editable(request.user, competition), "q": q, "track": track, "tracks": tracks,
        "missing": missing, "progress": progress, "query": query.urlencode(),
    })


def _save_cell(request, competition):
    if not can_change_competition(request.user, competition):
        raise PermissionDenied
    candidate = get_object_or_404(_sitting(request.user, competition), number=request.POST.get("candidate") or "")
    test = get_object_or_404(competition.tests, code=request.POST.get("test") or "")
    absent = request.POST.get("absent") in ("on", "1", "true")
    # Ticking "absent" wins over a score left in the box: the box is emptied, not refused.
    value = None if absent else (request.POST.get("value") or "").strip()
    entered = perform(request, do_enter_score, candidate, test, value, absent, request.user, quiet=True)
    if not entered:
        message = entered.reason
        if not request.htmx:
            messages.error(request, f"{candidate.number} — {test.name} : {message}")
            return redirect(_grid_url(competition, request))
        cell = _cell(candidate, test, Score.objects.filter(candidate=candidate, test=test).first(),
                     value=value or "", absent=absent, error=message)
        return _cell_response(request, competition, cell, status=200)
    if not request.htmx:
        messages.success(request, _("Note enregistrée."))
        return redirect(_grid_url(competition, request))
    score = entered.result
    tests = list(competition.tests.all())
    scores_of = {(s.candidate_id, s.test_id): s for s in Score.objects.filter(candidate=candidate)}
    return _cell_response(request, competition, _cell(candidate, test, score, saved=True), status=200,
                          total=(candidate, _row_total(candidate, tests, scores_of)))


def _grid_url(competition, request):
    url = reverse("concours:scores", args=[competition.slug])
    back = request.POST.get("back") or ""
    return f"{url}?{back}" if back and "//" not in back else url


def _cell_response(request, competition, cell, *, status, total=None):
    return render(request, "concours/merit/score_cell.html", {
        "competition": competition, "cell": cell, "editable": True, "total": total, "oob": total is not None,
    }, status=status)


# --- scores import -------------------------------------------------------------------------------

@login_required
def scores_import(request, slug, code):
    """Upload -> dry run (every error with its row and column) -> confirm -> one atomic write."""
    competition = changeable_competition(request, slug)
    test = _test(competition, code)
    editable = competition.state in SCORE_ENTRY_STATES
    flow = ImportFlow(
        key=f"scores_import:{competition.pk}:{test.pk}", template="concours/merit/scores_import.html", form=ImportForm,
        run=lambda name, data, params, commit: do_import_scores(competition, test, data, request.user,
                                                                dry_run=not commit),
        done=lambda result, params: reverse("concours:scores", args=[competition.slug]),
        success=lambda result: _("Notes de « %(test)s » importées : %(created)s nouvelles, %(updated)s modifiées, "
                                 "%(unchanged)s inchangées.") % {"test": test.name, **result.counts},
        closed="" if editable else _(
            "Les notes ne se saisissent qu'entre la clôture des inscriptions et la délibération."))
    return import_page(request, flow, {"competition": competition, "test": test, "editable": editable})


@login_required
def scores_template_download(request, slug, code):
    competition = visible_competition(request, slug)
    test = _test(competition, code)
    return document_response(scores_template(competition, test), f"notes-{competition.slug}-{test.code}.xlsx",
                             XLSX_CONTENT_TYPE)


# --- merit list ----------------------------------------------------------------------------------

MERIT_COMPUTE_STATES = (State.SCORES_ENTERED,)
MERIT_REVISE_STATES = (State.DELIBERATED, State.PUBLISHED)
CORRECTION_ROWS = 3


def _version(competition, request) -> MeritList | None:
    """`?version=N` (404 when there is no such version), else the current one."""
    wanted = request.GET.get("version")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        return get_object_or_404(MeritList.objects.visible_to(request.user).filter(competition=competition),
                                 version=int(wanted))
    return current_merit_list(competition)


# Titles first (admitted without the tests), then the ranked line, then the absentees.
_MERIT_LINE = Case(When(outcome=MeritEntry.Outcome.ADMITTED_ON_TITLES, then=Value(0)),
                   When(outcome=MeritEntry.Outcome.ABSENT, then=Value(2)), default=Value(1))
MERIT_SORTS = {
    "rank": Sort(gettext_lazy("Rang"), ("pool", _MERIT_LINE, F("rank").asc(nulls_last=True), "candidate__number")),
    "number": Sort(gettext_lazy("N°"), ("candidate__number",)),
    "name": Sort(gettext_lazy("Candidat"), name_order("candidate__person__")),
    "total": Sort(gettext_lazy("Moyenne /20"), (F("total").asc(nulls_first=True), "candidate__number")),
    "outcome": Sort(gettext_lazy("Résultat"), ("outcome", "pool", "rank")),
}


def merit_listing(request, rows) -> Listing:
    """The merit list's page: by rank (default), number, name, average or outcome; searched by
    number or name."""
    latin, arabic = person_fields("candidate__person__")
    return Listing(request, rows, sorts=MERIT_SORTS, default="rank", search=("candidate__number", *latin),
                   arabic=arabic, dom_id="merit-rows")


@login_required
def merit(request, slug):
    """The merit list: the current version (or `?version=N`), each foreign candidate with the rule
    applied and the threshold, the seats used, every version kept; the jury's actions."""
    return _merit_page(request, visible_competition(request, slug))


def _merit_page(request, competition, *, revise_form=None, status=200):
    merit_list = _version(competition, request)
    entries, summary, listing, pools = [], None, None, False
    if merit_list is not None:
        rows = (MeritEntry.objects.visible_to(request.user).filter(merit_list=merit_list)
                .select_related("candidate__person"))
        listing = merit_listing(request, rows)
        entries = list(listing.page.object_list)
        language = "ar" if (get_language() or "").startswith("ar") else "fr"
        # Only the rows shown are explained (the explanation is composed in Python).
        for entry in entries:
            entry.shown_explanation = explanation(entry, language)
            entry.shown_rule = publication.rule_label(entry.rule, language)
            entry.shown_pool = publication.pool_label(entry.pool)
        summary = publication.merit_summary(merit_list)
        pools = rows.exclude(pool="").exists()
    versions = (MeritList.objects.visible_to(request.user).filter(competition=competition)
                .select_related("created_by", "locked_by").order_by("-version"))
    can_change = can_change_competition(request.user, competition)
    latest = versions[0] if versions else None
    deliberate_step = next((item for item in steps_with_confirmation(available_steps(request.user, competition),
                                                                     competition)
                            if item[0].target == State.DELIBERATED), None)
    return render(request, "concours/merit/merit.html", {
        "competition": competition, "merit_list": merit_list, "entries": entries, "summary": summary,
        "versions": versions, "latest": latest,
        "is_current": merit_list is not None and latest is not None and merit_list.pk == latest.pk,
        "draft": merit_list is not None and publication.is_draft(competition, merit_list),
        "can_compute": can_change and competition.state in MERIT_COMPUTE_STATES and not (latest and latest.locked),
        "can_revise": can_change and competition.state in MERIT_REVISE_STATES and latest is not None and latest.locked,
        "deliberate_step": deliberate_step,
        "tests": competition.tests.all(),
        "revise_form": revise_form or MeritRevisionForm(competition=competition, user=request.user),
        "is_residanat": competition.kind == Competition.Kind.RESIDANAT,
        "pools": pools, "listing": listing,
    }, status=status)


@login_required
@require_POST
def merit_compute(request, slug):
    competition = changeable_competition(request, slug)
    perform(request, do_compute_merit_list, competition, request.user, request.POST.get("reason", "").strip(),
            success=lambda merit_list: _("Liste de mérite calculée (version %(version)s, non délibérée).")
            % {"version": merit_list.version})
    return redirect("concours:merit", slug=competition.slug)


class MeritRevisionForm(forms.Form):
    """A new version after the deliberation: its mandatory reason and up to CORRECTION_ROWS score
    corrections (candidate number, test, score or absent)."""

    reason = forms.CharField(label=gettext_lazy("Motif (obligatoire)"), widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
                             error_messages={"required": gettext_lazy(
                                 "Une nouvelle version de la liste de mérite doit être motivée.")})

    def __init__(self, *args, competition, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.competition, self.user = competition, user
        tests = [("", "")] + [(t.code, t.name) for t in competition.tests.all()]
        for n in range(1, CORRECTION_ROWS + 1):
            self.fields[f"number_{n}"] = forms.CharField(label=gettext_lazy("N° de candidat"), required=False,
                                                         max_length=30, widget=forms.TextInput(attrs={"size": 10}))
            self.fields[f"test_{n}"] = forms.ChoiceField(label=gettext_lazy("Épreuve"), choices=tests, required=False)
            self.fields[f"value_{n}"] = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=12,
                                                        widget=forms.TextInput(attrs={"size": 6, "inputmode": "decimal"}))
            self.fields[f"absent_{n}"] = forms.BooleanField(label=gettext_lazy("absent"), required=False)

    def rows(self):
        return [[self[f"{name}_{n}"] for name in ("number", "test", "value", "absent")]
                for n in range(1, CORRECTION_ROWS + 1)]

    def clean(self):
        """The corrections typed: (candidate, test, value, absent) per filled row, each problem
        beside its field."""
        data = super().clean()
        corrections = []
        for n in range(1, CORRECTION_ROWS + 1):
            number = (data.get(f"number_{n}") or "").strip()
            code, value, absent = data.get(f"test_{n}") or "", (data.get(f"value_{n}") or "").strip(), data.get(f"absent_{n}")
            if not (number or value or absent):
                continue
            candidate = Candidate.objects.visible_to(self.user).filter(competition=self.competition,
                                                                       number=number).first()
            if candidate is None:
                self.add_error(f"number_{n}", _("Aucun candidat n° %(number)s dans ce concours.")
                               % {"number": number or "—"})
            test = self.competition.tests.filter(code=code).first()
            if test is None:
                self.add_error(f"test_{n}", _("Choisissez l'épreuve."))
            if candidate is not None and test is not None:
                corrections.append((candidate, test, None if absent else value, bool(absent)))
        data["corrections"] = corrections
        return data


@login_required
@require_POST
def merit_revise(request, slug):
    """After the deliberation: a new version, locked at once, with its mandatory reason and, if
    any, the score corrections it is made for. Refused, the merit page comes back with the form as
    typed and its errors at its top."""
    competition = changeable_competition(request, slug)
    form = MeritRevisionForm(request.POST, competition=competition, user=request.user)
    if form.is_valid() and perform(
            request, do_revise_merit_list, competition, request.user, form.cleaned_data["reason"],
            corrections=form.cleaned_data["corrections"], form=form,
            success=lambda merit_list: _("Version %(version)s de la liste de mérite enregistrée et arrêtée.")
            % {"version": merit_list.version}):
        return redirect("concours:merit", slug=competition.slug)
    return _merit_page(request, competition, revise_form=form, status=400)


# --- publication ---------------------------------------------------------------------------------

def _list_for_download(request, slug):
    """(competition, merit list, public): the jury's list for the staff of the competition's scope
    (any version, a draft until published), the admitted list for everybody once published, 404
    otherwise."""
    competition = Competition.objects.select_related("faculty", "hospital_centre").filter(slug=slug).first()
    if competition is None:
        raise Http404
    staff = Competition.objects.visible_to(request.user).filter(pk=competition.pk).exists()
    if staff and request.GET.get("public") != "1":
        merit_list = _version(competition, request)
        if merit_list is None:
            raise Http404
        return competition, merit_list, False
    merit_list = publication.published_merit_list(competition)
    if merit_list is None:
        raise Http404
    return competition, merit_list, True


def merit_pdf(request, slug):
    """The list as PDF, from the stored copy; a long list not rendered yet is rendered in the
    background while a page polls (HTMX) and then sends the browser to the file."""
    competition, merit_list, public = _list_for_download(request, slug)
    language = document_language(request)
    pdf = publication.stored_merit_list_pdf(competition, merit_list, language, public=public)
    entries = merit_list.entries.all()
    rows = (entries.filter(outcome__in=publication.ADMITTED) if public else entries).count()
    if pdf is None and rows <= publication.SYNC_ROWS:
        pdf = publication.merit_list_pdf_stored(competition, merit_list, language, public=public)
    if pdf is None:
        name = publication.stored_list_name(competition, merit_list, language, public)
        if not request.htmx:
            # Opening (or reloading) the page asks for the document; a poll only looks: a failed
            # rendering is shown, not started again at every poll. Its page (/taches/<id>/) is the
            # starter's, when signed in.
            publication.do_start_rendering(competition, merit_list, language, public=public, by=request.user)
        failure = "" if publication.is_rendering(name) else publication.rendering_failure(name)
        context = {"competition": competition, "merit_list": merit_list, "rows": rows, "failure": failure}
        if request.htmx:
            return render(request, "concours/merit/preparing_poll.html", context)
        return render(request, "concours/merit/preparing.html", context, status=202)
    if request.htmx:
        # Ready while the page polled: let the browser fetch the file itself.
        response = HttpResponse()
        response["HX-Redirect"] = request.get_full_path()
        return response
    name = publication.merit_list_filename(competition, merit_list, language, public, "pdf")
    return document_response(pdf, name, "application/pdf", inline=True, private=not public)


def merit_xlsx(request, slug):
    competition, merit_list, public = _list_for_download(request, slug)
    language = document_language(request)
    entries = merit_list.entries.all()
    rows = (entries.filter(outcome__in=publication.ADMITTED) if public else entries).count()
    return export_response(request, publication.MERIT_EXPORT, competition.pk, merit_list.pk, public, rows=rows,
                           language=language, build=publication.merit_workbook)


def results(request, slug):
    """Public once the results are published (404 before): the admitted candidates with number,
    names, rank and outcome — not the total (docs/decisions/0009) — and a search by number."""
    competition = get_object_or_404(Competition.objects.select_related("faculty", "hospital_centre"), slug=slug,
                                    state=State.PUBLISHED)
    merit_list = publication.published_merit_list(competition)
    if merit_list is None:
        raise Http404
    rows = publication.list_rows(merit_list, public=True)
    number = (request.GET.get("numero") or "").strip()
    found = None
    if number:
        found = [row for row in rows if row.number.lower() == number.lower()]
    pools = {row.pool for row in rows}
    shown = [(row, publication.pool_label(row.pool)) for row in (found if number else rows)]
    return render(request, "concours/merit/results.html", {
        "competition": competition, "merit_list": merit_list, "rows": shown,
        "count": len(rows), "number": number, "searched": bool(number),
        "pools": len(pools - {""}) > 0,
    })


@login_required
def result_slip(request, pk):
    """The candidate's own result slip (or, for the staff of the competition's scope, any
    candidate's), once the results are published; 404 before, and for a candidacy not in the
    published list."""
    # The candidacies through which the slip is read (kinds.readers, the register's rule too).
    candidate = get_object_or_404(kinds.readers(publication.RESULT_SLIP).rows(request.user).select_related(
        "competition__faculty", "person"), pk=pk)
    try:
        document = publication.issue_result_slip(candidate, document_language(request), request.user)
    except publication.SlipUnavailable:
        raise Http404 from None
    return issued_pdf_response(document, inline=True)
