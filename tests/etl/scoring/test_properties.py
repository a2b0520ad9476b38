"""Properties that hold for any data: indexes stay in [0, 100], stars agree with the thresholds,
and a quarter's 应到 is the sum of its months'."""

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.db import Database
from etl.rules import load_rules
from etl.scoring import engine
from tests.etl.scoring.helpers import Branch

NAMES = ["甲/一组", "乙/一组", "丙/二组", "丁/二组", "戊/二组"]
TYPES = ["主题党日", "党小组会", "党课", "支部党员大会", "支委会", "春训冬训"]
MARKS = ["√", "迟", "假", "×", "补", "免", None]
ITEMS = ["志愿服务", "表彰", "主讲党课", "党费逾期", "提醒谈话", "有效投诉", "有偿家教"]

activity = st.tuples(
    st.integers(0, 89), st.sampled_from(TYPES), st.lists(st.sampled_from(MARKS), min_size=5, max_size=5)
)
item = st.tuples(
    st.sampled_from(NAMES), st.sampled_from(ITEMS), st.integers(0, 89), st.sampled_from(["校级", "区级", "国家级"])
)
grades = st.lists(st.sampled_from(["优秀", "合格", "基本合格", "不合格", None]), min_size=5, max_size=5)
daily = st.lists(st.tuples(st.sampled_from(NAMES), st.integers(0, 89), st.integers(0, 80)), max_size=25)


def build(folder: Path, activities, items, appraisal, study) -> Branch:
    db = Database(folder / "p.duckdb")
    db.init()
    b = Branch(db, folder)
    b.roster(*NAMES, committee=("甲",))
    start = dt.date(2020, 1, 1)
    day = lambda n: (start + dt.timedelta(days=n)).isoformat()  # noqa: E731
    rows = {}
    for n, kind, marks in activities:
        for name, mark in zip(NAMES, marks):
            if mark:
                rows[(day(n), kind, name.split("/")[0])] = mark
    if rows:
        b.attendance(*[(*key, mark) for key, mark in rows.items()])
    item_rows = [
        (name.split("/")[0], kind, day(n), "", "", level if kind == "表彰" else "", "")
        for name, kind, n, level in items
    ]
    item_rows += [(name.split("/")[0], "民主评议", "", "2020", g, "", "") for name, g in zip(NAMES, appraisal) if g]
    if item_rows:
        b.items(*item_rows)
    study_rows = {(name.split("/")[0], day(n)): pts for name, n, pts in study}
    if study_rows:
        b.daily(*[(*key, pts) for key, pts in study_rows.items()])
    return b


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(activity, max_size=12), st.lists(item, max_size=12), grades, daily)
def test_indexes_stars_and_expected_counts(activities, items, appraisal, study):
    rules = load_rules()
    with tempfile.TemporaryDirectory() as tmp:
        b = build(Path(tmp), activities, items, appraisal, study)
        months = [pd.DataFrame(b.members(f"2020-{m:02d}").values()) for m in (1, 2, 3)]
        quarter = pd.DataFrame(b.members("2020-Q1").values())
        for frame in [*months, quarter, pd.DataFrame(b.members("2020").values())]:
            scored = frame["index"].dropna()
            assert ((scored >= 0) & (scored <= 100)).all()
            for index, stars in zip(frame["index"], frame["stars"]):
                assert (pd.isna(index) and pd.isna(stars)) or stars == engine.stars_of(index, rules)
            bonus = frame["bonus"].dropna()
            assert ((bonus >= 0) & (bonus <= 20)).all()
        expected_by_month = (
            sum(m.set_index("member_id")["expected"].fillna(0) for m in months).reindex(quarter["member_id"]).fillna(0)
        )
        assert (quarter.set_index("member_id")["expected"].fillna(0) == expected_by_month).all()
        row, _, _ = b.branch("2020-Q1")
        assert row["index"] is None or 0 <= row["index"] <= 100


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_stars_compare_the_index_rounded_to_two_decimals(index):
    rules = load_rules()
    stars = engine.stars_of(index, rules)
    value = round(index, 2)
    expected = 5 if value >= 90 else 4 if value >= 80 else 3 if value >= 70 else 2 if value >= 60 else 1
    assert stars == expected
    assert engine.stars_of(89.999, rules) == 5 and engine.stars_of(89.994, rules) == 4
