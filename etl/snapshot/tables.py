"""The tables of a snapshot: their columns and types, and how they are taken from a branch's
database — by the very scoring calls `etl scores` makes (etl/scoring/service.py), never a second
computation, so a snapshot's numbers are `etl scores`'s numbers to the last bit.

- member_scores: every member in scope for the period, each component, the index and the stars
  (docs/scoring.md), in the order `etl scores` lists them;
- branch_score: the 堡垒指数 row, with the previous period's index and stars;
- compliance: every 三会一课 requirement and unit of the period (required, held, met, held on);
- star_moves: each member scored this period, with last period's stars and the move;
- plan_items (format 2): the work plan's checklist on the period's as-of date (etl/snapshot/plan.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from etl.db import require_branch, statement
from etl.errors import SnapshotRejected
from etl.rules import APPRAISAL, Rules
from etl.scoring import engine, service
from etl.scoring.period import Period
from etl.snapshot import plan

_str, _f64, _i64, _i32, _bool = pa.string(), pa.float64(), pa.int64(), pa.int32(), pa.bool_()
SCHEMAS: dict[str, pa.Schema] = {
    "member_scores": pa.schema(
        [
            ("member", _str),
            ("party_group", _str),
            ("campus", _str),
            ("category", _str),
            ("is_committee", _bool),
            ("expected", _i64),
            ("attended", _i64),
            ("absences", _i64),
            ("unmarked", _i64),
            ("lates", _i64),
            ("leaves", _i64),
            ("attendance_rate", _f64),
            ("study_days", _i64),
            ("active_days", _i64),
            ("study_points", _f64),
            ("avg_daily", _f64),
            ("appraisal", _str),
            ("volunteer_bonus", _f64),
            ("other_bonus", _f64),
            ("attendance_deduction", _f64),
            ("item_deduction", _f64),
            ("veto_by_item", _bool),
            ("veto_detail", _str),
            ("veto_by_appraisal", _bool),
            ("veto_by_absence", _bool),
            ("attendance_score", _f64),
            ("study_score", _f64),
            ("appraisal_score", _f64),
            ("base", _f64),
            ("bonus", _f64),
            ("deduction", _f64),
            ("discipline", _f64),
            ("vetoed", _bool),
            ("index", _f64),
            ("stars", _i32),
            ("needs_help", _bool),
        ]
    ),
    "branch_score": pa.schema(
        [
            ("members_scored", _i32),
            ("member_mean", _f64),
            ("compliance_rate", _f64),
            ("compliance_required", _f64),
            ("compliance_met", _f64),
            ("index", _f64),
            ("stars", _i32),
            ("previous_period", _str),
            ("previous_index", _f64),
            ("previous_stars", _i32),
        ]
    ),
    "compliance": pa.schema(
        [
            ("requirement", _str),
            ("per", _str),
            ("unit_start", pa.date32()),
            ("unit_end", pa.date32()),
            ("party_group", _str),
            ("required", _i64),
            ("held", _i64),
            ("met", _i64),
            ("held_on", pa.list_(_str)),
        ]
    ),
    "star_moves": pa.schema(
        [
            ("member", _str),
            ("party_group", _str),
            ("previous_stars", _i32),
            ("stars", _i32),
            ("move", _str),
            ("index", _f64),
        ]
    ),
    "plan_items": plan.SCHEMA,
}
MAX_ROWS = 200_000  # a branch has hundreds of members; a table beyond this is not a snapshot's
MAX_DECODED_BYTES = 128 * 1024 * 1024  # what one table may take once its Parquet pages are decoded


def _moves(members: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Each member scored this period with last period's stars (none: not scored then) and the move."""
    before = previous.dropna(subset=["stars"])[["member_id", "stars"]].rename(columns={"stars": "previous_stars"})
    now = members.dropna(subset=["stars"])[["member_id", "member", "party_group", "stars", "index"]]
    frame = now.merge(before, on="member_id", how="left")
    change = frame["stars"].astype(float) - frame["previous_stars"].astype(float)
    frame["move"] = ["new" if pd.isna(d) else "up" if d > 0 else "down" if d < 0 else "same" for d in change.tolist()]
    return frame


def compute(
    con: duckdb.DuckDBPyConnection,
    branch: str,
    period: Period,
    rules: Rules,
    code_of: Callable[[pd.Series], pd.Series] | None = None,
) -> dict[str, pd.DataFrame]:
    """The four tables of ``branch`` for ``period``. ``code_of`` maps member ids to the codes that
    replace names in an anonymised snapshot."""
    row, members, compliance = service.branch_score_con(con, branch, period, rules)
    before = period.previous()
    if raw_branch_ids(con, [require_branch(con, branch)], before):
        previous_row, previous, _ = service.branch_score_con(con, branch, before, rules)
    else:  # nothing measured then: no previous index (not the 0 an empty period would score)
        previous_row, previous = {"index": None, "stars": None}, members.iloc[0:0]
    # the label `etl scores` shows (service.member_scores_con), or the member's code
    label = code_of(members["member_id"]) if code_of else engine.member_label(members)
    members = members.assign(member=label.to_numpy())
    branch_row = {
        **row,
        "previous_period": before.label,
        "previous_index": previous_row["index"],
        "previous_stars": previous_row["stars"],
    }
    compliance = compliance.assign(
        unit_start=pd.to_datetime(compliance["unit_start"]).dt.date,
        unit_end=pd.to_datetime(compliance["unit_end"]).dt.date,
        held_on=[list(v) if isinstance(v, (list, np.ndarray)) else None for v in compliance["held_on"]],
    )
    return {
        "member_scores": members,
        "branch_score": pd.DataFrame([branch_row]),
        "compliance": compliance,
        "star_moves": _moves(members, previous),
    }


def to_arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    schema = SCHEMAS[name]
    table = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
    return table.replace_schema_metadata(None)  # no pandas metadata: the schema above is the contract


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def read_parquet(name: str, data: bytes, rows: int) -> pa.Table:
    """A table entry read back, refused unless it is the Parquet table of that name with the rows the
    manifest says — checked on the file's metadata before any page is decoded."""
    entry = f"{name}.parquet"
    try:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        decoded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if meta.num_rows != rows:
            raise SnapshotRejected(f"条目 {entry} 有 {meta.num_rows} 行，清单写的是 {rows} 行")
        if meta.num_rows > MAX_ROWS or decoded > MAX_DECODED_BYTES:
            raise SnapshotRejected(
                f"条目 {entry} 声明 {meta.num_rows} 行、解开后 {decoded} 字节，超出快照的上限，未读取"
            )
        table = pq.read_table(io.BytesIO(data))
    except SnapshotRejected:
        raise
    except (pa.ArrowException, OSError, ValueError):
        raise SnapshotRejected(f"条目 {entry} 不是可读的 Parquet 表") from None
    if not table.schema.remove_metadata().equals(SCHEMAS[name]):
        raise SnapshotRejected(f"条目 {entry} 的列与快照格式不符（应为：{'、'.join(SCHEMAS[name].names)}）")
    return table


def raw_branch_ids(con: duckdb.DuckDBPyConnection, branch_ids: list[int], period: Period) -> set[int]:
    """The branches among ``branch_ids`` with raw rows that score ``period`` (sql/snapshot/raw_branches.sql)."""
    ids = sorted({int(b) for b in branch_ids})
    if not ids:
        return set()
    params = {
        "branch_ids": ids,
        "first_branch": ids[0],
        "last_branch": ids[-1],
        "start": period.start,
        "end": period.end,
        "appraisal_item": APPRAISAL,
    }
    return {r[0] for r in con.execute(statement("etl.sql", "snapshot/raw_branches"), params).fetchall()}
