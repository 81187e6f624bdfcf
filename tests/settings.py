"""Test settings: the production settings with plain HTTP, fast hashing, and media in a temp dir."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="residanat-media-"))

from residanat.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not the shared in-memory database: threads racing for a seat (tests/choice) need
    # SQLite's real locking (IMMEDIATE transactions wait on the busy timeout; the shared cache of
    # an in-memory database fails at once with "table is locked").
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.mkdtemp(prefix="residanat-db-"), "test.sqlite3")}  # noqa: F405

# No collectstatic in the tests: WhiteNoise looks for STATIC_ROOT at each request instead of
# warning at start that it is missing (tests/ops/test_serve.py runs the real production storage).
WHITENOISE_AUTOREFRESH = True
# The line per request stays out of the tests' output; tests/ops/test_logs.py turns it on.
LOGGING["loggers"]["residanat.requests"]["level"] = "WARNING"  # noqa: F405
