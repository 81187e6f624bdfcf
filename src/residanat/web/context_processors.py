from django.conf import settings

from residanat.accounts.roles import Role
from residanat.accounts.scopes import roles_of
from residanat.payroll.authority import reads_payroll


def navigation(request):
    user = getattr(request, "user", None)
    roles = roles_of(user) if user is not None else set()
    staff = bool(roles - {Role.TRAINEE}) or bool(user and user.is_superuser)
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    return {
        "user_roles": roles,
        "nav": {"people": staff, "my_file": person,
                "payroll": bool(user is not None and reads_payroll(user))},
        "available_languages": settings.LANGUAGES,
    }
