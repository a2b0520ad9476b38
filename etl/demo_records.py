"""The demo branch's 工作记录 for the year (etl/demo.py writes and loads it with the other files): the
plan evidence a branch keeps beside 三会一课, as one workbook of the sheets secretaries keep, with the
gaps a real year has — so that every status of the work plan shows:

* 谈心谈话: every member talked to once, but one (GAP_TALK) never;
* 走访慰问: the 春节 visits (the lunar new year is 2025-01-29) to retired members and a member in
  hardship, none at 七一, and one in October to a member on sick leave;
* 廉洁承诺书: signed by all but two (GAP_PLEDGE), the list naming them with an empty signature;
* 党风廉政建设专题会 once (the plan asks for two), 政治学习 twice a month but once in November, 春训 held
  and 冬训 not yet.

Deterministic and drawing nothing from the demo's random stream, so the other files — and every
score — are the same as without it. Records change no score anyway.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl import writers

GAP_TALK = 11  # the member nobody talked to
GAP_PLEDGE = (17, 23)  # the members who have not signed
RETIRED = ("退休党员 周老师", "退休党员 黄老师")  # not on the roster: kept as text


def _talks(year: int, people) -> tuple[list[list], list[str]]:
    rows = [[f"{year}年谈心谈话记录表"], ["序号", "谈话时间", "谈话人", "谈话对象", "谈话地点", "谈话内容"]]
    merges = ["A1:F1"]
    talked = [p for i, p in enumerate(people) if i != GAP_TALK]
    for k, p in enumerate(talked):
        month = 3 + k % 9 if p.transferred_in is None else 5  # Mar–Nov; a member who joined in April, in May
        if p.transferred_out and month > p.transferred_out.month:
            month = 9
        leader = people[0] if p is not people[0] else people[1]
        rows.append(
            [k + 1, f"{month}月{5 + k % 20}日", leader.name, p.name, "党员活动室", "谈思想、谈工作（已记录在册）"]
        )
    return rows, merges


def _visits(year: int, people) -> list[list]:
    hardship = people[25]  # on sick leave in the autumn (the demo's 免 in September and October)
    return [
        [f"{year}年走访慰问登记表"],
        ["时间", "走访对象", "走访人", "慰问品"],
        [dt.date(year, 1, 20), "、".join(RETIRED), people[0].name, "米、油、慰问信"],
        [dt.date(year, 1, 22), hardship.name, people[1].name, "慰问金500元"],
        [dt.date(year, 10, 12), hardship.name, people[0].name, "水果"],
    ]


def _pledges(year: int, people) -> list[list]:
    rows = [[f"{year}年廉洁承诺书签订名单"], ["序号", "姓名", "党小组", "签订日期", "本人签字"]]
    for k, p in enumerate(people):
        signed = k not in GAP_PLEDGE
        day = dt.date(year, 4, 10) if p.transferred_in else dt.date(year, 2, 28)
        rows.append([k + 1, p.name, p.group, day if signed else None, p.name if signed else None])
    return rows


def _meetings(year: int, people) -> list[list]:
    """专题会, 政治学习 (the 2nd and 4th Wednesday, one missed in November) and 春训, one table."""
    rows = [[f"{year}年专题会及政治学习记录"], ["日期", "类型", "参加人员", "负责人", "主题"]]
    rows.append([dt.date(year, 2, 26), "春训", "全体党员", people[0].name, f"{year}年党员春训"])
    rows.append([dt.date(year, 4, 18), "党风廉政建设专题会", "全体党员", people[0].name, "党风廉政建设专题会"])
    for month in range(1, 13):
        wednesdays = [d for d in range(1, 29) if dt.date(year, month, d).weekday() == 2]
        for day in wednesdays[1::2][: 1 if month == 11 else 2]:
            rows.append(
                [dt.date(year, month, day), "教职工政治学习", "全体教职工", people[1].name, f"{month}月政治学习"]
            )
    return rows


def records_file(folder: Path, year: int, people) -> Path:
    """2025年工作记录.xlsx: a sheet per kind of record, each with its title row."""
    talks, merges = _talks(year, people)
    sheets = [
        writers.Sheet("谈心谈话记录表", talks, merges),
        writers.Sheet("走访慰问登记表", _visits(year, people), ["A1:D1"]),
        writers.Sheet("廉洁承诺书签订名单", _pledges(year, people), ["A1:E1"]),
        writers.Sheet("专题会及政治学习", _meetings(year, people), ["A1:E1"]),
    ]
    return writers.write(folder / f"{year}年工作记录.xlsx", sheets)
