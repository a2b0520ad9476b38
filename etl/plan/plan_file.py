"""The work plan as data: data/plan.toml, or a branch's own plan of a year (data/plans/<branch>/<year>.toml).

Read with tomllib, checked key by key like the rules file (etl/rules.py): a wrong key or value is a
:class:`PlanError` naming the key path in Chinese. An edited file takes effect at the next call. Exempt
months are not here: they come from the rules file, so there is one list of them.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.errors import PlanError
from etl.normalize import ACTIVITY_TYPES, RECORD_TYPES

DEFAULT_PLAN = Path(__file__).resolve().parents[2] / "data" / "plan.toml"
PERS = ("year", "quarter", "month", "member")
PER_NAMES = {"year": "每年", "quarter": "每季度", "month": "每月", "member": "每位党员"}
EVENT_SOURCES = ("activity_types", "record_types", "assessment_items")
EVIDENCE_KEYS = ("requirements", "study", *EVENT_SOURCES)
ITEM_KEYS = ("name", "evidence", "per", "required", "due", "window", "checkpoints", "skip_exempt_months", "target")
END = "期末"
_DATE = re.compile(r"^(次年)?\s*(\d{1,2})-(\d{1,2})$")
_SPRING = re.compile(r"^春节\s*(?:([+-])\s*(\d{1,3}))?$")
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 02-29 is refused: most years lack it


@dataclass(frozen=True)
class When:
    """A date of the plan's year as written: 期末 (the end of each unit), MM-DD, 次年MM-DD or 春节±N."""

    text: str
    anchor: str  # end | year | next_year | spring
    month: int = 0
    day: int = 0
    offset: int = 0


@dataclass(frozen=True)
class Checkpoint:
    by: When
    count: int


@dataclass(frozen=True)
class Evidence:
    requirements: tuple[str, ...] = ()
    activity_types: tuple[str, ...] = ()
    record_types: tuple[str, ...] = ()
    assessment_items: tuple[str, ...] = ()
    study: bool = False

    @property
    def kind(self) -> str:
        """compliance (三会一课, from the scoring engine), study (shown only) or events."""
        return "compliance" if self.requirements else "study" if self.study else "events"


@dataclass(frozen=True)
class PlanItem:
    key: str
    name: str
    evidence: Evidence
    per: str = "year"
    required: int = 1
    due: When = When(END, "end")
    window: tuple[When, When] | None = None
    checkpoints: tuple[Checkpoint, ...] = ()
    skip_exempt_months: bool = False
    target: float = 0.9


@dataclass(frozen=True)
class Plan:
    title: str
    items: tuple[PlanItem, ...]
    sha256: str
    source: str


def parse_when(value, path: str, allow_end: bool = True) -> When:
    if not isinstance(value, str):
        raise PlanError(f'计划“{path}”应为日期文字（如 "12-31"、"次年03-31"、"春节+30"），实为 {value!r}')
    text = value.strip()
    if text == END and allow_end:
        return When(END, "end")
    m = _DATE.match(text)
    if m:
        month, day = int(m[2]), int(m[3])
        if not (1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]):
            raise PlanError(f"计划“{path}”的日期“{text}”不存在（写成 MM-DD，如 06-30；不用 02-29）")
        return When(text, "next_year" if m[1] else "year", month, day)
    m = _SPRING.match(text)
    if m:
        offset = int(m[2] or 0) * (-1 if m[1] == "-" else 1)
        return When(text, "spring", offset=offset)
    forms = '"期末"、"12-31"、"次年03-31"、"春节+30"' if allow_end else '"06-30"、"次年03-31"、"春节-30"'
    raise PlanError(f"计划“{path}”无法识别“{text}”：请写成 {forms}")


def _names(value, path: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    if not (isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)):
        raise PlanError(f'计划“{path}”应为非空的名称列表，如 ["廉政专题会"]，实为 {value!r}')
    for v in value:
        if allowed is not None and v not in allowed:
            raise PlanError(f"计划“{path}”中的“{v}”不是已知的类型（可用：{'、'.join(allowed)}）")
    return tuple(v.strip() for v in value)


def _count(value, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PlanError(f"计划“{path}”应为 {low} 到 {high} 之间的整数，实为 {value!r}")
    return value


def _known(table: dict, keys: tuple[str, ...], path: str) -> None:
    for key in table:
        if key not in keys:
            raise PlanError(f"计划“{path}.{key}”不是已知的键（可用：{'、'.join(keys)}）")


def _evidence(value, path: str) -> Evidence:
    if not isinstance(value, dict) or not value:
        raise PlanError(f'计划“{path}”应为一张表，如 {{ record_types = ["谈心谈话"] }}')
    _known(value, EVIDENCE_KEYS, path)
    kinds = [k for k in ("requirements", "study") if k in value] + (
        ["events"] if set(EVENT_SOURCES) & set(value) else []
    )
    if len(kinds) != 1:
        raise PlanError(
            f"计划“{path}”只能是三会一课（requirements）、学习强国（study）或活动 / 工作记录 / 考评之一，实为 {'、'.join(kinds)}"
        )
    if "study" in value and value["study"] is not True:
        raise PlanError(f"计划“{path}.study”只能写 true，实为 {value['study']!r}")
    return Evidence(
        requirements=_names(value["requirements"], f"{path}.requirements") if "requirements" in value else (),
        activity_types=_names(value["activity_types"], f"{path}.activity_types", ACTIVITY_TYPES)
        if "activity_types" in value
        else (),
        record_types=_names(value["record_types"], f"{path}.record_types", RECORD_TYPES)
        if "record_types" in value
        else (),
        assessment_items=_names(value["assessment_items"], f"{path}.assessment_items")
        if "assessment_items" in value
        else (),
        study=value.get("study") is True,
    )


def _only(table: dict, keys: tuple[str, ...], path: str, why: str) -> None:
    for key in table:
        if key not in keys:
            raise PlanError(f"计划“{path}.{key}”不适用：{why}")


def _item(key: str, table, path: str) -> PlanItem:
    if not isinstance(table, dict):
        raise PlanError(f"计划“{path}”应为一张表（[{path}]）")
    _known(table, ITEM_KEYS, path)
    name = table.get("name", key)
    if not isinstance(name, str) or not name.strip():
        raise PlanError(f"计划“{path}.name”应为事项的名称，实为 {name!r}")
    if "evidence" not in table:
        raise PlanError(f"计划“{path}”缺少“evidence”（证据）")
    evidence = _evidence(table["evidence"], f"{path}.evidence")
    if evidence.kind == "compliance":
        _only(
            table, ("name", "evidence"), path, "三会一课的次数、周期、到期与豁免月份都按规则文件的 branch.requirements"
        )
        return PlanItem(key, name.strip(), evidence, per="")  # each requirement's own, from the rules
    per = table.get("per", "month" if evidence.kind == "study" else None)
    if per not in PERS:
        raise PlanError(f"计划“{path}.per”应为 {'/'.join(PERS)} 之一，实为 {per!r}")
    if evidence.kind == "study":
        _only(table, ("name", "evidence", "per", "target"), path, "学习强国只展示每月的参与率")
        if per != "month":
            raise PlanError(f"计划“{path}.per”：学习强国按月展示参与率，只能是 month，实为 {per!r}")
        target = table.get("target", 0.9)
        if isinstance(target, bool) or not isinstance(target, (int, float)) or not 0 < target <= 1:
            raise PlanError(f"计划“{path}.target”应为 0 到 1 之间的参与率（如 0.9），实为 {target!r}")
        return PlanItem(key, name.strip(), evidence, per="month", target=float(target))
    if "target" in table:
        raise PlanError(f"计划“{path}.target”不适用：只有学习强国有参与率目标")
    if per == "member" and evidence.activity_types:
        raise PlanError(f"计划“{path}.evidence.activity_types”不适用：每位党员的事项按点名到人的工作记录或考评计")
    if per in ("month", "quarter") and evidence.assessment_items:
        raise PlanError(f"计划“{path}.evidence.assessment_items”不适用：考评按年度归属，只能按年或每位党员计")
    required = _count(table.get("required", 1), f"{path}.required", 1, 100)
    due = parse_when(table.get("due", END), f"{path}.due")
    if per in ("month", "quarter") and due.anchor != "end":
        raise PlanError(f'计划“{path}.due”：每月 / 每季度的事项在期末到期，只能写 "{END}"，实为 {due.text!r}')
    window = None
    if "window" in table:
        value = table["window"]
        if per in ("month", "quarter"):
            raise PlanError(f"计划“{path}.window”不适用：每月 / 每季度的事项只算本月 / 本季度")
        if not (isinstance(value, list) and len(value) == 2):
            raise PlanError(f'计划“{path}.window”应为起止两个日期，如 ["06-01", "07-31"]，实为 {value!r}')
        window = (
            parse_when(value[0], f"{path}.window[0]", allow_end=False),
            parse_when(value[1], f"{path}.window[1]", allow_end=False),
        )
    checkpoints = _checkpoints(table.get("checkpoints", []), f"{path}.checkpoints", per, required)
    skip = table.get("skip_exempt_months", False)
    if not isinstance(skip, bool):
        raise PlanError(f"计划“{path}.skip_exempt_months”应为 true 或 false，实为 {skip!r}")
    if skip and per != "month":
        raise PlanError(f'计划“{path}.skip_exempt_months”只用于每月的事项（per = "month"）')
    return PlanItem(key, name.strip(), evidence, per, required, due, window, checkpoints, skip)


def _checkpoints(value, path: str, per: str, required: int) -> tuple[Checkpoint, ...]:
    if not isinstance(value, list):
        raise PlanError(f'计划“{path}”应为列表，如 [{{ by = "06-30", count = 1 }}]，实为 {value!r}')
    if value and per != "year":
        raise PlanError(f'计划“{path}”不适用：检查点只用于按年计次的事项（per = "year"）')
    found = []
    for i, point in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(point, dict):
            raise PlanError(f'计划“{where}”应为 {{ by = "06-30", count = 1 }}，实为 {point!r}')
        _known(point, ("by", "count"), where)
        if "by" not in point or "count" not in point:
            raise PlanError(f"计划“{where}”应同时写 by（日期）和 count（次数）")
        found.append(
            Checkpoint(
                parse_when(point["by"], f"{where}.by", allow_end=False),
                _count(point["count"], f"{where}.count", 1, required),
            )
        )
    return tuple(found)


def check(data: dict) -> tuple[str, tuple[PlanItem, ...]]:
    """The plan's title and items, every key checked; PlanError names the first wrong one."""
    _known(data, ("title", "items"), "计划文件")
    title = data.get("title", "年度工作计划")
    if not isinstance(title, str):
        raise PlanError(f"计划“title”应为文字，实为 {title!r}")
    items = data.get("items")
    if not isinstance(items, dict) or not items:
        raise PlanError('计划文件缺少“items”：每个事项一张表，如 [items."谈心谈话"]')
    return title, tuple(_item(key, table, f"items.{key}") for key, table in items.items())


def load_plan(path: str | Path | None = None) -> Plan:
    path = Path(path) if path else DEFAULT_PLAN
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PlanError(f"找不到计划文件：{path}") from None
    # As for the rules: reading a few kilobytes on every call is always current; parsing is cached by content.
    return _parse(str(path), raw)


@lru_cache(maxsize=64)
def _parse(path: str, raw: bytes) -> Plan:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PlanError(f"计划文件 {path} 格式错误：{exc}") from None
    title, items = check(data)
    return Plan(title, items, hashlib.sha256(raw).hexdigest(), path)


def branch_plan_path(branch: str, year: int) -> Path | None:
    """data/plans/<branch>/<year>.toml; None for a name that could lead out of that folder."""
    if not branch or branch.startswith(".") or any(sep in branch for sep in ("/", "\\", "\0")):
        return None
    return DEFAULT_PLAN.parent / "plans" / branch / f"{int(year)}.toml"


def plan_for(branch: str, year: int, override: str | Path | None = None) -> Plan:
    """The branch's own plan of that year when it has one, else the default data/plan.toml."""
    if override:
        return load_plan(override)
    own = branch_plan_path(branch, year)
    return load_plan(own if own is not None and own.exists() else None)
