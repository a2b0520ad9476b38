"""The load stage, the only code that writes facts: one transaction per file.

Rows are never overwritten. A load inserts its rows with its load id; per natural key, the rows of
the latest load not undone are live (the ``is_live`` flag of schema v5, which this module alone keeps:
a load clears it on the rows its keys replace, an undo gives it back). So a newer file replaces the
older rows of the keys it has (we count them), and undoing it brings them back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from etl.db import Database, ensure_branch, find_branch, first_row, statement
from etl.errors import LoadRefused
from etl.sources.roster import CLEAN_COLUMNS

# table → (natural key columns, columns inserted from the prepared frame)
FACT_TABLES = {
    "attendance": (
        ["branch_id", "date", "activity_type", "member_id"],
        ["date", "activity_type", "member_id", "status", "title", "note", "src_sheet", "src_row", "src_col"],
    ),
    "meetings": (
        ["branch_id", "date", "activity_type"],
        ["date", "activity_type", "title", "details", "src_sheet", "src_row"],
    ),
    "study_daily": (["member_id", "date"], ["member_id", "date", "points", "src_sheet", "src_row"]),
    "study_totals": (["member_id", "as_of"], ["member_id", "as_of", "total", "total_kind", "src_sheet", "src_row"]),
    "assessments": (
        ["member_id", "item", "date", "year"],
        ["member_id", "item", "date", "year", "grade", "points", "level", "note", "src_sheet", "src_row"],
    ),
    "records": (
        ["branch_id", "date", "record_type", "subject"],
        ["date", "record_type", "subject", "member_id", "leader", "topic", "details", "src_sheet", "src_row"],
    ),
}
ROSTER_COLUMNS = CLEAN_COLUMNS  # what roster validation produces is what the roster load writes
DATE_COLUMNS = {"date", "as_of", "birth", "joined", "transferred_in", "transferred_out"}


class _DryRun(Exception):
    """Raised inside the transaction to roll a preview back."""


@dataclass
class LoadResult:
    load_id: int | None
    rows_loaded: int = 0
    rows_replaced: int = 0
    repeat_of: int | None = None  # an identical live load: nothing was written
    brings_back: int | None = None  # an identical earlier load whose replaced rows this load restores
    left_members: list[str] = field(default_factory=list)
    unmarked: pd.DataFrame | None = None  # per activity: expected members with no mark
    dry_run: bool = False


def _sql(name: str) -> str:
    """A statement of etl/sql/load/."""
    return statement("etl.sql", f"load/{name}")


def _stage(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    staged = df[columns].copy()
    for col in DATE_COLUMNS & set(columns):
        staged[col] = pd.to_datetime(staged[col].astype(object), errors="raise").dt.date
    return staged


def _unregister(con) -> None:
    """Drop the staged frame. After a failed statement the transaction is aborted and this fails
    too; that second error must not hide the first."""
    with contextlib.suppress(duckdb.Error):
        con.unregister("staged")


def _key_join(keys: list[str], left: str, right: str) -> str:
    return " AND ".join(f"{left}.{k} IS NOT DISTINCT FROM {right}.{k}" for k in keys)


def _insert_facts(con, table: str, frame: pd.DataFrame, load_id: int, bid: int) -> tuple[int, int]:
    """(rows inserted, live rows of other loads they replace). The two statements are written from
    FACT_TABLES — table, key and column names of this module, never anything a file holds — so one
    function serves every fact table; every value is a parameter."""
    if frame is None or frame.empty:
        return 0, 0
    keys, columns = FACT_TABLES[table]
    staged = _stage(frame, columns)
    con.register("staged", staged)
    try:
        # The live rows of the keys this load has stop being live (schema v5's flag): these are the rows
        # it replaces, counted by the update itself.
        replaced = con.execute(
            f"UPDATE {table} AS l SET is_live = false WHERE l.branch_id = ? AND l.is_live AND EXISTS ("
            f" SELECT 1 FROM (SELECT *, ? AS branch_id FROM staged) AS s WHERE {_key_join(keys, 'l', 's')})",
            [bid, bid],
        ).fetchall()[0][0]
        con.execute(
            f"INSERT INTO {table} (load_id, branch_id, {', '.join(columns)}) "
            f"SELECT ?, ?, {', '.join(columns)} FROM staged",
            [load_id, bid],
        )
    finally:
        _unregister(con)
    return len(staged), replaced


def _load_roster(con, frame: pd.DataFrame, load_id: int, bid: int, partial: bool) -> tuple[int, int, list[str]]:
    frame = frame.copy()
    new = frame["member_id"].isna()
    if new.any():
        ids = [r[0] for r in con.execute(_sql("new_member_ids"), {"count": int(new.sum())}).fetchall()]
        frame.loc[new, "member_id"] = ids
        con.executemany(_sql("insert_member"), [[i, bid, load_id] for i in ids])
    frame["member_id"] = frame["member_id"].astype("int64")
    staged = _stage(frame, ROSTER_COLUMNS)
    con.register("staged", staged)
    try:
        replaced = first_row(con, _sql("roster_replaced"), {"branch_id": bid})[0]
        con.execute(
            f"INSERT INTO member_versions (load_id, branch_id, status, {', '.join(ROSTER_COLUMNS)}) "
            f"SELECT ?, ?, '在册', {', '.join(ROSTER_COLUMNS)} FROM staged",
            [load_id, bid],
        )
        left = []
        if not partial:
            left = [r[0] for r in con.execute(_sql("mark_leavers"), {"load_id": load_id, "branch_id": bid}).fetchall()]
        con.execute(_sql("retire_member_versions"), {"load_id": load_id, "branch_id": bid})
    finally:
        _unregister(con)
    return len(staged), replaced, left


def unmarked_by_activity(con, load_id: int, bid: int) -> pd.DataFrame:
    """Per activity this load touched: date, activity_type, unmarked_count, unmarked_names — the
    expected members with no mark (they count as 缺席)."""
    return con.execute(_sql("unmarked_by_activity"), {"load_id": load_id, "branch_id": bid}).df()


def write_load(
    db: Database,
    *,
    branch: str,
    kind: str,
    file_name: str,
    sha256: str,
    sheets: list[str],
    rows_read: int,
    frames: dict[str, pd.DataFrame],
    user: str,
    partial: bool = False,
    dry_run: bool = False,
    progress: Callable[[float, str], None] | None = None,
) -> LoadResult:
    """Write one prepared file in one transaction (or, with dry_run, compute what it would do).
    ``progress(fraction, message)`` is told how far the write has come."""
    result = LoadResult(None, dry_run=dry_run)
    say = progress or (lambda fraction, message: None)
    try:
        with db.write() as con:
            bid = ensure_branch(con, branch)
            repeat = first_row(con, _sql("find_repeat"), {"branch_id": bid, "kind": kind, "sha256": sha256})
            if repeat:
                params = {"load_id": repeat[0], "branch_id": bid, "kind": kind}
                if first_row(con, _sql("repeat_changes_nothing"), params)[0]:
                    result.repeat_of = repeat[0]
                    raise _DryRun  # nothing to write; leave the database exactly as it was
                result.brings_back = repeat[0]  # later loads replaced some of its rows: load it again
            load_id = first_row(
                con,
                _sql("insert_load"),
                {
                    "branch_id": bid,
                    "kind": kind,
                    "file_name": file_name,
                    "sha256": sha256,
                    "sheets": "、".join(sheets),
                    "rows_read": rows_read,
                    "partial": partial,
                    "user": user,
                    "now": dt.datetime.now(),
                },
            )[0]
            result.load_id = load_id
            say(0.1, "正在写入数据库")
            if kind == "roster":
                result.rows_loaded, result.rows_replaced, result.left_members = _load_roster(
                    con, frames["roster"], load_id, bid, partial
                )
            else:
                for table, frame in frames.items():
                    loaded, replaced = _insert_facts(con, table, frame, load_id, bid)
                    if table != "meetings":
                        result.rows_loaded += loaded
                        result.rows_replaced += replaced
            if kind == "attendance":
                result.unmarked = unmarked_by_activity(con, load_id, bid)
            counts = {"rows_loaded": result.rows_loaded, "rows_replaced": result.rows_replaced, "load_id": load_id}
            con.execute(_sql("set_load_counts"), counts)
            if dry_run:
                raise _DryRun
            say(0.9, f"已写入 {result.rows_loaded} 行，正在提交")
            # A test seam: hold the finished but uncommitted transaction open so a test can kill the
            # process at the worst moment and find the database as it was.
            time.sleep(float(os.environ.get("VANGUARD_HOLD_BEFORE_COMMIT", "0")))
        say(1.0, "完成")
    except _DryRun:
        pass  # the transaction was rolled back on purpose: a preview, or a repeat of a live load
    return result


def _relive_after_undo(con, table: str, load_id: int) -> None:
    """An undone load's rows stop being live, and for each key it had, the newest row of a load still
    live becomes live again. Written from FACT_TABLES like _insert_facts; values are parameters."""
    natural = FACT_TABLES[table][0] if table in FACT_TABLES else ["member_id"]  # member_versions: a member
    keys = ["branch_id", *(k for k in natural if k != "branch_id")]
    names = ", ".join(f"x.{k}" for k in keys)
    con.execute(f"UPDATE {table} SET is_live = false WHERE load_id = ? AND is_live", [load_id])
    con.execute(
        f"UPDATE {table} AS t SET is_live = true FROM ("
        f" SELECT {names}, max(x.load_id) AS load_id FROM {table} AS x JOIN live_loads AS l ON l.load_id = x.load_id"
        f" WHERE x.branch_id = (SELECT branch_id FROM loads WHERE load_id = ?)"
        f" AND EXISTS (SELECT 1 FROM {table} AS u WHERE u.load_id = ? AND {_key_join(keys, 'x', 'u')})"
        f" GROUP BY ALL) AS w WHERE t.load_id = w.load_id AND {_key_join(keys, 't', 'w')}",
        [load_id, load_id],
    )


def roster_dependents(con, load_id: int) -> list[tuple]:
    """Live loads with rows about members who exist only through this roster load."""
    return con.execute(_sql("roster_dependents"), {"load_id": load_id}).fetchall()


def undo_load(db: Database, load_id: int, user: str) -> dict:
    """Mark a load undone: its rows stop being live and what it replaced is live again."""
    with db.write() as con:
        row = first_row(con, _sql("load_for_undo"), {"load_id": load_id})
        if row is None:
            raise LoadRefused(f"没有编号为 {load_id} 的装载记录")
        kind, file_name, undone_at, branch = row
        if undone_at is not None:
            raise LoadRefused(f"装载 #{load_id}（{file_name}）已于 {undone_at:%Y-%m-%d %H:%M} 撤销")
        if kind == "roster":
            dependents = roster_dependents(con, load_id)
            if dependents:
                names = "、".join(f"#{i}（{f}）" for i, f in dependents)
                raise LoadRefused(
                    f"不能撤销名册装载 #{load_id}：以下装载用到了只在这份名册中的党员：{names}。请先撤销它们。"
                )
        con.execute(_sql("mark_undone"), {"now": dt.datetime.now(), "user": user, "load_id": load_id})
        for table in (*FACT_TABLES, "member_versions"):
            _relive_after_undo(con, table, load_id)
    return {"load_id": load_id, "kind": kind, "file_name": file_name, "branch": branch}


def list_loads(db: Database, branch: str | None = None) -> pd.DataFrame:
    with db.connect() as con:
        bid = None if branch is None else find_branch(con, branch)
        if branch is not None and bid is None:
            bid = -1  # no such branch: an empty history
        return con.execute(_sql("list_loads"), {"branch_id": bid}).df()
