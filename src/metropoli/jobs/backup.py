"""Backups that restore: `metropoli backup DIR`, `metropoli restore DIR`.

A backup folder holds
- `database.dump`: pg_dump's custom format, taken in one snapshot;
- `files/<name>/…`: the uploaded files (MEDIA_ROOT) and the private ones (signed agreements);
- `manifest.json`: for every table its row count and a checksum of its rows, read in the same
  snapshot as the dump; for every file its size and SHA-256; the dump's SHA-256.

`restore` checks every checksum of the folder before it touches anything, replaces the database
in one transaction (nothing changes if any statement fails), swaps the folders in, and then
counts and sums the restored tables and files again: they must equal the manifest.
Decision: docs/decisions/0060-production-topology.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryFile

from django.conf import settings
from django.db import connection, transaction

FORMAT = 1
DUMP = "database.dump"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """Said to the operator as it is (the command turns it into a CommandError)."""


def folders() -> dict[str, Path]:
    """The folders of files a backup holds, by the name they have inside it."""
    return {
        "media": Path(settings.MEDIA_ROOT),
        "cooperation-private": Path(settings.COOPERATION_PRIVATE_ROOT),
    }


# --- what a database and a folder hold ---

TABLES_SQL = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      AND NOT EXISTS (  -- PostGIS' own tables (spatial_ref_sys) come with the extension
          SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
          AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY c.relname
"""


# A row's hash: the first 60 bits of the MD5 of its text; the table's checksum is their sum.
ROW_SUMS = (
    "SELECT count(*), COALESCE(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)"
    " FROM {table} AS t"
)


def table_census(cursor) -> dict[str, dict]:
    """Rows and an order-free checksum (sum of the rows' hashes) of every table of ours."""
    cursor.execute("SET LOCAL TIME ZONE 'UTC'")
    cursor.execute("SET LOCAL extra_float_digits = 1")
    cursor.execute(TABLES_SQL)
    census = {}
    for (table,) in cursor.fetchall():
        quoted = connection.ops.quote_name(table)
        cursor.execute(ROW_SUMS.format(table=quoted))
        rows, checksum = cursor.fetchone()
        census[table] = {"rows": rows, "checksum": str(checksum)}
    return census


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_census(folder: Path) -> dict[str, dict]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): {"bytes": path.stat().st_size, "sha256": sha256(path)}
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


# --- PostgreSQL's tools ---


def _tool(name: str) -> str:
    """The newest installed PostgreSQL client (pg_dump must be at least the server's version)."""
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=_major, reverse=True)
    if versions:
        return str(versions[0])
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client).")
    return found


def _major(path: Path) -> int:
    version = path.parts[-3]
    return int(version) if version.isdigit() else 0


def _pg_env() -> dict[str, str]:
    database = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        PGHOST=str(database.get("HOST") or "127.0.0.1"),
        PGPORT=str(database.get("PORT") or 5432),
        PGDATABASE=str(database["NAME"]),
        PGCONNECT_TIMEOUT="10",
    )
    if database.get("USER"):
        env["PGUSER"] = str(database["USER"])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, our arguments
        argv, env=_pg_env(), capture_output=True, check=False, **kwargs
    )
    if done.returncode != 0:
        error = done.stderr.decode(errors="replace").strip()
        raise BackupError(f"{Path(argv[0]).name} failed: {error[-2000:]}")
    return done


# --- backup ---


@dataclass
class Summary:
    tables: int
    rows: int
    files: int
    bytes: int


def backup(target: Path) -> Summary:
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} exists and is not an empty folder: choose a new one.")
    target.mkdir(parents=True, exist_ok=True)
    dump = target / DUMP
    # One snapshot for the dump and the census: the counts describe exactly what was dumped.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        _run([_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"])
        tables = table_census(cursor)
        cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        migrations = dict(cursor.fetchall())
    files = {}
    for name, source in folders().items():
        if source.is_dir():
            shutil.copytree(source, target / "files" / name, symlinks=False)
        files[name] = file_census(target / "files" / name)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {
            "file": DUMP,
            "bytes": dump.stat().st_size,
            "sha256": sha256(dump),
            "server_version": server_version,
            "tables": tables,
            "migrations": migrations,
        },
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return Summary(
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=sum(len(f) for f in files.values()),
        bytes=sum(e["bytes"] for f in files.values() for e in f.values()) + dump.stat().st_size,
    )


# --- restore ---


def read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError as error:
        raise BackupError(f"{source} holds no {MANIFEST}: it is not a backup.") from error
    except ValueError as error:
        raise BackupError(f"{source / MANIFEST} is damaged: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is a backup of format {manifest.get('format')}, not {FORMAT}.")
    return manifest


def verify(source: Path, manifest: dict) -> list[str]:
    """What in the folder differs from its manifest (nothing: [])."""
    problems = []
    dump = source / manifest["database"]["file"]
    if not dump.is_file() or sha256(dump) != manifest["database"]["sha256"]:
        problems.append(f"{dump.name}: missing or changed")
    for name, expected in manifest["files"].items():
        found = file_census(source / "files" / name)
        problems += _differences(f"files/{name}", expected, found)
    return problems


def _differences(label: str, expected: dict, found: dict) -> list[str]:
    names = sorted(set(expected) | set(found))
    return [
        f"{label}/{n}: {expected.get(n)} ≠ {found.get(n)}"
        for n in names
        if expected.get(n) != found.get(n)
    ]  # noqa: E501


def restore(source: Path) -> Summary:
    source = Path(source)
    manifest = read_manifest(source)
    problems = verify(source, manifest)
    if problems:
        raise BackupError(
            "The backup is damaged; nothing was changed:\n  " + "\n  ".join(problems[:20])
        )
    before = _layer_versions()
    connection.close()
    _load_dump(source / manifest["database"]["file"])
    for name, target in folders().items():
        _replace_folder(source / "files" / name, target)
    with transaction.atomic(), connection.cursor() as cursor:
        restored = table_census(cursor)
    problems = _differences("table", manifest["database"]["tables"], restored)
    for name, target in folders().items():
        problems += _differences(name, manifest["files"][name], file_census(target))
    if problems:
        raise BackupError(
            "Restored, but it differs from the manifest:\n  " + "\n  ".join(problems[:20])
        )
    _move_layer_versions_past(before)
    files = manifest["files"]
    return Summary(
        tables=len(restored),
        rows=sum(t["rows"] for t in restored.values()),
        files=sum(len(f) for f in files.values()),
        bytes=sum(e["bytes"] for f in files.values() for e in f.values()),
    )


# Replaces what the database holds, in one transaction with the dump's statements; waits at most
# this long for a lock (a session left in a transaction) instead of hanging.
WIPE = b"SET lock_timeout = '30s';\nDROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n"


def _load_dump(dump: Path) -> None:
    """pg_restore's SQL piped into one psql transaction: all of it or nothing."""
    with TemporaryFile() as restore_errors, TemporaryFile() as psql_errors:
        psql = subprocess.Popen(  # noqa: S603 - PostgreSQL's own tools, our arguments
            [_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction",
             "-v", "ON_ERROR_STOP=1", "--file=-"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors, env=_pg_env(),
        )  # fmt: skip
        psql.stdin.write(WIPE)
        psql.stdin.flush()
        pg_restore = subprocess.Popen(  # noqa: S603
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
            stdout=psql.stdin, stderr=restore_errors, env=_pg_env(),
        )  # fmt: skip
        pg_restore.wait()
        psql.stdin.close()
        psql.wait()
        for process, errors in ((pg_restore, restore_errors), (psql, psql_errors)):
            if process.returncode != 0:
                errors.seek(0)
                text = errors.read().decode(errors="replace").strip()
                name = Path(process.args[0]).name
                raise BackupError(f"{name} failed, the database is unchanged: {text[-2000:]}")


def _replace_folder(backup_copy: Path, target: Path) -> None:
    """The folder becomes the backup's copy; swapped in by renames, so it is never half-copied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{target.name}.restoring")
    outgoing = target.with_name(f".{target.name}.replaced")
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.rmtree(outgoing, ignore_errors=True)
    if backup_copy.is_dir():
        shutil.copytree(backup_copy, incoming)
    else:
        incoming.mkdir()
    if target.exists():
        target.rename(outgoing)
    incoming.rename(target)
    shutil.rmtree(outgoing, ignore_errors=True)


def _layer_versions() -> dict[str, int]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT layer, version FROM maps_layerversion")
            return dict(cursor.fetchall())
    except Exception:  # noqa: BLE001 - an empty or broken database has none to remember
        return {}


def _move_layer_versions_past(before: dict[str, int]) -> None:
    """Tiles are cached by their layer's version (nginx, a CDN, browsers): after a
    restore every version must be one never served before, or a tile of the lost future would
    be shown for the restored past."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT layer, version FROM maps_layerversion")
        restored = dict(cursor.fetchall())
        for layer in set(before) | set(restored):
            version = max(before.get(layer, 0), restored.get(layer, 0)) + 1
            cursor.execute(
                "INSERT INTO maps_layerversion (layer, version) VALUES (%s, %s) "
                "ON CONFLICT (layer) DO UPDATE SET version = EXCLUDED.version",
                [layer, version],
            )
