"""What a person does, in a real browser: open every page; upload, read the report, confirm, see the
总览 numbers change; undo, and see them return."""
import pytest

from dashboard import strings as S
from etl import demo
from etl.db import Database
from tests import filebuilders as fb
from tests.e2e.conftest import App, shot, wait_idle

NAV = [S.PAGE_OVERVIEW, S.PAGE_INDEX, S.PAGE_STARS, S.PAGE_ORGLIFE, S.PAGE_STUDY, S.PAGE_MEMBER, S.PAGE_UPLOAD]
SHOT_NAMES = ["overview", "index", "stars", "orglife", "study", "member", "upload"]


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e-demo")
    db = Database(folder / "demo.duckdb")
    demo.build(db, files_dir=folder / "files")
    app = App(db.path, demo=True)
    yield app
    app.stop()


def test_every_page_opens_without_an_exception(demo_app, page):
    page.goto(demo_app.url)
    wait_idle(page)
    assert page.get_by_text(S.DEMO_BANNER[:10]).count() == 1
    for title, name in zip(NAV, SHOT_NAMES):
        page.get_by_role("link", name=title, exact=True).click()
        wait_idle(page)
        assert page.locator("h1").first.inner_text() == title
        assert page.locator("[data-testid='stException']").count() == 0, title
        shot(page, name)
    # charts really drew (plotly renders into SVG) and offer their data
    page.get_by_role("link", name=S.PAGE_OVERVIEW, exact=True).click()
    wait_idle(page)
    assert page.locator(".js-plotly-plot").count() >= 2
    assert page.get_by_role("button", name=S.DOWNLOAD_XLSX).count() >= 2


def kpi(page, label: str) -> str:
    return page.locator("[data-testid='stMetric']").filter(has_text=label).locator("[data-testid='stMetricValue']").inner_text()


def goto(page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    wait_idle(page)


def upload(page, *paths) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files([str(p) for p in paths])
    wait_idle(page)


def test_upload_confirm_see_the_overview_change_then_undo(tmp_path, page):
    db = Database(tmp_path / "v.duckdb")
    db.init()
    roster = fb.xlsx(tmp_path / "党员名册.xlsx", {"名册": fb.ROSTER}, {"名册": ["A1:E1"]})
    header = [["2020年3月签到表"], ["姓名", "3月15日 主题党日", "3月20日 党课", "3月25日 支部党员大会"]]
    signin = fb.xlsx(tmp_path / "3月签到.xlsx", {"3月": header + [["张三", "√", "√", "√"], ["李四", "×", "×", "假"],
                                                                ["王五", "√", "×", "√"], ["赵六", "√", "√", "迟"]]})
    corrected = fb.xlsx(tmp_path / "3月签到（更正）.xlsx", {"3月": header + [["李四", "√", "√", "√"], ["王五", "√", "√", "√"]]})
    app = App(db.path)
    try:
        page.goto(app.url)
        wait_idle(page)
        assert page.get_by_text(S.EMPTY_TITLE).count() == 1
        shot(page, "flow-0-empty")

        goto(page, S.PAGE_UPLOAD)
        page.get_by_label(S.BRANCH).fill("实验学校党支部")
        page.keyboard.press("Enter")
        wait_idle(page)
        upload(page, roster, signin)
        assert page.get_by_text("检查通过").count() == 1 and page.get_by_text(S.UPLOAD_WAIT_FOR_ROSTER).count() == 1
        shot(page, "flow-1-report")
        page.get_by_role("button", name=S.UPLOAD_CONFIRM).click()
        wait_idle(page)
        # the roster is in: the sign-in sheet is checked now, and reports the members with no mark
        assert page.get_by_text("已装载为 #1").count() == 1 and page.get_by_text("检查通过").count() == 1
        page.get_by_role("button", name=S.UPLOAD_CONFIRM).click()
        wait_idle(page)
        assert page.get_by_text("已装载为 #2").count() == 1

        goto(page, S.PAGE_OVERVIEW)
        first = kpi(page, S.KPI_MEMBER_MEAN)
        attendance = kpi(page, S.KPI_ATTENDANCE)
        assert first != "—" and attendance == "66.7%"  # 张三 3 + 李四 0 + 王五 2 + 赵六 3 = 8 of 12
        shot(page, "flow-2-overview")

        goto(page, S.PAGE_UPLOAD)
        upload(page, corrected)
        assert page.get_by_text(S.UPLOAD_REPLACES.format(n=6)).count() == 1
        page.get_by_role("button", name=S.UPLOAD_CONFIRM).first.click()
        wait_idle(page)
        goto(page, S.PAGE_OVERVIEW)
        assert kpi(page, S.KPI_ATTENDANCE) == "100.0%" and kpi(page, S.KPI_MEMBER_MEAN) != first

        goto(page, S.PAGE_UPLOAD)
        page.get_by_role("button", name=S.HISTORY_UNDO, exact=True).click()  # the newest load is picked by default
        wait_idle(page)
        assert page.get_by_text("确认撤销 #3").count() == 1
        page.get_by_role("button", name=S.HISTORY_UNDO_YES).click()
        wait_idle(page)
        goto(page, S.PAGE_OVERVIEW)
        assert kpi(page, S.KPI_MEMBER_MEAN) == first and kpi(page, S.KPI_ATTENDANCE) == "66.7%"
        shot(page, "flow-3-after-undo")
    finally:
        app.stop()
