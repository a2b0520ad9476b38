"""Scoring many periods in one pass gives exactly the numbers of scoring each period alone."""

import pandas as pd
import pytest

from etl import demo
from etl.db import require_branch
from etl.rules import load_rules
from etl.scope import SECRETARY
from etl.scoring import engine
from etl.scoring.period import month, parse


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing is missing: an all-empty text column is None in one frame and NaN in the other."""
    return frame.astype(object).where(frame.notna(), None)


@pytest.mark.parametrize(
    "labels",
    [
        [f"2025-{m:02d}" for m in range(1, 13)],
        ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025"],
        ["2024-12", "2025-07", "2026-01"],  # around the data: before, inside, after
    ],
)
def test_one_pass_equals_period_by_period(demo_db, labels):
    rules = load_rules()
    periods = [parse(label) for label in labels]
    with demo_db.connect() as con:
        bid = require_branch(con, demo.BRANCH)
        together = engine.member_frames(con, bid, periods, rules)
        for period in periods:
            alone = engine.member_frame(con, bid, period, rules)
            mine = together[together["period"] == period.label].drop(columns="period").reset_index(drop=True)
            pd.testing.assert_frame_equal(plain(mine), plain(alone), check_dtype=False)


def test_the_trend_takes_one_scoring_query(demo_db, monkeypatch):
    from dashboard import queries

    calls = []
    real = engine.member_frames
    monkeypatch.setattr(engine, "member_frames", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    with demo_db.connect() as con:
        scores = queries.page_scores(con, demo.BRANCH, month(2025, 6), load_rules(), scope=SECRETARY)
    assert len(calls) == 1 and len(calls[0]) == 13 and len(scores["branch"]) == 13  # months and the year
    assert calls[0][0] == month(2025, 1)
