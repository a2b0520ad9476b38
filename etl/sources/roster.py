"""党员名册: one row a member. A roster file is the whole roster unless loaded as partial."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.members import MemberMatcher, describe
from etl.normalize import category, compact, parse_date, parse_year_month, text, yes_no
from etl.rules import Rules, today
from etl.sources.common import in_window
from etl.sources.context import SheetContext
from etl.validate import Report, rows_text

FIELDS = {
    "name": ("姓名", "党员姓名", "名字"),
    "party_group": ("党小组", "所在党小组", "所属党小组", "党小组名称"),
    "category": ("党员类别", "类别", "党员类型", "党员身份"),
    "member_code": ("党员编号", "工号", "编号", "教工号", "职工号"),
    "gender": ("性别",),
    "birth": ("出生年月", "出生日期", "出生年月日"),
    "joined": ("入党时间", "入党日期", "入党年月"),
    "position": ("职务", "岗位", "职务/岗位", "职务岗位"),
    "campus": ("校区", "责任区", "校区/责任区", "所在校区"),
    "is_committee": ("支委", "是否支委", "支委委员", "是否为支委", "支部委员"),
    "transferred_in": ("转入日期", "转入时间"),
    "transferred_out": ("转出日期", "转出时间"),
}
REQUIRED = ("name", "party_group", "category")
CLEAN_COLUMNS = [
    "member_id",
    "name",
    "member_code",
    "party_group",
    "category",
    "gender",
    "birth",
    "joined",
    "position",
    "campus",
    "is_committee",
    "transferred_in",
    "transferred_out",
    "src_sheet",
    "src_row",
]


def validate(
    records: pd.DataFrame, sheet: SheetContext, report: Report, matcher: MemberMatcher, rules: Rules
) -> pd.DataFrame:
    """Clean roster rows; member_id is the existing member's, or NA for a new one."""
    first = dt.date(rules.limits["roster_first_year"], 1, 1)
    windows = {
        "birth": (first, today()),
        "joined": (first, rules.date_window()[1]),
        "transferred_in": (first, rules.date_window()[1]),
        "transferred_out": (first, rules.date_window()[1]),
    }
    names = {"birth": "出生年月", "joined": "入党时间", "transferred_in": "转入日期", "transferred_out": "转出日期"}
    out = []
    for rec in records.to_dict("records"):
        row = rec["src_row"]
        name = compact(rec.get("name"))
        if not name:
            report.add(sheet.name, row, sheet.label("name"), "", "姓名为空", "请填写姓名，或删除该行")
            continue
        cat = category(rec.get("category"))
        if cat is None:
            report.add(
                sheet.name,
                row,
                sheet.label("category"),
                text(rec.get("category")),
                "无法识别的党员类别",
                "请填写“正式”或“预备”",
            )
            continue
        committee = yes_no(rec.get("is_committee"))
        if committee is None:
            report.add(
                sheet.name,
                row,
                sheet.label("is_committee"),
                text(rec.get("is_committee")),
                "无法识别的支委标记",
                "请填写“是”或“否”（空白视为否）",
            )
            continue
        clean = {
            "name": name,
            "member_code": compact(rec.get("member_code")) or None,
            "party_group": compact(rec.get("party_group")) or None,
            "category": cat,
            "gender": compact(rec.get("gender")) or None,
            "position": text(rec.get("position")) or None,
            "campus": compact(rec.get("campus")) or None,
            "is_committee": committee,
            "src_sheet": sheet.name,
            "src_row": row,
        }
        bad = False
        for field, parse in (
            ("birth", parse_year_month),
            ("joined", parse_year_month),
            ("transferred_in", parse_date),
            ("transferred_out", parse_date),
        ):
            try:
                clean[field] = in_window(parse(rec.get(field)), windows[field], names[field]) if field in rec else None
            except ValueError as exc:  # a DateError, or a date outside its window
                report.add(
                    sheet.name,
                    row,
                    sheet.label(field),
                    text(rec.get(field)),
                    str(exc),
                    "日期请写成 2020-03-15 或 2020年3月15日；出生年月可写 1985.03",
                )
                bad = True
        if bad:
            continue
        clean["member_id"] = _existing_member(matcher, clean)
        out.append(clean)
    frame = pd.DataFrame(out, columns=CLEAN_COLUMNS)
    _check_duplicates(frame, sheet, report)
    return frame


def _existing_member(matcher: MemberMatcher, row: dict):
    """The member this roster row is, if we know them already (by code, else name + group, else
    a unique name); None for a new member."""
    roster = matcher.roster
    if row["member_code"]:
        same = roster[roster["_code"] == row["member_code"]]
        if len(same) == 1:
            return int(same["member_id"].iloc[0])
    same_name = roster[roster["_name"] == row["name"]]
    if row["member_code"]:  # a code we have not seen, or a name that other codes already hold
        same_name = same_name[same_name["_code"].isin(["", row["member_code"]])]
    same_group = same_name[same_name["_group"] == (row["party_group"] or "")]
    for candidates in (same_group, same_name):
        if len(candidates) == 1:
            return int(candidates["member_id"].iloc[0])
    return None


def _check_duplicates(frame: pd.DataFrame, sheet: SheetContext, report: Report) -> None:
    """One issue per row that repeats a member: a repeated 党员编号, a repeated name within a group,
    or else several rows that are one member already on the roster."""
    flagged: set[int] = set()
    keyed = frame.assign(
        _key=frame["member_code"].fillna("") + "|" + frame["name"] + "|" + frame["party_group"].fillna("")
    )
    coded = frame[frame["member_code"].notna()]
    for _, group in coded.groupby("member_code"):
        if len(group) > 1:
            flagged.update(group["src_row"])
            who = describe(group.assign(status="在册"))  # once per code, not once per row
            for r in group.itertuples():
                report.add(
                    sheet.name,
                    r.src_row,
                    sheet.label("member_code"),
                    r.member_code,
                    f"党员编号重复：{who}",
                    "同一编号只能对应一位党员",
                )
    for _, group in keyed[keyed["member_code"].isna()].groupby("_key"):
        if len(group) > 1:
            flagged.update(group["src_row"])
            rows = rows_text(group["src_row"])
            for r in group.itertuples():
                report.add(
                    sheet.name,
                    r.src_row,
                    sheet.label("name"),
                    r.name,
                    f"同一党小组内姓名重复（{rows}）",
                    "如确为两人，请填写党员编号加以区分；否则删除重复行",
                )
    matched = frame[frame["member_id"].notna() & ~frame["src_row"].isin(flagged)]
    repeated = matched[matched["member_id"].duplicated(keep=False)]
    for _, group in repeated.groupby("member_id", sort=False):
        for r in group.itertuples():
            report.add(
                sheet.name,
                r.src_row,
                sheet.label("name"),
                r.name,
                "多行对应名册中的同一位党员",
                "请删除重复行，或填写党员编号加以区分",
            )
