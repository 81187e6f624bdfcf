"""`residanat rules show [--on DATE] [--json]`: the parameters in force, with their article.

Runs without Django so that it answers in a fraction of a second.
"""

import argparse
import datetime as dt
import json
import sys

from .parameters import ParameterError, load_parameters


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="residanat rules", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    show = sub.add_parser("show", help="parameters in force on a date")
    show.add_argument("--on", type=_date, default=None, help="date (default: today)")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.add_argument("--lang", choices=["fr", "ar"], default="fr", help="label language")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    on = args.on or dt.date.today()
    try:
        table = load_parameters()
    except ParameterError as exc:
        print(f"residanat rules: {exc}", file=sys.stderr)
        return 2
    in_force = table.in_force(on)
    if args.json:
        json.dump(
            {"on": on.isoformat(), "parameters": [p.as_json() for p in in_force]},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    print(f"Regulation parameters in force on {on.isoformat()} ({len(in_force)})")
    width = max((len(p.key) for p in in_force), default=10)
    for p in in_force:
        value = f"{p.value} {p.unit}"
        print(f"{p.key:<{width}}  {value:<16}  {p.ref:<16}  since {p.valid_from}  {p.label(args.lang)}")
    return 0
