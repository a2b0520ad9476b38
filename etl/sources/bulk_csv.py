"""The bulk path for a large CSV: pyarrow's C++ reader instead of a Python list per record.

A district's 学习强国 export is 20,000+ lines per school. The exact path (the ``csv`` module, a list
of cells per record, then a DataFrame) spends most of a load there. This path gives the same cells at
the same rows, so the report's rows and columns do not change:

- It is taken only when the text has no quote character: then one line is one record, and pyarrow's
  physical line numbers are the record numbers Excel shows. A file with quotes takes the exact path.
- Blank lines stay rows (``ignore_empty_lines=False``); empty cells stay "" (never null).
- A record whose cell count differs from the sheet's usual width (a 合计 row, a title above the
  header) is set aside by ``invalid_row_handler`` and parsed by the ``csv`` module where it stands.
- The first rows, where the header is looked for, are parsed by the ``csv`` module exactly as the
  exact path parses them; a layout that needs the whole grid (a 签到汇总表) gets it the exact way too.

Measured against the exact path in bench/results.md; tests/etl/sources/test_bulk_csv.py proves both
paths give the same records and the same report.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from itertools import islice

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

BULK_MIN_LINES = 20_000  # below this the exact path costs little
HEAD_ROWS = 31  # table.HEADER_SCAN_ROWS, the rows a header is looked for in, and the row below (two-row headers)


def applies(text: str, lines: int) -> bool:
    """Large, no quotes, and no line longer than the csv module's cell limit (the exact path refuses
    such a file with its reason; the bulk path must not accept what it refuses)."""
    if lines < BULK_MIN_LINES or '"' in text:
        return False
    return max(map(len, text.splitlines()), default=0) <= csv.field_size_limit()


def exact_rows(text: str, delimiter: str, limit: int | None = None) -> list[list[str]]:
    """Records as the exact path reads them (the csv module), the first ``limit`` or all."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return list(islice(reader, limit) if limit is not None else reader)


def rows_frame(rows: list[list], index=None) -> pd.DataFrame:
    """Rows of cells as an object frame; a short row (a CSV record with fewer cells) padded with None."""
    width = max(map(len, rows), default=0)
    if any(len(row) != width for row in rows):
        rows = [row + [None] * (width - len(row)) for row in rows]
    return pd.DataFrame(rows, index=index, dtype=object)


def usual_width(head: list[list[str]]) -> int:
    """The commonest cell count among the first non-blank records: a data row's width."""
    widths = Counter(len(row) for row in head if row)
    return widths.most_common(1)[0][0] if widths else 1


def read_frame(text: str, delimiter: str, width: int, unquote) -> pd.DataFrame:
    """Every record as a row of text cells (column i = the record's i-th cell, row r = record r + 1),
    object dtype like ``pd.DataFrame(grid, dtype=object)`` of the exact path's grid."""
    names = [str(i) for i in range(width)]
    odd: dict[int, list[str]] = {}

    def set_aside(row) -> str:
        cells = exact_rows(row.text, delimiter)[0] if row.text else []
        odd[row.number] = [unquote(c) if c.startswith("'") else c for c in cells]
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(text.encode("utf-8")),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=False),  # one thread: line numbers
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char=False,
            ignore_empty_lines=False,
            invalid_row_handler=set_aside,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )
    columns = {}
    for i in range(width):
        column = table.column(i)
        if pc.any(pc.starts_with(column, "'")).as_py():  # what the tool's own writer neutralised ('=…)
            column = pa.array([unquote(cell) for cell in column.to_pylist()], pa.string())
        columns[i] = column.to_numpy(zero_copy_only=False).astype(object)
    frame = pd.DataFrame(columns, dtype=object)
    if odd:
        lines = np.arange(1, table.num_rows + len(odd) + 1)
        frame.index = np.setdiff1d(lines, np.fromiter(odd, dtype=np.int64)) - 1
        extra = rows_frame(list(odd.values()), index=[n - 1 for n in odd])
        frame = pd.concat([frame, extra]).sort_index()
        frame = frame.astype(object).where(frame.notna(), None)
    return frame.reset_index(drop=True)
