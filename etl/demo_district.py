"""District demo: many schools' branches for one year, written as the files their secretaries would
upload and loaded through the normal loader (`etl demo --scale district`).

At full size — 300 branches of 60 members — that is 18,000 members, about 6.6 million daily 学习强国
rows and about 0.85 million attendance records: the scale docs/scale.md is measured at. Large sources
are CSV (a third of the branches' in GBK, as Excel saves them), the rest xlsx. Every branch has its own
character (how reliably its members attend and study), drawn from its own seeded stream, so the files
are identical on every machine and any branch can be rebuilt alone.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl import pipeline, writers
from etl.db import Database
from etl.demo import GIVEN, SURNAMES, YEAR

BRANCHES, MEMBERS = 300, 60
PLACES = (
    "东城西城南湖北苑河畔青山翠园滨江长安阳光新华红星育才启明光明文昌朝阳春晖明德博雅致远崇文"
    "金桥银河紫荆梧桐桃李松柏竹林兰亭星光月湖云溪清泉碧水丹枫玉泉"
)
SCHOOL_KINDS = (
    "小学",
    "中学",
    "实验学校",
    "初级中学",
    "幼儿园",
    "第二小学",
    "外国语学校",
    "职业学校",
    "高级中学",
    "第一小学",
)
GROUPS = ("第一党小组", "第二党小组", "第三党小组")
MARK_WORDS = ("出席", "迟到", "请假", "缺席")


def branch_names(count: int) -> list[str]:
    """Distinct, stable school branch names: 东城小学党支部, 东城中学党支部, …"""
    places = [PLACES[i : i + 2] for i in range(0, len(PLACES), 2)]
    names = [f"{place}{kind}党支部" for kind in SCHOOL_KINDS for place in places]
    if count > len(names):
        names += [f"{places[i % len(places)]}第{i}学校党支部" for i in range(len(names), count)]
    return names[:count]


@dataclass
class Branch:
    name: str
    seed: int
    members: list[str]
    attend: float  # how likely a member is present at an activity
    study: float  # how likely a member studies on a given day
    gbk: bool  # its CSVs saved by an older Excel, in GBK

    def group(self, k: int) -> str:
        return GROUPS[k % 3]


def make_branch(index: int, name: str, members: int) -> Branch:
    rng = random.Random(YEAR * 1000 + index)
    names: list[str] = []
    while len(names) < members:
        person = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        if person not in names:
            names.append(person)
    return Branch(name, YEAR * 1000 + index, names, rng.uniform(0.78, 0.97), rng.uniform(0.55, 0.95), index % 3 == 0)


def roster_rows(b: Branch) -> list[list]:
    rows = [[f"{b.name} {YEAR}年党员名册"], ["姓名", "党员编号", "所在党小组", "党员类别", "是否支委", "校区"]]
    for k, person in enumerate(b.members):
        rows.append([person, f"D{b.seed % 1000:03d}{k:03d}", b.group(k), "正式党员", "是" if k < 5 else "", "本部"])
    return rows


def activities(b: Branch) -> list[tuple[dt.date, str, str | None]]:
    """(date, type, group or None for everyone, or '支委' for the committee)."""
    acts = [(dt.date(YEAR, 2, 26), "春训冬训", None), (dt.date(YEAR, 12, 28), "组织生活会", None)]
    for month in range(1, 13):
        acts += [(dt.date(YEAR, month, 15), "主题党日", None), (dt.date(YEAR, month, 5), "固定学习日", None)]
        acts.append((dt.date(YEAR, month, 8), "支委会", "支委"))
        acts += [(dt.date(YEAR, month, 20 + g), "党小组会", group) for g, group in enumerate(GROUPS)]
    for month in (3, 6, 9, 12):
        acts += [(dt.date(YEAR, month, 25), "支部党员大会", None), (dt.date(YEAR, month, 26), "党课", None)]
    return sorted(acts)


def attendance_frame(b: Branch) -> pd.DataFrame:
    """考勤明细 in the long layout: one row per member expected at an activity."""
    rng = np.random.default_rng(b.seed)
    rows = []
    for day, kind, who in activities(b):
        for k, person in enumerate(b.members):
            if (who == "支委" and k >= 5) or (who in GROUPS and b.group(k) != who):
                continue
            rows.append((f"{day.year}/{day.month}/{day.day}", kind, f"{day.month}月{kind}", person))
    frame = pd.DataFrame(rows, columns=["日期", "活动类型", "主题", "姓名"])
    p = rng.random(len(frame))
    odds = np.array([b.attend, b.attend + 0.04, b.attend + 0.04 + (1 - b.attend) / 2])
    frame["出勤情况"] = np.array(MARK_WORDS)[np.searchsorted(odds, p)]
    return frame


def study_frame(b: Branch) -> pd.DataFrame:
    """学习强国积分明细: every member every day of the year, 0 on a day without study."""
    rng = np.random.default_rng(b.seed + 1)
    days = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31", freq="D")
    count = len(days) * len(b.members)
    studied = rng.random(count) < b.study
    points = np.where(studied, rng.integers(5, 46, count), 0)
    return pd.DataFrame(
        {
            "姓名": np.tile(b.members, len(days)),
            "所属组织": b.name,
            "日期": np.repeat(days.strftime("%Y-%m-%d").to_numpy(), len(b.members)),
            "当日积分": points,
        }
    )


def assessment_rows(b: Branch) -> list[list]:
    rng = random.Random(b.seed + 2)
    rows = [[f"{b.name} {YEAR}年度党员考评登记"], ["姓名", "项目", "日期", "年度", "评议等次", "级别", "说明"]]
    grades = rng.choices(("优秀", "合格", "基本合格", "不合格"), weights=(25, 70, 4, 1), k=len(b.members))
    for person, grade in zip(b.members, grades):
        rows.append([person, "民主评议", dt.date(YEAR + 1, 1, 12), f"{YEAR}年度", grade, None, None])
    for person in rng.sample(b.members, len(b.members) // 6):
        day = dt.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
        rows.append([person, "表彰", day, None, None, rng.choice(("校级", "区级", "市级")), "优秀教师"])
    for person in rng.sample(b.members, len(b.members) // 3):
        day = dt.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
        rows.append([person, "志愿服务", day, None, None, None, "社区志愿服务"])
    return rows


def _csv(path: Path, frame: pd.DataFrame, gbk: bool) -> Path:
    text = writers.csv_text(frame).replace("\n", "\r\n")  # as Excel saves a CSV
    path.write_bytes(text.encode("gbk") if gbk else ("\ufeff" + text).encode("utf-8"))
    return path


def write_branch(folder: Path, b: Branch) -> list[Path]:
    """The branch's four files, roster first."""
    folder.mkdir(parents=True, exist_ok=True)
    roster = writers.write(folder / "党员名册.xlsx", [writers.Sheet("党员名册", roster_rows(b), ["A1:F1"])])
    attendance = _csv(folder / f"{YEAR}年考勤明细.csv", attendance_frame(b), b.gbk)
    study = _csv(folder / f"{YEAR}年学习强国积分明细.csv", study_frame(b), b.gbk)
    assessment = writers.write(
        folder / f"{YEAR}年度党员考评.xlsx", [writers.Sheet("考评登记", assessment_rows(b), ["A1:G1"])]
    )
    return [roster, attendance, study, assessment]


def build(
    db: Database,
    files_dir: Path,
    branches: int = BRANCHES,
    members: int = MEMBERS,
    user: str = "演示",
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write and load every branch's files; a summary of what was loaded."""
    db.init()
    with db.held():
        return _build(db, files_dir, branches, members, user, progress)


def _build(db, files_dir, branches, members, user, progress) -> dict:
    totals = {"branches": 0, "files": 0, "rows": 0, "write_seconds": 0.0, "load_seconds": 0.0}
    for index, name in enumerate(branch_names(branches)):
        b = make_branch(index, name, members)
        started = time.perf_counter()
        paths = write_branch(files_dir / f"{index + 1:03d}", b)
        totals["write_seconds"] += time.perf_counter() - started
        for path in paths:
            started = time.perf_counter()
            parsed = pipeline.read_file(path.read_bytes(), path.name)
            prepared = pipeline.validate(db, b.name, parsed)
            if not prepared.ok:
                raise RuntimeError(prepared.report.text())
            result = pipeline.commit(db, prepared, user)
            totals["load_seconds"] += time.perf_counter() - started
            totals["files"] += 1
            totals["rows"] += result.rows_loaded
        totals["branches"] += 1
        if progress:
            progress(f"[{index + 1}/{branches}] {b.name}：累计 {totals['rows']:,} 行")
    return totals
