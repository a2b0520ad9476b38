"""Small district demo (`etl demo --scale small`): six schools' branches of clearly different character
over two full years, and the district those branches report to.

The branch side is the normal one: each branch's files are written as its secretary would keep them
and loaded through read → validate → load into one database. The district side is fed only by what
schools send: every branch has its own Ed25519 key, exports a signed snapshot of each quarter and
year, and the district database beside it registers each branch (with its school) and its public key,
then imports every snapshot through etl.snapshot.importer. So the district's numbers can be compared
with the branches' own, and the district pages have something real to show.

The characters are fixed by design, not by chance: the numbers they show (a strong branch's 堡垒指数
above a weak one's, unmet 三会一课 where meetings were skipped, a vetoed member) follow from the
parameters below, and each branch's random stream is seeded by its position, so the files and the
scores are the same on every machine.
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

from etl import branches, pipeline, writers
from etl.db import Database
from etl.demo import GIVEN, SURNAMES
from etl.demo_district import GROUPS
from etl.scoring.period import Period, parse
from etl.snapshot import export, importer, keys, trust

YEARS = (2024, 2025)
PERIODS: list[Period] = [parse(f"{y}-Q{q}") for y in YEARS for q in range(1, 5)] + [parse(str(y)) for y in YEARS]
USER = "演示"
MARKS = ("出席", "迟到", "请假", "缺席")

Miss = tuple[int, int, str, "str | None"]  # (year, month, activity type, party group or None): not held


@dataclass(frozen=True)
class Character:
    """What makes a branch what it is. Chances are per member per occasion; each member's own
    attendance and study habit scatter a little around the branch's."""

    name: str
    school: str
    about: str  # a few words, for the progress line and the docs
    members: int
    committee: int  # members on the 支委会; 0: no committee (a branch under seven has only a secretary)
    groups: int
    present: float  # chance of 出席; then 迟到 and 请假 at the chances below, 缺席 for the rest
    late: float
    leave: float
    study: float  # chance a member studies on a given day
    points: tuple[int, int]  # a study day's points
    grades: tuple[int, int, int, int]  # weights of 优秀, 合格, 基本合格, 不合格 in the annual appraisal
    honours: int  # 表彰 a year
    volunteering: int  # 志愿服务 a year
    totals: bool = False  # 学习强国 as cumulative totals at each month's end instead of daily points
    gbk: bool = False  # its CSVs saved by an older Excel
    missed: frozenset[Miss] = frozenset()
    items: tuple[tuple[int, str, str], ...] = ()  # (member, item, ISO date) beside honours and volunteering
    failed: tuple[tuple[int, int], ...] = ()  # (year, member) appraised 不合格 (a veto for that whole year)
    absent_from: tuple[int, int, int] | None = None  # (member, year, month): absent at everything from then on


def _gaps() -> frozenset[Miss]:
    """东湖中学's record: a group that stopped meeting in the spring, a committee that skipped the
    summer and the new year, a quarter's 党课 and 党员大会 not held, a 主题党日 missed now and then."""
    missed = {(y, m, "党小组会", "第二党小组") for y in YEARS for m in (3, 4, 5, 6, 7, 8)}
    missed |= {(y, m, "支委会", None) for y in YEARS for m in (1, 2, 7, 8)}
    missed |= {(2024, 9, "党课", None), (2025, 6, "党课", None), (2025, 9, "支部党员大会", None)}
    missed |= {(2024, 7, "主题党日", None), (2025, 8, "主题党日", None), (2025, 11, "党小组会", "第一党小组")}
    return frozenset(missed)


CHARACTERS = (
    Character(
        "城南实验小学党支部", "城南实验小学", "强：出勤与学习都好，三会一课齐全", 24, 5, 3,
        present=0.975, late=0.01, leave=0.01, study=0.95, points=(25, 46), grades=(70, 30, 0, 0),
        honours=18, volunteering=150,
        items=((1, "主讲党课", "2024-06-26"), (0, "主讲党课", "2025-03-26"), (3, "党员先锋岗", "2025-09-10")),
    ),
    Character(
        "河西第二中学党支部", "河西第二中学", "弱：缺席多、学习少、评议偏低", 28, 5, 3,
        present=0.62, late=0.10, leave=0.08, study=0.45, points=(5, 21), grades=(5, 60, 35, 0),
        honours=1, volunteering=4, gbk=True,
        missed=frozenset({(2024, 8, "党小组会", "第三党小组"), (2025, 7, "党小组会", "第三党小组")}),
        items=(
            (4, "党费逾期", "2024-05-10"), (4, "党费逾期", "2025-05-10"), (4, "党费逾期", "2025-06-10"),
            (7, "提醒谈话", "2025-09-03"), (11, "提醒谈话", "2024-10-15"),
        ),
    ),
    Character(
        "东湖中学党支部", "东湖中学", "三会一课有缺口：党员表现尚可，会议没开齐", 22, 5, 3,
        present=0.88, late=0.04, leave=0.04, study=0.8, points=(15, 40), grades=(25, 70, 5, 0),
        honours=3, volunteering=12, missed=_gaps(),
    ),
    Character(
        "北苑小学党支部", "北苑小学", "清零：2025 年一人连续缺席、一人有偿家教，2024 年一人评议不合格", 26, 5, 3,
        present=0.86, late=0.05, leave=0.05, study=0.75, points=(15, 40), grades=(25, 70, 5, 0),
        honours=3, volunteering=12, gbk=True,
        items=((2, "有偿家教", "2025-11-06"),), failed=((2024, 5),), absent_from=(9, 2025, 3),
    ),
    Character(
        "青山村小学党支部", "青山村小学", "不足七人：五名党员，只设书记、不设支委会", 5, 0, 1,
        present=0.9, late=0.04, leave=0.04, study=0.7, points=(10, 35), grades=(20, 75, 5, 0),
        honours=1, volunteering=4,
    ),
    Character(
        "滨江外国语学校党支部", "滨江外国语学校", "学习强国以累计积分上报（每月末一次）", 30, 5, 3,
        present=0.9, late=0.04, leave=0.03, study=0.85, points=(15, 45), grades=(30, 65, 5, 0),
        honours=4, volunteering=15, totals=True,
    ),
)  # fmt: skip


@dataclass
class People:
    names: list[str]
    groups: list[str]
    present: np.ndarray  # each member's own chance of 出席
    study: np.ndarray  # … and of studying on a day


def people(c: Character, rng: np.random.Generator) -> People:
    names: list[str] = []
    while len(names) < c.members:  # drawn name by name in a fixed order: the same names everywhere
        name = SURNAMES[rng.integers(len(SURNAMES))] + "".join(
            rng.choice(list(GIVEN), size=int(rng.integers(1, 3)), replace=False)
        )
        if name not in names:
            names.append(name)
    groups = [GROUPS[k % c.groups] for k in range(c.members)]
    # the less reliable a branch, the more its members differ from one another
    present = np.clip(c.present + rng.normal(0, 0.4 * (1 - c.present), c.members), 0.2, 0.995)
    study = np.clip(c.study + rng.normal(0, 0.4 * (1 - c.study) + 0.02, c.members), 0.05, 1.0)
    return People(names, groups, present, study)


def roster_rows(c: Character, p: People) -> list[list]:
    rows = [
        [f"{c.name} 党员名册"],
        ["姓名", "党员编号", "所在党小组", "党员类别", "入党时间", "职务", "是否支委", "校区"],
    ]
    for k, name in enumerate(p.names):
        committee = k < c.committee
        position = "支部书记" if k == 0 else ("支委" if committee else "教师")
        category = "预备党员" if k == c.members - 1 and c.members > 6 else "正式党员"
        joined = "2023年07月" if category == "预备党员" else f"{1990 + (k * 7) % 30}年{1 + k % 12:02d}月"
        rows.append(
            [
                name,
                f"{c.school[:2]}{k + 1:03d}",
                p.groups[k],
                category,
                joined,
                position,
                "是" if committee else "",
                "本部",
            ]
        )
    return rows


def activities(c: Character, year: int) -> list[tuple[dt.date, str, str | None]]:
    """(date, type, who) of the year's activities that were held: who is None for everyone, 支委 for
    the committee, or a party group."""
    acts: list[tuple[dt.date, str, str | None]] = [(dt.date(year, 2, 26), "春训冬训", None)]
    acts.append((dt.date(year, 12, 28), "组织生活会", None))
    for month in range(1, 13):
        acts.append((dt.date(year, month, 15), "主题党日", None))
        if c.committee:
            acts.append((dt.date(year, month, 8), "支委会", "支委"))
        acts += [(dt.date(year, month, 20 + g), "党小组会", GROUPS[g]) for g in range(c.groups)]
        if month % 3 == 0:
            acts += [(dt.date(year, month, 25), "支部党员大会", None), (dt.date(year, month, 26), "党课", None)]
    held = [
        a for a in acts if (year, a[0].month, a[1], a[2] if a[2] in GROUPS else None) not in c.missed
    ]  # a skipped meeting leaves no marks: that is what 三会一课 compliance sees
    return sorted(held)


def attendance_frame(c: Character, p: People, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """考勤明细 in the long layout: one row per member expected at an activity held."""
    rows, chance = [], []
    for day, kind, who in activities(c, year):
        for k, name in enumerate(p.names):
            if (who == "支委" and k >= c.committee) or (who in GROUPS and p.groups[k] != who):
                continue
            rows.append((f"{day.year}/{day.month}/{day.day}", kind, f"{day.month}月{kind}", name, k, day))
            chance.append(p.present[k])
    frame = pd.DataFrame(rows, columns=["日期", "活动类型", "主题", "姓名", "k", "day"])
    draw, present = rng.random(len(frame)), np.array(chance)
    odds = np.column_stack([present, present + c.late, present + c.late + c.leave])
    frame["出勤情况"] = np.array(MARKS)[(draw[:, None] >= odds).sum(axis=1)]
    if c.absent_from is not None:  # misses everything from then on, never excused: the absence veto
        k, y, m = c.absent_from
        gone = (frame["k"] == k) & (frame["day"] >= dt.date(y, m, 1))
        frame.loc[gone, "出勤情况"] = "缺席"
    return frame.drop(columns=["k", "day"])


def daily_points(c: Character, p: People, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """Every member's 学习强国 points on every day of the year (0 on a day without study)."""
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    studied = rng.random((len(days), c.members)) < p.study
    points = np.where(studied, rng.integers(c.points[0], c.points[1], (len(days), c.members)), 0)
    return pd.DataFrame(points, index=days, columns=p.names)


def study_frame(c: Character, daily: pd.DataFrame, opening: pd.Series) -> pd.DataFrame:
    """学习强国积分明细 (every member every day), or — for a branch that reports totals — 总积分 at
    each month's end, as the platform's 积分查询 shows them."""
    if not c.totals:
        long = daily.stack().rename("当日积分").rename_axis(["日期", "姓名"]).reset_index()
        long["日期"] = long["日期"].dt.strftime("%Y-%m-%d")
        return long.assign(所属组织=c.name)[["姓名", "所属组织", "日期", "当日积分"]]
    month_ends = daily.cumsum().add(opening, axis=1).resample("ME").last()
    long = month_ends.stack().rename("总积分").rename_axis(["统计日期", "姓名"]).reset_index()
    long["统计日期"] = long["统计日期"].dt.strftime("%Y-%m-%d")
    return long.assign(所属组织=c.name)[["姓名", "所属组织", "统计日期", "总积分"]]


def assessment_rows(c: Character, p: People, year: int, rng: random.Random) -> list[list]:
    rows = [[f"{c.name} {year}年度党员考评登记"], ["姓名", "项目", "日期", "年度", "评议等次", "级别", "说明"]]
    grades = rng.choices(("优秀", "合格", "基本合格", "不合格"), weights=c.grades, k=c.members)
    for y, k in c.failed:
        if y == year:
            grades[k] = "不合格"
    for name, grade in zip(p.names, grades):  # the year's appraisal is held the next January
        rows.append([name, "民主评议", dt.date(year + 1, 1, 12), f"{year}年度", grade, None, None])
    for _ in range(c.honours):
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        level = rng.choice(("校级", "校级", "区级", "市级"))
        rows.append([rng.choice(p.names), "表彰", day, None, None, level, "优秀教师"])
    for _ in range(c.volunteering):
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        rows.append([rng.choice(p.names), "志愿服务", day, None, None, None, "社区志愿服务"])
    for k, item, when in c.items:
        day = dt.date.fromisoformat(when)
        if day.year == year:
            rows.append([p.names[k], item, day, None, None, None, "经查属实" if item == "有偿家教" else None])
    return rows


def _csv(path: Path, frame: pd.DataFrame, gbk: bool) -> Path:
    text = writers.csv_text(frame).replace("\n", "\r\n")  # as Excel saves a CSV
    path.write_bytes(text.encode("gbk") if gbk else ("\ufeff" + text).encode("utf-8"))
    return path


def write_branch(folder: Path, index: int, c: Character) -> list[Path]:
    """The branch's files for both years, roster first. One seeded stream per branch, drawn from in a
    fixed order, so any branch's files can be rebuilt alone and are the same on every machine."""
    rng = np.random.default_rng(20240 + index)
    draw = random.Random(20240 + index)
    folder.mkdir(parents=True, exist_ok=True)
    p = people(c, rng)
    files = [writers.write(folder / "党员名册.xlsx", [writers.Sheet("党员名册", roster_rows(c, p), ["A1:H1"])])]
    opening = pd.Series(rng.integers(5000, 30000, c.members), index=p.names)  # 总积分 before 2024
    for year in YEARS:
        files.append(_csv(folder / f"{year}年考勤明细.csv", attendance_frame(c, p, year, rng), c.gbk))
        daily = daily_points(c, p, year, rng)
        study = study_frame(c, daily, opening)
        if c.totals and year == YEARS[0]:  # the total the year starts from: its first interval is January
            start = pd.DataFrame(
                {"姓名": p.names, "所属组织": c.name, "统计日期": f"{year - 1}-12-31", "总积分": opening}
            )
            study = pd.concat([start, study], ignore_index=True)
        name = f"{year}年学习强国{'累计积分' if c.totals else '积分明细'}.csv"
        files.append(_csv(folder / name, study, c.gbk))
        opening = opening + daily.sum()
        rows = assessment_rows(c, p, year, draw)
        files.append(writers.write(folder / f"{year}年度党员考评.xlsx", [writers.Sheet("考评登记", rows, ["A1:G1"])]))
    return files


def load_files(db: Database, branch: str, paths: list[Path]) -> tuple[int, int]:
    """(files loaded, rows loaded) through read → validate → load; a file already loaded is skipped."""
    loaded = rows = 0
    for path in paths:
        parsed = pipeline.read_file(path.read_bytes(), path.name)
        prepared = pipeline.validate(db, branch, parsed)
        if not prepared.ok:
            raise RuntimeError(prepared.report.text())
        result = pipeline.commit(db, prepared, USER)
        if not result.repeat_of:
            loaded, rows = loaded + 1, rows + result.rows_loaded
    return loaded, rows


def snapshots_dir(db_path: Path) -> Path:
    """<PATH without suffix>-snapshots/, beside the database."""
    return db_path.with_name(f"{db_path.stem}-snapshots")


def key_path(folder: Path, branch: str) -> Path:
    """keys/<branch>.key (and .key.pub beside it) in the snapshots folder."""
    return folder / "keys" / f"{branch}.key"


def branch_key(folder: Path, branch: str) -> Path:
    """The branch's private key, made on the first run and kept after: a key that signed snapshots
    is never replaced behind the district's back."""
    path = key_path(folder, branch)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        keys.keygen(path)
    return path


def build(db: Database, files_dir: Path | None = None, progress: Callable[[str], None] | None = None) -> dict:
    """Write and load the six branches, export their signed snapshots and feed the district
    database from those files alone. A summary of what was done, with timings."""
    say = progress or (lambda line: None)
    out = snapshots_dir(db.path)
    files_dir = files_dir or db.path.with_name(f"{db.path.stem}-files")
    totals = {"branches": 0, "files": 0, "loaded": 0, "rows": 0, "snapshots": 0, "imported": 0, "out": out}
    seconds = dict.fromkeys(("write", "load", "export", "import"), 0.0)
    started = time.perf_counter()
    db.init()
    exported: list[tuple[Character, list[Path]]] = []
    with db.held():
        for index, c in enumerate(CHARACTERS):
            t0 = time.perf_counter()
            paths = write_branch(files_dir / f"{index + 1:02d}_{c.school}", index, c)
            t1 = time.perf_counter()
            branches.add(db, c.name, c.school)
            loaded, rows = load_files(db, c.name, paths)
            t2 = time.perf_counter()
            outcome = export.export(db, c.name, PERIODS, out, key_path=branch_key(out, c.name))
            t3 = time.perf_counter()
            seconds["write"] += t1 - t0
            seconds["load"] += t2 - t1
            seconds["export"] += t3 - t2
            exported.append((c, [e.zip_path for e in outcome.exported]))
            totals["branches"] += 1
            totals["files"] += len(paths)
            totals["loaded"] += loaded
            totals["rows"] += rows
            totals["snapshots"] += len(outcome.exported)
            say(
                f"[{index + 1}/{len(CHARACTERS)}] {c.name}（{c.school}）— {c.about}：表格 {len(paths)} 个，"
                f"装载 {rows:,} 行，快照 {len(outcome.exported)} 个"
            )
    t0 = time.perf_counter()
    totals["imported"] = feed_district(out / "district.duckdb", out, exported)
    seconds["import"] = time.perf_counter() - t0
    say(f"区数据库 {out / 'district.duckdb'}：登记 {len(exported)} 个支部的公钥，导入快照 {totals['imported']} 个")
    return {**totals, "files_dir": files_dir, "seconds": seconds, "total_seconds": time.perf_counter() - started}


def feed_district(path: Path, folder: Path, exported: list[tuple[Character, list[Path]]]) -> int:
    """The district's database, from the snapshot files and public keys alone: each branch added with
    its school, its key registered, its snapshots imported (a re-run's newer snapshots replace the
    older ones). The number of snapshots imported now."""
    district = Database(path)
    district.init()
    imported = 0
    with district.held():
        for c, zips in exported:
            branches.add(district, c.name, c.school)
            public = key_path(folder, c.name).with_name(f"{c.name}.key.pub")
            trust.trust(district, c.name, public, None, USER)
            for zip_path in zips:
                done = importer.import_file(district, zip_path, allow_unsigned=False, user=USER)
                imported += done.outcome in ("imported", "replaced", "signed_copy")
    return imported
