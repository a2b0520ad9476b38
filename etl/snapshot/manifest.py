"""manifest.json: what a snapshot is, and the SHA-256 of every other entry (docs/snapshots.md).

The manifest is written once, as UTF-8 JSON, and from then on only its exact bytes count: the
signature is over them, the district stores them, and reading never re-serialises them. A manifest
names its format and format version first, so a reader can tell a foreign zip, or a snapshot of a
later version, from a damaged one.
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
FORMAT_VERSION = 1
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
}
ENTRIES = (*TABLE_ENTRIES.values(), RULES_ENTRY)  # every entry the manifest covers
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
) -> bytes:
    """The manifest's bytes. ``entries`` are the contents of every other entry (tables and rules)."""
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
        "source_loads": source_loads,
        "tables": {name: {"entry": TABLE_ENTRIES[name], "rows": rows[name]} for name in TABLE_ENTRIES},
        "entries": {
            name: {"sha256": hashlib.sha256(entries[name]).hexdigest(), "bytes": len(entries[name])} for name in ENTRIES
        },
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -- reading: the shape of a version-1 manifest, checked field by field ------------------------------
def _bad(what: str) -> SnapshotRejected:
    return SnapshotRejected(f"manifest.json 不符合快照格式 {FORMAT_VERSION}：{what}")


def _field(doc: dict, key: str, kind, where: str = ""):
    if key not in doc:
        raise _bad(f"缺少“{where}{key}”")
    value = doc[key]
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise _bad(f"“{where}{key}”的类型不对")
    return value


def parse_manifest(raw: bytes) -> Manifest:
    """The manifest's bytes → Manifest, or SnapshotRejected naming what is not a version-1 manifest."""
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
    if version != FORMAT_VERSION:
        advice = "请升级本工具后再试" if isinstance(version, int) and version > FORMAT_VERSION else "文件不是本工具写的"
        raise SnapshotRejected(f"快照格式版本“{version}”不受支持（本工具读取版本 {FORMAT_VERSION}）：{advice}")
    for key, kind in (("branch", str), ("period", str), ("created_at", str), ("anonymized", bool)):
        _field(doc, key, kind)
    if not doc["branch"].strip():
        raise _bad("“branch”为空")
    if "school" not in doc or not (doc["school"] is None or isinstance(doc["school"], str)):
        raise _bad("缺少“school”")
    try:
        if parse(doc["period"]).label != doc["period"]:
            raise BadPeriod(doc["period"])
    except BadPeriod:
        raise _bad(f"统计期“{doc['period']}”写法不对") from None
    try:
        created = dt.datetime.fromisoformat(doc["created_at"])
    except ValueError:
        raise _bad(f"生成时间“{doc['created_at']}”写法不对") from None
    if created.tzinfo is None:
        raise _bad("生成时间没有时区")
    tool = _field(doc, "tool", dict)
    _field(tool, "version", str, "tool.")
    rules = _field(doc, "rules", dict)
    _field(rules, "source", str, "rules.")
    if not _HEX64.match(_field(rules, "sha256", str, "rules.")) or rules.get("entry") != RULES_ENTRY:
        raise _bad("“rules”的 sha256 或 entry 不对")
    for load in _field(doc, "source_loads", list):
        if not isinstance(load, dict) or not _HEX64.match(str(load.get("sha256", ""))):
            raise _bad("“source_loads”中有一项没有文件的 SHA-256")
    tables = _field(doc, "tables", dict)
    if set(tables) != set(TABLE_ENTRIES):
        raise _bad(f"表应为 {'、'.join(TABLE_ENTRIES)}，实为 {'、'.join(map(str, tables)) or '无'}")
    for name, entry in TABLE_ENTRIES.items():
        table = _field(tables, name, dict, "tables.")
        rows = _field(table, "rows", int, f"tables.{name}.")
        if table.get("entry") != entry or rows < 0:
            raise _bad(f"表“{name}”的条目或行数不对")
    entries = _field(doc, "entries", dict)
    if set(entries) != set(ENTRIES):
        raise _bad(f"条目应为 {'、'.join(ENTRIES)}，实为 {'、'.join(map(str, entries)) or '无'}")
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not _HEX64.match(str(entry.get("sha256", ""))):
            raise _bad(f"条目“{name}”没有 SHA-256")
        size = entry.get("bytes")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise _bad(f"条目“{name}”没有大小")
    return Manifest(raw, doc)
