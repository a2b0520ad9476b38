"""The pandas reshaping behind the charts, on the demo branch's scores. Values are codes; the pages
translate them."""

from dashboard import components, frames, queries
from etl.rules import load_rules
from etl.scoring.period import parse

BRANCH = "实验学校党支部"
RULES = load_rules()


def test_monthly_trends_and_star_counts(demo_db):
    with demo_db.connect() as con:
        branch, members = queries.monthly(con, BRANCH, 2025, RULES)
    assert list(branch["month"]) == [f"2025-{m:02d}" for m in range(1, 13)]
    counts = frames.star_counts(members)
    assert counts.groupby("month")["count"].sum().eq(members.dropna(subset=["stars"]).groupby("month").size()).all()
    assert set(frames.group_trend(members, "party_group")["party_group"]) == {"第一党小组", "第二党小组", "第三党小组"}


def test_star_moves_between_periods(demo_db):
    with demo_db.connect() as con:
        nov = queries.member_scores(con, BRANCH, parse("2025-11"), RULES)
        dec = queries.member_scores(con, BRANCH, parse("2025-12"), RULES)
    moves = frames.star_moves(dec, nov)
    ups, downs = moves[moves["move"] == "up"], moves[moves["move"] == "down"]
    assert (ups["stars"] > ups["previous_stars"]).all() and (downs["stars"] < downs["previous_stars"]).all()
    assert set(moves["move"]) <= {"up", "down", "same"} and len(moves) == dec["stars"].notna().sum()
    # codes in the data, Chinese where shown
    assert set(components.labelled(moves)["变化"]) <= {"上升", "下降", "不变"}


def test_study_by_group_has_no_individual_ranking(demo_db):
    with demo_db.connect() as con:
        _, members = queries.monthly(con, BRANCH, 2025, RULES)
    groups = frames.study_by_group(members)
    assert set(groups.columns) == {"month", "party_group", "participation", "avg_daily"}
    assert "全支部" in set(groups["party_group"]) and "member" not in groups
