"""What the choice-day benchmarks share (issue 23 items 3 and 4): a throwaway database (a SQLite
file, or a PostgreSQL database created and dropped here) with `make demo`'s data loaded, and the
environment of a production process on it. Loopback only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "choice-day-benchmark-0123456789abcdefghijklmnopqrstuvwxyz"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"


def _pg_admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


TEMPLATE_SQLITE = Path(tempfile.gettempdir()) / "residanat-bench-demo.sqlite3"
TEMPLATE_PG = "residanat_bench_demo"


def _prepared(kind: str, pg_url: str, fresh: bool) -> None:
    """The demo loaded once into a template (a SQLite file, a PostgreSQL database) that each run
    copies: `load_demo` takes minutes. `fresh` loads it again."""
    folder = Path(tempfile.mkdtemp(prefix="residanat-bench-template-"))
    if kind == "sqlite":
        if TEMPLATE_SQLITE.exists() and not fresh:
            return
        TEMPLATE_SQLITE.unlink(missing_ok=True)
        url = f"sqlite:///{folder}/demo.sqlite3"
    else:
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as connection:
            there = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE_PG]).fetchone()
        if there and not fresh:
            return
        _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{TEMPLATE_PG}" WITH (FORCE)')
        _pg_admin(pg_url, f'CREATE DATABASE "{TEMPLATE_PG}"')
        url = urlunsplit(urlsplit(pg_url)._replace(path=f"/{TEMPLATE_PG}"))
    took = load_demo(production_environ(url, folder, LOG_FORMAT="text"))
    print(f"{kind}: demo loaded into the template in {took:.0f} s", flush=True)
    if kind == "sqlite":
        shutil.copyfile(folder / "demo.sqlite3", TEMPLATE_SQLITE)


@contextmanager
def throwaway_database(kind: str, pg_url: str = DEFAULT_PG, fresh: bool = False):
    """A DATABASE_URL of a copy of the demo's database of `kind` ("sqlite" or "postgres"), removed
    afterwards, and a folder for the run's files."""
    if urlsplit(pg_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("benchmarks run on this machine only (loopback)")
    _prepared(kind, pg_url, fresh)
    with tempfile.TemporaryDirectory(prefix="residanat-bench-") as folder:
        if kind == "sqlite":
            shutil.copyfile(TEMPLATE_SQLITE, f"{folder}/bench.sqlite3")
            yield f"sqlite:///{folder}/bench.sqlite3", Path(folder)
            return
        name = f"residanat_bench_{uuid.uuid4().hex[:8]}"
        _pg_admin(pg_url, f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_PG}"')
        try:
            yield urlunsplit(urlsplit(pg_url)._replace(path=f"/{name}")), Path(folder)
        finally:
            _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_environ(database_url: str, folder: Path, **extra) -> dict:
    environ = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    environ.update({
        "DJANGO_SETTINGS_MODULE": "residanat.settings", "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY,
        "HTTPS": "0", "ALLOWED_HOSTS": "127.0.0.1", "RESIDANAT_VAR": str(folder / "var"),
        "STATIC_ROOT": str(folder / "static"), "MEDIA_ROOT": str(folder / "media"), "LOG_FORMAT": "json",
        "STAFF_2FA_REQUIRED": "1",
    })
    environ.update(extra)
    return environ


def residanat(environ: dict, *arguments: str) -> None:
    subprocess.run([sys.executable, "-m", "residanat", *arguments], env=environ, check=True,
                   stdout=subprocess.DEVNULL)


def load_demo(environ: dict) -> float:
    """`migrate` and `load_demo` (as `make demo`), in seconds."""
    start = time.perf_counter()
    residanat(environ, "migrate", "--no-input", "-v", "0")
    residanat(environ, "load_demo")
    return time.perf_counter() - start


def machine_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


class CpuMeter:
    """The machine's CPU use between start and stop, from /proc/stat (all processes)."""

    @staticmethod
    def _read():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields), idle

    def __enter__(self):
        self.start = self._read()
        return self

    def __exit__(self, *exc):
        total, idle = self._read()
        spent = total - self.start[0]
        self.busy = 100.0 * (spent - (idle - self.start[1])) / spent if spent else 0.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]
