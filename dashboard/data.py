"""The pages' only door to the data: cached calls into queries.py.

A cache key is (database file, the branch's data version, branch, rules hash, the query's own
arguments such as the period). The versions are read once per script run; a branch's changes with
every load or undo of that branch, so a CLI load shows up on the next click and one branch's upload
does not empty the other branches' caches. A connection is opened only when the cache misses and is
closed straight after (the one-writer rule of etl/db.py): the CLI can load while the app runs.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import streamlit as st

from dashboard import frames, queries
from dashboard import strings as S
from etl.db import Database, default_db_path
from etl.rules import Rules, rules_for
from etl.scope import SECRETARY, OutOfScope, Scope

VERSION_KEY = "_data_version"
_BRANCH_VERSIONS = "_branch_versions"


@st.cache_resource(show_spinner=False)
def database(path: str) -> Database:
    db = Database(path)
    db.init()  # a new installation starts with an empty, valid database
    return db


def db() -> Database:
    return database(str(default_db_path()))


def is_demo() -> bool:
    return os.environ.get("VANGUARD_DEMO") == "1"


def refresh_version() -> str:
    """Read the data versions once for this run (the app calls this at the top of every run): the
    database's, and each branch's, so one branch's upload leaves the other branches' caches alone."""
    path = db().path
    version, branch_versions = _versions(str(path), file_signature(path))
    st.session_state[_BRANCH_VERSIONS] = dict(branch_versions)
    st.session_state[VERSION_KEY] = version
    return version


def file_signature(path: Path) -> tuple:
    """What changes whenever anything is written to the database: every write appends to its
    write-ahead log (path.wal) and a checkpoint rewrites the file itself. Opening the file costs
    40 ms; asking the file system costs microseconds."""
    signature = []
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            info = file.stat()
        except FileNotFoundError:
            signature.append(None)
        else:
            signature.append((info.st_ino, info.st_size, info.st_mtime_ns))
    return tuple(signature)


@functools.lru_cache(maxsize=8)
def _versions(path: str, signature: tuple) -> tuple[str, tuple]:
    """The data versions as the database file with this signature holds them (opened only when the
    signature is new: a load, an undo or a checkpoint by this process or another one)."""
    with database(path).connect() as con:
        version, branch_versions = queries.data_versions(con)
    return version, tuple(branch_versions.items())


def version(branch: str | None) -> str:
    """The data version a cached answer about ``branch`` depends on (None: the whole database)."""
    if branch is None:
        return st.session_state.get(VERSION_KEY, "")
    return st.session_state.get(_BRANCH_VERSIONS, {}).get(branch, ("", 0))[0]


def live_loads(branch: str) -> int:
    return st.session_state.get(_BRANCH_VERSIONS, {}).get(branch, ("", 0))[1]


def rules(branch: str) -> Rules:
    """The branch's rules as the file on disk says now: etl.rules re-reads a file that changed, so
    an edited rules file takes effect at the next click, and the rules hash in every cache key
    keeps numbers of the old rules from being served."""
    return rules_for(branch)


def scope() -> Scope:
    """Who is asking: the scope dashboard/auth.py's gate() put here at the top of this run. Fails
    closed — a run that has not passed the gate gets no data."""
    found = st.session_state.get(SCOPE_KEY)
    if found is None:
        raise OutOfScope(S.NOT_SIGNED_IN)
    return found


SCOPE_KEY = "_scope"


@st.cache_data(show_spinner=False, max_entries=512)
def _run(
    name: str,
    db_path: str,
    version: str,
    rules_sha: str,
    branch: str | None,
    args: tuple,
    with_rules: bool,
    caller: Scope = SECRETARY,
):
    """One query; the cache key holds the database, the data version, the rules, the branch, the
    arguments and the caller's scope, so one caller's answer is never served to another."""
    with database(db_path).connect() as con:
        fn = getattr(queries, name)
        if branch is None:
            return fn(con, *args, scope=caller)
        call_args = (*args, rules(branch)) if with_rules else args
        return fn(con, branch, *call_args, scope=caller)


def _call(name: str, branch: str | None, *args, with_rules: bool = True, every_branch_rules: bool = False):
    if branch is not None:
        scope().check(branch)  # refused before the cache can answer
    sha = rules(branch).sha256 if branch else _rules_of_every_branch() if every_branch_rules else ""
    return _run(name, str(db().path), version(branch), sha, branch, args, with_rules, scope())


def _rules_of_every_branch() -> str:
    """One hash of the rules of every branch in scope: a district answer scores each branch without
    a snapshot by its own rules, so an edited rules file must reach its cache key too."""
    import hashlib

    shas = sorted(rules(b).sha256 for b in branches())
    return hashlib.sha256("\n".join(shas).encode()).hexdigest()


def branches() -> list[str]:
    return _call("branches", None)


def data_months(branch):
    return _call("data_months", branch, with_rules=False)


def member_scores(branch, period):
    return _call("member_scores", branch, period)


def branch_summary(branch, period):
    return _call("branch_summary", branch, period)


def compliance(branch, period):
    return _call("compliance", branch, period)


def page_scores(branch, period):
    return _call("page_scores", branch, period)


def period_summary(branch, period, of=None) -> dict:
    """The KPI numbers of ``of`` (default: the period itself, or e.g. its previous period) from the
    period's own scoring pass, which holds the previous period too."""
    return _derive("period_summary", branch, period, of or period)


def period_members(branch, period, of=None):
    return _derive("period_members", branch, period, of or period)


def members_with_year_veto(branch, period):
    return _derive("members_with_year_veto", branch, period)


def trend(branch, period) -> tuple:
    return _derive("trend", branch, period)


def star_trend(branch, period):
    return _derive("star_trend", branch, period)


def index_components(branch, period):
    return _derive("index_components", branch, period)


def index_trend(branch, period, by: str):
    return _derive("index_trend", branch, period, period, by)


def alerts(branch, period) -> dict:
    return _derive("alerts", branch, period)


def _derive(name: str, branch: str, period, *args):
    """``frames.<name>`` of the page's scoring pass (page_scores), cached under the same key: these
    transforms were half of a warm page's run, and every page at the same period asks for them.
    ``args`` go to the transform after the scores (default: the period)."""
    scope().check(branch)
    return _derived(name, str(db().path), version(branch), rules(branch).sha256, branch, period, args, scope())


@st.cache_data(show_spinner=False, max_entries=512)
def _derived(name: str, db_path: str, version: str, rules_sha: str, branch: str, period, args: tuple, caller: Scope):
    scores = _run("page_scores", db_path, version, rules_sha, branch, (period,), True, caller)
    if name == "alerts":
        watch = _run("veto_watch", db_path, version, rules_sha, branch, (period,), True, caller)
        return frames.alerts(scores, period, watch, rules(branch))
    return getattr(frames, name)(scores, *(args or (period,)))


def veto_watch(branch, period):
    return _call("veto_watch", branch, period)


def attendance_matrix(branch, period):
    return _call("attendance_matrix", branch, period, with_rules=False)


def absence_trend(branch, year):
    return _call("absence_trend", branch, year, with_rules=False)


def member_options(branch):
    return _call("member_options", branch, with_rules=False)


def member_explanation(branch, period, member_id):
    return _call("member_explanation", branch, period, int(member_id))


def load_history(branch):
    return _call("load_history", branch, with_rules=False)


# -- 区级 --------------------------------------------------------------------------------------------
def district_periods() -> list[str]:
    return _call("district_periods", None)


def district_comparison(period) -> dict:
    return _call("district_comparison", None, period, every_branch_rules=True)


def district_trend(periods: list) -> object:
    return _call("district_trend", None, list(periods), every_branch_rules=True)


def branch_card(branch, period, periods: list) -> dict:
    return _call("branch_card", branch, period, list(periods), with_rules=False)


def snapshot_imports():
    return _call("snapshot_imports", None)


# -- 工作计划 ------------------------------------------------------------------------------------------
def plan_as_of(period):
    """The day a period's plan is judged on — the day after it ended (the period as it closed: an item
    due on its last day and not met is overdue), or today while it runs — the same day as the brief's."""
    from etl.plan.brief import default_as_of

    return default_as_of(period)


def plan_checklist(branch, period) -> dict:
    """The plan of the period's year as of plan_as_of(period). The plan file's hash is in the key, so
    an edited plan shows at the next click, like the rules."""
    from etl.plan.plan_file import plan_for

    as_of = plan_as_of(period)
    sha = plan_for(branch, period.year).sha256
    return _call("plan_checklist", branch, period.year, as_of, sha, with_rules=True)


def brief(branch, period):
    """A maker of the period's 支委会 brief (.docx bytes) for a download button, the caller's scope
    checked now and taken along, as meeting_ledger."""
    caller = scope()
    caller.check(branch, members=True)
    database_, branch_rules = db(), rules(branch)

    def make() -> bytes:
        with database_.connect() as con:
            return queries.brief(con, branch, period, branch_rules, scope=caller)

    return make


def meeting_ledger(branch, year: int):
    """A maker of the year's 三会一课 台账 (xlsx bytes) for a download button: made when clicked, not on
    every run. The caller's scope is checked now and taken along (the file is made outside the run)."""
    caller = scope()
    caller.check(branch, members=True)
    database_ = db()

    def make() -> bytes:
        with database_.connect() as con:
            return queries.meeting_ledger(con, branch, year, scope=caller)

    return make
