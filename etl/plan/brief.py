"""The 支委会's one-page brief of a period (`etl brief`, the 总览's download): a .docx in Chinese.

brief_facts() gathers the numbers — the 总览's KPIs and alerts (brief_scores, counted as the page counts
them) and the work plan's overdue and coming items (checklist) — into a BriefFacts; brief_text turns them
into sentences (all wording lives there); brief_document() writes them with python-docx. No network.

    with db.connect() as con:
        data = brief_document(con, "实验学校党支部", "2025-Q4")     # bytes of a .docx
    file_name("实验学校党支部", "2025-Q4")                            # 实验学校党支部_2025-Q4_支委会简报.docx
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import duckdb
import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from etl.db import require_branch
from etl.plan import brief_scores as bs
from etl.plan import brief_text
from etl.plan.checklist import Checklist, checklist, due_between, overdue
from etl.plan.plan_file import Plan, plan_for
from etl.rules import Rules, rules_for, today
from etl.scoring.period import Period, month, parse

PLAN_COLUMNS = ["key", "name", "per", "unit", "due", "done", "required", "status", "missing"]
HELP_COLUMNS = [
    "member_id",
    "member",
    "party_group",
    "index",
    "stars",
    "vetoed",
    "veto_by_item",
    "veto_detail",
    "veto_by_absence",
    "veto_by_appraisal",
    "appraisal",
    "attendance_rate",
    "absences",
    "unmarked",
    "leaves",
    "avg_daily",
    "item_deduction",
]


@dataclass(frozen=True)
class BriefFacts:
    branch: str
    period: Period
    as_of: dt.date  # the plan's statuses are of this day
    rules_source: str
    rules_sha256: str
    now: dict  # the period's KPIs: index, stars, member_mean, compliance_rate, attendance_rate, participation …
    before: dict  # the previous period's (members_scored 0: it had no data, there is no change to tell)
    requirements: pd.DataFrame  # requirement, required, met: the period's 三会一课, in the rules' order
    unmet: pd.DataFrame  # requirement, unit, required, held: the period's units not met
    year_unmet: pd.DataFrame  # the same, of the year so far, not already in unmet
    needs_help_below: float
    study_target: float  # rules study.daily_target: below it, a member's 学习强国 is a reason for help
    needs_help: pd.DataFrame  # HELP_COLUMNS, most urgent first
    veto_months: int
    veto_watch: pd.DataFrame  # member_id, member, party_group, run
    overdue: pd.DataFrame  # PLAN_COLUMNS: plan units due and not met on as_of
    due_first: dt.date
    due_last: dt.date
    due_soon: pd.DataFrame  # PLAN_COLUMNS: plan units not yet met, due from due_first to due_last
    study: dict | None  # participation, members, active, avg_daily, no_study, target, months_below; None: no data

    @property
    def previous(self) -> Period:
        return self.period.previous()

    @property
    def compared(self) -> bool:
        """The change is told only against a period that had data (the months before the first upload are not zeros)."""
        return bool(self.before["members_scored"])


def default_as_of(period: Period) -> dt.date:
    """The day after the period when it is over — the period as it closed, so an item due on its last
    day and not met counts as overdue, and the brief reads the same whenever it is written again —
    else today (Asia/Shanghai)."""
    return min(today(), period.end + dt.timedelta(days=1))


def coming_window(period: Period, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """From ``as_of`` to the end of the month after the period (or after as_of, when that is later):
    "due next month" for a period just over."""
    after = max(period.end, as_of - dt.timedelta(days=1))
    nxt = after.replace(day=1) + dt.timedelta(days=32)
    return as_of, month(nxt.year, nxt.month).end


def brief_facts(
    con: duckdb.DuckDBPyConnection,
    branch: str,
    period: Period | str,
    rules: Rules | None = None,
    as_of: dt.date | None = None,
) -> BriefFacts:
    """The numbers of the brief of ``branch`` for ``period`` (a Period or 2025-11 / 2025-Q4 / 2025), by the
    branch's rules unless ``rules`` is given; the plan as of ``as_of`` (default: default_as_of)."""
    period = parse(period) if isinstance(period, str) else period
    rules = rules or rules_for(branch)
    as_of = as_of or default_as_of(period)
    branch_id = require_branch(con, branch)
    found = bs.scores(con, branch_id, period, rules)
    members = bs.members_of(found, period)
    first, last = coming_window(period, as_of)
    plans = {y: plan_for(branch, y) for y in sorted({period.year, as_of.year, last.year})}
    lists = {y: checklist(con, branch, y, as_of=as_of, rules=rules, plan=plan) for y, plan in plans.items()}
    return BriefFacts(
        branch=branch,
        period=period,
        as_of=as_of,
        rules_source=rules.source,
        rules_sha256=rules.sha256,
        now=bs.summary(found, period),
        before=bs.summary(found, period.previous()),
        requirements=_requirements(found, period, rules),
        unmet=bs.unmet(found, period),
        year_unmet=bs.year_unmet(found, period),
        needs_help_below=float(rules["stars"]["needs_help_below"]),
        study_target=float(rules["study"]["daily_target"]),
        needs_help=bs.needs_help(members)[HELP_COLUMNS],
        veto_months=int(rules["veto"]["absent_months"]),
        veto_watch=bs.veto_watch(con, branch_id, period, rules),
        overdue=_plan_rows([(c, overdue(c)) for c in lists.values()]),
        due_first=first,
        due_last=last,
        due_soon=_plan_rows([(c, due_between(c, first, last)) for c in lists.values()]),
        study=_study(members, lists[period.year], period, plans[period.year]),
    )


def _requirements(found: dict, period: Period, rules: Rules) -> pd.DataFrame:
    units = found["compliance"][found["compliance"]["period"] == period.label]
    summed = units.groupby("requirement", sort=False)[["required", "met"]].sum()
    order = [r for r in rules["branch"]["requirements"] if r in summed.index]
    return summed.reindex(order).reset_index()


def _plan_rows(parts: list[tuple[Checklist, pd.DataFrame]]) -> pd.DataFrame:
    """Plan units with their item's ``per`` and, for per-member items, the members still missing."""
    rows = []
    for result, units in parts:
        per = dict(zip(result.items["key"], result.items["per"]))
        position = {key: (result.year, i) for i, key in enumerate(result.items["key"])}
        missing = result.missing.groupby(["key", "unit"], sort=False)["name"].agg(tuple).to_dict()
        for u in units.itertuples(index=False):
            rows.append(
                {
                    "key": u.key,
                    "name": u.name,
                    "per": per.get(u.key),
                    "unit": u.unit,
                    "due": u.due,
                    "done": int(u.done),
                    "required": int(u.required),
                    "status": u.status,
                    "missing": missing.get((u.key, u.unit), ()),
                    "_order": (u.due, position[u.key], *_unit_order(u.unit)),
                }
            )
    # by due date, then the plan's order; 第一党小组 before 第二党小组 (the checklist sorts units as text)
    rows.sort(key=lambda r: r["_order"])  # PLAN_COLUMNS leaves _order out
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def _unit_order(unit: str) -> tuple:
    head, _, group = str(unit).partition(" ")
    return head, bs.group_rank(group) if group and not group.startswith("至") else (0, 0, "")


def _study(members: pd.DataFrame, result: Checklist, period: Period, plan: Plan) -> dict | None:
    """学习强国 in the period as the 学习 page counts it (None without any study rows: nothing uploaded is
    not 0 %), and the months of the period whose participation is below the plan's target."""
    if members.empty or not members["study_days"].fillna(0).sum():
        return None
    active = members["active_days"].fillna(0) > 0
    with_days = members[members["study_days"].fillna(0) > 0]
    study_items = [i for i in plan.items if i.evidence.study]
    target = study_items[0].target if study_items else None
    units = result.units
    months = units[units["key"].isin({i.key for i in study_items}) & units["rate"].notna()]
    starts, ends = pd.to_datetime(months["start"]).dt.date, pd.to_datetime(months["end"]).dt.date
    inside = months[(starts >= period.start) & (ends <= period.end)]
    below = inside[inside["rate"] < target] if target is not None else inside.iloc[0:0]
    return {
        "participation": float(active.mean()),
        "members": len(members),
        "active": int(active.sum()),
        "avg_daily": float(with_days["avg_daily"].mean()) if len(with_days) else None,
        "no_study": sorted_names(members.loc[~active, "member"].tolist()),
        "target": target,
        "months_below": [(u, float(r)) for u, r in zip(below["unit"], below["rate"])],
    }


def sorted_names(names: list[str]) -> list[str]:
    from pypinyin import lazy_pinyin

    return sorted(names, key=lambda name: ("".join(lazy_pinyin(name)), name))


# -- the document ----------------------------------------------------------------------------------------
BODY_FONT, HEADING_FONT = "宋体", "黑体"
SIZES = {"title": 16, "subtitle": 9, "heading": 12, "body": 10.5, "item": 10.5}


def brief_document(
    con: duckdb.DuckDBPyConnection,
    branch: str,
    period: Period | str,
    rules: Rules | None = None,
    as_of: dt.date | None = None,
) -> bytes:
    """The brief as the bytes of a .docx (A4, one page for a branch like the demo's)."""
    return render(brief_facts(con, branch, period, rules, as_of))


def render(facts: BriefFacts) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin = section.right_margin = Cm(2.2)
    _font(doc.styles["Normal"], BODY_FONT, SIZES["body"])
    doc.styles["Normal"].paragraph_format.space_after = Pt(2)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.15
    for kind, text in brief_text.paragraphs(facts):
        p = doc.add_paragraph()
        run = p.add_run(text)
        _font(run, HEADING_FONT if kind in ("title", "heading") else BODY_FONT, SIZES[kind])
        run.bold = kind in ("title", "heading")
        if kind in ("title", "subtitle"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if kind == "heading":
            p.paragraph_format.space_before = Pt(6)
        if kind == "item":
            p.paragraph_format.left_indent = Cm(0.74)
    # The document's dates are the as-of date, not the moment it was written.
    stamp = dt.datetime.combine(facts.as_of, dt.time())
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = brief_text.title(facts), "先锋指数看板", "先锋指数看板"
    props.created = props.modified = stamp
    props.comments = ""  # python-docx's template says "generated by python-docx"
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _font(target, name: str, size: float) -> None:
    """A font for Chinese text: Word takes East Asian characters from w:eastAsia, not from the font name."""
    target.font.name = name
    target.font.size = Pt(size)
    props = target.element.get_or_add_rPr()
    props.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def file_name(branch: str, period: Period | str) -> str:
    """The download's name: <支部>_<期间>_支委会简报.docx, 期间 as 2025-11, 2025-Q4 or 2025."""
    label = period.label if isinstance(period, Period) else parse(period).label
    return f"{branch}_{label}_支委会简报.docx"
