"""The work plan in a snapshot (format 2): export → verify → import carries the branch's checklist on
the period's end, without a member's name; the district's plan completion is the same whether it is
read from snapshots or computed from the branch's raw rows; and a format-1 file, written by the code
before the plan existed, still verifies and imports.

format1/format1_2025-Q1.zip was exported by etl/snapshot as it stood at the commit that added
migration 009 (format 1), from the demo branch with its school set, signed by format1/format1.key.pub
(its private key was not kept)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl import branches
from etl.cli import main
from etl.db import Database
from etl.plan import status
from etl.plan.checklist import checklist
from etl.scope import SECRETARY, Scope
from etl.scoring.period import parse
from etl.snapshot import archive, district, keys, manifest, plan, trust, verify
from tests.etl.snapshot.conftest import BRANCH, SCHOOL, copy_db, export_one

FORMAT1 = Path(__file__).parent / "format1"
FORMAT1_ZIP = FORMAT1 / "format1_2025-Q1.zip"
PERIODS = ["2025-03", "2025-Q3", "2025"]


def plan_table(path: Path) -> pd.DataFrame:
    with zipfile.ZipFile(path) as zf:
        return pq.read_table(io.BytesIO(zf.read("plan_items.parquet"))).to_pandas()


def stored_plan(db: Database) -> pd.DataFrame:
    with db.connect() as con:
        return con.execute("SELECT * FROM snapshot_plan_items ORDER BY import_id, seq").df()


def parquet_of(path: Path) -> pa.Table:
    with zipfile.ZipFile(path) as zf:
        return pq.read_table(io.BytesIO(zf.read("plan_items.parquet")))


def checklist_on(db: Database, as_of: dt.date):
    with db.connect() as con:
        return checklist(con, BRANCH, 2025, as_of=as_of)


def district_of(folder: Path, public_key: Path) -> Database:
    db = Database(folder / "district.duckdb")
    branches.add(db, BRANCH, SCHOOL)
    trust.trust(db, BRANCH, public_key, None, "区教育局")
    return db


# -- export → verify → import ----------------------------------------------------------------------
def test_the_snapshot_carries_the_checklist_on_the_period_end(branch_db, signed_q1):
    """As the period closed: the day after its end, the day the 工作计划 page and the brief use."""
    on_the_end = checklist_on(branch_db, dt.date(2025, 4, 1))
    table = plan_table(signed_q1)
    assert list(table.columns) == plan.SCHEMA.names
    assert set(table["as_of"]) == {dt.date(2025, 4, 1)}
    items = on_the_end.items
    assert table["key"].tolist() == items["key"].tolist()  # every item, in the plan's order
    for column in ("name", "per", "status", "measure", "progress", "due", "evidence_count", "missing_count"):
        assert table[column].tolist() == items[column].tolist(), column
    judged = items["required"].notna()
    assert table["done"][judged].astype(int).tolist() == items["done"][judged].astype(int).tolist()
    assert table["done"][~judged].isna().all()  # 学习强国: shown, never judged
    # each item's units: all of the year, those due by then and those of them met, those overdue
    units = on_the_end.units
    for row in table.itertuples():
        mine = units[units["key"] == row.key]
        due = mine[mine["due"] <= dt.date(2025, 4, 1)]
        assert (row.units, row.units_due) == (len(mine), len(due)), row.key
        assert row.units_due_met == (due["status"] == status.DONE).sum(), row.key
        assert row.units_overdue == (mine["status"] == status.OVERDUE).sum(), row.key


def test_no_member_is_named_in_the_plan_table_only_counted(branch_db, signed_q1):
    missing = checklist_on(branch_db, dt.date(2025, 4, 1)).missing
    assert len(missing) > 0  # the demo has members still to talk to and to sign
    table = plan_table(signed_q1)
    assert table.set_index("key")["missing_count"].sum() == len(missing)
    text = table.astype(str).to_csv()
    report = openpyxl.load_workbook(signed_q1.with_suffix(".xlsx"))["工作计划"]
    cells = " ".join(str(c.value) for row in report.iter_rows() for c in row)
    for name in set(missing["name"]):
        assert name not in text and name not in cells


def test_the_report_has_a_work_plan_sheet_in_chinese(signed_q1):
    book = openpyxl.load_workbook(signed_q1.with_suffix(".xlsx"))
    sheet = book["工作计划"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["截至", "事项键", "事项", "频次", "状态", "完成"]
    assert {"到期", "缺少人数", "已到期单元", "其中已完成", "逾期单元"} <= set(header)
    statuses = {row[header.index("状态")].value for row in sheet.iter_rows(min_row=2)}
    assert statuses <= set(status.STATUSES) and status.SHOWN in statuses
    frequencies = {row[header.index("频次")].value for row in sheet.iter_rows(min_row=2)}
    assert "每位党员" in frequencies and "member" not in frequencies
    about = {r[0].value: r[1].value for r in book["说明"].iter_rows(min_row=2)}
    assert about["快照格式版本"] == 2 and about["工作计划文件"] == "plan.toml"
    assert about["工作计划截至"] == "2025-04-01" and about["工作计划（行数）"] == sheet.max_row - 1


def test_import_stores_the_checklist_as_exported(signed_q1, district):
    assert main(["snapshot", "import", "--db", str(district.path), str(signed_q1)]) == 0
    with district.connect() as con:
        query = f"SELECT {', '.join(plan.SCHEMA.names)} FROM snapshot_plan_items ORDER BY seq"
        stored = con.sql(query).to_arrow_table()
    assert stored.cast(plan.SCHEMA).equals(parquet_of(signed_q1))  # every value, nulls and order too


def test_verify_names_the_plan_table(capsys, signed_q1):
    assert main(["snapshot", "verify", str(signed_q1)]) == 0
    out = capsys.readouterr().out
    rows = len(plan_table(signed_q1))
    assert f"plan_items {rows} 行" in out
    assert f"工作计划（plan_items）：{rows} 个事项，状态截至 2025-04-01" in out


def test_a_period_not_yet_over_carries_the_plan_of_the_export_day(branch_db, tmp_path):
    exported_on = dt.datetime(2025, 8, 1, 10, 0, tzinfo=manifest.SHANGHAI)
    path = export_one(branch_db, "2025", tmp_path, None, now=exported_on)
    table = plan_table(path)
    on_the_day = checklist_on(branch_db, dt.date(2025, 8, 1)).items
    assert set(table["as_of"]) == {dt.date(2025, 8, 1)}
    assert table["status"].tolist() == on_the_day["status"].tolist()
    assert verify.verify_file(path).manifest.plan["as_of"] == "2025-08-01"


def test_an_anonymised_snapshot_carries_the_same_plan(branch_db, signed_q1, tmp_path):
    coded = export_one(branch_db, "2025-Q1", tmp_path, None, anonymize=True)
    pd.testing.assert_frame_equal(plan_table(coded), plan_table(signed_q1))


def test_a_format_2_file_relabelled_as_format_1_is_refused(tmp_path, capsys, key_file, signed_q1):
    data = signed_q1.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        items = {name: zf.read(name) for name in zf.namelist()}
    doc = json.loads(items["manifest.json"])
    doc["format_version"] = 1
    items["manifest.json"] = json.dumps(doc, ensure_ascii=False).encode()
    items["manifest.sig"] = keys.sign(items["manifest.json"], keys.load_private(key_file))  # signed anew
    relabelled = tmp_path / "relabelled.zip"
    created = dt.datetime.fromisoformat(doc["created_at"]).astimezone(manifest.SHANGHAI)
    relabelled.write_bytes(archive.pack(list(items.items()), created))
    assert main(["snapshot", "verify", str(relabelled)]) == 1
    assert "不符合快照格式 1" in capsys.readouterr().err


# -- the district's plan completion: snapshots or raw rows, the same numbers -----------------------
@pytest.fixture(scope="module")
def fed_by_snapshots(branch_db, key_file, tmp_path_factory) -> Database:
    folder = tmp_path_factory.mktemp("plan-snapshots")
    argv = ["snapshot", "export", "--db", str(branch_db.path), "--branch", BRANCH, "--key", str(key_file)]
    assert main([*argv, *(x for p in PERIODS for x in ("--period", p)), "--out", str(folder)]) == 0
    db = district_of(folder, key_file.with_name(key_file.name + ".pub"))
    files = [str(folder / f"{BRANCH}_{p}.zip") for p in PERIODS]
    assert main(["snapshot", "import", "--db", str(db.path), *files]) == 0
    with db.connect() as con:
        assert con.execute("SELECT count(*) FROM loads").fetchone()[0] == 0  # no raw rows at all
    return db


@pytest.mark.parametrize("period", PERIODS)
def test_plan_completion_from_snapshots_equals_plan_completion_from_raw_rows(branch_db, fed_by_snapshots, period):
    with fed_by_snapshots.connect() as con:
        frozen = district.plan_rows(con, parse(period), scope=SECRETARY)
    with branch_db.connect() as con:
        raw = district.plan_rows(con, parse(period), scope=SECRETARY)
    assert frozen["plan_source"].tolist() == ["snapshot"] and raw["plan_source"].tolist() == ["raw"]
    assert list(frozen.columns) == district.PLAN_ROW_COLUMNS
    pd.testing.assert_frame_equal(frozen.drop(columns="plan_source"), raw.drop(columns="plan_source"))
    row = frozen.iloc[0]
    items = checklist_on(branch_db, parse(period).end + dt.timedelta(days=1)).items
    assert row["plan_as_of"] == parse(period).end + dt.timedelta(days=1)
    assert row["plan_overdue"] == (items["status"] == status.OVERDUE).sum()
    assert 0 < row["plan_done"] <= row["plan_due"] < len(items)
    assert row["plan_rate"] == row["plan_done"] / row["plan_due"]


def test_what_counts_as_due_and_done(fed_by_snapshots):
    """As Q3 closed (2025-10-01), item by item, from the stored rows: the demo never visited at 七一, held every
    支委会, visited at 春节, and 民主评议 of 2025 is due only in March 2026."""
    stored = stored_plan(fed_by_snapshots)
    with fed_by_snapshots.connect() as con:
        q3 = con.execute("SELECT import_id FROM snapshot_imports WHERE period = '2025-Q3'").fetchone()[0]
    items = stored[stored["import_id"] == q3].assign(branch_id=1)

    def one(key: str) -> dict:
        counted = plan.completion(items[items["key"] == key])
        return counted.iloc[0].to_dict() if len(counted) else {}

    assert one("七一走访") == {"plan_done": 0, "plan_due": 1, "plan_overdue": 1, "plan_rate": 0.0}
    assert one("春节走访")["plan_done"] == one("春节走访")["plan_due"] == 1
    assert one("三会一课·支委会")["plan_done"] == 1  # every month due by then held: on track, counted done
    assert one("民主评议")["plan_due"] == 0  # not due before 2026-03-31, not done either
    assert one("学习强国") == {}  # shown, never judged


def test_a_branch_with_neither_has_an_empty_row_and_scopes_are_kept(fed_by_snapshots):
    with fed_by_snapshots.connect() as con:
        (row,) = district.plan_rows(con, parse("2024"), scope=SECRETARY).to_dict(orient="records")
        outside = district.plan_rows(con, parse("2025"), scope=Scope(branches=frozenset({"别的支部"})))
    assert row["branch"] == BRANCH and row["plan_source"] is None and pd.isna(row["plan_done"])
    assert outside.empty


# -- a format-1 snapshot ---------------------------------------------------------------------------
def test_a_format_1_file_still_verifies(capsys):
    assert main(["snapshot", "verify", str(FORMAT1_ZIP)]) == 0
    out = capsys.readouterr().out
    verdict, tables = out.splitlines()[:2]
    signer = keys.fingerprint(keys.load_public(FORMAT1 / "format1.key.pub"))
    assert verdict.endswith(f"完整，由 {BRANCH}（密钥 {signer}）签名")
    assert "member_scores 30 行" in tables and "plan_items" not in tables
    assert "快照格式 1：不含工作计划" in out


def test_a_format_1_file_still_imports_and_answers_etl_scores(tmp_path, capsys):
    db = district_of(tmp_path, FORMAT1 / "format1.key.pub")
    assert main(["snapshot", "import", "--db", str(db.path), str(FORMAT1_ZIP)]) == 0
    assert "已导入为快照 #1" in capsys.readouterr().out
    with db.connect() as con:
        assert con.execute("SELECT format_version FROM snapshot_imports").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM snapshot_member_scores").fetchone()[0] == 30
    assert stored_plan(db).empty
    argv = ["scores", "--db", str(db.path), "--branch", BRANCH, "--period", "2025-Q1", "--level", "branch"]
    assert main(argv) == 0
    assert "来自导入的快照 #1" in capsys.readouterr().out
    frozen = verify.verify_file(FORMAT1_ZIP).tables["branch_score"].to_pylist()[0]
    answer = district.scores(db, BRANCH, "2025-Q1", "branch").iloc[0]
    assert (answer["index"], answer["stars"]) == (frozen["index"], frozen["stars"])
    with db.connect() as con:  # a format-1 snapshot says nothing of the plan
        (row,) = district.plan_rows(con, parse("2025-Q1"), scope=SECRETARY).to_dict(orient="records")
    assert row["plan_source"] is None and pd.isna(row["plan_due"])


def test_beside_raw_rows_a_format_1_snapshot_leaves_the_plan_to_them(branch_db, tmp_path):
    db = copy_db(branch_db, tmp_path, "both.duckdb")
    trust.trust(db, BRANCH, FORMAT1 / "format1.key.pub", None, "区教育局")
    assert main(["snapshot", "import", "--db", str(db.path), str(FORMAT1_ZIP)]) == 0
    with db.connect() as con:
        (row,) = district.plan_rows(con, parse("2025-Q1"), scope=SECRETARY).to_dict(orient="records")
        scores = district.branch_rows(con, parse("2025-Q1"), scope=SECRETARY)
    assert scores["source"].tolist() == ["snapshot"]  # the scores are the frozen ones
    assert row["plan_source"] == "raw" and row["plan_due"] > 0  # the plan, from the raw rows
