"""A tiny branch built from real CSV files through the loader, and its scores."""

from __future__ import annotations

import itertools
from pathlib import Path

from etl.db import Database
from etl.rules import load_rules
from etl.scoring import engine, service
from tests import filebuilders as fb
from tests.conftest import BRANCH, load_path

_counter = itertools.count()


class Branch:
    def __init__(self, db: Database, folder: Path):
        self.db, self.folder = db, folder

    def _load(self, header, rows, **kw):
        path = fb.csv_file(self.folder / f"f{next(_counter)}.csv", [header, *rows])
        prepared, result = load_path(self.db, path, **kw)
        assert result is not None, prepared.report.text()
        return result

    def roster(self, *members, committee=()):
        """members as 'name' or 'name/group'; names in ``committee`` are 支委."""
        rows = []
        for m in members:
            name, _, group = m.partition("/")
            rows.append([name, group or "一组", "正式", "是" if name in committee else "否"])
        return self._load(["姓名", "党小组", "党员类别", "是否支委"], rows)

    def attendance(self, *rows):
        """rows as (date, type, name, mark)."""
        return self._load(["日期", "活动类型", "姓名", "状态"], rows)

    def daily(self, *rows):
        return self._load(["姓名", "日期", "当日积分"], rows)

    def totals(self, *rows, kind="总积分"):
        return self._load(["姓名", "统计日期", kind], rows)

    def items(self, *rows):
        """rows as (name, item, date, year, grade, level, points)."""
        return self._load(["姓名", "项目", "日期", "年度", "评议等次", "级别", "分值"], rows)

    def members(self, period, rules=None) -> dict:
        rules = rules or load_rules()
        with self.db.connect() as con:
            frame = service.member_scores_con(con, BRANCH, period, rules)
        return {r["name"]: r for r in frame.to_dict("records")}

    def branch(self, period, rules=None):
        rules = rules or load_rules()
        with self.db.connect() as con:
            return service.branch_score_con(con, BRANCH, period, rules)


def absent_all_year_except(name: str, months_present=(), leave_months=()):
    """A 主题党日 on the 15th of every month of 2020: absent, except where told."""
    rows = []
    for m in range(1, 13):
        mark = "√" if m in months_present else ("假" if m in leave_months else "×")
        rows.append((f"2020-{m:02d}-15", "主题党日", name, mark))
    return rows


def close(a, b, tol=1e-9):
    return a is not None and abs(a - b) < tol


__all__ = ["Branch", "absent_all_year_except", "close", "engine"]
