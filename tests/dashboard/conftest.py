from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.db import Database

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES = {
    "overview": "views/overview.py",
    "index": "views/index.py",
    "stars": "views/stars.py",
    "orglife": "views/orglife.py",
    "study": "views/study.py",
    "member": "views/member.py",
    "glossary": "views/glossary.py",
    "upload": "views/upload.py",
    "audit": "views/audit.py",
    "plan": "views/plan.py",
}
SIGNED_IN_PAGES = {**PAGES, "accounts": "views/accounts.py", "district": "views/district.py"}


@pytest.fixture
def empty_db(tmp_path) -> Database:
    db = Database(tmp_path / "empty.duckdb")
    db.init()
    return db


def open_page(monkeypatch, db: Database, page: str, timeout: float = 120) -> AppTest:
    monkeypatch.setenv("VANGUARD_DB", str(db.path))
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    return at


def open_page_as(monkeypatch, db: Database, token: str, page: str, timeout: float = 120) -> AppTest:
    """open_page for a signed-in browser whose session cookie holds ``token`` (AppTest cannot send
    cookies, so the one function that reads the cookie is replaced; its signature and the session
    behind it are checked as in a browser)."""
    from dashboard import auth, session_cookie

    cookie = session_cookie.sign(token) if token else None
    monkeypatch.setattr(auth, "request_cookie", lambda: cookie)
    monkeypatch.setenv("VANGUARD_DB", str(db.path))
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if page is not None:
        at.switch_page(SIGNED_IN_PAGES[page]).run()
    return at


@contextlib.contextmanager
def caller(who=None):
    """Call the dashboard's functions outside a page run as ``who`` (default: the local mode's
    secretary of every branch), as auth.gate() makes a page run's caller."""
    import streamlit as st

    from dashboard import auth, data

    who = who or auth.LOCAL
    st.session_state[auth.ACCOUNT_KEY] = who
    st.session_state[data.SCOPE_KEY] = who.scope
    try:
        yield who
    finally:
        st.session_state.pop(auth.ACCOUNT_KEY, None)
        st.session_state.pop(data.SCOPE_KEY, None)
