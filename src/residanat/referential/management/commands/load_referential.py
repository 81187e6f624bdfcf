from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from residanat.referential.loader import ReferentialImportError, load_referential


class Command(BaseCommand):
    help = (
        "Load the national referential (regions, provinces, faculties, CHUs, establishments, services, "
        "specialties, under-staffed list) from its CSV files; nothing is written if any row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--data-dir", type=Path, help="directory of the CSV files (default: the shipped data)")

    def handle(self, *args, dry_run=False, data_dir=None, **options):
        try:
            report = load_referential(data_dir, dry_run=dry_run)
        except ReferentialImportError as exc:
            # Status 2 tells a script "bad data" apart from a crash (1).
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(report.as_text())
