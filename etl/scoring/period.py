"""Periods: a month '2020-03', a quarter '2020-Q1' or a year '2020'."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from etl.errors import BadPeriod

_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})-?[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
)


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    grain: str  # month | quarter | year
    label: str

    @property
    def year(self) -> int:
        return self.start.year

    def months(self) -> list[Period]:
        return [month(self.year, m) for m in range(self.start.month, self.end.month + 1)]

    def previous(self) -> Period:
        if self.grain == "year":
            return parse(str(self.year - 1))
        if self.grain == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return parse(f"{self.year - 1}-Q4" if q == 1 else f"{self.year}-Q{q - 1}")
        return month(self.year - 1, 12) if self.start.month == 1 else month(self.year, self.start.month - 1)

    def __str__(self) -> str:
        return self.label


def month_index(day: dt.date) -> int:
    """Months counted from year 0 (year × 12 + month − 1), as the attendance_months and
    absence_runs views count them: consecutive months differ by one."""
    return day.year * 12 + day.month - 1


def month(year: int, m: int) -> Period:
    return Period(dt.date(year, m, 1), dt.date(year, m, calendar.monthrange(year, m)[1]), "month", f"{year}-{m:02d}")


def parse(text: str) -> Period:
    """A period from its label; :class:`BadPeriod` (a usage error, in Chinese) for anything else."""
    value = str(text).strip()
    for pattern, grain in _PATTERNS:
        m = pattern.match(value)
        if not m:
            continue
        year = int(m[1])
        if grain == "month" and 1 <= int(m[2]) <= 12:
            return month(year, int(m[2]))
        if grain == "quarter":
            q = int(m[2])
            return Period(dt.date(year, 3 * q - 2, 1), month(year, 3 * q).end, "quarter", f"{year}-Q{q}")
        if grain == "year":
            return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", str(year))
    raise BadPeriod(f"无法识别的统计期“{text}”：请写成 2020-03（月）、2020-Q1（季度）或 2020（年）")
