"""The one home for writing spreadsheets: every xlsx and CSV the tool writes — downloads, reports,
templates, the demo's files, `etl scores --format csv` — goes through here (xlsx with xlsxwriter).

Safe by construction: xlsxwriter's conversions of strings to formulas, URLs and numbers are off, so a
cell holding ``=HYPERLINK(...)`` stays text; a text cell that Excel would still read as a formula
when edited (beginning with = + - @, a tab or a carriage return) gets the quote-prefix style, which
keeps the value itself unchanged. Numbers stay numbers, dates are dates. In CSV, which has no
styles, such a text value gets a leading ``'`` (never a number: ``-3.00`` stays ``-3.00``); the
readers drop that quote again, so a file the tool wrote loads back unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter

RISKY_START = ("=", "+", "-", "@", "\t", "\r")
OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, "in_memory": True}


@dataclass
class Sheet:
    """One worksheet: rows of cell values, merged ranges (A1 notation; the range shows the value of
    its top-left cell), the 0-based index of the header row to style, and column widths."""

    name: str
    rows: Sequence[Sequence]
    merges: Sequence[str] = ()
    header_row: int | None = None
    widths: Sequence[float] | None = None
    notes: dict[str, str] = field(default_factory=dict)
    column_formats: dict[int, str] = field(default_factory=dict)  # column index → Excel number format


def is_risky_text(value) -> bool:
    return isinstance(value, str) and value.startswith(RISKY_START)


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.text_safe = book.add_format({"quote_prefix": True})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.header = book.add_format(
            {"bold": True, "bg_color": "#F4D6D6", "border": 1, "text_wrap": True, "valign": "vcenter"}
        )


def _write_cell(sheet, fmt: _Formats, row: int, col: int, value, style=None) -> None:
    if value is None or value is pd.NaT or (isinstance(value, float) and not math.isfinite(value)):
        if style is not None:
            sheet.write_blank(row, col, None, style)
        return
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, style)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, style)
    elif hasattr(value, "item") and not isinstance(value, str):  # a numpy scalar
        _write_cell(sheet, fmt, row, col, value.item(), style)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value, style or (fmt.date if value.time() == dt.time() else fmt.datetime))
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), style or fmt.date)
    else:
        text = str(value)
        sheet.write_string(row, col, text, style or (fmt.text_safe if is_risky_text(text) else None))


def _cells(cell_range: str) -> tuple[int, int, int, int]:
    first, _, last = cell_range.partition(":")
    r1, c1 = xlsxwriter.utility.xl_cell_to_rowcol(first)
    r2, c2 = xlsxwriter.utility.xl_cell_to_rowcol(last or first)
    return r1, c1, r2, c2


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """An .xlsx file holding the sheets."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, OPTIONS)
    fmt = _Formats(book)
    for spec in sheets:
        sheet = book.add_worksheet(_sheet_name(spec.name))
        numbers = {c: book.add_format({"num_format": f}) for c, f in spec.column_formats.items()}
        for r, row in enumerate(spec.rows):
            header = r == spec.header_row
            for c, value in enumerate(row):
                style = fmt.header if header else numbers.get(c) if isinstance(value, (int, float)) else None
                _write_cell(sheet, fmt, r, c, value, style)
        for cell_range in spec.merges:
            r1, c1, r2, c2 = _cells(cell_range)
            row = spec.rows[r1] if r1 < len(spec.rows) else []
            value = row[c1] if c1 < len(row) else None
            sheet.merge_range(r1, c1, r2, c2, None)
            _write_cell(sheet, fmt, r1, c1, value, fmt.header if r1 == spec.header_row else None)
        for c, width in enumerate(spec.widths or ()):
            sheet.set_column(c, c, width)
        for cell, text in spec.notes.items():
            sheet.write_comment(cell, text)
    book.close()
    return buffer.getvalue()


def write(path: str | Path, sheets: Iterable[Sheet]) -> Path:
    path = Path(path)
    path.write_bytes(workbook(sheets))
    return path


def frame_rows(frame: pd.DataFrame) -> list[list]:
    """The frame as rows: its header, then its values (missing values as blanks)."""
    values = frame.astype(object).where(frame.notna(), None).values.tolist()
    return [list(map(str, frame.columns)), *values]


def frames_workbook(frames: dict[str, pd.DataFrame], formats: dict[str, dict[str, str]] | None = None) -> bytes:
    """One sheet per frame, its header row styled and its columns sized to fit; ``formats`` gives a
    sheet's columns (by header) an Excel number format such as '0.0%' or '0.00'."""
    formats = formats or {}
    return workbook(
        Sheet(
            name,
            frame_rows(frame),
            header_row=0,
            widths=_widths(frame),
            column_formats={
                i: fmt for i, col in enumerate(frame.columns) if (fmt := formats.get(name, {}).get(str(col)))
            },
        )
        for name, frame in frames.items()
    )


def _widths(frame: pd.DataFrame) -> list[float]:
    # CJK characters are about two columns wide; cap so a long note does not make a huge column.
    def width(text: str) -> float:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    return [
        min(50, max(8, width(str(col)) + 2, *(width(str(v)) + 2 for v in frame[col].head(200).tolist())))
        for col in frame.columns
    ]


def _sheet_name(name: str) -> str:
    # Excel's rules: at most 31 characters, none of []:*?/\
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name)).strip("'") or "Sheet"
    return cleaned[:31]


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def neutral(value):
    """A CSV cell that no spreadsheet will run as a formula."""
    if is_risky_text(value) and not _is_number(value):
        return "'" + value
    return value


def rows_csv_text(rows, lineterminator: str = "\n") -> str:
    """Rows of cells as CSV text, formula-like text neutralised (the demo's files, say)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([neutral(value) for value in row])
    return out.getvalue()


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV text (header, then rows, "\\n" line ends), formula-like text neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutral)
    return safe.to_csv(index=False, lineterminator="\n")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for people: UTF-8 with a BOM, so Excel opens the Chinese headers as UTF-8."""
    return csv_text(frame).encode("utf-8-sig")


def unquote(cell: str) -> str:
    """What :func:`neutral` wrote, read back: ``'=x`` → ``=x``."""
    return cell[1:] if cell.startswith("'") and is_risky_text(cell[1:]) else cell
