"""The pages' only door to the data: cached calls into queries.py.

A cache key is (database file, the branch's data version, branch, rules hash, the query's own
arguments such as the period). The versions are read once per script run; a branch's changes with
every load or undo of that branch, so a CLI load shows up on the next click and one branch's upload
does not empty the other branches' caches. A connection is opened only when the cache misses and is
closed straight after (the one-writer rule of etl/db.py): the CLI can load while the app runs.
"""

from __future__ import annotations

import os

import streamlit as st

from dashboard import queries
from etl.db import Database, default_db_path
from etl.rules import Rules, rules_for
from etl.scope import SECRETARY, Scope

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
    with db().connect() as con:
        version, st.session_state[_BRANCH_VERSIONS] = queries.data_versions(con)
    st.session_state[VERSION_KEY] = version
    return version


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
    """Who is asking. Until sign-in exists (issue 12) every caller is a secretary of every branch."""
    return st.session_state.get(SCOPE_KEY, SECRETARY)


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


def _call(name: str, branch: str | None, *args, with_rules: bool = True):
    if branch is not None:
        scope().check(branch)  # refused before the cache can answer
    sha = rules(branch).sha256 if branch else ""
    return _run(name, str(db().path), version(branch), sha, branch, args, with_rules, scope())


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
