"""`residanat restore FILE`: put back what `residanat backup` archived (residanat.ops.backup)."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from residanat.ops.backup import BackupError, read_backup, restore_backup


class Command(BaseCommand):
    help = (
        "Check an archive of `residanat backup` whole, then replace the database and the stored files with "
        "its content. Refuses a damaged or truncated archive, and a database with data unless --force. "
        "Stop `serve` and the workers first; run `migrate` after restoring an older version's archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="restore over a database that holds data")
        parser.add_argument("--check", action="store_true", help="only check the archive; change nothing")

    def handle(self, *args, file, force, check, **options):
        try:
            if check:
                with tempfile.TemporaryDirectory(prefix="residanat-check-") as work:
                    manifest = read_backup(file, Path(work))
                verb = "checked"
            else:
                manifest = restore_backup(file, force=force)
                verb = "restored"
        except BackupError as error:
            # Every refusal comes before a change; pg_restore restores in one transaction.
            raise CommandError(f"{error} Nothing was changed.") from error
        files = len(manifest["members"]) - 1
        self.stdout.write(f"{file}: {verb}, {manifest['database']['vendor']} database and {files} stored file{'s' * (files != 1)} of {manifest['created']} (residanat {manifest['version']}).")
