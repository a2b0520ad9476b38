"""`etl branch add|rename|list`: branches carry their school; a rename keeps every row with the branch;
a database made before schools (schema 5) keeps working and can then be renamed."""

from __future__ import annotations

import pytest

from etl import db as dbmod
from etl.db import Database
from etl.scoring import service
from tests.conftest import load_path, table_contents

BRANCH = "实验学校党支部"


def listing(run, db: Database, *extra) -> list[str]:
    return [line for line in run(["branch", "list", "--db", str(db.path), *extra])[1].splitlines() if line]


def test_add_a_branch_with_its_school_and_list_by_school(run, tmp_path):
    db = Database(tmp_path / "d.duckdb")
    code, out, _ = run(["branch", "add", "--db", str(db.path), "--school", "实验学校", BRANCH])
    assert code == 0 and f"已建立党支部“{BRANCH}”（实验学校）" in out
    assert run(["branch", "add", "--db", str(db.path), "--school", "东城小学", "东城小学党支部"])[0] == 0
    assert run(["branch", "add", "--db", str(db.path), "西城中学党支部"])[0] == 0
    lines = listing(run, db)
    assert len(lines) == 3 and lines[-1].startswith("西城中学党支部  学校：（未设置）")
    assert listing(run, db, "--school", "实验学校") == [line for line in lines if line.startswith(BRANCH)]


def test_add_again_changes_nothing_sets_a_missing_school_and_refuses_another(run, tmp_path):
    db = str(tmp_path / "d.duckdb")
    assert run(["branch", "add", "--db", db, BRANCH])[0] == 0
    before = table_contents(Database(db))
    code, out, _ = run(["branch", "add", "--db", db, BRANCH])
    assert code == 0 and "已存在，未作更改" in out and table_contents(Database(db)) == before
    code, out, _ = run(["branch", "add", "--db", db, "--school", "实验学校", f" {BRANCH} "])
    assert code == 0 and "学校设为“实验学校”" in out
    code, _, err = run(["branch", "add", "--db", db, "--school", "别的学校", BRANCH])
    assert code == 1 and "已属于“实验学校”" in err and "branch rename" in err


def test_rename_keeps_every_row_with_the_branch(run, db, tmp_path):
    from tests import filebuilders as fb

    load_path(db, fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER}))
    sheet = fb.xlsx(tmp_path / "签到.xlsx", {"S": [["姓名", "3月15日 主题党日"], ["张三", "√"], ["李四", "×"]]})
    load_path(db, sheet, year=2020)
    before = service.scores(db, BRANCH, "2020-03").drop(columns="branch")
    code, out, _ = run(["branch", "rename", "--db", str(db.path), BRANCH, "实验中学党支部", "--school", "实验中学"])
    assert code == 0 and "改名为“实验中学党支部”" in out and "（未设置） → 实验中学" in out
    after = service.scores(db, "实验中学党支部", "2020-03").drop(columns="branch")
    assert after.equals(before)
    assert run(["loads", "--db", str(db.path), "--branch", "实验中学党支部"])[1].count("#") == 2
    code, _, err = run(["scores", "--db", str(db.path), "--branch", BRANCH, "--period", "2020-03"])
    assert code == 1 and "没有党支部" in err


def test_rename_refusals(run, tmp_path):
    db = str(tmp_path / "d.duckdb")
    run(["branch", "add", "--db", db, "甲支部"])
    run(["branch", "add", "--db", db, "乙支部"])
    code, _, err = run(["branch", "rename", "--db", db, "甲支部", "乙支部"])
    assert code == 1 and "已有名为“乙支部”的党支部" in err
    assert run(["branch", "rename", "--db", db, "丙支部", "丁支部"])[0] == 1
    assert run(["branch", "rename", "--db", db, "甲支部"])[0] == 2  # neither a new name nor --school
    code, out, _ = run(["branch", "rename", "--db", db, "甲支部", "甲支部"])
    assert code == 0 and "未作更改" in out
    assert run(["branch", "rename", "--db", str(tmp_path / "none.duckdb"), "甲支部", "x"])[0] == 1


def test_a_rename_warns_that_the_branch_rules_file_is_found_by_name(run, tmp_path, monkeypatch):
    from etl import branches

    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "甲支部.toml").write_text("")
    monkeypatch.setattr(branches, "branch_rules_path", lambda name: rules_dir / f"{name}.toml")
    db = str(tmp_path / "d.duckdb")
    run(["branch", "add", "--db", db, "甲支部"])
    code, _, err = run(["branch", "rename", "--db", db, "甲支部", "乙支部"])
    assert code == 0 and "甲支部.toml 不再生效" in err and "乙支部.toml" in err


def test_a_database_of_schema_5_keeps_its_rows_and_can_then_be_renamed(run, tmp_path, monkeypatch, roster_file):
    """Migration 006 rebuilds loads and members without their foreign keys (DuckDB refuses to update
    a referenced branch's unique name otherwise); every row and id must survive it."""
    shipped = dbmod.migrations()
    monkeypatch.setattr(dbmod, "migrations", lambda: [m for m in shipped if m[0] <= 5])
    db = Database(tmp_path / "old.duckdb")
    assert db.init() == 5
    load_path(db, roster_file)
    with db.connect() as con, pytest.raises(Exception, match="foreign key"):  # why 006 exists
        con.execute("UPDATE branches SET name = 'x'")
    before = {t: rows for t, rows in table_contents(db).items() if t != "schema_version"}
    monkeypatch.setattr(dbmod, "migrations", lambda: shipped)
    assert db.init() == shipped[-1][0]
    after = table_contents(db)
    assert all(after[t] == rows for t, rows in before.items())
    assert run(["branch", "rename", "--db", str(db.path), BRANCH, "新名称党支部", "--school", "实验学校"])[0] == 0
    from tests import filebuilders as fb

    sheet = fb.xlsx(tmp_path / "签到.xlsx", {"S": [["姓名", "3月15日 主题党日"], ["张三", "√"], ["李四", "×"]]})
    assert load_path(db, sheet, branch="新名称党支部", year=2020)[1].load_id == 2  # the ids go on where they were
    with db.connect() as con:
        assert con.execute("SELECT count(*), max(load_id) FROM loads").fetchone() == (2, 2)
        assert con.execute("SELECT count(*) FROM branches").fetchone()[0] == 1
