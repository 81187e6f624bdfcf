"""Staff roles must pass a TOTP check before anything else (issue: foundation, 2FA)."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# What an authenticated staff user may reach before the TOTP check.
OPEN_URL_NAMES = {
    "accounts:otp",
    "accounts:enrol",
    "accounts:logout",
    "set_language",
    "documents:verify",
    # The public board of a live choice session (seats only, no names).
    "choice:board",
    "choice:board-fragment",
    # The health URL (residanat.ops.health): no personal data.
    "health",
}


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not settings.RESIDANAT_STAFF_2FA_REQUIRED or user is None or not user.is_authenticated:
            return None
        if not user.is_staff_role or user.is_verified():
            return None
        match = request.resolver_match
        name = f"{match.namespace}:{match.url_name}" if match and match.namespace else (match.url_name if match else "")
        if name in OPEN_URL_NAMES:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Vérification en deux étapes requise.")}, status=403)
        return redirect(f"{reverse('accounts:otp')}?next={request.get_full_path()}")
