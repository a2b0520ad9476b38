"""工作记录 (records): plan evidence that is not 三会一课 — 廉政专题会, 谈心谈话, 走访慰问, 承诺书, 政治学习,
春训, 冬训. One record is one event for one subject.

They arrive two ways, both cut into the same raw records
``date_raw, type_raw, subject, party_group, member_code, leader, topic, details, sign, src_row``:

* a record table (a 谈心谈话记录表, 走访慰问登记表, 廉洁承诺书签订名单 …): a date and a subject column; the
  type from a 类型 column, else the sheet's name, its title or the file name; a cell naming several
  people (``张三、李四``) is one record each;
* a row of an attendance layout (a 会议台账 row of a 党风廉政建设专题会 or 政治学习) whose type is a record
  type: ``split_attendance`` takes it out of the attendance rows, one record per participant. There
  an activity type wins — 春训 in a ledger is the activity 春训冬训 — so only a record layout makes 春训
  or 冬训 a record.

Subjects who are members get their member_id; anyone else (a retired member, a teacher in hardship,
全体教职工) is kept as text and the report says so. What was said in a conversation never gets here:
such columns are blanked on read with the ID-card columns (etl/sources/table.py ``SENSITIVE``), and a
record table keeps only the columns named below.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from etl.members import MemberMatcher, Unmatched
from etl.normalize import (
    RECORD_TYPES,
    activity_type,
    compact,
    per_distinct,
    record_type,
    record_types_in,
    status_of,
    text,
)
from etl.rules import Rules
from etl.sources.attendance_layouts import date_text
from etl.sources.common import drop_duplicate_keys, parse_dates
from etl.sources.context import SheetContext
from etl.sources.table import SENSITIVE, Table, data_rows, match_columns, title_text
from etl.sources.workbook import Sheet
from etl.validate import Report

FIELDS = {
    "date": (
        "日期",
        "时间",
        "谈话时间",
        "谈话日期",
        "走访时间",
        "走访日期",
        "慰问时间",
        "慰问日期",
        "签订日期",
        "签订时间",
        "签署日期",
        "活动日期",
        "活动时间",
        "会议日期",
        "会议时间",
        "学习时间",
    ),
    "record_type": ("类型", "记录类型", "工作类型", "活动类型", "会议类型", "工作事项"),
    "subject": (
        "对象",
        "谈话对象",
        "走访对象",
        "慰问对象",
        "走访慰问对象",
        "谈心对象",
        "被谈话人",
        "参加人员",
        "参加对象",
        "姓名",
        "党员姓名",
        "签订人",
        "承诺人",
    ),
    "leader": ("负责人", "谈话人", "走访人", "慰问人", "主持人", "责任人", "谈话领导", "走访领导"),
    "topic": ("主题", "谈话主题", "学习主题", "会议主题", "活动主题", "学习内容", "会议名称", "活动名称"),
    "party_group": ("党小组", "所在党小组", "所属党小组"),
    "member_code": ("党员编号", "工号"),
    "sign": ("本人签字", "签字", "本人签名", "签名", "签字确认", "是否签订", "签订情况"),
    # kept in details, under these names
    "慰问品": ("慰问品", "慰问物品", "慰问金", "慰问金额"),
    "地点": ("地点", "谈话地点", "走访地点", "会议地点", "学习地点"),
    "形式": ("形式", "谈话形式", "走访形式", "方式"),
    "记录人": ("记录人", "谈话记录人"),
    "备注": ("备注", "说明"),
}
DETAIL_FIELDS = ("慰问品", "地点", "形式", "记录人", "备注")
RAW_COLUMNS = ["date_raw", "type_raw", "subject", "party_group", "member_code", "leader", "topic", "details", "sign"]
RAW_COLUMNS += ["src_row"]
CLEAN_COLUMNS = ["date", "record_type", "subject", "member_id", "leader", "topic", "details", "src_sheet", "src_row"]
NEEDS_SUBJECT = ("谈心谈话", "走访慰问", "承诺书")  # the others may name nobody (a 专题会 of the whole branch)
UNSIGNED = ("", "否", "未签", "未签订", "未签字", "×", "x", "X", "0", "无")
TYPE_HINT = "类型应为：" + "、".join(RECORD_TYPES) + "；或在表名、标题中写明（如“谈心谈话记录表”）"
SUBJECT_HINT = "请填写对象姓名，几位对象用“、”隔开"
_SPLIT = re.compile(r"[、,，;；/\n]+")
_SUBJECT = re.compile(r"^(?P<name>[^()\[\]【】]+?)\s*(?:[(【\[](?P<note>[^)\]】]*)[)】\]])?\s*$")


# --- detection ---------------------------------------------------------------------------------
def find_table(sheet: Sheet, scan: int, file_name: str) -> Table | None:
    """The header row (among the first ``scan``) with a subject column, a date (a column, or in the
    title) and a type (a 类型 column, or named by the sheet, its title or the file name)."""
    best = None
    for r in range(min(scan, sheet.height)):
        columns = match_columns(sheet.grid[r], FIELDS)
        found = set(columns.values())
        if "subject" not in found:
            continue
        title = " ".join([sheet.name, title_text(sheet, r)])
        named = record_types_in(title) or record_types_in(file_name)
        when = None if "date" in found else date_text(title)
        if ("date" not in found and not when) or ("record_type" not in found and len(named) != 1):
            continue
        if best is None or len(columns) > len(best.columns):
            headers = {i: text(c) for i, c in enumerate(sheet.grid[r]) if text(c)}
            unkept = [h for i, h in headers.items() if i not in columns and h != "序号" and not _sensitive(h)]
            extra = {"type": named[0] if len(named) == 1 else None, "date_raw": when, "unkept": unkept}
            best = Table("record", "table", r, r, columns, {i: headers.get(i, "") for i in columns}, extra)
    return best


def _sensitive(header: str) -> bool:
    return bool(SENSITIVE.search(compact(header)))


# --- extraction --------------------------------------------------------------------------------
def split_subjects(cell) -> list[tuple[str, str]]:
    """'张三、李四(退休教师)、王五等' → [('张三', ''), ('李四', '退休教师'), ('王五', '')]; [('', '')] for a
    blank cell. Names keep their spaces here ('张三 李四' may be two members); validate compacts them."""
    found = []
    for part in _SPLIT.split(text(cell)):
        part = re.sub(r"等(\d+人|人)?$", "", part.strip()).strip()
        if not part:
            continue
        m = _SUBJECT.match(part)
        found.append((text(m["name"]), text(m["note"])) if m else (part, ""))
    return found or [("", "")]


def extract(sheet: Sheet, table: Table) -> pd.DataFrame:
    """The raw records of a record table, one per subject named in a row."""
    rows = data_rows(sheet, table)
    records = []
    for r in rows.to_dict("records"):
        details = {f: text(r[f]) for f in DETAIL_FIELDS if f in r and text(r[f])}
        for subject, note in split_subjects(r.get("subject")):
            kept = {**details, "说明": note} if note else details
            records.append(
                {
                    "date_raw": r.get("date", table.extra["date_raw"]),
                    "type_raw": text(r.get("record_type")) or table.extra["type"],
                    "subject": subject,
                    "party_group": r.get("party_group"),
                    "member_code": r.get("member_code"),
                    "leader": text(r.get("leader")) or None,
                    "topic": text(r.get("topic")) or None,
                    "details": json.dumps(kept, ensure_ascii=False) if kept else None,
                    "sign": r.get("sign"),
                    "src_row": r["src_row"],
                }
            )
    return pd.DataFrame.from_records(records, columns=RAW_COLUMNS)


def _kinds_of(type_raw) -> tuple[list[str], list[str], list[str]]:
    """(activity parts, record types, unknown parts) of an attendance layout's type cell."""
    acts, recs, unknown = [], [], []
    for part in (p for p in re.split(r"[、,，/;；+]+", text(type_raw)) if p.strip()):
        if activity_type(part):
            acts.append(part)
        elif record_type(part):
            recs.append(record_type(part))
        else:
            unknown.append(part)
    return acts, list(dict.fromkeys(recs)), unknown


def only_records(frame: pd.DataFrame) -> bool:
    """Whether every row of an attendance layout's records is a record type (the file then loads as
    工作记录, not 考勤)."""
    if frame.empty:
        return False
    return all(not a and r and not u for a, r, u in map(_kinds_of, frame["type_raw"].astype(object).unique()))


def split_attendance(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(attendance records, raw records) of an attendance layout's records: a row whose type names a
    record type becomes a record of each participant; its activity types stay attendance. A type
    nobody knows stays with the attendance rows, whose validation reports it."""
    if frame.empty:
        return frame, pd.DataFrame(columns=RAW_COLUMNS)
    kinds = {raw: _kinds_of(raw) for raw in frame["type_raw"].astype(object).unique()}
    parts = frame["type_raw"].map(kinds)
    recorded = frame[parts.map(lambda k: bool(k[1]))]
    kept = frame[parts.map(lambda k: bool(k[0] or k[2] or not k[1]))].copy()
    kept["type_raw"] = kept["type_raw"].map(lambda raw: "、".join(kinds[raw][0] + kinds[raw][2]) or raw)
    records = []
    for r in recorded.to_dict("records"):
        details = json.loads(r["details"]) if isinstance(r["details"], str) and r["details"].startswith("{") else {}
        status = status_of(r["mark_raw"])
        if status != "出席":
            details["出勤"] = status or text(r["mark_raw"])
        if text(r["note"]):
            details["说明"] = text(r["note"])
        records.append(
            {
                "date_raw": r["date_raw"],
                "type_raw": "、".join(kinds[r["type_raw"]][1]),
                "subject": compact(r["name"]),
                "party_group": r["party_group"],
                "member_code": r["member_code"],
                "leader": details.get("主持人") or details.get("负责人"),
                "topic": text(r["title"]) or None,
                "details": json.dumps(details, ensure_ascii=False) if details else None,
                "sign": None,
                "src_row": r["src_row"],
            }
        )
    return kept, pd.DataFrame.from_records(records, columns=RAW_COLUMNS)


# --- validation --------------------------------------------------------------------------------
def _label(sheet: SheetContext, *fields: str, fallback: str) -> str:
    return next((label for f in fields if (label := sheet.label(f))), fallback)


def _types(raw, fallback: str | None) -> list[str]:
    parts = [p for p in _SPLIT.split(text(raw)) if p.strip()]
    if not parts:
        if fallback:
            return [fallback]
        raise ValueError("类型为空")
    found = [record_type(p) for p in parts]
    for p, t in zip(parts, found):
        if t is None and activity_type(p):
            raise ValueError(f"“{p}”是三会一课等组织生活，不是工作记录：请用考勤表或会议台账上传")
        if t is None:
            raise ValueError(f"无法识别的工作记录类型：{text(raw)}")
    return list(dict.fromkeys(found))


def _signed(frame: pd.DataFrame, sheet: SheetContext, report: Report) -> pd.DataFrame:
    """A 承诺书 list often names everyone, with a signature column: only those who signed have a record."""
    if "sign" not in sheet.table.columns.values():
        return frame
    unsigned = frame["sign"].map(compact).isin(UNSIGNED)
    if unsigned.any():
        names = "、".join(dict.fromkeys(frame.loc[unsigned, "subject"]))
        report.notes.append(f"工作表“{sheet.name}”：{int(unsigned.sum())} 人未签字，不计为已签订（{names}）")
    return frame[~unsigned]


def _match(frame: pd.DataFrame, matcher: MemberMatcher, sheet: SheetContext, report: Report) -> pd.DataFrame:
    """member_id per subject; a subject written '张三 李四' whose parts are all members becomes one
    record each. A name no member has is kept as text (noted); a name several members share is an
    issue, as for every kind."""
    label = _label(sheet, "subject", "participants", "name", fallback="对象")
    out, others = [], []
    for r in frame.to_dict("records"):
        subject = r["subject"]
        if not subject:
            out.append({**r, "member_id": None})
            continue
        found = matcher.match(subject, text(r["member_code"]), text(r["party_group"]))
        pieces = [compact(p) for p in text(r["subject_text"]).split(" ")] if not isinstance(found, int) else []
        if len(pieces) > 1 and all(isinstance(matcher.match(p), int) for p in pieces):
            out += [{**r, "subject": p, "member_id": matcher.match(p)} for p in pieces]
        elif isinstance(found, Unmatched) and matcher.knows(subject):
            report.add(sheet.name, r["src_row"], label, subject, found.reason, found.hint)
        else:
            out.append({**r, "member_id": found if isinstance(found, int) else None})
            if not isinstance(found, int):
                others.append(subject)
    if others:
        names = "、".join(dict.fromkeys(others))
        report.notes.append(f"工作表“{sheet.name}”：以下对象不在名册中，按文字保存（不是错误）：{names}")
    return pd.DataFrame(out, columns=[*frame.columns, "member_id"])


def validate(
    records: pd.DataFrame, sheet: SheetContext, report: Report, matcher: MemberMatcher, rules: Rules
) -> pd.DataFrame:
    """The clean records of one sheet (CLEAN_COLUMNS); bad rows become issues in ``report``."""
    if records.empty:
        return pd.DataFrame(columns=CLEAN_COLUMNS)
    frame = _signed(records.reset_index(drop=True), sheet, report).reset_index(drop=True)
    if sheet.table.kind == "record":
        if sheet.table.extra["type"] and "record_type" not in sheet.table.columns.values():
            report.notes.append(f"工作表“{sheet.name}”：类型取自表名或标题：{sheet.table.extra['type']}")
        if sheet.table.extra["unkept"]:
            report.notes.append(
                f"工作表“{sheet.name}”：以下列不是工作记录的字段，未保存：{'、'.join(sheet.table.extra['unkept'])}"
            )
    date_label = _label(sheet, "date", fallback="表名/标题中的日期")
    frame["date"] = parse_dates(frame, "date_raw", sheet, report, date_label, rules.date_window())
    fallback = sheet.table.extra.get("type") if sheet.table.kind == "record" else None
    types = {}
    for raw in frame["type_raw"].astype(object).unique():
        try:
            types[raw] = _types(raw, fallback)
        except ValueError as exc:
            types[raw] = str(exc)
    bad_type = frame["type_raw"].map(lambda raw: isinstance(types[raw], str))
    type_label = _label(sheet, "record_type", "types", "activity_type", fallback="类型")
    for idx in frame.index[bad_type]:
        raw = frame.at[idx, "type_raw"]
        report.add(sheet.name, frame.at[idx, "src_row"], type_label, text(raw), types[raw], TYPE_HINT)
    frame["record_type"] = frame["type_raw"].map(lambda raw: types[raw] if isinstance(types[raw], list) else [])
    frame["subject_text"] = frame["subject"]
    frame["subject"] = per_distinct(frame["subject"], compact)
    nobody = frame["subject"].eq("") & frame["record_type"].map(lambda ts: any(t in NEEDS_SUBJECT for t in ts))
    subject_label = _label(sheet, "subject", "participants", "name", fallback="对象")
    for idx in frame.index[nobody]:
        what = "、".join(frame.at[idx, "record_type"])
        report.add(sheet.name, frame.at[idx, "src_row"], subject_label, "", f"{what}的对象为空", SUBJECT_HINT)
    good = frame[frame["date"].notna() & ~bad_type & ~nobody]
    good = _match(good, matcher, sheet, report).explode("record_type")
    good["src_sheet"] = sheet.name
    good["member_id"] = good["member_id"].astype("Int64")
    return good[CLEAN_COLUMNS].reset_index(drop=True)


def finish(frames: list[pd.DataFrame], report: Report) -> pd.DataFrame:
    """All sheets of a file together: a record repeated with the same content loads once; the same
    date, type and subject written with a different 负责人 or 主题 is an issue on each row."""
    frames = [f for f in frames if not f.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CLEAN_COLUMNS)
    return drop_duplicate_keys(
        rows,
        ["date", "record_type", "subject"],
        ["leader", "topic"],
        report,
        "工作记录",
        lambda r: f"{r.date} {r.record_type} {r.subject or '（无对象）'}",
    )
