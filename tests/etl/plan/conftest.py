"""A small branch for the work plan, built from real files through the loader, and its checklist."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from etl.db import Database
from etl.plan.checklist import Checklist, checklist
from etl.rules import Rules
from tests import filebuilders as fb
from tests.conftest import BRANCH, load_path

_counter = itertools.count()

# Four members on the roster in 2025 — 李四 a 预备党员 — and 赵六, who transferred out in December 2024.
ROSTER = [
    ["姓名", "党小组", "党员类别", "是否支委", "转出日期"],
    ["张三", "第一党小组", "正式党员", "是", ""],
    ["李四", "第一党小组", "预备党员", "", ""],
    ["王五", "第二党小组", "正式", "", ""],
    ["钱七", "第二党小组", "正式", "", ""],
    ["赵六", "第二党小组", "正式", "", "2024-12-20"],
]
MEMBERS_IN_2025 = ["张三", "李四", "王五", "钱七"]


class PlanBranch:
    """Files as a secretary keeps them, each loaded through read → validate → commit."""

    def __init__(self, db: Database, folder: Path):
        self.db, self.folder = db, folder

    def _load(self, path: Path, **kw):
        prepared, result = load_path(self.db, path, **kw)
        assert result is not None, prepared.report.text()
        return result

    def csv(self, name: str, rows: list[list], **kw):
        return self._load(fb.csv_file(self.folder / f"{next(_counter)}-{name}.csv", rows), **kw)

    def roster(self):
        return self.csv("党员名册", ROSTER)

    def attendance(self, *rows):
        """rows as (date, type, name, mark)."""
        return self.csv("考勤", [["日期", "活动类型", "姓名", "状态"], *rows])

    def talks(self, *rows):
        """A 谈心谈话记录表: rows as (谈话时间, 谈话对象); the type comes from the file's name."""
        return self.csv("谈心谈话记录表", [["谈话时间", "谈话人", "谈话对象"], *[(d, "张三", who) for d, who in rows]])

    def visits(self, *rows):
        """A 走访慰问登记表: rows as (走访时间, 走访对象)."""
        return self.csv(
            "走访慰问登记表",
            [["走访时间", "走访对象", "走访人", "慰问品"], *[(d, w, "张三", "米、油") for d, w in rows]],
        )

    def records(self, *rows):
        """A record file with a 类型 column: rows as (日期, 类型, 对象, 主题). (With 参加人员 instead of 对象
        the same columns are a meeting ledger's, and 春训 / 冬训 there is the activity 春训冬训.)"""
        return self.csv("工作记录", [["日期", "类型", "对象", "主题"], *rows])

    def ledger(self, *rows):
        """A 会议台账 (xlsx, a merged title row): rows as (会议日期, 会议类型, 参会人员名单, 会议名称)."""
        path = self.folder / f"{next(_counter)}-会议台账.xlsx"
        sheet = [["2025年会议台账"], ["会议日期", "会议类型", "参会人员名单", "会议名称"], *rows]
        return self._load(fb.xlsx(path, {"全部会议": sheet}, {"全部会议": ["A1:D1"]}))

    def appraisals(self, *rows):
        """rows as (name, 年度, 日期, 评议等次)."""
        return self.csv(
            "民主评议",
            [["姓名", "项目", "年度", "日期", "评议等次"], *[(n, "民主评议", y, d, g) for n, y, d, g in rows]],
        )

    def study(self, *rows):
        """rows as (name, date, points)."""
        return self.csv("学习强国", [["姓名", "日期", "当日积分"], *rows])

    def checklist(self, year: int, as_of: dt.date, rules: Rules | None = None) -> Checklist:
        with self.db.connect() as con:
            return checklist(con, BRANCH, year, as_of=as_of, rules=rules)


@pytest.fixture
def branch(db, tmp_path) -> PlanBranch:
    b = PlanBranch(db, tmp_path)
    b.roster()
    return b


def item(result: Checklist, key: str) -> dict:
    """One item's row as a dict."""
    rows = result.items[result.items["key"] == key].to_dict("records")
    assert len(rows) == 1, f"no item {key}"
    return rows[0]
