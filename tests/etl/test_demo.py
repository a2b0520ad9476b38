"""`etl demo --scale branch`: a realistic year, written as real files and loaded by the same readers."""

import os
import subprocess
import sys

from etl import demo
from etl.cli import main
from etl.db import Database


def test_demo_writes_real_files_and_loads_every_one(tmp_path, capsys):
    assert main(["demo", "--db", str(tmp_path / "demo.duckdb"), "--files", str(tmp_path / "files")]) == 0
    out = capsys.readouterr().out
    assert out.count("装载") == 8
    names = sorted(p.name for p in (tmp_path / "files").iterdir())
    assert {n.rsplit(".", 1)[1] for n in names} == {"xlsx", "csv"}
    with Database(tmp_path / "demo.duckdb").connect() as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        assert one("SELECT count(*) FROM live_loads") == 8
        assert one("SELECT count(*) FROM live_member_versions WHERE status = '在册'") == 30
        assert one("SELECT count(*) FROM live_member_versions WHERE is_committee") == 5
        assert one("SELECT count(DISTINCT month(date)) FROM live_attendance") == 12
        assert sorted(r[0] for r in con.execute("SELECT DISTINCT status FROM live_attendance").fetchall()) == sorted(
            ["出席", "迟到", "请假", "缺席", "补学", "免"]
        )
        assert one("SELECT count(*) FROM live_assessments WHERE item = '有偿家教'") == 1
        assert one("SELECT count(*) FROM live_assessments WHERE item = '民主评议' AND year = 2025") == 30
        assert one("SELECT count(*) FROM live_study_totals") > 0 and one("SELECT count(*) FROM live_study_daily") > 0
        # Q3's 党课 was never held, and a member who misses everything from July on is on veto watch.
        assert one("SELECT count(*) FROM live_activities WHERE activity_type = '党课' AND quarter(date) = 3") == 0
        assert one("SELECT count(*) FROM live_activities WHERE activity_type = '党课'") == 3
        # 工作记录 with a year's gaps: one member never talked to, two pledges unsigned, no 七一 visit,
        # one 专题会, 政治学习 twice a month but once in November, 春训 and no 冬训
        records = lambda sql: con.execute(f"SELECT {sql} FROM live_records").fetchone()[0]  # noqa: E731
        assert records("count(DISTINCT member_id) FILTER (record_type = '谈心谈话')") == 29
        assert records("count(DISTINCT member_id) FILTER (record_type = '承诺书')") == 28
        assert records("count(*) FILTER (record_type = '走访慰问' AND month(date) IN (6, 7))") == 0
        assert records("count(*) FILTER (record_type = '走访慰问' AND date BETWEEN '2024-12-30' AND '2025-02-28')") == 3
        assert records("count(*) FILTER (record_type = '走访慰问' AND member_id IS NULL)") == 2  # retired: text
        assert records("count(DISTINCT date) FILTER (record_type = '廉政专题会')") == 1
        assert records("count(*) FILTER (record_type = '政治学习' AND month(date) = 11)") == 1
        assert records("count(*) FILTER (record_type = '政治学习')") == 23
        assert records("list(DISTINCT record_type) FILTER (record_type IN ('春训', '冬训'))") == ["春训"]
        assert "谈思想" not in repr(con.execute("SELECT * FROM records").fetchall())  # 谈话内容 is never stored


def test_the_demo_scores_are_the_same_in_every_process(tmp_path):
    """Seeded, and independent of Python's per-process string hashing."""
    outputs = []
    for seed in ("1", "2"):
        db = tmp_path / f"demo{seed}.duckdb"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "etl", "demo", "--db", str(db), "--files", str(tmp_path / seed)],
            env=env,
            check=True,
            capture_output=True,
        )
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "etl",
                "scores",
                "--db",
                str(db),
                "--branch",
                demo.BRANCH,
                "--period",
                "2025",
                "--format",
                "csv",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == 31
