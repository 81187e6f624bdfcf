"""Pages of a competition's posts: the distribution with its subtotals and totals, edited one
allocation at a time (HTMX), imported from the ministry's letter or the template after a preview,
the template to download and the annex of the joint order (PDF, fr and ar).

Views stay thin: they find the competition in the user's scope (404 outside it, 403 when only
visible), parse the request and call `services` (`do_save_post_allocation`,
`do_import_posts_file`) and `posts_template` (the table, the template, the annex)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from residanat.common.actions import Refusal, perform
from residanat.common.import_page import ImportFlow, confirm_import, import_page
from residanat.documents.excel import XLSX_CONTENT_TYPE
from residanat.documents.http import document_language, document_response
from residanat.referential.models import Specialty

from .models import Competition, PostAllocation
from .posts_template import (
    POOL,
    SEAT_HEADERS,
    SEAT_SUMMARY,
    SEAT_TYPES,
    Distribution,
    DistributionGroup,
    DistributionRow,
    annex_pdf,
    distribution,
    file_kind,
    posts_template,
    seat_open,
)
from .scope import changeable_competition, visible_competition
from .services import POSTS_EDITABLE_STATES, can_change_posts, do_import_posts_file, do_save_post_allocation

UPLOAD_EXTENSIONS = (".txt", ".tsv", ".csv", ".xlsx")
SEAT_LABELS = dict(PostAllocation.SeatType.choices)


# --- finding the competition ---------------------------------------------------------------------

def _changeable(request, slug) -> Competition:
    """The competition, when the user may change its posts: 404 outside the scope, 403 when only
    visible (the CHU's director among them: see `services.can_change_posts`)."""
    return changeable_competition(request, slug, can_change_posts)


def _specialty(group: str, key: str) -> Specialty | None:
    """The specialty a row key names in a group (None for the group's pool); 404 when unknown."""
    if group not in Specialty.Group.values:
        raise Http404
    if key == POOL:
        return None
    return get_object_or_404(Specialty, group=group, code=key)


def _seat_columns():
    return [(seat_type, SEAT_HEADERS[seat_type]) for seat_type in SEAT_TYPES]


# --- the distribution ----------------------------------------------------------------------------

def _row_choices(competition) -> list[tuple[str, list[tuple[str, str]]]]:
    """The rows the add form offers, by group: every specialty of the faculty's groups and the
    group's pool (value "group:key")."""
    table = distribution(competition, with_referential=True)
    return [(block.label, [(f"{block.group}:{row.key}", str(row.name)) for row in block.rows])
            for block in table.groups]


@login_required
def posts(request, slug):
    """The distribution: per group its specialties and pool, subtotals per seat type, the totals and
    the letter's line of each figure; editors change it while the posts are editable."""
    competition = visible_competition(request, slug)
    can_change = can_change_posts(request.user, competition)
    editable = can_change and competition.state in POSTS_EDITABLE_STATES
    table = distribution(competition)
    return render(request, "concours/posts/posts.html", {
        "competition": competition, "table": table, "columns": _seat_columns(),
        "can_change": can_change, "editable": editable,
        "row_choices": _row_choices(competition) if editable else [],
    })


def _row_context(competition, row: DistributionRow, **extra) -> dict:
    return {"competition": competition, "row": row, "editable": True, "editing": "", "value": "", "error": "",
            **extra}


def _row_of(competition, group, specialty) -> tuple[DistributionRow, Distribution]:
    table = distribution(competition)
    key = specialty.code if specialty else POOL
    row = table.row(group, key) or DistributionRow(group, specialty)
    return row, table


@login_required
def posts_edit(request, slug, group, key, seat_type):
    """One allocation (the seats of one type on one row). GET: the row with that cell as a small
    form (HTMX; `?annuler=1` gives the row back as it is); POST: save it, 0 deletes it; the row
    comes back re-rendered with the group's subtotal and the totals (out of band), or with the
    error in the cell."""
    competition = _changeable(request, slug)
    specialty = _specialty(group, key)
    if seat_type not in SEAT_TYPES:
        raise Http404
    editable = competition.state in POSTS_EDITABLE_STATES
    row, table = _row_of(competition, group, specialty)
    if request.method == "POST":
        value = (request.POST.get("seats") or "").strip()
        saved = perform(request, do_save_post_allocation, competition, request.user, group=group,
                        specialty=specialty, seat_type=seat_type, seats=value, quiet=True)
        if not saved:
            # The refusal is shown in the cell, beside the value typed.
            message = saved.reason
            if request.htmx:
                return render(request, "concours/posts/_row.html", _row_context(
                    competition, row, editable=editable, editing=seat_type if editable else "", value=value,
                    error=message))
            return render(request, "concours/posts/edit.html", {
                "competition": competition, "row": row, "seat_type": seat_type, "seat_label": SEAT_LABELS[seat_type],
                "value": value, "error": message, "editable": editable})
        row, table = _row_of(competition, group, specialty)
        if request.htmx:
            return render(request, "concours/posts/_row_saved.html", {
                **_row_context(competition, row, saved=seat_type),
                "block": table.group(group) or DistributionGroup(group), "table": table})
        messages.success(request, _("Postes enregistrés : %(name)s, %(type)s.")
                         % {"name": row.name, "type": SEAT_LABELS[seat_type]})
        return redirect(reverse("concours:posts", args=[competition.slug]) + f"#group-{group}")
    if not editable:
        if request.htmx:
            return render(request, "concours/posts/_row.html", _row_context(competition, row, editable=False))
        messages.error(request, _("La répartition de ce concours ne se modifie plus."))
        return redirect("concours:posts", slug=competition.slug)
    if request.GET.get("annuler"):
        return render(request, "concours/posts/_row.html", _row_context(competition, row))
    if not seat_open(seat_type, specialty):
        raise Http404
    value = row.seats[seat_type] or ""
    if request.htmx:
        return render(request, "concours/posts/_row.html", _row_context(
            competition, row, editing=seat_type, value=value))
    return render(request, "concours/posts/edit.html", {
        "competition": competition, "row": row, "seat_type": seat_type, "seat_label": SEAT_LABELS[seat_type],
        "value": value, "error": "", "editable": True})


@login_required
@require_POST
def posts_add(request, slug):
    """Posts of one type on a row that has none of that type yet (a specialty, or a group's pool)."""
    competition = _changeable(request, slug)
    group, _sep, key = (request.POST.get("row") or "").partition(":")
    seat_type = request.POST.get("seat_type") or ""

    def add():
        if group not in Specialty.Group.values:
            raise Refusal(_("Choisissez une spécialité."))
        specialty = None if key == POOL else Specialty.objects.filter(group=group, code=key).first()
        if key != POOL and specialty is None:
            raise Refusal(_("Choisissez une spécialité."))
        do_save_post_allocation(competition, request.user, group=group, specialty=specialty, seat_type=seat_type,
                                seats=(request.POST.get("seats") or "").strip(), adding=True)

    if not perform(request, add, success=_("Ligne ajoutée à la répartition.")):
        return redirect(reverse("concours:posts", args=[competition.slug]) + "#add")
    return redirect(reverse("concours:posts", args=[competition.slug]) + f"#group-{group}")


# --- upload: the ministry's letter or the template, preview then confirm -------------------------

class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Fichier"), widget=forms.ClearableFileInput(attrs={
        "accept": ".txt,.tsv,.csv,.xlsx,text/plain,text/csv,"
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))


def _flow(request, competition) -> ImportFlow:
    def run(name, data, params, commit):
        result = do_import_posts_file(competition, name, data, request.user, dry_run=not commit)
        # The letter and the template are shown alike (`preview_of`); the heading says which it was.
        result.kind, result.preview = file_kind(name, data), preview_of(result)
        return result

    editable = competition.state in POSTS_EDITABLE_STATES
    return ImportFlow(
        key=f"posts_import:{competition.pk}", template="concours/posts/upload.html", form=UploadForm, run=run,
        done=lambda result, params: reverse("concours:posts", args=[competition.slug]),
        success=lambda result: _(
            "Répartition importée de « %(name)s » : %(created)s créées, %(updated)s modifiées, %(deleted)s "
            "supprimées, %(unchanged)s inchangées.") % {"name": result.file_name, **result.counts},
        closed="" if editable or request.method == "POST" else _(
            "La répartition ne se modifie qu'à l'état brouillon ou postes validés."),
        extensions=UPLOAD_EXTENSIONS,
        wrong_kind=_("Déposez la lettre du ministère (.txt) ou le modèle rempli (.xlsx ou .csv)."),
        refusals=(ValueError,), page=reverse("concours:posts_upload", args=[competition.slug]), back_on_refusal=True)


def _context(competition) -> dict:
    return {"competition": competition, "editable": competition.state in POSTS_EDITABLE_STATES}


def preview_of(result) -> dict:
    """A letter import (`PostsImport`) or a template import (`PostsTableImport`) as one preview:
    the same keys for both, the seat types without posts left out of the columns."""
    data = result.as_dict()
    seat_keys = SEAT_TYPES
    for block in data["groups"]:
        for key in seat_keys:
            block.setdefault(key, 0)
        block.setdefault("pool", None)
        for line in block["specialties"]:
            for key in seat_keys:
                line.setdefault(key, 0)
            line["total"] = sum(line[key] for key in seat_keys)
    totals = {key: data["totals"].get(key, 0) for key in seat_keys}
    shown = [key for key in seat_keys
             if key in ("contract", "foreign_volunteer") or totals[key]]
    for block in data["groups"]:
        block["cells"] = [block[key] for key in shown]
        block["total"] = sum(block[key] for key in seat_keys)
        for line in block["specialties"]:
            line["cells"] = [line[key] for key in shown]
        if block["pool"]:
            block["pool"]["cells"] = [block["pool"].get(key, 0) for key in shown]
            block["pool"]["total"] = sum(block["pool"].get(key, 0) for key in seat_keys)
    for problem in data["errors"] + data["warnings"]:
        problem.setdefault("column", "")
        problem["row"] = problem["line"]
    data["columns"] = [SEAT_HEADERS[key] for key in shown]
    data["total_cells"] = [totals[key] for key in shown]
    data["total"] = sum(totals.values())
    data["seat_summary"] = [(totals[key], SEAT_SUMMARY[key]) for key in seat_keys if totals[key]]
    return data


@login_required
def posts_upload(request, slug):
    """GET: the upload form. POST: the file checked in full without writing anything, shown as the
    preview (totals, groups, warnings, errors with their line)."""
    competition = _changeable(request, slug)
    return import_page(request, _flow(request, competition), _context(competition))


@login_required
@require_POST
def posts_confirm(request, slug):
    """Write the previewed file, checked again in full, in one transaction."""
    competition = _changeable(request, slug)
    return confirm_import(request, _flow(request, competition), _context(competition))


# --- downloads -----------------------------------------------------------------------------------

@login_required
def posts_template_download(request, slug):
    competition = visible_competition(request, slug)
    return document_response(posts_template(competition), f"postes-{competition.slug}.xlsx", XLSX_CONTENT_TYPE)


@login_required
def posts_annex(request, slug):
    """The annex of the joint order (D93 art. 9–10, 22), `?lang=fr|ar` (default: the page's)."""
    competition = visible_competition(request, slug)
    language = document_language(request)
    return document_response(annex_pdf(competition, language), f"postes-{competition.slug}-{language}.pdf",
                             "application/pdf", inline=True)
