"""`residanat backup FILE`: the database and the stored files in one archive (residanat.ops.backup)."""

from django.core.management.base import BaseCommand, CommandError

from residanat.ops.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "Write one archive (tar.gz) with the database, the stored documents and uploads, and a manifest of checksums."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write, e.g. /var/backups/residanat/2026-12-07.tar.gz")

    def handle(self, *args, file, **options):
        try:
            manifest = write_backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = len(manifest["members"]) - 1
        size = sum(member["size"] for member in manifest["members"].values())
        self.stdout.write(f"{file}: {manifest['database']['vendor']} database and {files} stored file{'s' * (files != 1)} ({size:,} bytes before compression), residanat {manifest['version']}.")
