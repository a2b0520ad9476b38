"""Opening the DuckDB file, migrating its schema, and the one-writer rule.

DuckDB lets exactly one process open a database file read-write, and while any process holds the
file (even read-only) no other process can open it at all. Within one process, connections to the
same path share one database instance, but two connections deleting or updating the same rows
conflict. So the rule, for the dashboard and the command line alike:

* **Short-lived connections.** A process opens the file only for one unit of work (a page render,
  one load, one CLI command) and closes it straight after, so other processes get their turn.
* **Bounded retry between processes.** Opening retries for ``VANGUARD_LOCK_WAIT`` seconds (default
  30) while another process holds the file, then raises :class:`DatabaseBusy` with a Chinese message
  naming the holder's PID: the CLI prints it and exits 1; the app shows it with advice that fits
  where the user is.
* **One writer inside a process.** Every write goes through :meth:`Database.write`, which takes a
  process-wide lock for that file and runs one transaction: all of it commits, or none of it.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

from etl.errors import DatabaseBusy, MissingDatabase, UnknownBranch, UsageError
from etl.normalize import text

DEFAULT_DB = Path("data/vanguard.duckdb")
_LOCK_ERROR = re.compile(r"Could not set lock|Conflicting lock", re.I)
_PID = re.compile(r"PID (\d+)")
_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()


def default_db_path() -> Path:
    return Path(os.environ.get("VANGUARD_DB") or DEFAULT_DB)


@cache
def statement(package: str, name: str) -> str:
    """The text of a named SQL statement shipped as ``<package>/<name>.sql``."""
    return resources.files(package).joinpath(f"{name}.sql").read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str]]:
    """(version, sql) of every migration shipped in etl/sql, in order."""
    found = []
    for entry in resources.files("etl.sql").iterdir():
        m = re.match(r"(\d+)_.*\.sql$", entry.name)
        if m:
            found.append((int(m.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


def engine_settings() -> dict[str, str | int]:
    """DuckDB's memory_limit and threads, set on purpose (docs/scale.md says why).

    DuckDB's own default is 80 % of the machine's memory for every database it opens. The app, a CLI
    load and a backup may each hold one on a small school server, so each is held to 1 GB: a
    district's all-branch score peaks well below it, and a bigger operator spills to the database's
    temp directory instead of taking the machine. Threads: every core (a query runs alone under the
    one-writer rule, and the trend and district passes are single large queries that scale with
    cores). VANGUARD_DB_MEMORY / VANGUARD_DB_THREADS override both; every connection of a process
    must use the same values, as DuckDB shares one instance per file."""
    return {
        "memory_limit": os.environ.get("VANGUARD_DB_MEMORY", "1GB"),
        "threads": int(os.environ.get("VANGUARD_DB_THREADS", os.cpu_count() or 1)),
    }


def _write_lock(path: str) -> threading.Lock:
    with _write_locks_guard:
        return _write_locks.setdefault(path, threading.Lock())


class Database:
    def __init__(self, path: str | os.PathLike | None = None, wait_seconds: float | None = None):
        self.path = Path(path) if path is not None else default_db_path()
        if wait_seconds is None:
            wait_seconds = float(os.environ.get("VANGUARD_LOCK_WAIT", "30"))
        self.wait_seconds = wait_seconds
        self._held: duckdb.DuckDBPyConnection | None = None
        self.last_backup: Path | None = None  # the copy init() made before its last migration

    @contextmanager
    def held(self) -> Iterator[Database]:
        """Keep the file open across many units of work of one batch — the files of one `etl load`,
        the district demo's 1,200 — so each connect()/write() inside takes a cursor of the open
        database instead of opening the file again (0.1 s each at a district's size). Only for a
        batch that would hold the file throughout anyway: the app never holds it."""
        if self._held is not None:
            yield self
            return
        self._held = self._open()
        try:
            yield self
        finally:
            held, self._held = self._held, None
            held.close()

    # -- opening ---------------------------------------------------------------------------------
    def _open(self) -> duckdb.DuckDBPyConnection:
        if self._held is not None:
            return self._held.cursor()
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                return duckdb.connect(str(self.path), config=engine_settings())
            except duckdb.ResourceInUseException:
                # Two threads of this process opening the file at the same moment race in DuckDB's
                # instance cache ("Unique file handle conflict"); the loser gets the shared instance
                # on a second try.
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)
                continue
            except duckdb.IOException as exc:
                if not _LOCK_ERROR.search(str(exc)):
                    raise
                if time.monotonic() >= deadline:
                    pid = _PID.search(str(exc))
                    holder = f"进程 PID {pid.group(1)}" if pid else "另一个进程"
                    raise DatabaseBusy(
                        f"数据库 {self.path} 正被{holder}（通常是正在运行的看板）占用，"
                        f"等待 {self.wait_seconds:g} 秒后仍未释放。"
                        "请在看板的“数据上传”页上传文件，或关闭看板后重试。",
                        holder=holder,
                    ) from None
                time.sleep(0.2)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for reading, closed when the block ends. The schema must exist."""
        if not self.path.exists():
            raise MissingDatabase(f"数据库文件不存在：{self.path}。请先运行 python -m etl init --db {self.path}")
        con = self._open()
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction under this process's write lock: it all commits, or nothing changes."""
        with _write_lock(str(self.path.resolve())):
            yield from self._transaction()

    @contextmanager
    def write_if_free(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """Like write(), but None at once when another thread of this process is writing, instead of
        waiting behind it: for bookkeeping that may be skipped (a session's last-seen time), so that
        a page never waits behind a long load for it."""
        lock = _write_lock(str(self.path.resolve()))
        if not lock.acquire(blocking=False):
            yield None
            return
        try:
            yield from self._transaction()
        finally:
            lock.release()

    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._open()
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    @contextmanager
    def exclusive(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """This process's write lock and a connection outside any transaction, for work that runs its
        own statements and must see no write start halfway: a backup (etl/backup.py), a restore, the
        migrations. Other processes are kept out by the file itself, as for any open."""
        with _write_lock(str(self.path.resolve())):
            con = self._open()
            try:
                yield con
            finally:
                con.close()

    # -- schema ----------------------------------------------------------------------------------
    def init(self, backup: bool = True) -> int:
        """Create the database or bring its schema up to date. Returns the schema version.

        Before migrating a database that already has a schema, it copies it to PATH.<old version>.bak
        (etl/backup.py; ``last_backup`` says where): a migration rewrites tables, and the copy is the
        way back. A backup that fails stops the migration. ``backup=False`` only for a restore, whose
        source file is itself the copy."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.last_backup = None
        with self.exclusive() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
            )
            current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]
            pending = [(version, sql) for version, sql in migrations() if version > current]
            if pending and current > 0 and backup:
                from etl.backup import before_migration  # etl.backup imports this module

                self.last_backup = before_migration(con, self.path, current)
            for version, sql in pending:
                con.execute("BEGIN TRANSACTION")
                try:
                    con.execute(sql)
                    con.execute("INSERT INTO schema_version (version) VALUES (?)", [version])
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                current = version
            return current

    def schema_version(self) -> int:
        with self.connect() as con:
            return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> tuple | None:
    """The first row of a statement, or None. Fetches the whole result: a result left half-read
    keeps the connection busy (DuckDB refuses the next call on it)."""
    rows = con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()
    return rows[0] if rows else None


def existing(path: str | os.PathLike) -> Database:
    """The database at path, its schema brought up to date (a database made by an older version has
    older views); MissingDatabase when there is none — reading never creates one."""
    db = Database(path)
    if not db.path.exists():
        raise MissingDatabase(f"数据库文件不存在：{db.path}。请先运行 python -m etl init --db {db.path}")
    db.init()
    return db


# -- branches: every lookup of a branch by name goes through these ---------------------------------
def find_branch(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    """The branch's id, or None when the database has no branch of that name. Names compare as
    normalised text (NFKC, invisible characters, spaces), so a branch stored before names were
    normalised is still found by the name typed today."""
    row = first_row(con, "SELECT branch_id FROM branches WHERE name = ?", [name])
    if row:
        return row[0]
    wanted = text(name)
    found = [
        bid for bid, stored in con.execute("SELECT branch_id, name FROM branches").fetchall() if text(stored) == wanted
    ]
    return found[0] if len(found) == 1 else None


def require_branch(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """The branch's id; :class:`UnknownBranch` when there is none."""
    bid = find_branch(con, name)
    if bid is None:
        raise UnknownBranch(f"数据库中没有党支部“{name}”")
    return bid


def ensure_branch(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """The branch's id, creating the branch on its first load (inside the caller's transaction).
    A blank name is a usage error: it never becomes a branch."""
    if not name or not name.strip():
        raise UsageError("党支部名称不能为空")
    bid = find_branch(con, name)
    if bid is not None:
        return bid
    return first_row(con, "INSERT INTO branches (name) VALUES (?) RETURNING branch_id", [name])[0]
