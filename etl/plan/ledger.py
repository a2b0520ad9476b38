"""The year's 三会一课 台账 (`etl ledger`, the 组织生活 page's download), written in the meeting-ledger
layout the attendance reader takes (etl/sources/attendance_layouts.py, docs/ledger.md).

One sheet per activity type, as ledger tools keep them: two merged title rows (the branch and the
year, then the type and how many meetings), the header, and one row per meeting with its
participants and their marks in one cell (``张三、李四(请假)[事假]、王五(免)``) and the counts. A 统计
sheet sums them up; the reader skips it, as it skips a ledger tool's own.

The ledger is written from the live attendance only, every mark of it, so that loading it back with
the same roster, study and assessment files gives the same scores: members expected but unmarked
(未签到) are counted under 缺席 and named in a column of their own, never written as a mark.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from etl import writers
from etl.db import require_branch, statement
from etl.normalize import ACTIVITY_TYPES

# The four types of 三会一课 always have a sheet (an empty one says none was held); the other
# activity types get one when the year has them.
SAN_HUI_YI_KE = ("支部党员大会", "支委会", "党小组会", "党课")
GROUP_TYPE = "党小组会"
COUNTS = {
    "expected": "应到人数",
    "present": "实到人数",
    "on_leave": "请假人数",
    "absent": "缺席人数",
    "made_up": "补学人数",
}
SUMMARY_SHEET = "统计"


def ledger_meetings(con: duckdb.DuckDBPyConnection, branch_id: int, year: int) -> pd.DataFrame:
    """One row per meeting of the branch's year: activity_type, date, meeting_group (a 党小组会's
    party group), title, host, recorder, participants, the counts of COUNTS and unmarked."""
    params = {"branch_id": branch_id, "first_day": dt.date(year, 1, 1), "last_day": dt.date(year, 12, 31)}
    return con.execute(statement("etl.plan.sql", "ledger_meetings"), params).df()


def _header(activity_type: str) -> list[str]:
    group = ["所属党小组"] if activity_type == GROUP_TYPE else []
    return [
        "序号",
        "会议日期",
        "会议类型",
        *group,
        "会议名称",
        "主持人",
        "记录人",
        "参会人员名单",
        *COUNTS.values(),
        "未签到人员",
    ]


def _cell(value):
    return None if value is None or pd.isna(value) else value


def _type_sheet(branch: str, year: int, activity_type: str, meetings: pd.DataFrame) -> writers.Sheet:
    header = _header(activity_type)
    last = xl_col_to_name(len(header) - 1)
    rows: list[list] = [
        [f"{branch} {year}年“三会一课”台账"],
        [f"{activity_type}（共 {len(meetings)} 次）"],
        header,
    ]
    for number, m in enumerate(meetings.itertuples(index=False), start=1):
        group = [_cell(m.meeting_group)] if activity_type == GROUP_TYPE else []  # it tells same names apart
        counts = [int(getattr(m, column)) for column in COUNTS]
        rows.append(
            [number, m.date.date(), activity_type, *group, _cell(m.title), _cell(m.host), _cell(m.recorder)]
            + [m.participants, *counts, _cell(m.unmarked)]
        )
    widths = [6, 12, 12, *([12] if activity_type == GROUP_TYPE else []), 20, 10, 10, 60, *[9] * len(COUNTS), 24]
    return writers.Sheet(activity_type, rows, merges=[f"A1:{last}1", f"A2:{last}2"], header_row=2, widths=widths)


def _summary_sheet(branch: str, year: int, types: list[str], meetings: pd.DataFrame) -> writers.Sheet:
    header = ["会议类型", "次数", *(name.replace("人数", "人次") for name in COUNTS.values())]
    rows: list[list] = [[f"{branch} {year}年“三会一课”台账 统计"], header]
    for activity_type in types:
        of_type = meetings[meetings["activity_type"] == activity_type]
        rows.append([activity_type, len(of_type), *(int(of_type[c].sum()) for c in COUNTS)])
    rows.append(["合计", len(meetings), *(int(meetings[c].sum()) for c in COUNTS)])
    return writers.Sheet(SUMMARY_SHEET, rows, merges=[f"A1:{xl_col_to_name(len(header) - 1)}1"], header_row=1)


def sheet_types(meetings: pd.DataFrame) -> list[str]:
    """The types that get a sheet, in the catalogue's order: 三会一课 always, others when held."""
    held = set(meetings["activity_type"])
    return [t for t in ACTIVITY_TYPES if t in SAN_HUI_YI_KE or t in held]


@dataclass
class Ledger:
    workbook: bytes  # the .xlsx file
    meetings: pd.DataFrame  # its rows, as ledger_meetings gives them
    types: list[str]  # its sheets but the 统计, in order


def ledger(con: duckdb.DuckDBPyConnection, branch: str, year: int) -> Ledger:
    """The branch's 三会一课 台账 of the year (UnknownBranch for a name the database does not have).
    Written through the safe writer: names and notes stay text, counts are numbers, dates are dates."""
    meetings = ledger_meetings(con, require_branch(con, branch), year)
    types = sheet_types(meetings)
    sheets = [_type_sheet(branch, year, t, meetings[meetings["activity_type"] == t]) for t in types]
    sheets.append(_summary_sheet(branch, year, types, meetings))
    return Ledger(writers.workbook(sheets), meetings, types)


def ledger_workbook(con: duckdb.DuckDBPyConnection, branch: str, year: int) -> bytes:
    """The .xlsx file of :func:`ledger`: what the app offers for download."""
    return ledger(con, branch, year).workbook
