from django.conf import settings

from residanat.accounts.scopes import roles_of


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "user_roles": roles_of(user) if user is not None else set(),
        "available_languages": settings.LANGUAGES,
    }
