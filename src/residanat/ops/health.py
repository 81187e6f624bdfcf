"""`/sante/` (and `/health/`): is this server able to serve? For a load balancer or a monitoring
probe: no login, no personal data, 503 when the database does not answer."""

import logging
import shutil
import time
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from .heartbeat import worker_state

logger = logging.getLogger(__name__)
VERSION = version("residanat")


def database_state():
    start = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # Which error stays in the server's log: the answer is public.
        logger.exception("health: the database does not answer")
        return {"ok": False, "vendor": connection.vendor}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.perf_counter() - start) * 1000, 1)}


def disk_state(path: Path):
    # VAR_DIR may not exist yet on a fresh install: the disk it will be on.
    while not path.exists() and path != path.parent:
        path = path.parent
    usage = shutil.disk_usage(path)
    return {"free_bytes": usage.free, "total_bytes": usage.total}


@require_safe
def health(request):
    database = database_state()
    try:
        worker = worker_state()
    except DatabaseError:
        # The beat is in the database cache: with the database down it cannot be read.
        logger.exception("health: the worker's heartbeat cannot be read")
        worker = {"status": "unknown", "last_heartbeat": None}
    body = {
        "status": "ok" if database["ok"] else "error",
        "version": VERSION,
        "database": database,
        "worker": worker,
        "disk": disk_state(Path(settings.VAR_DIR)),
    }
    return JsonResponse(body, status=200 if database["ok"] else 503)
