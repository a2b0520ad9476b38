"""Finding the header row of a messy sheet and cutting the table beneath it into records.

Secretaries put title rows above the header, blank rows and a 合计 row inside, synonyms in the
header and spaces in names. Here a header is the row (among the first 30) whose cells match the
most known field names; the table is every non-blank row below it up to the end, less 合计/总计
rows. Records keep ``src_row``, the row number Excel shows, so every issue can point at its cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from etl.normalize import compact, header_key, per_distinct, text
from etl.sources.workbook import Sheet, column_letter

HEADER_SCAN_ROWS = 30
TOTAL_WORDS = ("合计", "总计", "小计", "总数")
PERSONAL = re.compile(r"身份证|证件号|手机|电话|联系方式")
# What was said in a 谈心谈话 is never stored (谈话内容, 谈话记录, 谈心情况 …; not 谈话记录人, a person).
CONVERSATION = re.compile(r"(谈话|谈心|交谈)(主要)?(内容|记录(?!人)|要点|情况|纪要|摘要|提纲)")
SENSITIVE = re.compile(f"{PERSONAL.pattern}|{CONVERSATION.pattern}")


@dataclass
class Table:
    """A recognised table: which row is the header and what each column means."""

    kind: str
    layout: str
    header_first: int  # 0-based index of the (first) header row
    header_last: int  # 0-based index of the last header row; data starts below
    columns: dict[int, str]  # column index → canonical field
    headers: dict[int, str] = field(default_factory=dict)  # column index → header text as written
    extra: dict = field(default_factory=dict)

    def column_label(self, canonical: str) -> str | None:
        for idx, name in self.columns.items():
            if name == canonical:
                return f"{column_letter(idx)}（{self.headers.get(idx, canonical)}）"
        return None


def match_columns(cells: list, fields: dict[str, tuple[str, ...]]) -> dict[int, str]:
    """Column index → canonical field for the cells of one row; the first column wins a field."""
    found: dict[int, str] = {}
    taken = set()
    for idx, cell in enumerate(cells):
        key = header_key(cell)
        if not key:
            continue
        for canonical, synonyms in fields.items():
            if canonical not in taken and key in synonyms:
                found[idx] = canonical
                taken.add(canonical)
                break
    return found


def sensitive_columns(cells: list) -> dict[int, str]:
    return {i: text(c) for i, c in enumerate(cells) if SENSITIVE.search(compact(c))}


def title_text(sheet: Sheet, header_first: int) -> str:
    """Everything written above the header (the sheet's title rows), joined."""
    parts = [text(c) for row in sheet.grid[:header_first] for c in row if text(c)]
    return " ".join(dict.fromkeys(parts))


def is_total_row(cells: list) -> bool:
    first = [compact(c) for c in cells if compact(c)][:3]
    return any(cell.startswith(TOTAL_WORDS) for cell in first)


def _blank(frame: pd.DataFrame) -> pd.DataFrame:
    is_blank = lambda v: v is None or (isinstance(v, float) and v != v) or not str(v).strip()  # noqa: E731
    return frame.apply(lambda col: pd.Series(per_distinct(col, is_blank).astype(bool), index=col.index))


def _mentions_total(col: pd.Series) -> pd.Series:
    found = lambda v: isinstance(v, str) and any(word in v for word in TOTAL_WORDS)  # noqa: E731
    return pd.Series(per_distinct(col, found).astype(bool), index=col.index)


def data_rows(sheet: Sheet, table: Table, columns: dict[int, str] | None = None) -> pd.DataFrame:
    """The records below the header: one column per canonical field (raw cell values) plus
    ``src_row``; blank rows and 合计 rows left out. Column-wise, as a sheet may hold 200k rows."""
    columns = columns if columns is not None else table.columns
    start = table.header_last + 1
    body = sheet.body(start)
    if body.empty:
        return pd.DataFrame(columns=[*columns.values(), "src_row"])
    body = body.reindex(columns=range(max(body.shape[1], max(columns) + 1)), fill_value="")
    picked = body[list(columns)].set_axis(list(columns.values()), axis=1)
    keep = ~_blank(picked).all(axis=1)
    lead = body.iloc[:, :8]
    maybe_total = lead.apply(_mentions_total).any(axis=1)
    for idx in body.index[maybe_total & keep]:
        keep[idx] = not is_total_row(sheet.row(start + idx))
    # A short row's missing cells are blank like an empty cell (""), whichever reader padded them.
    picked = picked[keep].astype(object).where(picked[keep].notna(), "").copy()
    picked["src_row"] = picked.index + start + 1
    return picked.reset_index(drop=True)
