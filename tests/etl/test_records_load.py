"""工作记录 (records) in the database: migration 008, and load, replace, undo and preview as for every kind."""

from __future__ import annotations

from etl import db as dbmod
from etl.db import Database
from tests.conftest import load_path, table_contents


def test_a_version_7_database_upgrades_to_records_keeping_its_rows(tmp_path, monkeypatch, roster_file):
    shipped = dbmod.migrations()
    monkeypatch.setattr(dbmod, "migrations", lambda: [m for m in shipped if m[0] <= 7])
    old = Database(tmp_path / "v7.duckdb")
    assert old.init() == 7
    load_path(old, roster_file)
    before = table_contents(old)
    monkeypatch.setattr(dbmod, "migrations", lambda: shipped)
    upgraded = Database(old.path)
    assert upgraded.init() == 8 and upgraded.last_backup == tmp_path / "v7.duckdb.7.bak"
    after = table_contents(upgraded)
    assert after.pop("records") == []
    assert {t: rows for t, rows in after.items() if t != "schema_version"} == {
        t: rows for t, rows in before.items() if t != "schema_version"
    }
    with upgraded.connect() as con:
        columns = [r[0] for r in con.execute("DESCRIBE live_records").fetchall()]
    assert columns == [
        "load_id",
        "branch_id",
        "date",
        "record_type",
        "subject",
        "member_id",
        "leader",
        "topic",
        "details",
        "src_sheet",
        "src_row",
    ]
