"""学习强国 exports: daily points (member × day) or cumulative totals (member × snapshot date)."""

from __future__ import annotations

import pandas as pd

from etl.members import MemberMatcher
from etl.normalize import number, text
from etl.rules import Rules
from etl.sources.common import drop_duplicate_keys, map_unique, match_members, parse_dates
from etl.sources.context import SheetContext
from etl.validate import Report

FIELDS = {
    "name": ("姓名", "党员姓名", "名字", "用户名"),
    "date": ("日期", "学习日期", "积分日期"),
    "points": ("当日积分", "积分", "今日积分", "当天积分", "每日积分", "日积分"),
    "as_of": ("统计日期", "截止日期", "统计时间", "截止时间", "截至日期"),
    "total": ("总积分", "累计积分", "学习总积分"),
    "yearly": ("年度积分", "本年积分", "年积分", "本年度积分"),
    "org": ("所属组织", "组织", "所在组织", "所在支部"),
    "party_group": ("党小组", "所在党小组"),
    "member_code": ("党员编号", "工号"),
}
DAILY_COLUMNS = ["member_id", "date", "points", "src_sheet", "src_row"]
TOTAL_COLUMNS = ["member_id", "as_of", "total", "total_kind", "src_sheet", "src_row"]
POINTS_HINT = "积分应为不小于 0 的数字，且在合理范围内（见规则文件 [limits]）"


def requirement_met(found: set[str]) -> bool:
    return "name" in found and ({"date", "points"} <= found or ("as_of" in found and bool({"total", "yearly"} & found)))


def _points(raw, most: float):
    value = number(raw)
    if value is None:
        raise ValueError("积分不是数字" if text(raw) else "积分为空")
    if value < 0:
        raise ValueError("积分不能为负数")
    if value > most:
        raise ValueError(f"积分超出合理范围（最多 {most:g}）")
    return value


def validate(
    records: pd.DataFrame, sheet: SheetContext, report: Report, matcher: MemberMatcher, rules: Rules
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(daily rows, total rows) of one sheet."""
    frame = records.reset_index(drop=True)
    if frame.empty:
        return pd.DataFrame(columns=DAILY_COLUMNS), pd.DataFrame(columns=TOTAL_COLUMNS)
    daily = "date" in frame and "points" in frame
    date_col, value_col = ("date", "points") if daily else ("as_of", "total" if "total" in frame else "yearly")
    frame["when"] = parse_dates(frame, date_col, sheet, report, sheet.label(date_col), rules.date_window())
    most = rules.limits["daily_points_max" if daily else "total_points_max"]
    values, errors = map_unique(frame[value_col], lambda raw: _points(raw, most))
    for idx in errors.index[errors.notna()]:
        report.add(
            sheet.name,
            frame.at[idx, "src_row"],
            sheet.label(value_col),
            text(frame.at[idx, value_col]),
            str(errors[idx]),
            POINTS_HINT,
        )
    frame["value"] = values
    frame["member_id"] = match_members(frame, matcher, sheet, report)
    good = frame[frame["when"].notna() & errors.isna() & frame["member_id"].notna()].drop(columns=[date_col, value_col])
    good["member_id"] = good["member_id"].astype("int64")
    good["src_sheet"] = sheet.name
    if daily:
        return good.rename(columns={"when": "date", "value": "points"})[DAILY_COLUMNS], pd.DataFrame(
            columns=TOTAL_COLUMNS
        )
    good["total_kind"] = "yearly" if value_col == "yearly" else "lifetime"
    return pd.DataFrame(columns=DAILY_COLUMNS), good.rename(columns={"when": "as_of", "value": "total"})[TOTAL_COLUMNS]


def finish(
    dailies: list[pd.DataFrame], totals: list[pd.DataFrame], report: Report
) -> tuple[pd.DataFrame, pd.DataFrame]:
    daily = pd.concat(dailies, ignore_index=True) if dailies else pd.DataFrame(columns=DAILY_COLUMNS)
    total = pd.concat(totals, ignore_index=True) if totals else pd.DataFrame(columns=TOTAL_COLUMNS)
    daily = drop_duplicate_keys(
        daily, ["member_id", "date"], ["points"], report, "党员同一天的积分", lambda r: str(r.date)
    )
    total = drop_duplicate_keys(
        total, ["member_id", "as_of"], ["total"], report, "党员同一统计日期的累计积分", lambda r: str(r.as_of)
    )
    return daily, total
