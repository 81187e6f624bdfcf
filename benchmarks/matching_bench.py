"""Benchmark of the matching engine (src/residanat/matching) against the `matching` package (PyPI).

Generates seeded instances (a few hundred programs with Zipf-like popularity, 15 wishes per
candidate, capacities summing to ~0.95x the candidates), in two variants per size:

- `master`: the master list only (serial dictatorship);
- `rankings`: every program ranks its own applicants by a noisy score (deferred acceptance).

Times our engine (best of --repeat runs) and `matching` (one run, it is slow) on the same
instances in this process, checks that both give the same assignment, and prints a table.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/matching_bench.py            # 2,000; 20,000; 50,000 candidates
    .venv/bin/python benchmarks/matching_bench.py --quick    # 500 and 2,000 candidates
"""

from __future__ import annotations

import argparse
import bisect
import gc
import itertools
import json
import os
import platform
import random
import signal
import sys
import tempfile
import time
import warnings

from residanat.matching.engine import solve
from residanat.matching.instance import load_instance, parse_instance
from residanat.matching.stability import is_stable

N_PROGRAMS = 300
WISHES = 15
ZIPF_EXPONENT = 0.9
SEAT_RATIO = 0.95


# ---------------------------------------------------------------------------------------------
# Instances


def generate(n_candidates: int, variant: str, seed: int = 2024) -> dict:
    """A deterministic instance (contract shared/contracts/matching.md) for one size and variant.
    Both variants of a size share programs, capacities and wishes; only the rankings differ."""
    rng = random.Random(f"{seed}-{n_candidates}")
    pids = [f"P{p:03d}" for p in range(N_PROGRAMS)]
    # Zipf-like popularity: program k (in a shuffled order) is wanted in proportion to 1/(k+1)^s.
    order = list(range(N_PROGRAMS))
    rng.shuffle(order)
    weight = [0.0] * N_PROGRAMS
    for k, p in enumerate(order):
        weight[p] = 1.0 / (k + 1) ** ZIPF_EXPONENT
    # Seats follow popularity less steeply than demand (sqrt), so popular programs are
    # oversubscribed and DA has rejections to do; every program has at least one seat.
    seats = int(SEAT_RATIO * n_candidates)
    root = [w**0.5 for w in weight]
    total_root = sum(root)
    capacity = [max(1, int(seats * r / total_root)) for r in root]

    cumulative = list(itertools.accumulate(weight))
    top = cumulative[-1]
    wishes = min(WISHES, N_PROGRAMS)
    cids = [f"c{i:06d}" for i in range(n_candidates)]
    ranks = list(range(1, n_candidates + 1))
    rng.shuffle(ranks)
    candidates = []
    for cid, rank in zip(cids, ranks):
        # Weighted sampling without replacement (Plackett-Luce): popular programs come early.
        chosen: list[int] = []
        seen = set()
        while len(chosen) < wishes:
            p = bisect.bisect_right(cumulative, rng.random() * top)
            if p < N_PROGRAMS and p not in seen:
                seen.add(p)
                chosen.append(p)
        candidates.append({"id": cid, "rank": rank, "preferences": [pids[p] for p in chosen]})
    programs = [{"id": pid, "capacity": cap} for pid, cap in zip(pids, capacity)]

    if variant == "rankings":
        # Each program ranks those who applied to it by merit plus its own noise (an interview,
        # a specialty exam): correlated with the master list, yet different per program.
        merit = {c["id"]: -c["rank"] / n_candidates for c in candidates}
        applicants: list[list[str]] = [[] for _ in pids]
        index = {pid: i for i, pid in enumerate(pids)}
        for cand in candidates:
            for pid in cand["preferences"]:
                applicants[index[pid]].append(cand["id"])
        for prog, apps in zip(programs, applicants):
            score = {cid: merit[cid] + rng.gauss(0.0, 0.3) for cid in apps}
            prog["ranking"] = sorted(apps, key=lambda cid: -score[cid])
    elif variant != "master":
        raise ValueError(variant)
    return {"programs": programs, "candidates": candidates}


def matching_inputs(data: dict) -> tuple[dict, dict, dict]:
    """The same instance as the three dictionaries `matching` takes. A program of the master-list
    variant ranks its applicants in merit order; `matching` wants each hospital to rank exactly
    those who applied to it, which our rankings already are."""
    resident_prefs = {c["id"]: list(c["preferences"]) for c in data["candidates"]}
    capacities = {p["id"]: p["capacity"] for p in data["programs"]}
    if all("ranking" in p for p in data["programs"]):
        hospital_prefs = {p["id"]: list(p["ranking"]) for p in data["programs"]}
    else:
        hospital_prefs = {p["id"]: [] for p in data["programs"]}
        for cand in sorted(data["candidates"], key=lambda c: c["rank"]):
            for pid in cand["preferences"]:
                hospital_prefs[pid].append(cand["id"])
    return resident_prefs, hospital_prefs, capacities


# ---------------------------------------------------------------------------------------------
# Timing


def best_of(repeat: int, fn, *args):
    """(best wall time in seconds, last result). The collector is paused while timing, as timeit
    does, so that a collection triggered by the previous run's garbage is not charged here."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = fn(*args)
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best, result


class TimeCap(Exception):
    pass


def _on_alarm(signum, frame):
    raise TimeCap


def run_matching_package(inputs, cap_seconds: float):
    """Build `matching`'s objects and solve (resident-optimal), in this process, stopped by an
    alarm after `cap_seconds`. Returns (build seconds, solve seconds or None, {cid: pid})."""
    from matching.games import HospitalResident

    resident_prefs, hospital_prefs, capacities = inputs
    # HospitalResident deep-copies its players, whose preferences point at each other: the
    # recursion goes about as deep as there are players.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * (len(resident_prefs) + len(hospital_prefs)) + 1000))
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, cap_seconds)
    build = solve_time = None
    assignment = None
    gc.collect()
    try:
        start = time.perf_counter()
        with warnings.catch_warnings():
            # Programs nobody applied to (empty preference lists) are reported as warnings.
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
            build = time.perf_counter() - start
            start = time.perf_counter()
            result = game.solve(optimal="resident")
            solve_time = time.perf_counter() - start
        assignment = {r.name: h.name for h, rs in result.items() for r in rs}
    except TimeCap:
        elapsed = time.perf_counter() - start
        if build is None:
            build = None
        solve_time = None
        return build, solve_time, None, elapsed
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return build, solve_time, assignment, None


# ---------------------------------------------------------------------------------------------
# The run


def ours_assignment(inst, assignment: list[int]) -> dict:
    cids, pids = inst.candidate_ids, inst.program_ids
    return {cids[c]: pids[p] for c, p in enumerate(assignment) if p >= 0}


def bench_one(n: int, variant: str, repeat: int, cap: float, with_matching: bool, tmpdir: str) -> dict:
    data = generate(n, variant)
    row = {"size": n, "variant": variant}

    path = os.path.join(tmpdir, f"instance-{n}-{variant}.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    row["load"], _ = best_of(repeat, load_instance, path)
    row["parse"], inst = best_of(repeat, parse_instance, data)
    row["solve"], matching = best_of(repeat, solve, inst)

    def check():
        return is_stable(inst, matching.assignment)

    row["check"], stable = best_of(repeat, check)

    def solve_and_check():
        m = solve(inst)
        return m, is_stable(inst, m.assignment)

    row["solve_check"], (m2, stable2) = best_of(repeat, solve_and_check)
    if not (stable and stable2):
        raise SystemExit(f"{n} {variant}: our matching is not stable")

    def end_to_end():
        i = parse_instance(data)
        m = solve(i)
        return is_stable(i, m.assignment)

    row["ours_e2e"], _ = best_of(repeat, end_to_end)
    row["algorithm"] = matching.algorithm

    row["theirs_build"] = row["theirs_solve"] = row["theirs_capped"] = None
    row["same"] = None
    if with_matching:
        inputs = matching_inputs(data)
        del data
        build, solve_t, theirs, capped = run_matching_package(inputs, cap)
        row["theirs_build"], row["theirs_solve"], row["theirs_capped"] = build, solve_t, capped
        if theirs is not None:
            row["same"] = theirs == ours_assignment(inst, matching.assignment)
    return row


def fmt(seconds) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def table(rows: list[dict], cap: float) -> str:
    head = [
        "candidates",
        "variant",
        "ours: load file",
        "ours: parse",
        "ours: solve",
        "ours: check",
        "ours: solve+check",
        "ours: parse+solve+check",
        "matching: build+solve",
        "ratio",
        "same assignment",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        if r["theirs_capped"] is not None:
            theirs = f"> {fmt(r['theirs_capped'])} (stopped)"
            ratio = f"> {r['theirs_capped'] / r['ours_e2e']:.0f}x"
            same = "not compared"
        elif r["theirs_solve"] is not None:
            total = r["theirs_build"] + r["theirs_solve"]
            theirs = f"{fmt(total)} ({fmt(r['theirs_build'])} + {fmt(r['theirs_solve'])})"
            ratio = f"{total / r['ours_e2e']:.0f}x"
            same = "yes" if r["same"] else "NO"
        else:
            theirs, ratio, same = "not run", "-", "-"
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{r['size']:,}",
                    f"{r['variant']} ({r['algorithm']})",
                    fmt(r["load"]),
                    fmt(r["parse"]),
                    fmt(r["solve"]),
                    fmt(r["check"]),
                    fmt(r["solve_check"]),
                    fmt(r["ours_e2e"]),
                    theirs,
                    ratio,
                    same,
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,20000,50000", help="candidate counts, comma-separated")
    parser.add_argument("--quick", action="store_true", help="small sizes only (500, 2000)")
    parser.add_argument("--variants", default="master,rankings")
    parser.add_argument("--repeat", type=int, default=5, help="runs of our engine; the best is kept")
    parser.add_argument(
        "--cap", type=float, default=120.0, help="seconds after which a `matching` run is stopped (per instance)"
    )
    parser.add_argument("--no-matching", action="store_true", help="time our engine only")
    args = parser.parse_args(argv)
    sizes = [500, 2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    variants = args.variants.split(",")

    with_matching = not args.no_matching
    version = "not run"
    if with_matching:
        try:
            from importlib.metadata import version as dist_version

            import matching  # noqa: F401

            version = dist_version("matching")
        except ImportError:
            print("the `matching` package is missing: .venv/bin/pip install -e '.[bench]'", file=sys.stderr)
            return 1

    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}, "
        f"matching {version}, best of {args.repeat} for ours, one run for matching (cap {args.cap:.0f} s)",
        flush=True,
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        for n in sizes:
            for variant in variants:
                row = bench_one(n, variant, args.repeat, args.cap, with_matching, tmpdir)
                rows.append(row)
                print(f"  done: {n} {variant}", file=sys.stderr, flush=True)
    print(table(rows, args.cap))
    return 0


if __name__ == "__main__":
    sys.exit(main())
