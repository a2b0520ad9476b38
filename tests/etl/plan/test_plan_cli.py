"""`python -m etl plan` (docs/cli.md): table, csv and json output, the default date, exit codes 0, 1 and 2."""

import csv
import datetime as dt
import io
import json
import re

import pytest

from etl.plan import checklist as checklist_module
from tests.conftest import BRANCH


@pytest.fixture
def loaded(branch, db):
    """The small branch with one 谈心谈话 missing, one 专题会 and a 七一 visit one day late."""
    branch.talks(("2025-03-10", "张三"), ("2025-04-02", "李四、王五"))
    branch.records(("2025-05-20", "廉政专题会", "全体党员", "上半年廉政专题会"))
    branch.visits(("2025-08-01", "困难教师小周"))
    return db


def plan(run, db, *extra):
    return run(["plan", "--db", db.path, "--branch", BRANCH, "--year", "2025", *extra])


def test_the_table_says_each_items_status_who_is_missing_and_what_falls_due(run, loaded):
    code, out, err = plan(run, loaded, "--as-of", "2025-08-01")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"{BRANCH} 2025 年党支部年度工作计划落实情况（截至 2025-08-01）"
    assert lines[2].split() == ["状态", "事项", "进度", "到期", "下一检查点"]
    row = {line.split()[1]: line.split() for line in lines[3:] if len(line.split()) > 2}
    assert row["谈心谈话"][:4] == ["进行中", "谈心谈话", "3/4", "人"]
    assert row["七一走访慰问"][0] == "逾期" and row["党风廉政建设专题会"][0] == "进行中"
    assert "  谈心谈话（3/4 人）：钱七" in lines
    assert "未来 30 天内到期（2025-08-01 至 2025-08-31）：" in lines
    assert any(line.startswith("  2025-08-31 教职工政治学习（隔周） 2025-08：0/2") for line in lines)
    assert lines[-2].startswith("计划：") and lines[-1].startswith("规则：")
    assert "支委会" in err  # the note that a branch under seven members needs no 支委会 goes to stderr


def test_evidence_rows_are_listed_with_file_sheet_and_row_when_asked(run, loaded):
    code, out, _ = plan(run, loaded, "--as-of", "2025-08-01", "--evidence")
    assert code == 0
    assert "  谈心谈话：2 行" in out  # one row of the file names two people: one evidence row
    talk = next(line for line in out.splitlines() if "2025-04-02 谈心谈话（李四、王五）" in line)
    # date, what and whom — file / sheet (a CSV's sheet is its name) / row as the spreadsheet shows it
    assert re.fullmatch(
        r"    2025-04-02 谈心谈话（李四、王五） — (\d+)-谈心谈话记录表\.csv / \1-谈心谈话记录表 / 第 3 行", talk
    )


def test_csv_has_a_row_per_item_with_chinese_headers(run, loaded):
    code, out, _ = plan(run, loaded, "--as-of", "2025-08-01", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:4] == ["事项键", "事项", "状态", "完成"]
    talks = next(r for r in rows if r["事项键"] == "谈心谈话")
    assert (talks["状态"], talks["完成"], talks["要求"], talks["缺少的党员"]) == ("进行中", "3", "4", "钱七")
    assert next(r for r in rows if r["事项键"] == "七一走访")["状态"] == "逾期"


def test_csv_text_that_a_spreadsheet_would_run_is_neutralised(run, loaded, tmp_path):
    own = tmp_path / "plan.toml"
    own.write_text(
        '[items."谈话"]\nname = "=HYPERLINK(\\"http://x\\")"\nevidence = { record_types = ["谈心谈话"] }\nper = "member"\n',
        encoding="utf-8",
    )
    code, out, _ = plan(run, loaded, "--as-of", "2025-08-01", "--format", "csv", "--plan", own)
    assert code == 0
    assert next(csv.DictReader(io.StringIO(out)))["事项"] == '\'=HYPERLINK("http://x")'


def test_json_carries_units_evidence_and_missing_members(run, loaded):
    code, out, _ = plan(run, loaded, "--as-of", "2025-08-01", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["branch"], data["year"], data["as_of"]) == (BRANCH, 2025, "2025-08-01")
    assert data["plan"]["source"].endswith("plan.toml") and len(data["rules"]["sha256"]) == 64
    items = {i["key"]: i for i in data["items"]}
    talks = items["谈心谈话"]
    assert (talks["status"], talks["done"], talks["required"], talks["due"]) == ("进行中", 3, 4, "2025-12-31")
    assert [m["name"] for m in talks["missing"]] == ["钱七"]
    assert [(e["date"], e["subject"], e["row"]) for e in talks["evidence"]] == [
        ("2025-03-10", "张三", 2),
        ("2025-04-02", "李四、王五", 3),
    ]
    assert items["廉政专题会"]["next_checkpoint"] is None and items["廉政专题会"]["units"][0]["status"] == "进行中"
    assert items["学习强国"]["status"] == "仅展示"


def test_without_as_of_the_date_is_today_in_shanghai(run, loaded, monkeypatch):
    monkeypatch.setattr(checklist_module, "today", lambda: dt.date(2025, 6, 30))
    code, out, _ = plan(run, loaded)
    assert code == 0 and "（截至 2025-06-30）" in out.splitlines()[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--as-of", "2025-13-01"], "无法识别的日期“2025-13-01”"), (["--format", "xlsx"], "invalid choice")],
)
def test_a_bad_option_is_a_usage_error(run, loaded, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        plan(run, loaded, *args)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_a_year_outside_the_rules_window_is_a_usage_error(run, loaded):
    code, out, err = run(["plan", "--db", loaded.path, "--branch", BRANCH, "--year", "1800"])
    assert (code, out) == (2, "") and "--year 1800 不在合理范围内" in err


def test_an_unusable_plan_file_exits_2_naming_the_key(run, loaded, tmp_path):
    bad = tmp_path / "plan.toml"
    bad.write_text('[items."谈心谈话"]\nevidence = { record_types = ["谈心谈话"] }\nper = "weekly"\n', encoding="utf-8")
    code, out, err = plan(run, loaded, "--plan", bad)
    assert (code, out) == (2, "") and "items.谈心谈话.per" in err


def test_an_unknown_branch_or_a_missing_database_exits_1(run, loaded, tmp_path):
    code, _, err = run(["plan", "--db", loaded.path, "--branch", "没有这个支部", "--year", "2025"])
    assert code == 1 and "没有党支部“没有这个支部”" in err
    code, _, err = run(["plan", "--db", tmp_path / "none.duckdb", "--branch", BRANCH, "--year", "2025"])
    assert code == 1 and "数据库文件不存在" in err
