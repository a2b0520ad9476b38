"""Hostile files in a real browser: a file that would make the reader allocate hundreds of GB is
refused on 数据上传 and the server keeps answering; names written in Markdown show as typed and
fetch nothing."""

from __future__ import annotations

import http.server
import threading
import urllib.request

import pytest
from playwright.sync_api import expect

from dashboard import strings as S
from etl import pipeline
from etl.db import Database
from tests import filebuilders as fb
from tests import hostile
from tests.conftest import BRANCH
from tests.e2e.helpers import App, expect_settled, goto, open_app, shot, upload

ROSTER_HEADER = ["姓名", "党小组", "党员类别"]


def load(db: Database, path) -> None:
    prepared = pipeline.validate(db, BRANCH, pipeline.read_file(path.read_bytes(), path.name))
    assert prepared.ok, prepared.report.text()
    pipeline.commit(db, prepared, "测试")


@pytest.fixture
def image_server():
    """A local HTTP server that counts the requests it gets: a Markdown image must never reach it."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # the name http.server calls
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], hits
    server.shutdown()


def serve(tmp_path, roster_rows: list[list]):
    """The app on a database holding one roster (a generator for a fixture: the server is still up
    when a failure is reported)."""
    db = Database(tmp_path / "app.duckdb")
    db.init()
    load(db, fb.xlsx(tmp_path / "名册.xlsx", {"名册": roster_rows}))
    app = App(db.path)
    yield app
    app.stop()


@pytest.fixture
def roster_app(tmp_path):
    yield from serve(tmp_path, fb.ROSTER)


@pytest.fixture
def markdown_app(tmp_path, image_server):
    port, _ = image_server
    yield from serve(tmp_path, [ROSTER_HEADER, *markdown_people(port)])


def markdown_people(port: int) -> list[list]:
    return [
        ["张三", "第一党小组", "正式"],
        ["**粗体**", "第一党小组", "正式"],
        [f"![](http://127.0.0.1:{port}/t.png)", "第二党小组", "正式"],
    ]


def test_a_far_cell_file_is_refused_and_the_server_stays_up(tmp_path, roster_app, page):
    open_app(page, roster_app.url)
    goto(page, S.PAGE_UPLOAD)
    upload(page, hostile.far_cell(tmp_path / "far.xlsx"))
    expect(page.get_by_text("文件超出可读取的范围")).to_be_visible()
    expect(page.get_by_text("上限 300,000 行")).to_be_visible()
    expect_settled(page)
    shot(page, "bad-file-far-cell")
    with urllib.request.urlopen(f"{roster_app.url}/_stcore/health", timeout=10) as answer:
        assert answer.status == 200
    goto(page, S.PAGE_OVERVIEW)  # and the app still works


def test_markdown_in_names_shows_literally_and_fetches_nothing(tmp_path, markdown_app, image_server, page):
    port, hits = image_server
    people = markdown_people(port)
    open_app(page, markdown_app.url)
    goto(page, S.PAGE_UPLOAD)
    # a roster without them: the preview names who will be marked 离开 — as typed
    upload(page, fb.xlsx(tmp_path / "新名册.xlsx", {"名册": [ROSTER_HEADER, people[0]]}))
    warning = page.get_by_text(S.UPLOAD_WILL_LEAVE.split("：")[0])
    expect(warning).to_contain_text("**粗体**")
    expect(warning).to_contain_text(people[2][0])
    expect_settled(page)
    expect(page.locator("strong", has_text="粗体")).to_have_count(0)
    expect(warning.locator("a")).to_have_count(0)  # not even a link
    expect(page.locator(f"img[src*='{port}']")).to_have_count(0)
    shot(page, "bad-file-markdown-names")
    assert hits == []
