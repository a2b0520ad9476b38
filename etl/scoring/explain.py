"""Why a member (or a branch) has the score they have: every component, every bonus, deduction and
veto with its reason, and the source rows behind them (load id, file, sheet, row)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from etl.db import require_branch
from etl.errors import UnknownMember
from etl.rules import APPRAISAL, HONOUR, Rules
from etl.scoring import engine
from etl.scoring.engine import sql
from etl.scoring.period import Period, parse

# Why an attendance row counts differently (the `reason` codes of explain_attendance.sql).
ATTENDANCE_NOTES = {
    "exempt": "免参加：不计入应到",
    "compliance_only": "支委会只计入三会一课达标，不计出勤率",
    "unmarked": "应到但没有考勤标记，按缺席计",
}


@dataclass
class MemberExplanation:
    member: dict
    period: str
    components: pd.DataFrame
    attendance: pd.DataFrame
    study: pd.DataFrame
    items: pd.DataFrame
    absent_months: pd.DataFrame
    vetoes: list[str] = field(default_factory=list)
    rules_sha256: str = ""


def _pick(members: pd.DataFrame, member: str | int) -> pd.Series:
    if isinstance(member, int) or (str(member).isdigit() and int(member) in set(members["member_id"])):
        found = members[members["member_id"] == int(member)]
    else:
        found = members[(members["name"] == member) | (engine.member_label(members) == member)]
    if len(found) != 1:
        names = "、".join(engine.member_label(found)) if len(found) else "无"
        raise UnknownMember(f"该统计期内找不到唯一的党员“{member}”（匹配：{names}）。同名时请写成 姓名（党小组）")
    return found.iloc[0]


def components_table(row: pd.Series, rules: Rules) -> pd.DataFrame:
    w = rules["member"]["weights"]

    def line(name, weight, score, detail):
        return {
            "component": name,
            "weight": weight,
            "score": score,
            "applicable": score is not None and not pd.isna(score),
            "detail": detail,
        }

    rate = row["attendance_rate"]
    rows = [
        line(
            "组织生活",
            w["attendance"],
            row["attendance_score"],
            "无应到活动"
            if pd.isna(rate)
            else f"出勤率 {rate:.2%} = (出席+迟到+补学) {int(row['attended'])} ÷ 应到 {int(row['expected'])}"
            f"（缺席 {int(row['absences'])}，其中未签到 {int(row['unmarked'])}；请假 {int(row['leaves'])}；迟到 {int(row['lates'])}）",
        ),
        line(
            "学习强国",
            w["study"],
            row["study_score"],
            "已关闭"
            if w["study"] == 0
            else (
                "无积分数据"
                if pd.isna(row["avg_daily"])
                else f"日均 {row['avg_daily']:.2f} 分 = {row['study_points']:.2f} 分 ÷ {int(row['study_days'])} 天；目标 {rules['study']['daily_target']} 分"
            ),
        ),
        line(
            "民主评议",
            w["appraisal"],
            row["appraisal_score"],
            "本年度无评议等次" if row["appraisal"] is None or pd.isna(row["appraisal"]) else f"{row['appraisal']}",
        ),
    ]
    frame = pd.DataFrame(rows)
    base = row["base"]
    extra = [
        {
            "component": "基本",
            "weight": rules["member"]["base_max"],
            "score": base,
            "applicable": not pd.isna(base),
            "detail": "无任何适用分项：本期不计分（无数据）"
            if pd.isna(base)
            else "60 × 适用分项得分之和 ÷ 适用分项权重之和",
        },
        {
            "component": "加分",
            "weight": rules["member"]["bonus_cap"],
            "score": row["bonus"],
            "applicable": True,
            "detail": f"志愿服务 {row['volunteer_bonus']:g}（每期最多 {rules['bonus']['volunteer_cap_per_period']}）+ 其他 {row['other_bonus']:g}，封顶 {rules['member']['bonus_cap']}",
        },
        {
            "component": "守纪",
            "weight": rules["member"]["discipline_max"],
            "score": row["discipline"],
            "applicable": True,
            "detail": f"{rules['member']['discipline_max']} − 扣分 {row['deduction']:g}（缺席/迟到 {row['attendance_deduction']:g} + 事项 {row['item_deduction']:g}），最低 0",
        },
    ]
    return pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)


def explain_member(con, branch: str, period: Period | str, member: str | int, rules: Rules) -> MemberExplanation:
    period = parse(period) if isinstance(period, str) else period
    bid = require_branch(con, branch)
    members = engine.member_frame(con, bid, period, rules)
    row = _pick(members, member)
    params = {"branch_id": bid, "member_id": int(row["member_id"]), "start": period.start, "end": period.end}
    attendance = con.execute(sql("explain_attendance"), params).df()
    study = con.execute(sql("explain_study"), {k: params[k] for k in ("member_id", "start", "end")}).df()
    items = con.execute(
        sql("explain_items"),
        {k: params[k] for k in ("member_id", "start", "end")}
        | {"appraisal_item": APPRAISAL, "honour_item": HONOUR, "grain": period.grain, "year": period.year},
    ).df()
    lookback = engine.lookback_month(period, int(rules["veto"]["absent_months"]))
    months = con.execute(
        sql("explain_absent_months"),
        {k: params[k] for k in ("branch_id", "member_id", "end")} | {"first_month": lookback},
    ).df()
    vetoes = []
    if row["veto_by_item"]:
        vetoes.append("清零事项：" + "、".join(items.loc[items["effect"] == "清零", "item"]))
    if row["veto_by_appraisal"]:
        vetoes.append(f"{period.year} 年度民主评议为{rules['veto']['appraisal_grade']}")
    if row["veto_by_absence"]:
        absent = months.loc[months["all_absent"].fillna(False).astype(bool), "month"]
        vetoes.append(f"连续 {rules['veto']['absent_months']} 个月有考勤记录且全部缺席（{'、'.join(absent)}）")
    return MemberExplanation(
        row.to_dict(),
        period.label,
        components_table(row, rules),
        attendance,
        study,
        items,
        months,
        vetoes,
        rules.sha256,
    )


def explain_text(x: MemberExplanation) -> str:
    m = x.member
    index = "无数据" if pd.isna(m["index"]) else f"{m['index']:.2f}（{int(m['stars'])} 星）"
    lines = [f"{m['name']}（{m['party_group'] or '未分组'}，{m['category']}）{x.period} 先锋指数：{index}"]
    for r in x.components.itertuples():
        score = "—" if pd.isna(r.score) else f"{r.score:.2f}"
        lines.append(f"  {r.component}（满分 {r.weight:g}）：{score}  {r.detail}")
    if x.vetoes:
        lines.append("  清零：" + "；".join(x.vetoes))
    for r in x.items.itertuples():
        value = "" if pd.isna(r.value) else f" {r.value:+g}"
        lines.append(
            f"  {r.effect}：{r.item}{value} {r.date or r.year}  ← 装载 #{r.load_id} {r.file_name} 工作表“{r.src_sheet}”第 {r.src_row} 行"
        )
    lines.append(f"  考勤记录 {len(x.attendance)} 条：")
    for r in x.attendance.itertuples():
        src = (
            f"← 装载 #{r.load_id} {r.file_name} 工作表“{r.src_sheet}”第 {r.src_row} 行"
            if not pd.isna(r.load_id)
            else "← 无记录"
        )
        note = ATTENDANCE_NOTES.get(r.reason, "")
        lines.append(f"    {r.date} {r.activity_type} {r.mark}{'（' + note + '）' if note else ''} {src}")
    lines.append(f"  学习强国记录 {len(x.study)} 条（日均积分的来源）")
    lines.append(f"  规则 sha256:{x.rules_sha256[:16]}")
    return "\n".join(lines)
