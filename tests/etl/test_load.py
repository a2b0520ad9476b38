"""What lands in the database, row by row; what is refused, and that a refusal changes nothing."""

import datetime as dt

import pytest

from etl.errors import LoadRefused
from etl.load import list_loads, undo_load
from tests import filebuilders as fb
from tests.conftest import BRANCH, load_path, table_contents

D = dt.date


def rows(db, sql, params=()):
    with db.connect() as con:
        return con.execute(sql, list(params)).fetchall()


def test_roster_lands_row_by_row(db, loaded_roster):
    assert rows(
        db,
        "SELECT name, party_group, category, is_committee, campus, status, src_sheet, src_row"
        " FROM live_member_versions ORDER BY src_row",
    ) == [
        ("张三", "第一党小组", "正式", True, "本部", "在册", "名册", 3),
        ("李四", "第一党小组", "预备", False, "本部", "在册", "名册", 4),
        ("王五", "第二党小组", "正式", False, "东校区", "在册", "名册", 5),
        ("赵六", "第二党小组", "正式", False, "东校区", "在册", "名册", 6),
    ]
    (load,) = list_loads(db).itertuples()
    assert (load.kind, load.file_name, load.rows_read, load.rows_loaded, load.branch) == (
        "roster",
        "名册.xlsx",
        4,
        4,
        BRANCH,
    )
    assert len(load.sha256) == 64


def test_wide_sign_in_sheet_lands_with_unmarked_members_reported(db, loaded_roster, tmp_path):
    sheet = [
        ["2020年3月签到"],
        ["姓名", "3月15日 主题党日", "3月20日 党小组会"],
        ["张三", "√", "√"],
        ["李四", "迟", ""],
        ["王五", "", "×"],
        ["赵六", "免", ""],
    ]
    _, result = load_path(db, fb.xlsx(tmp_path / "签到.xlsx", {"3月": sheet}))
    assert rows(
        db,
        "SELECT strftime(date, '%m-%d'), activity_type, m.name, a.status, a.src_row, a.src_col"
        " FROM live_attendance a JOIN live_member_versions m USING (member_id) ORDER BY 1, 3",
    ) == [
        ("03-15", "主题党日", "张三", "出席", 3, "B（3月15日 主题党日）"),
        ("03-15", "主题党日", "李四", "迟到", 4, "B（3月15日 主题党日）"),
        ("03-15", "主题党日", "赵六", "免", 6, "B（3月15日 主题党日）"),
        ("03-20", "党小组会", "张三", "出席", 3, "C（3月20日 党小组会）"),
        ("03-20", "党小组会", "王五", "缺席", 5, "C（3月20日 党小组会）"),
    ]
    # 王五 is unmarked at 主题党日; 李四 (group 1) and 赵六 (group 2) are expected at the 党小组会 both groups held.
    assert result.unmarked.values.tolist() == [
        ["2020-03-15", "主题党日", 1, "王五"],
        ["2020-03-20", "党小组会", 2, "李四、赵六"],
    ]


def test_group_meeting_of_one_group_expects_only_that_group(db, loaded_roster, tmp_path):
    sheet = [["姓名", "2020/3/20 党小组会"], ["张三", "√"]]
    _, result = load_path(db, fb.xlsx(tmp_path / "a.xlsx", {"S": sheet}))
    assert result.unmarked.values.tolist() == [["2020-03-20", "党小组会", 1, "李四"]]


def test_gbk_long_csv_and_ledger_load(db, loaded_roster, tmp_path):
    long = fb.csv_file(
        tmp_path / "考勤.csv",
        [
            ["日期", "活动类型", "姓名", "出勤情况"],
            ["2020.4.15", "主题党日", "张三", "请假"],
            ["2020年4月15日", "主题党日", "王 五", "补学"],
        ],
        "gbk",
    )
    _, result = load_path(db, long)
    assert result.rows_loaded == 2
    ledger = fb.xlsx(
        tmp_path / "台账.xlsx",
        {
            "全部": [
                ["会议日期", "会议类型", "参会人员名单", "主持人"],
                ["2020-03-25", "支部党员大会、党课", "张三、李四(请假)[事假]、王五、孙校长(列席)", "张三"],
            ],
            "党员大会": [
                ["会议日期", "会议类型", "参会人员名单"],
                ["2020-03-25", "支部党员大会、党课", "张三、李四(请假)[事假]、王五、孙校长(列席)"],
            ],
        },
    )
    prepared, result = load_path(db, ledger)
    assert result.rows_loaded == 6  # 3 members × 2 types, loaded once although two sheets repeat it
    assert any("孙校长" in n for n in prepared.report.notes)
    assert rows(db, "SELECT activity_type, title, details FROM live_meetings ORDER BY 1") == [
        ("党课", None, '{"主持人": "张三"}'),
        ("支部党员大会", None, '{"主持人": "张三"}'),
    ]
    assert rows(db, "SELECT note FROM live_attendance WHERE status = '请假' AND date = '2020-03-25'") == [
        ("事假",),
        ("事假",),
    ]


def test_a_ledger_never_stores_id_card_or_phone_columns(db, loaded_roster, tmp_path):
    """A ledger keeps its other columns with the meeting — but never personal data."""
    ledger = fb.xlsx(
        tmp_path / "台账.xlsx",
        {
            "全部": [
                ["会议日期", "会议类型", "参会人员名单", "主持人", "主持人身份证号", "联系电话"],
                ["2020-03-25", "党课", "张三、李四", "张三", "110101198001011234", "13800000000"],
            ]
        },
    )
    prepared, result = load_path(db, ledger)
    assert result.rows_loaded == 2
    assert any("主持人身份证号" in n and "联系电话" in n and "不会保存" in n for n in prepared.report.notes)
    stored = repr(table_contents(db))
    assert "110101198001011234" not in stored and "13800000000" not in stored
    assert rows(db, "SELECT details FROM live_meetings") == [('{"主持人": "张三"}',)]


def test_study_daily_and_cumulative_land(db, loaded_roster, tmp_path):
    load_path(
        db,
        fb.xlsx(
            tmp_path / "d.xlsx",
            {"S": [["姓名", "日期", "当日积分"], ["张三", D(2020, 3, 1), 30], ["李四", "2020-03-01", "12.5"]]},
        ),
    )
    load_path(
        db,
        fb.csv_file(tmp_path / "t.csv", [["姓名", "统计日期", "年度积分"], ["张三", "2020-03-31", 800]], "utf-8-sig"),
    )
    assert rows(db, "SELECT member_id, date, points FROM live_study_daily ORDER BY 1") == [
        (1, D(2020, 3, 1), 30.0),
        (2, D(2020, 3, 1), 12.5),
    ]
    assert rows(db, "SELECT member_id, as_of, total, total_kind FROM live_study_totals") == [
        (1, D(2020, 3, 31), 800.0, "yearly")
    ]


def test_assessment_grade_belongs_to_its_year(db, loaded_roster, tmp_path):
    sheet = [
        ["姓名", "项目", "日期", "年度", "评议等次", "级别", "分值"],
        ["张三", "民主评议", "2021-01-12", "2020年度", "优秀", None, None],
        ["李四", "表彰", "2020-05-04", None, None, "区级", None],
        ["王五", "校级公开课", "2020-06-01", None, None, None, 1.5],
    ]
    load_path(db, fb.xlsx(tmp_path / "a.xlsx", {"S": sheet}))
    assert rows(db, "SELECT item, date, year, grade, level, points FROM live_assessments ORDER BY src_row") == [
        ("民主评议", D(2021, 1, 12), 2020, "优秀", None, None),
        ("表彰", D(2020, 5, 4), 2020, None, "区级", None),
        ("校级公开课", D(2020, 6, 1), 2020, None, None, 1.5),
    ]


# --- refusals: one test per class of bad input, each leaving the database as it was -------------
ATT = ["日期", "活动类型", "姓名", "状态"]
BAD_INPUTS = {
    "unknown member": (ATT, ["2020-03-15", "主题党日", "张叁", "√"], "名册中没有这位党员", "C"),
    "unknown activity type": (ATT, ["2020-03-15", "读书会", "张三", "√"], "无法识别的活动类型", "B"),
    "unknown mark": (ATT, ["2020-03-15", "主题党日", "张三", "？"], "无法识别的考勤标记", "D"),
    "impossible date": (ATT, ["2020-02-30", "主题党日", "张三", "√"], "不存在的日期", "A"),
    "month-day without a year": (ATT, ["3月15日", "主题党日", "张三", "√"], "无法确定年份", "A"),
    "non-numeric points": (["姓名", "日期", "当日积分"], ["张三", "2020-03-01", "三十"], "积分不是数字", "C"),
    "negative points": (["姓名", "日期", "当日积分"], ["张三", "2020-03-01", -5], "积分不能为负数", "C"),
    "unknown item without points": (
        ["姓名", "项目", "日期"],
        ["张三", "读书笔记", "2020-03-01"],
        "未知的考评项目",
        "B",
    ),
    "appraisal without grade": (["姓名", "项目", "年度"], ["张三", "民主评议", "2020"], "缺少评议等次", None),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_each_class_of_bad_input_is_refused_and_changes_nothing(db, loaded_roster, tmp_path, case):
    header, bad, reason, column = BAD_INPUTS[case]
    before = table_contents(db)
    path = fb.xlsx(tmp_path / "bad.xlsx", {"表": [["标题"], header, bad]})
    prepared, result = load_path(db, path)
    assert result is None and not prepared.ok
    issue = next(i for i in prepared.report.issues if reason in i.reason)
    assert (issue.file, issue.sheet, issue.row) == ("bad.xlsx", "表", 3)
    if column:
        assert issue.column.startswith(column)
    assert issue.hint
    assert table_contents(db) == before


def test_ambiguous_name_names_the_candidates_and_a_group_settles_it(db, tmp_path):
    load_path(
        db,
        fb.xlsx(
            tmp_path / "r.xlsx",
            {"S": [["姓名", "党小组", "党员类别"], ["张三", "一组", "正式"], ["张三", "二组", "正式"]]},
        ),
    )
    prepared, result = load_path(
        db, fb.xlsx(tmp_path / "a.xlsx", {"S": [ATT, ["2020-03-15", "主题党日", "张三", "√"]]})
    )
    assert result is None and "2 位同名党员：张三（一组）、张三（二组）" in prepared.report.issues[0].reason
    _, result = load_path(
        db, fb.xlsx(tmp_path / "b.xlsx", {"S": [ATT + ["党小组"], ["2020-03-15", "主题党日", "张三", "√", "二组"]]})
    )
    assert rows(db, "SELECT member_id FROM live_attendance") == [(2,)]


def test_missing_required_column_unreadable_and_empty_files_are_refused(db, loaded_roster, tmp_path):
    before = table_contents(db)
    for path in (
        fb.xlsx(tmp_path / "m.xlsx", {"S": [["日期", "姓名"], ["2020-03-15", "张三"]]}),
        tmp_path / "broken.xlsx",
        tmp_path / "empty.csv",
        fb.xlsx(tmp_path / "blank.xlsx", {"S": [[]]}),
    ):
        if path.name == "broken.xlsx":
            path.write_bytes(b"PK\x03\x04garbage")
        if path.name == "empty.csv":
            path.write_bytes(b"")
        prepared, result = load_path(db, path)
        assert result is None and prepared.report.issues, path.name
    assert table_contents(db) == before


def test_every_bad_row_is_counted_and_the_first_200_are_listed(db, loaded_roster, tmp_path):
    bad = [["2020-03-15", "主题党日", f"无名氏{i}", "√"] for i in range(250)]
    prepared, _ = load_path(db, fb.xlsx(tmp_path / "many.xlsx", {"S": [ATT, *bad]}))
    report = prepared.report
    assert report.count == 250 and len(report.issues) == 200 and report.issues[-1].row == 201
    assert "共 250 个问题" in report.text() and "另有 50 个问题未列出" in report.text()


# --- versions, repeats, undo -------------------------------------------------------------------
def attendance(db):
    return rows(db, "SELECT strftime(date, '%m-%d'), member_id, status, load_id FROM live_attendance ORDER BY 1, 2")


def test_replace_then_undo_chain(db, loaded_roster, tmp_path):
    a = fb.xlsx(
        tmp_path / "A.xlsx",
        {
            "S": [
                ATT,
                ["2020-03-15", "主题党日", "张三", "√"],
                ["2020-03-15", "主题党日", "李四", "×"],
                ["2020-04-15", "主题党日", "张三", "√"],
            ]
        },
    )
    b = fb.xlsx(tmp_path / "B.xlsx", {"S": [ATT, ["2020-03-15", "主题党日", "李四", "假"]]})
    _, ra = load_path(db, a)
    _, rb = load_path(db, b)
    assert rb.rows_replaced == 1
    assert attendance(db) == [("03-15", 1, "出席", 2), ("03-15", 2, "请假", 3), ("04-15", 1, "出席", 2)]
    undo_load(db, rb.load_id, "测试")
    assert attendance(db) == [("03-15", 1, "出席", 2), ("03-15", 2, "缺席", 2), ("04-15", 1, "出席", 2)]
    undo_load(db, ra.load_id, "测试")
    assert attendance(db) == []
    with pytest.raises(LoadRefused, match="已于"):
        undo_load(db, ra.load_id, "测试")
    with pytest.raises(LoadRefused, match="没有编号为 99"):
        undo_load(db, 99, "测试")


def test_undo_the_older_load_keeps_the_newer(db, loaded_roster, tmp_path):
    a = fb.xlsx(
        tmp_path / "A.xlsx",
        {"S": [ATT, ["2020-03-15", "主题党日", "李四", "×"], ["2020-04-15", "主题党日", "张三", "√"]]},
    )
    b = fb.xlsx(tmp_path / "B.xlsx", {"S": [ATT, ["2020-03-15", "主题党日", "李四", "假"]]})
    _, ra = load_path(db, a)
    load_path(db, b)
    undo_load(db, ra.load_id, "测试")
    assert attendance(db) == [("03-15", 2, "请假", 3)]


def test_byte_identical_reload_changes_nothing_and_names_the_load(db, loaded_roster, tmp_path):
    a = fb.xlsx(tmp_path / "A.xlsx", {"S": [ATT, ["2020-03-15", "主题党日", "张三", "√"]]})
    _, first = load_path(db, a)
    before = table_contents(db)
    _, again = load_path(db, a)
    assert again.repeat_of == first.load_id and table_contents(db) == before
    undo_load(db, first.load_id, "测试")
    _, third = load_path(db, a)  # an undone load is not live: loading the file again is a new load
    assert third.load_id and third.repeat_of is None


def test_two_volunteer_rows_on_one_day_stay_two_and_a_newer_file_replaces_both(db, loaded_roster, tmp_path):
    head = ["姓名", "项目", "日期"]
    load_path(
        db,
        fb.xlsx(
            tmp_path / "A.xlsx", {"S": [head, ["张三", "志愿服务", "2020-03-01"], ["张三", "志愿服务", "2020-03-01"]]}
        ),
    )
    assert rows(db, "SELECT count(*) FROM live_assessments") == [(2,)]
    _, result = load_path(db, fb.xlsx(tmp_path / "B.xlsx", {"S": [head, ["张三", "志愿服务", "2020-03-01"]]}))
    assert result.rows_replaced == 2 and rows(db, "SELECT count(*) FROM live_assessments") == [(1,)]


def test_conflicting_duplicate_rows_in_one_file_are_refused(db, loaded_roster, tmp_path):
    prepared, result = load_path(
        db,
        fb.xlsx(
            tmp_path / "A.xlsx",
            {"S": [ATT, ["2020-03-15", "主题党日", "张三", "√"], ["2020-03-15", "主题党日", "张三", "×"]]},
        ),
    )
    assert result is None and len(prepared.report.issues) == 2 and "不一致" in prepared.report.issues[0].reason


# --- the roster is the whole roster ------------------------------------------------------------
def test_a_full_roster_marks_missing_members_as_left_and_partial_does_not(db, loaded_roster, tmp_path):
    smaller = fb.xlsx(tmp_path / "r2.xlsx", {"S": [fb.ROSTER[1], fb.ROSTER[2], ["钱七", "第二党小组", "正式"]]})
    _, partial = load_path(db, smaller, partial=True)
    assert partial.left_members == [] and rows(
        db, "SELECT count(*) FROM live_member_versions WHERE status = '在册'"
    ) == [(5,)]
    smaller2 = fb.xlsx(
        tmp_path / "r3.xlsx",
        {"S": [fb.ROSTER[1], fb.ROSTER[2], ["钱七", "第二党小组", "正式"], ["孙八", "第一党小组", "正式"]]},
    )
    _, full = load_path(db, smaller2)
    assert sorted(full.left_members) == ["李四", "王五", "赵六"]
    assert rows(db, "SELECT name FROM live_member_versions WHERE status = '离开' ORDER BY name") == [
        ("李四",),
        ("王五",),
        ("赵六",),
    ]
    undo_load(db, full.load_id, "测试")  # nobody depends on 孙八 yet
    assert rows(db, "SELECT count(*) FROM live_member_versions WHERE status = '在册'") == [(5,)]


def test_undoing_a_roster_that_later_loads_depend_on_is_refused(db, loaded_roster, tmp_path):
    _, att = load_path(db, fb.xlsx(tmp_path / "a.xlsx", {"S": [ATT, ["2020-03-15", "主题党日", "张三", "√"]]}))
    with pytest.raises(LoadRefused, match=rf"#{att.load_id}（a.xlsx）"):
        undo_load(db, loaded_roster.load_id, "测试")
    undo_load(db, att.load_id, "测试")
    undo_load(db, loaded_roster.load_id, "测试")
    assert rows(db, "SELECT count(*) FROM live_member_versions") == [(0,)]


def test_a_dry_run_previews_and_writes_nothing(db, loaded_roster, tmp_path):
    before = table_contents(db)
    smaller = fb.xlsx(tmp_path / "r2.xlsx", {"S": fb.ROSTER[1:3]})
    _, preview = load_path(db, smaller, dry_run=True)
    assert preview.dry_run and sorted(preview.left_members) == ["李四", "王五", "赵六"]
    assert table_contents(db) == before


def test_branches_are_apart(db, loaded_roster, tmp_path):
    prepared, result = load_path(
        db, fb.xlsx(tmp_path / "a.xlsx", {"S": [ATT, ["2020-03-15", "主题党日", "张三", "√"]]}), branch="二中党支部"
    )
    assert result is None and "名册中没有" in prepared.report.issues[0].reason


def test_a_legacy_xls_roster_with_merged_groups_lands(db, tmp_path):
    sheet = [
        ["党员名册", None, None, None],
        ["姓名", "所在党小组", "党员类别", "出生年月"],
        ["张三", "第一党小组", "正式党员", "1985.03"],
        ["李四", None, "预备党员", 1990.1],
        ["王五", "第二党小组", "正式", "1979年5月"],
    ]
    path = fb.xls(tmp_path / "名册.xls", sheet, merges=[(0, 0, 0, 3), (2, 3, 1, 1)])
    _, result = load_path(db, path)
    assert result.rows_loaded == 3
    assert rows(db, "SELECT name, party_group, birth FROM live_member_versions ORDER BY src_row") == [
        ("张三", "第一党小组", D(1985, 3, 1)),
        ("李四", "第一党小组", D(1990, 10, 1)),
        ("王五", "第二党小组", D(1979, 5, 1)),
    ]


def test_an_ods_study_export_lands(db, loaded_roster, tmp_path):
    import pandas as pd

    path = tmp_path / "积分.ods"
    pd.DataFrame({"姓名": ["张三", "李四"], "日期": ["2020-03-01", "2020-03-02"], "当日积分": [30, 12]}).to_excel(
        path, engine="odf", index=False
    )
    _, result = load_path(db, path)
    assert result.rows_loaded == 2
    assert rows(db, "SELECT member_id, date, points FROM live_study_daily ORDER BY 1") == [
        (1, D(2020, 3, 1), 30.0),
        (2, D(2020, 3, 2), 12.0),
    ]
