"""The enrolment code: typed by the staff member before their first authenticator, given by an
administrator (issue 20 item 8; the rules are in accounts/enrolment.py)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from residanat.common.actions import perform

from . import enrolment
from .forms import EnrolmentCodeForm
from .views import _safe_next


@login_required
def enrol(request):
    """A staff member with no authenticator types the code their administrator gave them."""
    user = request.user
    following = _safe_next(request, "")
    otp_url = reverse("accounts:otp") + (f"?{urlencode({'next': following})}" if following else "")
    if not enrolment.needs_enrolment_code(user) or enrolment.enrolment_granted(request):
        return redirect(otp_url)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if enrolment.do_redeem_enrolment_code(user, form.cleaned_data["code"]):
            enrolment.grant_enrolment(request)
            return redirect(otp_url)
        form.add_error("code", _("Ce code n'est pas valable : il est erroné, expiré, déjà utilisé ou a été "
                                 "essayé trop de fois. Demandez un nouveau code à votre administrateur."))
    return render(request, "accounts/enrol.html", {"form": form, "next": following})


@login_required
def enrolment_codes(request):
    """An administrator gives a staff account its one-time code; the code is shown once, here."""
    if not enrolment.may_issue_enrolment_codes(request.user):
        raise PermissionDenied
    issued = error = None
    if request.method == "POST":
        target = get_object_or_404(enrolment.accounts_awaiting_enrolment(request.user), pk=request.POST.get("user"))
        # The page shows the refusal itself, above the accounts.
        given = perform(request, enrolment.do_issue_enrolment_code, target, by=request.user, quiet=True)
        if given:
            raw, code = given.result
            issued = {"user": target, "code": raw, "expires_at": code.expires_at}
        else:
            error = given.reason
    accounts = [(account, enrolment.code_state(getattr(account, "enrolment_code", None)))
                for account in enrolment.accounts_awaiting_enrolment(request.user)]
    return render(request, "accounts/enrolment_codes.html",
                  {"accounts": accounts, "issued": issued, "error": error,
                   "code_hours": settings.RESIDANAT_ENROLMENT_CODE_HOURS})
