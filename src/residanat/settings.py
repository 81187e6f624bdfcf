"""Settings, read from the environment so that one build serves demo, tests and production.

DATABASE_URL   default: SQLite file var/residanat.sqlite3 (WAL, IMMEDIATE transactions)
SECRET_KEY     required when DEBUG is off
DEBUG          "1"/"true" for development
ALLOWED_HOSTS  comma-separated
HTTPS          secure cookies, HSTS and redirect to https (default: on when DEBUG is off)
PUBLIC_URL     the site's public address, printed on documents (e.g. https://residanat.sante.gov.ma)
EMAIL_URL      outgoing mail, e.g. smtp://user:password@smtp.example.ma:587?tls=1 (or EMAIL_HOST...)
LOG_FORMAT     "text" (default) or "json": one JSON object a line
CACHE_URL      a Redis shared by every machine, e.g. redis://cache.internal:6379/0 (default: a table
               of the database)
"""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("RESIDANAT_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("RESIDANAT_VAR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "insecure-development-key-only-for-debug" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A form whose token is missing or outdated gets our 403 page, in its language (issue 25 item 6).
CSRF_FAILURE_VIEW = "residanat.web.errors.csrf_failure"

HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind one reverse proxy: the scheme and the client address are the ones it forwards
# (residanat.ratelimits.client_address); otherwise those headers are the client's and ignored.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# A monitoring probe asks the health URL in plain HTTP from inside (residanat.ops.health).
SECURE_REDIRECT_EXEMPT = [r"^sante/$", r"^health/$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "csp",
    "simple_history",
    "axes",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rules.apps.AutodiscoverRulesConfig",
    "residanat.accounts",
    "residanat.referential",
    "residanat.people",
    "residanat.concours",
    "residanat.choice",
    "residanat.careers",
    "residanat.payroll",
    "residanat.discipline",
    "residanat.deployment",
    "residanat.documents",
    "residanat.web",
    "residanat.api",
    "residanat.ops",
    "django_tasks",
    "django_tasks_db",
]

# Background jobs (issue 22 item 2): Django's tasks API, queued in the database (SQLite or
# PostgreSQL, nothing else to run) and run by `residanat worker` (residanat.ops.jobs).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    # Outermost, so that its line covers redirects, static files and errors alike, with their time.
    "residanat.ops.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files, before anything that would read a session or mark the answer private.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # First after security, so that every answer below them, the 413 included, carries them.
    "residanat.web.middleware.ContentSecurityPolicyMiddleware",
    "residanat.web.middleware.PrivateCacheMiddleware",
    "residanat.web.middleware.RequestSizeLimitMiddleware",
    # The public board's poll (1,000 screens every 2 s): answered from the shared cache before the
    # session, CSRF and authentication middleware, which it does not need (issue 23 item 3).
    "residanat.choice.board.BoardPollMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "residanat.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "residanat.urls"
WSGI_APPLICATION = "residanat.wsgi.application"
# Forms render their errors at their top and beside each field (templates/forms/form.html).
FORM_RENDERER = "residanat.common.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "residanat.web.context_processors.navigation",
            ],
            # `money` and `ltr` in every template, pages and PDFs alike (residanat/formats).
            "builtins": ["residanat.formats.filters"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'residanat.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing
    # half-way with "database is locked"; WAL lets readers go on during a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: 5 failed logins for the same account from the same address lock it for one hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# The same client address as the limits below, so that a proxy does not lock everyone at once.
AXES_CLIENT_IP_CALLABLE = "residanat.ratelimits.client_address"

# The cache holds the counters of the limits (decision 0022) and the worker's heartbeat
# (residanat.ops.heartbeat): every server process, on every machine, must read the same values.
# CACHE_URL (redis://host:6379/0) puts it in Redis through Django's own backend, whose incr is
# Redis's INCRBY, atomic. Without it, a table of the database (residanat/cache.py; `migrate`
# creates it), not the local memory of each process: that would count the limits once per
# process and show the worker as absent to every process but its own.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    if urlsplit(CACHE_URL).scheme not in ("redis", "rediss", "unix"):
        raise RuntimeError(f"CACHE_URL must be a redis://, rediss:// or unix:// address, not {CACHE_URL!r}")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "residanat.cache.DatabaseCache",
            "LOCATION": "residanat_cache",
            # Counters of many addresses must not be culled by the default 300 entries.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# Public endpoints limited per client address (decision 0022): "<count>/<period>", period s, m, h,
# d, optionally with a multiplier ("30/10m"). An attempt is a submitted registration form, or a
# verification asked with a number.
def env_rate(name, default):
    # A mistyped rate fails at start, not as a 500 on the first registration.
    value = os.environ.get(name) or default
    if not re.fullmatch(r"[0-9]+/[0-9]*[smhd]", value):
        raise RuntimeError(f"{name} must read <count>/<period> (e.g. 20/h, 30/10m), not {value!r}")
    return value


RESIDANAT_REGISTRATION_RATE = env_rate("REGISTRATION_RATE", "20/h")
RESIDANAT_VERIFICATION_RATE = env_rate("VERIFICATION_RATE", "60/h")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "residanat.ratelimits.client_address"
# django-ratelimit warns of any cache it does not list; both of ours increment atomically
# (residanat.cache.DatabaseCache.incr, Redis's INCRBY; tests/web/test_rate_limits.py,
# tests/ops/test_shared_cache.py). Its error for the plain
# DatabaseCache and the per-process LocMemCache stays on.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

OTP_TOTP_ISSUER = "residanat"
# Staff roles must pass a TOTP check; trainees may opt in.
RESIDANAT_STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", True)
# A staff account's first authenticator is enrolled only with a one-time code an administrator
# gives (`residanat enrolment_code USERNAME`, /compte/codes-enrolement/); it lives this long.
RESIDANAT_ENROLMENT_CODE_HOURS = int(os.environ.get("ENROLMENT_CODE_HOURS", "72"))
# Every API token expires; a new one lives this many days (shown on /compte/).
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "90"))

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("ar", _("العربية"))]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Day/month/year in both languages: Django's Arabic formats are month first (residanat/formats).
FORMAT_MODULE_PATH = ["residanat.formats"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# Out of development, static files carry their content's hash in their name and a gzip and a
# brotli copy beside them (`collectstatic`, which `residanat serve` runs first); WhiteNoise
# serves them, the hashed ones cached for a year by browsers and proxies.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The public address printed on documents (verification link and QR code).
RESIDANAT_PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
# Issued documents: every PDF is numbered with this prefix and archived under MEDIA_ROOT.
RESIDANAT_DOCUMENT_PREFIX = os.environ.get("DOCUMENT_PREFIX", "RSD")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Competitions (docs/decisions/0006-merit-ties-and-attempts.md).
# Ties on the weighted total are broken by these criteria in turn, unless a competition sets its
# own: "heaviest_test" (higher score in the test of largest weight), "test:<code>", "older",
# "younger". Candidates still equal share the rank; the jury cannot deliberate while such a tie
# straddles the last seat.
RESIDANAT_TIE_BREAK = ["heaviest_test", "older"]
# What counts as one of the attempts capped by D93 art. 8, 21 and RD68 ch. 1: an earlier candidacy
# of the same person to a competition of the same kind where they sat at least one test ("sat"),
# or any earlier candidacy found eligible when registration closed ("eligible").
RESIDANAT_ATTEMPT_COUNTS = os.environ.get("ATTEMPT_COUNTS", "sat")
# Choice of posts: laureates admitted on titles (D93 art. 21 1.a/1.b, no rank) choose before those
# of the tests (True) or after them (False); decision 0011.
CHOICE_TITLES_FIRST = os.environ.get("CHOICE_TITLES_FIRST", "1") == "1"
# Careers (decision 0012): the head of service may evaluate a rotation from this many days before
# its end (D93 art. 17); an intern admitted to residency on titles is warned this many days before
# the doctorate deadline (D93 art. 21 1.a).
CAREERS_VALIDATION_OPENS_DAYS_BEFORE_END = int(os.environ.get("CAREERS_VALIDATION_OPENS_DAYS_BEFORE_END", 30))
CAREERS_DOCTORATE_ALERT_DAYS = int(os.environ.get("CAREERS_DOCTORATE_ALERT_DAYS", 60))
# Documents a candidate uploads: accepted types.
RESIDANAT_UPLOAD_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# The largest file any form accepts (a candidate's document, an import spreadsheet, a PDF to
# verify, a case document): the one size limit of uploads.
RESIDANAT_UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
# The largest request body, refused with 413 from its Content-Length before it is read
# (residanat.web.middleware): the registration to a résidanat by competition sends up to six
# documents, plus its fields (tests/web/test_headers.py checks that the largest form fits).
RESIDANAT_REQUEST_MAX_BYTES = 6 * RESIDANAT_UPLOAD_MAX_BYTES + 1024 * 1024
# Django's own limits: the fields of a form (not its files) kept in memory, and the size above
# which an uploaded file goes to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Content-Security-Policy (django-csp 4; docs/decisions/0023-response-headers.md): scripts, styles,
# fonts and images from this site only, never inline; no plugin, no frame, no other base URL.
# HTMX is served from here and configured not to evaluate code nor inject its styles (base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}



def _truthy(value):
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def mail_settings(environ, debug, var_dir):
    """Django's EMAIL_* settings from the environment (issue 22 item 3).

    EMAIL_URL: smtp://user:password@host:port (plain; ?tls=1 for STARTTLS), smtps://… (TLS from
    the first byte), console:, or file:///a/folder. Otherwise EMAIL_HOST, EMAIL_PORT,
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL one by one. With none of
    them in development, every mail is a file under var/mail/ that a visitor of the demo can read.
    """
    mail = {
        "EMAIL_TIMEOUT": int(environ.get("EMAIL_TIMEOUT") or 30),
        "DEFAULT_FROM_EMAIL": environ.get("DEFAULT_FROM_EMAIL") or "residanat@localhost",
    }
    mail["SERVER_EMAIL"] = mail["DEFAULT_FROM_EMAIL"]
    url = environ.get("EMAIL_URL")
    if url:
        parts = urlsplit(url)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if parts.scheme == "console":
            return mail | {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
        if parts.scheme == "file":
            return mail | {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                           "EMAIL_FILE_PATH": unquote(parts.path)}
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise RuntimeError(f"EMAIL_URL must read smtp://host:port, smtps://…, console: or file:///folder, not {parts.scheme}:…")
        ssl = parts.scheme == "smtps"
        return mail | {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": parts.port or (465 if ssl else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": ssl,
            "EMAIL_USE_TLS": not ssl and _truthy(query.get("tls")),
        }
    if not environ.get("EMAIL_HOST") and debug:
        return mail | {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                       "EMAIL_FILE_PATH": str(var_dir / "mail")}
    return mail | {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": environ.get("EMAIL_HOST") or "localhost",
        "EMAIL_PORT": int(environ.get("EMAIL_PORT") or 25),
        "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": _truthy(environ.get("EMAIL_USE_TLS")),
        "EMAIL_USE_SSL": _truthy(environ.get("EMAIL_USE_SSL")),
    }


# EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# EMAIL_USE_SSL, EMAIL_FILE_PATH, EMAIL_TIMEOUT, DEFAULT_FROM_EMAIL, SERVER_EMAIL.
globals().update(mail_settings(os.environ, DEBUG, VAR_DIR))

# Logs on the standard streams, for the service manager to keep: one line per request on stdout
# (residanat.ops.logs), everything else of WARNING and above on stderr; JSON lines when
# LOG_FORMAT=json, for a log collector.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise RuntimeError(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "residanat.ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "requests": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "stream": "ext://sys.stdout"},
    },
    "loggers": {
        "residanat.requests": {"handlers": ["requests"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
