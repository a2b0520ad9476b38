"""考评: one event a row — 民主评议 grades, honours, volunteering, deductions, veto items."""

from __future__ import annotations

import pandas as pd

from etl.members import MemberMatcher
from etl.normalize import compact, number, text, years_in
from etl.rules import APPRAISAL, GRADES, HONOUR, LEVELS, Rules
from etl.sources.common import match_members, parse_dates
from etl.sources.context import SheetContext
from etl.validate import Report

FIELDS = {
    "name": ("姓名", "党员姓名", "名字"),
    "item": ("项目", "事项", "考评项目", "加扣分项目", "考评事项"),
    "date": ("日期", "时间", "发生日期", "考评日期"),
    "year": ("年度", "年份", "考评年度", "评议年度"),
    "grade": ("评议等次", "等次", "评议结果", "评定等次", "评议等级"),
    "points": ("分值", "分数", "加减分", "加扣分"),
    "level": ("级别", "表彰级别", "奖励级别"),
    "note": ("说明", "备注", "事由"),
    "party_group": ("党小组", "所在党小组"),
    "member_code": ("党员编号", "工号"),
}
CLEAN_COLUMNS = ["member_id", "item", "date", "year", "grade", "points", "level", "note", "src_sheet", "src_row"]


def requirement_met(found: set[str]) -> bool:
    return {"name", "item"} <= found and bool({"date", "year"} & found)


def validate(
    records: pd.DataFrame, sheet: SheetContext, report: Report, matcher: MemberMatcher, rules: Rules
) -> pd.DataFrame:
    frame = records.reset_index(drop=True)
    if frame.empty:
        return pd.DataFrame(columns=CLEAN_COLUMNS)
    if "date" in frame:
        frame["date_parsed"] = parse_dates(
            frame, "date", sheet, report, sheet.label("date"), rules.date_window(), required=False
        )
    else:
        frame["date_parsed"] = None
    frame["member_id"] = match_members(frame, matcher, sheet, report)
    known = rules.known_items
    most_points = rules.limits["item_points_max"]
    out = []
    for rec in frame.to_dict("records"):
        row = rec["src_row"]

        def add(col, value, reason, hint, row=row):
            report.add(sheet.name, row, sheet.label(col), value, reason, hint)

        issues_before = report.count
        item = rules.canonical_item(compact(rec.get("item")))
        points_raw = text(rec.get("points"))
        points = number(points_raw) if points_raw else None
        if points_raw and points is None:
            add("points", points_raw, "分值不是数字", "分值应为数字，加分为正、扣分为负")
        elif points is not None and abs(points) > most_points:
            add(
                "points",
                points_raw,
                f"分值超出合理范围（绝对值最多 {most_points:g}）",
                "分值应为加分为正、扣分为负的合理数字",
            )
        if not item:
            add("item", "", "项目为空", "请填写考评项目，如 表彰、志愿服务、民主评议")
        elif item not in known and points is None:
            add("item", item, "未知的考评项目，且未填写分值", "请使用规则中的项目名称，或在“分值”列写明加减分")
        grade = compact(rec.get("grade")) or None
        if item == APPRAISAL and grade not in GRADES:
            add(
                "grade",
                grade or "",
                "民主评议等次无法识别" if grade else "民主评议缺少评议等次",
                "等次应为：" + "、".join(GRADES),
            )
        level = compact(rec.get("level")) or None
        if item == HONOUR and points is None and level not in LEVELS:
            add(
                "level",
                level or "",
                "表彰级别无法识别" if level else "表彰缺少级别",
                "级别应为：" + "、".join(LEVELS) + "；或填写分值",
            )
        year_text = text(rec.get("year"))
        years = years_in(year_text)
        if year_text and len(years) != 1:
            add("year", year_text, "无法识别的年度", "年度请写成 2020 或 2020年度")
        elif years and not rules.year_in_window(next(iter(years))):
            first, last = rules.date_window()
            add("year", year_text, f"年度不在合理范围内（{first.year} 至 {last.year}）", "年度请写成 2020 或 2020年度")
        date = rec.get("date_parsed")
        if date is None and not years and not year_text and text(rec.get("date")) == "":
            add("date", "", "日期和年度都为空", "请填写发生日期，或民主评议所属的年度")
        if report.count > issues_before or rec["member_id"] is None or (text(rec.get("date")) and date is None):
            continue
        year = years.pop() if len(years) == 1 else date.year
        out.append(
            {
                "member_id": int(rec["member_id"]),
                "item": item,
                "date": date,
                "year": year,
                "grade": grade,
                "points": points,
                "level": level,
                "note": text(rec.get("note")) or None,
                "src_sheet": sheet.name,
                "src_row": row,
            }
        )
    return pd.DataFrame(out, columns=CLEAN_COLUMNS)
