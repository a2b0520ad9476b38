"""工作记录 (records) in the database: migration 008, and load, replace, undo and preview as for every kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import backup, demo
from etl import db as dbmod
from etl.db import Database
from etl.errors import LoadRefused
from etl.load import undo_load
from tests import filebuilders as fb
from tests.conftest import BRANCH, load_path, table_contents


def test_a_version_7_database_upgrades_to_records_keeping_its_rows(tmp_path, monkeypatch, roster_file):
    shipped = dbmod.migrations()
    monkeypatch.setattr(dbmod, "migrations", lambda: [m for m in shipped if m[0] <= 7])
    old = Database(tmp_path / "v7.duckdb")
    assert old.init() == 7
    load_path(old, roster_file)
    before = table_contents(old)
    monkeypatch.setattr(dbmod, "migrations", lambda: [m for m in shipped if m[0] <= 8])
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


# --- load, replace, undo, preview ---------------------------------------------------------------
HEAD = ["日期", "类型", "对象", "负责人", "主题"]


def talk_file(tmp_path, name: str, *rows) -> Path:
    return fb.xlsx(tmp_path / name, {"工作记录": [HEAD, *rows]})


def live(db) -> list[tuple]:
    with db.connect() as con:
        return con.execute(
            "SELECT strftime(date, '%m-%d'), record_type, subject, leader, load_id FROM live_records ORDER BY ALL"
        ).fetchall()


def test_a_newer_file_replaces_its_keys_and_undo_brings_the_older_rows_back(db, loaded_roster, tmp_path):
    _, first = load_path(
        db,
        talk_file(
            tmp_path,
            "A.xlsx",
            ["2025-03-05", "谈心谈话", "李四、王五", "张三", ""],
            ["2025-04-18", "廉政专题会", "", "张三", "一季度"],
        ),
    )
    _, second = load_path(db, talk_file(tmp_path, "B.xlsx", ["2025-03-05", "谈心谈话", "李四", "赵六", ""]))
    assert (first.rows_loaded, second.rows_loaded, second.rows_replaced) == (3, 1, 1)
    assert live(db) == [
        ("03-05", "谈心谈话", "李四", "赵六", second.load_id),
        ("03-05", "谈心谈话", "王五", "张三", first.load_id),
        ("04-18", "廉政专题会", "", "张三", first.load_id),
    ]
    undo_load(db, second.load_id, "测试")
    assert live(db) == [
        ("03-05", "谈心谈话", "李四", "张三", first.load_id),
        ("03-05", "谈心谈话", "王五", "张三", first.load_id),
        ("04-18", "廉政专题会", "", "张三", first.load_id),
    ]
    undo_load(db, first.load_id, "测试")
    assert live(db) == []


def test_a_repeat_changes_nothing_and_a_preview_writes_nothing(db, loaded_roster, tmp_path):
    path = talk_file(tmp_path, "A.xlsx", ["2025-03-05", "走访慰问", "李四", "张三", "春节走访"])
    before = table_contents(db)
    _, preview = load_path(db, path, dry_run=True)
    assert preview.dry_run and preview.rows_loaded == 1 and table_contents(db) == before
    _, first = load_path(db, path)
    after = table_contents(db)
    _, again = load_path(db, path)
    assert again.repeat_of == first.load_id and table_contents(db) == after


def test_a_roster_whose_members_records_name_cannot_be_undone_first(db, loaded_roster, tmp_path):
    roster = fb.xlsx(tmp_path / "r2.xlsx", {"名册": [*fb.ROSTER, ["钱七", "第二党小组", "正式", "", "本部"]]})
    _, second_roster = load_path(db, roster)
    _, talks = load_path(db, talk_file(tmp_path, "谈话.xlsx", ["2025-03-05", "谈心谈话", "钱七", "张三", ""]))
    with pytest.raises(LoadRefused, match=rf"#{talks.load_id}（谈话.xlsx）"):
        undo_load(db, second_roster.load_id, "测试")


def test_the_command_line_loads_lists_and_undoes_records(run, db, loaded_roster, tmp_path):
    path = talk_file(tmp_path, "谈话.xlsx", ["2025-03-05", "谈心谈话", "李四、陈老师", "张三", ""])
    code, out, _ = run(["load", "--db", db.path, "--branch", BRANCH, path])
    assert code == 0 and "✔ 谈话.xlsx：工作记录，已装载为 #2：装载 2 行" in out and "陈老师" in out
    code, out, _ = run(["loads", "--db", db.path])
    assert code == 0 and "工作记录  谈话.xlsx" in out
    code, out, _ = run(["undo", "--db", db.path, "2"])
    assert code == 0 and "已撤销装载 #2（实验学校党支部，工作记录，谈话.xlsx）" in out and live(db) == []


def scores(run, db: Database) -> list[str]:
    out = []
    for level in ("member", "branch"):
        for period in ("2025", "2025-Q1", "2025-03", "2025-04"):
            argv = ["scores", "--db", db.path, "--branch", demo.BRANCH, "--period", period, "--level", level]
            code, printed, _ = run([*argv, "--format", "csv"])
            assert code == 0
            out.append(printed)
    return out


def test_records_change_no_score(run, demo_db, tmp_path):
    backup.backup(demo_db, tmp_path / "start.duckdb")
    db = Database(backup.restore(tmp_path / "work.duckdb", tmp_path / "start.duckdb").path)
    with db.connect() as con:
        members = [r[0] for r in con.execute("SELECT name FROM live_member_versions LIMIT 3").fetchall()]
    before = scores(run, db)
    path = talk_file(
        tmp_path,
        "2025年工作记录.xlsx",
        ["2025-03-05", "谈心谈话", "、".join(members), members[0], ""],
        ["2025-04-18", "廉政专题会", "、".join(members), members[0], "党风廉政建设专题会"],
        ["2025-03-20", "政治学习", "全体教职工", members[1], "政治学习"],
    )
    code, _, err = run(["load", "--db", db.path, "--branch", demo.BRANCH, path])
    assert code == 0, err
    assert scores(run, db) == before
