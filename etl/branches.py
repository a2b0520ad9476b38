"""Branches and their schools: `etl branch add|rename|list` (docs/cli.md).

A branch is created by its first load (etl/db.py's ensure_branch) or here, on purpose, with the school
it belongs to; a snapshot's manifest names that school, so the district can group branches by school.
A branch made before schools existed has none (NULL) until it is set here. Renaming keeps the branch's
id, so every row it has stays with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.db import Database, find_branch, first_row, require_branch, statement
from etl.errors import BranchRefused, UsageError
from etl.normalize import text
from etl.rules import branch_rules_path


def _sql(name: str) -> str:
    return statement("etl.sql", f"branch/{name}")


def clean_school(value: str | None) -> str | None:
    """A school as typed, normalised like a branch name; None when not given; blank is a usage error."""
    if value is None:
        return None
    school = text(value)
    if not school:
        raise UsageError("学校名称不能为空")
    return school


@dataclass(frozen=True)
class Change:
    """What `add` or `rename` did, for the command line to say."""

    name: str
    school: str | None
    outcome: str  # added | school_set | unchanged | renamed
    old_name: str | None = None
    old_school: str | None = None
    rules_file_left: str | None = None  # data/rules/<old name>.toml, found by name no longer


def add(db: Database, name: str, school: str | None) -> Change:
    """A new branch with its school; for an existing branch without a school, its school. A branch
    that exists with another school is refused: that is a rename's business, said on purpose."""
    name, school = text(name), clean_school(school)
    if not name:
        raise UsageError("党支部名称不能为空")
    db.init()
    with db.write() as con:
        bid = find_branch(con, name)
        if bid is None:
            first_row(con, _sql("insert"), {"name": name, "school": school})
            return Change(name, school, "added")
        _, stored_name, stored_school = first_row(con, _sql("get"), {"branch_id": bid})
        if school is None or school == stored_school:
            return Change(stored_name, stored_school, "unchanged")
        if stored_school is not None:
            raise BranchRefused(
                f"党支部“{stored_name}”已属于“{stored_school}”。要改为“{school}”，请用 "
                f"python -m etl branch rename “{stored_name}” --school “{school}”"
            )
        con.execute(_sql("set_school"), {"branch_id": bid, "school": school})
        return Change(stored_name, school, "school_set")


def rename(db: Database, name: str, new_name: str | None = None, school: str | None = None) -> Change:
    """A branch's new name and/or school. The new name must not belong to another branch."""
    new_name, school = (text(new_name) if new_name is not None else None), clean_school(school)
    if new_name is None and school is None:
        raise UsageError("请给出新名称，或用 --school 给出学校")
    if new_name == "":
        raise UsageError("党支部名称不能为空")
    with db.write() as con:
        bid = require_branch(con, name)
        _, old_name, old_school = first_row(con, _sql("get"), {"branch_id": bid})
        target = new_name if new_name is not None else old_name
        other = find_branch(con, target)
        if other is not None and other != bid:
            raise BranchRefused(f"已有名为“{target}”的党支部，不能把“{old_name}”改成这个名称")
        if target != old_name:
            con.execute(_sql("rename"), {"branch_id": bid, "name": target})
        if school is not None and school != old_school:
            con.execute(_sql("set_school"), {"branch_id": bid, "school": school})
    changed = target != old_name or (school is not None and school != old_school)
    # A branch's own rules file is found by its name: after a rename it would silently stop applying.
    old_rules = branch_rules_path(old_name)
    left = str(old_rules) if target != old_name and old_rules.exists() else None
    return Change(
        target,
        school if school is not None else old_school,
        "renamed" if changed else "unchanged",
        old_name=old_name,
        old_school=old_school,
        rules_file_left=left,
    )


def list_branches(db: Database, school: str | None = None) -> pd.DataFrame:
    """name, school, created_at, loads (live), snapshots (current), keys (in force), by school then name."""
    with db.connect() as con:
        frame = con.execute(_sql("list"), {"school": clean_school(school)}).df()
    frame["school"] = frame["school"].astype(object).where(frame["school"].notna(), None)  # not set: None
    return frame
