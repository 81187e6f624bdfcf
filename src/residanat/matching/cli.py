"""`residanat match INSTANCE.json [-o RESULT.json] [--explain]`: the candidate-optimal stable
matching of an instance (contract `shared/contracts/matching.md`).

Runs without Django. Exit 0 on success; 2 on invalid input, with the JSON path of the first problem
on standard error and no result file written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

from .instance import InstanceError, load_instance
from .result import match


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="residanat match", description=__doc__.split("\n\n")[0])
    parser.add_argument("instance", metavar="INSTANCE.json", help="the instance to solve")
    parser.add_argument("-o", "--output", metavar="RESULT.json", help="write the result here (default: stdout)")
    parser.add_argument("--explain", action="store_true", help="say why each candidate missed better wishes")
    return parser


def _write_atomically(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".match-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        inst = load_instance(args.instance)
    except InstanceError as exc:
        print(f"residanat match: {exc}", file=sys.stderr)
        return 2
    result = match(inst, explanations=args.explain)
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        try:
            _write_atomically(args.output, text)
        except OSError as exc:
            print(f"residanat match: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
