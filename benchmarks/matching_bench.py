"""Benchmark of the matching engine (src/residanat/matching) against the `matching` package (PyPI).

Generates seeded instances (a few hundred programs with Zipf-like popularity, 15 wishes per
candidate, capacities summing to ~0.95x the candidates), in two variants per size:

- `master`: the master list only (serial dictatorship);
- `rankings`: every program ranks its own applicants by a noisy score (deferred acceptance).

Times our engine (best of --repeat runs) and `matching` (one run, it is slow, stopped after
--cap seconds) on the same instances in this process, checks that both give the same assignment,
and prints a Markdown table (columns explained under it). Exit status 1 if an assignment differs.

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


def best_of(repeat: int, fn, setup=None):
    """(best wall time in seconds, result of the last run) of `fn(setup())`, setup not timed.
    The collector stays on, as in `residanat match`, but starts each run with nothing to do."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        arg = setup() if setup else None
        gc.collect()
        start = time.perf_counter()
        result = fn(arg)
        best = min(best, time.perf_counter() - start)
    return best, result


class TimeCap(Exception):
    pass


def _on_alarm(signum, frame):
    raise TimeCap


def run_matching_package(inputs, cap_seconds: float) -> dict:
    """Build `matching`'s objects and solve (resident-optimal), once, in this process; an alarm
    stops the run after `cap_seconds`. Returns {"build", "solve", "assignment"} in seconds and
    {candidate: program}, or {"stopped_after": seconds, "build": seconds or None}."""
    from matching.games import HospitalResident

    resident_prefs, hospital_prefs, capacities = inputs
    # HospitalResident deep-copies its players, whose preferences point at each other: the
    # recursion goes about as deep as there are players.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * (len(resident_prefs) + len(hospital_prefs)) + 1000))
    build = None
    gc.collect()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, cap_seconds)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            # Programs nobody applied to (empty preference lists) are reported as warnings.
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
            build = time.perf_counter() - start
            result = game.solve(optimal="resident")
            solve_time = time.perf_counter() - start - build
    except TimeCap:
        return {"stopped_after": time.perf_counter() - start, "build": build}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assignment = {resident.name: hospital.name for hospital, residents in result.items() for resident in residents}
    return {"build": build, "solve": solve_time, "assignment": assignment}


# ---------------------------------------------------------------------------------------------
# The run


def ours_assignment(inst, assignment: list[int]) -> dict:
    cids, pids = inst.candidate_ids, inst.program_ids
    return {cids[c]: pids[p] for c, p in enumerate(assignment) if p >= 0}


def bench_one(n: int, variant: str, repeat: int, cap: float, with_matching: bool, tmpdir: str) -> dict:
    data = generate(n, variant)
    row = {"size": n, "variant": variant}

    def fresh():
        # A new instance each run: the engine builds its position index on first use, and that
        # belongs to the solve, not to an earlier run.
        return parse_instance(data)

    def solved():
        inst = parse_instance(data)
        return inst, solve(inst)

    def solve_and_check(inst):
        result = solve(inst)
        if not is_stable(inst, result.assignment):
            raise SystemExit(f"{n} {variant}: our matching is not stable")
        return result

    path = os.path.join(tmpdir, f"instance-{n}-{variant}.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    row["load"], _ = best_of(repeat, lambda _: load_instance(path))
    row["parse"], inst = best_of(repeat, lambda _: parse_instance(data))
    row["solve"], _ = best_of(repeat, solve, fresh)
    row["check"], _ = best_of(repeat, lambda pair: is_stable(pair[0], pair[1].assignment), solved)
    row["solve_check"], result = best_of(repeat, solve_and_check, fresh)
    row["ours_e2e"], _ = best_of(repeat, lambda _: solve_and_check(parse_instance(data)))
    row["algorithm"] = result.algorithm

    row["theirs"] = None
    if with_matching:
        inputs = matching_inputs(data)
        del data
        theirs = run_matching_package(inputs, cap)
        if "assignment" in theirs:
            theirs["same"] = theirs.pop("assignment") == ours_assignment(inst, result.assignment)
        row["theirs"] = theirs
    return row


def fmt(seconds) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def table(rows: list[dict]) -> str:
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
        theirs = r["theirs"]
        if theirs is None:
            their_time, ratio, same = "not run", "-", "-"
        elif "stopped_after" in theirs:
            if theirs["build"] is None:
                doing = "still building its objects"
            else:
                doing = f"solving (build took {fmt(theirs['build'])})"
            their_time = f"stopped at {fmt(theirs['stopped_after'])}, {doing}"
            ratio = f"> {theirs['stopped_after'] / r['ours_e2e']:.0f}x"
            same = "not compared"
        else:
            total = theirs["build"] + theirs["solve"]
            their_time = f"{fmt(total)} ({fmt(theirs['build'])} + {fmt(theirs['solve'])})"
            ratio = f"{total / r['ours_e2e']:.0f}x"
            same = "yes" if theirs["same"] else "NO"
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
                    their_time,
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
        f"matching {version}, best of {args.repeat} for ours, one run for matching (cap {args.cap:.0f} s), "
        f"load average {os.getloadavg()[0]:.2f} at start",
        flush=True,
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        for n in sizes:
            for variant in variants:
                start = time.perf_counter()
                rows.append(bench_one(n, variant, args.repeat, args.cap, with_matching, tmpdir))
                print(f"  {n} {variant}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    print(table(rows))
    print(LEGEND)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 1 if any(r["theirs"] and r["theirs"].get("same") is False for r in rows) else 0


LEGEND = """
- ours: load file = load_instance(path): read + json.loads + validation into indices.
- ours: parse = parse_instance(dict): validation into indices, from the decoded document in memory.
- ours: solve = solve(instance) on a fresh instance (includes building the rankings' position index).
- ours: check = is_stable(instance, assignment), the independent stability and feasibility check.
- ours: solve+check = both, on a fresh instance (the target: under 1 s at 50,000 x 15 wishes).
- ours: parse+solve+check = from the in-memory dict to a checked assignment.
- matching: build+solve = HospitalResident.create_from_dictionaries(...) (its own input checks and
  deep copy included) + .solve(optimal="resident"), from the same data as plain dicts (building
  those dicts is not timed).
- ratio = matching build+solve / ours parse+solve+check (ours does more: it also checks stability);
  "> N x" when matching was stopped at the cap, so the true ratio is higher.
- Times: ours best of N runs, collector on; matching one run."""


if __name__ == "__main__":
    sys.exit(main())
