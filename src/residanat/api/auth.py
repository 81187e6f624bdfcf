"""Who is calling: a bearer token, or the browser session of the web pages.

The token comes first so that a script sending `Authorization: Bearer …` is never asked for a
CSRF token; the session check (ninja's `django_auth`) enforces CSRF on unsafe methods, as the
pages do. Staff sessions that have not passed the TOTP step are stopped earlier, by
`accounts.middleware.StaffTwoFactorMiddleware`.
"""

from ninja.security import HttpBearer, django_auth

from residanat.accounts.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        # None for an unknown, revoked or expired token, or an inactive user: ninja answers 401.
        return ApiToken.objects.authenticate(token)


API_AUTH = [BearerToken(), django_auth]
