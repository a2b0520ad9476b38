"""Member codes for `etl snapshot export --anonymize`.

A code is HMAC-SHA256 of the member's id under a secret kept per branch in the branch's own database
(branch_secrets, made on the first anonymised export). So a code is the same in every export of the
branch — the district can follow a member's stars from period to period — yet cannot be found by
hashing a guessed name, nor by trying member ids: both need the secret, which never leaves the
branch. The member id, not the name, is what is coded, so two members of the same name get two
codes and a corrected spelling keeps its code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pandas as pd

from etl.db import Database, first_row, require_branch, statement
from etl.errors import SnapshotRejected

CODE_PREFIX = "党员-"
CODE_HEX_DIGITS = 12  # 48 bits: no two of a branch's members collide in practice; checked anyway


def branch_secret(db: Database, branch: str) -> bytes:
    """The branch's secret, made (through the one writer) on first use."""
    with db.connect() as con:
        bid = require_branch(con, branch)
        row = first_row(con, statement("etl.sql", "snapshot/secret"), {"branch_id": bid})
    if row:
        return bytes(row[0])
    with db.write() as con:
        row = first_row(con, statement("etl.sql", "snapshot/secret"), {"branch_id": bid})
        if row:  # made by another export in between
            return bytes(row[0])
        secret = secrets.token_bytes(32)
        con.execute(statement("etl.sql", "snapshot/insert_secret"), {"branch_id": bid, "secret": secret})
        return secret


def member_code(secret: bytes, member_id: int) -> str:
    digest = hmac.new(secret, f"member:{int(member_id)}".encode(), hashlib.sha256).hexdigest()
    return CODE_PREFIX + digest[:CODE_HEX_DIGITS].upper()


def coder(secret: bytes):
    """member ids → codes, for tables.compute."""

    def code_of(member_ids: pd.Series) -> pd.Series:
        codes = member_ids.map(lambda mid: member_code(secret, mid))
        if codes.duplicated().any():  # astronomically unlikely; never two members under one code
            raise SnapshotRejected("两位党员的代码相同，无法匿名导出")
        return codes

    return code_of
