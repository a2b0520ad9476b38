"""The 三会一课 台账 (etl ledger, docs/ledger.md): what the written workbook holds, opened with openpyxl;
that loading it back with the same roster, study and assessment files gives the same scores; the CLI."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from etl import pipeline
from etl.db import Database
from etl.plan.ledger import ledger_workbook
from tests import filebuilders as fb
from tests.conftest import BRANCH, load_path

# Two members called 张三, one in each party group: the ledger must tell them apart.
ROSTER = [
    ["姓名", "党小组", "党员类别", "是否支委"],
    ["张三", "第一党小组", "正式党员", "是"],
    ["李四", "第一党小组", "预备党员", ""],
    ["张三", "第二党小组", "正式党员", ""],
    ["王五", "第二党小组", "正式党员", ""],
    ["赵六", "第二党小组", "正式党员", ""],
]
# A long table with every status, a note holding the 、 that separates participants, and 赵六, who
# is expected at the 主题党日 but has no mark (未签到).
ATTENDANCE = [
    ["日期", "活动类型", "姓名", "党小组", "状态", "备注"],
    ["2025-03-15", "主题党日", "张三", "第一党小组", "√", ""],
    ["2025-03-15", "主题党日", "李四", "", "迟到", ""],
    ["2025-03-15", "主题党日", "张三", "第二党小组", "补学", ""],
    ["2025-03-15", "主题党日", "王五", "", "请假", "病假、住院"],
    ["2025-03-08", "支委会", "张三", "第一党小组", "出席", ""],
    ["2025-03-20", "党小组会", "张三", "第一党小组", "出席", ""],
    ["2025-03-20", "党小组会", "李四", "", "免", "长期病休"],
    ["2025-03-21", "党小组会", "张三", "第二党小组", "缺席", ""],
    ["2025-03-21", "党小组会", "王五", "", "出席", ""],
    ["2025-03-21", "党小组会", "赵六", "", "出席", ""],
]
# A ledger kept by hand: its 主持人 and 记录人 are carried into the exported ledger; the guest is not
# a member and is not stored.
HAND_LEDGER = [
    ["2025年 会议台账"],
    ["会议日期", "会议类型", "会议名称", "主持人", "记录人", "参会人员名单"],
    [
        dt.date(2025, 3, 25),
        "支部党员大会",
        "一季度党员大会",
        "张三",
        "李四",
        "张三【第一党小组】、李四、张三【第二党小组】(请假)[事假]、王五(缺席)、赵六、孙校长(列席)",
    ],
]


def load(db: Database, path: Path) -> None:
    prepared, result = load_path(db, path)
    assert result is not None, prepared.report.text()


@pytest.fixture
def small(db, tmp_path) -> Database:
    load(db, fb.csv_file(tmp_path / "名册.csv", ROSTER))
    load(db, fb.csv_file(tmp_path / "考勤.csv", ATTENDANCE))
    load(db, fb.xlsx(tmp_path / "台账.xlsx", {"台账": HAND_LEDGER}, {"台账": ["A1:F1"]}))
    return db


def written(db: Database, tmp_path: Path, year: int = 2025) -> openpyxl.Workbook:
    with db.connect() as con:
        data = ledger_workbook(con, BRANCH, year)
    path = tmp_path / "台账导出.xlsx"
    path.write_bytes(data)
    return openpyxl.load_workbook(path)


def meeting_rows(sheet) -> list[dict]:
    """The rows under the header (row 3), as dicts by header."""
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[2], row)) for row in rows[3:]]


def test_a_sheet_per_type_with_merged_title_rows_and_the_header(small, tmp_path):
    book = written(small, tmp_path)
    # 三会一课 always have a sheet (no 党课 was held); other types when held; the 统计 last.
    assert book.sheetnames == ["支部党员大会", "支委会", "党小组会", "党课", "主题党日", "统计"]
    for sheet in book.worksheets[:-1]:
        width = sheet.max_column
        last = openpyxl.utils.get_column_letter(width)
        assert {str(r) for r in sheet.merged_cells.ranges} == {f"A1:{last}1", f"A2:{last}2"}
        assert sheet["A1"].value == f"{BRANCH} 2025年“三会一课”台账"
        assert sheet["A2"].value.startswith(sheet.title)
        header = [c.value for c in sheet[3]]
        group = ["所属党小组"] if sheet.title == "党小组会" else []
        assert header == [
            "序号",
            "会议日期",
            "会议类型",
            *group,
            "会议名称",
            "主持人",
            "记录人",
            "参会人员名单",
            "应到人数",
            "实到人数",
            "请假人数",
            "缺席人数",
            "补学人数",
            "未签到人员",
        ]
    assert book["党课"]["A2"].value == "党课（共 0 次）" and book["党课"].max_row == 3
    assert book["党小组会"]["A2"].value == "党小组会（共 2 次）"


def test_every_mark_the_counts_and_the_unmarked(small, tmp_path):
    book = written(small, tmp_path)
    (day,) = meeting_rows(book["主题党日"])
    assert day["会议日期"] == dt.datetime(2025, 3, 15) and book["主题党日"]["B4"].number_format == "yyyy-mm-dd"
    # Plain name for 出席; (迟到) (补学) (请假); a note in [ ] with its 、 turned into a space; the
    # two 张三 by their party group; 赵六 unmarked, named apart and counted under 缺席.
    assert day["参会人员名单"] == "张三【第一党小组】、李四(迟到)、张三【第二党小组】(补学)、王五(请假)[病假 住院]"
    assert (day["应到人数"], day["实到人数"], day["请假人数"], day["缺席人数"], day["补学人数"]) == (5, 2, 1, 1, 1)
    assert day["未签到人员"] == "赵六"

    first, second = meeting_rows(book["党小组会"])
    assert (first["所属党小组"], first["参会人员名单"]) == ("第一党小组", "张三【第一党小组】、李四(免)[长期病休]")
    assert (first["应到人数"], first["实到人数"]) == (1, 1)  # 免 is not expected
    assert (second["所属党小组"], second["参会人员名单"]) == ("第二党小组", "张三【第二党小组】(缺席)、王五、赵六")
    assert (second["应到人数"], second["缺席人数"], second["未签到人员"]) == (3, 1, None)

    (assembly,) = meeting_rows(book["支部党员大会"])
    assert (assembly["会议名称"], assembly["主持人"], assembly["记录人"]) == ("一季度党员大会", "张三", "李四")
    assert assembly["参会人员名单"] == "张三【第一党小组】、李四、张三【第二党小组】(请假)[事假]、王五(缺席)、赵六"
    counts = [assembly[c] for c in ("应到人数", "实到人数", "请假人数", "缺席人数", "补学人数")]
    assert counts == [5, 3, 1, 1, 0] and all(isinstance(c, int) for c in counts)

    summary = list(book["统计"].iter_rows(values_only=True))
    assert summary[1] == ("会议类型", "次数", "应到人次", "实到人次", "请假人次", "缺席人次", "补学人次")
    # 应到 5 + 1 + 1 + 3 + 5; 实到 3 + 1 + 1 + 2 + 2 (大会, 支委会, the two 党小组会, 主题党日)
    assert summary[-1] == ("合计", 5, 15, 9, 2, 3, 1)


def test_names_and_notes_are_written_as_text_never_as_formulas(db, tmp_path):
    load(db, fb.csv_file(tmp_path / "名册.csv", [["姓名", "党小组", "党员类别"], ["张三", "一组", "正式"]]))
    rows = [["日期", "活动类型", "姓名", "状态", "备注"], ["2025-04-15", "主题党日", "张三", "请假", "=1+1"]]
    load(db, fb.csv_file(tmp_path / "考勤.csv", rows))
    (day,) = meeting_rows(written(db, tmp_path)["主题党日"])
    assert day["参会人员名单"] == "张三(请假)[=1+1]"


def live_marks(db: Database) -> list[tuple]:
    with db.connect() as con:
        return con.execute(
            """SELECT a.date, a.activity_type, m.name, m.party_group, a.status, a.note
               FROM live_attendance a JOIN live_member_versions m USING (member_id) ORDER BY ALL"""
        ).fetchall()


def test_the_ledger_loads_back_to_the_same_marks(small, tmp_path):
    path = tmp_path / "导出.xlsx"
    with small.connect() as con:
        path.write_bytes(ledger_workbook(con, BRANCH, 2025))
    again = Database(tmp_path / "again.duckdb", wait_seconds=2)
    again.init()
    load(again, fb.csv_file(tmp_path / "名册.csv", ROSTER))
    parsed = pipeline.read_file(path.read_bytes(), path.name)
    assert parsed.kind == "attendance" and {s.context.table.layout for s in parsed.sheets} == {"ledger"}
    assert any("“统计”没有可识别的表头" in note for note in parsed.report.notes)
    load(again, path)
    # The only change is the one the ledger's layout forces: a note's 、 is written as a space.
    expected = [r[:5] + (r[5].replace("、", " ") if r[5] else None,) for r in live_marks(small)]
    assert live_marks(again) == expected


# --- the round trip of the demo branch ---------------------------------------------------------
PERIODS = ["2025", *(f"2025-Q{q}" for q in range(1, 5)), *(f"2025-{m:02d}" for m in range(1, 13))]


@pytest.fixture(scope="module")
def round_trip(demo_db, tmp_path_factory) -> tuple[Database, Database]:
    """(a copy of the demo branch, an empty database loaded with the demo's roster, study and
    assessment files and the 2025 ledger exported from the demo)."""
    folder = tmp_path_factory.mktemp("ledger_round_trip")
    shutil.copy(demo_db.path, folder / "demo.duckdb")
    source = Database(folder / "demo.duckdb", wait_seconds=2)
    ledger = folder / "2025年三会一课台账.xlsx"
    with source.connect() as con:
        ledger.write_bytes(ledger_workbook(con, BRANCH, 2025))
    target = Database(folder / "from-ledger.duckdb", wait_seconds=2)
    target.init()
    kept = {"roster": [], "study": [], "assessment": []}
    for path in sorted((demo_db.path.parent / "files").iterdir()):
        kind = pipeline.read_file(path.read_bytes(), path.name).kind
        if kind in kept:  # the demo's attendance (签到汇总, 考勤明细, 会议台账) comes from the ledger only
            kept[kind].append(path)
    assert all(kept.values()), kept
    for path in [*kept["roster"], *kept["study"], *kept["assessment"], ledger]:
        load(target, path)
    return source, target


def test_the_demo_ledger_carries_every_attendance_row(round_trip):
    source, target = round_trip
    assert live_marks(target) == live_marks(source)
    assert len(live_marks(source)) > 900


@pytest.mark.parametrize("level", ["member", "branch"])
def test_the_demo_scores_from_the_ledger_are_the_same_for_every_period(round_trip, run, level):
    source, target = round_trip
    differ = []
    for period in PERIODS:
        outputs = []
        for db in (source, target):
            code, out, err = run(
                ["scores", "--db", db.path, "--branch", BRANCH, "--period", period]
                + ["--level", level, "--format", "csv"]
            )
            assert code == 0, err
            outputs.append(out)
        if outputs[0] != outputs[1]:
            differ.append(period)
        assert outputs[0].count("\n") > 1  # a header and rows: something was compared
    assert differ == []


# --- the command line --------------------------------------------------------------------------
def test_etl_ledger_writes_the_file_and_refuses_to_replace_it_without_force(small, run, tmp_path):
    out = tmp_path / "导出的台账.xlsx"
    code, stdout, _ = run(["ledger", "--db", small.path, "--branch", BRANCH, "--year", "2025", "--out", out])
    assert code == 0 and out.exists()
    assert "支部党员大会 1 次、支委会 1 次、党小组会 2 次、党课 0 次、主题党日 1 次" in stdout
    assert openpyxl.load_workbook(out).sheetnames[0] == "支部党员大会"

    out.write_bytes(b"the secretary's signed copy")
    code, _, err = run(["ledger", "--db", small.path, "--branch", BRANCH, "--year", "2025", "--out", out])
    assert code == 1 and "已存在" in err and "--force" in err
    assert out.read_bytes() == b"the secretary's signed copy"
    code, _, _ = run(["ledger", "--db", small.path, "--branch", BRANCH, "--year", "2025", "--out", out, "--force"])
    assert code == 0 and openpyxl.load_workbook(out).sheetnames[-1] == "统计"


def test_etl_ledger_refuses_an_unknown_branch_a_bad_year_and_a_missing_database(small, run, tmp_path):
    out = tmp_path / "导出的台账.xlsx"
    code, _, err = run(["ledger", "--db", small.path, "--branch", "没有的支部", "--year", "2025", "--out", out])
    assert code == 1 and "没有党支部“没有的支部”" in err and not out.exists()
    code, _, err = run(["ledger", "--db", small.path, "--branch", BRANCH, "--year", "1999", "--out", out])
    assert code == 2 and "--year 1999" in err
    code, _, err = run(["ledger", "--db", tmp_path / "none.duckdb", "--branch", BRANCH, "--year", "2025", "--out", out])
    assert code == 1 and "数据库文件不存在" in err and not out.exists()
    code, _, err = run(
        ["ledger", "--db", small.path, "--branch", BRANCH, "--year", "2025", "--out", tmp_path / "x.xls"]
    )
    assert code == 2 and ".xlsx" in err


def test_etl_ledger_help_names_every_option(run, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run(["ledger", "--help"])
    help_text = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert all(option in help_text for option in ("--db", "--branch", "--year", "--out", "--force"))
