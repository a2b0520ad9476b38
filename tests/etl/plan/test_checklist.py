"""The checklist on a date, item kind by item kind, from real files loaded through the pipeline."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from etl.plan.checklist import due_within, overdue
from etl.plan.status import BEHIND, DONE, IN_PROGRESS, NOT_STARTED, OVERDUE, SHOWN
from etl.rules import load_rules
from etl.scoring import engine
from etl.scoring.period import parse
from tests.conftest import BRANCH
from tests.etl.plan.conftest import MEMBERS_IN_2025, item

D = dt.date


# --- per-member items --------------------------------------------------------------------------
def test_a_member_not_yet_talked_to_is_named_and_the_item_is_overdue_after_the_year(branch):
    branch.talks(("2025-03-10", "张三"), ("2025-04-02", "李四、王五"))
    on_time = branch.checklist(2025, D(2025, 11, 30))
    talks = item(on_time, "谈心谈话")
    assert (talks["status"], talks["done"], talks["required"], talks["progress"]) == (IN_PROGRESS, 3, 4, "3/4 人")
    assert on_time.missing_of("谈心谈话")[["name", "party_group"]].values.tolist() == [["钱七", "第二党小组"]]
    assert item(branch.checklist(2025, D(2026, 1, 1)), "谈心谈话")["status"] == OVERDUE


def test_a_probationary_member_counts_and_a_member_who_left_before_the_year_is_not_missing(branch):
    branch.talks(*[("2025-05-06", name) for name in MEMBERS_IN_2025])
    result = branch.checklist(2025, D(2025, 6, 30))
    assert (item(result, "谈心谈话")["status"], item(result, "谈心谈话")["progress"]) == (DONE, "4/4 人")
    assert result.missing_of("谈心谈话").empty  # 赵六 transferred out on 2024-12-20
    assert "李四" in set(result.missing_of("廉洁承诺书")["name"])  # 预备党员 李四 is asked to sign too
    assert "赵六" not in set(result.missing["name"])


def test_missing_members_are_listed_in_pinyin_order(branch):
    result = branch.checklist(2025, D(2025, 6, 30))
    assert result.missing_of("谈心谈话")["name"].tolist() == ["李四", "钱七", "王五", "张三"]


def test_a_record_naming_someone_who_is_not_a_member_covers_no_member(branch):
    branch.talks(("2025-03-10", "张三"), ("2025-03-11", "刘老师"))  # 刘老师 is not on the roster
    talks = branch.checklist(2025, D(2025, 6, 30))
    assert item(talks, "谈心谈话")["progress"] == "1/4 人"
    evidence = talks.evidence_of("谈心谈话")
    assert evidence["subject"].tolist() == ["张三", "刘老师"]  # shown as evidence, counted for nobody


def test_a_member_appraised_in_january_counts_for_the_year_before(branch):
    branch.appraisals(*[(name, 2025, "2026-01-12", "合格") for name in MEMBERS_IN_2025[:3]])
    result = branch.checklist(2025, D(2026, 2, 1))
    appraisal = item(result, "民主评议")
    assert (appraisal["status"], appraisal["progress"], appraisal["due"]) == (IN_PROGRESS, "3/4 人", D(2026, 3, 31))
    assert result.missing_of("民主评议")["name"].tolist() == ["钱七"]
    assert item(branch.checklist(2025, D(2026, 4, 1)), "民主评议")["status"] == OVERDUE
    # held in January 2026, it is the appraisal of 2025, not of 2026
    assert item(branch.checklist(2026, D(2026, 2, 1)), "民主评议")["progress"] == "0/4 人"


# --- counted items, windows and checkpoints ----------------------------------------------------
def test_one_meeting_by_the_end_of_june_is_on_track_and_none_by_the_first_of_july_is_behind(branch):
    assert item(branch.checklist(2025, D(2025, 7, 1)), "廉政专题会")["status"] == BEHIND
    branch.records(("2025-06-20", "党风廉政建设专题会", "全体党员", "廉政警示教育"))
    on_track = item(branch.checklist(2025, D(2025, 6, 30)), "廉政专题会")
    assert (on_track["status"], on_track["progress"]) == (IN_PROGRESS, "1/2 次")
    assert on_track["next_checkpoint"] == D(2025, 6, 30) and on_track["checkpoint_count"] == 1


def test_a_meeting_in_the_ledger_and_one_in_a_record_file_make_two(branch):
    branch.ledger(("2025-05-10", "党风廉政建设专题会", "张三、李四、王五、钱七", "上半年廉政专题会"))
    branch.records(("2025-11-20", "廉政专题会", "全体党员", "下半年廉政专题会"))
    result = branch.checklist(2025, D(2025, 12, 1))
    assert (item(result, "廉政专题会")["status"], item(result, "廉政专题会")["progress"]) == (DONE, "2/2 次")
    evidence = result.evidence_of("廉政专题会")
    assert evidence[["date", "row"]].values.tolist() == [[D(2025, 5, 10), 3], [D(2025, 11, 20), 2]]
    assert evidence["sheet"].iloc[0] == "全部会议"
    assert evidence["file"].str.endswith(("会议台账.xlsx", "工作记录.csv")).all()
    assert evidence["subject"].iloc[0] == "张三、李四、王五、钱七"  # one ledger row, one evidence row


def test_the_same_meeting_in_the_ledger_and_in_a_record_file_counts_once(branch):
    branch.ledger(("2025-05-10", "党风廉政建设专题会", "张三、李四", "上半年廉政专题会"))
    branch.records(("2025-05-10", "廉政专题会", "全体党员", "上半年廉政专题会"))
    assert item(branch.checklist(2025, D(2025, 12, 1)), "廉政专题会")["progress"] == "1/2 次"


@pytest.mark.parametrize(
    ("year", "visits", "counted"),
    [
        (2025, ["2025-02-23"], True),  # 春节 29 January: 25 days after
        (2025, ["2025-03-07"], False),  # 37 days after
        (2024, ["2024-03-07"], True),  # 春节 10 February: 26 days after
        (2026, ["2026-03-07"], True),  # 春节 17 February: 18 days after
        (2026, ["2026-01-10"], False),  # 38 days before
        (2025, ["2024-12-31"], True),  # 29 days before 2025's 春节, in the year before
    ],
)
def test_a_spring_festival_visit_counts_within_thirty_days_of_the_lunar_new_year(branch, year, visits, counted):
    branch.visits(*[(day, "退休党员老刘") for day in visits])
    result = branch.checklist(year, D(year, 12, 31))
    assert item(result, "春节走访")["status"] == (DONE if counted else OVERDUE)


def test_a_july_visit_on_the_first_of_august_is_missed(branch):
    branch.visits(("2025-08-01", "困难教师小周"))
    assert item(branch.checklist(2025, D(2025, 7, 31)), "七一走访")["status"] == NOT_STARTED
    missed = branch.checklist(2025, D(2025, 8, 1))
    assert item(missed, "七一走访")["status"] == OVERDUE and missed.evidence_of("七一走访").empty
    branch.visits(("2025-07-31", "困难教师小周"))
    assert item(branch.checklist(2025, D(2025, 8, 1)), "七一走访")["status"] == DONE


def test_spring_and_winter_training_from_an_activity_or_a_record(branch):
    branch.attendance(("2025-03-15", "春训", "张三", "√"))  # an attendance layout: the activity 春训冬训
    branch.records(("2025-11-08", "冬训", "全体党员", "冬训第一讲"))
    result = branch.checklist(2025, D(2025, 12, 31))
    assert item(result, "春训")["status"] == DONE and item(result, "冬训")["status"] == DONE
    assert result.evidence_of("春训")["source"].tolist() == ["考勤"]
    assert result.evidence_of("冬训")["source"].tolist() == ["工作记录"]
    # the March activity is no 冬训: its window is October to December
    assert branch.checklist(2025, D(2025, 10, 1)).evidence_of("冬训").empty


def test_rows_after_the_as_of_date_do_not_count_yet(branch):
    branch.records(("2025-06-20", "廉政专题会", "全体党员", ""), ("2025-10-20", "廉政专题会", "全体党员", ""))
    assert item(branch.checklist(2025, D(2025, 9, 1)), "廉政专题会")["progress"] == "1/2 次"
    assert item(branch.checklist(2025, D(2025, 10, 20)), "廉政专题会")["status"] == DONE


# --- monthly items and exempt months -----------------------------------------------------------
def exempt_rules(tmp_path, months):
    path = tmp_path / "rules.toml"
    original = Path(load_rules().source).read_text(encoding="utf-8")
    path.write_text(original.replace("exempt_months = []", f"exempt_months = {months}"), encoding="utf-8")
    return load_rules(path)


def study_sessions(*months):
    return [(f"2025-{m:02d}-{day:02d}", "政治学习", "全体教职工", "") for m in months for day in (8, 22)]


def test_a_month_exempt_in_the_rules_file_needs_no_political_study_or_fixed_study_day(branch, tmp_path):
    branch.records(*study_sessions(1, 2, 3, 4, 5, 6, 9))
    branch.attendance(*[(f"2025-{m:02d}-15", "固定学习日", "张三", "√") for m in (1, 2, 3, 4, 5, 6, 9)])
    rules = exempt_rules(tmp_path, [7, 8])
    result = branch.checklist(2025, D(2025, 9, 30), rules=rules)
    assert [item(result, k)["status"] for k in ("政治学习", "固定学习日")] == [IN_PROGRESS, IN_PROGRESS]
    assert "2025-07" not in set(result.units[result.units["key"] == "政治学习"]["unit"])
    assert item(result, "政治学习")["progress"] == "14/20 次"  # ten months of two
    # without the exemption July and August are missed
    plain = branch.checklist(2025, D(2025, 9, 30))
    assert [item(plain, k)["status"] for k in ("政治学习", "固定学习日")] == [OVERDUE, OVERDUE]


def test_one_political_study_in_a_month_of_two_leaves_that_month_overdue(branch):
    branch.records(("2025-01-08", "政治学习", "全体教职工", ""), *study_sessions(2))
    result = branch.checklist(2025, D(2025, 3, 1))
    months = result.units[result.units["key"] == "政治学习"].set_index("unit")
    assert months.loc["2025-01", "status"] == OVERDUE and months.loc["2025-02", "status"] == DONE
    assert months.loc["2025-03", "status"] == NOT_STARTED
    assert overdue(result).query("key == '政治学习'")["unit"].tolist() == ["2025-01"]


# --- 三会一课 and 学习强国 come from the scoring engine ----------------------------------------
def test_three_meetings_one_lesson_is_the_scoring_engines_compliance(branch, db):
    branch.attendance(
        ("2025-01-15", "主题党日", "张三", "√"),
        ("2025-01-20", "党小组会", "张三", "√"),
        ("2025-02-20", "党小组会", "王五", "√"),
        ("2025-03-25", "支部党员大会", "张三", "√"),
    )
    result = branch.checklist(2025, D(2025, 12, 31))
    with db.connect() as con:
        comp = engine.compliance_frame(con, 1, parse("2025"), load_rules())
    for requirement, key in (("党小组会", "三会一课·党小组会"), ("支部党员大会", "三会一课·支部党员大会")):
        rows = comp[comp["requirement"] == requirement]
        mine = item(result, key)
        assert (mine["done"], mine["required"]) == (int(rows["met"].sum()), int(rows["required"].sum()))
    groups = result.units[result.units["key"] == "三会一课·党小组会"].set_index("unit")
    assert groups.loc["2025-01 第一党小组", "status"] == DONE and groups.loc["2025-01 第二党小组", "status"] == OVERDUE
    # five members are fewer than seven: no committee, so no 支委会 line, and a note says why
    assert "三会一课·支委会" not in set(result.items["key"])
    assert any("支委会" in note for note in result.notes)


def test_the_participation_in_study_is_shown_never_judged(branch):
    branch.study(("张三", "2025-03-02", 30), ("李四", "2025-03-05", 12), ("王五", "2025-04-01", 20))
    result = branch.checklist(2025, D(2025, 4, 30))
    study = item(result, "学习强国")
    assert study["status"] == SHOWN and pd.isna(study["done"]) and pd.isna(study["due"])
    months = result.units[result.units["key"] == "学习强国"].set_index("unit")
    assert months.loc["2025-03", "rate"] == pytest.approx(2 / 4) and months.loc["2025-04", "rate"] == pytest.approx(
        1 / 4
    )
    assert pd.isna(months.loc["2025-01", "rate"])  # nothing uploaded is not 0 %
    assert study["progress"] == "2025-04 25%（1/4 人），目标 90%，2 个月未达到"
    assert set(months["status"]) == {SHOWN} and due_within(result, 365).query("key == '学习强国'").empty


# --- what falls due ----------------------------------------------------------------------------
def test_what_falls_due_in_the_next_thirty_days(branch):
    branch.talks(*[("2025-05-06", name) for name in MEMBERS_IN_2025])
    result = branch.checklist(2025, D(2025, 7, 10))
    soon = due_within(result, 30)
    assert set(soon["key"]) >= {"七一走访", "政治学习"}
    assert soon["due"].between(D(2025, 7, 10), D(2025, 8, 9)).all()
    assert "谈心谈话" not in set(soon["key"])  # met
    assert soon["status"].isin([IN_PROGRESS, NOT_STARTED, BEHIND]).all()


def test_every_evidence_row_names_its_file_sheet_and_row(branch):
    branch.talks(("2025-03-10", "张三"))
    branch.attendance(("2025-03-15", "主题党日", "张三", "√"))
    result = branch.checklist(2025, D(2025, 6, 30))
    assert not result.evidence.empty
    assert result.evidence["file"].notna().all() and result.evidence["row"].notna().all()
    assert result.evidence_of("谈心谈话")[["what", "subject", "row"]].values.tolist() == [["谈心谈话", "张三", 2]]
    assert result.branch == BRANCH and result.rules_sha256 == load_rules().sha256
