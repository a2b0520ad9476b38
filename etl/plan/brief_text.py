"""Every word of the 支委会 brief: sentence templates and the functions that fill them from a BriefFacts.

Wording changes are made here and nowhere else; brief.py gathers the numbers and lays the paragraphs out.
paragraphs(facts) gives (kind, text) in reading order — kind is title, subtitle, heading, body or item.
Lists are capped (MAX_NAMED members, MAX_UNITS units of an item) so that the brief stays on one A4 page.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

MAX_NAMED = 5  # members named in a list, then "等 N 人"
MAX_UNITS = 3  # units named for one plan item or in one list of 三会一课, then "等 N 项"

TITLE = "{branch}{period}支委会工作简报"
SUBTITLE = "数据截至 {as_of} · 计分规则 {rules} · 先锋指数看板生成"
QUARTERS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}

H_INDEX = "一、堡垒指数"
INDEX = "本期堡垒指数 {index:.2f}，{stars}，{change}，{star_change}。"
INDEX_BEFORE = "（上期 {period}：{index:.2f}，{stars} 星）"
NO_BEFORE = "上期（{period}）没有数据，无从比较"
NO_DATA = "本期没有可计分的数据（没有考勤、学习强国或评议记录）。"
PARTS = "平均先锋指数 {mean}，{mean_change}；出勤率 {attendance}，{attendance_change}；三会一课达标率 {compliance}，{compliance_change}。"
SAME = "与上期持平"
UP, DOWN = "比上期上升 {d}", "比上期下降 {d}"
STARS_SAME = "星级不变"
STARS_UP, STARS_DOWN = "由 {before} 星升为 {now} 星", "由 {before} 星降为 {now} 星"
NOT_MEASURED = "无数据"

H_MEETINGS = "二、三会一课"
REQUIRED = "本期要求：{parts}。"
REQUIRED_PART = "{requirement} {met}/{required} 次"
NONE_REQUIRED = "本期没有三会一课的要求。"
ALL_MET = "本期全部达标。"
UNMET = "本期未达标 {n} 项：{units}。"
YEAR_UNMET = "{year}年以来另有 {n} 项未达标：{units}。"
YEAR_ALL_MET = "{year}年以来此前各期均已达标。"
UNIT = "{requirement}（{unit}，{held}/{required} 次）"

H_MEMBERS = "三、需要关心帮助的党员"
NEEDS_HELP = "先锋指数低于 {line:g} 分的党员 {n} 人{more}："
NEEDS_HELP_NONE = "本期没有先锋指数低于 {line:g} 分的党员。"
MORE = "，以下列出最需关注的 {shown} 人"
MEMBER = "{member}（{group}）：{why}。"
VETO_WATCH = "临近“连续 {months} 个月缺席”清零：{names}。"
VETO_WATCH_ONE = "{member}已连续缺席 {run} 个月"
WHY_VETO_ITEM = "清零（{detail}）"
WHY_VETO_ABSENCE = "连续 {months} 个月缺席，清零"
WHY_VETO_APPRAISAL = "民主评议{grade}，清零"
WHY_ABSENCES = "缺席 {n} 次"
WHY_UNMARKED = "（{n} 次未签到）"
WHY_LEAVES = "请假较多（{n} 次）"
WHY_STUDY = "学习强国积分偏低"
WHY_APPRAISAL = "民主评议{grade}"
WHY_DEDUCTION = "有扣分事项"
WHY_NOTHING = "各分项均偏低"
MAX_REASONS = 3

H_PLAN = "四、工作计划落实"
OVERDUE = "已逾期 {n} 项：{items}。"
OVERDUE_NONE = "没有逾期的事项。"
DUE = "{first}至{last}到期 {n} 项：{items}。"
DUE_NONE = "{first}至{last}没有到期的事项。"
MISSING = "还缺 {names}"
COUNT = "{done}/{required} {measure}"

H_STUDY = "五、学习强国"
STUDY = "本期参与率 {rate:.1%}（{members} 人中 {active} 人有学习记录），{change}；有学习记录的党员日均 {avg:.1f} 分。"
STUDY_NONE = "本期没有学习强国数据。"
NO_STUDY = "本期没有学习记录的：{names}。"
STUDY_TARGET_MET = "各月参与率均达到目标 {target:.0%}。"
STUDY_BELOW = "低于目标 {target:.0%} 的月份：{months}。"

HEADLINE = "堡垒指数 {index}，需帮扶 {help} 人，逾期事项 {overdue} 项"
NOT_GROUPED = "未分组"
AND_MORE = "等 {n} {unit}"


def period_words(period) -> str:
    """A period as a reader says it: 2025年11月, 2025年第四季度, 2025年."""
    if period.grain == "year":
        return f"{period.year}年"
    if period.grain == "quarter":
        return f"{period.year}年{QUARTERS[(period.start.month - 1) // 3 + 1]}"
    return f"{period.year}年{period.start.month}月"


def day_words(day: dt.date, year: bool = True) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if year else f"{day.month}月{day.day}日"


def title(facts) -> str:
    return TITLE.format(branch=facts.branch, period=period_words(facts.period))


def headline(facts) -> str:
    """One line for the command's output: the index, who needs help, what is overdue."""
    now = facts.now
    index = f"{now['index']:.2f}（{int(now['stars'])} 星）" if now["members_scored"] else NOT_MEASURED
    overdue = facts.overdue["key"].nunique()
    return HEADLINE.format(index=index, help=len(facts.needs_help), overdue=overdue)


def stars_words(stars) -> str:
    return f"{int(stars)} 星（{'★' * int(stars)}）"


def change(now, before, percent: bool = False) -> str:
    """The change as the numbers are shown (two decimals; a rate's one decimal of a percent, in
    百分点): unchanged on the page is 持平 here, never +0.00."""
    if now is None or before is None:
        return ""
    digits = 3 if percent else 2
    delta = round(float(now), digits) - round(float(before), digits)
    if round(delta, digits) == 0:
        return SAME
    shown = f"{abs(delta) * 100:.1f} 个百分点" if percent else f"{abs(delta):.2f}"
    return (UP if delta > 0 else DOWN).format(d=shown)


def named(names: list[str], unit: str = "人", limit: int = MAX_NAMED) -> str:
    """Names joined by 、, at most ``limit`` of them, then 等 N 人 (N the whole list)."""
    shown = "、".join(names[:limit])
    return shown + (AND_MORE.format(n=len(names), unit=unit) if len(names) > limit else "")


def paragraphs(facts) -> list[tuple[str, str]]:
    rules = facts.rules_source.replace("\\", "/").rsplit("/", 1)[-1]
    out = [
        ("title", title(facts)),
        ("subtitle", SUBTITLE.format(as_of=day_words(facts.as_of), rules=rules)),
    ]
    for section in (_index, _meetings, _members, _plan, _study):
        out += section(facts)
    return out


def _index(facts) -> list[tuple[str, str]]:
    now, before = facts.now, facts.before
    if not now["members_scored"]:
        return [("heading", H_INDEX), ("body", NO_DATA)]
    if facts.compared:
        said = change(now["index"], before["index"])
        said += INDEX_BEFORE.format(
            period=period_words(facts.previous), index=before["index"], stars=int(before["stars"])
        )
        moved = int(now["stars"]) - int(before["stars"])
        star_change = (
            STARS_SAME
            if not moved
            else (STARS_UP if moved > 0 else STARS_DOWN).format(before=int(before["stars"]), now=int(now["stars"]))
        )
    else:
        said, star_change = NO_BEFORE.format(period=period_words(facts.previous)), ""
    text = INDEX.format(index=now["index"], stars=stars_words(now["stars"]), change=said, star_change=star_change)
    text = text.replace("，。", "。")

    def part(key, percent):
        value = now[key]
        shown = NOT_MEASURED if value is None else f"{value:.1%}" if percent else f"{value:.2f}"
        moved = change(value, before[key], percent) if facts.compared else ""
        return shown, moved

    mean, mean_change = part("member_mean", False)
    attendance, attendance_change = part("attendance_rate", True)
    compliance, compliance_change = part("compliance_rate", True)
    parts = (
        PARTS.format(
            mean=mean,
            mean_change=mean_change,
            attendance=attendance,
            attendance_change=attendance_change,
            compliance=compliance,
            compliance_change=compliance_change,
        )
        .replace("，；", "；")
        .replace("，。", "。")
    )
    return [("heading", H_INDEX), ("body", text), ("body", parts)]


def _units(frame: pd.DataFrame) -> str:
    listed = [UNIT.format(**r) for r in frame.to_dict("records")]
    return named(listed, "项", MAX_UNITS)


def _meetings(facts) -> list[tuple[str, str]]:
    out = [("heading", H_MEETINGS)]
    if facts.requirements.empty:
        out.append(("body", NONE_REQUIRED))
    else:
        parts = "、".join(
            REQUIRED_PART.format(requirement=r.requirement, met=int(r.met), required=int(r.required))
            for r in facts.requirements.itertuples()
        )
        said = REQUIRED.format(parts=parts)
        said += UNMET.format(n=len(facts.unmet), units=_units(facts.unmet)) if len(facts.unmet) else ALL_MET
        out.append(("body", said))
    if facts.period.grain != "year":
        year = facts.period.year
        if len(facts.year_unmet):
            out.append(("body", YEAR_UNMET.format(year=year, n=len(facts.year_unmet), units=_units(facts.year_unmet))))
        elif not facts.requirements.empty:
            out.append(("body", YEAR_ALL_MET.format(year=year)))
    return out


def reasons(row, veto_months: int, study_target: float) -> str:
    """Why a member needs help, in words (the veto and its cause first), at most MAX_REASONS of them."""
    said = []
    if row["vetoed"]:
        if row["veto_by_item"]:
            said.append(WHY_VETO_ITEM.format(detail=row["veto_detail"] or ""))
        if row["veto_by_absence"]:
            said.append(WHY_VETO_ABSENCE.format(months=veto_months))
        if row["veto_by_appraisal"]:
            said.append(WHY_VETO_APPRAISAL.format(grade=row["appraisal"]))
    absences, unmarked, leaves = (_count(row[k]) for k in ("absences", "unmarked", "leaves"))
    if absences:
        said.append(WHY_ABSENCES.format(n=absences) + (WHY_UNMARKED.format(n=unmarked) if unmarked else ""))
    elif pd.notna(row["attendance_rate"]) and row["attendance_rate"] < 0.8 and leaves:
        said.append(WHY_LEAVES.format(n=leaves))
    if pd.notna(row["avg_daily"]) and row["avg_daily"] < study_target:
        said.append(WHY_STUDY)
    grade = row["appraisal"]
    if isinstance(grade, str) and grade not in ("优秀", "合格") and not row["veto_by_appraisal"]:
        said.append(WHY_APPRAISAL.format(grade=grade))
    if _count(row["item_deduction"]) > 0:
        said.append(WHY_DEDUCTION)
    return "，".join(said[:MAX_REASONS]) or WHY_NOTHING


def _count(value) -> float:
    return 0 if value is None or pd.isna(value) else value


def _members(facts) -> list[tuple[str, str]]:
    out = [("heading", H_MEMBERS)]
    low = facts.needs_help
    if low.empty:
        out.append(("body", NEEDS_HELP_NONE.format(line=facts.needs_help_below)))
    else:
        shown = low.head(MAX_NAMED)
        more = MORE.format(shown=len(shown)) if len(low) > len(shown) else ""
        out.append(("body", NEEDS_HELP.format(line=facts.needs_help_below, n=len(low), more=more)))
        target = facts.study_target
        for r in shown.to_dict("records"):
            group = r["party_group"] if isinstance(r["party_group"], str) else NOT_GROUPED
            out.append(
                ("item", MEMBER.format(member=r["member"], group=group, why=reasons(r, facts.veto_months, target)))
            )
    if not facts.veto_watch.empty:
        names = [VETO_WATCH_ONE.format(member=r.member, run=int(r.run)) for r in facts.veto_watch.itertuples()]
        out.append(("body", VETO_WATCH.format(months=facts.veto_months, names=named(names))))
    return out


def _plan_items(frame: pd.DataFrame) -> list[str]:
    """One phrase per plan item, in the order of its first unit: the name, and the units (month, quarter,
    party group) not met, the count of a yearly item, or the members a per-member item still lacks."""
    said = []
    for _, units in frame.groupby("key", sort=False):
        first = units.iloc[0]
        if first["per"] == "member":
            names = [n for names in units["missing"] for n in names]
            detail = (
                MISSING.format(names=named(names))
                if names
                else COUNT.format(done=first["done"], required=first["required"], measure="人")
            )
        elif first["per"] in ("year", None):  # the year, or a window (春节, 七一): how many of how many
            detail = COUNT.format(done=first["done"], required=first["required"], measure="次")
        else:
            detail = _collapsed([str(u) for u in units["unit"]])
        said.append(f"{first['name']}（{detail}）")
    return said


def _collapsed(labels: list[str]) -> str:
    """2026-01 第一党小组、2026-01 第二党小组 → 2026-01 第一党小组、第二党小组; at most MAX_UNITS named."""
    heads = {label.split(" ", 1)[0] for label in labels}
    if len(heads) == 1 and all(" " in label for label in labels):
        head = heads.pop()
        return f"{head} " + named([label.split(" ", 1)[1] for label in labels], "个", MAX_UNITS)
    return named(labels, "个", MAX_UNITS)


def _plan(facts) -> list[tuple[str, str]]:
    out = [("heading", H_PLAN)]
    items = _plan_items(facts.overdue)
    out.append(("body", OVERDUE.format(n=len(items), items="；".join(items)) if items else OVERDUE_NONE))
    window = {
        "first": day_words(facts.due_first),
        "last": day_words(facts.due_last, year=facts.due_last.year != facts.due_first.year),
    }
    coming = _plan_items(facts.due_soon)
    out.append(
        ("body", DUE.format(n=len(coming), items="；".join(coming), **window) if coming else DUE_NONE.format(**window))
    )
    return out


def _study(facts) -> list[tuple[str, str]]:
    out = [("heading", H_STUDY)]
    study = facts.study
    if study is None:
        return [*out, ("body", STUDY_NONE)]
    moved = change(study["participation"], facts.before["participation"], percent=True) if facts.compared else ""
    text = STUDY.format(
        rate=study["participation"],
        members=study["members"],
        active=study["active"],
        change=moved,
        avg=study["avg_daily"] or 0,
    ).replace("，；", "；")
    if study["no_study"]:
        text += NO_STUDY.format(names=named(study["no_study"]))
    if study["target"] is not None:
        below = study["months_below"]
        text += (
            STUDY_BELOW.format(target=study["target"], months="、".join(f"{u} {r:.0%}" for u, r in below))
            if below
            else STUDY_TARGET_MET.format(target=study["target"])
        )
    return [*out, ("body", text)]
