"""Benchmark of the long list pages (issue 25 item 3): the merit list (614 rows in the demo), the
laureates and a round (362), the candidates and the persons, each a page of 50 rows, in French and
in Arabic, with a search (number, Latin name, Arabic name) and a sort.

Runs on the demo data: a database already loaded (`--database-url`, e.g. the one `make demo`
uses), or a fresh SQLite file in a temporary directory that the script migrates and fills with
`load_demo` (about 4 minutes). Every page is requested through Django's test client as the dean
of Casablanca (scoped like a real user), `--repeat` times, the median kept. The reference, timed
in the same process: the same page with every row on it (the listing's page size raised to
100,000, which is what these pages showed before), and the framework's floor (the account page).
Prints a Markdown table; the target is a page under 300 ms.

    .venv/bin/python benchmarks/list_pages_bench.py --database-url sqlite:////tmp/residanat-demo.db
    .venv/bin/python benchmarks/list_pages_bench.py                  # builds its own demo database
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(database_url: str | None) -> bool:
    """Django on the demo database; True when the script must load the demo itself."""
    fresh = database_url is None
    if fresh:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='residanat-lists-')}/demo.db"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("HTTPS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residanat.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    return fresh


def client_for(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def timed(client, url: str, repeat: int) -> tuple[float, int]:
    """(median milliseconds, body rows of the largest table) of `repeat` GETs of `url`."""
    sys.path.insert(0, str(ROOT))
    from tests.web.long_lists import table_rows

    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        rows = max(table_rows(response.content.decode()), default=0)
    return statistics.median(times), rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database with the demo loaded (default: build one)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--user", default="doyen.casablanca")
    args = parser.parse_args()
    if setup(args.database_url):
        from django.core.management import call_command

        print("Building the demo database (migrate, load_demo)…", file=sys.stderr)
        call_command("migrate", verbosity=0)
        call_command("load_demo", stdout=open(os.devnull, "w"))

    from residanat.choice.models import Chooser
    from residanat.common import listing
    from residanat.concours.models import MeritEntry

    entry = MeritEntry.objects.select_related("merit_list__competition", "candidate__person").order_by("-pk").first()
    slug = entry.merit_list.competition.slug
    chooser = Chooser.objects.filter(session__competition__slug=slug).select_related("candidate__person").first()
    person = chooser.candidate.person if chooser else entry.candidate.person
    number = chooser.candidate.number if chooser else entry.candidate.number
    pages = [
        ("merit list", f"/concours/{slug}/classement/"),
        ("merit list, by name", f"/concours/{slug}/classement/?sort=name"),
        ("merit list, number", f"/concours/{slug}/classement/?q={number}"),
        ("merit list, Latin name", f"/concours/{slug}/classement/?q={person.last_name}"),
        ("merit list, Arabic name", f"/concours/{slug}/classement/?q={person.last_name_ar}"),
        ("laureates", f"/choix/{slug}/laureats/"),
        ("round 1", f"/choix/{slug}/tours/1/"),
        ("candidates", f"/concours/{slug}/candidats/"),
        ("persons", "/personnes/"),
    ]
    client = client_for(args.user)
    client.get("/compte/")  # warm-up: templates, translations, connections
    print(f"Demo data: merit list of {slug}, {MeritEntry.objects.filter(merit_list=entry.merit_list).count()} rows; "
          f"as {args.user}; median of {args.repeat}.\n")
    print("| page | lang | rows shown | ms (50 a page) | ms (every row, reference) | floor ms (/compte/) |")
    print("|---|---|---:|---:|---:|---:|")
    for language, prefix in (("fr", ""), ("ar", "/ar")):
        floor, _ = timed(client, f"{prefix}/compte/", args.repeat)
        for name, url in pages:
            paged, shown = timed(client, prefix + url, args.repeat)
            listing.PAGE_SIZE = 100_000
            try:
                everything, all_rows = timed(client, prefix + url, max(1, args.repeat // 2))
            finally:
                listing.PAGE_SIZE = 50
            print(f"| {name} | {language} | {shown} | {paged:.0f} | {everything:.0f} ({all_rows} rows) | {floor:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
