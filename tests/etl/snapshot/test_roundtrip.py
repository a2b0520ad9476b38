"""export → verify → import gives `etl scores` on the district database the very output of `etl scores`
on the branch's own database: the same columns, the same numbers to the last decimal — one branch
at a time, and every branch at once."""

from __future__ import annotations

import json

import pytest

from etl import branches, demo_district
from etl.cli import main
from etl.db import Database
from etl.snapshot import trust
from tests.etl.snapshot.conftest import BRANCH, SCHOOL

PERIODS = ["2025-03", "2025-Q2", "2025"]


def scores_output(capsys, db: Database, *args: str) -> tuple[str, str]:
    capsys.readouterr()
    assert main(["scores", "--db", str(db.path), *args]) == 0
    out, err = capsys.readouterr()
    return out, err


@pytest.fixture(scope="module")
def files(branch_db, key_file, tmp_path_factory):
    """The demo branch's snapshots of PERIODS, exported and verified through the CLI."""
    folder = tmp_path_factory.mktemp("snapshots")
    argv = ["snapshot", "export", "--db", str(branch_db.path), "--branch", BRANCH, "--key", str(key_file)]
    assert main([*argv, *(x for p in PERIODS for x in ("--period", p)), "--out", str(folder)]) == 0
    paths = [folder / f"{BRANCH}_{p}.zip" for p in PERIODS]
    assert main(["snapshot", "verify", *map(str, paths)]) == 0
    return paths


@pytest.fixture(scope="module")
def fed_by_snapshots(files, key_file, tmp_path_factory) -> Database:
    """A district database holding nothing but the imported snapshots."""
    db = Database(tmp_path_factory.mktemp("district") / "district.duckdb")
    branches.add(db, BRANCH, SCHOOL)
    trust.trust(db, BRANCH, key_file.with_name(key_file.name + ".pub"), None, "区教育局")
    assert main(["snapshot", "import", "--db", str(db.path), *map(str, files)]) == 0
    with db.connect() as con:
        assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 0  # no raw rows at all
    return db


@pytest.mark.parametrize("level", ["member", "branch"])
@pytest.mark.parametrize("period", PERIODS)
def test_scores_from_the_snapshot_equal_scores_at_the_branch(capsys, branch_db, fed_by_snapshots, period, level):
    args = ["--branch", BRANCH, "--period", period, "--level", level]
    at_branch, _ = scores_output(capsys, branch_db, *args, "--format", "csv")
    at_district, note = scores_output(capsys, fed_by_snapshots, *args, "--format", "csv")
    assert at_district == at_branch  # every column, every digit
    assert len(at_branch.splitlines()) == (31 if level == "member" else 2)
    assert "来自导入的快照" in note and "签名" in note  # said on stderr; the CSV stays clean
    # JSON carries the numbers unrounded: equal too
    branch_json = json.loads(scores_output(capsys, branch_db, *args, "--format", "json")[0])
    district_json = json.loads(scores_output(capsys, fed_by_snapshots, *args, "--format", "json")[0])
    assert district_json["rows"] == branch_json["rows"]
    assert district_json["rules"]["sha256"] == branch_json["rules"]["sha256"]
    assert district_json["snapshots"][0]["signed"] is True


def test_the_table_format_says_where_the_numbers_come_from(capsys, fed_by_snapshots):
    out, _ = scores_output(capsys, fed_by_snapshots, "--branch", BRANCH, "--period", "2025", "--level", "branch")
    assert "快照：实验学校党支部 来自导入的快照 #3" in out and "由密钥" in out


def test_explain_needs_raw_rows(capsys, fed_by_snapshots):
    argv = ["scores", "--db", str(fed_by_snapshots.path), "--branch", BRANCH, "--period", "2025", "--explain", "某人"]
    assert main(argv) == 1
    assert "来自导入的快照" in capsys.readouterr().err


def test_a_period_without_a_snapshot_is_scored_as_before(capsys, fed_by_snapshots):
    out, err = scores_output(capsys, fed_by_snapshots, "--branch", BRANCH, "--period", "2025-Q4", "--format", "csv")
    assert out.splitlines() == [out.splitlines()[0]] and "快照" not in err  # no members, no snapshot


# -- every branch at once ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def district_raw(tmp_path_factory) -> Database:
    """The district-server deployment: three branches' raw rows in one database."""
    folder = tmp_path_factory.mktemp("district-raw")
    db = Database(folder / "raw.duckdb")
    demo_district.build(db, folder / "files", branches=3, members=12)
    return db


@pytest.fixture(scope="module")
def district_snapshots(district_raw, key_file, tmp_path_factory) -> Database:
    """The same three branches' 2025-Q2 and 2025 snapshots, imported into an empty database."""
    from etl.scoring.period import parse
    from etl.snapshot import export

    folder = tmp_path_factory.mktemp("district-files")
    db = Database(folder / "fed.duckdb")
    names = demo_district.branch_names(3)
    paths = []
    for name in names:
        outcome = export.export(district_raw, name, [parse("2025-Q2"), parse("2025")], folder, key_path=key_file)
        paths += [e.zip_path for e in outcome.exported]
        branches.add(db, name, "区里的学校")
        trust.trust(db, name, key_file.with_name(key_file.name + ".pub"), None, "区教育局")
    assert main(["snapshot", "import", "--db", str(db.path), *map(str, paths)]) == 0
    return db


@pytest.mark.parametrize("level", ["member", "branch"])
@pytest.mark.parametrize("period", ["2025-Q2", "2025"])
def test_all_branches_from_snapshots_equal_all_branches_from_raw_rows(
    capsys, district_raw, district_snapshots, period, level
):
    args = ["--all-branches", "--period", period, "--level", level, "--format", "csv"]
    raw, _ = scores_output(capsys, district_raw, *args)
    frozen, note = scores_output(capsys, district_snapshots, *args)
    assert frozen == raw
    assert len({line.split(",")[0] for line in raw.splitlines()[1:]}) == 3
    assert note.count("来自导入的快照") == 3


def test_all_branches_mix_raw_rows_and_snapshots(capsys, district_snapshots, branch_db, demo_db, tmp_path):
    """One database, some branches with raw rows and some only with snapshots: each answered its way."""
    from tests.etl.snapshot.conftest import copy_db

    mixed = copy_db(district_snapshots, tmp_path, "mixed.duckdb")
    demo = copy_db(branch_db, tmp_path, "demo.duckdb")
    args = ["--period", "2025", "--level", "branch", "--format", "csv"]
    own, _ = scores_output(capsys, demo, "--branch", BRANCH, *args)
    # load the demo branch's raw files into the mixed database
    from tests.conftest import load_path

    files = sorted((demo_db.path.parent / "files").iterdir(), key=lambda p: "名册" not in p.name)
    for path in files:
        assert load_path(mixed, path, branch=BRANCH)[1] is not None
    together, note = scores_output(capsys, mixed, "--all-branches", *args)
    frozen, _ = scores_output(capsys, district_snapshots, "--all-branches", *args)
    lines = together.splitlines()
    assert own.splitlines()[1] in lines  # the raw branch, scored from its rows
    assert set(frozen.splitlines()[1:]) <= set(lines)  # the others, from their snapshots
    assert len(lines) == 1 + 4 and note.count("来自导入的快照") == 3
