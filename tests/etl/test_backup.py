"""Backups (etl/backup.py): a consistent, checked copy taken in its turn under the one-writer rule; a
restore that gives back the same scores; init's copy before it migrates a schema."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from etl import backup
from etl import db as dbmod
from etl.db import Database
from etl.errors import BackupRefused, MissingDatabase, VanguardError
from tests.conftest import load_path, table_contents

BRANCH = "实验学校党支部"


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Database:
    """A private copy of the session's demo database, to change at will."""
    backup.backup(demo_db, tmp_path / "start.duckdb")
    return Database(backup.restore(tmp_path / "work.duckdb", tmp_path / "start.duckdb").path)


def scores_csv(run, db: Database) -> str:
    code, out, _ = run(["scores", "--db", db.path, "--branch", BRANCH, "--period", "2025", "--format", "csv"])
    assert code == 0
    return out


def test_a_backup_is_an_identical_checked_copy(db, loaded_roster, tmp_path):
    done = backup.backup(db, tmp_path / "copy.duckdb")
    assert done.schema_version == dbmod.migrations()[-1][0] and done.rows["member_versions"] == 4
    assert table_contents(Database(done.path)) == table_contents(db)
    assert not (tmp_path / "copy.duckdb.partial").exists()


def test_a_backup_waits_for_a_long_write_and_holds_all_of_it(db, loaded_roster, tmp_path):
    holding = threading.Event()

    def long_write():
        with db.write() as con:
            con.execute("INSERT INTO branches (name) VALUES ('写到一半的支部')")
            holding.set()
            time.sleep(1.5)
            con.execute("INSERT INTO branches (name) VALUES ('写完的支部')")

    writer = threading.Thread(target=long_write)
    writer.start()
    holding.wait(5)
    started = time.perf_counter()
    done = backup.backup(db, tmp_path / "copy.duckdb")
    waited = time.perf_counter() - started
    writer.join()
    assert waited > 1.0  # it took its turn after the write
    with Database(done.path).connect() as con:
        names = {r[0] for r in con.execute("SELECT name FROM branches").fetchall()}
    assert {"写到一半的支部", "写完的支部"} <= names  # the whole write, not half of it
    assert table_contents(Database(done.path)) == table_contents(db)


def test_a_backup_waits_while_another_process_holds_the_file(db, loaded_roster, tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db.path)!r}); print('held', flush=True); time.sleep(1.5)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.perf_counter()
        done = backup.backup(db, tmp_path / "copy.duckdb")
        assert time.perf_counter() - started > 0.5
    finally:
        holder.wait()
    assert table_contents(Database(done.path)) == table_contents(db)


def test_restore_gives_back_identical_scores(run, demo_copy, tmp_path):
    before = scores_csv(run, demo_copy)
    assert before.count("\n") > 10
    assert run(["backup", "--db", demo_copy.path, "--out", tmp_path / "b.duckdb"])[0] == 0
    assert run(["undo", "--db", demo_copy.path, "7"])[0] == 0  # the appraisals go
    changed = scores_csv(run, demo_copy)
    assert changed != before
    code, _, err = run(["restore", "--db", demo_copy.path, "--from", tmp_path / "b.duckdb"])
    assert code == 1 and "--force" in err and scores_csv(run, demo_copy) == changed  # nothing replaced
    code, out, _ = run(["restore", "--db", demo_copy.path, "--from", tmp_path / "b.duckdb", "--force"])
    assert code == 0 and "work.duckdb.before-restore" in out
    assert scores_csv(run, demo_copy) == before
    kept = Database(tmp_path / "work.duckdb.before-restore")
    assert scores_csv(run, kept) == changed
    # ids go on where they were: the sequences came back with the rows
    with demo_copy.connect() as con:
        assert con.execute("SELECT nextval('load_id_seq')").fetchone()[0] == 9  # after the demo's eight loads
    assert (tmp_path / "b.duckdb").exists()  # the backup stays as it was
    actions = run(["audit", "--db", demo_copy.path, "--format", "csv"])[1]
    assert ",restore," in actions


def test_backup_refuses_to_overwrite_and_restore_refuses_what_is_not_a_backup(run, db, loaded_roster, tmp_path):
    out = tmp_path / "b.duckdb"
    assert run(["backup", "--db", db.path, "--out", out])[0] == 0
    code, _, err = run(["backup", "--db", db.path, "--out", out])
    assert code == 1 and "已存在" in err
    assert run(["backup", "--db", db.path, "--out", out, "--force"])[0] == 0
    assert run(["backup", "--db", db.path, "--out", db.path])[0] == 1
    assert run(["backup", "--db", tmp_path / "none.duckdb", "--out", tmp_path / "x.duckdb"])[0] == 1
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database")
    code, _, err = run(["restore", "--db", tmp_path / "new.duckdb", "--from", junk])
    assert code == 1 and "不能作为数据库打开" in err and not (tmp_path / "new.duckdb").exists()
    code, _, err = run(["restore", "--db", tmp_path / "new.duckdb", "--from", tmp_path / "missing.duckdb"])
    assert code == 1 and "备份文件不存在" in err
    assert run(["restore", "--db", tmp_path / "new.duckdb", "--from", out])[0] == 0  # no database yet: no --force
    assert table_contents(Database(tmp_path / "new.duckdb"))["member_versions"] == table_contents(db)["member_versions"]


def test_restore_replaces_a_database_too_broken_to_open(run, db, loaded_roster, tmp_path):
    done = backup.backup(db, tmp_path / "b.duckdb")
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"DUCK" + bytes(5000))
    code, out, _ = run(["restore", "--db", broken, "--from", done.path, "--force"])
    assert code == 0 and "broken.duckdb.before-restore" in out
    restored = table_contents(Database(broken))
    assert [row[4] for row in restored.pop("audit_log")] == ["restore"]  # recorded in the database restored
    assert restored == {t: rows for t, rows in table_contents(db).items() if t != "audit_log"}
    assert (tmp_path / "broken.duckdb.before-restore").read_bytes() == b"DUCK" + bytes(5000)


def test_a_copy_that_differs_is_refused(db, loaded_roster, tmp_path):
    done = backup.backup(db, tmp_path / "b.duckdb")
    with pytest.raises(BackupRefused, match="行数不同（members）"):
        backup.check(done.path, done.schema_version, {**done.rows, "members": done.rows["members"] + 1})
    with pytest.raises(BackupRefused, match="结构版本"):
        backup.check(done.path, done.schema_version + 1, done.rows)
    with pytest.raises(MissingDatabase):
        backup.restore(tmp_path / "x.duckdb", tmp_path / "none.duckdb")


def test_init_backs_up_before_it_migrates(run, tmp_path, monkeypatch, roster_file):
    """A database of schema 6 is copied to PATH.6.bak, then brought up to date; the copy is the old database."""
    shipped = dbmod.migrations()
    monkeypatch.setattr(dbmod, "migrations", lambda: [m for m in shipped if m[0] <= 6])
    old = Database(tmp_path / "v.duckdb")
    assert old.init() == 6 and old.last_backup is None  # a new database: nothing to copy
    load_path(old, roster_file)
    before = table_contents(old)
    monkeypatch.setattr(dbmod, "migrations", lambda: shipped)
    code, out, _ = run(["init", "--db", old.path])
    assert (
        code == 0
        and f"升级结构之前已备份到 {tmp_path / 'v.duckdb.6.bak'}" in out
        and f"结构版本 {shipped[-1][0]}" in out
    )
    copy = Database(tmp_path / "v.duckdb.6.bak")
    assert copy.schema_version() == 6 and table_contents(copy) == before
    assert run(["init", "--db", old.path])[1].count("备份") == 0  # up to date: no copy
    # the next migration's copy never overwrites an older one of the same version
    n = shipped[-1][0] + 1
    later = [*shipped, (n, "CREATE TABLE later (x INTEGER);")]
    monkeypatch.setattr(dbmod, "migrations", lambda: later)
    assert Database(old.path).init() == n
    (tmp_path / f"v.duckdb.{n}.bak").write_bytes(b"an older copy")
    monkeypatch.setattr(dbmod, "migrations", lambda: [*later, (n + 1, "CREATE TABLE later2 (x INTEGER);")])
    moved = Database(old.path)
    assert moved.init() == n + 1 and moved.last_backup == tmp_path / f"v.duckdb.{n}-2.bak"
    assert (tmp_path / f"v.duckdb.{n}.bak").read_bytes() == b"an older copy"


def test_a_failed_copy_stops_the_migration(db, tmp_path, monkeypatch):
    shipped = dbmod.migrations()
    monkeypatch.setattr(dbmod, "migrations", lambda: [*shipped, (99, "CREATE TABLE later (x INTEGER);")])

    def broken(con, out):
        raise VanguardError("磁盘已满")

    monkeypatch.setattr(backup, "_copy", broken)
    with pytest.raises(BackupRefused, match="备份失败，未升级：磁盘已满"):
        db.init()
    assert db.schema_version() == shipped[-1][0]
    assert not list(tmp_path.glob("*.bak*"))
