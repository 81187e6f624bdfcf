"""The candidates of a competition as Excel, filtered as on their list (views_candidates.candidates).
A long list is written by the worker (documents.export_jobs), with the rights of the person who asked:
the file is theirs only. The national id and the passport are internal data (law 09-08): only the
staff who may change the competition get them."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from residanat.common.listing import person_fields, search_filter
from residanat.documents.excel import Sheet
from residanat.documents.export_jobs import export_kind

from .eligibility import failures_in
from .models import Candidate, Competition
from .scope import can_change_competition

NATIONALITY_FILTERS = {"ma": Q(person__nationality="MA"), "foreign": ~Q(person__nationality="MA")}
CANDIDATES_EXPORT = "concours.candidates_xlsx"


def filtered_candidates(user, params, competition: Competition):
    """The candidates the user sees, filtered by `params` (the list's query: state, route,
    nationality, q), and the filters as read."""
    candidates = (Candidate.objects.visible_to(user).filter(competition=competition)
                  .select_related("person"))
    filters = {
        "state": params.get("state") or "",
        "route": params.get("route") or "",
        "nationality": params.get("nationality") or "",
        "q": (params.get("q") or "").strip(),
    }
    if filters["state"] in Candidate.State.values:
        candidates = candidates.filter(state=filters["state"])
    if filters["route"] in Candidate.Route.values:
        candidates = candidates.filter(route=filters["route"])
    if filters["nationality"] in NATIONALITY_FILTERS:
        candidates = candidates.filter(NATIONALITY_FILTERS[filters["nationality"]])
    latin, arabic = person_fields("person__")
    candidates = search_filter(candidates, filters["q"], ("number", *latin), arabic)
    return candidates.order_by("number"), filters


def candidates_workbook(competition_id: int, filters: dict, user, language: str):
    competition = Competition.objects.visible_to(user).get(pk=competition_id)
    found, _filters = filtered_candidates(user, filters, competition)
    with_identity = can_change_competition(user, competition)
    headers = [_("N° de candidat"), _("Nom"), _("Prénom"), _("Nom (arabe)"), _("Prénom (arabe)"),
               _("Nationalité")]
    if with_identity:
        headers += [_("CIN"), _("Passeport")]
    headers += [_("Date de naissance"), _("Voie d'accès"), _("Filière"), _("Recevabilité"), _("Participation n°"),
                _("Motifs"), _("Inscription en ligne"), _("Inscrit le")]
    rows = []
    for c in found:
        p = c.person
        row = [c.number, p.last_name, p.first_name, p.last_name_ar, p.first_name_ar, p.nationality]
        if with_identity:
            row += [p.national_id or "", p.passport_number or ""]
        reasons = "; ".join(f"{message} ({ref})" for message, ref in failures_in(c, language))
        row += [p.birth_date, str(c.get_route_display()), str(c.get_track_display()), str(c.get_state_display()),
                c.attempt_number, reasons, _("oui") if c.self_registered else _("non"), c.registered_at]
        rows.append(row)
    return f"candidats-{competition.slug}.xlsx", [Sheet(_("Candidats"), headers, rows, language)]


# The list's page is read by whoever sees the competition (scope.visible_competition).
export_kind(CANDIDATES_EXPORT, build=candidates_workbook, personal=True,
            readers=lambda user, competition_id, filters: Competition.objects.visible_to(user).filter(
                pk=competition_id).exists(),
            label=lambda competition_id, filters: f"{_('Candidats')} (Excel) — {Competition.objects.get(pk=competition_id).slug}")
