"""考勤: who attended which activity. Four layouts (see attendance_layouts) → one validator."""

from __future__ import annotations

import re

import pandas as pd

from etl.members import MemberMatcher
from etl.normalize import ACTIVITY_TYPES, activity_type, compact, status_of, text
from etl.rules import Rules
from etl.sources.common import drop_duplicate_keys, match_members, parse_dates
from etl.sources.context import SheetContext
from etl.validate import Report

CLEAN_COLUMNS = ["date", "activity_type", "member_id", "status", "title", "note", "src_sheet", "src_row", "src_col"]
MEETING_COLUMNS = ["date", "activity_type", "title", "details", "src_sheet", "src_row"]
MARK_HINT = "可用的标记：出席（√ 到 1）、迟到（迟）、请假（假 事假 病假）、缺席（× 缺 0）、补学（补）、免（免参加）"
TYPE_HINT = "活动类型应为：" + "、".join(ACTIVITY_TYPES)


def _types(raw) -> list[str]:
    parts = [p for p in re.split(r"[、,，/;；+]+", text(raw)) if p.strip()]
    found = [activity_type(p) for p in parts]
    if not parts or None in found:
        raise ValueError(f"无法识别的活动类型：{text(raw)}")
    return list(dict.fromkeys(found))


def validate(
    records: pd.DataFrame, sheet: SheetContext, report: Report, matcher: MemberMatcher, rules: Rules
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(attendance rows, meetings) of one sheet; bad rows become issues in ``report``."""
    if records.empty:
        return pd.DataFrame(columns=CLEAN_COLUMNS), pd.DataFrame(columns=MEETING_COLUMNS)
    frame = records.reset_index(drop=True)
    date_label = sheet.label("date") or "表头/表名中的日期"
    frame["date"] = parse_dates(frame, "date_raw", sheet, report, date_label, rules.date_window())

    types = {}
    for raw in frame["type_raw"].astype(object).unique():
        try:
            types[raw] = _types(raw)
        except ValueError as exc:
            types[raw] = str(exc)
    type_label = sheet.label("activity_type") or sheet.label("types") or "活动类型"
    for idx in frame.index[frame["type_raw"].map(lambda r: isinstance(types[r], str))]:
        report.add(
            sheet.name,
            frame.at[idx, "src_row"],
            type_label,
            text(frame.at[idx, "type_raw"]),
            types[frame.at[idx, "type_raw"]],
            TYPE_HINT,
        )

    is_signature = frame["details"].eq("signature")
    frame["status"] = [
        status_of(m) or ("出席" if sig and text(m) else None) for m, sig in zip(frame["mark_raw"], is_signature)
    ]
    guest = frame["mark_raw"].map(compact).eq("列席")
    frame["member_id"] = match_members(
        frame, matcher, sheet, report, ignore=lambda row: compact(row["mark_raw"]) == "列席"
    )
    guests = frame[guest & frame["member_id"].isna()]
    if not guests.empty:
        report.notes.append(
            f"工作表“{sheet.name}”：非党员列席人员不计入考勤（{'、'.join(dict.fromkeys(guests['name']))}）"
        )
    for idx in frame.index[frame["status"].isna()]:
        mark = text(frame.at[idx, "mark_raw"])
        reason = "考勤标记为空" if not mark else f"无法识别的考勤标记“{mark}”"
        report.add(
            sheet.name,
            frame.at[idx, "src_row"],
            frame.at[idx, "src_col"] or sheet.label("status"),
            mark,
            reason,
            MARK_HINT,
        )

    good = frame[
        frame["date"].notna()
        & frame["status"].notna()
        & frame["member_id"].notna()
        & frame["type_raw"].map(lambda r: isinstance(types[r], list))
    ].copy()
    good["activity_type"] = good["type_raw"].map(types)
    good = good.explode("activity_type")
    good["src_sheet"] = sheet.name
    good["member_id"] = good["member_id"].astype("int64")
    meetings = good[good["details"].notna() & ~good["details"].eq("signature")]
    meetings = meetings.drop_duplicates(["date", "activity_type"])[MEETING_COLUMNS]
    return good[CLEAN_COLUMNS], meetings


def finish(
    frames: list[pd.DataFrame], meetings: list[pd.DataFrame], report: Report
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All sheets of a file together: each meeting and each member's mark loads once."""
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CLEAN_COLUMNS)
    rows = drop_duplicate_keys(
        rows,
        ["date", "activity_type", "member_id"],
        ["status"],
        report,
        "考勤记录",
        lambda r: f"{r.date} {r.activity_type}",
    )
    meets = pd.concat(meetings, ignore_index=True) if meetings else pd.DataFrame(columns=MEETING_COLUMNS)
    return rows, meets.drop_duplicates(["date", "activity_type"])
