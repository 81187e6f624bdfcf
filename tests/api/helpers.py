from django.test import Client

from residanat.accounts.models import ApiToken


def token_client(user):
    """A client that authenticates with a fresh bearer token for `user` (no session)."""
    _, raw = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})
