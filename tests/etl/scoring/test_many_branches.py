"""A district scored in one pass (`etl scores --all-branches`) gives exactly the numbers of scoring
each branch alone, branch by branch, and each branch is scored by its own rules file."""

from __future__ import annotations

import pandas as pd
import pytest

from etl import demo_district
from etl.db import Database
from etl.rules import DEFAULT_RULES, load_rules
from etl.scoring import engine, service
from etl.scoring.period import parse
from tests.etl.scoring.test_many_periods import plain


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Database:
    folder = tmp_path_factory.mktemp("district")
    db = Database(folder / "district.duckdb")
    demo_district.build(db, folder / "files", branches=4, members=12)
    return db


@pytest.mark.parametrize("level", ["member", "branch"])
@pytest.mark.parametrize("period", ["2025-06", "2025-Q3", "2025"])
def test_all_branches_at_once_equal_each_branch_alone(district, level, period):
    together = service.district_scores(district, period, level)
    names = demo_district.branch_names(4)
    assert sorted(together["branch"].unique()) == sorted(names)
    for name in names:
        alone = service.scores(district, name, period, level).reset_index(drop=True)
        mine = together[together["branch"] == name].reset_index(drop=True)
        pd.testing.assert_frame_equal(plain(mine), plain(alone), check_dtype=False)


def test_compliance_of_many_branches_and_periods_equals_one_at_a_time(district):
    rules = load_rules()
    periods = [parse(p) for p in ("2025-02", "2025-Q1", "2025")]
    with district.connect() as con:
        ids = [r[0] for r in con.execute("SELECT branch_id FROM branches").fetchall()]
        together = engine.compliance_frames(con, ids, periods, rules)
        for bid in ids:
            for period in periods:
                alone = engine.compliance_frame(con, bid, period, rules)
                mine = together[(together["branch_id"] == bid) & (together["period"] == period.label)]
                mine = mine.drop(columns=["branch_id", "period"]).reset_index(drop=True)
                pd.testing.assert_frame_equal(plain(mine), plain(alone), check_dtype=False)
                assert len(alone) > 0


def test_a_branch_with_its_own_rules_is_scored_by_them(district, tmp_path, monkeypatch):
    defaults = load_rules()
    raw = DEFAULT_RULES.read_text(encoding="utf-8")
    assert "thresholds = [90, 80, 70, 60]" in raw
    own_file = tmp_path / "own.toml"
    own_file.write_text(raw.replace("thresholds = [90, 80, 70, 60]", "thresholds = [60, 50, 40, 30]"), encoding="utf-8")
    own = load_rules(own_file)
    strict_branch = demo_district.branch_names(4)[1]
    monkeypatch.setattr(service, "rules_for", lambda name: own if name == strict_branch else defaults)
    together = service.district_scores(district, "2025", "member")
    mine = together[together["branch"] == strict_branch].reset_index(drop=True)
    alone = service.scores(district, strict_branch, "2025", "member", rules=own).reset_index(drop=True)
    pd.testing.assert_frame_equal(plain(mine), plain(alone), check_dtype=False)
    by_defaults = service.scores(district, strict_branch, "2025", "member", rules=defaults)
    assert (mine["stars"].astype(int) >= by_defaults["stars"].astype(int).to_numpy()).all()
    assert (mine["stars"].astype(int) > by_defaults["stars"].astype(int).to_numpy()).any()
