"""`etl scores` output, golden: the columns, order and number formats of docs/cli.md."""

import json

import pytest

from etl.cli import main
from tests.etl.scoring.helpers import Branch

BRANCH = "实验学校党支部"


def test_ambiguous_names_need_their_group(db, tmp_path):
    b = Branch(db, tmp_path)
    b.roster("张三/一组", "张三/二组")
    with pytest.raises(AssertionError, match="同名"):
        b.attendance(("2020-03-15", "主题党日", "张三", "√"))


@pytest.fixture
def golden_db(db, tmp_path):
    b = Branch(db, tmp_path)
    b.roster("李四/第一党小组", "王五/第二党小组", "张三/第一党小组", "张三/第二党小组")
    b._load(
        ["日期", "活动类型", "姓名", "党小组", "状态"],
        [
            ("2020-03-15", "主题党日", "李四", "", "√"),
            ("2020-03-20", "党课", "李四", "", "√"),
            ("2020-03-25", "支部党员大会", "李四", "", "迟"),
            ("2020-03-26", "党小组会", "李四", "", "×"),
            ("2020-03-15", "主题党日", "王五", "", "免"),
            ("2020-03-20", "党课", "王五", "", "免"),
            ("2020-03-25", "支部党员大会", "王五", "", "免"),
            ("2020-03-15", "主题党日", "张三", "第一党小组", "√"),
            ("2020-03-20", "党课", "张三", "第一党小组", "√"),
            ("2020-03-25", "支部党员大会", "张三", "第一党小组", "√"),
            ("2020-03-26", "党小组会", "张三", "第一党小组", "√"),
            ("2020-03-15", "主题党日", "张三", "第二党小组", "免"),
            ("2020-03-20", "党课", "张三", "第二党小组", "免"),
            ("2020-03-25", "支部党员大会", "张三", "第二党小组", "免"),
        ],
    )
    b.daily(("李四", "2020-03-01", 31.2))
    b.items(("李四", "民主评议", "", "2020", "合格", "", ""), ("李四", "表彰", "2020-03-05", "", "", "校级", ""))
    return db


# 李四: rate 3/4 → 22.5 of 30; study 31.2 a day ≥ 30 → 10 of 10; 合格 → 16 of 20: base 60 × 48.5 ÷ 60 = 48.5.
#       校级表彰 +2; 缺席 3 + 迟到 1 = 4 → 守纪 16. Index 48.5 + 2 + 16 = 66.5 → ★★.
# 张三（第一党小组）: rate 4/4 → base 60, 守纪 20 → 80 ★★★★. The other 张三 and 王五 were exempt (免): no data.
GOLDEN_MEMBERS = """\
branch,period,member,party_group,category,attendance_rate,study_avg_daily,appraisal,base,bonus,deduction,vetoed,index,stars
实验学校党支部,2020-03,张三（第一党小组）,第一党小组,正式,1.0000,,,60.00,0.00,0.00,false,80.00,4
实验学校党支部,2020-03,李四,第一党小组,正式,0.7500,31.20,合格,48.50,2.00,4.00,false,66.50,2
实验学校党支部,2020-03,张三（第二党小组）,第二党小组,正式,,,,,,,false,,
实验学校党支部,2020-03,王五,第二党小组,正式,,,,,,,false,,
"""


def test_member_csv_is_golden(golden_db, capsys):
    assert (
        main(["scores", "--db", str(golden_db.path), "--branch", BRANCH, "--period", "2020-03", "--format", "csv"]) == 0
    )
    assert capsys.readouterr().out == GOLDEN_MEMBERS


def test_branch_csv_and_json(golden_db, capsys):
    assert (
        main(
            [
                "scores",
                "--db",
                str(golden_db.path),
                "--branch",
                BRANCH,
                "--period",
                "2020-03",
                "--level",
                "branch",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    header, line = capsys.readouterr().out.strip().split("\n")
    assert header == "branch,period,members_scored,member_mean,compliance_rate,index,stars"
    # mean (66.5 + 80) / 2 = 73.25; compliance: 主题党日 1/1, 党小组会 第一 1/1, 第二 0/1 → 2/3
    assert line == f"实验学校党支部,2020-03,2,73.25,0.6667,{0.6 * 73.25 + 0.4 * 100 * 2 / 3:.2f},3"
    assert (
        main(["scores", "--db", str(golden_db.path), "--branch", BRANCH, "--period", "2020-03", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert len(data["rules"]["sha256"]) == 64 and data["rows"][1]["member"] == "李四"


def test_explain_names_the_rows_behind_the_number(golden_db, capsys):
    assert (
        main(["scores", "--db", str(golden_db.path), "--branch", BRANCH, "--period", "2020-03", "--explain", "李四"])
        == 0
    )
    out = capsys.readouterr().out
    assert "先锋指数：66.50（2 星）" in out and "出勤率 75.00%" in out
    assert "加分：表彰 +2" in out and "工作表" in out and "第 3 行" in out
    assert (
        main(["scores", "--db", str(golden_db.path), "--branch", BRANCH, "--period", "2020-03", "--explain", "张三"])
        == 1
    )
    assert "姓名（党小组）" in capsys.readouterr().err
    assert (
        main(
            [
                "scores",
                "--db",
                str(golden_db.path),
                "--branch",
                BRANCH,
                "--period",
                "2020-03",
                "--explain",
                "张三（第二党小组）",
            ]
        )
        == 0
    )
    assert "无数据" in capsys.readouterr().out


def test_bad_period_rules_or_branch(golden_db, tmp_path, capsys):
    base = ["scores", "--db", str(golden_db.path), "--branch", BRANCH]
    assert main([*base, "--period", "2020-13"]) == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[member]\nbase_max = 'sixty'\n", encoding="utf-8")
    assert main([*base, "--period", "2020", "--rules", str(bad)]) == 2
    assert "member.base_max" in capsys.readouterr().err
    assert main(["scores", "--db", str(golden_db.path), "--branch", "不存在党支部", "--period", "2020"]) == 1
