"""`etl snapshot export`: one zip per branch and period, what its manifest says, the report beside
it, --year, --anonymize, and the periods it refuses."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import openpyxl
import pyarrow.parquet as pq
import pytest

from etl import __version__
from etl.cli import main
from etl.db import Database
from etl.plan.plan_file import plan_for
from etl.rules import rules_for
from etl.scoring import service
from etl.snapshot import anonymize, manifest, verify
from tests.etl.snapshot.conftest import BRANCH, SCHOOL, T1, T2, export_one


def manifest_of(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json"))


def table_of(path, name):
    with zipfile.ZipFile(path) as zf:
        return pq.read_table(io.BytesIO(zf.read(f"{name}.parquet"))).to_pandas()


def test_year_writes_its_quarters_and_the_year_each_in_its_own_file(branch_db, key_file, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["snapshot", "export", "--db", str(branch_db.path), "--branch", BRANCH, "--year", "2025", "--out", str(out)]
    assert main([*argv, "--key", str(key_file)]) == 0
    periods = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{BRANCH}_{p}.zip" for p in periods] + [f"{BRANCH}_{p}.xlsx" for p in periods]
    )
    for period in periods:
        snapshot = verify.verify_file(out / f"{BRANCH}_{period}.zip")
        assert snapshot.manifest.period.label == period and snapshot.signed
    printed = capsys.readouterr().out
    assert "完成：5 个快照" in printed and "已签名" in printed


def test_the_manifest_says_what_the_snapshot_is(branch_db, signed_q1):
    data = manifest_of(signed_q1)
    rules = rules_for(BRANCH)
    assert data["format"] == "vanguard-snapshot" and data["format_version"] == 2
    assert (data["branch"], data["school"], data["period"]) == (BRANCH, SCHOOL, "2025-Q1")
    assert (data["period_start"], data["period_end"]) == ("2025-01-01", "2025-03-31")
    assert data["created_at"] == T1.isoformat(timespec="microseconds")
    assert data["tool"]["version"] == __version__
    assert data["rules"] == {"source": "rules.toml", "sha256": rules.sha256, "entry": "rules.toml"}
    assert data["anonymized"] is False
    plan = plan_for(BRANCH, 2025)
    assert data["plan"] == {"source": "plan.toml", "sha256": plan.sha256, "as_of": "2025-04-01"}
    with branch_db.connect() as con:
        loads = con.execute("SELECT load_id, sha256 FROM loads WHERE undone_at IS NULL ORDER BY load_id").fetchall()
    assert [(x["load_id"], x["sha256"]) for x in data["source_loads"]] == loads and len(loads) == 8
    with zipfile.ZipFile(signed_q1) as zf:
        names = zf.namelist()
        assert names == ["manifest.json", "manifest.sig", *manifest.ENTRIES]
        for name in manifest.ENTRIES:
            content = zf.read(name)
            assert data["entries"][name] == {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
    assert {n: t["rows"] for n, t in data["tables"].items()} == {
        "member_scores": 30,
        "branch_score": 1,
        "compliance": len(table_of(signed_q1, "compliance")),
        "star_moves": len(table_of(signed_q1, "star_moves")),
        "plan_items": len(table_of(signed_q1, "plan_items")),
    }


def test_the_tables_hold_the_numbers_of_etl_scores_with_their_components(branch_db, signed_q1):
    members = table_of(signed_q1, "member_scores")
    expected = service.scores(branch_db, BRANCH, "2025-Q1")
    assert members["member"].tolist() == expected["member"].tolist()
    assert members["index"].tolist() == expected["index"].tolist()  # exactly, not approximately
    for column in ("attendance_score", "study_score", "appraisal_score", "discipline", "veto_by_absence"):
        assert column in members
    branch = table_of(signed_q1, "branch_score").iloc[0]
    row = service.scores(branch_db, BRANCH, "2025-Q1", "branch").iloc[0]
    assert (branch["index"], branch["stars"], branch["compliance_rate"]) == (
        row["index"],
        row["stars"],
        row["compliance_rate"],
    )
    assert (
        branch["previous_period"] == "2024-Q4" and branch["previous_index"] != branch["previous_index"]
    )  # NaN: no 2024
    moves = table_of(signed_q1, "star_moves")
    assert set(moves["move"]) == {"new"}  # nobody was scored in 2024-Q4


def test_star_moves_compare_with_the_previous_period(branch_db, tmp_path):
    path = export_one(branch_db, "2025-Q2", tmp_path, None)
    moves = table_of(path, "star_moves")
    previous = service.scores(branch_db, BRANCH, "2025-Q1").set_index("member")["stars"]
    current = service.scores(branch_db, BRANCH, "2025-Q2").set_index("member")["stars"]
    for r in moves.itertuples():
        assert r.previous_stars == previous[r.member] and r.stars == current[r.member]
        assert r.move == ("up" if r.stars > r.previous_stars else "down" if r.stars < r.previous_stars else "same")
    assert {"up", "down"} & set(moves["move"])


def test_the_report_beside_it_has_chinese_headers_a_sheet_per_table_and_number_formats(signed_q1):
    book = openpyxl.load_workbook(signed_q1.with_suffix(".xlsx"))
    assert {"说明", "党员先锋指数", "支部堡垒指数", "三会一课", "星级变化", "星级分布", "源文件"} <= set(
        book.sheetnames
    )
    sheet = book["党员先锋指数"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "党员" and "先锋指数" in header and "出勤率" in header
    index_col = header.index("先锋指数") + 1
    rate_col = header.index("出勤率") + 1
    assert sheet.cell(2, index_col).number_format == "0.00"
    assert sheet.cell(2, rate_col).number_format == "0.0%"
    about = {r[0].value: r[1].value for r in book["说明"].iter_rows(min_row=2)}
    assert about["党支部"] == BRANCH and about["学校"] == SCHOOL and about["签名"].startswith("已签名")
    assert book["支部堡垒指数"]["A1"].value == "计分党员数"


def test_anonymized_codes_are_stable_and_not_a_hash_of_the_name(branch_db, tmp_path):
    first = export_one(branch_db, "2025-Q1", tmp_path / "a", None, anonymize=True)
    second = export_one(branch_db, "2025-Q2", tmp_path / "b", None, now=T2, anonymize=True)
    named = service.scores(branch_db, BRANCH, "2025-Q1")["member"].tolist()
    codes = table_of(first, "member_scores")["member"].tolist()
    assert len(set(codes)) == len(codes) == len(named)
    assert all(c.startswith(anonymize.CODE_PREFIX) for c in codes)
    # the same members, the same codes, in another export
    assert set(codes) == set(table_of(second, "member_scores")["member"])
    assert set(table_of(second, "star_moves")["member"]) <= set(codes)
    for name in named:
        digest = hashlib.sha256(name.encode()).hexdigest().upper()
        assert not any(code.removeprefix(anonymize.CODE_PREFIX) in digest for code in codes)
    # no name anywhere: not in the tables, the manifest, or the report
    assert manifest_of(first)["anonymized"] is True
    report = openpyxl.load_workbook(first.with_suffix(".xlsx"))
    cells = {str(c.value) for s in report.worksheets for row in s.iter_rows() for c in row if c.value is not None}
    assert not set(named) & cells
    for table in ("member_scores", "star_moves"):
        assert not set(named) & set(table_of(first, table)["member"])


def test_the_secret_lives_in_the_branch_database_and_codes_need_it(branch_db):
    with branch_db.connect() as con:
        (secret,) = con.execute("SELECT secret FROM branch_secrets").fetchone()
    assert len(secret) == 32
    assert anonymize.member_code(secret, 1) != anonymize.member_code(b"another branch's secret", 1)


def test_a_period_without_data_is_not_exported(branch_db, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["snapshot", "export", "--db", str(branch_db.path), "--branch", BRANCH, "--period", "2024-Q1"]
    assert main([*argv, "--out", str(out)]) == 1
    assert "2024-Q1：数据库中没有这一期的任何数据，未导出" in capsys.readouterr().err
    assert not out.exists() or not list(out.iterdir())


@pytest.mark.parametrize(
    "extra,code,message",
    [
        (["--period", "2025-Q1", "--period", "2025-Q2", "--out", "{tmp}/x.zip"], 2, "应为文件夹"),
        (["--period", "2025-13", "--out", "{tmp}/x.zip"], 2, "无法识别的统计期"),
        (["--period", "2025-Q1", "--out", "{tmp}/x.zip", "--key", "{tmp}/none.key"], 2, "无法读取私钥文件"),
        (["--period", "2025-Q1", "--out", "{tmp}/x.zip", "--branch", "没有的支部"], 1, "没有党支部"),
    ],
)
def test_export_refusals(branch_db, tmp_path, capsys, extra, code, message):
    argv = ["snapshot", "export", "--db", str(branch_db.path), "--branch", BRANCH]
    assert main([*argv, *(a.format(tmp=tmp_path) for a in extra)]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.zip").exists()


def test_a_public_key_is_not_a_signing_key(branch_db, key_file, tmp_path, capsys):
    public = key_file.with_name(key_file.name + ".pub")
    argv = ["snapshot", "export", "--db", str(branch_db.path), "--branch", BRANCH, "--period", "2025-Q1"]
    assert main([*argv, "--out", str(tmp_path / "x.zip"), "--key", str(public)]) == 2
    assert "不是可用的私钥文件" in capsys.readouterr().err


def test_export_reads_no_missing_database(tmp_path, capsys):
    argv = ["snapshot", "export", "--db", str(tmp_path / "none.duckdb"), "--branch", BRANCH, "--period", "2025"]
    assert main([*argv, "--out", str(tmp_path / "o")]) == 1
    assert "数据库文件不存在" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def test_an_export_without_a_school_warns_and_says_so_in_the_manifest(demo_db, tmp_path, capsys):
    from tests.etl.snapshot.conftest import copy_db

    db: Database = copy_db(demo_db, tmp_path, "no-school.duckdb")
    argv = ["snapshot", "export", "--db", str(db.path), "--branch", BRANCH, "--period", "2025-03"]
    assert main([*argv, "--out", str(tmp_path / "m.zip")]) == 0
    assert "还没有设置学校" in capsys.readouterr().err
    assert manifest_of(tmp_path / "m.zip")["school"] is None


def test_build_one_makes_a_snapshot_in_memory_for_a_page_to_offer(branch_db, key_file):
    """What a 导出快照 button downloads: the same zip and report, nothing written to files."""
    from etl.scoring.period import parse
    from etl.snapshot import export

    built = export.build_one(branch_db, BRANCH, parse("2025-Q3"), key_path=key_file)
    snapshot = verify.verify_bytes(built.zip_bytes, "x.zip")
    assert snapshot.signed and snapshot.manifest.period.label == "2025-Q3" and built.fingerprint == snapshot.fingerprint
    assert openpyxl.load_workbook(io.BytesIO(built.report_bytes)).sheetnames[0] == "说明"
    assert export.build_one(branch_db, BRANCH, parse("2024-Q3")) is None
