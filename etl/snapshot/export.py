"""`etl snapshot export`: a branch's periods frozen into one signed zip each, and a report beside it.

Read, then build, then write: everything is read from the database and computed first (the only
write to the database is the branch's anonymisation secret, made on first use through the one
writer); the zips and reports are built in memory; only then are files written, each to a temporary
name and moved into place, so a failed export leaves no half-written file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from etl import __version__
from etl.db import Database, first_row, require_branch, statement
from etl.errors import SnapshotRejected, UsageError
from etl.rules import Rules, rules_for
from etl.scoring.period import Period, parse
from etl.snapshot import anonymize, archive, keys, manifest, plan, report, tables

_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def periods_for(periods: list[str] | None, year: int | None) -> list[Period]:
    """--period P … or --year YYYY (its four quarters, then the year)."""
    if year is not None:
        return [parse(f"{year}-Q{q}") for q in range(1, 5)] + [parse(str(year))]
    chosen = [parse(p) for p in periods or ()]
    if not chosen:
        raise UsageError("请用 --period 或 --year 给出统计期")
    return list(dict.fromkeys(chosen))  # a period given twice is exported once


def file_stem(branch: str, period: Period) -> str:
    """<支部>_<期间>, with what a file system would refuse replaced by _."""
    return f"{_UNSAFE_IN_FILE_NAMES.sub('_', branch)}_{period.label}"


def zip_paths(out: Path, branch: str, periods: list[Period]) -> list[Path]:
    """One period and an --out ending in .zip: that file. Otherwise --out is a folder, one file per
    period in it, named <支部>_<期间>.zip."""
    out = Path(out)
    if out.suffix.lower() == ".zip":
        if len(periods) > 1:
            raise UsageError(f"导出 {len(periods)} 个统计期时 --out 应为文件夹，每期一个文件（<支部>_<期间>.zip）")
        return [out]
    return [out / f"{file_stem(branch, p)}.zip" for p in periods]


@dataclass
class Built:
    """One snapshot, built in memory."""

    period: Period
    zip_bytes: bytes
    report_bytes: bytes
    rows: dict[str, int]
    fingerprint: str | None


@dataclass
class Exported:
    period: str
    zip_path: Path
    report_path: Path
    rows: dict[str, int]
    fingerprint: str | None


@dataclass
class Outcome:
    exported: list[Exported] = field(default_factory=list)
    without_data: list[str] = field(default_factory=list)  # periods with nothing to freeze: not exported
    school: str | None = None
    seconds: float = 0.0


def _rules_entry(rules: Rules) -> bytes:
    data = Path(rules.source).read_bytes()
    if hashlib.sha256(data).hexdigest() != rules.sha256:  # edited between scoring and now
        raise SnapshotRejected(f"规则文件 {rules.source} 在导出过程中被改动，请重新导出")
    return data


def build(
    frames: dict,
    *,
    branch: str,
    school: str | None,
    period: Period,
    rules: Rules,
    source_loads: list[dict],
    anonymized: bool,
    created_at: dt.datetime,
    key: Ed25519PrivateKey | None,
    plan_source: dict,
) -> Built:
    """The zip (manifest, signature, tables, rules) and the report of one period's frames;
    ``plan_source`` names the plan file and the as-of date of the plan_items frame."""
    arrow = {name: tables.to_arrow(name, frames[name]) for name in manifest.TABLE_ENTRIES}
    contents = {entry: tables.parquet_bytes(arrow[name]) for name, entry in manifest.TABLE_ENTRIES.items()}
    contents[manifest.RULES_ENTRY] = _rules_entry(rules)
    rows = {name: arrow[name].num_rows for name in manifest.TABLE_ENTRIES}
    manifest_bytes = manifest.build(
        branch=branch,
        school=school,
        period=period,
        created_at=created_at,
        tool_version=__version__,
        rules_source=Path(rules.source).name,
        rules_sha256=rules.sha256,
        anonymized=anonymized,
        source_loads=source_loads,
        rows=rows,
        entries=contents,
        plan=plan_source,
    )
    entries = [(manifest.MANIFEST, manifest_bytes)]
    fingerprint = None
    if key is not None:
        entries.append((manifest.SIGNATURE, keys.sign(manifest_bytes, key)))
        fingerprint = keys.fingerprint(keys.raw_public(key.public_key()))
    entries += [(name, contents[name]) for name in manifest.ENTRIES]
    zip_bytes = archive.pack(entries, created_at.astimezone(manifest.SHANGHAI))
    read_back = {name: arrow[name].to_pandas() for name in arrow}  # the report shows what the zip holds
    report_bytes = report.workbook(read_back, manifest.parse_manifest(manifest_bytes), fingerprint)
    return Built(period, zip_bytes, report_bytes, rows, fingerprint)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)


@dataclass
class Prepared:
    """Every period read and built in memory; nothing written yet."""

    school: str | None
    built: list[Built]
    without_data: list[str]  # periods with nothing to freeze


def prepare(
    db: Database,
    branch: str,
    periods: list[Period],
    *,
    key_path: Path | None = None,
    anonymize_names: bool = False,
    rules: Rules | None = None,
    now: dt.datetime | None = None,
) -> Prepared:
    """Read and build the snapshots of ``branch`` for ``periods`` (those with data), in memory: what
    export writes to files and a page offers for download. The one write is the branch's
    anonymisation secret, on its first anonymised export."""
    key = keys.load_private(key_path) if key_path else None
    rules = rules or rules_for(branch)
    created_at = (now or dt.datetime.now(manifest.SHANGHAI)).astimezone(manifest.SHANGHAI)
    code_of = anonymize.coder(anonymize.branch_secret(db, branch)) if anonymize_names else None
    built, without_data = [], []
    plans: dict[tuple[int, dt.date], tuple] = {}  # the checklist of a year on a date: Q4's is the year's
    with db.connect() as con:
        bid = require_branch(con, branch)
        _, name, school = first_row(con, statement("etl.sql", "branch/get"), {"branch_id": bid})
        cursor = con.execute(statement("etl.sql", "snapshot/source_loads"), {"branch_id": bid})
        columns = [d[0] for d in cursor.description]
        source_loads = [dict(zip(columns, row)) for row in cursor.fetchall()]  # plain values, for JSON
        for period in periods:
            if bid not in tables.raw_branch_ids(con, [bid], period):
                without_data.append(period.label)
                continue
            frames = tables.compute(con, name, period, rules, code_of)
            as_of = plan.as_of_for(period, created_at.date())  # created_at is Beijing time, like the plan's today
            key_of_plan = (period.start.year, as_of)
            if key_of_plan not in plans:
                plans[key_of_plan] = plan.items_frame(con, name, period, rules, as_of)
            frames["plan_items"], plan_source = plans[key_of_plan]
            built.append(
                build(
                    frames,
                    branch=name,
                    school=school,
                    period=period,
                    rules=rules,
                    source_loads=source_loads,
                    anonymized=anonymize_names,
                    created_at=created_at,
                    key=key,
                    plan_source=plan_source,
                )
            )
    return Prepared(school, built, without_data)


def build_one(
    db: Database,
    branch: str,
    period: Period,
    *,
    key_path: Path | None = None,
    anonymize_names: bool = False,
    rules: Rules | None = None,
) -> Built | None:
    """One period's snapshot in memory (zip and report), signed when ``key_path`` is given; None when
    the period has nothing to freeze."""
    prepared = prepare(db, branch, [period], key_path=key_path, anonymize_names=anonymize_names, rules=rules)
    return prepared.built[0] if prepared.built else None


def export(
    db: Database,
    branch: str,
    periods: list[Period],
    out: Path,
    *,
    key_path: Path | None = None,
    anonymize_names: bool = False,
    rules: Rules | None = None,
    now: dt.datetime | None = None,
) -> Outcome:
    """Export each period of ``branch`` that has data; periods without any are listed, not exported."""
    started = time.perf_counter()
    paths = dict(zip(periods, zip_paths(out, branch, periods)))  # a wrong --out is refused before any work
    prepared = prepare(db, branch, periods, key_path=key_path, anonymize_names=anonymize_names, rules=rules, now=now)
    outcome = Outcome(school=prepared.school, without_data=prepared.without_data)
    for one in prepared.built:
        path = paths[one.period]
        report_path = path.with_suffix(".xlsx")
        _write_atomically(path, one.zip_bytes)
        _write_atomically(report_path, one.report_bytes)
        outcome.exported.append(Exported(one.period.label, path, report_path, one.rows, one.fingerprint))
    outcome.seconds = time.perf_counter() - started
    return outcome
