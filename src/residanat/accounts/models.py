import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .roles import REQUIRED_SCOPE_FIELD, SCOPE_FIELD, STAFF_ROLES, Role, Scope


class User(AbstractUser):
    language = models.CharField(
        _("langue"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def active_roles(self, on: dt.date | None = None):
        cache = getattr(self, "_active_roles", None)
        if cache is None or on is not None:
            roles = list(
                RoleAssignment.objects.active(on).filter(user=self).select_related(
                    "faculty", "hospital_centre", "service__establishment"
                )
            )
            if on is not None:
                return roles
            self._active_roles = cache = roles
        return cache

    def has_role(self, *roles) -> bool:
        return any(a.role in roles for a in self.active_roles())

    @property
    def is_staff_role(self) -> bool:
        """Whoever holds a staff role (everything but trainee) must pass a TOTP check."""
        return self.is_superuser or any(a.role in STAFF_ROLES for a in self.active_roles())


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


class RoleAssignment(models.Model):
    """A user holds a role within a scope for a period; one user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    faculty = models.ForeignKey(
        "referential.Faculty", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("faculté")
    )
    hospital_centre = models.ForeignKey(
        "referential.HospitalCentre", on_delete=models.PROTECT, null=True, blank=True,
        verbose_name=_("centre hospitalier"),
    )
    service = models.ForeignKey(
        "referential.HospitalService", on_delete=models.PROTECT, null=True, blank=True,
        verbose_name=_("service"),
    )
    valid_from = models.DateField(_("du"), default=dt.date.today)
    valid_to = models.DateField(_("au"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attribution de rôle")
        verbose_name_plural = _("attributions de rôles")
        constraints = [
            # Each scoped role names its unit, and no role names a unit it does not use.
            models.CheckConstraint(
                name="role_scope_fields_match_role",
                condition=(
                    Q(role=Role.DEAN_OFFICE, faculty__isnull=False, hospital_centre__isnull=True, service__isnull=True)
                    | Q(role__in=[Role.HOSPITAL_DIRECTOR_OFFICE, Role.COMMITTEE_MEMBER],
                        hospital_centre__isnull=False, faculty__isnull=True, service__isnull=True)
                    | Q(role=Role.HEAD_OF_SERVICE, service__isnull=False, faculty__isnull=True,
                        hospital_centre__isnull=True)
                    | Q(role=Role.PAYROLL_OFFICER, faculty__isnull=True, service__isnull=True)
                    | Q(role__in=[Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.TRAINEE],
                        faculty__isnull=True, hospital_centre__isnull=True, service__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="role_range_ordered",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self):
        unit = self.scope_unit
        return f"{self.get_role_display()}" + (f" — {unit}" if unit else "")

    @property
    def scope(self) -> Scope:
        if self.role == Role.TRAINEE:
            return Scope.SELF
        field = SCOPE_FIELD[Role(self.role)]
        if field is None or getattr(self, f"{field}_id") is None:
            return Scope.NATIONAL
        return {"faculty": Scope.FACULTY, "hospital_centre": Scope.HOSPITAL, "service": Scope.SERVICE}[field]

    def get_scope_display(self) -> str:
        return self.scope.label

    @property
    def scope_unit_label(self) -> str:
        unit = self.scope_unit
        if unit is None:
            return ""
        if self.service_id:
            return f"{unit} — {self.service.establishment}"
        return str(unit)

    @property
    def scope_unit(self):
        field = SCOPE_FIELD[Role(self.role)]
        return getattr(self, field) if field else None

    @classmethod
    def required_scope_field(cls, role) -> str | None:
        return REQUIRED_SCOPE_FIELD.get(Role(role))


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, raw: str):
        token = (
            self.select_related("user")
            .filter(key_hash=ApiToken.hash(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if token is None or not token.user.is_active:
            return None
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Every token expires (settings.API_TOKEN_LIFETIME_DAYS by default): a forgotten one stops working.
    expires_at = models.DateTimeField(_("expire le"))
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @staticmethod
    def default_expiry() -> dt.datetime:
        return timezone.now() + dt.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)

    @classmethod
    def issue(cls, user, name, expires_at=None) -> tuple["ApiToken", str]:
        raw = "rsd_" + secrets.token_urlsafe(32)
        expires_at = expires_at or cls.default_expiry()
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:8], key_hash=cls.hash(raw), expires_at=expires_at
        )
        return token, raw


class EnrolmentCode(models.Model):
    """The one-time code an administrator gives a staff account for its first authenticator.

    One per account (a new code replaces the old); only its keyed hash is stored; it dies when used,
    when it expires, or after a few wrong tries (accounts/enrolment.py).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="enrolment_code",
                                verbose_name=_("utilisateur"))
    code_hash = models.CharField(max_length=64, editable=False)
    issued_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("donné par"))
    issued_at = models.DateTimeField(_("donné le"))
    expires_at = models.DateTimeField(_("expire le"))
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("essais erronés"), default=0)

    class Meta:
        verbose_name = _("code d'enrôlement")
        verbose_name_plural = _("codes d'enrôlement")

    def __str__(self):
        return f"{self.user} ({self.issued_at:%Y-%m-%d})"
