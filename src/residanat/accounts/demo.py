"""Demo accounts: a user per role with the demo password, and a TOTP device for staff.

Every app's demo loader makes the accounts it needs here; web/demo.py (on top) runs the loaders.
"""

import datetime as dt
import hashlib
from base64 import b32encode
from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import RoleAssignment, User
from .roles import Role

DEMO_PASSWORD = "residanat-demo-2026"


@dataclass
class DemoAccount:
    """What the demo command prints for an account: who, which role, where, and the TOTP secret."""

    username: str
    role: str
    scope: str
    totp_secret: str | None


def _totp_key(username: str) -> str:
    # Stable per account so the printed secret survives a reload of the demo.
    return hashlib.sha1(f"residanat-demo-totp-{username}".encode()).hexdigest()


def make_demo_account(username, role, first_name, last_name, language="fr", **scope) -> DemoAccount:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name, "language": language}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if role == "superuser":
        user.is_superuser = user.is_staff = True
        user.save()
    elif not RoleAssignment.objects.filter(user=user, role=role).exists():
        RoleAssignment.objects.create(user=user, role=role, valid_from=dt.date(2025, 1, 1), **scope)
    secret = None
    if role != Role.TRAINEE:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="demo", defaults={"key": _totp_key(username), "confirmed": True}
        )
        secret = b32encode(device.bin_key).decode()
    unit = next(iter(scope.values()), None)
    return DemoAccount(username, str(Role(role).label) if role != "superuser" else "superuser",
                       str(unit) if unit else ("self" if role == Role.TRAINEE else "national"), secret)
