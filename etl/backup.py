"""Backups and restores of the database file: `etl backup`, `etl restore`, and init's copy before a migration.

A backup is a consistent copy taken while the app runs. It waits its turn like any writer: the file
lock keeps other processes out while it is open (Database._open's bounded wait), and this process's
write lock (Database.exclusive) keeps its own threads from starting a write halfway. Inside that,
DuckDB copies the database with ATTACH + COPY FROM DATABASE: tables, views, sequences (at their
current values, so ids go on where they were) and constraints, into a new, compact DuckDB file. The
row counts are read under the same lock, and the copy is checked before it takes its final name:
it opens, has the same schema version, and every table has the same number of rows.

A restore puts a checked copy in the database's place and keeps the file it replaces beside it as
PATH.before-restore; it never overwrites a database unless asked to (--force).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl import db as dbmod
from etl.db import Database, engine_settings, first_row
from etl.errors import BackupRefused, MissingDatabase, VanguardError

_ALIAS = "vanguard_backup"


@dataclass(frozen=True)
class Copy:
    """What a backup or restore made: the file, its schema version and every table's row count."""

    path: Path
    schema_version: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    kept: Path | None = None  # restore: where the replaced database now is

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _quoted(identifier: str) -> str:
    """An identifier as SQL quotes it. COPY FROM DATABASE takes the source database's name, which
    DuckDB derives from the file's name and which no statement accepts as a parameter; this is the
    one place where such a name is written into SQL text, and it is quoted, never interpolated bare."""
    return '"' + identifier.replace('"', '""') + '"'


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, dict[str, int]]:
    """The schema version and the row count of every table of the connection's own database."""
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = current_schema() AND NOT internal ORDER BY table_name"
        ).fetchall()
    ]
    rows = {name: con.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchall()[0][0] for name in names}
    version = 0
    if "schema_version" in rows:
        version = first_row(con, "SELECT coalesce(max(version), 0) FROM schema_version")[0]
    return version, rows


def _copy(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[int, dict[str, int]]:
    """Copy the connection's database into a new file ``out`` (which must not exist). The caller
    holds the write lock, so the counts and the copy see the same state."""
    version, rows = _counts(con)
    source = first_row(con, "SELECT current_database()")[0]
    con.execute(f"ATTACH $path AS {_ALIAS}", {"path": str(out)})
    try:
        con.execute(f"COPY FROM DATABASE {_quoted(source)} TO {_ALIAS}")
    finally:
        con.execute(f"DETACH {_ALIAS}")
    return version, rows


def check(path: Path, version: int | None = None, rows: dict[str, int] | None = None) -> Copy:
    """Open a copy read-only and read its schema version and row counts; with ``version`` and
    ``rows`` given, refuse a copy that differs from them. Also refuses what is not a database of
    this tool, or one made by a newer version of it."""
    try:
        con = duckdb.connect(str(path), read_only=True, config=engine_settings())
    except duckdb.Error as exc:
        raise BackupRefused(f"{path} 不能作为数据库打开：{str(exc).splitlines()[0]}") from None
    try:
        found_version, found_rows = _counts(con)
    finally:
        con.close()
    if "schema_version" not in found_rows or found_version == 0:
        raise BackupRefused(f"{path} 不是先锋指数看板的数据库（没有结构版本）")
    newest = dbmod.migrations()[-1][0]
    if found_version > newest:
        raise BackupRefused(f"{path} 的结构版本 {found_version} 比本程序支持的 {newest} 新，请先升级程序")
    if version is not None and found_version != version:
        raise BackupRefused(f"副本 {path} 的结构版本是 {found_version}，原数据库是 {version}：副本不可用")
    if rows is not None and found_rows != rows:
        differ = sorted(t for t in rows.keys() | found_rows.keys() if rows.get(t) != found_rows.get(t))
        raise BackupRefused(f"副本 {path} 与原数据库的行数不同（{'、'.join(differ)}）：副本不可用")
    return Copy(path, found_version, found_rows)


def _partial(path: Path) -> Path:
    """Where a copy is written before it is checked: a name no reader mistakes for a finished one."""
    partial = path.with_name(path.name + ".partial")
    for stale in (partial, partial.with_name(partial.name + ".wal")):
        stale.unlink(missing_ok=True)  # left by a copy that was killed halfway
    return partial


def backup(db: Database, out: str | os.PathLike, force: bool = False) -> Copy:
    """A consistent, checked copy of the database at ``out``. Refuses to replace an existing file
    unless ``force``; the copy takes its name only once it has been checked."""
    out = Path(out)
    if not db.path.exists():
        raise MissingDatabase(f"数据库文件不存在：{db.path}")
    if out.resolve() == db.path.resolve():
        raise BackupRefused("备份文件不能是数据库文件本身")
    if out.is_dir():
        raise BackupRefused(f"{out} 是文件夹：请给出备份文件的名字，例如 {out / 'vanguard-2025-01-31.duckdb'}")
    if out.exists() and not force:
        raise BackupRefused(f"{out} 已存在。换一个文件名，或加 --force 覆盖它")
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    partial = _partial(out)
    try:
        with db.exclusive() as con:
            version, rows = _copy(con, partial)
        check(partial, version, rows)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return Copy(out, version, rows, time.perf_counter() - started)


def before_migration(con: duckdb.DuckDBPyConnection, path: Path, version: int) -> Path:
    """Database.init's copy before it migrates: PATH.<version>.bak (PATH.<version>-2.bak, … when
    that name is taken: an older copy is never overwritten). Called with the write lock held."""
    out = path.with_name(f"{path.name}.{version}.bak")
    n = 2
    while out.exists():
        out = path.with_name(f"{path.name}.{version}-{n}.bak")
        n += 1
    partial = _partial(out)
    try:
        found_version, rows = _copy(con, partial)
        check(partial, found_version, rows)
        os.replace(partial, out)
    except VanguardError as exc:
        raise BackupRefused(f"升级数据库结构之前的备份失败，未升级：{exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return out


def restore(path: str | os.PathLike, source: str | os.PathLike, force: bool = False) -> Copy:
    """Put the backup ``source`` in the place of the database at ``path``. The backup is checked
    first and stays where it is (a copy is placed). An existing database is replaced only with
    ``force`` and is kept as PATH.before-restore (PATH.before-restore-2, … when taken). The old file
    is moved while this process holds it open and its write lock, after a checkpoint, so no other
    process or thread is writing it at that moment; the new file is then migrated if it is older."""
    path, source = Path(path), Path(source)
    if not source.exists():
        raise MissingDatabase(f"备份文件不存在：{source}")
    if path.exists() and not force:
        raise BackupRefused(f"数据库 {path} 已存在。要用备份替换它，请加 --force（原文件会保留为 …before-restore）")
    started = time.perf_counter()
    found = check(source)
    partial = _partial(path)
    kept = None
    try:
        shutil.copyfile(source, partial)
        check(partial, found.schema_version, found.rows)  # the bytes arrived whole
        if path.exists():
            kept = _free_name(path.with_name(path.name + ".before-restore"))
            with contextlib.ExitStack() as holding:
                try:
                    con = holding.enter_context(Database(path).exclusive())
                except duckdb.Error:  # too broken to open (why one restores): then no one is writing it
                    con = None
                if con is not None:
                    con.execute("CHECKPOINT")  # everything in the file itself, nothing left in PATH.wal
                os.replace(path, kept)
                wal = path.with_name(path.name + ".wal")
                if wal.exists():
                    os.replace(wal, kept.with_name(kept.name + ".wal"))
                os.replace(partial, path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    version = Database(path).init(backup=False)
    return Copy(path, version, found.rows, time.perf_counter() - started, kept)


def _free_name(path: Path) -> Path:
    candidate, n = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}-{n}")
        n += 1
    return candidate
