"""The four shapes attendance arrives in, each cut into the same records:
``date_raw, type_raw, name, party_group, member_code, mark_raw, title, note, details, src_row, src_col``.

* long — one row per member × activity (日期, 活动类型, 姓名, 状态);
* wide — a sign-in sheet, one column per activity whose header holds a date and a type, or a two-row
  header with dates above and types below (either row merged);
* signin — one activity's 签到表: 姓名 and a 签到/签名 column; date and type from the sheet's name or title;
* ledger — 会议台账, one row per meeting with its participants in one cell: ``张三、李四(请假)[事假]``.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from etl.normalize import activity_types_in, compact, header_key, per_distinct, text
from etl.sources.table import Table, data_rows, is_total_row, match_columns, title_text
from etl.sources.workbook import Sheet, column_letter

RECORD_COLUMNS = [
    "date_raw",
    "type_raw",
    "name",
    "party_group",
    "member_code",
    "mark_raw",
    "title",
    "note",
    "details",
    "src_row",
    "src_col",
]
NAME = ("姓名", "党员姓名", "名字")
LONG_FIELDS = {
    "date": ("日期", "活动日期", "会议日期", "时间", "活动时间"),
    "activity_type": ("活动类型", "会议类型", "类型", "活动类别"),
    "name": NAME,
    "status": ("状态", "出勤情况", "出勤", "考勤", "出勤状态", "参会情况", "考勤情况"),
    "title": ("主题", "活动主题", "会议主题", "活动名称"),
    "party_group": ("党小组", "所在党小组", "所属党小组"),
    "member_code": ("党员编号", "工号", "编号"),
    "note": ("备注", "说明"),
}
LEDGER_FIELDS = {
    "date": ("会议日期", "日期", "会议时间", "时间", "活动日期"),
    "types": ("会议类型", "类型", "活动类型"),
    "participants": ("参会人员名单", "参会人员", "参加人员", "出席人员", "参会人员及出勤"),
    "title": ("会议名称", "会议主题", "主题", "会议议题"),
}
SIGN_MARK = (
    "签到",
    "签名",
    "签字",
    "本人签字",
    "本人签名",
    "签到签名",
    "签到情况",
    "到会情况",
    "是否到会",
    "出勤情况",
    "出勤",
)
SIGN_NOTE = ("备注", "说明", "请假事由")
SUMMARY = (
    "出勤次数",
    "出勤率",
    "备注",
    "序号",
    "合计",
    "应到",
    "实到",
    "缺勤次数",
    "请假次数",
    "党小组",
    "所在党小组",
    "工号",
    "党员编号",
)
_DATE_TEXT = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|(?<!\d)\d{1,2}\s*月\s*\d{1,2}\s*日?|(?<![\d/.-])\d{1,2}[/.]\d{1,2}(?![\d/.])"
)
# 张三【第二党小组】(请假)[事假]: the 【党小组】 tells two members of one name apart (etl ledger writes it).
_PARTICIPANT = re.compile(
    r"^(?P<name>[^()\[\]【】]+?)\s*(?:【(?P<group>[^】]*)】)?\s*(?:\((?P<mark>[^)]*)\))?\s*(?:\[(?P<reason>[^\]]*)\])?$"
)


def date_text(value) -> str | None:
    m = _DATE_TEXT.search(text(value))
    return m.group(0) if m else None


# --- detection ---------------------------------------------------------------------------------
def find_wide(sheet: Sheet, scan: int) -> Table | None:
    """A row holding 姓名, with activity columns in it or in the row just above or below it."""
    best = None
    for r in range(min(scan, sheet.height)):
        row = sheet.grid[r]
        name_cols = [i for i, c in enumerate(row) if header_key(c) in NAME]
        if len(name_cols) != 1:
            continue
        name_col = name_cols[0]
        for first, last in ((r, r), (r, r + 1), (r - 1, r)):
            if first < 0 or last >= sheet.height:
                continue
            activities = {}
            width = max(len(sheet.grid[first]), len(sheet.grid[last]))
            for c in range(width):
                if c == name_col:
                    continue
                parts = [text(sheet.grid[i][c]) if c < len(sheet.grid[i]) else "" for i in range(first, last + 1)]
                joined = " ".join(dict.fromkeys(p for p in parts if p))
                if header_key(joined) in SUMMARY:
                    continue
                when, types = date_text(joined), activity_types_in(joined)
                if when and types:
                    activities[c] = {"date_raw": when, "type_raw": "、".join(types), "header": joined}
            if activities and (best is None or len(activities) > len(best.extra["activities"])):
                columns = {
                    name_col: "name",
                    **match_columns(
                        sheet.grid[last],
                        {"party_group": LONG_FIELDS["party_group"], "member_code": LONG_FIELDS["member_code"]},
                    ),
                }
                best = Table(
                    "attendance",
                    "wide",
                    first,
                    last,
                    columns,
                    {i: text(sheet.grid[last][i]) for i in columns},
                    {"activities": activities},
                )
    return best


def find_signin(sheet: Sheet, scan: int, file_name: str) -> Table | None:
    """姓名 beside a 签到/签名 column (possibly several 姓名|签名 blocks side by side); the date and
    type come from the sheet's name, the title above the header, or else the file name."""
    for r in range(min(scan, sheet.height)):
        title = " ".join([sheet.name, title_text(sheet, r)])
        when, types = date_text(title), activity_types_in(title)
        if not (when and types):
            when, types = date_text(f"{title} {file_name}"), activity_types_in(f"{title} {file_name}")
        if not (when and types):
            continue
        keys = [header_key(c) for c in sheet.grid[r]]
        blocks = []
        for i, key in enumerate(keys):
            if key in NAME:
                block = {"name": i}
                for j in range(i + 1, len(keys)):
                    if keys[j] in NAME:
                        break
                    if keys[j] in SIGN_MARK and "mark" not in block:
                        block["mark"] = j
                    elif keys[j] in SIGN_NOTE and "note" not in block:
                        block["note"] = j
                if "mark" in block:
                    blocks.append(block)
        if blocks:
            columns = {b["name"]: "name" for b in blocks} | {b["mark"]: "mark" for b in blocks}
            return Table(
                "attendance",
                "signin",
                r,
                r,
                columns,
                {i: text(sheet.grid[r][i]) for i in columns},
                {"blocks": blocks, "date_raw": when, "type_raw": "、".join(types)},
            )
    return None


# --- extraction --------------------------------------------------------------------------------
def _frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame.from_records(records, columns=RECORD_COLUMNS)


def extract_long(sheet: Sheet, table: Table) -> pd.DataFrame:
    """One record per row, column by column (a long export may hold 200k rows): text normalised
    once per distinct value."""
    rows = data_rows(sheet, table)
    column = lambda name: rows[name] if name in rows else pd.Series([None] * len(rows), index=rows.index, dtype=object)  # noqa: E731
    or_none = lambda v: text(v) or None  # noqa: E731
    frame = pd.DataFrame(
        {
            "date_raw": column("date"),
            "type_raw": per_distinct(column("activity_type"), text),
            "name": column("name"),
            "party_group": column("party_group"),
            "member_code": column("member_code"),
            "mark_raw": column("status"),
            "title": per_distinct(column("title"), or_none),
            "note": per_distinct(column("note"), or_none),
            "src_row": rows["src_row"],
            "src_col": None,
        },
        index=rows.index,
    )
    return frame.reindex(columns=RECORD_COLUMNS).astype(object).reset_index(drop=True)


def extract_wide(sheet: Sheet, table: Table) -> pd.DataFrame:
    activities = table.extra["activities"]
    records = []
    for r in data_rows(sheet, table, {**table.columns, **{c: f"act{c}" for c in activities}}).to_dict("records"):
        for c, act in activities.items():
            mark = r.get(f"act{c}")
            if text(mark) == "":
                continue  # unmarked: counted as 未签到 for expected members, reported at load
            records.append(
                {
                    "date_raw": act["date_raw"],
                    "type_raw": act["type_raw"],
                    "name": r.get("name"),
                    "party_group": r.get("party_group"),
                    "member_code": r.get("member_code"),
                    "mark_raw": mark,
                    "title": act["header"],
                    "src_row": r["src_row"],
                    "src_col": f"{column_letter(c)}（{act['header']}）",
                }
            )
    return _frame(records)


def _block_cell(cells: list, block: dict, key: str):
    """The cell of one 姓名|签名 block of a sign-in row ('' where the block has no such column)."""
    return cells[block[key]] if key in block and block[key] < len(cells) else ""


def extract_signin(sheet: Sheet, table: Table) -> pd.DataFrame:
    records = []
    for r in range(table.header_last + 1, sheet.height):
        cells = sheet.grid[r]
        if is_total_row(cells):
            continue
        for block in table.extra["blocks"]:
            name, mark, note = (text(_block_cell(cells, block, key)) for key in ("name", "mark", "note"))
            if not name:
                continue
            if not mark and not note:
                continue  # listed but not signed: 未签到
            records.append(
                {
                    "date_raw": table.extra["date_raw"],
                    "type_raw": table.extra["type_raw"],
                    "name": name,
                    "mark_raw": mark or note,
                    "note": note or None,
                    "details": "signature",
                    "src_row": r + 1,
                    "src_col": column_letter(block["mark"]),
                }
            )
    return _frame(records)


def split_participants(cell) -> list[tuple[str, str, str, str]]:
    """'张三、李四(请假)[事假]、王五【第二党小组】(缺席)' → [(name, mark, reason, party group)]; a bare
    name is 出席."""
    found = []
    for part in re.split(r"[、,，;；\n]+", text(cell)):
        part = part.strip()
        if not part:
            continue
        m = _PARTICIPANT.match(part)
        if m:
            found.append((compact(m["name"]), compact(m["mark"]) or "出席", text(m["reason"]), compact(m["group"])))
        else:
            found.append((compact(part), "?", "", ""))
    return found


def extract_ledger(sheet: Sheet, table: Table) -> pd.DataFrame:
    extra_cols = {i: text(c) for i, c in enumerate(sheet.grid[table.header_last]) if i not in table.columns and text(c)}
    records = []
    for r in data_rows(sheet, table, {**table.columns, **{i: f"x{i}" for i in extra_cols}}).to_dict("records"):
        details = {header: text(r[f"x{i}"]) for i, header in extra_cols.items() if text(r[f"x{i}"])}
        for name, mark, reason, group in split_participants(r.get("participants")):
            records.append(
                {
                    "date_raw": r.get("date"),
                    "type_raw": text(r.get("types")),
                    "name": name,
                    "party_group": group or details.get("所属党小组"),
                    "mark_raw": mark,
                    "note": reason or None,
                    "title": text(r.get("title")) or None,
                    "details": json.dumps(details, ensure_ascii=False),
                    "src_row": r["src_row"],
                    "src_col": table.column_label("participants"),
                }
            )
    return _frame(records)


EXTRACTORS = {"long": extract_long, "wide": extract_wide, "signin": extract_signin, "ledger": extract_ledger}
