"""State changes of accounts: the only way views, commands and tests change them."""

from django.db import transaction
from django.utils import timezone

from .models import ApiToken, RoleAssignment, User
from .roles import Role


def do_set_language(user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def do_issue_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token living settings.API_TOKEN_LIFETIME_DAYS, and its text in clear (shown once)."""
    return ApiToken.issue(user, name)


def do_revoke_api_token(user: User, token_id) -> None:
    ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def do_create_user_with_role(username, password, role, *, email="", first_name="", last_name="",
                             language="fr", **scope) -> User:
    user = User.objects.create_user(
        username=username, password=password, email=email,
        first_name=first_name, last_name=last_name, language=language,
    )
    RoleAssignment.objects.create(user=user, role=Role(role), **scope)
    return user


def do_grant_role(user: User, role: str) -> None:
    """Give `user` the role (without scope: a trainee's own), unless they already hold it."""
    if not RoleAssignment.objects.active().filter(user=user, role=role).exists():
        RoleAssignment.objects.create(user=user, role=Role(role))
        user._active_roles = None  # the roles cached on the user are read again
