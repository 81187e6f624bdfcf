"""A campaign's figures as a workbook and a PDF report (fr/ar), and the public communiqué
generated from them."""

from __future__ import annotations

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.accounts.roles import STAFF_ROLES
from residanat.documents import kinds
from residanat.documents.excel import Sheet
from residanat.documents.export_jobs import export_kind
from residanat.documents.models import IssuedDocument
from residanat.documents.pdf import issue_public, render_pdf_bytes
from residanat.documents.readers import Readers

from . import reports
from .services import reads_campaigns
from .models import Campaign

# Figures of posts, not personal: every staff role reads the tables (views._staff_campaign), and
# anyone the published communiqué (views.communique_pdf).
REPORT = kinds.register("deployment_report", gettext_lazy("Affectation des médecins spécialistes : tableaux"),
                        readers=Readers(STAFF_ROLES, unscoped=True))
COMMUNIQUE = kinds.register("deployment_communique", gettext_lazy("Communiqué : affectation des médecins spécialistes"),
                            readers=Readers(STAFF_ROLES, unscoped=True, public=True))
STATE_LABELS = {"filled": gettext_lazy("pourvu"), "partly": gettext_lazy("pourvu en partie"),
                "unfilled": gettext_lazy("non pourvu"), "pending": gettext_lazy("répartition à faire")}


def _name(row, prefix):
    return row[f"{prefix}__name_ar"] if translation.get_language().startswith("ar") else row[f"{prefix}__name_fr"]


def tables(campaign: Campaign, language: str) -> dict:
    """Every table of the report, as (headers, rows), in `language`."""
    with translation.override(language):
        rec = reports.reconciliation(campaign)
        regions = reports.by_region(campaign)
        return {
            "regions": ([_("Région"), _("Postes"), _("Délégations"), _("Année précédente"), _("Évolution (%)")],
                        [[r["region"].name, r["seats"], r["delegations"], r["before"],
                          None if r["growth"] is None else round(r["growth"])] for r in regions]),
            "provinces": ([_("Province ou préfecture"), _("Postes")],
                          [[_name(r, "establishment__province"), r["seats"]] for r in reports.grouped(
                              campaign, "establishment__province__name_fr", "establishment__province__name_ar")]),
            "specialties": ([_("Spécialité"), _("Postes")],
                            [[_name(r, "specialty"), r["seats"]] for r in reports.grouped(
                                campaign, "specialty__name_fr", "specialty__name_ar")]),
            "purposes": ([_("Motif"), _("Postes")], [[label, seats] for _c, label, seats in rec.by_purpose]),
            "cohorts": ([_("Promotion"), _("Postes")], [[cohort, seats] for cohort, seats in reports.by_cohort(campaign)]),
            "reconciliation": ([_("Contrôle"), _("Postes")], [
                [_("Total annoncé"), rec.announced], [_("Total des postes"), rec.total],
                [_("Postes avec un motif"), rec.explained], [_("Postes sans motif (non expliqués)"), rec.unexplained],
                [_("Écart avec le total annoncé"), rec.difference_with_announced]]),
            "missing": ([_("Province ou préfecture"), _("Spécialité"), _("Postes ouverts"), _("Postes pourvus"), _("État")],
                        [[_name(r, "establishment__province"), _name(r, "specialty"), r["seats"], r["taken"],
                          str(STATE_LABELS[r["state"]])] for r in reports.missing_specialties(campaign)]),
        }


SHEET_TITLES = {"regions": gettext_lazy("Par région"), "provinces": gettext_lazy("Par province"),
                "specialties": gettext_lazy("Par spécialité"), "purposes": gettext_lazy("Par motif"),
                "cohorts": gettext_lazy("Par promotion"), "reconciliation": gettext_lazy("Rapprochement"),
                "missing": gettext_lazy("Spécialités manquantes")}


def workbook(campaign_id: int, user, language: str):
    campaign = Campaign.objects.get(pk=campaign_id)
    with translation.override(language):
        sheets = [Sheet(str(SHEET_TITLES[key]), headers, rows, language=language)
                  for key, (headers, rows) in tables(campaign, language).items()]
    return f"affectation-specialistes-{campaign.year}-{language}.xlsx", sheets


REPORT_EXPORT = "deployment.report_xlsx"
export_kind(REPORT_EXPORT, build=workbook, readers=lambda user, campaign_id: reads_campaigns(user),
            label=lambda campaign_id: f"{kinds.label(REPORT)} (Excel) — "
                                      f"{Campaign.objects.values_list('year', flat=True).get(pk=campaign_id)}")


def report_pdf(campaign: Campaign, language: str) -> bytes:
    with translation.override(language):
        facts = {"year": campaign.year, "tables": [(str(SHEET_TITLES[k]), h, r) for k, (h, r) in tables(campaign, language).items()],
                 "equation": reports.reconciliation(campaign).equation}
        title = f"{kinds.label(REPORT)} — {campaign.year}"
    return render_pdf_bytes(template="documents/deployment_report.html", facts=facts, kind=REPORT, title=title,
                            language=language)


def communique_text(campaign: Campaign) -> list[str]:
    """The communiqué's paragraphs in the active language, every figure counted from the posts."""
    f = reports.communique_facts(campaign)
    paragraphs = []
    if f["growth"] is not None:
        paragraphs.append(_("Cette année, le ministère a ouvert un total de %(total)s postes de médecins spécialistes, "
                            "soit une augmentation de %(growth)s %% par rapport à l'année précédente (%(before)s postes).")
                          % {"total": f["total"], "growth": round(f["growth"]), "before": f["before"]})
    else:
        paragraphs.append(_("Cette année, le ministère a ouvert un total de %(total)s postes de médecins spécialistes.")
                          % {"total": f["total"]})
    if f["cohorts"]:
        parts = [_("%(seats)s à la promotion %(cohort)s") % {"seats": s, "cohort": c} for c, s in f["cohorts"]]
        paragraphs.append(_("Parmi ces postes : %(parts)s.") % {"parts": ", ".join(parts)})
    if f["first_region"]:
        paragraphs.append(_("La région %(region)s est la plus bénéficiaire, avec %(seats)s postes ; %(delegations)s "
                            "délégations du ministère sont dotées de médecins spécialistes.")
                          % {"region": f["first_region"], "seats": f["first_region_seats"], "delegations": f["delegations"]})
    for label, seats, share in f["purposes"]:
        paragraphs.append(_("%(label)s : %(seats)s postes (%(share)s %% du total).") % {"label": capfirst(label), "seats": seats, "share": share})
    # The posts without a stated purpose are the staff's reconciliation (the campaign's dashboard),
    # not a public statement.
    places, others = f["missing_places"]
    if places and others:
        paragraphs.append(_("Spécialités manquantes ciblées principalement à : %(places)s, et dans %(others)s autres "
                            "provinces.") % {"places": ", ".join(places), "others": others})
    elif places:
        paragraphs.append(_("Spécialités manquantes ciblées à : %(places)s.") % {"places": ", ".join(places)})
    return paragraphs


def communique_pdf(campaign: Campaign, language: str, by=None) -> IssuedDocument:
    """The communiqué as a numbered document of the register (number, issue date, fingerprint, QR
    code to /documents/verifier/): the same figures give back the same document."""
    with translation.override(language):
        facts = {"year": campaign.year, "paragraphs": communique_text(campaign)}
        title = f"{kinds.label(COMMUNIQUE)} — {campaign.year}"
    return issue_public(template="documents/deployment_communique.html", facts=facts, kind=COMMUNIQUE,
                        title=title, language=language, by=by)
