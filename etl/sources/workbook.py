"""Reading any spreadsheet into grids of cell values, with nothing of the database.

A grid is a list of rows as Excel shows them: ``grid[0]`` is row 1, ``grid[r][0]`` column A. Merged
cells are filled from python-calamine's merged ranges (a merged 党小组 cell belongs to every row it
spans; ``pandas.read_excel`` would leave all but the first blank).

CSV is decoded strictly as UTF-8 (BOM or not), then as GB18030 (a superset of GBK), and only when
both fail with charset-normalizer: detectors misread short GBK files. We parse CSV with the C ``csv``
module rather than DuckDB's ``read_csv`` because the latter drops blank lines, and a report's row
numbers must be the ones the secretary sees when she opens the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import python_calamine as calamine
from charset_normalizer import from_bytes

from etl import writers
from etl.errors import UnreadableFile
from etl.normalize import invisible_characters_in
from etl.sources import bounds, bulk_csv

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}


@dataclass
class Sheet:
    """A sheet's cells. Normally ``grid`` holds every row. A large CSV read by the bulk path
    (etl.sources.bulk_csv) holds every row in ``frame`` and only the first rows, where the header is
    looked for, in ``grid``; ``exact`` can still give the whole grid the exact way."""

    name: str
    grid: list[list]
    notes: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # headers of personal-data columns blanked on read
    frame: pd.DataFrame | None = None
    exact: Callable[[], list[list]] | None = None
    has_hidden: bool = True  # False when the reader checked the whole text for invisible characters

    @property
    def height(self) -> int:
        return len(self.frame) if self.frame is not None else len(self.grid)

    def row(self, r: int) -> list:
        return self.frame.iloc[r].tolist() if self.frame is not None else self.grid[r]

    def body(self, start: int) -> pd.DataFrame:
        """Rows from ``start`` on as a frame of raw cells, indexed from 0."""
        if self.frame is not None:
            return self.frame.iloc[start:].reset_index(drop=True)
        return bulk_csv.rows_frame(self.grid[start:])

    def use_exact_grid(self) -> None:
        """Every row as a grid, for a layout that reads cell by cell."""
        if self.frame is not None:
            self.grid, self.frame, self.exact = self.exact(), None, None


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column name Excel shows."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a CSV file's bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 (BOM)"
    for encoding, label in (("utf-8", "UTF-8"), ("gb18030", "GB18030/GBK")):
        try:
            return data.decode(encoding), label
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile("无法识别文件的字符编码，请另存为 UTF-8 或 Excel 格式后重试")
    return str(best), best.encoding


def _read_csv(data: bytes, name: str) -> list[Sheet]:
    text, encoding = decode_csv_bytes(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    # Bounded before parsing: rows by line breaks of either kind (a file may use bare CR), cells by
    # delimiters — cheap counts, so a huge CSV never becomes a huge grid.
    lines = max(text.count("\n"), text.count("\r"))
    has_hidden = invisible_characters_in(text)  # one C-speed scan of the whole file
    if lines > bounds.LIMITS.rows:
        raise bounds.refuse("行数", bounds.LIMITS.rows, "行")
    if text.count(delimiter) > bounds.LIMITS.cells:
        raise bounds.refuse("单元格数量", bounds.LIMITS.cells, "个")
    if bulk_csv.applies(text, lines):
        head = bulk_csv.exact_rows(text, delimiter, bulk_csv.HEAD_ROWS)
        head = [[writers.unquote(cell) if cell.startswith("'") else cell for cell in row] for row in head]
        frame = bulk_csv.read_frame(text, delimiter, bulk_csv.usual_width(head), writers.unquote)
        exact = lambda: _csv_grid(text, delimiter)  # noqa: E731
        return [Sheet(Path(name).stem, head, [f"编码：{encoding}"], frame=frame, exact=exact, has_hidden=has_hidden)]
    return [Sheet(Path(name).stem, _csv_grid(text, delimiter), [f"编码：{encoding}"], has_hidden=has_hidden)]


def _csv_grid(text: str, delimiter: str) -> list[list[str]]:
    """The exact path: every record through the csv module."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        grid = list(reader)
    except csv.Error as exc:  # the csv module's own cell limit (131,072 characters; it is process-wide, so left alone)
        if "field larger than field limit" in str(exc):
            raise bounds.refuse(
                f"第 {reader.line_num} 行有一个单元格过长",
                csv.field_size_limit(),
                "个字符",
                "请检查该行是否缺少引号或分隔符",
            ) from None
        raise UnreadableFile(f"CSV 第 {reader.line_num} 行无法解析：{exc}") from None
    # A cell the tool itself neutralised ('=…, see etl.writers) reads back as it was.
    return [[writers.unquote(cell) if cell.startswith("'") else cell for cell in row] for row in grid]


def _fill_merged(grid: list[list], merged) -> None:
    """Every cell of a merged range takes the value of its top-left cell, within the columns the
    sheet uses (a title merged across a whole row does not widen every row to 16,384 columns)."""
    width = max((len(row) for row in grid), default=0)
    for (r0, c0), (r1, c1) in merged or ():
        if r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        c1 = min(c1, width - 1)
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    row[c] = value


def _read_spreadsheet(data: bytes) -> list[Sheet]:
    """Every worksheet through python-calamine. Any failure inside the reader — whatever its type,
    a Rust panic included — is a refusal with a reason, never a traceback."""
    try:
        return _calamine_sheets(data)
    except UnreadableFile:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        raise UnreadableFile(
            f"无法打开该表格文件（{type(exc).__name__}）：文件可能已损坏、加密，或不是 Excel 文件。"
            "请在 Excel/WPS 中打开后另存为 .xlsx 再上传"
        ) from None


def _calamine_sheets(data: bytes) -> list[Sheet]:
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets, cells = [], 0
    for meta in book.sheets_metadata:
        if str(meta.typ) != "SheetTypeEnum.WorkSheet":
            continue
        sheet = book.get_sheet_by_name(meta.name)
        bounds.check_grid(meta.name, sheet.height, sheet.width)
        cells += sheet.height * sheet.width
        if cells > bounds.LIMITS.cells:
            raise bounds.refuse("全部工作表的表格区域", bounds.LIMITS.cells, "个单元格")
        grid = sheet.to_python(skip_empty_area=False)
        try:
            merged = sheet.merged_cell_ranges
        except Exception:  # not every format records merges; those files have none to fill
            merged = None
        if merged and len(merged) > bounds.LIMITS.merged_ranges:
            raise bounds.refuse("合并单元格区域数量", bounds.LIMITS.merged_ranges, "个")
        _fill_merged(grid, merged)
        sheets.append(Sheet(meta.name, grid))
    return sheets


def _zip_names(data: bytes) -> set[str]:
    try:
        return set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()


def read_sheets(data: bytes, name: str) -> list[Sheet]:
    """Every worksheet of a file (a CSV is one sheet named after the file), within bounds.LIMITS."""
    if not data:
        raise UnreadableFile("文件是空的（0 字节）")
    bounds.check_size(data)
    suffix = Path(name).suffix.lower()
    is_zip, is_ole = data[:4] == b"PK\x03\x04", data[:4] == b"\xd0\xcf\x11\xe0"
    if suffix in SPREADSHEET_SUFFIXES or is_zip or is_ole:
        parts = _zip_names(data) if is_zip else set()
        if "xl/workbook.xml" in parts and not any(p.endswith(".bin") and p.startswith("xl/worksheets/") for p in parts):
            bounds.check_xlsx(data)  # .xlsx / .xlsm: scanned here, read in this process
            return _read_spreadsheet(data)
        # .xls (no XML to scan), .ods (repeat attributes), .xlsb and anything else: a child process
        return [Sheet(sheet_name, grid) for sheet_name, grid in bounds.read_in_child(data)]
    if suffix in CSV_SUFFIXES or not suffix:
        return _read_csv(data, name)
    raise UnreadableFile(f"不支持的文件类型“{suffix}”：请上传 .xlsx、.xls、.ods 或 .csv 文件")


def read_grids(data: bytes) -> list[tuple[str, list[list]]]:
    """What the child reader (etl.sources.child_reader) sends back: (sheet name, grid) pairs."""
    return [(sheet.name, sheet.grid) for sheet in _read_spreadsheet(data)]
