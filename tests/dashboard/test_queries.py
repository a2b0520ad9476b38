"""The queries behind the pages, on the demo branch: each takes the branch and period it is for."""

from dashboard import frames, queries
from etl import load
from etl.rules import load_rules
from etl.scope import SECRETARY
from etl.scoring.period import parse
from tests import filebuilders as fb
from tests.conftest import load_path

BRANCH = "实验学校党支部"
RULES = load_rules()


def test_a_branch_version_changes_only_with_that_branch(db, roster_file, tmp_path):
    load_path(db, roster_file)
    with db.connect() as con:
        before = queries.data_versions(con)[1]
    _, other = load_path(db, roster_file, branch="二中党支部")
    with db.connect() as con:
        after = queries.data_versions(con)[1]
    assert after[BRANCH] == before[BRANCH] and "二中党支部" not in before
    load.undo_load(db, other.load_id, "测试")
    with db.connect() as con:
        undone = queries.data_versions(con)[1]
    assert undone[BRANCH] == before[BRANCH] and undone["二中党支部"] != after["二中党支部"]


def test_the_data_version_changes_with_every_load_and_undo(db, roster_file, tmp_path):
    with db.connect() as con:
        v0 = queries.data_versions(con)[0]
    _, result = load_path(db, roster_file)
    with db.connect() as con:
        v1 = queries.data_versions(con)[0]
    load.undo_load(db, result.load_id, "测试")
    with db.connect() as con:
        v2 = queries.data_versions(con)[0]
    assert len({v0, v1, v2}) == 3


def test_periods_come_from_activity_not_from_an_appraisal_date(demo_db):
    with demo_db.connect() as con:
        months = queries.data_months(con, BRANCH, scope=SECRETARY)
    assert months[0].label == "2025-01" and months[-1].label == "2025-12"  # the appraisal held 2026-01 is not a period


def test_branch_summary_matches_the_scores(demo_db):
    with demo_db.connect() as con:
        summary = queries.branch_summary(con, BRANCH, parse("2025-Q3"), RULES, scope=SECRETARY)
        members = queries.member_scores(con, BRANCH, parse("2025-Q3"), RULES, scope=SECRETARY)
    assert abs(summary["member_mean"] - members["index"].mean()) < 1e-9
    assert 0 < summary["attendance_rate"] < 1 and 0 <= summary["participation"] <= 1
    assert summary["attendance_rate"] == members["attended"].sum() / members["expected"].sum()


def test_alerts_name_the_member_heading_for_the_absence_veto(demo_db):
    with demo_db.connect() as con:
        october = frames.alerts(
            queries.page_scores(con, BRANCH, parse("2025-10"), RULES, scope=SECRETARY),
            parse("2025-10"),
            queries.veto_watch(con, BRANCH, parse("2025-10"), RULES, scope=SECRETARY),
        )
        q3 = frames.alerts(
            queries.page_scores(con, BRANCH, parse("2025-Q3"), RULES, scope=SECRETARY),
            parse("2025-Q3"),
            queries.veto_watch(con, BRANCH, parse("2025-Q3"), RULES, scope=SECRETARY),
        )
    # The demo's member who stopped coming in July has four all-absent months by October: two to go.
    assert list(october["veto_watch"]["run"]) == [4]
    assert set(q3["unmet"]["requirement"]) == {"党小组会", "党课"}
    assert (october["needs_help"]["index"] < 60).all()


def test_queries_are_scoped_to_their_branch(demo_db, tmp_path):
    import shutil

    from etl.db import Database

    two = Database(tmp_path / "two.duckdb")  # a copy: the session's demo database stays as built
    shutil.copy(demo_db.path, two.path)
    other = fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER})
    load_path(two, other, branch="二中党支部")
    with two.connect() as con:
        assert queries.member_options(con, "二中党支部", scope=SECRETARY)["name"].tolist() == [
            "张三",
            "李四",
            "王五",
            "赵六",
        ]
        assert queries.data_months(con, "二中党支部", scope=SECRETARY) == []
        assert "二中党支部" in queries.branches(con, scope=SECRETARY)
        assert len(queries.load_history(con, "二中党支部", scope=SECRETARY)) == 1


def test_every_query_refuses_what_lies_outside_the_callers_scope(demo_db):
    """Sign-in comes later; the query layer already takes the caller's scope and refuses a branch
    outside it, and member rows to a district caller, before touching the database."""
    import pytest

    from etl.scope import OutOfScope, Scope

    elsewhere = Scope("leadership", frozenset({"二中党支部"}))
    district = Scope("district")
    with demo_db.connect() as con:
        assert BRANCH not in queries.branches(con, scope=elsewhere)
        for call in (
            lambda s: queries.page_scores(con, BRANCH, parse("2025-06"), RULES, scope=s),
            lambda s: queries.member_options(con, BRANCH, scope=s),
            lambda s: queries.attendance_matrix(con, BRANCH, parse("2025-06"), scope=s),
            lambda s: queries.load_history(con, BRANCH, scope=s),
        ):
            with pytest.raises(OutOfScope):
                call(elsewhere)
        with pytest.raises(OutOfScope):
            queries.page_scores(con, BRANCH, parse("2025-06"), RULES, scope=district)
        assert queries.branch_summary(con, BRANCH, parse("2025-06"), RULES, scope=district)["index"] is not None
        assert BRANCH in queries.branches(con, scope=district)
        # the default caller (no sign-in yet) is a secretary of every branch
        assert not queries.member_options(con, BRANCH, scope=SECRETARY).empty
