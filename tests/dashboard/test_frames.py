"""The pandas reshaping behind the charts, on the demo branch's scores. Values are codes; the pages
translate them."""

from dashboard import components, frames, queries
from etl.rules import load_rules
from etl.scope import SECRETARY
from etl.scoring.period import parse

BRANCH = "实验学校党支部"
RULES = load_rules()


def test_monthly_trends_and_star_counts(demo_db):
    with demo_db.connect() as con:
        branch, members = frames.trend(
            queries.page_scores(con, BRANCH, parse("2025-06"), RULES, scope=SECRETARY), parse("2025-06")
        )
    assert list(branch["period"]) == [f"2025-{m:02d}" for m in range(1, 13)]
    counts = frames.star_counts(members)
    assert counts.groupby("period")["count"].sum().eq(members.dropna(subset=["stars"]).groupby("period").size()).all()
    assert set(frames.group_trend(members, "party_group")["party_group"]) == {"第一党小组", "第二党小组", "第三党小组"}


def test_star_moves_between_periods(demo_db):
    with demo_db.connect() as con:
        nov = queries.member_scores(con, BRANCH, parse("2025-11"), RULES, scope=SECRETARY)
        dec = queries.member_scores(con, BRANCH, parse("2025-12"), RULES, scope=SECRETARY)
    moves = frames.star_moves(dec, nov)
    ups, downs = moves[moves["move"] == "up"], moves[moves["move"] == "down"]
    assert (ups["stars"] > ups["previous_stars"]).all() and (downs["stars"] < downs["previous_stars"]).all()
    assert set(moves["move"]) <= {"up", "down", "same"} and len(moves) == dec["stars"].notna().sum()
    # codes in the data, Chinese where shown
    assert set(components.labelled(moves)["变化"]) <= {"上升", "下降", "不变"}


def test_trends_follow_the_grain(demo_db):
    """A quarter's page trends by quarter, a year's by year; the chosen period is among them."""
    with demo_db.connect() as con:
        quarters, _ = frames.trend(
            queries.page_scores(con, BRANCH, parse("2025-Q3"), RULES, scope=SECRETARY), parse("2025-Q3")
        )
        years, _ = frames.trend(queries.page_scores(con, BRANCH, parse("2025"), RULES, scope=SECRETARY), parse("2025"))
        scores = queries.page_scores(con, BRANCH, parse("2025-01"), RULES, scope=SECRETARY)
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
        scores = queries.page_scores(con, BRANCH, parse("2025-11"), RULES, scope=SECRETARY)
    assert len(calls) == 1 and len(calls[0]) == 13  # the year's months, and the year itself
    summary = frames.period_summary(scores, parse("2025-11"))
    before = frames.period_summary(scores, parse("2025-10"))
    with demo_db.connect() as con:
        alone = queries.branch_summary(con, BRANCH, parse("2025-11"), RULES, scope=SECRETARY)
    for key in ("index", "member_mean", "compliance_rate", "attendance_rate", "participation", "stars"):
        assert summary[key] == alone[key] or abs(summary[key] - alone[key]) < 1e-9, key
    assert before["members_scored"] > 0


def test_study_by_group_has_no_individual_ranking(demo_db):
    with demo_db.connect() as con:
        _, members = frames.trend(
            queries.page_scores(con, BRANCH, parse("2025-06"), RULES, scope=SECRETARY), parse("2025-06")
        )
    groups = frames.study_by_group(members)
    assert set(groups.columns) == {"period", "party_group", "participation", "avg_daily"}
    assert "全支部" in set(groups["party_group"]) and "member" not in groups


def test_alerts_say_why_and_put_the_most_urgent_first(demo_db):
    """Each member needing help comes with the reason (the veto and its cause, low attendance with
    the absences, …), vetoes first, then the lowest index; the year's missed 三会一课 so far are
    listed on a month's page too."""
    from etl.rules import load_rules

    period = parse("2025-11")
    with demo_db.connect() as con:
        scores = queries.page_scores(con, BRANCH, period, RULES, scope=SECRETARY)
        alerts = frames.alerts(
            scores, period, queries.veto_watch(con, BRANCH, period, RULES, scope=SECRETARY), load_rules()
        )
    helped = alerts["needs_help"]
    assert not helped.empty and helped["why"].str.len().gt(0).all()
    assert helped["why"].iloc[0].startswith("清零")  # 有偿家教 in November: a veto comes first
    assert "有偿家教 2025-11-06" in helped["why"].iloc[0]
    rest = helped[~helped["why"].str.startswith("清零")]["index"].tolist()
    assert rest == sorted(rest)
    assert {"member_id", "member", "why"} <= set(helped.columns)
    year_unmet = set(zip(alerts["year_unmet"]["requirement"], alerts["year_unmet"]["unit"]))
    assert ("党课", "2025-Q3") in year_unmet and ("党小组会", "2025-07 第二党小组") in year_unmet
    assert set(alerts["unmet"]["unit"]) <= {u for _, u in year_unmet} | set(alerts["unmet"]["unit"])


def test_names_sort_by_pinyin():
    assert frames.sorted_names(["张三", "李四", "王五", "安宁", "赵六"]) == ["安宁", "李四", "王五", "张三", "赵六"]


def test_groups_keep_their_numbers_order():
    groups = ["第三党小组", "第十党小组", "第一党小组", "离退休党小组", None, "第二党小组", "第十二党小组"]
    assert frames.group_order(groups) == [
        "第一党小组",
        "第二党小组",
        "第三党小组",
        "第十党小组",
        "第十二党小组",
        "离退休党小组",
    ]


def test_members_ordered_by_group_then_pinyin(demo_db):
    with demo_db.connect() as con:
        members = frames.period_members(
            queries.page_scores(con, BRANCH, parse("2025-06"), RULES, scope=SECRETARY), parse("2025-06")
        )
    groups = members["party_group"].tolist()
    assert groups == sorted(groups, key=frames.group_key)
    first = members[members["party_group"] == "第一党小组"]["member"].tolist()
    assert first == frames.sorted_names(first)


def test_attendance_heat_map_rows_by_group_then_attendance(demo_db):
    with demo_db.connect() as con:
        matrix = queries.attendance_matrix(con, BRANCH, parse("2025-Q3"), scope=SECRETARY)
    rows = matrix.drop_duplicates("member")
    assert rows["party_group"].tolist() == sorted(rows["party_group"].tolist(), key=frames.group_key)


def test_two_chart_builders_never_share_a_figure():
    """Figures are cached per builder: the same arguments to two builders give two charts."""
    import pandas as pd

    from dashboard import charts

    frame = pd.DataFrame({"period": ["2025-01", "2025-02"], "party_group": ["第一党小组"] * 2, "index": [70.0, 80.0]})
    bars = charts.group_bars(frame, "period", "index", "party_group", "T")
    lines = charts.by_group_lines(frame, "period", "index", "party_group", "T")
    assert bars.data[0].type == "bar" and lines.data[0].type == "scatter"
    assert charts.group_bars(frame, "period", "index", "party_group", "T") is bars  # and each is built once
