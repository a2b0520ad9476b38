"""`etl demo --scale small`: six branches of clearly different character over two years, their signed
snapshots, and a district database fed only by those files (docs/cli.md#demo, docs/snapshots.md).

One build for the module (about 45 s on a 2-core machine); the determinism test makes a second one in
another process."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from etl import demo_small
from etl.cli import main
from etl.db import Database
from etl.rules import rules_for
from etl.scoring import service
from etl.snapshot import district, keys, verify

STRONG, WEAK, GAPS, VETO, SMALL, TOTALS = (c.name for c in demo_small.CHARACTERS)
PERIODS = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2024", "2025"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("small") / "small.duckdb"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["demo", "--db", str(path), "--scale", "small"]) == 0
    folder = path.with_name("small-snapshots")
    return {
        "db": Database(path),
        "district": Database(folder / "district.duckdb"),
        "folder": folder,
        "out": out.getvalue(),
    }


def scores_csv(db: Path, period: str, level: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert (
            main(["scores", "--db", str(db), "--all-branches", "--period", period, "--level", level, "--format", "csv"])
            == 0
        )
    return out.getvalue()


def branch_rows(db: Database, period: str):
    return service.district_scores(db, period, "branch").set_index("branch")


def test_progress_and_layout(built):
    lines = built["out"].splitlines()
    assert sum(line.lstrip().startswith("[") for line in lines) == 6  # a line per branch
    assert lines[-1].startswith("完成：6 个党支部") and "秒" in lines[-1]
    folder = built["folder"]
    names = {p.name for p in folder.iterdir()}
    for c in demo_small.CHARACTERS:
        private, public = folder / "keys" / f"{c.name}.key", folder / "keys" / f"{c.name}.key.pub"
        assert public.is_file() and stat.S_IMODE(private.stat().st_mode) == 0o600
        assert {f"{c.name}_{p}.{ext}" for p in PERIODS for ext in ("zip", "xlsx")} <= names
    assert len([n for n in names if n.endswith(".zip")]) == 60 and "district.duckdb" in names
    files = built["db"].path.with_name("small-files")
    assert len(list(files.glob("*/*"))) == 42  # 7 files a branch: a roster, and per year attendance, study, assessment


def test_each_branch_has_its_own_school(built):
    for db in (built["db"], built["district"]):
        with db.connect() as con:
            schools = dict(con.execute("SELECT name, school FROM branches").fetchall())
        assert schools == {c.name: c.school for c in demo_small.CHARACTERS}


def test_the_six_characters_hold_as_numbers(built):
    year = branch_rows(built["db"], "2025")
    assert year.loc[STRONG, "index"] == year["index"].max() and year.loc[STRONG, "stars"] == 5
    assert year.loc[WEAK, "index"] == year["index"].min() and year.loc[WEAK, "stars"] <= 2
    assert year.loc[STRONG, "member_mean"] - year.loc[WEAK, "member_mean"] > 30
    assert year.loc[GAPS, "compliance_rate"] < 0.85  # the others hold (nearly) every meeting
    assert (year.drop(index=GAPS)["compliance_rate"] > 0.95).all()
    assert len(set(year["stars"])) >= 4  # the district has something to compare


def test_the_gaps_branch_has_unmet_requirements(built):
    with built["db"].connect() as con:
        _, _, compliance = service.branch_score_con(con, GAPS, "2025", rules_for(GAPS))
    unmet = compliance[compliance["met"] < compliance["required"]]
    assert {"党小组会", "支委会", "党课", "支部党员大会", "主题党日"} <= set(unmet["requirement"])
    summer = unmet[(unmet["requirement"] == "党小组会") & (unmet["party_group"] == "第二党小组")]
    assert len(summer) == 6  # March to August


def test_the_veto_branch_has_vetoed_members(built):
    with built["district"].connect() as con:  # the snapshot keeps why each member was vetoed
        members = district.member_rows(con, VETO, demo_small.PERIODS[-1])
        earlier = district.member_rows(con, VETO, demo_small.PERIODS[-2])
    vetoed = members[members["vetoed"]]
    assert vetoed["veto_by_absence"].sum() == 1 and vetoed["veto_by_item"].sum() == 1
    assert (vetoed["index"] == 0).all()
    assert earlier[earlier["vetoed"]]["veto_by_appraisal"].sum() == 1  # 2024: one appraised 不合格
    everyone = service.district_scores(built["db"], "2025", "member")
    assert not everyone[everyone["branch"] != VETO]["vetoed"].any()  # the veto is this branch's character


def test_the_small_branch_has_no_committee(built):
    with built["db"].connect() as con:
        roster = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE v.is_committee) FROM live_member_versions v "
            "JOIN branches b USING (branch_id) WHERE b.name = ? AND v.status = '在册'",
            [SMALL],
        ).fetchone()
        _, _, compliance = service.branch_score_con(con, SMALL, "2025", rules_for(SMALL))
        _, _, strong = service.branch_score_con(con, STRONG, "2025", rules_for(STRONG))
    assert roster[0] < 7 and roster[1] == 0
    assert "支委会" not in set(compliance["requirement"]) and "支委会" in set(strong["requirement"])


def test_the_totals_branch_reports_cumulative_study(built):
    with built["db"].connect() as con:
        counts = {
            name: (daily, totals)
            for name, daily, totals in con.execute(
                "SELECT b.name, (SELECT count(*) FROM live_study_daily d WHERE d.branch_id = b.branch_id), "
                "(SELECT count(*) FROM live_study_totals t WHERE t.branch_id = b.branch_id) FROM branches b"
            ).fetchall()
        }
    assert counts[TOTALS][0] == 0 and counts[TOTALS][1] > 0
    assert all(daily > 0 and totals == 0 for name, (daily, totals) in counts.items() if name != TOTALS)
    members = service.scores(built["db"], TOTALS, "2024-Q1", "member")
    assert members["study_avg_daily"].notna().all()  # January is covered by the total at 2023-12-31


def test_every_snapshot_is_signed_by_its_branchs_registered_key(built):
    folder = built["folder"]
    fingerprints = {
        c.name: keys.fingerprint(keys.load_public(folder / "keys" / f"{c.name}.key.pub")) for c in demo_small.CHARACTERS
    }
    zips = sorted(folder.glob("*.zip"))
    assert len(zips) == 60
    with built["district"].connect() as con:
        for path in zips:
            snapshot = verify.verify_file(path)
            assert snapshot.signed and snapshot.fingerprint == fingerprints[snapshot.manifest.branch], path.name
            assert verify.check_trust(con, snapshot).registered
            assert path.name == f"{snapshot.manifest.branch}_{snapshot.manifest.period.label}.zip"
        imported = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE signed), count(DISTINCT branch_id) FROM current_snapshots"
        ).fetchone()
        raw = con.execute("SELECT (SELECT count(*) FROM loads) + (SELECT count(*) FROM study_daily)").fetchone()[0]
    assert imported == (60, 60, 6) and raw == 0  # the district holds snapshots and nothing else


@pytest.mark.parametrize("period", ["2025-Q4", "2025", "2024-Q1"])
def test_the_district_gives_the_branches_own_numbers(built, period):
    for level in ("branch", "member"):
        own = scores_csv(built["db"].path, period, level)
        assert own.count("\n") > 6 and scores_csv(built["district"].path, period, level) == own


def test_a_second_run_on_a_new_path_gives_the_same_scores(built, tmp_path):
    """Seeded, and independent of the process (another PYTHONHASHSEED): the files and so every score."""
    path = tmp_path / "again.duckdb"
    env = {**os.environ, "PYTHONHASHSEED": "7"}
    subprocess.run(
        [sys.executable, "-m", "etl", "demo", "--db", str(path), "--scale", "small"],
        env=env,
        check=True,
        capture_output=True,
    )
    again = Database(tmp_path / "again-snapshots" / "district.duckdb")
    for period in ("2025-Q4", "2025"):
        for level in ("branch", "member"):
            first = scores_csv(built["db"].path, period, level)
            assert scores_csv(path, period, level) == first
            assert scores_csv(again.path, period, level) == first


def test_demo_help_names_the_small_scale(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    assert "small" in capsys.readouterr().out
