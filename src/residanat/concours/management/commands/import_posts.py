import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from residanat.concours.services import do_import_posts_letter


class Command(BaseCommand):
    help = (
        "Import the distribution of posts from the ministry's letter (tab-separated tables); every "
        "subtotal, the total and the letter's figures are checked, and nothing is written on any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the letter, as text with tab-separated tables")
        parser.add_argument("--competition", required=True, help="slug, e.g. residanat-2026-casablanca")
        parser.add_argument("--dry-run", action="store_true", help="check and preview, write nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        file, dry_run = options["file"], options["dry_run"]
        if not file.is_file():
            raise CommandError(f"{file}: no such file", returncode=2)
        result = do_import_posts_letter(file, options["competition"], dry_run=dry_run)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(result.as_text())
        if result.errors:
            # Status 2 tells a script "bad data" apart from a crash (1).
            first = "; ".join(str(p) for p in result.errors[:3])
            more = f" (and {len(result.errors) - 3} more)" if len(result.errors) > 3 else ""
            raise CommandError(f"{len(result.errors)} error(s), nothing written: {first}{more}", returncode=2)

