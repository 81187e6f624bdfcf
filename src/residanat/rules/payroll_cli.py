"""`residanat payroll simulate SCENARIO.json [--json]` (shared/contracts/payroll-simulate.md):
what one trainee is owed each month, without a database. Invalid input exits 2 with the JSON path
of the problem."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys

from .parameters import ParameterError, load_parameters
from .payroll import EVENT_KINDS, REGIME, STATUSES, Event, Period, simulate
from .service_time import Span

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class ScenarioError(ValueError):
    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")


def _date(value, path: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ScenarioError(path, f"expected an ISO date (YYYY-MM-DD), got {value!r}") from None


def _span(item: dict, path: str) -> Span:
    start, end = _date(item.get("from"), f"{path}.from"), _date(item.get("to"), f"{path}.to")
    if end < start:
        raise ScenarioError(f"{path}.to", f"{end} is before {start}")
    return Span(start, end)


def _bool(item: dict, key: str, path: str, default: bool) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise ScenarioError(f"{path}.{key}", f"expected true or false, got {value!r}")
    return value


def _object(value, path: str) -> dict:
    if not isinstance(value, dict):
        raise ScenarioError(path, "expected an object")
    return value


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    if not isinstance(value, list):
        raise ScenarioError(f"$.{key}", "expected a list")
    return value


def _study_year(item: dict, path: str) -> int:
    year = item.get("study_year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 7:
        raise ScenarioError(f"{path}.study_year", f"expected a study year from 1 to 7, got {year!r}")
    return year


# The articles that say who an RD68 status is for: medicine students only.
RD68_MEDICINE_ONLY = {"public_health_intern": "RD68 ch. 1", "seventh_year_intern_duties": "RD68 ch. 14"}


def _check_period(period: Period, regime: str, track: str, path: str) -> None:
    """Refuse what the texts do not define: a status of the other regime, an RD68 status outside
    medicine, an extern's study year that D93 art. 6 does not pay, art. 27 bis outside medicine."""
    if REGIME[period.status] != regime:
        raise ScenarioError(f"{path}.status", f"{period.status!r} is a status of {REGIME[period.status]}, not of "
                                              f"the regime {regime!r} given in $.regime")
    if period.status in RD68_MEDICINE_ONLY and track != "medicine":
        raise ScenarioError(f"{path}.status", f"{RD68_MEDICINE_ONLY[period.status]} concerns medicine students only, "
                                              f"not the track {track!r} of $.track")
    if period.status == "extern":
        years = sorted(int(key.rsplit("year", 1)[1]) for key in load_parameters().keys()
                       if key.startswith(f"extern.stipend.{track}.year"))
        if period.study_year not in years:
            raise ScenarioError(f"{path}.study_year", f"D93 art. 6 pays the externs of {track} in years "
                                                      f"{', '.join(map(str, years))} only, not year {period.study_year}")
    if period.status == "resident" and period.administration and track != "medicine":
        # D93 art. 27 bis: "يستفيد المقيمون الأطباء": doctors only.
        raise ScenarioError(f"{path}.administration", f"D93 art. 27 bis concerns residents who are doctors of "
                                                      f"medicine, not the track {track!r}")


def _check_event(event: Event, regime: str, periods: list[Period], path: str) -> None:
    if event.kind == "repeat_year" and regime != "D93":
        raise ScenarioError(f"{path}.kind", "a paid repeated year is an extern's (D93 art. 6); RD68 has no externs")
    if event.kind == "unpaid_absence" and regime != "RD68":
        raise ScenarioError(f"{path}.kind", "the unpaid absence is RD68's (RD68 ch. 17); D93 has none")
    if event.kind == "temporary_exclusion" and any(
            p.status == "extern" and p.span.overlaps(event.span) for p in periods):
        # D93 art. 29: the externs' discipline is that of decree 2.75.664, not the stop of art. 30.
        raise ScenarioError(path, "D93 art. 30 stops the pay of interns and residents only; an extern's discipline "
                                  "is that of decree 2.75.664 (D93 art. 29), which does not say what it does to the pay")


def parse_scenario(data) -> tuple[str, list[Period], list[Event], list[str]]:
    data = _object(data, "$")
    regime = data.get("regime")
    if regime not in ("D93", "RD68"):
        raise ScenarioError("$.regime", f"expected \"D93\" or \"RD68\", got {regime!r}")
    track = data.get("track")
    if track not in ("medicine", "pharmacy", "dental"):
        raise ScenarioError("$.track", f"expected \"medicine\", \"pharmacy\" or \"dental\", got {track!r}")
    periods = []
    for i, raw in enumerate(_list(data, "periods")):
        path = f"$.periods[{i}]"
        item = _object(raw, path)
        status = item.get("status")
        if status not in STATUSES:
            raise ScenarioError(f"{path}.status", f"expected one of {', '.join(STATUSES)}, got {status!r}")
        gst_from = _date(item["gst_from"], f"{path}.gst_from") if item.get("gst_from") else None
        periods.append(Period(
            status=status, span=_span(item, path),
            study_year=_study_year(item, path) if status == "extern" else None,
            housed=_bool(item, "housed", path, True), civil_servant=_bool(item, "civil_servant", path, False),
            committed=_bool(item, "committed", path, False),
            administration=_bool(item, "administration", path, False), gst_from=gst_from,
        ))
        _check_period(periods[-1], regime, track, path)
    events = []
    for i, raw in enumerate(data.get("events") or []):
        path = f"$.events[{i}]"
        item = _object(raw, path)
        if item.get("kind") not in EVENT_KINDS:
            raise ScenarioError(f"{path}.kind", f"expected one of {', '.join(EVENT_KINDS)}, got {item.get('kind')!r}")
        events.append(Event(kind=item["kind"], span=_span(item, path), status=item.get("status"),
                            study_year=item.get("study_year")))
        _check_event(events[-1], regime, periods, path)
    months = _list(data, "months")
    for i, month in enumerate(months):
        if not isinstance(month, str) or not MONTH.match(month):
            raise ScenarioError(f"$.months[{i}]", f"expected YYYY-MM, got {month!r}")
    return track, periods, events, months


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="residanat payroll", description="Stipend simulation (no database).")
    sub = parser.add_subparsers(dest="command", required=True)
    simulate_parser = sub.add_parser("simulate", help="what one trainee is owed each month")
    simulate_parser.add_argument("scenario", help="scenario JSON file (- for standard input)")
    simulate_parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        text = sys.stdin.read() if args.scenario == "-" else open(args.scenario, encoding="utf-8").read()
    except OSError as exc:
        print(f"cannot read {args.scenario}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        track, periods, events, months = parse_scenario(json.loads(text))
        result = simulate(track, periods, events, months)
    except json.JSONDecodeError as exc:
        print(f"$: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", file=sys.stderr)
        return 2
    except (ScenarioError, ParameterError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"months": [m.as_json() for m in result]}, ensure_ascii=False, indent=2))
        return 0
    for month in result:
        print(f"{month.month}  total {month.total:>10.2f} MAD")
        for line in month.lines:
            print(f"  {line.code:<26} {line.amount:>10.2f}  {line.payer:<14} {line.days:>2} d × {line.rate} / month  "
                  f"({line.ref})")
    return 0
