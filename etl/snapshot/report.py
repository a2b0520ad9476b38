"""The human report exported beside a snapshot: an .xlsx with Chinese headers, one sheet per table,
the star distribution behind the charts, and what the manifest says — written by etl/writers.py like
every spreadsheet the tool makes. The report is for reading; the zip is what counts."""

from __future__ import annotations

import pandas as pd

from etl import writers
from etl.plan.checklist import ITEM_HEADERS
from etl.snapshot.manifest import Manifest
from etl.sources import KIND_NAMES

RATE, SCORE, COUNT = "0.0%", "0.00", "0"
HEADERS = {
    "member_scores": {
        "member": "党员",
        "party_group": "党小组",
        "campus": "校区",
        "category": "类别",
        "is_committee": "支委",
        "expected": "应到",
        "attended": "实到",
        "absences": "缺席",
        "unmarked": "其中未签到",
        "lates": "迟到",
        "leaves": "请假",
        "attendance_rate": "出勤率",
        "study_days": "学习天数",
        "active_days": "有积分天数",
        "study_points": "学习积分",
        "avg_daily": "日均积分",
        "appraisal": "民主评议",
        "volunteer_bonus": "志愿服务加分",
        "other_bonus": "其他加分",
        "attendance_deduction": "考勤扣分",
        "item_deduction": "事项扣分",
        "veto_by_item": "事项清零",
        "veto_detail": "清零事项",
        "veto_by_appraisal": "评议清零",
        "veto_by_absence": "连续缺席清零",
        "attendance_score": "组织生活得分",
        "study_score": "学习强国得分",
        "appraisal_score": "民主评议得分",
        "base": "基本分",
        "bonus": "加分",
        "deduction": "扣分",
        "discipline": "守纪分",
        "vetoed": "清零",
        "index": "先锋指数",
        "stars": "星级",
        "needs_help": "需帮扶",
    },
    "branch_score": {
        "members_scored": "计分党员数",
        "member_mean": "党员先锋指数平均",
        "compliance_rate": "三会一课达标率",
        "compliance_required": "要求次数",
        "compliance_met": "达标次数",
        "index": "堡垒指数",
        "stars": "星级",
        "previous_period": "上一统计期",
        "previous_index": "上期堡垒指数",
        "previous_stars": "上期星级",
    },
    "compliance": {
        "requirement": "要求",
        "per": "频次",
        "unit_start": "起",
        "unit_end": "止",
        "party_group": "党小组",
        "required": "要求次数",
        "held": "开展次数",
        "met": "达标次数",
        "held_on": "开展日期",
    },
    "plan_items": {  # the words of `etl plan --format csv`
        "as_of": "截至",
        **ITEM_HEADERS,
        "units": "单元数",
        "units_due": "已到期单元",
        "units_due_met": "其中已完成",
        "units_overdue": "逾期单元",
    },
    "star_moves": {
        "member": "党员",
        "party_group": "党小组",
        "previous_stars": "上期星级",
        "stars": "本期星级",
        "move": "变化",
        "index": "先锋指数",
    },
}
SHEETS = {
    "member_scores": "党员先锋指数",
    "branch_score": "支部堡垒指数",
    "compliance": "三会一课",
    "star_moves": "星级变化",
    "plan_items": "工作计划",
}
RATES = {"attendance_rate", "compliance_rate"}
COUNTS = {"stars", "previous_stars", "members_scored", "expected", "attended", "absences", "unmarked", "lates"}
COUNTS |= {"leaves", "study_days", "active_days", "required", "held", "met", "done", "checkpoint_count"}
COUNTS |= {"evidence_count", "missing_count", "units", "units_due", "units_due_met", "units_overdue"}
CODES = {
    "per": {
        "month": "每月",
        "month_per_group": "每月每个党小组",
        "quarter": "每季度",
        "year": "每年",
        "member": "每位党员",
    },
    "move": {"up": "上升", "down": "下降", "same": "持平", "new": "新计分"},
}


def _readable(name: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table with Chinese headers, 是/否, codes in words; and its columns' number formats."""
    out = pd.DataFrame(index=frame.index)
    formats = {}
    for column, header in HEADERS[name].items():
        values = frame[column]
        if column in CODES:
            values = values.map(lambda v, c=column: CODES[c].get(v, v))
        elif column == "held_on":
            values = values.map(lambda v: "、".join(v) if isinstance(v, list) else "")
        elif values.dtype == bool or column.startswith(("veto_by", "is_")) or column in ("vetoed", "needs_help"):
            values = values.map(lambda v: "" if v is None or v is pd.NA else "是" if v else "否")
        out[header] = values.astype(object).where(values.notna(), None)
        if column in RATES:
            formats[header] = RATE
        elif column in COUNTS:
            formats[header] = COUNT
        elif pd.api.types.is_float_dtype(frame[column]):
            formats[header] = SCORE
    return out, formats


def _about(manifest: Manifest, signer: str | None) -> pd.DataFrame:
    d = manifest.data
    rows = [
        ("党支部", d["branch"]),
        ("学校", d["school"] or "（未设置）"),
        ("统计期", d["period"]),
        ("生成时间", d["created_at"]),
        ("规则文件", d["rules"]["source"]),
        ("规则 SHA-256", d["rules"]["sha256"]),
        ("党员姓名", "已匿名（代码）" if d["anonymized"] else "实名"),
        *_plan_about(d),
        ("签名", f"已签名，密钥指纹 {signer}" if signer else "未签名"),
        ("工具版本", f"{d['tool']['name']} {d['tool']['version']}"),
        ("快照格式版本", d["format_version"]),
        *((f"{SHEETS[name]}（行数）", t["rows"]) for name, t in d["tables"].items()),
    ]
    return pd.DataFrame(rows, columns=["项目", "内容"])


def _plan_about(d: dict) -> list[tuple[str, str]]:
    plan = d.get("plan")
    if plan is None:  # a version-1 snapshot
        return [("工作计划", "（格式 1 的快照不含工作计划）")]
    return [("工作计划文件", plan["source"]), ("工作计划 SHA-256", plan["sha256"]), ("工作计划截至", plan["as_of"])]


def _sources(manifest: Manifest) -> pd.DataFrame:
    loads = pd.DataFrame(manifest.data["source_loads"])
    if loads.empty:
        return pd.DataFrame(columns=["装载编号", "种类", "文件名", "SHA-256", "装载时间", "装载行数"])
    return pd.DataFrame(
        {
            "装载编号": loads["load_id"],
            "种类": loads["kind"].map(lambda k: KIND_NAMES.get(k, k)),
            "文件名": loads["file_name"],
            "SHA-256": loads["sha256"],
            "装载时间": loads["loaded_at"],
            "装载行数": loads["rows_loaded"],
        }
    )


def workbook(frames: dict[str, pd.DataFrame], manifest: Manifest, signer: str | None) -> bytes:
    sheets, formats = {"说明": _about(manifest, signer)}, {}
    for name, sheet in SHEETS.items():
        if name in frames:  # a version-1 snapshot has no plan_items
            sheets[sheet], formats[sheet] = _readable(name, frames[name])
    stars = frames["member_scores"]["stars"].dropna().astype(int)
    sheets["星级分布"] = pd.DataFrame(
        {"星级": [5, 4, 3, 2, 1], "人数": [int((stars == s).sum()) for s in (5, 4, 3, 2, 1)]}
    )
    sheets["源文件"] = _sources(manifest)
    return writers.frames_workbook(sheets, formats)
