from __future__ import annotations

from pathlib import Path

import pytest

from etl import demo, pipeline
from etl.db import Database
from tests import filebuilders as fb

BRANCH = "实验学校党支部"


@pytest.fixture
def db(tmp_path) -> Database:
    database = Database(tmp_path / "test.duckdb", wait_seconds=2)
    database.init()
    return database


def load_path(db: Database, path: Path, branch: str = BRANCH, user: str = "测试", **kwargs):
    """read → validate → commit one file, the way the CLI does; returns (prepared, result|None)."""
    kind = kwargs.pop("kind", "auto")
    year = kwargs.pop("year", None)
    parsed = pipeline.read_file(path.read_bytes(), path.name, kind=kind, year=year)
    prepared = pipeline.validate(db, branch, parsed)
    if not prepared.ok:
        return prepared, None
    return prepared, pipeline.commit(db, prepared, user, **kwargs)


def table_contents(db: Database) -> dict[str, list[tuple]]:
    """Every table's rows, sorted: what "the database is unchanged" compares (the file may grow)."""
    with db.connect() as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


@pytest.fixture
def roster_file(tmp_path) -> Path:
    return fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER}, {"名册": ["A1:E1"]})


@pytest.fixture
def loaded_roster(db, roster_file):
    prepared, result = load_path(db, roster_file)
    assert result is not None, prepared.report.text()
    return result


@pytest.fixture(scope="session", autouse=True)
def cookie_secret(tmp_path_factory):
    """The session cookie's signing secret in a test folder, never the user's ~/.config (browser
    tests' servers inherit the variable)."""
    import os

    path = tmp_path_factory.mktemp("secret") / "cookie-secret"
    kept = os.environ.get("VANGUARD_SECRET_FILE")
    os.environ["VANGUARD_SECRET_FILE"] = str(path)
    yield path
    if kept is None:
        os.environ.pop("VANGUARD_SECRET_FILE", None)
    else:
        os.environ["VANGUARD_SECRET_FILE"] = kept


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Database:
    """The demo branch's year, built once per test session and shared: never change it (tests that
    load, undo or add a branch work on a copy of the file), or tests later in the session see it."""
    folder = tmp_path_factory.mktemp("demo")
    db = Database(folder / "demo.duckdb")
    demo.build(db, files_dir=folder / "files")
    return db
