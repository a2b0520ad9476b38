"""The district's view (etl/snapshot/district.py): the frozen snapshot is what the district compares,
even where a database also holds the branch's raw rows; member rows only within the caller's scope."""

from __future__ import annotations

import pandas as pd
import pytest

from etl import load
from etl.cli import main
from etl.scope import OutOfScope, Scope
from etl.scoring import service
from etl.scoring.period import parse
from etl.snapshot import district
from tests.etl.snapshot.conftest import BRANCH, SCHOOL, copy_db, export_one

DISTRICT = Scope(role="district")


@pytest.fixture(scope="module")
def both(branch_db, key_file, tmp_path_factory):
    """The branch's own database holding its raw rows and its 2025 snapshot; then a load is undone, so
    that the raw numbers move away from the frozen ones. Returns (db, frozen branch row)."""
    folder = tmp_path_factory.mktemp("both")
    db = copy_db(branch_db, folder, "both.duckdb")
    frozen = service.scores(db, BRANCH, "2025", "branch").iloc[0]
    path = export_one(db, "2025", folder, None)
    assert main(["snapshot", "import", "--db", str(db.path), "--allow-unsigned", str(path)]) == 0
    named = export_one(db, "2025-Q1", folder / "named", None)
    coded = export_one(db, "2025-Q2", folder / "coded", None, anonymize=True)
    assert main(["snapshot", "import", "--db", str(db.path), "--allow-unsigned", str(named), str(coded)]) == 0
    assert load.undo_load(db, 7, "测试")  # the year's appraisals: every index changes
    return db, frozen


def test_branch_rows_prefer_the_snapshot_where_raw_rows_exist_too(both):
    db, frozen = both
    raw = service.scores(db, BRANCH, "2025", "branch").iloc[0]
    assert raw["index"] != frozen["index"]  # the undo moved the raw numbers
    with db.connect() as con:
        rows = district.branch_rows(con, parse("2025"), scope=DISTRICT)
    (row,) = rows.to_dict(orient="records")
    assert row["source"] == "snapshot" and row["signed"] is False and row["school"] == SCHOOL
    assert row["index"] == frozen["index"] and row["stars"] == frozen["stars"]
    assert row["members_scored"] == frozen["members_scored"]
    assert list(rows.columns) == district.BRANCH_ROW_COLUMNS


def test_etl_scores_on_that_database_answers_from_the_raw_rows(both, capsys):
    db, frozen = both
    assert main(["scores", "--db", str(db.path), "--branch", BRANCH, "--period", "2025", "--level", "branch"]) == 0
    out = capsys.readouterr().out
    assert f"{frozen['index']:.2f}" not in out and "快照" not in out


def test_branch_rows_score_raw_rows_where_there_is_no_snapshot(both):
    db, _ = both
    with db.connect() as con:
        (row,) = district.branch_rows(con, parse("2025-Q3"), scope=DISTRICT).to_dict(orient="records")
        (empty,) = district.branch_rows(con, parse("2024"), scope=DISTRICT).to_dict(orient="records")
    raw = service.scores(db, BRANCH, "2025-Q3", "branch").iloc[0]
    assert row["source"] == "raw" and row["index"] == raw["index"] and row["stars"] == raw["stars"]
    assert empty["source"] is None and pd.isna(empty["index"]) and empty["branch"] == BRANCH


def test_branch_rows_leave_out_branches_outside_the_scope(both):
    db, _ = both
    with db.connect() as con:
        assert district.branch_rows(
            con, parse("2025"), scope=Scope(role="district", branches=frozenset({"别的支部"}))
        ).empty
        assert len(district.branch_rows(con, parse("2025"), scope=Scope(branches=frozenset({BRANCH})))) == 1


def test_member_rows_of_a_named_snapshot_are_refused_to_the_district(both):
    db, _ = both
    with db.connect() as con, pytest.raises(OutOfScope, match="含党员姓名"):
        district.member_rows(con, BRANCH, parse("2025-Q1"), scope=DISTRICT)


def test_member_rows_of_an_anonymised_snapshot_are_shown_to_the_district(both):
    db, _ = both
    with db.connect() as con:
        coded = district.member_rows(con, BRANCH, parse("2025-Q2"), scope=DISTRICT)
        named = district.member_rows(con, BRANCH, parse("2025-Q1"))  # the secretary: names
    assert len(coded) == 30 and coded["member"].str.startswith("党员-").all() and set(coded["source"]) == {"snapshot"}
    assert not named["member"].str.startswith("党员-").any()


def test_member_rows_from_raw_rows_only_for_those_who_may_see_members(both):
    db, _ = both
    with db.connect() as con:
        with pytest.raises(OutOfScope, match="党员明细"):
            district.member_rows(con, BRANCH, parse("2025-Q3"), scope=DISTRICT)
        rows = district.member_rows(con, BRANCH, parse("2025-Q3"), scope=Scope(role="leadership"))
        with pytest.raises(OutOfScope, match="没有查看"):
            district.member_rows(con, BRANCH, parse("2025-Q1"), scope=Scope(branches=frozenset({"别的支部"})))
    assert set(rows["source"]) == {"raw"} and len(rows) == 30


def test_the_import_history_lists_every_file_within_scope(both):
    db, _ = both
    with db.connect() as con:
        history = district.imports(con, scope=DISTRICT)
        assert district.imports(con, scope=Scope(branches=frozenset({"别的支部"}))).empty
    assert history["period"].tolist() == ["2025-Q2", "2025-Q1", "2025"]
    assert history["anonymized"].tolist() == [True, False, False]
