"""Benchmark of the live provisional post (issue 23 items 1 and 5) on SQLite or PostgreSQL.

Builds a fresh database (migrated; SQLite file in a temporary directory by default, or the
PostgreSQL database named by --database-url, which must contain "bench": the script creates and
drops it) with one choice session at national scale: 50,000 laureates, 600 posts, 15 wishes each
(Zipf-like popularity, seats summing to 0.95 × the laureates). Then, with a real `residanat worker`
running beside it, saves lists through the service the page and the API call (`do_save_wishes`) at
a steady rate (100 per second) for a bounded time (60 s by default), and measures for each save the
time until the stored provisional assignment takes it in (the laureate's page and `GET .../me`
then show it): p50, p95, max. Compared with a plain recomputation run in this process before the
load (the engine alone, and the engine with the reading and storing of the result), and printed
with the machine's load. Exit status 1 if a check fails (a saved list not taken in, a stored
placement that differs from the engine's run on the lists in force).

    .venv/bin/python benchmarks/provisional_bench.py                 # 50,000 laureates, 60 s
    .venv/bin/python benchmarks/provisional_bench.py --seconds 20    # shorter load
    .venv/bin/python benchmarks/provisional_bench.py --quick         # 5,000 laureates, 10 s
    .venv/bin/python benchmarks/provisional_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/residanat_bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
# The database helpers of the payroll benchmark: a fresh PostgreSQL database (named "…bench…") or SQLite file.
from payroll_bench import _maintenance, check_name, configure, database_name  # noqa: E402


def populate(laureates: int, posts: int, wishes: int, seed: int = 2326):
    """One deliberated résidanat, its session created by the service (posts, call order, log),
    wishes open, and a first list for every laureate written in bulk."""
    from django.utils import timezone

    from residanat.accounts.models import RoleAssignment, User
    from residanat.accounts.roles import Role
    from residanat.choice.models import Chooser, Post, WishList
    from residanat.choice.sessions import do_create_session, do_open_wishes
    from residanat.concours.models import Candidate, Competition, MeritEntry, MeritList, PostAllocation
    from residanat.people.models import Person
    from residanat.referential.loader import load_referential
    from residanat.referential.models import HospitalCentre, Specialty

    rng = random.Random(seed)
    load_referential()
    centre = HospitalCentre.objects.order_by("code").first()
    faculty = centre.faculties.order_by("code").first()
    dean = User.objects.create(username="bench.doyen", first_name="Bench", last_name="Doyen")
    RoleAssignment.objects.create(user=dean, role=Role.DEAN_OFFICE, faculty=faculty, valid_from=dt.date(2025, 1, 1))
    competition = Competition.objects.create(kind=Competition.Kind.RESIDANAT, year=2026, slug="residanat-2026-bench",
                                             faculty=faculty, hospital_centre=centre,
                                             state=Competition.State.DELIBERATED)
    specialties = Specialty.objects.bulk_create(
        Specialty(code=f"bench-{k:03d}", name_fr=f"Spécialité {k}", name_ar=f"تخصص {k}", group="medical",
                  track="medicine", duration_class=Specialty.Duration.STANDARD) for k in range(posts))
    # Popularity of post k in 1/k^0.9; seats in proportion to its square root, summing to 0.95 × laureates.
    popularity = [1 / (k + 1) ** 0.9 for k in range(posts)]
    roots = [p ** 0.5 for p in popularity]
    seats = [max(1, round(0.95 * laureates * r / sum(roots))) for r in roots]
    PostAllocation.objects.bulk_create(
        PostAllocation(competition=competition, seat_type="contract", group="medical", track="medicine",
                       specialty=s, seats=n) for s, n in zip(specialties, seats))
    merit = MeritList.objects.create(competition=competition, version=1, created_by=dean, locked_by=dean,
                                     locked_at=timezone.now())
    people = Person.objects.bulk_create(
        (Person(national_id=f"BP{i:07d}", last_name=f"Nom{i}", first_name=f"Prénom{i}") for i in range(laureates)),
        batch_size=5000)
    candidates = Candidate.objects.bulk_create(
        (Candidate(competition=competition, person=p, number=f"B{i:06d}", track="medicine",
                   diploma=Candidate.Diploma.MEDICINE, state=Candidate.State.ELIGIBLE) for i, p in enumerate(people)),
        batch_size=5000)
    ranks = list(range(1, laureates + 1))
    rng.shuffle(ranks)
    MeritEntry.objects.bulk_create(
        (MeritEntry(merit_list=merit, candidate=c, rank=r, outcome=MeritEntry.Outcome.ADMITTED)
         for c, r in zip(candidates, ranks)), batch_size=5000)
    session = do_create_session(competition, dean)
    session = do_open_wishes(session, timezone.now() + dt.timedelta(days=7), dean)
    post_ids = list(Post.objects.filter(session=session).order_by("code").values_list("pk", flat=True))
    choosers = list(Chooser.objects.filter(session=session).values_list("pk", flat=True))

    def draw():
        return draw_wishes(rng, post_ids, popularity, wishes)

    WishList.objects.bulk_create((WishList(chooser_id=c, number=1, posts=draw(), saved_by=dean) for c in choosers),
                                 batch_size=5000)
    return session, dean, choosers, lambda: draw_wishes(rng, post_ids, popularity, wishes)


def draw_wishes(rng, post_ids, popularity, k) -> list[int]:
    """`k` distinct posts drawn by popularity, the popular ones early in the list."""
    picked: list[int] = []
    seen = set()
    while len(picked) < k:
        for i in rng.choices(range(len(post_ids)), weights=popularity, k=2 * k):
            if i not in seen:
                seen.add(i)
                picked.append(post_ids[i])
                if len(picked) == k:
                    break
    return picked


def timed(fn, repeat=3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def percentile(values, q) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--laureates", type=int, default=50_000)
    parser.add_argument("--posts", type=int, default=600)
    parser.add_argument("--wishes", type=int, default=15)
    parser.add_argument("--rate", type=float, default=100.0, help="lists saved per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of the load (at most 600)")
    parser.add_argument("--quick", action="store_true", help="5,000 laureates, 10 seconds")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.quick:
        args.laureates, args.seconds = 5_000, 10.0
    args.seconds = min(args.seconds, 600.0)

    folder = Path(tempfile.mkdtemp(prefix="provisional-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    postgres = url.startswith("postgres")
    if postgres:
        check_name(url)
        with _maintenance(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database_name(url)}"')
            conn.execute(f'CREATE DATABASE "{database_name(url)}"')
    os.environ["RESIDANAT_VAR"] = str(folder / "var")
    configure(url)
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    from residanat.choice.models import Chooser, Provisional, ProvisionalPlacement
    from residanat.choice.provisional import do_compute_provisional, lists_in_force
    from residanat.choice.rounds import session_offer
    from residanat.choice.wishes import do_save_wishes

    started = time.perf_counter()
    session, dean, choosers, new_list = populate(args.laureates, args.posts, args.wishes)
    built = time.perf_counter() - started
    engine_only = timed(lambda: session_offer(session, lists_in_force(session), items=False).run(explanations=True))
    first_store = timed(lambda: do_compute_provisional(session), repeat=1)  # writes every placement
    recompute = timed(lambda: do_compute_provisional(session))  # placements unchanged: only what differs
    load_before = os.getloadavg()
    before = Provisional.objects.get(session=session).computations

    # The worker, as production runs it, on the same database.
    environ = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
    worker = subprocess.Popen([sys.executable, "-m", "residanat", "worker", "--no-startup-delay", "--interval", "0.05"],
                              env=environ, stdout=open(folder / "worker.out", "w"), stderr=open(folder / "worker.err", "w"))
    reflected: dict[int, float] = {}  # computed request number -> first time seen
    stop = threading.Event()

    def monitor():
        seen = -1
        while not stop.is_set():
            computed = Provisional.objects.values_list("computed", flat=True).get(session=session)
            if computed != seen:
                reflected.setdefault(computed, time.perf_counter())
                seen = computed
            time.sleep(0.01)
        connection.close()

    watcher = threading.Thread(target=monitor, daemon=True)
    watcher.start()
    rng = random.Random(7)
    saves = []  # (request number, time saved, chooser id, version)
    by_chooser = {pk: chooser for pk, chooser in Chooser.objects.in_bulk(choosers).items()}
    save_times = []
    # Bounded in time: the saves the rate asks for, as many as fit in `seconds` (a slow machine saves fewer).
    total = int(args.rate * args.seconds)
    begin = time.perf_counter()
    for i in range(total):
        if time.perf_counter() - begin >= args.seconds:
            break
        wait = begin + i / args.rate - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        chooser = by_chooser[rng.choice(choosers)]
        t0 = time.perf_counter()
        saved = do_save_wishes(chooser, new_list(), dean)
        t1 = time.perf_counter()
        request = Provisional.objects.values_list("requested", flat=True).get(session=session)
        saves.append((request, t1, chooser.pk, saved.number))
        save_times.append(t1 - t0)
    load_duration = time.perf_counter() - begin
    last = saves[-1][0]
    deadline = time.perf_counter() + 60
    while max(reflected, default=0) < last and time.perf_counter() < deadline:
        time.sleep(0.05)
    stop.set()
    watcher.join()
    load_after = os.getloadavg()
    worker.terminate()
    worker.wait(timeout=30)

    # For each save: the first computation whose `computed` reached its request number.
    marks = sorted(reflected.items())
    latencies, missing = [], 0
    for request, at, _c, _n in saves:
        seen = next((t for computed, t in marks if computed >= request), None)
        if seen is None:
            missing += 1
        else:
            latencies.append(max(0.0, seen - at))
    provisional = Provisional.objects.get(session=session)
    # Checks: every saved chooser's stored placement uses their latest list, and the stored
    # assignment is the engine's on the lists in force.
    latest = {c: n for _r, _t, c, n in saves}
    stale = sum(1 for c, n in latest.items()
                if ProvisionalPlacement.objects.filter(chooser_id=c).values_list("wish_list_number", flat=True).first() != n)
    fresh = session_offer(session, lists_in_force(session), items=False).run()
    stored = dict(ProvisionalPlacement.objects.filter(chooser__session=session).values_list("chooser_id", "post_id"))
    differing = sum(1 for p in fresh.placed if stored.get(p.wisher.item) != (p.program.item if p.program else None))

    cpus = os.cpu_count()
    print(f"# Live provisional post: {args.laureates:,} laureates, {args.posts} posts, {args.wishes} wishes each")
    print(f"database: {'PostgreSQL' if postgres else 'SQLite (WAL)'}; machine: {cpus} CPUs, {platform.machine()}, "
          f"Python {platform.python_version()}; built in {built:.0f} s")
    print(f"load average (1, 5, 15 min): before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| plain recomputation in this process: engine as a round runs it (read lists, solve, check stability, explain) | {engine_only * 1000:.0f} ms |")
    print(f"| plain recomputation in this process: engine + store, first (every placement written) | {first_store * 1000:.0f} ms |")
    print(f"| plain recomputation in this process: engine + store, again (placements unchanged) | {recompute * 1000:.0f} ms |")
    print(f"| lists saved (one thread, as the pages and the API save them) | {len(saves):,} in {load_duration:.1f} s "
          f"({len(saves) / load_duration:.1f}/s; asked {args.rate:.0f}/s) |")
    print(f"| save (do_save_wishes) p50 / p95 | {percentile(save_times, .5) * 1000:.0f} ms / {percentile(save_times, .95) * 1000:.0f} ms |")
    print(f"| computations by the worker during the load | {provisional.computations - before:,} (last took {provisional.seconds * 1000:.0f} ms) |")
    print(f"| saves per computation (coalesced) | {len(saves) / max(1, provisional.computations - before):.0f} |")
    if latencies:
        print(f"| save → provisional post reflecting it: p50 | **{percentile(latencies, .5):.2f} s** |")
        print(f"| save → provisional post reflecting it: p95 | **{percentile(latencies, .95):.2f} s** (goal < 2 s) |")
        print(f"| save → provisional post reflecting it: max | {max(latencies):.2f} s |")
    print(f"| saves never reflected within 60 s after the load | {missing} |")
    print(f"| saved laureates whose stored placement is not on their latest list | {stale} |")
    print(f"| stored placements differing from the engine on the lists in force | {differing} |")
    connections.close_all()
    if postgres:
        with _maintenance(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database_name(url)}"')
    return 1 if missing or stale or differing else 0


if __name__ == "__main__":
    sys.exit(main())
