"""The first authenticator of a staff account is enrolled only with a one-time code from an
administrator (issue 20 item 8; docs/decisions/0025-staff-enrolment-and-token-lifetime.md).

Before, whoever first typed a staff account's password was shown the TOTP secret and enrolled their
own phone: the second factor proved nothing. Now the person must also hold a code that an
administrator gave them by another channel. Trainees are not staff: they still opt in freely.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import EnrolmentCode, RoleAssignment, User
from .roles import Role

# No 0/O nor 1/I: the code is read aloud or copied from paper. 12 symbols of 32 = 60 bits.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
# Wrong codes typed against one code before it dies (the administrator then gives a new one).
MAX_FAILED_ATTEMPTS = 5
# The session of the person who typed a valid code may enrol, and only that one.
SESSION_KEY = "residanat_enrolment_granted"


class EnrolmentRefused(ValidationError):
    """No code for this account: a trainee (enrols freely) or an account that already enrolled.
    A refusal as every service's (common/actions.py `Refusal`), shown the same way."""


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def needs_enrolment_code(user) -> bool:
    """A staff account with no confirmed authenticator: its first one needs an administrator's code."""
    return user.is_staff_role and not has_confirmed_device(user)


def may_issue_enrolment_codes(by) -> bool:
    """Who gives codes: a superuser, the ministry administrator (DRH), or the command line (None)."""
    return by is None or (by.is_active and (by.is_superuser or by.has_role(Role.MINISTRY_ADMIN)))


def may_issue_enrolment_code(by, user) -> bool:
    # A superuser's account is opened only by another superuser or the server's operator.
    if user.is_superuser and by is not None and not by.is_superuser:
        return False
    return may_issue_enrolment_codes(by)


def accounts_awaiting_enrolment(by):
    """The staff accounts without a confirmed authenticator that `by` may give a code to."""
    staff = RoleAssignment.objects.active().exclude(role=Role.TRAINEE).values("user_id")
    accounts = (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(pk__in=staff))
        .exclude(pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id"))
        .select_related("enrolment_code")
        .order_by("username")
    )
    if by is not None and not by.is_superuser:
        accounts = accounts.exclude(is_superuser=True)
    return accounts


def _hash(raw: str) -> str:
    # Keyed with SECRET_KEY: a copy of the database alone does not let one try the 2^60 codes.
    return salted_hmac("residanat.accounts.enrolment-code", normalise(raw), algorithm="sha256").hexdigest()


def normalise(raw: str) -> str:
    """What the person typed, as the code was made: upper case, without spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch not in " -\t")


def _new_code() -> str:
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(symbols[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def code_state(code: EnrolmentCode | None) -> str:
    """none / used / spent (too many wrong tries) / expired / valid."""
    if code is None:
        return "none"
    if code.used_at:
        return "used"
    if code.failed_attempts >= MAX_FAILED_ATTEMPTS:
        return "spent"
    if code.expires_at <= timezone.now():
        return "expired"
    return "valid"


@transaction.atomic
def do_issue_enrolment_code(user: User, by: User | None = None) -> tuple[str, EnrolmentCode]:
    """A new code for `user` (replacing any earlier one); returns it in clear, once."""
    if not may_issue_enrolment_code(by, user):
        raise PermissionDenied(_("Seul un administrateur donne un code d'enrôlement."))
    if not user.is_staff_role:
        raise EnrolmentRefused(_("Ce compte n'a pas de rôle du personnel : il active la vérification lui-même."))
    if has_confirmed_device(user):
        raise EnrolmentRefused(
            _("Ce compte a déjà une application d'authentification : supprimez-la d'abord (administration).")
        )
    raw = _new_code()
    now = timezone.now()
    code, _created = EnrolmentCode.objects.update_or_create(
        user=user,
        defaults={
            "code_hash": _hash(raw), "issued_by": by, "issued_at": now, "used_at": None, "failed_attempts": 0,
            "expires_at": now + dt.timedelta(hours=settings.RESIDANAT_ENROLMENT_CODE_HOURS),
        },
    )
    return raw, code


def do_redeem_enrolment_code(user: User, raw: str) -> bool:
    """True, once, for the valid code of `user`; a wrong code counts against the code's tries."""
    with transaction.atomic():
        code = EnrolmentCode.objects.select_for_update().filter(user=user).first()
        if code_state(code) != "valid":
            return False
        if not constant_time_compare(code.code_hash, _hash(raw)):
            code.failed_attempts += 1
            code.save(update_fields=["failed_attempts"])
            return False
        code.used_at = timezone.now()
        code.save(update_fields=["used_at"])
    # A device someone set up before (an older secret shown to whoever had the password) is dropped.
    TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
    return True


def grant_enrolment(request) -> None:
    request.session[SESSION_KEY] = request.user.pk


def enrolment_granted(request) -> bool:
    return request.session.get(SESSION_KEY) == request.user.pk


def end_enrolment(request) -> None:
    request.session.pop(SESSION_KEY, None)
