"""Scores where a database may hold raw rows, imported snapshots, or both (docs/snapshots.md).

Two questions, two preferences:

- `etl scores` asks for a branch's numbers. Raw rows are the branch's own live data, so they answer
  when the database has any that score the period; a branch and period without them (a district
  database fed by snapshot files) is answered from its snapshot in force — the same columns, the
  same numbers, since the snapshot holds exactly what `etl scores` computed at the branch.
- The district compares frozen numbers. branch_rows prefers the snapshot of a branch and period even
  where raw rows exist (a district server that also holds the branch's raw data), and scores raw
  rows, set-based, only where there is no snapshot.

Like dashboard/queries.py, every function about branches takes the caller's scope: branches outside
it are left out (lists) or refused (one branch), and member rows go to a district caller only from
an anonymised snapshot.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.db import Database, require_branch, statement
from etl.rules import Rules, rules_for, today
from etl.scope import SECRETARY, OutOfScope, Scope
from etl.scoring import engine, service
from etl.scoring.period import Period, parse
from etl.snapshot import plan
from etl.snapshot.tables import SCHEMAS, raw_branch_ids


def _sql(name: str) -> str:
    return statement("etl.sql", f"snapshot/{name}")


def current_snapshots(con: duckdb.DuckDBPyConnection, branch_ids: list[int], period: Period) -> pd.DataFrame:
    """The snapshot in force of each of ``branch_ids`` that has one for ``period``."""
    return con.execute(
        _sql("current_of_branches"), {"branch_ids": [int(b) for b in branch_ids], "period": period.label}
    ).df()


def _snapshot_attrs(frame: pd.DataFrame, snaps: pd.DataFrame, names: dict[int, str]) -> None:
    """Where the rows came from, for the CLI to say: rules, and each snapshot with its signature."""
    frame.attrs.update(
        rules_sha256=list(dict.fromkeys(snaps["rules_sha256"])),
        rules_source=[f"{s}（快照）" for s in dict.fromkeys(snaps["rules_source"])],
        snapshots=[
            {
                "branch": names[int(s.branch_id)],
                "import_id": int(s.import_id),
                "created_at": s.created_at,
                "signed": bool(s.signed),
                "key_fingerprint": s.key_fingerprint,
                "anonymized": bool(s.anonymized),
                "file_name": s.file_name,
            }
            for s in snaps.itertuples()
        ],
    )


def _snapshot_scores(con, snaps: pd.DataFrame, names: dict[int, str], period: Period, level: str) -> pd.DataFrame:
    """The `etl scores` columns of the snapshots ``snaps``, branch by branch in their order."""
    ids = [int(i) for i in snaps["import_id"]]
    branch_of = dict(zip(snaps["import_id"].astype(int), snaps["branch_id"].astype(int)))
    if level == "branch":
        cursor = con.execute(_sql("branch_scores"), {"import_ids": ids})
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, r)) for r in cursor.fetchall()]
        # built as service.scores builds its one row: from plain Python values
        frame = pd.DataFrame(
            [{"branch": names[branch_of[r["import_id"]]], "period": period.label, **r} for r in rows],
            columns=["branch", "period", *columns],
        )
        columns = engine.BRANCH_CSV
    else:
        frame = con.execute(_sql("member_scores"), {"import_ids": ids}).df()
        frame = frame.assign(
            branch=frame["import_id"].map(lambda i: names[branch_of[int(i)]]),
            period=period.label,
            study_avg_daily=frame["avg_daily"],
        )
        columns = engine.MEMBER_CSV
    frame = frame.assign(_order=frame["import_id"].map({i: n for n, i in enumerate(ids)}))
    frame = frame.sort_values("_order", kind="stable")[columns].reset_index(drop=True)
    _snapshot_attrs(frame, snaps, names)
    return frame


def scores(db: Database, branch: str, period: str, level: str = "member", rules: Rules | None = None) -> pd.DataFrame:
    """`etl scores --branch`: service.scores, or the snapshot in force when the database has no raw
    rows that score the period."""
    p = parse(period)
    with db.connect() as con:
        bid = require_branch(con, branch)
        snaps = current_snapshots(con, [bid], p)  # first: most databases have none, and then raw rows answer
        if not snaps.empty and not raw_branch_ids(con, [bid], p):
            frame = _snapshot_scores(con, snaps, {bid: branch}, p, level)
            # one branch: one rules file, as service.scores reports it
            frame.attrs.update(rules_sha256=frame.attrs["rules_sha256"][0], rules_source=frame.attrs["rules_source"][0])
            return frame
    return service.scores(db, branch, period, level, rules)


def snapshot_only(db: Database, branch: str, period: str) -> bool:
    """True when ``branch`` is answered from a snapshot for ``period`` (no raw rows; a snapshot)."""
    p = parse(period)
    with db.connect() as con:
        bid = require_branch(con, branch)
        return not raw_branch_ids(con, [bid], p) and not current_snapshots(con, [bid], p).empty


def all_scores(db: Database, period: str, level: str = "member", rules: Rules | None = None) -> pd.DataFrame:
    """`etl scores --all-branches`: service.district_scores for the branches with raw rows that score
    the period (or no snapshot), the snapshot in force for the others; rows by branch name."""
    p = parse(period)
    columns = engine.BRANCH_CSV if level == "branch" else engine.MEMBER_CSV
    with db.connect() as con:
        branches = con.execute(_sql("branches")).df()
        snaps = current_snapshots(con, [int(b) for b in branches["branch_id"]], p)
        # only a branch with a snapshot can be answered from one: raw rows are looked for among those alone
        raw = raw_branch_ids(con, snaps["branch_id"].astype(int).tolist(), p)
        snaps = snaps[~snaps["branch_id"].isin(raw)]
        from_snapshot = set(snaps["branch_id"].astype(int))
        computed = service.district_frame(con, branches[~branches["branch_id"].isin(from_snapshot)], p, level, rules)
        names = dict(zip(branches["branch_id"].astype(int), branches["name"]))
        frozen = _snapshot_scores(con, snaps, names, p, level) if not snaps.empty else None
    parts = [computed[columns]] if len(computed.columns) else []
    if frozen is not None:
        parts.append(frozen)
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if level == "branch":  # the dtypes branch_frames gives, whichever side a row came from
        frame = frame.astype({"members_scored": int, "stars": "Int64"})
    frame = frame.sort_values("branch", kind="stable").reset_index(drop=True)
    frame.attrs.update(
        rules_sha256=computed.attrs.get("rules_sha256", [])
        + (frozen.attrs["rules_sha256"] if frozen is not None else []),
        rules_source=computed.attrs.get("rules_source", [])
        + (frozen.attrs["rules_source"] if frozen is not None else []),
        snapshots=frozen.attrs["snapshots"] if frozen is not None else [],
    )
    return frame


# -- the district's view: snapshot preferred, scoped ------------------------------------------------
BRANCH_ROW_COLUMNS = [
    "branch",
    "school",
    "period",
    "source",  # snapshot | raw | None (neither: nothing to compare)
    "import_id",
    "created_at",
    "signed",
    "key_fingerprint",
    "anonymized",
    *engine.BRANCH_ROW,  # the branch's numbers, as the scoring engine names them
    "previous_index",
    "previous_stars",
]


def branch_rows(
    con: duckdb.DuckDBPyConnection, period: Period, rules: Rules | None = None, *, scope: Scope = SECRETARY
) -> pd.DataFrame:
    """One row per branch in ``scope`` for ``period`` (BRANCH_ROW_COLUMNS), by branch name: the snapshot
    in force where there is one, even where raw rows exist; else the branch's raw rows scored
    set-based (each branch by its own rules, or all by ``rules``); else a row with source None.
    Branch level only, so every scope may call it."""
    branches = con.execute(_sql("branches")).df()
    branches = branches[branches["name"].map(scope.allows)].reset_index(drop=True)
    ids = [int(b) for b in branches["branch_id"]]
    snaps = current_snapshots(con, ids, period)
    frozen_ids = set(snaps["branch_id"].astype(int))
    raw = raw_branch_ids(con, [b for b in ids if b not in frozen_ids], period)
    computed = service.district_frame(con, branches[branches["branch_id"].isin(raw)], period, "branch", rules)
    values = {int(r.branch_id): {**r._asdict(), "source": "raw"} for r in computed.itertuples(index=False)}
    if not snaps.empty:
        cursor = con.execute(_sql("branch_scores"), {"import_ids": [int(i) for i in snaps["import_id"]]})
        columns = [d[0] for d in cursor.description]
        stored = {row[0]: dict(zip(columns, row)) for row in cursor.fetchall()}
        for s in snaps.itertuples(index=False):
            values[int(s.branch_id)] = {**stored[s.import_id], **s._asdict(), "source": "snapshot"}
    rows = []
    for b in branches.itertuples(index=False):
        row = values.get(int(b.branch_id), {"source": None})
        school = row.get("school")  # a snapshot without a school reads as NaN, not None
        rows.append(
            {**row, "branch": b.name, "school": school if isinstance(school, str) else b.school, "period": period.label}
        )
    frame = pd.DataFrame(rows, columns=BRANCH_ROW_COLUMNS)
    return frame.astype({"stars": "Int64", "previous_stars": "Int64"})


PLAN_ROW_COLUMNS = ["branch", "period", "plan_source", "plan_as_of", *plan.COMPLETION_COLUMNS]


def plan_rows(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    rules: Rules | None = None,
    *,
    scope: Scope = SECRETARY,
    from_raw_rows: bool = True,
) -> pd.DataFrame:
    """Each branch's plan completion for ``period`` (PLAN_ROW_COLUMNS), one row per branch in ``scope``
    by name, as branch_rows prefers: the plan items of the snapshot in force where it has them (format
    2), even where raw rows exist; else, where the branch has raw rows for the period, its checklist
    on the period's end (or today, if earlier) with its own rules (or ``rules``) and plan; else a row
    with plan_source None. Counts only, never members: every scope may call it. A branch computed
    from raw rows costs a checklist (about a second); a snapshot's are read in one query."""
    branches = con.execute(_sql("branches")).df()
    branches = branches[branches["name"].map(scope.allows)].reset_index(drop=True)
    names = dict(zip(branches["branch_id"].astype(int), branches["name"]))
    frozen = con.execute(_sql("plan_items"), {"branch_ids": list(names), "period": period.label}).df()
    from_snapshot = set(frozen["branch_id"].astype(int))
    # from_raw_rows=False: snapshots only (a checklist per raw branch is too slow for hundreds of them)
    raw = raw_branch_ids(con, [b for b in names if b not in from_snapshot], period) if from_raw_rows else set()
    as_of = plan.as_of_for(period, today())
    computed = [
        plan.items_frame(con, names[b], period, rules or rules_for(names[b]), as_of)[0].assign(branch_id=b)
        for b in sorted(raw)
    ]
    items = pd.concat([frozen, *computed], ignore_index=True) if computed else frozen
    done = plan.completion(items)
    as_of_of = items.groupby("branch_id")["as_of"].first() if not items.empty else pd.Series(dtype=object)
    rows = []
    for bid, name in names.items():
        source = "snapshot" if bid in from_snapshot else "raw" if bid in raw else None
        numbers = done.loc[bid].to_dict() if bid in done.index else {}
        when = pd.Timestamp(as_of_of[bid]).date() if bid in as_of_of.index else None
        rows.append({"branch": name, "period": period.label, "plan_source": source, "plan_as_of": when, **numbers})
    frame = pd.DataFrame(rows, columns=PLAN_ROW_COLUMNS)
    frame = frame.astype({"plan_done": "Int64", "plan_due": "Int64", "plan_overdue": "Int64", "plan_rate": float})
    return frame.sort_values("branch", kind="stable").reset_index(drop=True)


def member_rows(
    con: duckdb.DuckDBPyConnection, branch: str, period: Period, *, scope: Scope = SECRETARY
) -> pd.DataFrame:
    """A branch's member rows for ``period``, snapshot preferred: the snapshot's member_scores columns
    plus branch, period and source. A district caller gets them only from an anonymised snapshot —
    a named one, or raw rows, are OutOfScope for a scope that may not see members."""
    scope.check(branch)
    bid = require_branch(con, branch)
    snaps = current_snapshots(con, [bid], period)
    columns = SCHEMAS["member_scores"].names
    if snaps.empty:
        scope.check(branch, members=True)
        frame = service.member_scores_con(con, branch, period, rules_for(branch))[columns]
        return frame.assign(branch=branch, period=period.label, source="raw")
    snap = snaps.iloc[0]
    if not scope.sees_members and not snap["anonymized"]:
        raise OutOfScope(f"“{branch}”{period.label} 的快照含党员姓名：区级账号只能查看匿名快照中的党员明细")
    frame = con.execute(_sql("member_scores"), {"import_ids": [int(snap["import_id"])]}).df()[columns]
    return frame.assign(branch=branch, period=period.label, source="snapshot")


def imports(con: duckdb.DuckDBPyConnection, *, scope: Scope = SECRETARY) -> pd.DataFrame:
    """Every imported snapshot file of the branches in ``scope``, newest first (replaced ones too)."""
    frame = con.execute(_sql("imports")).df()
    return frame[frame["branch"].map(scope.allows)].reset_index(drop=True)
