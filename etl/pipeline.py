"""read → validate → load, for one file at a time. The CLI and the dashboard both call this.

``read_file`` (etl.sources) touches no database. ``validate`` reads the branch's roster (a short
read-only look) and returns clean frames plus a report. Only ``commit`` writes, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from etl import load
from etl.db import Database, find_branch, statement
from etl.errors import LoadRefused
from etl.members import MemberMatcher, empty_roster
from etl.rules import Rules, rules_for
from etl.sources import ParsedFile, assessment, attendance, read_file, records, roster, study
from etl.validate import Report

__all__ = ["Prepared", "commit", "current_roster", "read_file", "validate"]


@dataclass
class Prepared:
    branch: str
    parsed: ParsedFile
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def report(self) -> Report:
        return self.parsed.report

    @property
    def kind(self) -> str | None:
        return self.parsed.kind

    @property
    def ok(self) -> bool:
        return self.report.ok and self.kind is not None

    @property
    def rows_clean(self) -> int:
        return sum(len(f) for name, f in self.frames.items() if name != "meetings")


def current_roster(db: Database, branch: str) -> pd.DataFrame:
    """Every member the branch has ever had (their live version), for matching names."""
    if not db.path.exists():
        return empty_roster()
    with db.connect() as con:
        bid = find_branch(con, branch)
        if bid is None:
            return empty_roster()
        return con.execute(statement("etl.sql", "lookup/roster_for_matching"), {"branch_id": bid}).df()


def validate(db: Database, branch: str, parsed: ParsedFile, rules: Rules | None = None) -> Prepared:
    prepared = Prepared(branch, parsed)
    if parsed.kind is None or not parsed.sheets:
        return prepared
    matcher = MemberMatcher(current_roster(db, branch))
    report, kind = parsed.report, parsed.kind
    rules = rules or rules_for(branch)
    if kind == "roster":
        frames = [roster.validate(s.records, s.context, report, matcher, rules) for s in parsed.sheets]
        prepared.frames["roster"] = pd.concat(frames, ignore_index=True)
    elif kind in ("attendance", "record"):  # one file may hold both: a ledger's 专题会 rows are records
        pairs, recorded = [], []
        for s in parsed.sheets:
            if s.context.table.kind == "record":
                recorded.append(records.validate(s.records, s.context, report, matcher, rules))
                continue
            rows, raw_records = records.split_attendance(s.records)
            pairs.append(attendance.validate(rows, s.context, report, matcher, rules))
            recorded.append(records.validate(raw_records, s.context, report, matcher, rules))
        rows, meetings = attendance.finish([p[0] for p in pairs], [p[1] for p in pairs], report)
        prepared.frames.update(attendance=rows, meetings=meetings, records=records.finish(recorded, report))
    elif kind == "study":
        pairs = [study.validate(s.records, s.context, report, matcher, rules) for s in parsed.sheets]
        daily, totals = study.finish([p[0] for p in pairs], [p[1] for p in pairs], report)
        prepared.frames.update(study_daily=daily, study_totals=totals)
    elif kind == "assessment":
        frames = [assessment.validate(s.records, s.context, report, matcher, rules) for s in parsed.sheets]
        prepared.frames["assessments"] = pd.concat(frames, ignore_index=True)
    if prepared.rows_clean == 0 and report.ok:
        report.add(None, None, None, "", "文件中没有可装载的数据行", "请确认表头下方有数据，且不全是合计行或空行")
    return prepared


def commit(
    db: Database, prepared: Prepared, user: str, partial: bool = False, dry_run: bool = False, progress=None
) -> load.LoadResult:
    if not prepared.ok:
        raise LoadRefused(prepared.report.text())
    parsed = prepared.parsed
    return load.write_load(
        db,
        branch=prepared.branch,
        kind=parsed.kind,
        file_name=parsed.file_name,
        sha256=parsed.sha256,
        sheets=[s.context.name for s in parsed.sheets],
        rows_read=parsed.rows_read,
        frames=prepared.frames,
        user=user,
        partial=partial,
        dry_run=dry_run,
        progress=progress,
    )
