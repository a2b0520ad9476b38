"""Schema versions: init creates, re-init is harmless, a new migration keeps the data."""

import pytest

from etl import db as dbmod
from etl.db import Database
from etl.errors import DatabaseBusy, MissingDatabase, VanguardError
from tests.conftest import load_path, table_contents


def test_init_twice_is_harmless_and_keeps_data(db, roster_file):
    load_path(db, roster_file)
    before = table_contents(db)
    assert db.init() == dbmod.migrations()[-1][0]
    assert table_contents(db) == before


def test_a_later_migration_upgrades_an_existing_database_without_losing_rows(db, roster_file, monkeypatch):
    load_path(db, roster_file)
    shipped = dbmod.migrations()
    later = shipped[-1][0] + 1
    monkeypatch.setattr(
        dbmod, "migrations", lambda: [*shipped, (later, "ALTER TABLE branches ADD COLUMN district VARCHAR;")]
    )
    assert db.init() == later and db.schema_version() == later
    with db.connect() as con:
        assert con.execute("SELECT name, district FROM branches").fetchall() == [("实验学校党支部", None)]
        assert con.execute("SELECT count(*) FROM live_member_versions").fetchone()[0] == 4


def test_reading_a_missing_database_says_how_to_create_it(tmp_path):
    with pytest.raises(MissingDatabase, match="etl init"), Database(tmp_path / "none.duckdb").connect():
        pass


def test_a_failed_write_rolls_back(db, roster_file):
    load_path(db, roster_file)
    before = table_contents(db)
    with pytest.raises(RuntimeError), db.write() as con:
        con.execute("DELETE FROM member_versions")
        raise RuntimeError("boom")
    assert table_contents(db) == before


def test_busy_is_a_distinct_error_type():
    assert issubclass(DatabaseBusy, VanguardError) and DatabaseBusy("x").exit_code == 1
