"""Benchmark of the merit-list PDF (src/residanat/concours/publication.py) produced by the worker.

Builds a throwaway SQLite database (migrated, the real referential) with a résidanat competition
of N candidates (default 3,000), scores entered, list computed, deliberated and published, then,
for each language (fr, ar), starts the jury's list job (every row, with the weighted totals) as the
list page does and lets the real worker run it (`residanat worker --batch`, in this process). The
reference is a 400-row competition rendered the same way in the same process. Prints a Markdown
table: seconds per language, pages, seconds per 100 rows, the load average; checks that each
stored PDF holds the first and last candidates' names (pdftotext) and that no job failed.

    .venv/bin/python benchmarks/merit_pdf_bench.py               # 3,000 rows, reference 400 (~1 min)
    .venv/bin/python benchmarks/merit_pdf_bench.py --rows 1000 --reference 200
    .venv/bin/python benchmarks/merit_pdf_bench.py --profile     # + a cProfile of one rendering
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

LAST_NAMES = (("Alaoui", "العلوي"), ("Bennani", "بناني"), ("El Idrissi", "الإدريسي"), ("Tazi", "التازي"),
              ("Berrada", "برادة"), ("Chraibi", "الشرايبي"), ("El Amrani", "العمراني"), ("Benjelloun", "بنجلون"),
              ("Ouazzani", "الوزاني"), ("Lahlou", "لحلو"), ("Naciri", "الناصري"), ("Sqalli", "السقلي"),
              ("Bouzidi", "البوزيدي"), ("Hajji", "الحجي"), ("Kettani", "الكتاني"), ("Sebti", "السبتي"))
FIRST_NAMES = (("Salma", "سلمى"), ("Youssef", "يوسف"), ("Imane", "إيمان"), ("Mehdi", "مهدي"), ("Kenza", "كنزة"),
               ("Othmane", "عثمان"), ("Hiba", "هبة"), ("Anas", "أنس"), ("Nour", "نور"), ("Hamza", "حمزة"),
               ("Meryem", "مريم"), ("Ayoub", "أيوب"), ("Sara", "سارة"), ("Ilyas", "إلياس"), ("Ghita", "غيثة"),
               ("Reda", "رضا"))
LANGUAGES = ("fr", "ar")


def configure(folder: Path) -> None:
    """Django on a SQLite file in `folder`, DEBUG off, documents stored under `folder`."""
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DEBUG"] = "0"
    os.environ["RESIDANAT_VAR"] = str(folder / "var")
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("HTTPS", "0")
    os.environ["DJANGO_SETTINGS_MODULE"] = "residanat.settings"
    import django

    django.setup()


def competition_of(rows: int, slug: str, prefix: str, dean):
    """A published résidanat competition of `rows` Moroccan candidates (in bulk), a fifth of them
    admitted on contract seats; distinct totals around the last seat (the jury could not deliberate
    a tie there), ex aequo elsewhere as in life."""
    from residanat.concours.merit import do_compute_merit_list
    from residanat.concours.models import Candidate, Competition, CompetitionTest, PostAllocation, Score
    from residanat.concours.workflow import do_transition
    from residanat.people.models import Person

    State = Competition.State
    competition = Competition.objects.create(
        kind=Competition.Kind.RESIDANAT, year=2026, slug=slug, faculty=dean.faculty, state=State.REGISTRATION_CLOSED,
        session_date=dt.date(2026, 6, 15), registration_closes_on=dt.date(2026, 5, 1))
    PostAllocation.objects.create(competition=competition, seat_type="contract", group="medical", track="medicine",
                                  seats=rows // 5)
    tests = [CompetitionTest.objects.create(competition=competition, code=code, name_fr=fr, name_ar=ar, weight=weight,
                                            order=order)
             for order, (code, fr, ar, weight) in enumerate((("ecrit", "Épreuve écrite", "الاختبار الكتابي", 1),
                                                              ("cas", "Cas cliniques", "الحالات السريرية", 3)), 1)]
    people = Person.objects.bulk_create([
        Person(national_id=f"{prefix}{i:06d}", nationality="MA", birth_date=dt.date(1999, 3, 14),
               last_name=LAST_NAMES[i % 16][0], first_name=FIRST_NAMES[i // 16 % 16][0],
               last_name_ar=LAST_NAMES[i % 16][1], first_name_ar=FIRST_NAMES[i // 16 % 16][1])
        for i in range(rows)])
    candidates = Candidate.objects.bulk_create([
        Candidate(competition=competition, person=person, number=f"R{i + 1:05d}", track="medicine",
                  route=Candidate.Route.COMPETITION, diploma=Candidate.Diploma.MEDICINE,
                  diploma_date=dt.date(2023, 7, 1), practice_since=dt.date(2023, 9, 1), civil_service_in_order=True,
                  state=Candidate.State.ELIGIBLE)
        for i, person in enumerate(people)])
    Score.objects.bulk_create([
        Score(candidate=candidate, test=test, value=Decimal(20) - Decimal(i * 2 // 3) / 100)
        for i, candidate in enumerate(candidates) for test in tests])
    do_transition(competition, State.SCORES_ENTERED, dean)
    do_compute_merit_list(competition, dean)
    do_transition(competition, State.DELIBERATED, dean, "PV n° 1")
    do_transition(competition, State.PUBLISHED, dean)
    competition.refresh_from_db()
    return competition


def cpu_seconds() -> float:
    """CPU of this process and of the parts it forked (documents/parts.py), once they ended."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def pdf_pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


class Measure:
    def __init__(self, rows, language, seconds, cpu, pages, ok, note):
        self.rows, self.language, self.seconds, self.cpu, self.pages, self.ok, self.note = (
            rows, language, seconds, cpu, pages, ok, note)


def produce(competition, language: str, dean, profile: cProfile.Profile | None = None) -> Measure:
    """Start the jury's list job in `language` and let the worker make it; the worker's run is timed."""
    from django.core.management import call_command

    from residanat.concours import publication
    from residanat.ops.models import Job

    merit_list = publication.published_merit_list(competition)
    rows = merit_list.entries.count()
    name = publication.do_start_rendering(competition, merit_list, language, public=False, by=dean)
    start, cpu = time.perf_counter(), cpu_seconds()
    if profile:
        profile.enable()
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    if profile:
        profile.disable()
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    job = Job.objects.get(key=name)
    pdf = publication.stored_merit_list_pdf(competition, merit_list, language, public=False)
    notes = []
    if job.state != Job.State.DONE or pdf is None:
        return Measure(rows, language, seconds, cpu, 0, False, f"job {job.state}: {job.error}")
    text = pdf_text(pdf)
    entries = publication.list_rows(merit_list, public=False)
    key = "name_ar" if language == "ar" else "name_fr"
    # pdftotext gives Arabic in logical order, each word on its own: the words, not the whole name.
    words = [word for row in (entries[0], entries[-1]) for word in getattr(row, key).split()]
    missing = [w for w in words if w not in text]
    if missing:
        notes.append(f"missing in the text: {missing}")
    numbers = sum(1 for row in entries if row.number in text)
    if numbers != rows:
        notes.append(f"{rows - numbers} candidate numbers missing")
    return Measure(rows, language, seconds, cpu, pdf_pages(pdf), not notes, "; ".join(notes) or "names and numbers found")


def table(measures: list[Measure]) -> str:
    from residanat.documents.parts import part_count

    lines = ["| rows | language | parts | worker: seconds | CPU, all processes | pages | s per 100 rows | check |",
             "|---:|---|---:|---:|---:|---:|---:|---|"]
    for m in measures:
        lines.append(f"| {m.rows:,} | {m.language} | {part_count(m.rows)} | **{m.seconds:.2f} s** | {m.cpu:.2f} s | {m.pages} | "
                     f"{m.seconds * 100 / m.rows:.2f} | {'ok' if m.ok else 'FAILED'}: {m.note} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=3000, help="candidates of the measured list (default 3,000)")
    parser.add_argument("--reference", type=int, default=400, help="candidates of the reference list (default 400)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the French rendering")
    args = parser.parse_args(argv)

    folder = tempfile.TemporaryDirectory(prefix="residanat-bench-")
    configure(Path(folder.name))
    from django.core.management import call_command

    from residanat.accounts.models import RoleAssignment, User
    from residanat.accounts.roles import Role
    from residanat.referential.loader import load_referential
    from residanat.referential.models import Faculty

    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}, "
          f"load average {'/'.join(f'{v:.2f}' for v in os.getloadavg())} (1/5/15 min) at start", flush=True)
    try:
        start = time.perf_counter()
        call_command("migrate", verbosity=0)
        load_referential()
        faculty = Faculty.objects.order_by("code").first()
        dean = User.objects.create(username="bench.decanat", first_name="Bench", last_name="Décanat")
        RoleAssignment.objects.create(user=dean, role=Role.DEAN_OFFICE, faculty=faculty, valid_from=dt.date(2025, 1, 1))
        dean.faculty = faculty
        reference = competition_of(args.reference, f"residanat-{args.reference}", "RF", dean)
        measured = competition_of(args.rows, f"residanat-{args.rows}", "BK", dean)
        print(f"built and migrated in {time.perf_counter() - start:.1f} s\n", flush=True)
        profile = cProfile.Profile() if args.profile else None
        measures = []
        for language in LANGUAGES:
            measures.append(produce(reference, language, dean))
            measures.append(produce(measured, language, dean, profile if language == "fr" else None))
        print(table(measures))
        by = {(m.rows, m.language): m for m in measures}
        for language in LANGUAGES:
            ref, big = by[(args.reference, language)], by[(args.rows, language)]
            print(f"\n{language}: {args.rows:,} rows in {big.seconds:.2f} s, {args.reference:,} rows in {ref.seconds:.2f} s "
                  f"(ratio {big.seconds / ref.seconds:.2f} for {args.rows / args.reference:.1f} times the rows)")
        print(f"\nload average {'/'.join(f'{v:.2f}' for v in os.getloadavg())} (1/5/15 min) at the end")
        if profile:
            stream = io.StringIO()
            pstats.Stats(profile, stream=stream).sort_stats("cumulative").print_stats(40)
            pstats.Stats(profile, stream=stream).sort_stats("tottime").print_stats(30)
            print(f"\n### Profile: {args.rows:,} rows, fr\n\n```\n{stream.getvalue().strip()}\n```")
    finally:
        folder.cleanup()
    return 0 if all(m.ok for m in measures) else 1


if __name__ == "__main__":
    sys.exit(main())
