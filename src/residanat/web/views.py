import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from residanat.payroll.inputs import parameter_table

from .dashboard import build_sections, trainee_context


def home(request):
    if not request.user.is_authenticated:
        return render(request, "web/landing.html")
    return render(
        request,
        "web/dashboard.html",
        {"sections": build_sections(request.user), "trainee": trainee_context(request.user)},
    )


@login_required
def rules(request):
    """The regulation parameters in force on a date, with their article (HTMX updates the table); the
    amounts as the payroll pays them, rate orders included."""
    error = None
    on = timezone.localdate()
    raw = request.GET.get("on")
    if raw:
        try:
            on = dt.date.fromisoformat(raw)
        except ValueError:
            error = _("Date invalide : utilisez le format AAAA-MM-JJ.")
    parameters = parameter_table().in_force(on)
    template = "web/rules_table.html" if request.htmx else "web/rules.html"
    return render(request, template, {"on": on, "parameters": parameters, "error": error})
