"""The audit log: who did what, when (docs/accounts.md).

Two ways in. :func:`record` writes at once, for the command line's own actions and for account
changes and sign-ins, which write anyway (then inside the caller's transaction, so the change and its
record commit together). :class:`AuditBuffer` is for the app's reads — a download, a view of a
member's page: the reader must never wait behind a long load for the record of her view (one writer,
etl/db.py), so ``add`` only appends to a list in memory and a background thread writes batches
through Database.write when the writer is free. ``close`` (called for every buffer at exit) writes everything
before the process ends; what cannot be written then is kept in PATH.audit-pending.jsonl and written
by the next buffer of that database. Nothing is lost on a clean stop.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import sys
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl.db import Database, statement

ACTION_NAMES = {
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "sign_out": "退出登录",
    "user_add": "添加账号",
    "user_passwd": "设置密码",
    "user_disable": "停用账号",
    "load": "装载",
    "undo": "撤销装载",
    "download": "下载",
    "view_member": "查看党员档案",
    "snapshot_export": "导出快照",
    "snapshot_import": "导入快照",
    "snapshot_trust": "登记密钥",
    "backup": "备份",
    "restore": "恢复备份",
}
COLUMNS = ["happened_at", "who", "via", "action", "branch", "target", "detail"]


def _utc(now: dt.datetime | None) -> dt.datetime:
    from etl.accounts import utc  # accounts imports this module

    return utc(now)


@dataclass(frozen=True)
class Event:
    """One thing done. ``branch`` a branch's name, or None for what concerns no branch; ``when`` is
    stamped (UTC) when the event is added, not when it is written."""

    action: str
    who: str
    branch: str | None = None
    target: str | None = None
    detail: str | None = None
    via: str = "app"
    when: dt.datetime | None = field(default=None, compare=False)


def _rows(events: Iterable[Event]) -> pd.DataFrame:
    rows = [
        {
            "seq": i,
            "happened_at": e.when,
            "who": e.who,
            "via": e.via,
            "action": e.action,
            "branch": e.branch,
            "target": e.target,
            "detail": e.detail,
        }
        for i, e in enumerate(events)
    ]
    return pd.DataFrame(rows, columns=["seq", *COLUMNS])


def write_events(con: duckdb.DuckDBPyConnection, events: list[Event]) -> None:
    """Insert events in the connection's transaction, in order, in one statement."""
    if not events:
        return
    con.register("audit_batch", _rows(events))
    try:
        con.execute(statement("etl.sql", "audit/insert"))
    finally:
        con.unregister("audit_batch")


def record(
    target_db: Database | duckdb.DuckDBPyConnection,
    action: str,
    who: str,
    branches: str | Iterable[str] | None = None,
    target: str | None = None,
    detail: str | None = None,
    *,
    via: str = "cli",
    now: dt.datetime | None = None,
) -> None:
    """Write one action now: one row per branch (none: one row without a branch). Given a
    connection, inside the caller's transaction; given a Database, in a transaction of its own."""
    when = _utc(now)
    if branches is None or isinstance(branches, str):
        branches = [branches]
    events = [Event(action, who, b, target, detail, via, when) for b in branches] or [
        Event(action, who, None, target, detail, via, when)
    ]
    if isinstance(target_db, Database):
        with target_db.write() as con:
            write_events(con, events)
    else:
        write_events(target_db, events)


def events(
    db: Database,
    branches: Iterable[str] | None = None,
    since: dt.datetime | dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The log, newest first: happened_at (UTC), who, via, action, branch (its current name), target,
    detail. ``branches`` None: every event (the district, the CLI); a set: only events of those
    branches (a secretary's page passes her scope's branches). ``since`` a time (UTC) or a date
    (midnight Beijing time of that day)."""
    if isinstance(since, dt.date) and not isinstance(since, dt.datetime):
        from zoneinfo import ZoneInfo

        since = dt.datetime.combine(since, dt.time(), ZoneInfo("Asia/Shanghai"))
    params = {
        "all_branches": branches is None,
        "branches": sorted(branches) if branches is not None else [],
        "since": _utc(since) if since is not None else None,
        "limit": limit,
    }
    with db.connect() as con:
        return con.execute(statement("etl.sql", "audit/events"), params).df()


class AuditBuffer:
    """Events added without waiting; written in batches by a background thread (see the module's
    docstring). One per database per process: use :func:`buffer_for`."""

    def __init__(self, db: Database, *, batch_size: int = 500, interval: float = 1.0, retry: float = 2.0):
        self.db = db
        self.batch_size = batch_size
        self.interval = interval  # how long the first event of a batch waits for others
        self.retry = retry  # after a failed write (the database busy for longer than its wait)
        self._cond = threading.Condition()
        self._pending: list[Event] = []  # in order; only the writer thread removes from the front
        self._added = 0
        self._written = 0
        self._urgent = False
        self._closed = False
        self._spill = db.path.with_name(db.path.name + ".audit-pending.jsonl")
        self._take_spilled()
        self._thread = threading.Thread(target=self._run, name=f"audit-{db.path.name}", daemon=True)
        self._thread.start()
        _every_buffer.add(self)

    # -- the caller's side ---------------------------------------------------------------------
    def add(self, event: Event) -> None:
        """Queue an event; returns at once. After close() the event is written directly."""
        if event.when is None:
            event = Event(**{**asdict(event), "when": _utc(None)})
        with self._cond:
            if not self._closed:
                self._pending.append(event)
                self._added += 1
                if len(self._pending) >= self.batch_size:
                    self._cond.notify_all()
                return
        record(
            self.db, event.action, event.who, event.branch, event.target, event.detail, via=event.via, now=event.when
        )

    def flush(self, timeout: float | None = 60.0) -> bool:
        """Wait until every event added before this call is written; False if that took longer than
        ``timeout`` seconds (they stay queued)."""
        with self._cond:
            wanted = self._added
            self._urgent = True
            self._cond.notify_all()
            return self._cond.wait_for(lambda: self._written >= wanted or not self._thread.is_alive(), timeout) and (
                self._written >= wanted
            )

    def close(self, timeout: float | None = None) -> None:
        """Write everything and stop the thread. Idempotent. What could not be written within
        ``timeout`` (default: the database's own wait, twice) goes to PATH.audit-pending.jsonl."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout if timeout is not None else 2 * self.db.wait_seconds + 5)
        with self._cond:
            left = list(self._pending)
        if left and not self._thread.is_alive():
            self._pending.clear()
            self._spill_out(left)

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._pending)

    # -- the writer thread ---------------------------------------------------------------------
    def _run(self) -> None:
        failures_reported = False
        gave_up_at = None
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._closed)
                if not self._pending:
                    return  # closed and nothing left
                deadline = time.monotonic() + self.interval
                while not (self._urgent or self._closed or len(self._pending) >= self.batch_size):
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._cond.wait(left):
                        break
                self._urgent = False
                batch = self._pending[: self.batch_size]
                closing = self._closed
            try:
                with self.db.write() as con:
                    write_events(con, batch)
            except Exception as exc:  # busy, disk full: keep the batch and try again
                if not failures_reported:
                    print(f"审计日志暂时无法写入（稍后重试）：{exc}", file=sys.stderr)
                    failures_reported = True
                if closing:
                    gave_up_at = gave_up_at or time.monotonic()
                    if time.monotonic() - gave_up_at > self.db.wait_seconds:
                        return  # close() keeps what is left in the pending file
                with self._cond:
                    self._cond.wait(self.retry)
                continue
            with self._cond:
                del self._pending[: len(batch)]
                self._written += len(batch)
                self._cond.notify_all()

    # -- events a previous process could not write ----------------------------------------------
    def _take_spilled(self) -> None:
        if not self._spill.exists():
            return
        for line in self._spill.read_text(encoding="utf-8").splitlines():
            if line.strip():
                fields = json.loads(line)
                fields["when"] = dt.datetime.fromisoformat(fields["when"])
                self._pending.append(Event(**fields))
                self._added += 1
        self._spill.unlink()  # they are queued now; a clean stop writes or spills them again

    def _spill_out(self, left: list[Event]) -> None:
        with self._spill.open("a", encoding="utf-8") as out:
            for event in left:
                fields = asdict(event)
                fields["when"] = event.when.isoformat()
                out.write(json.dumps(fields, ensure_ascii=False) + "\n")
        print(f"审计日志有 {len(left)} 条未能写入数据库，已保存到 {self._spill}，下次启动时写入", file=sys.stderr)


_buffers: dict[Path, AuditBuffer] = {}
_buffers_guard = threading.Lock()
_every_buffer: weakref.WeakSet[AuditBuffer] = weakref.WeakSet()


@atexit.register
def _close_every_buffer() -> None:
    """A clean stop writes what every buffer still holds (a daemon thread would just be dropped)."""
    for buffer in list(_every_buffer):
        buffer.close()


def buffer_for(db: Database) -> AuditBuffer:
    """This process's buffer for the database (made on first use; closed at exit)."""
    key = db.path.resolve()
    with _buffers_guard:
        buffer = _buffers.get(key)
        if buffer is None or buffer._closed:
            buffer = _buffers[key] = AuditBuffer(db)
        return buffer
