"""The 支委会 brief (etl/plan/brief.py) says the numbers the 总览 shows: etl does not import the dashboard, so
it counts them itself over the same scoring engine — here they are held equal to frames.period_summary
and frames.alerts, and to the 学习 page's study_summary, on the demo branch."""

import pandas as pd
import pytest

from dashboard import frames, queries
from etl.plan.brief import brief_facts
from etl.rules import load_rules
from etl.scope import SECRETARY
from etl.scoring.period import parse

BRANCH = "实验学校党支部"
RULES = load_rules()
KPIS = [
    "members_scored",
    "member_mean",
    "compliance_rate",
    "compliance_required",
    "compliance_met",
    "index",
    "stars",
    "attendance_rate",
    "participation",
    "needs_help",
]


@pytest.fixture(scope="module", params=["2025-11", "2025-12", "2025-Q4", "2025"])
def both(request, demo_db):
    """(the brief's facts, the 总览's summaries and alerts) of one period."""
    period = parse(request.param)
    with demo_db.connect() as con:
        scores = queries.page_scores(con, BRANCH, period, RULES, scope=SECRETARY)
        watch = queries.veto_watch(con, BRANCH, period, RULES, scope=SECRETARY)
        facts = brief_facts(con, BRANCH, period, rules=RULES)
    page = {
        "now": frames.period_summary(scores, period),
        "before": frames.period_summary(scores, period.previous()),
        "alerts": frames.alerts(scores, period, watch, RULES),
        "study": frames.study_summary(frames.period_members(scores, period), RULES["study"]["daily_target"]),
    }
    return facts, page


def test_the_kpis_and_their_change_are_the_overviews(both):
    facts, page = both
    for key in KPIS:
        assert facts.now[key] == page["now"][key], key
        assert facts.before[key] == page["before"][key], key


def test_the_members_who_need_help_are_the_overviews_in_its_order(both):
    facts, page = both
    shown = page["alerts"]["needs_help"]
    assert len(shown) == facts.now["needs_help"]
    assert facts.needs_help["member"].tolist() == shown["member"].tolist()
    assert facts.needs_help["index"].tolist() == shown["index"].tolist()


def test_the_members_close_to_the_absence_veto_are_the_overviews(both):
    facts, page = both
    columns = ["member_id", "member", "party_group", "run"]
    pd.testing.assert_frame_equal(facts.veto_watch[columns], page["alerts"]["veto_watch"][columns], check_dtype=False)


def test_the_三会一课_not_met_are_the_overviews(both):
    facts, page = both
    for mine, theirs in ((facts.unmet, page["alerts"]["unmet"]), (facts.year_unmet, page["alerts"]["year_unmet"])):
        key = ["requirement", "unit"]
        assert sorted(map(tuple, mine[[*key, "required", "held"]].values.tolist())) == sorted(
            map(tuple, theirs[[*key, "required", "held"]].values.tolist())
        )


def test_study_participation_is_the_study_pages(both):
    facts, page = both
    assert facts.study["participation"] == page["study"]["participation"] == facts.now["participation"]
    assert facts.study["avg_daily"] == page["study"]["avg_daily"]
    assert facts.study["no_study"] == page["study"]["no_study_names"]


def test_the_demo_has_something_to_compare(demo_db):
    """The comparisons above are not empty: the demo's November has a member close to the absence veto,
    its year has 三会一课 missed and more than one member needing help."""
    with demo_db.connect() as con:
        november = brief_facts(con, BRANCH, "2025-11", rules=RULES)
        year = brief_facts(con, BRANCH, "2025", rules=RULES)
    assert len(november.veto_watch) and len(november.year_unmet) and len(year.unmet) and len(year.needs_help) > 1
