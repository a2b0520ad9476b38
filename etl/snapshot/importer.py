"""`etl snapshot import`: verified snapshot files into the district's database.

Each file is verified whole first (verify.py) and refused whole when anything is wrong; then, in one
transaction through the one writer, its signing key is checked against the district's register, its
branch is created (with its school) when the database does not have it, and its tables are stored.

- The same snapshot (the same manifest bytes) imported again changes nothing, and says so; the one
  exception is a signed copy of a snapshot first imported unsigned, which takes its place.
- Of two snapshots of the same branch and period, the one created later is in force: a newer one
  replaces the older (which stays, marked replaced_by), an older one is not imported.
- An unsigned snapshot is imported only when asked (allow_unsigned), and stays marked unsigned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.db import Database, find_branch, first_row, statement
from etl.errors import SnapshotRejected
from etl.snapshot import verify


def _sql(name: str) -> str:
    return statement("etl.sql", f"snapshot/{name}")


@dataclass(frozen=True)
class Imported:
    """What one file's import did; ``outcome`` is imported, replaced, signed_copy, same or older."""

    file_name: str
    branch: str
    period: str
    outcome: str
    signed: bool
    fingerprint: str | None
    import_id: int | None = None  # the new import
    other_id: int | None = None  # the import replaced, already there, or newer
    other_created_at: dt.datetime | None = None
    branch_created: bool = False
    school_note: str | None = None


def utc(moment: dt.datetime) -> dt.datetime:
    """created_at as stored: UTC, without a zone (DuckDB TIMESTAMP)."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _store_tables(con: duckdb.DuckDBPyConnection, import_id: int, snapshot: verify.Snapshot) -> None:
    """Each of the snapshot's tables into its snapshot_* table (a version-1 file has no plan_items)."""
    for name in snapshot.manifest.table_entries:
        table = snapshot.tables[name]
        table = table.append_column("seq", pa.array(range(table.num_rows), pa.int32()))
        con.register("incoming", table)
        try:
            con.execute(_sql(f"insert_{name}"), {"import_id": import_id})
        finally:
            con.unregister("incoming")


def _branch(con, snapshot: verify.Snapshot) -> tuple[int, bool, str | None]:
    """(branch id, created now, a note about the school) — the branch made when missing."""
    name, school = snapshot.manifest.branch, snapshot.manifest.school
    bid = find_branch(con, name)
    if bid is None:
        bid = first_row(con, statement("etl.sql", "branch/insert"), {"name": name, "school": school})[0]
        return bid, True, None
    _, stored_name, stored_school = first_row(con, statement("etl.sql", "branch/get"), {"branch_id": bid})
    if school and stored_school is None:
        con.execute(statement("etl.sql", "branch/set_school"), {"branch_id": bid, "school": school})
        return bid, False, f"已把“{stored_name}”的学校设为快照中的“{school}”"
    if school and school != stored_school:
        return bid, False, f"快照中的学校是“{school}”，数据库中“{stored_name}”属于“{stored_school}”：保留数据库中的"
    return bid, False, None


def import_snapshot(
    db: Database, data: bytes, file_name: str, *, allow_unsigned: bool, user: str, now: dt.datetime | None = None
) -> Imported:
    snapshot = verify.verify_bytes(data, file_name)  # the whole file, before anything is written
    m = snapshot.manifest
    if not snapshot.signed and not allow_unsigned:
        raise SnapshotRejected(
            f"{file_name}：快照未签名，不能确认它来自“{m.branch}”。确要导入请加 --allow-unsigned（导入后标记为未签名）"
        )
    now = now or dt.datetime.now()
    created = utc(m.created_at)
    base = {
        "file_name": file_name,
        "branch": m.branch,
        "period": m.period.label,
        "signed": snapshot.signed,
        "fingerprint": snapshot.fingerprint,
    }
    db.init()
    with db.write() as con:
        verify.check_trust(con, snapshot)
        known = find_branch(con, m.branch)
        if known is not None:
            params = {"branch_id": known, "period": m.period.label, "manifest_sha256": snapshot.manifest_sha256}
            same = first_row(con, _sql("find_same"), params)
            # imported before: nothing to do, unless this is a signed copy of the unsigned one in force
            if same is not None and (same[1] or not snapshot.signed or same[2] is not None):
                return Imported(**base, outcome="same", other_id=same[0])
            current = first_row(con, _sql("current_for"), {"branch_id": known, "period": m.period.label})
            if current is not None and same is None:
                if created < current[1]:
                    return Imported(**base, outcome="older", other_id=current[0], other_created_at=current[1])
                if created == current[1]:
                    raise SnapshotRejected(
                        f"{file_name}：与已导入的快照 #{current[0]} 生成于同一时刻，内容却不同：不知道哪一份有效，未导入"
                    )
        else:
            same = current = None
        bid, created_branch, school_note = _branch(con, snapshot)
        import_id = first_row(
            con,
            _sql("insert_import"),
            {
                "branch_id": bid,
                "period": m.period.label,
                "school": m.school,
                "created_at": created,
                "manifest_sha256": snapshot.manifest_sha256,
                "file_name": file_name,
                "file_sha256": snapshot.file_sha256,
                "signed": snapshot.signed,
                "key_fingerprint": snapshot.fingerprint,
                "anonymized": m.anonymized,
                "rules_source": m.rules["source"],
                "rules_sha256": m.rules["sha256"],
                "tool_version": m.data["tool"]["version"],
                "format_version": m.data["format_version"],
                "manifest": m.raw.decode("utf-8"),
                "now": now,
                "user": user,
            },
        )[0]
        _store_tables(con, import_id, snapshot)
        outcome, other = "imported", None
        if current is not None:
            con.execute(_sql("mark_replaced"), {"old": current[0], "new": import_id, "now": now})
            outcome, other = ("signed_copy" if same is not None else "replaced"), current
    return Imported(
        **base,
        outcome=outcome,
        import_id=import_id,
        other_id=other[0] if other else None,
        other_created_at=other[1] if other else None,
        branch_created=created_branch,
        school_note=school_note,
    )


def import_file(db: Database, path: Path, *, allow_unsigned: bool, user: str) -> Imported:
    return import_snapshot(db, verify.read_file(path), Path(path).name, allow_unsigned=allow_unsigned, user=user)
