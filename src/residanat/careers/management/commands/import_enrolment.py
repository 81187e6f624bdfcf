import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from residanat.careers.enrolment import do_import_enrolment
from residanat.careers.externs import default_year_dates
from residanat.referential.models import Faculty


class Command(BaseCommand):
    help = (
        "Import a faculty's yearly enrolment list (xlsx or CSV) and create the extern statuses "
        "(D93 art. 2). Checks every row and prints the report; writes only with --commit."
    )

    def add_arguments(self, parser):
        parser.add_argument("faculty", help="the faculty's code, e.g. fmp-casablanca")
        parser.add_argument("file", type=Path, help="the enrolment list (.xlsx or .csv)")
        parser.add_argument("--year", type=int, required=True, help="the academic year's first year, e.g. 2026")
        parser.add_argument("--start", type=dt.date.fromisoformat, help="first day (YYYY-MM-DD; default 1 September)")
        parser.add_argument("--end", type=dt.date.fromisoformat, help="last day (YYYY-MM-DD; default 31 August)")
        parser.add_argument("--by", help="username of the importing account (default: the first superuser)")
        parser.add_argument("--commit", action="store_true", help="write (default: dry run, nothing written)")

    def _user(self, username):
        users = get_user_model().objects.filter(is_active=True)
        user = users.filter(username=username).first() if username else users.filter(is_superuser=True).order_by(
            "pk").first()
        if user is None:
            raise CommandError(f"no active user {username!r}" if username else "no superuser: pass --by USERNAME")
        return user

    def handle(self, *args, **options):
        file = options["file"]
        if not file.is_file():
            raise CommandError(f"{file}: no such file", returncode=2)
        faculty = Faculty.objects.filter(code=options["faculty"]).first()
        if faculty is None:
            raise CommandError(f"unknown faculty {options['faculty']!r}", returncode=2)
        start, end = default_year_dates(options["year"])
        try:
            result = do_import_enrolment(
                faculty, file.read_bytes(), academic_year=options["year"], start_date=options["start"] or start,
                end_date=options["end"] or end, by=self._user(options["by"]), dry_run=not options["commit"],
                file_name=file.name)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])), returncode=2) from exc
        self.stdout.write(result.as_text())
        if result.errors:
            # Status 2 tells a script "bad data" apart from a crash (1).
            first = "; ".join(str(p) for p in result.errors[:3])
            more = f" (and {len(result.errors) - 3} more)" if len(result.errors) > 3 else ""
            raise CommandError(f"{len(result.errors)} error(s), nothing written: {first}{more}", returncode=2)
