"""Finding the header and the kind of a messy sheet, and cutting its records."""

import datetime as dt

from etl.sources import read_file
from tests import filebuilders as fb


def read(path, **kw):
    return read_file(path.read_bytes(), path.name, **kw)


def test_roster_with_title_rows_blank_rows_total_row_and_id_cards(tmp_path):
    rows = [
        ["2020年 党员名册"],
        [],
        ["序号", "党员姓名", "身份证号", "所在党小组", "党员类别", "联系电话"],
        [1, "张 三", "110101198503010011", "第一党小组", "正式党员", "13800000000"],
        [],
        [2, "李四", "110101199001010022", "第一党小组", "预备党员", "13900000000"],
        ["合计", "2人"],
    ]
    parsed = read(fb.xlsx(tmp_path / "r.xlsx", {"名册": rows}))
    assert parsed.kind == "roster" and parsed.report.ok
    records = parsed.sheets[0].records
    assert list(records["src_row"]) == [4, 6]
    assert "身份证号" not in records and parsed.dropped_columns == ["身份证号", "联系电话"]
    assert any("身份证号" in n and "不会保存" in n for n in parsed.report.notes)


def test_total_row_word_in_any_of_the_first_cells(tmp_path):
    rows = [["姓名", "党小组", "党员类别"], ["张三", "一组", "正式"], ["", "总计", "1人"]]
    parsed = read(fb.xlsx(tmp_path / "r.xlsx", {"S": rows}))
    assert len(parsed.sheets[0].records) == 1


def test_a_sheet_without_a_header_is_skipped_and_said(tmp_path):
    parsed = read(fb.xlsx(tmp_path / "r.xlsx", {"说明": [["本表由党支部填写"]], "名册": fb.ROSTER}))
    assert parsed.kind == "roster" and [s.context.name for s in parsed.sheets] == ["名册"]
    assert any("说明" in n and "跳过" in n for n in parsed.report.notes)


def test_no_recognisable_header_is_a_refusal_that_names_the_needed_columns(tmp_path):
    parsed = read(fb.xlsx(tmp_path / "x.xlsx", {"S": [["编号", "金额"], [1, 2]]}))
    (issue,) = parsed.report.issues
    assert "表头" in issue.reason and "姓名" in issue.hint


def test_kind_can_be_overridden(tmp_path):
    path = fb.xlsx(tmp_path / "r.xlsx", {"S": fb.ROSTER})
    assert read(path, kind="study").kind is None
    assert read(path, kind="roster").kind == "roster"


def test_long_attendance(tmp_path):
    rows = [["日期", "活动类型", "姓名", "状态"], ["2020-03-15", "主题党日", "张三", "√"]]
    parsed = read(fb.csv_file(tmp_path / "a.csv", rows, "gbk"))
    assert parsed.kind == "attendance" and parsed.sheets[0].context.table.layout == "long"


def test_wide_sign_in_sheet_with_one_row_header(tmp_path):
    rows = [
        ["2020年3月签到"],
        ["姓名", "3月15日 主题党日", "2020/3/20 党课", "出勤次数", "备注"],
        ["张三", "√", "×", 1, ""],
        ["李四", "", "假", 0, "病"],
    ]
    parsed = read(fb.xlsx(tmp_path / "w.xlsx", {"3月": rows}))
    sheet = parsed.sheets[0]
    assert sheet.context.table.layout == "wide" and sheet.context.year == 2020
    recs = sheet.records
    assert list(zip(recs["name"], recs["type_raw"], recs["mark_raw"], recs["src_row"], recs["src_col"])) == [
        ("张三", "主题党日", "√", 3, "B（3月15日 主题党日）"),
        ("张三", "党课", "×", 3, "C（2020/3/20 党课）"),
        ("李四", "党课", "假", 4, "C（2020/3/20 党课）"),
    ]


def test_wide_sign_in_sheet_with_two_row_header_dates_merged_above(tmp_path):
    rows = [["姓名", "3月15日", None, "出勤率"], [None, "主题党日", "党小组会", None], ["张三", "√", "√", "100%"]]
    path = fb.xlsx(tmp_path / "2020年签到.xlsx", {"S": rows}, {"S": ["A1:A2", "B1:C1", "D1:D2"]})
    recs = read(path).sheets[0].records
    assert list(zip(recs["date_raw"], recs["type_raw"])) == [("3月15日", "主题党日"), ("3月15日", "党小组会")]
    assert list(recs["src_row"]) == [3, 3]


def test_one_activity_sign_in_sheet_takes_date_and_type_from_the_title(tmp_path):
    rows = [
        ["2020年3月15日主题党日签到表"],
        ["姓名", "签名", "姓名", "签名", "备注"],
        ["张三", "张三", "王五", "", "请假"],
        ["李四", "", "赵六", "赵六", None],
    ]
    parsed = read(fb.xlsx(tmp_path / "s.xlsx", {"签到": rows}))
    recs = parsed.sheets[0].records
    assert parsed.sheets[0].context.table.layout == "signin"
    assert sorted(zip(recs["name"], recs["mark_raw"])) == [("张三", "张三"), ("王五", "请假"), ("赵六", "赵六")]
    assert set(recs["date_raw"]) == {"2020年3月15日"}


def test_meeting_ledger_participants_with_marks(tmp_path):
    rows = [
        ["会议日期", "会议类型", "会议名称", "参会人员名单", "应到人数"],
        [
            dt.date(2020, 3, 25),
            "支部党员大会、党课",
            "一季度大会",
            "张三、李四(请假)[事假]、王五(缺席)、孙校长(列席)",
            4,
        ],
    ]
    recs = read(fb.xlsx(tmp_path / "l.xlsx", {"台账": rows})).sheets[0].records
    assert list(zip(recs["name"], recs["mark_raw"], recs["note"].fillna(""))) == [
        ("张三", "出席", ""),
        ("李四", "请假", "事假"),
        ("王五", "缺席", ""),
        ("孙校长", "列席", ""),
    ]
    assert '"应到人数": "4"' in recs["details"].iloc[0]


def test_meeting_ledger_names_a_participants_party_group_in_lenticular_brackets(tmp_path):
    """Two members of one name: 张三【第二党小组】 says which (etl ledger writes it so); a row's
    所属党小组 holds for the participants that name none."""
    rows = [
        ["会议日期", "会议类型", "所属党小组", "参会人员名单"],
        [dt.date(2020, 3, 25), "党小组会", "第一党小组", "张三【第二党小组】(请假)[事假]、张三、李四"],
    ]
    recs = read(fb.xlsx(tmp_path / "l.xlsx", {"台账": rows})).sheets[0].records
    assert list(zip(recs["name"], recs["party_group"], recs["mark_raw"], recs["note"].fillna(""))) == [
        ("张三", "第二党小组", "请假", "事假"),
        ("张三", "第一党小组", "出席", ""),
        ("李四", "第一党小组", "出席", ""),
    ]


def test_year_from_title_then_file_name_and_conflicts(tmp_path):
    rows = lambda title: [[title], ["姓名", "3月15日 主题党日"], ["张三", "√"]]  # noqa: E731
    ctx = lambda name, title, **kw: read(fb.xlsx(tmp_path / name, {"S": rows(title)}), **kw).sheets[0].context  # noqa: E731
    assert ctx("签到.xlsx", "2021年签到").year == 2021
    assert ctx("2019年签到.xlsx", "签到").year == 2019
    assert ctx("签到.xlsx", "签到", year=2018).year == 2018
    assert ctx("2020-2021学年.xlsx", "签到").year is None
    clash = ctx("2019年签到.xlsx", "2021年签到")
    assert clash.year is None and "不一致" in clash.year_problem
    assert "不一致" in ctx("签到.xlsx", "2021年签到", year=2020).year_problem


def test_study_daily_and_cumulative(tmp_path):
    daily = read(fb.xlsx(tmp_path / "d.xlsx", {"S": [["姓名", "日期", "当日积分"], ["张三", "2020-03-01", 30]]}))
    totals = read(
        fb.csv_file(tmp_path / "t.csv", [["姓名", "统计日期", "累计积分"], ["张三", "2020-03-01", 3000]], "utf-8-sig")
    )
    assert daily.kind == totals.kind == "study"


def test_assessment(tmp_path):
    parsed = read(
        fb.xlsx(
            tmp_path / "a.xlsx", {"S": [["姓名", "事项", "年度", "评议等次"], ["张三", "民主评议", "2020年度", "优秀"]]}
        )
    )
    assert parsed.kind == "assessment"
