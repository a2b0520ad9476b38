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


def test_a_thread_losing_the_race_to_open_the_file_tries_again(tmp_path, monkeypatch):
    """Two threads of one process opening the file at the same moment race in DuckDB's instance cache
    ("Unique file handle conflict", seen on the app's server when a page run and the sign-in route
    opened it together); the loser opens it on a second try instead of failing the page."""
    import duckdb

    db = Database(tmp_path / "v.duckdb")
    db.init()
    real, calls = duckdb.connect, []

    def racing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise duckdb.ResourceInUseException("Unique file handle conflict: Cannot attach")
        return real(*args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", racing)
    with db.connect() as con:
        assert con.execute("SELECT 1").fetchone() == (1,)
    assert len(calls) == 2
