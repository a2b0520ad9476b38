"""manifest.json: what a snapshot is, and the SHA-256 of every other entry (docs/snapshots.md).

The manifest is written once, as UTF-8 JSON, and from then on only its exact bytes count: the
signature is over them, the district stores them, and reading never re-serialises them. A manifest
names its format and format version first, so a reader can tell a foreign zip, or a snapshot of a
later version, from a damaged one.

Version 2 added the work plan: a plan_items table (etl/snapshot/plan.py) and a "plan" object naming
the plan file and the as-of date of its statuses. A version-1 snapshot, which has neither, is still
read, verified and imported: every reader asks the manifest for its own tables and entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from etl.errors import BadPeriod, SnapshotRejected
from etl.scoring.period import Period, parse

FORMAT = "vanguard-snapshot"
FORMAT_VERSION = 2  # what export writes
READABLE_VERSIONS = (1, 2)  # what verify and import accept
TOOL_NAME = "先锋指数看板"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
RULES_ENTRY = "rules.toml"
# table name → its entry; the order is the order of the entries in the zip
TABLE_ENTRIES = {
    "member_scores": "member_scores.parquet",
    "branch_score": "branch_score.parquet",
    "compliance": "compliance.parquet",
    "star_moves": "star_moves.parquet",
    "plan_items": "plan_items.parquet",  # from version 2
}
_SINCE_VERSION = {"plan_items": 2}  # a table's first format version; the others are in every version


def table_entries(version: int) -> dict[str, str]:
    """The tables (name → entry) of a snapshot of format ``version``."""
    return {name: entry for name, entry in TABLE_ENTRIES.items() if _SINCE_VERSION.get(name, 1) <= version}


def entry_names(version: int) -> tuple[str, ...]:
    """Every entry a manifest of format ``version`` covers, in the order of the zip."""
    return (*table_entries(version).values(), RULES_ENTRY)


ENTRIES = entry_names(FORMAT_VERSION)  # every entry the manifest of an export covers
SHANGHAI = ZoneInfo("Asia/Shanghai")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Manifest:
    """A manifest read back: its exact bytes and the fields verify, import and report use."""

    raw: bytes
    data: dict

    @property
    def branch(self) -> str:
        return self.data["branch"]

    @property
    def school(self) -> str | None:
        return self.data["school"]

    @property
    def period(self) -> Period:
        return parse(self.data["period"])

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.data["created_at"])

    @property
    def anonymized(self) -> bool:
        return self.data["anonymized"]

    @property
    def rules(self) -> dict:
        return self.data["rules"]

    @property
    def entries(self) -> dict[str, dict]:
        return self.data["entries"]

    @property
    def version(self) -> int:
        return self.data["format_version"]

    @property
    def table_entries(self) -> dict[str, str]:
        """This snapshot's tables (name → entry): a version-1 snapshot has no plan_items."""
        return table_entries(self.version)

    @property
    def entry_names(self) -> tuple[str, ...]:
        return entry_names(self.version)

    @property
    def plan(self) -> dict | None:
        """{"source", "sha256", "as_of"} of the plan checklist; None in a version-1 snapshot."""
        return self.data.get("plan")

    def rows(self, table: str) -> int:
        return self.data["tables"][table]["rows"]


def build(
    *,
    branch: str,
    school: str | None,
    period: Period,
    created_at: dt.datetime,
    tool_version: str,
    rules_source: str,
    rules_sha256: str,
    anonymized: bool,
    source_loads: list[dict],
    rows: dict[str, int],
    entries: dict[str, bytes],
    plan: dict,
) -> bytes:
    """The manifest's bytes. ``entries`` are the contents of every other entry (tables and rules);
    ``plan`` names the plan file and the as-of date of the plan_items table."""
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "branch": branch,
        "school": school,
        "period": period.label,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "created_at": created_at.isoformat(timespec="microseconds"),
        "tool": {"name": TOOL_NAME, "version": tool_version},
        "rules": {"source": rules_source, "sha256": rules_sha256, "entry": RULES_ENTRY},
        "anonymized": anonymized,
        "plan": {"source": plan["source"], "sha256": plan["sha256"], "as_of": plan["as_of"].isoformat()},
        "source_loads": source_loads,
        "tables": {name: {"entry": TABLE_ENTRIES[name], "rows": rows[name]} for name in TABLE_ENTRIES},
        "entries": {
            name: {"sha256": hashlib.sha256(entries[name]).hexdigest(), "bytes": len(entries[name])} for name in ENTRIES
        },
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -- reading: the shape of a manifest of a version this tool reads, checked field by field ----------
class _Malformed(Exception):
    """A field that is not what the manifest's own format version says; parse_manifest names the version."""


def _field(doc: dict, key: str, kind, where: str = ""):
    if key not in doc:
        raise _Malformed(f"缺少“{where}{key}”")
    value = doc[key]
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise _Malformed(f"“{where}{key}”的类型不对")
    return value


def _check_plan(doc: dict, version: int) -> None:
    if version < 2:
        if "plan" in doc:
            raise _Malformed("格式 1 的快照没有“plan”")
        return
    plan = _field(doc, "plan", dict)
    _field(plan, "source", str, "plan.")
    if not _HEX64.match(_field(plan, "sha256", str, "plan.")):
        raise _Malformed("“plan.sha256”不对")
    try:
        dt.date.fromisoformat(_field(plan, "as_of", str, "plan."))
    except ValueError:
        raise _Malformed(f"“plan.as_of”“{plan['as_of']}”写法不对") from None


def _check_fields(doc: dict, version: int) -> None:
    for key, kind in (("branch", str), ("period", str), ("created_at", str), ("anonymized", bool)):
        _field(doc, key, kind)
    if not doc["branch"].strip():
        raise _Malformed("“branch”为空")
    if "school" not in doc or not (doc["school"] is None or isinstance(doc["school"], str)):
        raise _Malformed("缺少“school”")
    try:
        if parse(doc["period"]).label != doc["period"]:
            raise BadPeriod(doc["period"])
    except BadPeriod:
        raise _Malformed(f"统计期“{doc['period']}”写法不对") from None
    try:
        created = dt.datetime.fromisoformat(doc["created_at"])
    except ValueError:
        raise _Malformed(f"生成时间“{doc['created_at']}”写法不对") from None
    if created.tzinfo is None:
        raise _Malformed("生成时间没有时区")
    tool = _field(doc, "tool", dict)
    _field(tool, "version", str, "tool.")
    rules = _field(doc, "rules", dict)
    _field(rules, "source", str, "rules.")
    if not _HEX64.match(_field(rules, "sha256", str, "rules.")) or rules.get("entry") != RULES_ENTRY:
        raise _Malformed("“rules”的 sha256 或 entry 不对")
    for load in _field(doc, "source_loads", list):
        if not isinstance(load, dict) or not _HEX64.match(str(load.get("sha256", ""))):
            raise _Malformed("“source_loads”中有一项没有文件的 SHA-256")
    _check_plan(doc, version)
    expected_tables, expected_entries = table_entries(version), entry_names(version)
    tables = _field(doc, "tables", dict)
    if set(tables) != set(expected_tables):
        raise _Malformed(f"表应为 {'、'.join(expected_tables)}，实为 {'、'.join(map(str, tables)) or '无'}")
    for name, entry in expected_tables.items():
        table = _field(tables, name, dict, "tables.")
        rows = _field(table, "rows", int, f"tables.{name}.")
        if table.get("entry") != entry or rows < 0:
            raise _Malformed(f"表“{name}”的条目或行数不对")
    entries = _field(doc, "entries", dict)
    if set(entries) != set(expected_entries):
        raise _Malformed(f"条目应为 {'、'.join(expected_entries)}，实为 {'、'.join(map(str, entries)) or '无'}")
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not _HEX64.match(str(entry.get("sha256", ""))):
            raise _Malformed(f"条目“{name}”没有 SHA-256")
        size = entry.get("bytes")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise _Malformed(f"条目“{name}”没有大小")


def parse_manifest(raw: bytes) -> Manifest:
    """The manifest's bytes → Manifest, or SnapshotRejected naming what is not a manifest of a version
    this tool reads (READABLE_VERSIONS)."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SnapshotRejected("不是本工具的快照：manifest.json 不是 UTF-8 的 JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else None
        raise SnapshotRejected(
            f"不是本工具的快照：manifest.json 的格式是“{found}”，不是“{FORMAT}”"
            if found
            else f"不是本工具的快照：manifest.json 没有写明格式“{FORMAT}”"
        )
    version = doc.get("format_version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        advice = "请升级本工具后再试" if isinstance(version, int) and version > FORMAT_VERSION else "文件不是本工具写的"
        readable = "、".join(map(str, READABLE_VERSIONS))
        raise SnapshotRejected(f"快照格式版本“{version}”不受支持（本工具读取版本 {readable}）：{advice}")
    try:
        _check_fields(doc, version)
    except _Malformed as exc:
        raise SnapshotRejected(f"manifest.json 不符合快照格式 {version}：{exc}") from None
    return Manifest(raw, doc)
