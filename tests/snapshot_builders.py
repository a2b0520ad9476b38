"""Snapshot files of two branches and a district database fed by them, for the district's AppTests
and browser tests: the demo branch's year and a copy of it under another name whose second half
year's 学习强国 load was undone before export (so the two differ), each signed with its own key."""

from __future__ import annotations

import shutil
from pathlib import Path

from etl import branches, load
from etl.db import Database
from etl.snapshot import export, importer, keys, trust

DEMO = "实验学校党支部"
OTHER = "附属中学党支部"
SCHOOLS = {DEMO: "实验学校", OTHER: "附属中学"}


def _export(db: Database, branch: str, folder: Path) -> list[Path]:
    keys.keygen(folder / f"{branch}.key")
    outcome = export.export(
        db, branch, export.periods_for(None, 2025), folder / branch, key_path=folder / f"{branch}.key"
    )
    return [e.zip_path for e in outcome.exported]


def two_branches(folder: Path, demo_db: Database) -> dict:
    """{"folder": folder, DEMO: [zip…], OTHER: [zip…]}: each branch's 2025 quarters and year."""
    other = Database(folder / "other.duckdb")
    shutil.copy(demo_db.path, other.path)
    branches.rename(other, DEMO, OTHER, school=SCHOOLS[OTHER])
    study = load.list_loads(other, OTHER).query("kind == 'study'")["load_id"].max()  # the second half year
    load.undo_load(other, int(study), "测试")
    return {"folder": folder, DEMO: _export(demo_db, DEMO, folder), OTHER: _export(other, OTHER, folder)}


def district(path: Path, files: dict, import_them: bool = True) -> Database:
    """A district database that knows both branches and their public keys, with (or without) every
    snapshot imported."""
    db = Database(path)
    db.init()
    for branch in (DEMO, OTHER):
        branches.add(db, branch, SCHOOLS[branch])
        trust.trust(db, branch, files["folder"] / f"{branch}.key.pub", None, "测试")
        for zip_path in files[branch] if import_them else []:
            importer.import_file(db, zip_path, allow_unsigned=False, user="测试")
    return db
