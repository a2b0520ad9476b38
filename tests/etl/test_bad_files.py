"""No file, however small or strange, crashes, hangs or poisons the tool. Each hostile input is a
real file built here; each test says what a user sees: a refusal naming the problem (exit 1, no
traceback, the database unchanged), a usage error (exit 2), or a load that does the right thing."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from etl.cli import main
from etl.db import Database
from tests import filebuilders as fb
from tests import hostile
from tests.conftest import BRANCH, table_contents

ROOT = Path(__file__).resolve().parents[2]
STUDY = ["姓名", "日期", "当日积分"]


@pytest.fixture
def db_path(tmp_path) -> Path:
    path = tmp_path / "v.duckdb"
    assert (
        main(["load", "--db", str(path), "--branch", BRANCH, str(fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER}))])
        == 0
    )
    return path


def refused(db_path: Path, capsys, *files: Path, extra: tuple = ()) -> str:
    """Load the files: exit 1, nothing changed, no traceback; the message printed."""
    before = table_contents(Database(db_path))
    capsys.readouterr()
    assert main(["load", "--db", str(db_path), "--branch", BRANCH, *extra, *map(str, files)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    assert table_contents(Database(db_path)) == before
    return out.err


def run_bounded(args: list[str], seconds: int = 60, memory_gb: int = 2) -> subprocess.CompletedProcess:
    """The CLI in its own process under a safety ceiling (time and memory): a guard against a hang or
    a blow-up, not a performance target."""
    limit = memory_gb * 1024**3

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        capture_output=True,
        text=True,
        timeout=seconds,
        preexec_fn=cap,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


# --- bounded work before reading --------------------------------------------------------------------
@pytest.mark.parametrize("form", [*hostile.FAR_CELLS, "a worksheet outside xl/worksheets"])
def test_a_far_cell_is_refused_before_the_reader_allocates(db_path, tmp_path, form):
    path = tmp_path / "far.xlsx"
    far = hostile.far_cell_elsewhere(path) if form.startswith("a worksheet") else hostile.far_cell(path, form)
    done = run_bounded(["load", "--db", str(db_path), "--branch", BRANCH, str(far)])
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "far.xlsx" in done.stderr and "上限 300,000 行" in done.stderr


def test_row_wide_merged_ranges_are_bounded(db_path, tmp_path):
    done = run_bounded(
        [
            "load",
            "--db",
            str(db_path),
            "--branch",
            BRANCH,
            "--partial",
            str(hostile.row_wide_merges(tmp_path / "merges.xlsx")),
        ]
    )
    # the ranges are clipped to the used columns: the file reads in bounded time and memory, and loads
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


def test_a_million_row_sheet_is_refused_by_its_row_limit(db_path, tmp_path):
    done = run_bounded(
        ["load", "--db", str(db_path), "--branch", BRANCH, str(hostile.million_rows(tmp_path / "big.xlsx"))]
    )
    assert done.returncode == 1 and "上限 300,000 行" in done.stderr and "Traceback" not in done.stderr


def test_a_roster_repeating_one_name_5000_times_reports_linearly(db_path, tmp_path):
    rows = [["姓名", "党小组", "党员类别"]] + [["张三", "第一党小组", "正式"]] * 5000
    done = run_bounded(
        ["load", "--db", str(db_path), "--branch", BRANCH, str(fb.xlsx(tmp_path / "dup.xlsx", {"S": rows}))]
    )
    assert done.returncode == 1 and "共 5000 个问题" in done.stderr, done.stderr[:500]
    assert "另有 4800 个问题未列出" in done.stderr and "（共 5000 行）" in done.stderr
    assert len(done.stderr) < 100_000  # the first 200 issues, each naming at most ten rows, then a count


def test_cut_xml_is_a_refusal(db_path, tmp_path, capsys):
    err = refused(db_path, capsys, hostile.cut_xml(tmp_path / "cut.xlsx", [STUDY, ["张三", "2025-03-01", 10]] * 50))
    assert "cut.xlsx" in err and "无法打开该表格文件（XmlError）" in err  # calamine's XML error, as a refusal


def test_an_encrypted_zip_entry_is_a_refusal(db_path, tmp_path, capsys):
    err = refused(db_path, capsys, hostile.encrypted_flag(tmp_path / "enc.xlsx"))
    assert "enc.xlsx" in err and "（RuntimeError）" in err


def test_a_csv_field_of_200000_characters_is_a_refusal(db_path, tmp_path, capsys):
    long = fb.csv_file(tmp_path / "long.csv", [STUDY, ["张三", "2025-03-01", "x" * 200_000]])
    err = refused(db_path, capsys, long)
    assert "第 2 行有一个单元格过长" in err


# --- values that make sense -------------------------------------------------------------------------
@pytest.mark.parametrize("points", ["nan", "inf", "-inf", "1e9", "1e308", "1e999"])
def test_absurd_points_are_row_issues_with_the_value(db_path, tmp_path, capsys, points):
    err = refused(db_path, capsys, fb.csv_file(tmp_path / "p.csv", [STUDY, ["张三", "2025-03-01", points]]))
    assert "第 2 行" in err and f"“{points}”" in err and ("不是数字" in err or "合理范围" in err)


@pytest.mark.parametrize("date", ["0001-01-01", "1900-03-15", "2100-03-15", "9999-12-31"])
def test_dates_outside_the_window_are_row_issues(db_path, tmp_path, capsys, date):
    err = refused(db_path, capsys, fb.csv_file(tmp_path / "d.csv", [STUDY, ["张三", date, 10]]))
    assert "第 2 行" in err and "不在合理范围内" in err


@pytest.mark.parametrize("birth", ["1850.03", "2090.01"])
def test_birth_dates_lie_between_1900_and_today(db_path, tmp_path, capsys, birth):
    rows = [["姓名", "党小组", "党员类别", "出生年月"], ["张三", "第一党小组", "正式", birth]]
    err = refused(db_path, capsys, fb.xlsx(tmp_path / "r.xlsx", {"S": rows}), extra=("--partial",))
    assert "第 2 行" in err and "出生年月" in err and "不在合理范围内（1900-01-01 至" in err


@pytest.mark.parametrize(
    "args", [["load", "--year", "1"], ["scores", "--period", "0001"], ["scores", "--period", "2100"]]
)
def test_years_and_periods_outside_the_window_are_usage_errors(db_path, tmp_path, capsys, args):
    tail = [str(fb.csv_file(tmp_path / "x.csv", [STUDY]))] if args[0] == "load" else []
    assert main([args[0], "--db", str(db_path), "--branch", BRANCH, *args[1:], *tail]) == 2
    assert "不在合理范围内" in capsys.readouterr().err


@pytest.mark.parametrize("branch", ["", "   ", "\u200b"])
def test_a_blank_branch_is_a_usage_error(tmp_path, capsys, branch):
    with pytest.raises(SystemExit) as exit_info:
        main(["load", "--db", str(tmp_path / "v.duckdb"), "--branch", branch, str(tmp_path / "x.csv")])
    assert exit_info.value.code == 2 and "党支部名称不能为空" in capsys.readouterr().err
    assert not (tmp_path / "v.duckdb").exists()


# --- names ------------------------------------------------------------------------------------------
def test_zero_width_characters_match_the_member_and_the_report_says_so(db_path, tmp_path, capsys):
    hidden = fb.xlsx(
        tmp_path / "h.xlsx",
        {
            "S": [
                STUDY,
                ["张\u200b三", "2025-03-01", 10],
                ["李四\u2060", "2025-03-01", 12],
                ["\u200d王五", "2025-03-01", 8],
            ]
        },
    )
    capsys.readouterr()
    assert main(["load", "--db", str(db_path), "--branch", BRANCH, str(hidden)]) == 0
    out = capsys.readouterr().out
    assert "装载 3 行" in out and "不可见字符" in out and "U+200B" in out
    with Database(db_path).connect() as con:
        assert con.execute("SELECT count(DISTINCT member_id) FROM live_study_daily").fetchall()[0][0] == 3


def test_a_roster_name_with_a_hidden_character_is_the_same_member(db_path, tmp_path, capsys):
    again = [row[:] for row in fb.ROSTER]
    again[2][0] = "张\u200b三"
    assert (
        main(["load", "--db", str(db_path), "--branch", BRANCH, str(fb.xlsx(tmp_path / "r2.xlsx", {"名册": again}))])
        == 0
    )
    with Database(db_path).connect() as con:
        assert con.execute("SELECT count(*) FROM members").fetchall()[0][0] == 4


def test_markdown_in_names_is_stored_as_typed(tmp_path, capsys):
    rows = [
        ["姓名", "党小组", "党员类别"],
        ["**粗体**", "第一党小组", "正式"],
        ["![](http://127.0.0.1:9/t.png)", "第一党小组", "正式"],
    ]
    db = tmp_path / "v.duckdb"
    assert main(["load", "--db", str(db), "--branch", BRANCH, str(fb.xlsx(tmp_path / "r.xlsx", {"S": rows}))]) == 0
    with Database(db).connect() as con:
        names = {r[0] for r in con.execute("SELECT name FROM live_member_versions").fetchall()}
    assert names == {"**粗体**", "![](http://127.0.0.1:9/t.png)"}


# --- repeats ----------------------------------------------------------------------------------------
def test_the_full_roster_after_a_half_one_brings_everyone_back(tmp_path, capsys):
    db = tmp_path / "v.duckdb"
    people = [[f"党员{i:02d}", "第一党小组", "正式"] for i in range(30)]
    full = fb.xlsx(tmp_path / "全.xlsx", {"S": [["姓名", "党小组", "党员类别"], *people]})
    half = fb.xlsx(tmp_path / "半.xlsx", {"S": [["姓名", "党小组", "党员类别"], *people[:15]]})
    for path in (full, half, full):
        assert main(["load", "--db", str(db), "--branch", BRANCH, str(path)]) == 0
    out = capsys.readouterr().out
    assert "与装载 #1 的文件相同" in out and "恢复" in out and "完全相同，未作任何更改" not in out
    with Database(db).connect() as con:
        assert (
            con.execute("SELECT count(*) FILTER (WHERE status = '在册') FROM live_member_versions").fetchall()[0][0]
            == 30
        )
    # and now it is a true repeat: nothing would change
    assert main(["load", "--db", str(db), "--branch", BRANCH, str(full)]) == 0
    assert "与装载 #3 的文件完全相同，未作任何更改" in capsys.readouterr().out


# --- pipes ------------------------------------------------------------------------------------------
def test_a_closed_pipe_ends_quietly(tmp_path):
    """More output than a pipe holds (64 KB), so the writer really meets the closed pipe."""
    db = tmp_path / "v.duckdb"
    people = [["姓名", "党小组", "党员类别"]] + [[f"党员{i:04d}", "第一党小组", "正式"] for i in range(3000)]
    assert main(["load", "--db", str(db), "--branch", BRANCH, str(fb.csv_file(tmp_path / "r.csv", people))]) == 0
    script = f"{sys.executable} -m etl scores --db {db} --branch {BRANCH} --period 2025 --format csv | head -1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout.startswith("branch,period,member") and done.stderr == "" and done.returncode == 0
    full = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "scores",
            "--db",
            str(db),
            "--branch",
            BRANCH,
            "--period",
            "2025",
            "--format",
            "csv",
        ],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert len(full.stdout) > 128 * 1024  # the case is real: the output does not fit in the pipe
