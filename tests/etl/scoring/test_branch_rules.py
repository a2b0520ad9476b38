"""堡垒指数 and 三会一课 compliance, computed by hand."""

from pathlib import Path

import pytest

from etl.rules import load_rules
from tests.etl.scoring.helpers import Branch, close


def month_rows(month, *groups_meeting, theme=True):
    rows = [(f"2020-{month:02d}-15", "主题党日", "甲", "√")] if theme else []
    members = {"一组": "甲", "二组": "丙"}
    rows += [(f"2020-{month:02d}-20", "党小组会", members[g], "√") for g in groups_meeting]
    return rows


@pytest.fixture
def small(db, tmp_path):
    """Four members in two groups: under seven members, so no committee is required."""
    b = Branch(db, tmp_path)
    b.roster("甲/一组", "乙/一组", "丙/二组", "丁/二组", committee=("甲",))
    return b


def by_requirement(compliance):
    return {
        (r.requirement, r.party_group if isinstance(r.party_group, str) else None): (r.required, r.held, r.met)
        for r in compliance.itertuples()
    }


def test_a_missing_group_meeting_for_one_group(small):
    small.attendance(*month_rows(3, "一组"))
    row, _, compliance = small.branch("2020-03")
    # 主题党日 1/1, 党小组会 一组 1/1, 二组 0/1; no 支委会 (four members) → 2/3
    assert by_requirement(compliance) == {
        ("主题党日", None): (1, 1, 1),
        ("党小组会", "一组"): (1, 1, 1),
        ("党小组会", "二组"): (1, 0, 0),
    }
    assert close(row["compliance_rate"], 2 / 3)


def test_a_missing_quarterly_lecture(small):
    small.attendance(
        *month_rows(1, "一组", "二组"),
        *month_rows(2, "一组", "二组"),
        *month_rows(3, "一组", "二组"),
        ("2020-03-25", "支部党员大会", "甲", "√"),
    )
    row, _, compliance = small.branch("2020-Q1")
    reqs = by_requirement(compliance)
    assert reqs[("党课", None)] == (1, 0, 0) and reqs[("支部党员大会", None)] == (1, 1, 1)
    # 3 months × (主题党日 + 2 groups) = 9 met, + 大会 1 of 2 quarterly → 10 / 11
    assert close(row["compliance_rate"], 10 / 11)
    # a month period does not ask for the quarterly ones
    assert ("党课", None) not in by_requirement(small.branch("2020-03")[2])


def test_a_missing_yearly_organisational_life_meeting(small):
    rows = []
    for m in range(1, 13):
        rows += month_rows(m, "一组", "二组")
    for q_month in (3, 6, 9, 12):
        rows += [(f"2020-{q_month:02d}-25", "支部党员大会", "甲", "√"), (f"2020-{q_month:02d}-26", "党课", "甲", "√")]
    small.attendance(*rows)
    row, _, compliance = small.branch("2020")
    assert by_requirement(compliance)[("组织生活会", None)] == (1, 0, 0)
    # 12 × 3 monthly + 8 quarterly = 44 met of 45
    assert close(row["compliance_rate"], 44 / 45)
    assert ("组织生活会", None) not in by_requirement(small.branch("2020-Q4")[2])


def test_a_branch_with_a_committee_must_hold_committee_meetings(db, tmp_path):
    b = Branch(db, tmp_path)
    b.roster("甲/一组", "乙/一组", "丙/一组", "丁/一组", "戊/一组", "己/一组", "庚/一组", committee=("甲", "乙"))
    b.attendance(("2020-03-15", "主题党日", "甲", "√"), ("2020-03-20", "党小组会", "甲", "√"))
    row, _, compliance = b.branch("2020-03")
    assert by_requirement(compliance)[("支委会", None)] == (1, 0, 0) and close(row["compliance_rate"], 2 / 3)


def test_a_fixed_study_day_satisfies_the_theme_day(small):
    small.attendance(
        ("2020-03-15", "固定学习日", "甲", "√"),
        ("2020-03-20", "党小组会", "甲", "√"),
        ("2020-03-21", "党小组会", "丙", "√"),
    )
    row, _, _ = small.branch("2020-03")
    assert close(row["compliance_rate"], 1.0)


def test_exempt_months_ask_for_nothing_monthly(small, tmp_path):
    text = load_rules().source
    custom = tmp_path / "rules.toml"
    custom.write_text(
        Path(text).read_text(encoding="utf-8").replace("exempt_months = []", "exempt_months = [2, 7, 8]"),
        encoding="utf-8",
    )
    rules = load_rules(custom)
    small.attendance(
        *month_rows(1, "一组", "二组"),
        *month_rows(3, "一组", "二组"),
        ("2020-03-25", "支部党员大会", "甲", "√"),
        ("2020-03-26", "党课", "甲", "√"),
    )
    row, _, compliance = small.branch("2020-Q1", rules)
    assert not any(c.unit_start.month == 2 for c in compliance.itertuples())
    assert close(row["compliance_rate"], 1.0)


def test_branch_index_mixes_member_mean_and_compliance_and_vetoed_members_count_as_zero(small):
    small.items(
        ("甲", "民主评议", "", "2020", "优秀", "", ""),
        ("乙", "民主评议", "", "2020", "合格", "", ""),
        ("丙", "有偿家教", "2020-03-03", "", "", "", ""),
        ("丙", "民主评议", "", "2020", "优秀", "", ""),
    )
    small.attendance(*month_rows(3, "一组"))
    row, members, _ = small.branch("2020-03")
    # 甲: attendance 2/2 → 30, appraisal 20 → base 60 + 20 = 80; 乙: unmarked at 主题党日 and 一组's meeting → rate 0,
    # base 60 × 16/50 = 19.2, 守纪 20 − 6 = 14 → 33.2; 丙 vetoed → 0; 丁 unmarked at 主题党日 → base 0, 守纪 17 → 17.
    assert close(members.set_index("name").loc["乙", "index"], 33.2)
    mean = (80 + 33.2 + 0 + 17) / 4
    assert close(row["member_mean"], mean) and row["members_scored"] == 4
    assert close(row["index"], 0.6 * mean + 0.4 * 100 * (2 / 3))
