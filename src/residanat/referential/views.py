from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Establishment, Faculty, HospitalCentre, Region, Specialty, UnderstaffedListing

TABS = [
    ("regions", _("Régions et provinces")),
    ("faculties", _("Facultés")),
    ("centres", _("Centres hospitaliers")),
    ("establishments", _("Établissements")),
    ("specialties", _("Spécialités")),
    ("understaffed", _("Établissements déficitaires")),
]


def _tab_context(tab):
    today = timezone.localdate()
    if tab == "faculties":
        return {"faculties": Faculty.objects.select_related("province__region")}
    if tab == "centres":
        return {"centres": HospitalCentre.objects.prefetch_related("faculties").annotate(n=Count("establishments"))}
    if tab == "establishments":
        return {"establishments": Establishment.objects.select_related("province__region", "hospital_centre")}
    if tab == "specialties":
        return {"specialties": [(s, s.residency_years(today)) for s in Specialty.objects.all()]}
    if tab == "understaffed":
        return {"listings": UnderstaffedListing.objects.in_force(today).select_related("establishment__province")}
    return {"regions": Region.objects.prefetch_related("provinces")}


@login_required
def index(request):
    """Institutional data, readable by every signed-in user; changed only through the admin."""
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(TABS) else "regions"
    context = {"tab": tab, "tabs": TABS, "today": timezone.localdate(), **_tab_context(tab)}
    template = "referential/tab.html" if request.htmx else "referential/index.html"
    return render(request, template, context)
