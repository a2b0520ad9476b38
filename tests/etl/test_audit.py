"""The audit log (etl/audit.py): record writes now; the app's buffer never makes a reader wait behind a
long write and loses nothing on a clean stop; events() filters by branches and time."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from etl import audit, branches
from etl.db import Database

A, B = "甲支部", "乙支部"


@pytest.fixture
def db(tmp_path) -> Database:
    database = Database(tmp_path / "audit.duckdb", wait_seconds=5)
    database.init()
    branches.add(database, A, None)
    branches.add(database, B, None)
    return database


def count(db: Database) -> int:
    with db.connect() as con:
        return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def test_record_writes_one_row_per_branch_and_events_filter_by_branch_and_time(db):
    audit.record(db, "load", "书记", A, "#1 名册.xlsx", "党员名册", now=dt.datetime(2025, 3, 1, 1, 0))
    audit.record(db, "user_add", "root", [A, B], "li", "领导", now=dt.datetime(2025, 3, 2, 1, 0))
    audit.record(db, "sign_in_failed", "nobody", None, None, "无此用户名", via="app", now=dt.datetime(2025, 3, 3))
    every = audit.events(db)
    assert list(every.action) == ["sign_in_failed", "user_add", "user_add", "load"]  # newest first
    assert list(every.columns) == audit.COLUMNS
    assert list(audit.events(db, branches={B}).action) == ["user_add"]
    assert list(audit.events(db, branches={A}).target) == ["li", "#1 名册.xlsx"]
    assert audit.events(db, branches=set()).empty
    # a date is a day in Beijing: 2025-03-02 starts at 2025-03-01 16:00 UTC
    assert len(audit.events(db, since=dt.date(2025, 3, 2))) == 3
    assert len(audit.events(db, since=dt.datetime(2025, 3, 2, 12, 0))) == 1
    assert len(audit.events(db, limit=2)) == 2


def test_a_renamed_branch_keeps_its_history(db):
    audit.record(db, "load", "书记", A, "#1")
    branches.rename(db, A, "新甲支部")
    audit.record(db, "load", "书记", "不存在的支部", "#2")
    renamed = audit.events(db, branches={"新甲支部"})
    assert list(renamed.branch) == ["新甲支部"] and list(renamed.target) == ["#1"]
    assert "不存在的支部" in set(audit.events(db).branch)  # kept as written, in no one's branch view


def test_record_inside_a_transaction_rolls_back_with_it(db):
    with pytest.raises(RuntimeError), db.write() as con:
        audit.record(con, "user_add", "root", A, "li")
        raise RuntimeError("the change failed")
    assert count(db) == 0


def test_the_buffer_loses_nothing_across_a_thousand_events_from_several_threads(db):
    buffer = audit.AuditBuffer(db, batch_size=100, interval=0.05)

    def reader(n: int) -> None:
        for i in range(250):
            buffer.add(audit.Event("view_member", f"reader{n}", A if i % 2 else B, f"{n}-{i}"))

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    buffer.close()
    rows = audit.events(db).iloc[::-1]  # oldest first: by time, then by the order written
    assert len(rows) == 1000 and len(set(rows.target)) == 1000
    for n in range(4):  # each reader's events keep their order
        assert list(rows[rows.who == f"reader{n}"].target) == [f"{n}-{i}" for i in range(250)]
    buffer.add(audit.Event("download", "late", A))  # after close: written directly, not lost
    assert count(db) == 1001


def test_adding_never_waits_behind_a_long_write_and_flush_waits_for_it(db):
    buffer = audit.AuditBuffer(db, interval=0.01)
    holding, release = threading.Event(), threading.Event()

    def long_load():
        with db.write():
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=long_load)
    writer.start()
    holding.wait(5)
    try:
        started = time.perf_counter()
        for i in range(200):
            buffer.add(audit.Event("view_member", "li", A, str(i)))
        assert time.perf_counter() - started < 0.5  # the long write is still going on
        assert buffer.flush(timeout=0.3) is False and count(db) == 0
    finally:
        release.set()
        writer.join()
    assert buffer.flush() is True and count(db) == 200
    buffer.close()


def test_a_clean_stop_of_the_process_writes_what_the_buffer_holds(db):
    """No flush, no close: the atexit handler does it before the interpreter goes."""
    script = textwrap.dedent(
        f"""
        from etl import audit
        from etl.db import Database
        buffer = audit.buffer_for(Database({str(db.path)!r}))
        for i in range(300):
            buffer.add(audit.Event("download", "li", {A!r}, str(i)))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert count(db) == 300


def test_what_cannot_be_written_at_close_is_kept_and_written_by_the_next_buffer(db, tmp_path):
    buffer = audit.AuditBuffer(db, interval=0.01, retry=0.05)
    db.wait_seconds = 0.2
    holder = subprocess.Popen(  # another process holds the file: every write fails after its wait
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(db.path)!r}); print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        for i in range(5):
            buffer.add(audit.Event("download", "li", A, str(i)))
        buffer.close(timeout=5)
    finally:
        holder.kill()
        holder.wait()
    spill = db.path.with_name(db.path.name + ".audit-pending.jsonl")
    assert spill.exists() and len(spill.read_text(encoding="utf-8").splitlines()) == 5
    db.wait_seconds = 5
    again = audit.AuditBuffer(db)
    assert again.flush() and count(db) == 5 and not spill.exists()
    again.close()


def test_buffer_for_gives_one_buffer_per_database(db, tmp_path):
    assert audit.buffer_for(db) is audit.buffer_for(Database(db.path))
    other = Database(tmp_path / "other.duckdb")
    other.init()
    assert audit.buffer_for(other) is not audit.buffer_for(db)
    audit.buffer_for(db).close()
    assert not audit.buffer_for(db)._closed  # a closed one is replaced
