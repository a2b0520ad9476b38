"""`etl snapshot trust`: the district's register of each branch's public keys.

A branch may have several keys in force (a new one registered before the old one is revoked, so that
snapshots signed on either side of the change both import). A revoked key stays in the register: a
snapshot it signed is then named as signed by a revoked key, whatever date the snapshot claims —
a thief holding the key could write any date. A revoked key is never registered again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.db import Database, find_branch, statement
from etl.errors import SnapshotRejected, UnknownBranch, UsageError
from etl.snapshot import keys


def _sql(name: str) -> str:
    return statement("etl.sql", f"snapshot/{name}")


def keys_of(con: duckdb.DuckDBPyConnection, branch_id: int) -> list[dict]:
    """The branch's registered keys, revoked ones too: fingerprint, public_key (raw), registered_at,
    registered_by, revoked_at, revoked_by."""
    cursor = con.execute(_sql("keys_of_branch"), {"branch_id": branch_id})
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row), public_key=bytes(row[1])) for row in cursor.fetchall()]


@dataclass(frozen=True)
class TrustChange:
    branch: str
    added: str | None = None  # fingerprint registered now
    already: str | None = None  # fingerprint that was registered before: nothing changed
    revoked: str | None = None
    already_revoked: str | None = None


def trust(
    db: Database, branch: str, public_key: Path | None, revoke: str | None, user: str, now: dt.datetime | None = None
) -> TrustChange:
    """Register ``public_key`` (a .pub file) for ``branch`` and/or revoke the key ``revoke`` (a
    fingerprint), in one transaction."""
    if public_key is None and revoke is None:
        raise UsageError("请给出要登记的公钥文件（KEYFILE.pub），或用 --revoke 给出要撤销的密钥指纹")
    public_raw = keys.load_public(public_key) if public_key is not None else None  # read before the write
    new_fp = keys.fingerprint(public_raw) if public_raw is not None else None
    old_fp = keys.clean_fingerprint(revoke) if revoke is not None else None
    if new_fp is not None and new_fp == old_fp:
        raise UsageError(f"同一个密钥 {new_fp} 不能同时登记和撤销")
    now = now or dt.datetime.now()
    result = {"branch": branch}
    with db.write() as con:
        bid = find_branch(con, branch)
        if bid is None:
            raise UnknownBranch(
                f"数据库中没有党支部“{branch}”。请先用 python -m etl branch add --db {db.path} --school 学校 “{branch}” 建立"
            )
        registered = {k["fingerprint"]: k for k in keys_of(con, bid)}
        if new_fp is not None:
            known = registered.get(new_fp)
            if known is not None and known["revoked_at"] is not None:
                raise SnapshotRejected(f"密钥 {new_fp} 已于 {known['revoked_at']:%Y-%m-%d %H:%M} 撤销，不能重新登记")
            if known is not None:
                result["already"] = new_fp
            else:
                con.execute(
                    _sql("insert_key"),
                    {"branch_id": bid, "fingerprint": new_fp, "public_key": public_raw, "now": now, "user": user},
                )
                result["added"] = new_fp
        if old_fp is not None:
            known = registered.get(old_fp)
            if known is None:
                listed = "、".join(registered) or "无"
                raise SnapshotRejected(f"“{branch}”没有登记指纹为 {old_fp} 的密钥（已登记：{listed}）")
            if known["revoked_at"] is not None:
                result["already_revoked"] = old_fp
            else:
                con.execute(_sql("revoke_key"), {"branch_id": bid, "fingerprint": old_fp, "now": now, "user": user})
                result["revoked"] = old_fp
    return TrustChange(**result)
