from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from residanat.formats import day_text

from . import enrolment, services
from .forms import LanguageForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        return translate_url(super().get_success_url(), self.request.user.language)

    def form_valid(self, form):
        # A language named by the address (the /ar/ login page, or the /ar/ page asked for) is the
        # person's choice: kept through the password and TOTP steps and saved on the user. On the
        # French page, which has no prefix, the user's saved language applies (issue 18, item 9).
        chosen = get_language_from_path(self.request.path_info) or get_language_from_path(
            self.get_redirect_url() or "")
        if chosen:
            services.do_set_language(form.get_user(), chosen)
        response = super().form_valid(form)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, self.request.user.language, samesite="Lax")
        return response


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def otp(request):
    """Second step for staff: set up a TOTP device the first time, then check a code."""
    user = request.user
    if user.is_verified():
        return redirect(_safe_next(request, "web:home"))
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    setup = device is None
    if setup and user.is_staff_role and not enrolment.enrolment_granted(request):
        # No secret for the password alone: a staff account's first authenticator needs the
        # administrator's one-time code (issue 20 item 8).
        target = reverse("accounts:enrol")
        following = _safe_next(request, "")
        return redirect(f"{target}?{urlencode({'next': following})}" if following else target)
    if setup:
        device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="default", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_is_allowed()[0] and device.verify_token(form.cleaned_data["token"]):
            if setup:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                enrolment.end_enrolment(request)
            otp_login(request, device)
            return redirect(_safe_next(request, "web:home"))
        form.add_error("token", _("Code incorrect ou expiré."))
    context = {"form": form, "setup": setup, "next": _safe_next(request, "")}
    if setup:
        uri = device.config_url
        context["qr_svg"] = segno.make(uri, error="m").svg_inline(scale=4)
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "accounts/otp.html", context)


@require_POST
def set_language(request):
    """Django's language switch, remembered on the user so the next login keeps it."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.do_set_language(request.user, language)
        if isinstance(response, HttpResponseRedirect):
            response = HttpResponseRedirect(translate_url(response.url, language))
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


@login_required
def account(request):
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
    new_token = None
    if request.method == "POST" and request.POST.get("action") == "token":
        name = (request.POST.get("name") or "").strip()[:100] or _("jeton")
        token, new_token = services.do_issue_api_token(request.user, name)
        messages.success(request, _("Jeton créé, valable jusqu'au %(date)s : copiez-le maintenant, il ne sera "
                                    "plus affiché.") % {"date": day_text(timezone.localdate(token.expires_at))})
    elif request.method == "POST" and request.POST.get("action") == "revoke":
        services.do_revoke_api_token(request.user, request.POST.get("token_id"))
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "roles": request.user.active_roles(),
            "tokens": tokens,
            "new_token": new_token,
            "language_form": LanguageForm(initial={"language": request.user.language}),
            "has_device": TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists(),
            "token_lifetime_days": settings.API_TOKEN_LIFETIME_DAYS,
            "may_issue_enrolment_codes": enrolment.may_issue_enrolment_codes(request.user),
        },
    )
