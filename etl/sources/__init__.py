"""The read stage: a file's bytes → its recognised tables as raw records. Never touches the database.

Every sheet is considered. For each, we look for the header of every kind (and every attendance
layout) among its first rows and keep the one that explains the most columns; a sheet with no
recognisable header is skipped and the report says so. A file loads as one kind: detected from the
headers, or the one the user chose.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pandas as pd

from etl.errors import UnreadableFile
from etl.normalize import compact, invisible_characters
from etl.sources import assessment, roster, study
from etl.sources import attendance_layouts as layouts
from etl.sources import records as record_kind
from etl.sources.context import SheetContext, resolve_year
from etl.sources.table import (
    CONVERSATION,
    HEADER_SCAN_ROWS,
    Table,
    data_rows,
    match_columns,
    sensitive_columns,
    title_text,
)
from etl.sources.workbook import Sheet, column_letter, read_sheets
from etl.validate import Report

KINDS = ("roster", "attendance", "study", "assessment", "record")
KIND_NAMES = {
    "roster": "党员名册",
    "attendance": "考勤",
    "study": "学习强国积分",
    "assessment": "考评",
    "record": "工作记录",
}
LAYOUT_NAMES = {
    "long": "长表",
    "wide": "签到汇总表（每列一次活动）",
    "signin": "单次活动签到表",
    "ledger": "会议台账",
    "table": "表格",
}
_KEYED = {  # kind, layout → (fields, requirement on the matched field names)
    ("roster", "table"): (roster.FIELDS, lambda f: set(roster.REQUIRED) <= f),
    ("attendance", "long"): (layouts.LONG_FIELDS, lambda f: {"date", "activity_type", "name", "status"} <= f),
    ("attendance", "ledger"): (layouts.LEDGER_FIELDS, lambda f: {"date", "types", "participants"} <= f),
    ("study", "table"): (study.FIELDS, study.requirement_met),
    ("assessment", "table"): (assessment.FIELDS, assessment.requirement_met),
}
REQUIRED_TEXT = {
    "roster": "姓名、党小组、党员类别",
    "attendance": "日期、活动类型、姓名、状态（长表）；或 姓名 + 每列一次活动（如“3月15日 主题党日”）；或 会议日期、会议类型、参会人员名单（会议台账）；或 姓名、签到（签到表，表名写明日期和活动）",
    "study": "姓名、日期、当日积分；或 姓名、统计日期、总积分/年度积分",
    "assessment": "姓名、项目、日期或年度",
    "record": "日期、对象（或姓名），以及类型（或在表名、标题中写明，如“谈心谈话记录表”“廉洁承诺书签订名单”）",
}


@dataclass
class ParsedSheet:
    context: SheetContext
    records: pd.DataFrame


@dataclass
class ParsedFile:
    file_name: str
    sha256: str
    kind: str | None
    sheets: list[ParsedSheet]
    report: Report
    dropped_columns: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(len(s.records) for s in self.sheets)


def _keyed_tables(sheet: Sheet, kinds) -> list[Table]:
    found = []
    for (kind, layout), (fields, satisfied) in _KEYED.items():
        if kind not in kinds:
            continue
        best = None
        for r in range(min(HEADER_SCAN_ROWS, sheet.height)):
            columns = match_columns(sheet.grid[r], fields)
            if satisfied(set(columns.values())) and (best is None or len(columns) > len(best.columns)):
                best = Table(kind, layout, r, r, columns, {i: str(sheet.grid[r][i]).strip() for i in columns})
        if best:
            found.append(best)
    return found


def detect(sheet: Sheet, kinds, file_name: str) -> Table | None:
    """The table in a sheet that explains the most columns, among the allowed kinds."""
    candidates = _keyed_tables(sheet, kinds)
    if "attendance" in kinds and not any(t.kind == "attendance" for t in candidates):
        found = layouts.find_wide(sheet, HEADER_SCAN_ROWS) or layouts.find_signin(sheet, HEADER_SCAN_ROWS, file_name)
        if found:
            candidates.append(found)
    if "record" in kinds and (found := record_kind.find_table(sheet, HEADER_SCAN_ROWS, file_name)):
        candidates.append(found)
    if not candidates:
        return None
    # A tie (日期, 类型, 参加人员, 主题 is a ledger's header and a record table's) goes to the first found —
    # the attendance layout, where 春训 is an activity — unless the sheet's name, title or the file's
    # name says which record it holds (春训记录.xlsx).
    score = lambda t: (len(t.columns) + len(t.extra.get("activities", ())), bool(t.extra.get("type")))  # noqa: E731
    return max(candidates, key=score)


def _drop_sensitive(sheet: Sheet, table: Table) -> None:
    """Blank every cell under a 身份证号 / phone / 谈话内容 header before any layout reads the rows, so
    no reader — not even one that keeps a ledger's other columns — can carry them to the database."""
    columns = sensitive_columns(sheet.grid[table.header_last])
    if sheet.frame is not None:
        present = [i for i in columns if i in sheet.frame.columns]
        sheet.frame.loc[table.header_last + 1 :, present] = None
    for row in sheet.grid[table.header_last + 1 :]:
        for i in columns:
            if i < len(row):
                row[i] = None
    sheet.dropped = list(columns.values())


def _hidden_characters_note(sheet: Sheet, table: Table) -> str | None:
    """Where cells held characters nobody can see (removed on read, so '唐\u200b红' is 唐红)."""
    if not sheet.has_hidden:
        return None
    rows = sheet.grid[table.header_first :]
    if sheet.frame is not None:
        body = sheet.frame.iloc[table.header_first :]
        if all("".join(body[c].dropna()).isprintable() for c in body.columns):
            return None
        rows = body.values.tolist()
    # One C-speed test of all the text first: almost every sheet has nothing to report.
    if "".join(cell for row in rows for cell in row if cell.__class__ is str).isprintable():
        return None
    found, count = [], 0
    for r, row in enumerate(rows, start=table.header_first):
        for c, cell in enumerate(row):
            if isinstance(cell, str) and not cell.isprintable() and (codes := invisible_characters(cell)):
                count += 1
                if len(found) < 5:
                    found.append(f"{column_letter(c)}{r + 1}（{'、'.join(codes)}）")
    if not count:
        return None
    more = f" 等 {count} 处" if count > len(found) else ""
    return f"工作表“{sheet.name}”的单元格 {'、'.join(found)}{more}含有不可见字符，读取时已去除"


def _records(sheet: Sheet, table: Table) -> pd.DataFrame:
    if table.kind == "attendance":
        return layouts.EXTRACTORS[table.layout](sheet, table)
    if table.kind == "record":
        return record_kind.extract(sheet, table)
    return data_rows(sheet, table)


def _family(kind: str) -> str:
    """Records travel with attendance: a 会议台账 holds 三会一课 and 专题会 rows, a workbook a 签到 sheet and
    a 谈心谈话 sheet. Such a file is one load, of kind attendance (record when it holds no attendance)."""
    return "attendance" if kind == "record" else kind


def read_file(data: bytes, file_name: str, kind: str = "auto", year: int | None = None) -> ParsedFile:
    """Read every sheet of a file into raw records of one kind, with a report of what was skipped."""
    report = Report(file_name)
    digest = hashlib.sha256(data).hexdigest()
    try:
        sheets = read_sheets(data, file_name)
    except UnreadableFile as exc:
        report.add(None, None, None, "", str(exc), "请确认文件能在 Excel/WPS 中打开，另存为 .xlsx 后重新上传")
        return ParsedFile(file_name, digest, None, [], report)
    kinds = KINDS if kind == "auto" else (kind,)  # a kind chosen by hand also settles a tie
    found: list[tuple[Sheet, Table]] = []
    for sheet in sheets:
        table = detect(sheet, kinds, file_name)
        if table is None:
            sheet.use_exact_grid()
            if any(any(str(c).strip() for c in row) for row in sheet.grid):
                report.notes.append(f"工作表“{sheet.name}”没有可识别的表头，已跳过")
            continue
        found.append((sheet, table))
    if not found:
        wanted = (
            REQUIRED_TEXT[kind]
            if kind != "auto"
            else "；".join(f"{KIND_NAMES[k]}：{v}" for k, v in REQUIRED_TEXT.items())
        )
        reason = "文件中没有数据" if not any(s.grid for s in sheets) else "没有找到可识别的表头（缺少必需的列）"
        report.add(None, None, None, "", reason, f"必需的列：{wanted}")
        return ParsedFile(file_name, digest, None, [], report)

    rows_by_kind: dict[str, int] = {}
    parsed, dropped = [], []
    for sheet, table in found:
        if table.layout not in ("table", "long"):
            sheet.use_exact_grid()  # these layouts read cell by cell
        _drop_sensitive(sheet, table)
        if note := _hidden_characters_note(sheet, table):
            report.notes.append(note)
        records = _records(sheet, table)
        rows_by_kind[_family(table.kind)] = rows_by_kind.get(_family(table.kind), 0) + len(records)
        parsed.append((sheet, table, records))
    chosen = max(rows_by_kind, key=rows_by_kind.get)
    kept = [(t, r) for _, t, r in parsed if _family(t.kind) == chosen]
    if chosen == "attendance" and all(t.kind == "record" or record_kind.only_records(r) for t, r in kept):
        chosen = "record"  # a ledger of 专题会 and 政治学习 only: its rows are all records
    result = []
    for sheet, table, records in parsed:
        if _family(table.kind) != _family(chosen):
            report.notes.append(
                f"工作表“{sheet.name}”看起来是{KIND_NAMES[table.kind]}，与本文件的{KIND_NAMES[chosen]}不同，已跳过（请分开上传）"
            )
            continue
        for header in sheet.dropped:
            if header not in dropped:
                dropped.append(header)
        title = " ".join([sheet.name, title_text(sheet, table.header_first)])
        sheet_year, problem = resolve_year(year, title, file_name)
        context = SheetContext(file_name, sheet.name, table, title, sheet_year, problem)
        report.notes.append(
            f"工作表“{sheet.name}”：{KIND_NAMES[table.kind]}（{LAYOUT_NAMES[table.layout]}），"
            f"表头在第 {table.header_first + 1} 行，读到 {len(records)} 条记录"
        )
        result.append(ParsedSheet(context, records))
    personal = [h for h in dropped if not CONVERSATION.search(compact(h))]
    if personal:
        report.notes.append(f"以下列含身份证号或电话等个人信息，读取时已丢弃、不会保存：{'、'.join(personal)}")
    if talk := [h for h in dropped if CONVERSATION.search(compact(h))]:
        report.notes.append(f"以下列是谈话内容，读取时已丢弃、不会保存：{'、'.join(talk)}")
    return ParsedFile(file_name, digest, chosen, result, report, dropped)
