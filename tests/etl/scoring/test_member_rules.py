"""Each rule of docs/scoring.md, computed by hand, in its own test. Default rules unless said."""

import math

import pandas as pd
import pytest

from tests.etl.scoring.helpers import Branch, absent_all_year_except, close


@pytest.fixture
def branch(db, tmp_path):
    b = Branch(db, tmp_path)
    b.roster("甲", "乙", "丙", "丁")
    return b


def test_a_member_with_only_an_appraisal_is_renormalised(branch):
    branch.items(("甲", "民主评议", "", "2020", "合格", "", ""))
    m = branch.members("2020-03")["甲"]
    # base = 60 × 16 ÷ 20 = 48; no bonus; 守纪 20 → 68 (★★)
    assert close(m["base"], 48) and close(m["index"], 68) and m["stars"] == 2


def test_base_renormalises_over_the_components_that_apply(branch):
    branch.attendance(
        *[(f"2020-03-{d}", "主题党日", "甲", mark) for d, mark in ((10, "√"), (11, "√"), (12, "√"), (13, "假"))]
    )
    branch.items(("甲", "民主评议", "", "2020", "合格", "", ""))
    m = branch.members("2020-03")["甲"]
    # attendance 30 × 3/4 = 22.5, appraisal 16 → 60 × 38.5 ÷ 50 = 46.2; no study data
    assert close(m["attendance_rate"], 0.75) and close(m["base"], 46.2) and close(m["index"], 66.2)


def test_a_member_with_no_data_is_not_scored(branch):
    m = branch.members("2020-03")["丁"]
    assert m["index"] is None or math.isnan(m["index"])
    assert m["stars"] is None or math.isnan(m["stars"])


def test_attendance_rate_counts_late_and_make_up_and_keeps_leave_in_the_denominator(branch):
    branch.attendance(
        ("2020-03-01", "主题党日", "甲", "√"),
        ("2020-03-02", "党课", "甲", "迟"),
        ("2020-03-03", "支部党员大会", "甲", "补"),
        ("2020-03-04", "党小组会", "甲", "假"),
    )
    m = branch.members("2020-03")["甲"]
    assert (m["expected"], m["attended"], m["leaves"], m["lates"]) == (4, 3, 1, 1)
    assert close(m["attendance_rate"], 0.75)
    # base = 60 × 22.5/30 = 45; deduction 1 (迟到) → 守纪 19 → 64
    assert close(m["deduction"], 1) and close(m["index"], 64)


def test_an_expected_member_with_no_mark_counts_as_absent(branch):
    branch.attendance(("2020-03-15", "主题党日", "甲", "√"))
    m = branch.members("2020-03")["乙"]
    assert (m["expected"], m["attended"], m["absences"], m["unmarked"]) == (1, 0, 1, 1)
    # base 0; 守纪 20 − 3 = 17 → 17
    assert close(m["index"], 17) and m["stars"] == 1


def test_exempt_members_are_not_expected(branch):
    branch.attendance(
        ("2020-03-15", "主题党日", "甲", "√"), ("2020-03-15", "主题党日", "乙", "免"), ("2020-03-20", "党课", "乙", "√")
    )
    m = branch.members("2020-03")["乙"]
    assert (m["expected"], m["attended"]) == (1, 1) and close(m["attendance_rate"], 1.0)


def test_committee_meetings_count_for_compliance_only(db, tmp_path):
    b = Branch(db, tmp_path)
    b.roster("甲", "乙", committee=("甲",))
    b.attendance(("2020-03-08", "支委会", "甲", "×"), ("2020-03-15", "主题党日", "甲", "√"))
    m = b.members("2020-03")["甲"]
    assert (m["expected"], m["absences"], m["deduction"]) == (1, 0, 0)


def test_a_group_meeting_expects_only_its_group(db, tmp_path):
    b = Branch(db, tmp_path)
    b.roster("甲/一组", "乙/一组", "丙/二组")
    b.attendance(("2020-03-20", "党小组会", "甲", "√"))
    members = b.members("2020-03")
    assert members["乙"]["expected"] == 1 and members["乙"]["unmarked"] == 1
    assert pd.isna(members["丙"]["expected"])  # not expected at another group's meeting


def test_volunteering_is_capped_at_six_per_period_even_for_a_year(branch):
    branch.items(
        *[("甲", "志愿服务", f"2020-03-{d:02d}", "", "", "", "") for d in range(1, 9)],
        *[("甲", "志愿服务", f"2020-{m:02d}-01", "", "", "", "") for m in (5, 6, 7)],
    )
    assert close(branch.members("2020-03")["甲"]["bonus"], 6)
    assert close(branch.members("2020")["甲"]["bonus"], 6)  # 11 rows in the year, still 6
    assert close(branch.members("2020-05")["甲"]["bonus"], 1)


def test_the_overall_bonus_is_capped_at_twenty(branch):
    branch.items(
        ("甲", "表彰", "2020-03-01", "", "", "国家级", ""),
        ("甲", "表彰", "2020-03-02", "", "", "省级", ""),
        ("甲", "主讲党课", "2020-03-03", "", "", "", ""),
        ("甲", "示范课", "2020-03-04", "", "", "", ""),
        ("甲", "民主评议", "", "2020", "优秀", "", ""),
    )
    m = branch.members("2020-03")["甲"]
    # 10 + 8 + 2 + 2 = 22 → 20; base 60 (优秀 only) → 60 + 20 + 20 = 100
    assert close(m["other_bonus"], 22) and close(m["bonus"], 20) and close(m["index"], 100) and m["stars"] == 5


def test_an_explicit_value_overrides_the_catalogue_and_its_sign_decides(branch):
    branch.items(
        ("甲", "表彰", "2020-03-01", "", "", "区级", 3),
        ("甲", "党费逾期", "2020-03-10", "", "", "", -1),
        ("甲", "提醒谈话", "2020-03-11", "", "", "", ""),
        ("甲", "校级公开课", "2020-03-12", "", "", "", 1.5),
        ("甲", "家访超额", "2020-03-13", "", "", "", -2),
    )
    m = branch.members("2020-03")["甲"]
    # bonus 3 (not 4) + 1.5 = 4.5; deductions 1 (not 2) + 5 + 2 = 8
    assert close(m["bonus"], 4.5) and close(m["deduction"], 8)


def test_deductions_floor_discipline_at_zero_but_report_the_raw_total(branch):
    branch.attendance(*[(f"2020-03-{d:02d}", "主题党日", "甲", "×") for d in range(1, 9)])
    m = branch.members("2020-03")["甲"]
    assert close(m["deduction"], 24) and close(m["discipline"], 0) and close(m["index"], 0) and not m["vetoed"]


def test_veto_by_item_inside_the_period_only(branch):
    branch.items(("甲", "民主评议", "", "2020", "优秀", "", ""), ("甲", "有偿家教", "2020-05-06", "", "", "", ""))
    assert branch.members("2020-05")["甲"]["vetoed"] and close(branch.members("2020-05")["甲"]["index"], 0)
    assert branch.members("2020-Q2")["甲"]["vetoed"] and branch.members("2020")["甲"]["vetoed"]
    assert not branch.members("2020-04")["甲"]["vetoed"] and close(branch.members("2020-04")["甲"]["index"], 80)


def test_veto_by_a_failing_appraisal_covers_the_whole_year_even_before_it_was_held(branch):
    branch.items(("甲", "民主评议", "2021-01-12", "2020年度", "不合格", "", ""))
    assert branch.members("2020-02")["甲"]["vetoed"] and branch.members("2020")["甲"]["vetoed"]
    assert "甲" not in branch.members("2021-02") or not branch.members("2021-02")["甲"]["vetoed"]


def test_six_all_absent_months_veto_the_month_that_ends_the_run(branch):
    branch.attendance(*absent_all_year_except("甲", months_present=range(7, 13)))
    assert not branch.members("2020-05")["甲"]["vetoed"]
    assert branch.members("2020-06")["甲"]["vetoed"] and branch.members("2020-Q2")["甲"]["vetoed"]
    assert not branch.members("2020-07")["甲"]["vetoed"]  # the look-back has no six-month run ending in July
    assert branch.members("2020")["甲"]["vetoed"]


def test_leave_breaks_the_absence_run(branch):
    branch.attendance(*absent_all_year_except("甲", months_present=range(8, 13), leave_months=(3,)))
    # Jan–Feb absent, Mar leave, Apr–Jul absent: the longest run is four months.
    assert not any(branch.members(p)["甲"]["vetoed"] for p in ("2020-06", "2020-07", "2020-Q3", "2020"))


def test_a_run_that_ends_inside_a_quarter_vetoes_that_quarter(branch):
    branch.attendance(*absent_all_year_except("甲", months_present=(1, 8, 9, 10, 11, 12)))
    # absent Feb–Jul: the run of six ends in July, inside Q3; by June only five months had passed.
    assert branch.members("2020-Q3")["甲"]["vetoed"]
    assert not branch.members("2020-Q2")["甲"]["vetoed"]


def test_a_month_without_records_breaks_the_run(branch):
    rows = [r for r in absent_all_year_except("甲") if r[0][5:7] != "04"]
    branch.attendance(*rows, ("2020-04-15", "主题党日", "乙", "√"))
    # 甲 is still expected (unmarked) in April, so April counts as absent: the run is unbroken.
    assert branch.members("2020-06")["甲"]["vetoed"]


def test_cumulative_totals_across_two_snapshots(branch):
    branch.totals(("甲", "2020-03-01", 1000), ("甲", "2020-03-11", 1300))
    m = branch.members("2020-03")["甲"]
    # 300 points over (Mar 1, Mar 11]: 10 days at 30 → average 30 → study 10 of 10
    assert m["study_days"] == 10 and close(m["avg_daily"], 30) and close(m["study_score"], 10)


def test_cumulative_totals_across_a_period_boundary(branch):
    branch.totals(("甲", "2020-03-27", 1000), ("甲", "2020-04-06", 1200))
    march, april = branch.members("2020-03")["甲"], branch.members("2020-04")["甲"]
    # 20 a day; March holds Mar 28–31 (4 days), April Apr 1–6 (6 days)
    assert (march["study_days"], april["study_days"]) == (4, 6)
    assert close(march["study_points"], 80) and close(april["avg_daily"], 20)
    # study score 10 × 20/30
    assert close(april["study_score"], 10 * 20 / 30)


def test_a_yearly_total_restarts_on_the_first_of_january(branch):
    branch.totals(("甲", "2020-12-22", 9000), ("甲", "2021-01-11", 400), kind="年度积分")
    jan = branch.members("2021-01")["甲"]
    # the increase is the new value 400, over (Dec 22, Jan 11] = 20 days: 20 a day; January holds 11 days
    assert jan["study_days"] == 11 and close(jan["avg_daily"], 20)


def test_a_daily_row_wins_its_own_day_inside_a_snapshot_interval(branch):
    branch.totals(("甲", "2020-03-01", 0), ("甲", "2020-03-11", 100))
    branch.daily(("甲", "2020-03-05", 40))
    m = branch.members("2020-03")["甲"]
    # 9 interval days at 10 + one daily row of 40 = 130 over 10 days
    assert m["study_days"] == 10 and close(m["study_points"], 130) and close(m["avg_daily"], 13)


def test_daily_rows_average_over_days_that_have_a_row(branch):
    branch.daily(("甲", "2020-03-01", 30), ("甲", "2020-03-02", 45), ("甲", "2020-03-09", 0))
    m = branch.members("2020-03")["甲"]
    assert m["study_days"] == 3 and close(m["avg_daily"], 25) and close(m["study_score"], 10 * 25 / 30)


def test_stars_follow_the_thresholds(branch):
    branch.items(
        ("甲", "民主评议", "", "2020", "优秀", "", ""),
        ("乙", "民主评议", "", "2020", "合格", "", ""),
        ("丙", "民主评议", "", "2020", "基本合格", "", ""),
    )
    members = branch.members("2020-03")
    # 甲 60 + 20 = 80 ★★★★; 乙 48 + 20 = 68 ★★; 丙 24 + 20 = 44 ★ and 需帮扶
    assert [members[n]["stars"] for n in "甲乙丙"] == [4, 2, 1]
    assert members["丙"]["needs_help"] and not members["甲"]["needs_help"]
