"""A choice in the live session, operator's click to committed seat (log entry included), and
races for a last seat (issue 23 item 4). On a throwaway database with `make demo`'s data, the demo
session opened live, in this process:

- `service`: `live.do_record_choice` alone (seat, choice, call, version, board cache, log entry);
- `click`: the operator's click as the browser sends it (POST with HTMX, signed-in dean with TOTP)
  through every middleware, answered with the refreshed panel;
- `reference`: the floor of a committed seat, one transaction locking the session row and taking
  the seat by its conditional UPDATE (then given back), measured in the same process.

Then `--races N` races: a post is left with one seat, `--runners` laureates who came forward ask
for it at once (threads, each its own database connection); exactly one must win. The winner's
choice is undone (the supervisor's undo) and the next race begins. At the end every post's count
of seats taken is checked against the choices in force and its capacity.

    .venv/bin/python benchmarks/choice_latency.py                      # SQLite and PostgreSQL
    .venv/bin/python benchmarks/choice_latency.py --databases sqlite --choices 100 --races 50
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_day  # noqa: E402


def child(args) -> None:
    """Runs in a fresh process whose environment names the database (settings read it at import)."""
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.db import connections, transaction
    from django.db.models import F
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from residanat.accounts.models import User
    from residanat.choice import live
    from residanat.choice.models import Choice, ChoiceSession, Chooser, Post
    from residanat.choice.seats import remaining_by_post
    from residanat.choice.sessions import do_start_live, is_open_to, lock_session
    from residanat.choice.wishes import current_wish_list

    dean = User.objects.get(username="doyen.casablanca")
    session = do_start_live(ChoiceSession.objects.get(), dean, place="Amphithéâtre")
    posts = list(Post.objects.filter(session=session).select_related("specialty", "quota"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(dean)
    device = TOTPDevice.objects.filter(user=dean, confirmed=True).first() or TOTPDevice.objects.create(
        user=dean, name="bench", confirmed=True)
    web = client.session
    web["otp_device_id"] = device.persistent_id
    web.save()
    url = f"/choix/{session.slug}/seance/choisir/"

    def pick(chooser):
        left = remaining_by_post(session)
        wishes = current_wish_list(chooser)
        by_pk = {p.pk: p for p in posts}
        for pk in (wishes.posts if wishes else []):
            if left.get(pk, 0) > 0 and is_open_to(chooser, by_pk[pk]):
                return by_pk[pk]
        return next((p for p in posts if left.get(p.pk, 0) > 0 and is_open_to(chooser, p)), None)

    timings = {"service": [], "click": [], "reference": []}
    warm_up = 6  # the first calls load templates and translations
    spare = next(p for p in posts if p.quota_id is None and p.capacity > 2)
    for n in range(args.choices):
        chooser = live.next_to_call(session)
        if chooser is None:
            break
        post = pick(chooser)
        if post is None:
            live.do_mark_absent(session, chooser, dean)
            continue
        if n % 2:
            start = time.perf_counter()
            response = client.post(url, {"chooser": chooser.pk, "post": post.pk}, HTTP_HX_REQUEST="true")
            if n >= warm_up:
                timings["click"].append(time.perf_counter() - start)
            assert response.status_code == 200 and b"live-alert error" not in response.content, response.content[:500]
        else:
            start = time.perf_counter()
            live.do_record_choice(session, chooser, post, dean)
            if n >= warm_up:
                timings["service"].append(time.perf_counter() - start)
        # The reference: lock the session, take a seat by the conditional UPDATE, commit.
        start = time.perf_counter()
        with transaction.atomic():
            lock_session(session)
            Post.objects.filter(pk=spare.pk, taken__lt=F("capacity")).update(taken=F("taken") + 1)
        if n >= warm_up:
            timings["reference"].append(time.perf_counter() - start)
        Post.objects.filter(pk=spare.pk).update(taken=F("taken") - 1)

    print(f"  {'ms':<10} {'n':>5} {'p50':>7} {'p95':>7} {'max':>7}")
    for name in ("service", "click", "reference"):
        values = [v * 1000 for v in timings[name]]
        if values:
            print(f"  {name:<10} {len(values):>5} {choice_day.percentile(values, 50):>7.1f} "
                  f"{choice_day.percentile(values, 95):>7.1f} {max(values):>7.1f}")

    if not args.races:
        return
    # Races: laureates still to be called are marked as having come forward (absent at their call).
    waiting = list(Chooser.objects.filter(session=session, presence=Chooser.Presence.WAITING)
                   .exclude(seat_type="foreign_volunteer").order_by("order"))
    contract_posts = [p for p in posts if p.quota_id is None]
    doubles = failures = skipped = 0
    started = time.perf_counter()
    for n in range(args.races):
        post = contract_posts[n % len(contract_posts)]
        eligible = [c for c in waiting if is_open_to(c, post)]
        if len(eligible) < args.runners:
            skipped += 1
            continue
        runners = [eligible[(n * args.runners + k) % len(eligible)] for k in range(args.runners)]
        Chooser.objects.filter(pk__in=[c.pk for c in runners]).update(presence=Chooser.Presence.ABSENT)
        Post.objects.filter(pk=post.pk).update(capacity=F("taken") + 1)  # one seat left
        barrier = threading.Barrier(len(runners))

        def race(chooser):
            """'won', 'taken' (refused: somebody was faster) or the unexpected error."""
            try:
                barrier.wait()
                live.do_record_choice(session, chooser, post, dean)
                return "won"
            except ValidationError:
                return "taken"
            except Exception as exc:
                return repr(exc)
            finally:
                connections.close_all()

        with ThreadPoolExecutor(len(runners)) as pool:
            outcomes = list(pool.map(race, runners))
        won = [c.pk for c, outcome in zip(runners, outcomes) if outcome == "won"]
        other = [outcome for outcome in outcomes if outcome not in ("won", "taken")]
        if len(won) != 1 or other:
            doubles += len(won) > 1
            failures += 1
            print(f"  race {n}: winners {len(won)}, errors {other[:2]}")
        if won:
            for _ in won:
                live.do_undo_last(session, dean, "benchmark race")
        Chooser.objects.filter(pk__in=[c.pk for c in runners]).update(presence=Chooser.Presence.WAITING)
    took = time.perf_counter() - started
    # Every post: seats taken = choices in force, never above capacity.
    inconsistent = 0
    for p in Post.objects.filter(session=session):
        held = Choice.objects.filter(post=p, undone_at__isnull=True).count()
        inconsistent += p.taken != held or p.taken > p.capacity
    print(f"  races {args.races - skipped} x {args.runners} runners ({skipped} skipped: no post open to enough "
          f"laureates): {args.races - skipped - failures} with exactly one winner, "
          f"{doubles} double seats, {inconsistent} posts inconsistent ({took:.1f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--pg", default=choice_day.DEFAULT_PG, help="an administrator's URL of the local PostgreSQL")
    parser.add_argument("--choices", type=int, default=200)
    parser.add_argument("--races", type=int, default=1000)
    parser.add_argument("--runners", type=int, default=4)
    parser.add_argument("--fresh", action="store_true", help="load the demo again into the template")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    import subprocess

    for kind in args.databases.split(","):
        with choice_day.throwaway_database(kind, args.pg, args.fresh) as (url, folder):
            environ = choice_day.production_environ(url, folder, LOG_FORMAT="text")
            print(f"{kind}: {choice_day.machine_load()}", flush=True)
            subprocess.run([sys.executable, __file__, "--child", "--choices", str(args.choices),
                            "--races", str(args.races), "--runners", str(args.runners)],
                           env=environ, check=True)
            print(f"  {choice_day.machine_load()}", flush=True)


if __name__ == "__main__":
    main()
