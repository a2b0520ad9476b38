"""The rules: read from TOML with tomllib, checked key by key, hashed for the record.

Rules are configuration shared by validation (which items exist, which grades) and scoring (every
weight and threshold), so they live here, below both. A branch may keep its own file
(``data/rules/<branch>.toml``); an edited file takes effect at the next call, without a restart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from etl.errors import RulesError

DEFAULT_RULES = Path(__file__).resolve().parents[1] / "data" / "rules.toml"
GRADES = ("优秀", "合格", "基本合格", "不合格")
HONOUR = "表彰"
APPRAISAL = "民主评议"
LEVELS = ("校级", "区级", "市级", "省级", "国家级")
PERIODS = ("month", "month_per_group", "quarter", "year")
# A branch's own rules file written before [limits] existed gets these (the defaults of data/rules.toml).
DEFAULT_LIMITS = {
    "first_year": 2000,
    "years_ahead": 1,
    "roster_first_year": 1900,
    "daily_points_max": 200,
    "total_points_max": 1_000_000,
    "item_points_max": 100,
}
# Years must make dates: a first year of 0 or a float would not.
LIMIT_RANGES = {"first_year": (1900, 2100), "roster_first_year": (1800, 2100), "years_ahead": (0, 50)}
SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """Today where the branches are (the server may run on UTC)."""
    return dt.datetime.now(SHANGHAI).date()


@dataclass(frozen=True)
class Rules:
    data: dict
    sha256: str
    source: str

    def __getitem__(self, key):
        return self.data[key]

    @property
    def known_items(self) -> set[str]:
        return (
            {HONOUR, APPRAISAL, self.data["bonus"]["volunteer_item"]}
            | set(self.data["bonus"]["items"])
            | set(self.data["deduction"]["items"])
            | set(self.data["veto"]["items"])
        )

    def canonical_item(self, item: str) -> str:
        return self.data.get("items", {}).get("aliases", {}).get(item, item)

    @property
    def limits(self) -> dict:
        return {**DEFAULT_LIMITS, **self.data.get("limits", {})}

    def date_window(self) -> tuple[dt.date, dt.date]:
        """The dates an activity, a 学习强国 day or an assessment may have."""
        limits = self.limits
        return dt.date(limits["first_year"], 1, 1), dt.date(today().year + limits["years_ahead"], 12, 31)

    def year_in_window(self, year: int) -> bool:
        first, last = self.date_window()
        return first.year <= year <= last.year


def _number(data: dict, path: str, low: float = 0, high: float = 1e9):
    node = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise RulesError(f"规则文件缺少“{path}”")
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, (int, float)) or not low <= node <= high:
        raise RulesError(f"规则“{path}”应为 {low} 到 {high} 之间的数字，实为 {node!r}")
    return node


def check(data: dict) -> None:
    for path in (
        "member.base_max",
        "member.bonus_cap",
        "member.discipline_max",
        "member.weights.attendance",
        "member.weights.study",
        "member.weights.appraisal",
        "study.daily_target",
        "bonus.volunteer_points",
        "bonus.volunteer_cap_per_period",
        "deduction.per_absence",
        "deduction.per_late",
        "veto.absent_months",
        "stars.needs_help_below",
        "branch.member_weight",
        "branch.compliance_weight",
        "branch.committee_min_members",
    ):
        _number(data, path)
    for grade in GRADES:
        _number(data, f"appraisal.{grade}")
    for level in LEVELS:
        _number(data, f"bonus.honour_levels.{level}")
    for section in ("bonus.items", "deduction.items"):
        for item in data[section.split(".")[0]].get("items", {}):
            _number(data, f"{section}.{item}")
    for key in data.get("limits", {}):
        if key not in DEFAULT_LIMITS:
            raise RulesError(f"规则“limits.{key}”不是已知的限值（可用：{'、'.join(DEFAULT_LIMITS)}）")
        low, high = LIMIT_RANGES.get(key, (0, 1e12))
        value = _number(data, f"limits.{key}", low, high)
        if key in LIMIT_RANGES and not isinstance(value, int):
            raise RulesError(f"规则“limits.{key}”应为整数年份或年数，实为 {value!r}")
    thresholds = data.get("stars", {}).get("thresholds")
    if not (isinstance(thresholds, list) and len(thresholds) == 4 and thresholds == sorted(thresholds, reverse=True)):
        raise RulesError("规则“stars.thresholds”应为从高到低的四个分数线，如 [90, 80, 70, 60]")
    if not isinstance(data.get("veto", {}).get("items"), list):
        raise RulesError("规则“veto.items”应为清零事项的列表")
    if abs(data["branch"]["member_weight"] + data["branch"]["compliance_weight"] - 1) > 1e-9:
        raise RulesError("规则“branch.member_weight”与“branch.compliance_weight”之和应为 1")
    for name, req in data["branch"].get("requirements", {}).items():
        if not isinstance(req, dict) or req.get("per") not in PERIODS:
            raise RulesError(f"规则“branch.requirements.{name}.per”应为 {'/'.join(PERIODS)} 之一")
        _number(data, f"branch.requirements.{name}.count", 0, 100)
    months = data["branch"].get("exempt_months", [])
    if not all(isinstance(m, int) and 1 <= m <= 12 for m in months):
        raise RulesError("规则“branch.exempt_months”应为 1 到 12 之间的月份列表")


def load_rules(path: str | Path | None = None) -> Rules:
    path = Path(path) if path else DEFAULT_RULES
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RulesError(f"找不到规则文件：{path}") from None
    # Reading a few kilobytes on every call is cheap and always current (a modification time can
    # miss an edit made within the same clock tick); parsing and checking is cached by content.
    return _parse(str(path), raw)


@lru_cache(maxsize=64)
def _parse(path: str, raw: bytes) -> Rules:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulesError(f"规则文件格式错误：{exc}") from None
    check(data)
    return Rules(data, hashlib.sha256(raw).hexdigest(), path)


def branch_rules_path(branch: str) -> Path:
    return DEFAULT_RULES.parent / "rules" / f"{branch}.toml"


def rules_for(branch: str, override: str | Path | None = None) -> Rules:
    """The branch's own rules (data/rules/<branch>.toml) when it has them, else the defaults."""
    if override:
        return load_rules(override)
    own = branch_rules_path(branch)
    return load_rules(own if own.exists() else None)
