"""The pandas reshaping behind the charts, on the demo branch's scores. Values are codes; the pages
translate them."""

from dashboard import components, frames, queries
from etl.rules import load_rules
from etl.scoring.period import parse

BRANCH = "实验学校党支部"
RULES = load_rules()


def test_monthly_trends_and_star_counts(demo_db):
    with demo_db.connect() as con:
        branch, members = frames.trend(queries.page_scores(con, BRANCH, parse("2025-06"), RULES), parse("2025-06"))
    assert list(branch["period"]) == [f"2025-{m:02d}" for m in range(1, 13)]
    counts = frames.star_counts(members)
    assert counts.groupby("period")["count"].sum().eq(members.dropna(subset=["stars"]).groupby("period").size()).all()
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


def test_trends_follow_the_grain(demo_db):
    """A quarter's page trends by quarter, a year's by year; the chosen period is among them."""
    with demo_db.connect() as con:
        quarters, _ = frames.trend(queries.page_scores(con, BRANCH, parse("2025-Q3"), RULES), parse("2025-Q3"))
        years, _ = frames.trend(queries.page_scores(con, BRANCH, parse("2025"), RULES), parse("2025"))
        scores = queries.page_scores(con, BRANCH, parse("2025-01"), RULES)
    assert list(quarters["period"]) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert list(years["period"]) == ["2025"]  # the years before have no data: not zeros
    assert "2024-12" in set(scores["periods"]["period"])  # January's page knows the month before it
    assert "2024-12" not in set(frames.trend(scores, parse("2025-01"))[0]["period"])


def test_every_panel_of_a_page_reads_one_scoring_pass(demo_db, monkeypatch):
    from etl.scoring import engine

    calls = []
    real = engine.member_frames
    monkeypatch.setattr(engine, "member_frames", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    with demo_db.connect() as con:
        scores = queries.page_scores(con, BRANCH, parse("2025-11"), RULES)
    assert len(calls) == 1 and len(calls[0]) == 12
    summary = frames.period_summary(scores, parse("2025-11"))
    before = frames.period_summary(scores, parse("2025-10"))
    with demo_db.connect() as con:
        alone = queries.branch_summary(con, BRANCH, parse("2025-11"), RULES)
    for key in ("index", "member_mean", "compliance_rate", "attendance_rate", "participation", "stars"):
        assert summary[key] == alone[key] or abs(summary[key] - alone[key]) < 1e-9, key
    assert before["members_scored"] > 0


def test_study_by_group_has_no_individual_ranking(demo_db):
    with demo_db.connect() as con:
        _, members = frames.trend(queries.page_scores(con, BRANCH, parse("2025-06"), RULES), parse("2025-06"))
    groups = frames.study_by_group(members)
    assert set(groups.columns) == {"period", "party_group", "participation", "avg_daily"}
    assert "全支部" in set(groups["party_group"]) and "member" not in groups
