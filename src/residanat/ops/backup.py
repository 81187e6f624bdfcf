"""One archive holds a whole site: the database and every stored file (issue 22 item 4).

The archive is a tar.gz: `database.sqlite3` (SQLite's online backup) or `database.pgdump`
(`pg_dump` custom format), the files of MEDIA_ROOT under `media/` (issued documents, candidates'
uploads, case documents, proxies), and `manifest.json` last: format, version, date, database
vendor, and each member's size and SHA-256. A restore reads and checks the whole archive before it
touches anything: a truncated archive has lost its manifest, a damaged one fails its gzip check or
a checksum.
"""

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import closing
from importlib.metadata import version
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connection, connections

FORMAT = "residanat-backup/1"
MANIFEST = "manifest.json"
MEDIA = "media"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# What `migrate` itself writes into a new database: such a database is still empty.
MIGRATE_OWN = {"contenttypes.ContentType", "auth.Permission"}


class BackupError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_environ(db):
    """libpq's variables for pg_dump/pg_restore: the password stays out of the command line, and
    the database is the connection's own (`test_<name>` under pytest), not settings.DATABASES'."""
    environ = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if db.get(key):
            environ[variable] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        environ["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return environ


def _run(argv, environ=None):
    try:
        done = subprocess.run(argv, env=environ, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{argv[0]} is missing: install PostgreSQL's client (Debian: postgresql-client).") from error
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {done.stderr.strip()}")
    return done.stdout


def _vendor():
    if connection.vendor not in DUMPS:
        raise BackupError(f"Backups know SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _dump_database(into: Path) -> Path:
    db = connection.settings_dict
    target = into / DUMPS[_vendor()]
    if connection.vendor == "sqlite":
        if str(db["NAME"]) in ("", ":memory:"):
            raise BackupError("An in-memory SQLite database cannot be backed up.")
        # The online backup API copies a consistent state while others go on writing.
        source, copy = sqlite3.connect(db["NAME"]), sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            source.close()
            copy.close()
    else:
        _run(["pg_dump", "--format=custom", "--file", str(target)], _pg_environ(db))
    return target


def _media_files():
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def write_backup(path) -> dict:
    """Write the archive at `path` (through a `.partial` file: never half an archive under the
    final name); return its manifest."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    members = {}
    with tempfile.TemporaryDirectory(prefix="residanat-backup-") as work:
        # The database first, then the files: a document issued in between is archived with its file
        # and no row, never with a row and no file.
        dump = _dump_database(Path(work))
        entries = [(dump.name, dump)]
        root = Path(settings.MEDIA_ROOT)
        entries += [(f"{MEDIA}/{file.relative_to(root).as_posix()}", file) for file in _media_files()]
        # Personal data: readable by the site's user only.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                for name, file in entries:
                    members[name] = {"size": file.stat().st_size, "sha256": sha256_of(file)}
                    archive.add(file, arcname=name, recursive=False)
                manifest = {
                    "format": FORMAT,
                    "version": version("residanat"),
                    "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "database": {"vendor": connection.vendor, "member": dump.name},
                    "members": members,
                }
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(dt.datetime.now().timestamp()), 0o600
                archive.addfile(info, fileobj=io.BytesIO(data))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(path)
    return manifest


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts


def read_backup(path, into: Path) -> dict:
    """Extract the archive into the folder `into` and check it whole: every member named by the
    manifest, with its checksum, nothing else, and a database dump that its own tool can read.
    Returns the manifest; raises BackupError, naming what is wrong, otherwise."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such archive.")
    found = {}
    manifest = None
    try:
        # Read as a stream, front to back: the gzip check and the end of the archive are reached.
        with tarfile.open(path, mode="r|gz") as archive:
            for member in archive:
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError(f"{path}: unexpected member {member.name!r}.")
                data = archive.extractfile(member)
                if member.name == MANIFEST:
                    manifest = json.loads(data.read().decode())
                    continue
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with open(target, "wb") as out:
                    while chunk := data.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                found[member.name] = {"size": target.stat().st_size, "sha256": digest.hexdigest()}
    except (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path}: damaged or truncated archive ({error}).") from error
    if manifest is None:
        raise BackupError(f"{path}: no manifest; the archive is truncated or is not a residanat backup.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown format {manifest.get('format')!r}.")
    expected = manifest.get("members", {})
    missing, extra = sorted(set(expected) - set(found)), sorted(set(found) - set(expected))
    if missing or extra:
        raise BackupError(f"{path}: members missing {missing[:5]} or unlisted {extra[:5]}.")
    damaged = sorted(name for name in expected if expected[name] != found[name])
    if damaged:
        raise BackupError(f"{path}: checksum differs for {damaged[:5]}.")
    vendor = manifest.get("database", {}).get("vendor")
    dump = into / DUMPS.get(vendor, "?")
    if manifest["database"].get("member") != dump.name or dump.name not in found:
        raise BackupError(f"{path}: no database dump for {vendor!r}.")
    _check_dump(vendor, dump)
    return manifest


def _check_dump(vendor, dump: Path):
    if vendor == "sqlite":
        try:
            with closing(sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)) as db:
                ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                migrated = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"the database copy is unreadable ({error}).") from error
        if not ok or not migrated:
            raise BackupError("the database copy fails SQLite's integrity check.")
    else:
        listing = _run(["pg_restore", "--list", str(dump)])
        if "django_migrations" not in listing:
            raise BackupError("the database dump holds no residanat database.")


def database_is_empty() -> bool:
    """No row but those `migrate` writes itself (content types, permissions)."""
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        meta = model._meta
        if meta.label in MIGRATE_OWN or meta.proxy or not meta.managed or meta.db_table not in tables:
            continue
        if model._base_manager.exists():
            return False
    return True


def restore_backup(path, force=False) -> dict:
    """Check the archive whole, then replace the database and MEDIA_ROOT with its content.
    Refuses a database with data in it unless `force`. Stop the servers and workers first."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    # Beside MEDIA_ROOT, so that its files move in by renaming, on the same disk.
    with tempfile.TemporaryDirectory(prefix=".residanat-restore-", dir=media_root.parent) as work:
        work = Path(work)
        manifest = read_backup(path, work)
        if manifest["database"]["vendor"] != _vendor():
            raise BackupError(f"the archive holds a {manifest['database']['vendor']} database; this site uses {connection.vendor}.")
        if not force and not database_is_empty():
            raise BackupError("the database holds data: restore over it only with --force.")
        _restore_database(work / manifest["database"]["member"])
        _restore_media(work / MEDIA, media_root)
    return manifest


def _restore_database(dump: Path):
    db = connection.settings_dict
    connections.close_all()
    if connection.vendor == "sqlite":
        # Page by page into the live file, through SQLite: its WAL and other readers stay consistent,
        # which copying the file over would not.
        source, target = sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True), sqlite3.connect(db["NAME"])
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        # One transaction: a failure leaves the database as it was.
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", "--dbname", str(db["NAME"]), str(dump)], _pg_environ(db))


def _restore_media(source: Path, media_root: Path):
    for entry in media_root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if source.is_dir():
        for entry in source.iterdir():
            shutil.move(entry, media_root / entry.name)
