"""The public board on choice day (issue 23 item 3): 1,000 viewers poll the board's fragment every
2 s (with If-None-Match, as the page does) while the operator records a choice every 2 s, on
`residanat serve` over a throwaway copy of `make demo`'s database, SQLite then PostgreSQL.
Loopback only, bounded in time: each database runs `--seconds` after the viewers have arrived.

The viewers are locust users (`pip install -e '.[bench]'`) run in this process; the choices are
made by a second process calling the service an operator's click calls (`live.do_record_choice`),
on the same database and cache. Prints the requests, failures, p50/p95/p99 of the viewers, the
choices' own latency under that load, and the machine's load and CPU use over the run.

    .venv/bin/python benchmarks/board_load.py                          # 1,000 viewers, 60 s, both databases
    .venv/bin/python benchmarks/board_load.py --databases sqlite --viewers 300 --seconds 20
    CACHE_URL=redis://127.0.0.1:6379/5 .venv/bin/python benchmarks/board_load.py   # the cache in Redis
"""

from __future__ import annotations

import sys

if "--chooser" not in sys.argv:
    import locust  # noqa: F401  gevent patches the standard library first, before anything uses it

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_day  # noqa: E402


def chooser(args) -> None:
    """A choice every `--every` s for `--seconds` s (the session opened live first), then the
    latencies as one JSON line."""
    import django

    django.setup()
    from residanat.accounts.models import User
    from residanat.choice import live
    from residanat.choice.models import ChoiceSession, Post
    from residanat.choice.seats import remaining_by_post
    from residanat.choice.sessions import do_start_live, is_open_to

    dean = User.objects.get(username="doyen.casablanca")
    session = do_start_live(ChoiceSession.objects.get(), dean, place="Amphithéâtre")
    posts = list(Post.objects.filter(session=session).order_by("pk"))
    print(json.dumps({"started": session.slug}), flush=True)
    sys.stdin.readline()  # the viewers are all there
    took, end = [], time.monotonic() + args.seconds
    while time.monotonic() < end:
        tick = time.monotonic()
        called = live.next_to_call(session)
        if called is None:
            break
        left = remaining_by_post(session)
        post = next((p for p in posts if left.get(p.pk, 0) > 0 and is_open_to(called, p)), None)
        start = time.perf_counter()
        if post is None:
            live.do_mark_absent(session, called, dean)
        else:
            live.do_record_choice(session, called, post, dean)
        took.append((time.perf_counter() - start) * 1000)
        time.sleep(max(0.0, args.every - (time.monotonic() - tick)))
    print(json.dumps({"choices": took}), flush=True)


def viewers(host: str, slug: str, args):
    import gevent
    from locust import FastHttpUser, constant_pacing, task
    from locust.env import Environment

    paths = [f"/choix/{slug}/tableau/etat/", f"/ar/choix/{slug}/tableau/etat/"]

    class Viewer(FastHttpUser):
        wait_time = constant_pacing(args.every)
        number = 0

        def on_start(self):
            Viewer.number += 1
            # One in four reads the Arabic board.
            self.path = paths[1] if Viewer.number % 4 == 0 else paths[0]
            self.etag = None

        @task
        def poll(self):
            headers = {"HX-Request": "true"}
            if self.etag:
                headers["If-None-Match"] = self.etag
            with self.client.get(self.path, headers=headers, name="board poll", catch_response=True) as response:
                if response.status_code == 200:
                    self.etag = response.headers.get("ETag")
                    response.success()
                elif response.status_code == 304:
                    response.success()
                else:
                    response.failure(f"status {response.status_code}")

    env = Environment(user_classes=[Viewer], host=host)
    runner = env.create_local_runner()
    runner.start(args.viewers, spawn_rate=args.viewers / args.ramp)
    gevent.sleep(args.ramp + args.every)
    env.stats.reset_all()
    return env, runner


def served_times(log: Path, offset: int) -> list[float]:
    """The time each poll took inside the server, from its request log (text lines) past `offset`."""
    import re

    line = re.compile(r"INFO residanat.requests GET \S*/tableau/etat/ \d+ ([0-9.]+)ms")
    with open(log, "rb") as file:
        file.seek(offset)
        text = file.read().decode(errors="replace")
    return [float(m[1]) for m in line.finditer(text)]


def warm_up(host: str, slug: str, workers: int, seconds: float = 300) -> None:
    """Until every worker has booted (gunicorn imports Django in each, after the fork): that many
    times 20 polls in a row answered under 100 ms."""
    import urllib.request

    in_a_row, deadline = 0, time.monotonic() + seconds
    while in_a_row < 20 * workers:
        if time.monotonic() > deadline:
            raise SystemExit("the server did not warm up")
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{host}/choix/{slug}/tableau/etat/", timeout=10) as answer:
                answer.read()
            in_a_row = in_a_row + 1 if time.perf_counter() - start < 0.1 else 0
        except OSError:
            in_a_row = 0
            time.sleep(0.3)


def run(kind: str, args) -> None:
    with choice_day.throwaway_database(kind, args.pg, args.fresh) as (url, folder):
        environ = choice_day.production_environ(url, folder, LOG_FORMAT="text", CONN_MAX_AGE=str(args.conn_max_age))
        if os.environ.get("CACHE_URL"):
            environ["CACHE_URL"] = os.environ["CACHE_URL"]
        host = f"http://127.0.0.1:{args.port}"
        with open(folder / "serve.log", "w") as log:
            server = subprocess.Popen([sys.executable, "-m", "residanat", "serve", "--bind", f"127.0.0.1:{args.port}",
                                       "--workers", str(args.workers)], env=environ, stdout=log, stderr=log)
        operator = subprocess.Popen([sys.executable, __file__, "--chooser", "--seconds", str(args.seconds),
                                     "--every", str(args.every)], env=environ, stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
        try:
            slug = json.loads(operator.stdout.readline())["started"]
            warm_up(host, slug, args.workers)
            env, runner = viewers(host, slug, args)
            import gevent

            measured_from = (folder / "serve.log").stat().st_size
            with choice_day.CpuMeter() as cpu:
                operator.stdin.write("go\n")
                operator.stdin.flush()
                gevent.sleep(args.seconds)
                stats = env.stats.total
                runner.quit()
            choices = json.loads(operator.stdout.readline())["choices"]
            operator.wait(timeout=60)
            failures = stats.num_failures
            print(f"{kind:<9} {args.viewers:>7} {stats.num_requests:>9} {failures:>8} "
                  f"{stats.get_response_time_percentile(0.5):>6.0f} {stats.get_response_time_percentile(0.95):>6.0f} "
                  f"{stats.get_response_time_percentile(0.99):>6.0f} {stats.max_response_time:>6.0f} "
                  f"{stats.total_rps:>6.0f} {len(choices):>7} {choice_day.percentile(choices, 50):>7.1f} "
                  f"{choice_day.percentile(choices, 95):>7.1f} {cpu.busy:>5.0f}%  {choice_day.machine_load()}",
                  flush=True)
            server_side = served_times(folder / "serve.log", measured_from)
            print(f"          server side (the request log's own time, {len(server_side)} polls): "
                  f"p50 {choice_day.percentile(server_side, 50):.1f}  p95 {choice_day.percentile(server_side, 95):.1f}  "
                  f"p99 {choice_day.percentile(server_side, 99):.1f} ms", flush=True)
            for error in list(env.stats.errors.values())[:5]:
                print(f"          {error.occurrences} x {error.error}")
        finally:
            operator.kill()
            server.terminate()
            server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--pg", default=choice_day.DEFAULT_PG)
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between a viewer's polls, and between choices")
    parser.add_argument("--seconds", type=int, default=60, help="measured time, after the viewers have arrived")
    parser.add_argument("--ramp", type=int, default=10, help="seconds for the viewers to arrive")
    parser.add_argument("--workers", type=int, default=None, help="serve's workers (default: serve's own)")
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--conn-max-age", type=int, default=60,
                        help="CONN_MAX_AGE of the server: database connections kept between requests (0: one a request)")
    parser.add_argument("--fresh", action="store_true", help="load the demo again into the template")
    parser.add_argument("--chooser", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.chooser:
        return chooser(args)
    if args.workers is None:
        args.workers = min(2 * (os.cpu_count() or 1) + 1, 12)
    print(f"{'database':<9} {'viewers':>7} {'requests':>9} {'failures':>8} {'p50':>6} {'p95':>6} {'p99':>6} "
          f"{'max':>6} {'req/s':>6} {'choices':>7} {'ch p50':>7} {'ch p95':>7} {'CPU':>6}  (ms)")
    for kind in args.databases.split(","):
        run(kind, args)


if __name__ == "__main__":
    main()
