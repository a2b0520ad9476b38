from __future__ import annotations

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
}


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
