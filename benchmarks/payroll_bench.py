"""Benchmark of the monthly payroll run (src/residanat/payroll/runs.py) on SQLite or PostgreSQL.

Builds a fresh database (migrated; SQLite file in a temporary directory by default, or the
PostgreSQL database named by --database-url, created and dropped by the script), fills it with a
seeded population in bulk, then times the Ministry's run of January 2026, the same run computed
again, its approval and closing, the next month after a rate order with an earlier effective date
(arrears for everybody: the adjustments path; --history K closes K months before the order) and a
hospital centre's run, with the SQL queries each one sends. Each measure is
compared with a reference timed in the same process: the pure computation of the same statuses
(rules/payroll.compute_month) without the database. Prints a Markdown table; exit status 1 if a
check fails (a re-run that changes a line, a closed month that changes, totals that differ from
the pure computation).

    .venv/bin/python benchmarks/payroll_bench.py                  # 20,000 trainees, SQLite
    .venv/bin/python benchmarks/payroll_bench.py --quick          # 2,000 trainees
    .venv/bin/python benchmarks/payroll_bench.py --history 6      # the order after six closed months
    .venv/bin/python benchmarks/payroll_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/residanat_bench
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import os
import platform
import pstats
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

D = dt.date
JANUARY = D(2026, 1, 1)
# Shares of the Ministry's trainees (--trainees); residents come on top (RESIDENT_SHARE of it).
EXTERN_SHARE, INTERN_SHARE, PH_SHARE = 0.60, 0.22, 0.10  # the rest: 7th-year students
RESIDENT_SHARE = 0.15
RESIDENT_CENTRES = (("chu-ibn-rochd", 0.40), ("chu-ibn-sina", 0.30), ("chu-hassan-ii", 0.15),
                    ("chu-mohammed-vi-marrakech", 0.15))
# (region code, GST powers_from): Casablanca-Settat pays since July 2025, Béni Mellal-Khénifra
# from the middle of the benchmark's month (the 7th-year lines split), Drâa-Tafilalet has a GST
# without a date yet; the other regions have none (the Ministry pays).
GROUPS = (("06", D(2025, 7, 1)), ("05", D(2026, 1, 16)), ("08", None))
# The tracks' extern years (D93 art. 2) and their share of the externs.
EXTERN_TRACKS = (("medicine", (3, 4, 5, 6), 0.80), ("dental", (3, 4, 5), 0.12), ("pharmacy", (4,), 0.08))
LAST_NAMES = ("Alaoui", "Bennani", "El Idrissi", "Tazi", "Berrada", "Chraibi", "El Amrani", "Benjelloun",
              "Ouazzani", "Lahlou", "Naciri", "Sqalli", "Bouzidi", "Hajji", "Kettani", "Sebti")
FIRST_NAMES = ("Salma", "Youssef", "Imane", "Mehdi", "Kenza", "Othmane", "Hiba", "Anas", "Nour", "Hamza",
               "Meryem", "Ayoub", "Sara", "Ilyas", "Ghita", "Reda")


# ---------------------------------------------------------------------------------------------
# The database


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def check_name(url: str) -> None:
    # The script drops the database it is given: never a database someone works in.
    name = database_name(url)
    if "bench" not in name or name in ("residanat", "residanat_main"):
        raise SystemExit(f"refusing database {name!r}: the script creates and drops it, give a name containing "
                         "'bench' (e.g. residanat_bench)")


def _maintenance(url: str):
    import psycopg

    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def create_postgres(url: str) -> None:
    name = database_name(url)
    with _maintenance(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_postgres(url: str) -> None:
    from django.db import connections

    connections.close_all()
    with _maintenance(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name(url)}"')


def configure(url: str) -> None:
    """Django on `url`, DEBUG off (as in production: no query log kept outside the measures)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("HTTPS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residanat.settings")
    import django

    django.setup()


# ---------------------------------------------------------------------------------------------
# The population


class World:
    """What the measures need: the users, the hospital centre of the CHU run, the counts."""

    def __init__(self):
        self.counts: dict[str, int] = {}


def _user(username, role=None, **scope):
    from residanat.accounts.models import RoleAssignment, User

    user = User.objects.create(username=username, first_name="Bench", last_name=username)
    if role:
        RoleAssignment.objects.create(user=user, role=role, valid_from=D(2025, 1, 1), **scope)
    return user


def populate(n: int, seed: int = 2026) -> World:
    """`n` trainees paid by the Ministry in January 2026 (externs of the three tracks with repeats,
    interns housed or not, public-health interns, 7th-year students in regions with and without a
    GST) and residents of four hospital centres on top, with pay terms, stipend stops, unpaid and
    sick leave, and bank accounts; all in bulk (no history rows: the rows predate the runs)."""
    from residanat.accounts.roles import Role
    from residanat.careers.models import Leave
    from residanat.payroll.models import BankAccount, PayTerms, StipendStop, TerritorialGroup
    from residanat.people.models import Person, TraineeStatus
    from residanat.referential.loader import load_referential
    from residanat.referential.models import Establishment, Faculty, HospitalCentre, Region, Specialty
    from residanat.rules.rib import with_key

    Kind = TraineeStatus.Kind
    rng = random.Random(seed)
    world = World()
    load_referential()
    world.officer = _user("bench.paie", Role.PAYROLL_OFFICER)
    world.second = _user("bench.controle", Role.PAYROLL_OFFICER)
    world.ministry = _user("bench.drh", Role.MINISTRY_ADMIN)
    centres = {c.code: c for c in HospitalCentre.objects.filter(code__in=[code for code, _ in RESIDENT_CENTRES])}
    world.centre = centres["chu-ibn-rochd"]
    world.chu_officer = _user("bench.paie.chu", Role.PAYROLL_OFFICER, hospital_centre=world.centre)
    for code, powers_from in GROUPS:
        region = Region.objects.get(code=code)
        TerritorialGroup.objects.create(region=region, name_fr=f"GST {region.name_fr}", name_ar=f"م ص ت {region.name_ar}",
                                        powers_from=powers_from)

    faculty_of = {}
    for centre in centres.values():
        faculties = list(centre.faculties.order_by("code"))
        fmp = next(f for f in faculties if f.kind == Faculty.Kind.FMP)
        faculty_of[centre.code] = {"medicine": fmp, "pharmacy": fmp,
                                   "dental": next((f for f in faculties if f.kind == Faculty.Kind.FMD), fmp)}
    chu_establishments = {code: list(Establishment.objects.filter(hospital_centre=c).order_by("code"))
                          for code, c in centres.items()}
    public_health = list(Establishment.objects.filter(hospital_centre__isnull=True).order_by("code"))
    specialties = list(Specialty.objects.order_by("code"))
    centre_codes = [code for code, _ in RESIDENT_CENTRES]
    centre_weights = [share for _, share in RESIDENT_CENTRES]

    people: list[Person] = []
    statuses: list[TraineeStatus] = []
    terms: list[tuple[int, dict]] = []  # (index in statuses, facts)

    def person():
        i = len(people)
        people.append(Person(national_id=f"BK{i:07d}", last_name=rng.choice(LAST_NAMES),
                             first_name=rng.choice(FIRST_NAMES), birth_date=D(1996, 1, 1) + dt.timedelta(days=i % 2900)))
        return i

    def status(p, kind, start, end=None, **fields):
        statuses.append((p, TraineeStatus(kind=kind, start_date=start, end_date=end, **fields)))
        return len(statuses) - 1

    n_extern, n_intern, n_ph = int(n * EXTERN_SHARE), int(n * INTERN_SHARE), int(n * PH_SHARE)
    n_seventh = n - n_extern - n_intern - n_ph
    paid_by_ministry = []
    for i in range(n_extern):
        track, years, _ = rng.choices(EXTERN_TRACKS, weights=[w for *_, w in EXTERN_TRACKS])[0]
        year = rng.choice(years)
        code = rng.choices(centre_codes, centre_weights)[0]
        common = {"track": track, "study_year": year, "faculty": faculty_of[code][track],
                  "hospital_centre": centres[code]}
        p = person()
        draw = rng.random()
        if draw < 0.015:
            # A second repeat (D93 art. 6: not paid): two earlier years at the same level.
            status(p, Kind.EXTERN, D(2023, 9, 15), D(2024, 7, 31), **common)
            status(p, Kind.EXTERN, D(2024, 9, 15), D(2025, 7, 31), is_repeat=True, **common)
            paid_by_ministry.append(status(p, Kind.EXTERN, D(2025, 9, 15), D(2026, 7, 31), is_repeat=True, **common))
        elif draw < 0.075:
            status(p, Kind.EXTERN, D(2024, 9, 15), D(2025, 7, 31), **common)
            paid_by_ministry.append(status(p, Kind.EXTERN, D(2025, 9, 15), D(2026, 7, 31), is_repeat=True, **common))
        else:
            paid_by_ministry.append(status(p, Kind.EXTERN, D(2025, 9, 15), D(2026, 7, 31), **common))
    for i in range(n_intern):
        code = rng.choices(centre_codes, centre_weights)[0]
        s = status(person(), Kind.INTERN, rng.choice((D(2024, 9, 1), D(2025, 9, 1))), track="medicine",
                   faculty=faculty_of[code]["medicine"], hospital_centre=centres[code],
                   establishment=rng.choice(chu_establishments[code]))
        paid_by_ministry.append(s)
        draw = rng.random()
        if draw < 0.40:
            terms.append((s, {"housed": True}))  # D93 art. 18: no housing allowance
        elif draw < 0.42:
            terms.append((s, {"housed": True, "valid_from": D(2026, 1, 16)}))  # housed mid-month: the line splits
    for i in range(n_ph):
        s = status(person(), Kind.PUBLIC_HEALTH_INTERN, D(2024, 10, 1), track="medicine",
                   establishment=rng.choice(public_health))
        paid_by_ministry.append(s)
        if rng.random() < 0.30:
            terms.append((s, {"housed": True}))
    for i in range(n_seventh):
        paid_by_ministry.append(status(person(), Kind.SEVENTH_YEAR, D(2025, 1, 1), D(2026, 6, 30), track="medicine",
                                       establishment=rng.choice(public_health)))
    residents = []
    for i in range(int(n * RESIDENT_SHARE)):
        code = rng.choices(centre_codes, centre_weights)[0]
        s = status(person(), Kind.RESIDENT, D(rng.choice((2022, 2023, 2024, 2025)), 11, 1), track="medicine",
                   faculty=faculty_of[code]["medicine"], hospital_centre=centres[code],
                   establishment=rng.choice(chu_establishments[code]), specialty=rng.choice(specialties))
        residents.append(s)
        draw = rng.random()
        if draw < 0.08:
            terms.append((s, {"civil_servant": True}))  # D93 art. 27: salary paid outside
        elif draw < 0.11:
            terms.append((s, {"committed": True}))
        elif draw < 0.13:
            terms.append((s, {"administration": "Ministère de l'Intérieur"}))  # D93 art. 27 bis

    Person.objects.bulk_create(people, batch_size=2000)
    if people[0].pk is None:  # a backend without RETURNING
        ids = dict(Person.objects.values_list("national_id", "id"))
        for p in people:
            p.pk = ids[p.national_id]
    objects = []
    for p, s in statuses:
        s.person_id = people[p].pk
        objects.append(s)
    TraineeStatus.objects.bulk_create(objects, batch_size=2000)
    if objects[0].pk is None:
        ids = {(s.person_id, s.start_date): s.pk for s in TraineeStatus.objects.all()}
        for s in objects:
            s.pk = ids[(s.person_id, s.start_date)]
    PayTerms.objects.bulk_create([PayTerms(status=objects[i], updated_by=world.officer,
                                           **{"valid_from": objects[i].start_date, **facts}) for i, facts in terms],
                                 batch_size=2000)
    # Stipend stops (D93 art. 30) and unpaid absences cutting January, sick leave (paid) too.
    stops, leaves = [], []
    for i in paid_by_ministry + residents:
        draw = rng.random()
        day = rng.randrange(1, 28)
        if draw < 0.01:
            stops.append(StipendStop(status=objects[i], start_date=D(2026, 1, day), end_date=D(2026, 2, day),
                                     decision_ref="Conseil de discipline (bench)", recorded_by=world.officer))
        elif draw < 0.02:
            leaves.append(Leave(status=objects[i], kind=Leave.Kind.UNPAID, start_date=D(2026, 1, day),
                                end_date=D(2026, 1, min(31, day + 6)), recorded_by=world.officer))
        elif draw < 0.03:
            leaves.append(Leave(status=objects[i], kind=Leave.Kind.SICK, start_date=D(2025, 12, day),
                                end_date=D(2026, 1, day), recorded_by=world.officer))
    StipendStop.objects.bulk_create(stops, batch_size=2000)
    Leave.objects.bulk_create(leaves, batch_size=2000)
    # Bank accounts for most (the others would be listed as missing by the transfer file).
    accounts = [BankAccount(person=p, holder=f"{p.last_name.upper()} {p.first_name}", updated_by=world.officer,
                            rib=with_key(f"{rng.choice(('011', '007', '230', '145'))}780{k:016d}"))
                for k, p in enumerate(people) if rng.random() < 0.95]
    BankAccount.objects.bulk_create(accounts, batch_size=2000)
    world.counts = {"persons": len(people), "statuses": len(objects), "ministry": len(paid_by_ministry),
                    "residents": len(residents), "pay_terms": len(terms), "stops": len(stops), "leave": len(leaves),
                    "bank_accounts": len(accounts),
                    "ibn_rochd": sum(1 for i in residents if objects[i].hospital_centre_id == world.centre.pk)}
    return world


# ---------------------------------------------------------------------------------------------
# Timing


class Measure:
    def __init__(self, label):
        self.label = label
        self.best = float("inf")
        self.cpu = None  # (this process, the database server's backend) of the best run
        self.queries = None
        self.lines = 0
        self.trainees = 0
        self.reference = None
        self.check = ""
        self.profile = None
        self.ok = True


def server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, read from /proc when the
    server runs on this machine (None otherwise, and for SQLite, which runs in this process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("select pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class Timing:
    def __init__(self, seconds, queries, result, profiler, cpu, server):
        self.seconds, self.queries, self.result, self.profiler = seconds, queries, result, profiler
        self.cpu, self.server = cpu, server


def timed(fn, profile=False) -> Timing:
    """One call: wall and CPU time (this process and the database server), SQL queries sent, the
    collector emptied before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gc.collect()
    profiler = cProfile.Profile() if profile else None
    server = server_cpu()
    with CaptureQueriesContext(connection) as captured:
        start, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = fn()
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    queries = len(captured.captured_queries)
    after = server_cpu()
    return Timing(seconds, queries, result, profiler, cpu, after - server if server is not None else None)


def keep(m: "Measure", t: Timing) -> None:
    """Record `t` in `m` if it is the best run so far."""
    if t.seconds < m.best:
        m.best, m.cpu = t.seconds, (t.cpu, t.server)
    m.queries = t.queries


def reference(statuses, months, table, repeat):
    """Best time of the pure computation (rules/payroll.compute_month) of `statuses` for `months`,
    the inputs already in memory; returns (seconds, {month: [Month of each status]})."""
    from residanat.rules.payroll import compute_month

    best, totals = float("inf"), {}
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        results = {m: [compute_month(s.track, s.periods, s.events, f"{m:%Y-%m}", table) for s in statuses]
                   for m in months}
        best = min(best, time.perf_counter() - start)
        totals = results
    return best, totals


def snapshot(run):
    from residanat.payroll.models import PayLine

    fields = ("status_id", "kind", "month_corrected", "code", "key", "ref", "payer", "days", "rate", "amount",
              "reason", "reason_detail", "previously_paid", "status_kind", "establishment_id", "hospital_centre_id")
    return sorted(PayLine.objects.filter(run=run).values_list(*fields))


def fresh_run(user, month, payer, **unit):
    """An open run for `payer` and `month`, the unfinished one of this payer thrown away first."""
    from residanat.payroll.models import PayLine, PayrollRun
    from residanat.payroll.runs import do_open_run

    for run in PayrollRun.objects.exclude(state=PayrollRun.State.CLOSED).filter(
            payer_key=PayrollRun.payer_key_of(PayrollRun(payer=payer, **unit))):
        PayLine.objects.filter(run=run).delete()
        run.delete()
    return do_open_run(user, month, payer, **unit)


def measure_compute(label, user, month, payer, repeat, profile, **unit):
    from residanat.payroll.runs import do_compute_run

    m = Measure(label)
    run = None
    # The profiled run comes after the timed ones and is not counted: the profiler slows Python down.
    for profiled in [False] * repeat + [True] * profile:
        run = fresh_run(user, month, payer, **unit)
        t = timed(lambda: do_compute_run(run, user), profiled)
        run = t.result
        if profiled:
            m.profile = t.profiler
        else:
            keep(m, t)
    m.lines, m.trainees = run.lines.count(), run.trainees
    return m, run


def pure_inputs(run, months):
    """The statuses a run prices, loaded as do_compute_run loads them (not timed)."""
    from residanat.payroll.inputs import load, overlapping, parameter_table, payer_statuses
    from residanat.rules.payroll import month_span
    from residanat.rules.service_time import Span

    span = Span(month_span(f"{months[0]:%Y-%m}").start, month_span(f"{months[-1]:%Y-%m}").end)
    return load(overlapping(payer_statuses(run), span), span), parameter_table()


def payer_total(results, run, month) -> Decimal:
    """What the pure computation gives this run's payer for `month`."""
    from residanat.payroll.runs import _payer_of

    return sum((line.amount for result in results[month] for line in result.lines if _payer_of(run, line)),
               Decimal("0.00"))


def bench(n: int, repeat: int, profile: bool, history: int = 1, analyze: bool = True
          ) -> tuple[list[Measure], World, float]:
    from django.core.management import call_command
    from django.db import connection

    from residanat.payroll.models import PayLine, Payer, RateOrder
    from residanat.payroll.runs import do_approve_run, do_close_run, do_compute_run
    from residanat.rules.parameters import load_parameters
    from residanat.rules.service_time import add_months

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - start
    world = populate(n)
    if analyze and connection.vendor == "postgresql":
        # In service, autovacuum keeps the planner's statistics; tables just filled in bulk have
        # none, and the planner then misjudges the IN lists of the adjustments (see README).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup = time.perf_counter() - start
    print(f"  migrate {migrated:.1f} s, population {setup - migrated:.1f} s: {world.counts}", file=sys.stderr, flush=True)
    measures = []

    # (1) The Ministry's run of January 2026, computed from an open run.
    first, run = measure_compute("MSPS 01/2026: compute", world.officer, JANUARY, Payer.MSPS, repeat, profile)
    statuses, table = pure_inputs(run, [JANUARY])
    first.reference, results = reference(statuses, [JANUARY], table, repeat)
    same = payer_total(results, run, JANUARY) == run.total
    first.check = f"total {run.total:,.2f} MAD = pure computation: {'yes' if same else 'NO'}"
    first.ok = same
    measures.append(first)

    # (2) The same run computed again: the lines are thrown away and written again, unchanged.
    before = snapshot(run)
    again = Measure("MSPS 01/2026: compute again")
    for profiled in [False] * repeat + [True] * profile:
        t = timed(lambda: do_compute_run(run, world.officer), profiled)
        run = t.result
        if profiled:
            again.profile = t.profiler
        else:
            keep(again, t)
    identical = snapshot(run) == before
    again.lines, again.trainees, again.reference = run.lines.count(), run.trainees, first.reference
    again.check = f"identical lines: {'yes' if identical else 'NO'} ({len(before):,})"
    again.ok = identical
    measures.append(again)

    # (3) Four eyes and closing; with --history K, the next K-1 months computed and closed too (not
    # timed); then an order raising every Ministry amount from the 15th of the last closed month:
    # the next month pays its own lines and that month's arrears to everybody (adjustment lines).
    approve, close = Measure("MSPS 01/2026: approve"), Measure("MSPS 01/2026: close")
    t = timed(lambda: do_approve_run(run, world.second))
    keep(approve, t)
    t = timed(lambda: do_close_run(t.result, world.officer))
    keep(close, t)
    run = t.result
    for m in (approve, close):
        m.lines, m.trainees, m.check, m.ok = len(before), run.trainees, "", True
    measures += [approve, close]
    closed = [run]
    for k in range(1, history):
        start = time.perf_counter()
        run = do_compute_run(fresh_run(world.officer, add_months(JANUARY, k), Payer.MSPS), world.officer)
        closed.append(do_close_run(do_approve_run(run, world.second), world.officer))
        print(f"  {run.month:%m/%Y} computed and closed in {time.perf_counter() - start:.1f} s", file=sys.stderr,
              flush=True)
    last, month = closed[-1], add_months(JANUARY, history)
    order_from = last.month.replace(day=15)
    before_order = {r.pk: snapshot(r) for r in closed}
    base = load_parameters()
    keys = [k for k in base.keys() if k.startswith(("extern.stipend.", "intern.stipend", "intern.housing",
                                                     "ph_intern.stipend", "ph_intern.housing", "seventh_year.lump"))]
    RateOrder.objects.bulk_create([
        RateOrder(key=k, value=(base.get(k, order_from).value * Decimal("1.10")).quantize(Decimal("0.01")),
                  valid_from=order_from, order_ref=f"Arrêté bench {order_from:%d-%m-%Y}", entered_by=world.ministry)
        for k in keys])
    history_label = f"{history} closed month{'s' if history > 1 else ''}"
    arrears, run = measure_compute(f"MSPS {month:%m/%Y}: compute with arrears ({history_label})", world.officer,
                                   month, Payer.MSPS, repeat, profile)
    statuses, table = pure_inputs(run, [last.month, month])
    arrears.reference, results = reference(statuses, [last.month, month], table, repeat)
    adjustments = PayLine.objects.filter(run=run, kind="adjustment")
    due = payer_total(results, run, last.month) - last.total
    paid_adjustments = sum(adjustments.values_list("amount", flat=True), Decimal("0.00"))
    regular = sum(PayLine.objects.filter(run=run, kind="regular").values_list("amount", flat=True), Decimal("0.00"))
    reasons = set(adjustments.values_list("reason", flat=True))
    unchanged = all(snapshot(r) == lines for r, lines in zip(closed, before_order.values()))
    arrears.ok = (unchanged and reasons == {"rate"} and paid_adjustments == due
                  and regular == payer_total(results, run, month))
    arrears.check = (f"{adjustments.count():,} adjustment lines, reason {','.join(sorted(reasons))}, arrears "
                     f"{paid_adjustments:,.2f} MAD = pure computation: {'yes' if paid_adjustments == due else 'NO'}; "
                     f"closed months unchanged: {'yes' if unchanged else 'NO'}")
    measures.append(arrears)

    # (4) CHU Ibn Rochd's run of January 2026: its residents, salaries paid outside at 0.00.
    chu, run = measure_compute("CHU Ibn Rochd 01/2026: compute", world.chu_officer, JANUARY, Payer.CHU, repeat,
                               profile, hospital_centre=world.centre)
    statuses, table = pure_inputs(run, [JANUARY])
    chu.reference, results = reference(statuses, [JANUARY], table, repeat)
    same = payer_total(results, run, JANUARY) == run.total
    chu.check = f"total {run.total:,.2f} MAD = pure computation: {'yes' if same else 'NO'}"
    chu.ok = same
    measures.append(chu)
    return measures, world, setup


def fmt(seconds) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def table(measures: list[Measure]) -> str:
    head = ["measure", "trainees", "lines", "SQL queries", "time", "CPU: python + server", "reference: rules only",
            "ratio", "check"]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for m in measures:
        ratio = f"{m.best / m.reference:.1f}x" if m.reference else "-"
        python, server = m.cpu
        cpu = fmt(python) + (f" + {fmt(server)}" if server is not None else "")
        out.append("| " + " | ".join([m.label, f"{m.trainees:,}", f"{m.lines:,}", str(m.queries), fmt(m.best), cpu,
                                      fmt(m.reference), ratio, m.check]) + " |")
    return "\n".join(out)


def print_profiles(measures: list[Measure], limit: int = 25) -> None:
    """Where the time goes: our functions by cumulative time, then every function by own time."""
    for m in measures:
        if m.profile is None:
            continue
        stream = io.StringIO()
        stats = pstats.Stats(m.profile, stream=stream)
        stats.sort_stats("cumulative").print_stats(r"residanat/(payroll|rules)", limit)
        stats.sort_stats("tottime").print_stats(limit)
        print(f"\n### Profile: {m.label} (an extra run, not timed)\n\n```\n{stream.getvalue().strip()}\n```")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=20_000,
                        help="trainees paid by the Ministry (residents come on top: 15%%)")
    parser.add_argument("--quick", action="store_true", help="2,000 trainees")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure; the best is kept")
    parser.add_argument("--database-url", help="a PostgreSQL database to create, use and drop "
                                               "(its name must contain 'bench'); default: SQLite in a temp dir")
    parser.add_argument("--history", type=int, default=1, choices=range(1, 7), metavar="K",
                        help="months closed before the rate order (1-6, from January 2026; default 1): the arrears "
                             "run reads what they paid")
    parser.add_argument("--no-analyze", action="store_true",
                        help="PostgreSQL: skip ANALYZE after the bulk load (no planner statistics)")
    parser.add_argument("--keep", action="store_true", help="do not drop the PostgreSQL database at the end")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of each compute (one more run, not counted in the times)")
    args = parser.parse_args(argv)
    n = 2_000 if args.quick else args.trainees

    tmpdir = tempfile.TemporaryDirectory(prefix="residanat-bench-")
    if args.database_url:
        check_name(args.database_url)
        url = args.database_url
        create_postgres(url)
    else:
        url = f"sqlite:///{Path(tmpdir.name) / 'bench.sqlite3'}"
    configure(url)
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("select version()" if connection.vendor == "postgresql" else "select sqlite_version()")
            version = cursor.fetchone()[0].split(" on ")[0]
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}, "
              f"{connection.vendor} {version}"
              f"{' (no ANALYZE)' if args.no_analyze and connection.vendor == 'postgresql' else ''}, "
              f"{n:,} trainees, best of {args.repeat}, "
              f"load average {os.getloadavg()[0]:.2f} at start", flush=True)
        measures, world, setup = bench(n, args.repeat, args.profile, args.history, not args.no_analyze)
        print(f"population: {world.counts['persons']:,} persons, {world.counts['statuses']:,} statuses "
              f"({world.counts['ministry']:,} paid by the Ministry, {world.counts['residents']:,} residents of 4 CHUs, "
              f"{world.counts['ibn_rochd']:,} at Ibn Rochd), {world.counts['pay_terms']:,} pay terms, "
              f"{world.counts['stops']:,} stipend stops, {world.counts['leave']:,} leave, "
              f"{world.counts['bank_accounts']:,} bank accounts; built and migrated in {setup:.1f} s\n")
        print(table(measures))
        print(LEGEND)
        if args.profile:
            print_profiles(measures)
        print(f"load average {os.getloadavg()[0]:.2f} at the end")
    finally:
        if args.database_url and not args.keep:
            drop_postgres(url)
        tmpdir.cleanup()
    return 0 if all(getattr(m, "ok", True) for m in measures) else 1


LEGEND = """
- trainees = persons paid by the run (PayrollRun.trainees); lines = PayLine rows it holds.
- SQL queries = statements sent during the call (CaptureQueriesContext); the lines are written by
  one executemany, counted once.
- time = wall time of the service call (do_compute_run, do_approve_run, do_close_run), best of N; a compute
  starts from a freshly opened run (the previous one thrown away, not timed) except "compute again".
- CPU = CPU time of the same run: this process (SQLite runs inside it) + the PostgreSQL backend
  serving the connection (read from /proc; the server runs on this machine). On a busy machine
  the wall time is higher than the sum: the process waits for a CPU.
- reference = rules/payroll.compute_month for the same statuses and months, inputs already in
  memory (no database), best of N; for the arrears run, the last closed month and the new one.
- ratio = time / reference: what the database, the loading and the comparisons cost on top of the
  computation itself."""


if __name__ == "__main__":
    sys.exit(main())
