"""工作记录 as secretaries keep them: a 谈心谈话记录表 with a title and merged cells, a 走访慰问登记表 naming
several people in a cell, a 廉洁承诺书签订名单 as .xls and as GBK CSV, a 会议台账 holding a 专题会 beside
三会一课 — each read, checked and loaded as one file, with what was said in a talk never stored."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from etl import pipeline
from etl.load import undo_load
from etl.sources import bulk_csv, read_file
from tests import filebuilders as fb
from tests.conftest import load_path

D = dt.date
SECRET = "家中老人病重，情绪低落"  # what was said in a talk: must never reach the database

TALKS = [
    ["2025年谈心谈话记录表"],
    ["序号", "谈话时间", "谈话人", "谈话对象", "谈话内容", "谈话地点"],
    [1, "3月5日", "张三", "李四", SECRET, "党员活动室"],
    [2, "3月12日", None, "王五、赵六", "工作安排", "办公室"],  # 谈话人 merged with the row above
    [],
    [3, "4月2日", "张三", "退休教师 陈老师", "", ""],
]


def records_of(db, sql="SELECT * EXCLUDE (load_id, branch_id) FROM live_records ORDER BY date, subject"):
    with db.connect() as con:
        return con.execute(sql).df()


def read(path, **kw):
    return read_file(path.read_bytes(), path.name, **kw)


@pytest.fixture
def talks(tmp_path):
    return fb.xlsx(tmp_path / "谈话.xlsx", {"谈心谈话记录表": TALKS}, {"谈心谈话记录表": ["A1:F1", "C3:C4"]})


def test_a_talk_sheet_takes_its_type_from_its_name_and_one_record_per_subject(db, loaded_roster, talks):
    prepared, result = load_path(db, talks)
    assert result is not None, prepared.report.text()
    assert prepared.kind == "record" and result.rows_loaded == 4
    rows = records_of(db)
    assert list(zip(rows["date"].dt.date, rows["record_type"], rows["subject"], rows["leader"])) == [
        (D(2025, 3, 5), "谈心谈话", "李四", "张三"),
        (D(2025, 3, 12), "谈心谈话", "王五", "张三"),  # the merged 谈话人 belongs to both rows it spans
        (D(2025, 3, 12), "谈心谈话", "赵六", "张三"),
        (D(2025, 4, 2), "谈心谈话", "退休教师陈老师", "张三"),
    ]
    assert rows["member_id"].isna().tolist() == [False, False, False, True]  # a stranger is kept as text
    assert list(rows["src_row"]) == [3, 4, 4, 6] and set(rows["src_sheet"]) == {"谈心谈话记录表"}
    assert json.loads(rows["details"][0]) == {"地点": "党员活动室"}
    notes = prepared.report.notes
    assert any("类型取自表名或标题：谈心谈话" in n for n in notes)
    assert any("谈话内容" in n and "不会保存" in n for n in notes)
    assert any("不在名册中" in n and "退休教师陈老师" in n and "不是错误" in n for n in notes)


def test_what_was_said_never_reaches_the_database(db, loaded_roster, talks):
    prepared, result = load_path(db, talks)
    assert result is not None and SECRET not in prepared.parsed.sheets[0].records.to_string()
    with db.connect() as con:
        everything = [
            con.execute(f"SELECT * FROM {t}").fetchall()
            for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        ]
        con.execute("CHECKPOINT")
    assert SECRET not in repr(everything) and "党员活动室" in repr(everything)
    stored = b"".join(p.read_bytes() for p in db.path.parent.glob(f"{db.path.name}*"))
    assert "党员活动室".encode() in stored  # a kept column is in the file's bytes: the search can find text
    assert SECRET.encode() not in stored and SECRET.encode("gb18030") not in stored


def test_a_visit_register_names_several_people_and_keeps_the_gift(tmp_path, db, loaded_roster):
    rows = [
        ["走访慰问登记表"],
        ["时间", "走访对象", "走访人", "慰问品", "联系电话"],
        ["2025-01-20", "李四、王五(病休)；退休党员陈某", "张三", "米、油", "13800000000"],
        ["2025-07-01", "赵六", "张三", "慰问金500元", ""],
    ]
    prepared, result = load_path(db, fb.xlsx(tmp_path / "2025年走访.xlsx", {"Sheet1": rows}))
    assert result is not None, prepared.report.text()
    got = records_of(db)
    assert list(got["subject"]) == ["李四", "王五", "退休党员陈某", "赵六"]
    assert set(got["record_type"]) == {"走访慰问"} and got["member_id"].isna().sum() == 1
    assert json.loads(got["details"][1]) == {"慰问品": "米、油", "说明": "病休"}
    assert "13800000000" not in got.to_string()


PLEDGES = [
    ["2025年廉洁承诺书签订名单"],
    ["序号", "姓名", "党小组", "签订日期", "本人签字"],
    [1, "张三", "第一党小组", "2025-02-28", "张三"],
    [2, "李四", "第一党小组", "2025-02-28", "李四"],
    [3, "王五", "第二党小组", "", ""],  # listed, never signed: no record
    [4, "赵六", "第二党小组", "2025-03-03", "赵六"],
]


@pytest.mark.parametrize("form", ["xls", "gbk-csv"])
def test_a_pledge_list_as_xls_or_gbk_csv_records_those_who_signed(tmp_path, db, loaded_roster, form):
    if form == "xls":
        path = fb.xls(tmp_path / "承诺书.xls", PLEDGES, merges=[(0, 0, 0, 4)], sheet="承诺书")
    else:
        path = fb.csv_file(tmp_path / "廉洁承诺书签订名单.csv", PLEDGES[1:], encoding="gbk")
    prepared, result = load_path(db, path)
    assert result is not None, prepared.report.text()
    got = records_of(db)
    assert list(got["subject"]) == ["张三", "李四", "赵六"] and set(got["record_type"]) == {"承诺书"}
    assert got["member_id"].notna().all()
    assert any("1 人未签字" in n and "王五" in n for n in prepared.report.notes)


LEDGER = [
    ["实验学校党支部2025年会议台账"],
    ["会议日期", "会议类型", "会议名称", "主持人", "参会人员名单"],
    ["2025-03-25", "支部党员大会、党课", "一季度党员大会", "张三", "张三、李四(请假)[事假]、王五、赵六"],
    ["2025-04-18", "党风廉政建设专题会", "廉政专题会", "张三", "张三、李四、王五(缺席)、孙校长(列席)"],
    ["2025-04-25", "支委会、政治学习", "四月支委会", "张三", "张三"],
]


def test_a_ledger_of_meetings_and_a_专题会_loads_both_in_one_load(tmp_path, db, loaded_roster):
    path = fb.xlsx(tmp_path / "会议台账.xlsx", {"全部会议": LEDGER})
    prepared, result = load_path(db, path)
    assert result is not None, prepared.report.text()
    assert prepared.kind == "attendance"
    with db.connect() as con:
        loads = con.execute("SELECT load_id, kind FROM live_loads").fetchall()
        acts = con.execute("SELECT DISTINCT date, activity_type FROM live_attendance ORDER BY 1, 2").fetchall()
        meeting_loads = {r[0] for r in con.execute("SELECT load_id FROM live_meetings").fetchall()}
    assert len(loads) == 2 and loads[-1] == (result.load_id, "attendance")
    assert acts == [(D(2025, 3, 25), "党课"), (D(2025, 3, 25), "支部党员大会"), (D(2025, 4, 25), "支委会")]
    got = records_of(db, "SELECT * FROM live_records ORDER BY date, subject")
    assert set(got["load_id"]) == {result.load_id}
    assert list(zip(got["record_type"], got["subject"])) == [
        ("廉政专题会", "孙校长"),  # a guest is no error here: a record keeps anyone it names
        ("廉政专题会", "张三"),
        ("廉政专题会", "李四"),
        ("廉政专题会", "王五"),
        ("政治学习", "张三"),
    ]
    assert json.loads(got["details"][3])["出勤"] == "缺席" and got["topic"][0] == "廉政专题会"
    assert set(got["leader"]) == {"张三"} and meeting_loads == {result.load_id}
    undo_load(db, result.load_id, "测试")  # one load, one undo: the meetings and the records go together
    with db.connect() as con:
        left = [con.execute(f"SELECT count(*) FROM live_{t}").fetchone()[0] for t in ("attendance", "meetings")]
    assert left == [0, 0] and records_of(db).empty


def test_a_ledger_of_record_types_only_loads_as_records(tmp_path, db, loaded_roster):
    rows = [LEDGER[1], LEDGER[3], ["2025-05-14", "教职工政治学习", "五月政治学习", "张三", "张三、李四"]]
    prepared, result = load_path(db, fb.xlsx(tmp_path / "台账.xlsx", {"专题会": rows}))
    assert result is not None, prepared.report.text()
    assert prepared.kind == "record" and result.rows_loaded == 6 and records_of(db)["subject"].size == 6


def test_spring_training_is_an_activity_in_attendance_and_a_record_in_a_record_layout(tmp_path, db, loaded_roster):
    long = [["日期", "活动类型", "姓名", "出勤情况"], ["2025-02-26", "春训", "张三", "出席"]]
    record = [["日期", "类型", "参加人员", "主题"], ["2025-02-27", "春训", "张三、李四", "党员春训"]]
    for name, rows in (("考勤.xlsx", long), ("春训记录.xlsx", record)):
        prepared, result = load_path(db, fb.xlsx(tmp_path / name, {"Sheet1": rows}))
        assert result is not None, prepared.report.text()
    with db.connect() as con:
        assert con.execute("SELECT activity_type FROM live_attendance").fetchall() == [("春训冬训",)]
    assert list(records_of(db)["record_type"]) == ["春训", "春训"]


def test_a_workbook_with_a_sign_in_sheet_and_a_talk_sheet_is_one_load(tmp_path, db, loaded_roster):
    signin = [["日期", "活动类型", "姓名", "状态"], ["2025-03-15", "主题党日", "张三", "√"]]
    path = fb.xlsx(tmp_path / "三月.xlsx", {"考勤": signin, "谈心谈话": TALKS[1:4]})
    prepared, result = load_path(db, path, year=2025)
    assert result is not None, prepared.report.text()
    assert prepared.kind == "attendance" and [s.context.table.kind for s in prepared.parsed.sheets] == [
        "attendance",
        "record",
    ]
    assert result.rows_loaded == 1 + 3


def test_row_issues_name_the_cell_and_refuse_the_file(tmp_path, db):
    roster = fb.ROSTER + [["张三", "第二党小组", "正式", "", "东校区"]]  # two members named 张三
    load_path(db, fb.xlsx(tmp_path / "名册.xlsx", {"名册": roster}))
    rows = [
        ["日期", "类型", "对象", "负责人"],
        ["2025-03-01", "谈心谈话", "张三", "李四"],  # which 张三?
        ["2025-03-02", "党课", "李四", ""],  # 三会一课 is attendance, not a record
        ["2025-03-03", "谈心谈话", "", "李四"],  # a talk with nobody
        ["2025-03-04", "家访", "王五", ""],  # not a record type
        ["2025-13-05", "走访慰问", "王五", ""],  # no such date
        ["2025-03-06", "走访慰问", "赵六", "李四"],
        ["2025-03-06", "走访慰问", "赵六", "王五"],  # the same visit, another 走访人
        ["2025-03-07", "承诺书", "李四", ""],
        ["2025-03-07", "承诺书", "李四", ""],  # repeated as it was: loads once
    ]
    prepared, result = load_path(db, fb.xlsx(tmp_path / "记录.xlsx", {"记录": rows}))
    assert result is None
    issues = {(i.row, i.column): i.reason for i in prepared.report.issues}
    assert "2 位同名党员" in issues[(2, "C（对象）")]
    assert "三会一课" in issues[(3, "B（类型）")] and "无法识别的工作记录类型" in issues[(5, "B（类型）")]
    assert "对象为空" in issues[(4, "C（对象）")] and "不存在的日期" in issues[(6, "A（日期）")]
    assert "出现多次且内容不一致" in issues[(7, None)] and "出现多次且内容不一致" in issues[(8, None)]
    assert prepared.report.count == 7


def test_a_record_file_is_told_from_the_other_kinds(tmp_path):
    files = {
        "谈心谈话.xlsx": ("record", {"S": TALKS}),
        "走访.xlsx": ("record", {"走访慰问登记表": [["走访时间", "走访对象", "慰问品"], ["2025-01-01", "张三", "油"]]}),
        "考勤.xlsx": ("attendance", {"S": [["日期", "活动类型", "姓名", "状态"], ["2025-01-01", "党课", "张三", "√"]]}),
        "名册.xlsx": ("roster", {"S": fb.ROSTER}),
        "考评.xlsx": ("assessment", {"S": [["姓名", "项目", "日期"], ["张三", "表彰", "2025-01-01"]]}),
        "积分.xlsx": ("study", {"S": [["姓名", "日期", "积分"], ["张三", "2025-01-01", 30]]}),
    }
    for name, (kind, sheets) in files.items():
        assert read(fb.xlsx(tmp_path / name, sheets)).kind == kind, name
    # no type anywhere: a date and a name are not a record
    parsed = read(fb.xlsx(tmp_path / "名单.xlsx", {"S": [["日期", "姓名"], ["2025-01-01", "张三"]]}))
    assert parsed.kind is None and "工作记录" in parsed.report.issues[0].hint


def test_the_bulk_path_reads_a_record_csv_as_the_exact_path_does(tmp_path, monkeypatch):
    rows = [["2025年政治学习记录"], ["日期", "参加人员", "主题"]]
    rows += [[f"2025-03-{d:02d}", "张三、李四", f"第{d}次学习"] for d in range(1, 29)] + [["合计", "28次"]]
    path = fb.csv_file(tmp_path / "政治学习.csv", rows)
    read_as = {}
    for bulk in (False, True):
        monkeypatch.setattr(bulk_csv, "BULK_MIN_LINES", 0 if bulk else 10**9)
        read_as[bulk] = pipeline.read_file(path.read_bytes(), path.name)
    pd.testing.assert_frame_equal(read_as[True].sheets[0].records, read_as[False].sheets[0].records)
    assert read_as[True].kind == "record" and read_as[True].rows_read == 56
