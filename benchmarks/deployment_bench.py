"""The deployment assignment with couples (matching/couples.py, CP-SAT) against serial dictatorship
on the same market without the couples (the reference, in the same process).

Markets (seeded): posts in 75 provinces across 40 specialties, specialists ranking 10 posts of
their specialty, couples of two specialties ranking pairs in common provinces (their own lists
restricted to 3 provinces they share, as spouses asking to be together do). Prints, per size:
solve time of the reference, of the couples model (best of --repeat), its status, blocking couples,
people placed, and the independent check.

    .venv/bin/python benchmarks/deployment_bench.py            # 700 / 2,000 / 5,000 specialists
    .venv/bin/python benchmarks/deployment_bench.py --quick    # 700 only
"""

from __future__ import annotations

import argparse
import random
import time

from residanat.matching.couples import Couple, CouplesInstance, Post, Single, check, joint_pairs, solve


def market(people: int, couples: int, seed: int = 1):
    rng = random.Random(seed)
    provinces = [f"PR{i}" for i in range(75)]
    specialties = [f"S{i}" for i in range(40)]
    posts = [Post(f"P{i}", rng.choice([1, 1, 1, 2, 3]), rng.choice(provinces)) for i in range(people)]
    place = {p.id: p.place for p in posts}
    by_specialty: dict[str, list[str]] = {}
    for p in posts:
        by_specialty.setdefault(rng.choice(specialties), []).append(p.id)
    keys = list(by_specialty)
    ranks = list(range(1, people + 1))
    rng.shuffle(ranks)
    singles, pairs = [], []
    for i in range(people - 2 * couples):
        own = by_specialty[rng.choice(keys)]
        singles.append(Single(f"s{i}", ranks.pop(), tuple(rng.sample(own, min(10, len(own))))))
    for i in range(couples):
        a, b = by_specialty[rng.choice(keys)], by_specialty[rng.choice(keys)]
        shared = sorted({place[x] for x in a} & {place[x] for x in b})
        chosen = set(rng.sample(shared, min(3, len(shared))))
        la = [x for x in a if place[x] in chosen]
        lb = [x for x in b if place[x] in chosen]
        pairs.append(Couple(f"k{i}", (f"k{i}a", f"k{i}b"), (ranks.pop(), ranks.pop()),
                            tuple(joint_pairs(la, lb, place, limit=40))))
    return CouplesInstance(posts, singles, pairs)


def timed(fn, repeat):
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="700,2000,5000")
    parser.add_argument("--couples", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = [700] if args.quick else [int(s) for s in args.sizes.split(",")]
    print(f"{'people':>7} {'couples':>7} {'reference ms':>12} {'couples ms':>10} {'status':>9} {'blocking':>8} "
          f"{'placed':>7} {'check':>6}")
    for n in sizes:
        instance = market(n, args.couples)
        singles_only = CouplesInstance(instance.posts, instance.singles)
        ref, _ = timed(lambda: solve(singles_only), args.repeat)
        took, result = timed(lambda: solve(instance), args.repeat)
        report = check(instance, result.assignments)
        placed = sum(1 for v in result.assignments.values() if v)
        print(f"{n:>7} {args.couples:>7} {ref * 1000:>12.1f} {took * 1000:>10.1f} {result.status:>9} "
              f"{len(result.blocking_couples):>8} {placed:>7} {'ok' if report.ok else 'FAIL':>6}")


if __name__ == "__main__":
    main()
