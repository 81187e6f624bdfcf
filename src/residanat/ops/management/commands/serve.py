"""`residanat serve`: the production server (issue 22 item 1)."""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def default_workers():
    # Gunicorn's advice, 2 x cores + 1, capped: each worker holds a whole Django in memory.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(2 * cores + 1, 12)


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn (residanat.wsgi:application) after collectstatic; WhiteNoise "
        "serves the static files. SIGHUP reloads the code and restarts the workers one by one, "
        "SIGTERM stops gracefully. Other gunicorn settings through GUNICORN_CMD_ARGS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", action="append", help="address:port or unix:path, repeatable (default 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=default_workers(), help="worker processes (default: 2 x cores + 1, at most 12)")
        # Long work still runs inside the request (a merit list PDF of 400 rows takes 8 to 13 s)
        # until the background worker takes it; past this, gunicorn kills the worker.
        parser.add_argument("--timeout", type=int, default=120, help="seconds a request may take (default 120)")
        parser.add_argument("--no-collectstatic", action="store_true", help="the static files were collected already")

    def handle(self, *args, bind, workers, timeout, no_collectstatic, **options):
        if settings.DEBUG:
            raise CommandError("`serve` is the production server: unset DEBUG (`make demo` runs the development server).")
        if workers < 1:
            raise CommandError("--workers must be 1 or more.")
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable, "-m", "gunicorn", "residanat.wsgi:application",
            "--name", "residanat",
            "--workers", str(workers),
            "--timeout", str(timeout),
            "--graceful-timeout", "30",
            # Errors and the arbiter's news on stderr; the line per request is the application's own,
            # on stdout (residanat.ops.logs), which knows the user and the time taken.
            "--error-logfile", "-",
            # Gunicorn's control socket is one path per user: two servers on one machine would
            # take each other's; signals do what we need.
            "--no-control-socket",
        ]
        for address in bind or ["127.0.0.1:8000"]:
            argv += ["--bind", address]
        connections.close_all()
        sys.stdout.flush()
        sys.stderr.flush()
        # Gunicorn replaces this process: its arbiter gets the service manager's signals, and its
        # workers import the application afresh, so that SIGHUP picks up new code.
        os.execv(sys.executable, argv)
