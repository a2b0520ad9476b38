"""Fixtures of the snapshot tests: the demo branch's database (a copy, with its school), its key
pair, and snapshot files exported from it — real files in tmp folders, through the library."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from etl import branches, demo
from etl.db import Database
from etl.scoring.period import parse
from etl.snapshot import export, keys, manifest

BRANCH = demo.BRANCH
SCHOOL = "实验学校"
T1 = dt.datetime(2026, 1, 5, 9, 30, tzinfo=manifest.SHANGHAI)
T2 = dt.datetime(2026, 1, 6, 10, 0, tzinfo=manifest.SHANGHAI)


def copy_db(db: Database, folder: Path, name: str) -> Database:
    """A copy of a (closed) database file, so a test may change it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copy(db.path, target)
    wal = db.path.with_name(db.path.name + ".wal")
    if wal.exists():
        shutil.copy(wal, target.with_name(target.name + ".wal"))
    copy = Database(target, wait_seconds=2)
    copy.init()
    return copy


@pytest.fixture(scope="module")
def branch_db(demo_db, tmp_path_factory) -> Database:
    """The demo branch's year, its school set: the school's own database."""
    db = copy_db(demo_db, tmp_path_factory.mktemp("branch"), "branch.duckdb")
    branches.rename(db, BRANCH, school=SCHOOL)
    return db


@pytest.fixture(scope="module")
def key_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "branch.key"
    keys.keygen(path)
    return path


@pytest.fixture(scope="module")
def other_key_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("other-keys") / "stranger.key"
    keys.keygen(path)
    return path


def export_one(db: Database, period: str, folder: Path, key: Path | None, now=T1, anonymize=False) -> Path:
    outcome = export.export(db, BRANCH, [parse(period)], folder, key_path=key, anonymize_names=anonymize, now=now)
    (done,) = outcome.exported
    return done.zip_path


@pytest.fixture(scope="module")
def signed_q1(branch_db, key_file, tmp_path_factory) -> Path:
    return export_one(branch_db, "2025-Q1", tmp_path_factory.mktemp("signed"), key_file)


@pytest.fixture(scope="module")
def unsigned_q1(branch_db, tmp_path_factory) -> Path:
    return export_one(branch_db, "2025-Q1", tmp_path_factory.mktemp("unsigned"), None)


@pytest.fixture
def district(tmp_path, key_file) -> Database:
    """An empty district database that knows the demo branch (with its school) and trusts its key."""
    from etl.snapshot import trust

    db = Database(tmp_path / "district.duckdb", wait_seconds=2)
    branches.add(db, BRANCH, SCHOOL)
    trust.trust(db, BRANCH, key_file.with_name(key_file.name + ".pub"), None, "区教育局")
    return db
