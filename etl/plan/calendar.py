"""Dates of the plan: 春节 from the lunar calendar, an item's windows, due dates and checkpoints in a year.

春节 (the lunar new year) comes from lunar_python, never a hand-kept table: it falls between 21 January
and 20 February, so "30 days either side" moves by weeks from one year to the next.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass

from lunar_python import Lunar

from etl.errors import PlanError
from etl.plan.plan_file import PlanItem, When


def spring_festival(year: int) -> dt.date:
    """正月初一 of the lunar year that begins in ``year``."""
    solar = Lunar.fromYmd(year, 1, 1).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def resolve(when: When, year: int, unit_end: dt.date | None = None) -> dt.date:
    """The date ``when`` names in the plan's ``year`` (期末: the end of the unit it belongs to)."""
    if when.anchor == "end":
        if unit_end is None:
            raise ValueError("期末 needs its unit")
        return unit_end
    if when.anchor == "spring":
        return spring_festival(year) + dt.timedelta(days=when.offset)
    return dt.date(year + (when.anchor == "next_year"), when.month, when.day)


@dataclass(frozen=True)
class Unit:
    """One stretch an item is counted over: the year, a window in it, a quarter or a month."""

    label: str
    start: dt.date
    end: dt.date
    due: dt.date
    checkpoints: tuple[tuple[dt.date, int], ...] = ()


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _cal.monthrange(year, month)[1])


def units_of(item: PlanItem, year: int, exempt_months: list[int] | tuple[int, ...] = ()) -> list[Unit]:
    """The units of an item (not of a 三会一课 item: the scoring engine's compliance gives those)."""
    if item.per == "month":
        skipped = set(exempt_months) if item.skip_exempt_months else set()
        return [
            Unit(f"{year}-{m:02d}", dt.date(year, m, 1), _month_end(year, m), _month_end(year, m))
            for m in range(1, 13)
            if m not in skipped
        ]
    if item.per == "quarter":
        return [
            Unit(f"{year}-Q{q}", dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q), _month_end(year, 3 * q))
            for q in range(1, 5)
        ]
    start, end, label = dt.date(year, 1, 1), dt.date(year, 12, 31), str(year)
    if item.window:
        start, end = resolve(item.window[0], year), resolve(item.window[1], year)
        if start > end:
            raise PlanError(f"计划“items.{item.key}.window”的起点 {start} 晚于终点 {end}")
        label = f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    due = resolve(item.due, year, end)
    if due < start:
        raise PlanError(f"计划“items.{item.key}.due”的到期日 {due} 早于证据的起点 {start}")
    points = tuple((resolve(p.by, year), p.count) for p in item.checkpoints)
    for i, (by, _) in enumerate(points):
        if not start <= by <= due:
            raise PlanError(f"计划“items.{item.key}.checkpoints[{i}].by”的日期 {by} 不在 {start} 到到期日 {due} 之间")
    return [Unit(label, start, end, due, points)]
