"""`residanat backup` and `residanat restore` (issue 22 item 4), on the test database: SQLite here,
PostgreSQL when the suite runs with DATABASE_URL (pg_dump and pg_restore on the database the
connection names, `test_<name>`)."""

import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command

from residanat.accounts.models import User
from residanat.ops.backup import database_is_empty
from residanat.referential.models import Region
from tests.accounts.factories import UserFactory
from tests.referential.factories import RegionFactory

# The refusals run inside the test's transaction (nothing is restored: they need no committed
# rows); the round trip commits, since pg_dump reads from another connection and pg_restore drops
# and creates the tables.
pytestmark = pytest.mark.django_db

BEFORE = {
    "documents/2026/12/RSD-2026-000001.pdf": b"%PDF-1.7 attestation",
    "candidates/42/bac.pdf": "%PDF-1.7 شهادة البكالوريا".encode(),
}


@pytest.fixture
def site(settings, tmp_path):
    """A little of everything: a user, a region, two stored files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    for name, content in BEFORE.items():
        (settings.MEDIA_ROOT / name).parent.mkdir(parents=True, exist_ok=True)
        (settings.MEDIA_ROOT / name).write_bytes(content)
    UserFactory(username="drh.backup")
    RegionFactory(code="88", name_fr="Région sauvegardée", name_ar="جهة محفوظة")
    return settings.MEDIA_ROOT


def stored(media):
    return {path.relative_to(media).as_posix(): path.read_bytes() for path in media.rglob("*") if path.is_file()}


def change_everything(media):
    User.objects.filter(username="drh.backup").delete()
    UserFactory(username="after.backup")
    Region.objects.filter(code="88").update(name_fr="Région changée")
    (media / "documents/2026/12/RSD-2026-000001.pdf").write_bytes(b"overwritten")
    (media / "candidates/42/bac.pdf").unlink()
    (media / "documents/2026/12/RSD-2026-000002.pdf").write_bytes(b"%PDF-1.7 new")


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_brings_back_the_data_and_the_files_as_they_were(site, tmp_path):
    archive = tmp_path / "residanat.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    assert archive.stat().st_mode & 0o077 == 0

    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["database"]["vendor"] in ("sqlite", "postgresql")
    assert {f"media/{name}" for name in BEFORE} < set(manifest["members"])
    assert all(len(member["sha256"]) == 64 for member in manifest["members"].values())

    change_everything(site)
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive))
    assert User.objects.filter(username="after.backup").exists()

    out = io.StringIO()
    call_command("restore", str(archive), force=True, stdout=out)
    assert "restored" in out.getvalue()
    assert User.objects.filter(username="drh.backup").exists()
    assert not User.objects.filter(username="after.backup").exists()
    region = Region.objects.get(code="88")
    assert (region.name_fr, region.name_ar) == ("Région sauvegardée", "جهة محفوظة")
    assert stored(site) == BEFORE


def test_a_truncated_or_altered_archive_is_refused_and_nothing_changes(site, tmp_path):
    archive = tmp_path / "residanat.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    change_everything(site)
    files = stored(site)

    with pytest.raises(CommandError, match="truncated.*Nothing was changed"):
        call_command("restore", str(truncated), force=True)
    with pytest.raises(CommandError, match="truncated"):
        call_command("restore", str(truncated), check=True)
    assert User.objects.filter(username="after.backup").exists()
    assert Region.objects.get(code="88").name_fr == "Région changée"
    assert stored(site) == files

    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/documents/2026/12/RSD-2026-000001.pdf":
                data = b"%PDF-1.7 forged attestation"
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="checksum differs"):
        call_command("restore", str(tampered), force=True)
    assert stored(site) == files


def test_a_database_holding_only_what_migrate_writes_is_empty():
    assert database_is_empty()
    UserFactory()
    assert not database_is_empty()
