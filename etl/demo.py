"""Demo data: one branch's full year, written as the spreadsheets a secretary really keeps and then
loaded through the same readers as any upload. Deterministic (seeded); the people are invented."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from etl import demo_records, pipeline, writers
from etl.db import Database

YEAR = 2025
BRANCH = "实验学校党支部"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌宇晨欣怡浩然子涵雨轩思远佳琪"
GROUPS = ("第一党小组", "第二党小组", "第三党小组")
CAMPUSES = ("本部校区", "东校区")


@dataclass
class Person:
    name: str
    group: str
    campus: str
    category: str
    committee: bool
    code: str
    joined: dt.date
    transferred_in: dt.date | None = None
    transferred_out: dt.date | None = None
    habit: str = "good"  # good | patchy | absent (misses everything from July: veto-watch) | ill


def _people(rng: random.Random, count: int) -> list[Person]:
    names: set[str] = set()
    people = []
    while len(people) < count:
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        if name in names:
            continue
        names.add(name)
        i = len(people)
        people.append(
            Person(
                name,
                GROUPS[i % 3],
                CAMPUSES[i % 2 if i % 5 else 1],
                "预备" if i in (7, 19) else "正式",
                i < 5,
                f"T{2000 + i}",
                dt.date(rng.randint(1995, 2022), rng.randint(1, 12), 1),
                habit="patchy" if i in (4, 11, 23) else "good",
            )
        )
    people[17].habit = "absent"
    people[25].habit = "ill"  # long sick leave in autumn: an approved exemption (免)
    people[7].joined = dt.date(YEAR - 1, 11, 1)
    people[-1].transferred_in = dt.date(YEAR, 4, 1)
    people[-2].transferred_out = dt.date(YEAR, 10, 31)
    return people


def _activities() -> list[tuple[dt.date, str, str | None]]:
    """(date, type, group) of the year's activities, with a few requirements missed on purpose."""
    acts = []
    for month in range(1, 13):
        acts.append((dt.date(YEAR, month, 15), "主题党日", None))
        acts.append((dt.date(YEAR, month, 8), "支委会", None))
        for g, group in enumerate(GROUPS):
            if (month, group) in ((8, "第三党小组"), (7, "第二党小组")):
                continue  # summer: these groups skipped their meeting
            acts.append((dt.date(YEAR, month, 20 + g), "党小组会", group))
    for quarter, month in enumerate((3, 6, 9, 12), start=1):
        acts.append((dt.date(YEAR, month, 25), "支部党员大会", None))
        if quarter != 3:  # Q3's 党课 was never held
            acts.append((dt.date(YEAR, month, 25), "党课", None))
    acts += [(dt.date(YEAR, 2, 26), "春训冬训", None), (dt.date(YEAR, 12, 28), "组织生活会", None)]
    return sorted(acts)


def _mark(rng: random.Random, person: Person, when: dt.date) -> str | None:
    if (person.transferred_in and when < person.transferred_in) or (
        person.transferred_out and when > person.transferred_out
    ):
        return None
    if person.habit == "absent" and when.month >= 7:
        return "×"
    if person.habit == "ill" and when.month in (9, 10):
        return "免"
    p = rng.random()
    odds = (0.86, 0.92, 0.975, 0.99) if person.habit == "good" else (0.55, 0.65, 0.80, 0.95)
    if p < odds[0]:
        return "√"
    if p < odds[1]:
        return "迟"
    if p < odds[2]:
        return "假"
    if p < odds[3]:
        return "补" if person.habit == "patchy" and p > odds[3] - 0.03 else "×"
    return None  # forgot to sign: counts as 未签到


def _xlsx(path: Path, sheets: list[tuple[str, list[list], list[str]]]) -> Path:
    return writers.write(path, [writers.Sheet(title, rows, merges) for title, rows, merges in sheets])


MARK_WORDS = {"√": "出席", "迟": "迟到", "假": "请假", "×": "缺席", "免": "免参加", "补": "补学"}
LEDGER_SUFFIX = {"√": "", "迟": "(迟到)", "假": "(请假)[事假]", "×": "(缺席)", "免": "(免)[病休]", "补": "(补学)"}
WIDE_TYPES = ("主题党日", "党小组会", "春训冬训")  # in the sign-in sheets and the long CSV
LEDGER_TYPES = ("支委会", "支部党员大会", "党课", "组织生活会")  # in the meeting ledger

Activity = tuple[dt.date, str, "str | None"]


@dataclass
class Year:
    """Everything the files are written from: the people, the activities and every mark."""

    people: list[Person]
    acts: list[Activity]
    marks: dict[tuple[Activity, str], str | None]


def _marks(rng: random.Random, people: list[Person], acts: list[Activity]) -> dict:
    """A mark for every member expected at every activity (committee members at a 支委会, the
    group's members at a 党小组会)."""
    marks = {(a, p.name): _mark(rng, p, a[0]) for a in acts for p in people if a[1] != "支委会" or p.committee}
    group_of = {p.name: p.group for p in people}
    return {k: v for k, v in marks.items() if not (k[0][2] and k[0][2] != group_of[k[1]])}


def roster_file(folder: Path, rng: random.Random, year: Year) -> Path:
    """党员名册: a merged title row, merged 党小组 cells, an ID-card column that must be dropped."""
    people = year.people
    rows = [
        [f"{BRANCH} {YEAR}年党员名册"],
        [
            "姓名",
            "党员编号",
            "所在党小组",
            "党员类别",
            "性别",
            "出生年月",
            "身份证号",
            "入党时间",
            "职务",
            "校区",
            "是否支委",
            "转入日期",
            "转出日期",
        ],
    ]
    merges = ["A1:M1"]
    for group in GROUPS:
        first = len(rows) + 1
        for k, p in enumerate(p for p in people if p.group == group):
            rows.append(
                [
                    p.name,
                    p.code,
                    group if k == 0 else None,
                    p.category + "党员",
                    rng.choice("男女"),
                    f"{rng.randint(1965, 1998)}.{rng.randint(1, 12):02d}",
                    f"11010119{rng.randint(10**9, 10**10 - 1)}",
                    p.joined.strftime("%Y年%m月"),
                    "支部书记" if p is people[0] else ("支委" if p.committee else "教师"),
                    p.campus,
                    "是" if p.committee else "",
                    p.transferred_in,
                    p.transferred_out,
                ]
            )
        merges.append(f"C{first}:C{len(rows)}")
    rows.append(["合计", f"{len(people)}人"])
    return _xlsx(folder / "党员名册.xlsx", [("党员名册", rows, merges)])


def signin_file(folder: Path, year: Year) -> Path:
    """签到汇总表 for January–June: one sheet a month; Jan–Mar one-row headers, Apr–Jun two-row."""
    by_group = sorted(year.people, key=lambda p: GROUPS.index(p.group))
    sheets = []
    for month in range(1, 7):
        month_acts = [a for a in year.acts if a[0].month == month and a[1] in WIDE_TYPES]
        title = [f"{YEAR}年{month}月 党员活动签到汇总"]
        if month >= 4:
            rows = [
                title,
                ["姓名", "党小组"] + [f"{a[0].month}月{a[0].day}日" for a in month_acts] + ["出勤次数"],
                ["姓名", "党小组"] + [a[1] + (f"（{a[2]}）" if a[2] else "") for a in month_acts] + ["出勤次数"],
            ]
            merges = ["A2:A3", "B2:B3"]
        else:
            rows = [
                title,
                ["姓名", "党小组"] + [f"{a[0].month}月{a[0].day}日 {a[1]}" for a in month_acts] + ["出勤次数", "备注"],
            ]
            merges = []
        for p in by_group:
            cells = [year.marks.get((a, p.name)) for a in month_acts]
            rows.append([p.name, p.group] + cells + [sum(c in ("√", "迟", "补") for c in cells)])
        sheets.append((f"{month}月", rows, merges))
    return _xlsx(folder / f"{YEAR}年上半年签到汇总.xlsx", sheets)


def attendance_csv(folder: Path, year: Year) -> Path:
    """考勤明细 for July–December: a long CSV saved by Excel in GBK."""
    rows = [["日期", "活动类型", "主题", "姓名", "出勤情况"]]
    for (a, name), mark in year.marks.items():
        if a[0].month >= 7 and a[1] in WIDE_TYPES and mark:
            rows.append([f"{a[0].year}/{a[0].month}/{a[0].day}", a[1], f"{a[0].month}月{a[1]}", name, MARK_WORDS[mark]])
    path = folder / f"{YEAR}年下半年考勤明细.csv"
    path.write_bytes(writers.rows_csv_text(rows, "\r\n").encode("gbk"))  # as Excel saves it
    return path


def ledger_file(folder: Path, year: Year) -> Path:
    """会议台账 for 支委会, 支部党员大会、党课 and 组织生活会, with a by-type copy and a summary sheet."""
    people, acts = year.people, year.acts
    ledger = [["会议日期", "会议类型", "会议名称", "主持人", "参会人员名单", "应到人数", "实到人数"]]
    for day in sorted({a[0] for a in acts if a[1] in LEDGER_TYPES}):
        types = [a for a in acts if a[0] == day and a[1] in LEDGER_TYPES]
        names = []
        for p in people:
            # one mark per person per ledger row, whatever types the meeting combined
            mark = next((year.marks[(a, p.name)] for a in types if (a, p.name) in year.marks), None)
            suffix = LEDGER_SUFFIX.get(mark)
            if suffix is not None:
                names.append(p.name + suffix)
        if types[0][1] == "支部党员大会":
            names.append("孙校长(列席)")  # a guest who is not a member: ignored
        ledger.append(
            [
                day,
                "、".join(a[1] for a in types),
                f"{day.month}月{types[0][1]}",
                people[0].name,
                "、".join(names),
                len(names),
                sum("(" not in n for n in names),
            ]
        )
    committee_only = [ledger[0]] + [r for r in ledger[1:] if r[1] == "支委会"]
    summary = [["会议类型", "次数"], ["支委会", len(committee_only) - 1], ["合计", len(ledger) - 1]]
    return _xlsx(
        folder / f"{YEAR}年会议台账.xlsx",
        [("全部会议", ledger, []), ("支委会", committee_only, []), ("统计", summary, [])],
    )


def study_files(folder: Path, rng: random.Random, year: Year) -> list[Path]:
    """学习强国: daily points for January–June (xlsx), cumulative totals at each month's end after
    that (a UTF-8 CSV with a BOM)."""
    people = year.people
    daily = [["姓名", "所属组织", "日期", "当日积分"]]
    totals = {p.name: rng.randint(8000, 30000) for p in people}
    day = dt.date(YEAR, 1, 1)
    while day <= dt.date(YEAR, 6, 30):
        for k, p in enumerate(people):
            if rng.random() < (0.9 if k % 4 else 0.5):
                pts = rng.randint(12, 45) if k % 6 else rng.randint(3, 15)
                totals[p.name] += pts
                daily.append([p.name, BRANCH, day, pts])
        day += dt.timedelta(days=1)
    daily_path = _xlsx(folder / "学习强国积分明细_上半年.xlsx", [("积分明细", daily, [])])
    rows = [["姓名", "所属组织", "统计日期", "总积分"]]
    for month in range(6, 13):
        as_of = dt.date(YEAR, month, 28)
        for k, p in enumerate(people):
            if month > 6:
                totals[p.name] += rng.randint(300, 1200) if k % 6 else rng.randint(50, 300)
            rows.append([p.name, BRANCH, as_of.isoformat(), totals[p.name]])
    totals_path = folder / "学习强国累计积分_下半年.csv"
    totals_path.write_bytes(("\ufeff" + writers.rows_csv_text(rows, "\r\n")).encode("utf-8"))
    return [daily_path, totals_path]


def assessment_file(folder: Path, rng: random.Random, year: Year) -> Path:
    """考评: the appraisal held in January of the next year, honours, volunteering, deductions, a veto."""
    people = year.people
    grades = ["优秀"] * 8 + ["合格"] * 19 + ["基本合格"] * 2 + ["不合格"]
    rng.shuffle(grades)
    rows = [[f"{BRANCH} {YEAR}年度党员考评登记"], ["姓名", "项目", "日期", "年度", "评议等次", "级别", "分值", "说明"]]
    for p, grade in zip(people, grades):
        rows.append([p.name, "民主评议", dt.date(YEAR + 1, 1, 12), f"{YEAR}年度", grade, None, None, None])
    for k in rng.sample(range(30), 8):
        rows.append(
            [
                people[k].name,
                "表彰",
                dt.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)),
                None,
                None,
                rng.choice(("校级", "校级", "区级", "市级")),
                None,
                "优秀教师",
            ]
        )
    for k in range(0, 30, 2):
        for _ in range(rng.randint(1, 8)):
            rows.append(
                [
                    people[k].name,
                    "志愿服务",
                    dt.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)),
                    None,
                    None,
                    None,
                    None,
                    "社区志愿服务",
                ]
            )
    rows += [
        [people[2].name, "主讲党课", dt.date(YEAR, 3, 25), None, None, None, None, None],
        [people[9].name, "党费逾期", dt.date(YEAR, 5, 10), None, None, None, None, "4月党费"],
        [people[9].name, "党费逾期", dt.date(YEAR, 6, 10), None, None, None, None, "5月党费"],
        [people[13].name, "提醒谈话", dt.date(YEAR, 9, 3), None, None, None, None, None],
        [people[21].name, "有偿家教", dt.date(YEAR, 11, 6), None, None, None, None, "经查属实"],
        [people[5].name, "校级公开课", dt.date(YEAR, 10, 16), None, None, None, 1, "自定加分项目"],
    ]
    return _xlsx(folder / f"{YEAR}年度党员考评.xlsx", [("考评登记", rows, ["A1:H1"])])


def write_files(folder: Path, seed: int = YEAR) -> list[Path]:
    """The demo branch's eight files (the last, its 工作记录, from etl/demo_records.py). One random
    stream, drawn from in a fixed order, so the files are the same on every machine and in every process."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    people, acts = _people(rng, 30), _activities()
    files = [roster_file(folder, rng, Year(people, acts, {}))]
    year = Year(people, acts, _marks(rng, people, acts))
    files += [signin_file(folder, year), attendance_csv(folder, year), ledger_file(folder, year)]
    files += study_files(folder, rng, year)
    files.append(assessment_file(folder, rng, year))
    files.append(demo_records.records_file(folder, YEAR, people))  # draws nothing from rng: the rest is unchanged
    return files


def build(db: Database, scale: str = "branch", files_dir: Path | None = None, user: str = "演示") -> str:
    folder = files_dir or db.path.parent / "demo-files"
    files = write_files(folder)
    db.init()
    lines = [f"演示数据：{BRANCH}，{YEAR} 年全年（表格在 {folder}）"]
    for path in files:
        parsed = pipeline.read_file(path.read_bytes(), path.name)
        prepared = pipeline.validate(db, BRANCH, parsed)
        if not prepared.ok:
            raise RuntimeError(prepared.report.text())
        result = pipeline.commit(db, prepared, user)
        state = (
            f"与 #{result.repeat_of} 相同，跳过"
            if result.repeat_of
            else f"#{result.load_id} 装载 {result.rows_loaded} 行"
        )
        lines.append(f"  {path.name}：{state}")
    return "\n".join(lines)
