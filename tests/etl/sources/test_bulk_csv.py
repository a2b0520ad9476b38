"""A large CSV is read by pyarrow (etl.sources.bulk_csv) instead of a Python list per record. It must
give exactly what the exact path gives: the same records, the same report, the same Excel rows."""

from __future__ import annotations

import pandas as pd
import pytest

from etl import pipeline
from etl.sources import bulk_csv
from tests import filebuilders as fb
from tests.conftest import load_path

STUDY = [
    ["学习强国积分明细（2025年）"],  # a title above the header: fewer cells than a data row
    ["姓名", "身份证号", "日期", "当日积分"],
    ["张三", "110101199001011234", "2025-03-01", "30"],
    ["李四", "110101199001015678", "2025/3/1", "12"],
    [],  # a blank line
    ["王\u200b五", "", "2025.3.1", "25"],  # a hidden character
    ["赵六", "", "2025-03-02", "'=1+1"],  # the tool's own neutralised text
    ["钱七", "", "2025-03-02", "8"],  # not on the roster
    ["张三", "", "2025-13-40", "5"],  # an impossible date
    ["李四", "", "2025-03-03", "12", "多出的一格"],  # a longer record
    ["合计", "4人"],  # a shorter one, a total row
]


def _read(path, bulk: bool, monkeypatch):
    monkeypatch.setattr(bulk_csv, "BULK_MIN_LINES", 0 if bulk else 10**9)
    return pipeline.read_file(path.read_bytes(), path.name)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_bulk_path_reads_the_same_records_and_reports_the_same_issues(
    tmp_path, db, loaded_roster, monkeypatch, encoding
):
    path = fb.csv_file(tmp_path / "积分.csv", STUDY, encoding)
    exact, bulk = _read(path, False, monkeypatch), _read(path, True, monkeypatch)
    assert [s.records.shape for s in bulk.sheets] == [(7, 4)]  # rows 3–11 but the blank row and 合计
    pd.testing.assert_frame_equal(bulk.sheets[0].records, exact.sheets[0].records)
    assert bulk.report.notes == exact.report.notes
    assert any("身份证号" in note for note in bulk.report.notes)
    assert any("U+200B" in note for note in bulk.report.notes)

    checked = {
        name: pipeline.validate(db, "实验学校党支部", parsed) for name, parsed in (("exact", exact), ("bulk", bulk))
    }
    assert checked["bulk"].report.issues == checked["exact"].report.issues
    pd.testing.assert_frame_equal(checked["bulk"].frames["study_daily"], checked["exact"].frames["study_daily"])
    issues = {(i.row, i.column) for i in checked["bulk"].report.issues}
    assert {
        (7, "D（当日积分）"),
        (8, "A（姓名）"),
        (9, "C（日期）"),
    } <= issues  # =1+1; 钱七 not on the roster; 2025-13-40
    assert "=1+1" not in set(checked["bulk"].frames["study_daily"]["points"].astype(str))


def test_bulk_path_blanks_personal_data_before_anything_reads_it(tmp_path, monkeypatch):
    path = fb.csv_file(tmp_path / "积分.csv", STUDY)
    sheet = _read(path, True, monkeypatch)
    assert sheet.dropped_columns == ["身份证号"]
    assert "110101199001011234" not in sheet.sheets[0].records.to_string()


def test_a_csv_with_quotes_takes_the_exact_path(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_csv, "BULK_MIN_LINES", 0)
    text = '姓名,日期,当日积分\n"张三",2025-03-01,30\n'
    assert not bulk_csv.applies(text, 2)
    assert bulk_csv.applies(text.replace('"', ""), 2)


def test_a_layout_read_cell_by_cell_gets_the_exact_grid(tmp_path, db, loaded_roster, monkeypatch):
    """A 签到汇总表 saved as CSV (a column per activity) is read by the wide layout, which reads the
    grid cell by cell: the bulk path hands it the exact grid, so the records are the same."""
    rows = [
        ["姓名", "3月15日 主题党日", "3月22日 党小组会"],
        ["张三", "√", "√"],
        ["李四", "×", "假"],
        ["王五", "迟", "√"],
    ]
    path = fb.csv_file(tmp_path / "2025年3月签到.csv", rows)
    exact, bulk = _read(path, False, monkeypatch), _read(path, True, monkeypatch)
    assert bulk.kind == exact.kind == "attendance"
    pd.testing.assert_frame_equal(bulk.sheets[0].records, exact.sheets[0].records)


def test_the_district_demo_loads_the_same_rows_by_either_path(tmp_path, monkeypatch):
    """One district branch's files loaded twice, into two databases: the loaded rows are equal."""
    from etl import demo_district
    from etl.db import Database
    from tests.conftest import table_contents

    branch = demo_district.make_branch(0, demo_district.branch_names(1)[0], 12)
    files = demo_district.write_branch(tmp_path / "files", branch)
    contents = {}
    for name, threshold in (("exact", 10**9), ("bulk", 0)):
        monkeypatch.setattr(bulk_csv, "BULK_MIN_LINES", threshold)
        db = Database(tmp_path / f"{name}.duckdb")
        db.init()
        for path in files:
            prepared, result = load_path(db, path, branch=branch.name)
            assert result is not None, prepared.report.text()
        contents[name] = {
            t: rows for t, rows in table_contents(db).items() if t not in ("loads", "branches", "schema_version")
        }
    assert contents["bulk"] == contents["exact"]
    assert len(contents["bulk"]["study_daily"]) == 12 * 365


def test_a_header_on_the_last_row_looked_at_reads_the_same(tmp_path, monkeypatch):
    """29 lines of notes, then the header on row 30: the bulk path looks at the same rows."""
    rows = [[f"说明第{i}行"] for i in range(29)] + [["姓名", "日期", "当日积分"]] + [["张三", "2025-03-01", "5"]] * 3
    path = fb.csv_file(tmp_path / "积分.csv", rows)
    exact, bulk = _read(path, False, monkeypatch), _read(path, True, monkeypatch)
    assert bulk.kind == exact.kind == "study"
    pd.testing.assert_frame_equal(bulk.sheets[0].records, exact.sheets[0].records)


def test_a_row_missing_its_last_cells_is_reported_by_either_path(tmp_path, db, loaded_roster, monkeypatch):
    rows = [["姓名", "日期", "当日积分"], ["张三", "2025-03-01"], ["李四", "2025-03-01", "8"]]
    path = fb.csv_file(tmp_path / "积分.csv", rows)
    for bulk in (False, True):
        prepared = pipeline.validate(db, "实验学校党支部", _read(path, bulk, monkeypatch))
        assert [(i.row, i.reason) for i in prepared.report.issues] == [(2, "积分为空")], bulk


def test_a_cell_too_long_for_the_csv_module_is_refused_not_accepted(tmp_path, monkeypatch):
    import csv

    rows = [["姓名", "日期", "当日积分"], ["张三", "2025-03-01", "x" * (csv.field_size_limit() + 10)]]
    path = fb.csv_file(tmp_path / "积分.csv", rows)
    for bulk in (False, True):
        parsed = _read(path, bulk, monkeypatch)
        assert parsed.kind is None and "单元格过长" in parsed.report.text(), bulk
