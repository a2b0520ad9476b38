"""What a person does, in a real browser: open every page; upload, read the report, confirm, see the
总览 numbers change; undo, and see them return.

Every action is followed by an `expect` on what only the action's rerun can show, then by
`expect_settled` (the run is over, no exception): see tests/e2e/helpers.py for why."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from dashboard import strings as S
from tests import filebuilders as fb
from tests.e2e.helpers import download_menus, expect_settled, goto, kpi, open_app, shot, sign_in, title, upload

ASSETS = ("/static/", "/_stcore/", "/media/", "/component/")  # what a page switch may fetch

# page, screenshot name, something the page draws near its end (so the whole script ran, not just its title)
PAGES = [
    (S.PAGE_OVERVIEW, "overview", lambda page: page.get_by_text(S.ALERTS_TITLE, exact=True)),
    (S.PAGE_INDEX, "index", lambda page: page.get_by_text(S.INDEX_TABLE, exact=True)),
    (S.PAGE_STARS, "stars", lambda page: page.get_by_text(S.STARS_TABLE, exact=True)),
    (S.PAGE_ORGLIFE, "orglife", lambda page: page.locator("[data-testid='stPlotlyChart']")),
    (S.PAGE_STUDY, "study", lambda page: page.get_by_text(S.STUDY_NOTE, exact=True)),
    (S.PAGE_MEMBER, "member", lambda page: page.get_by_text(S.MEMBER_PICK, exact=True)),
    (S.PAGE_UPLOAD, "upload", lambda page: page.get_by_text(S.TEMPLATES_TITLE, exact=True)),
]


def test_every_page_opens_without_an_exception(demo_app, page):
    sign_in(page, demo_app)
    expect(title(page)).to_have_text(S.PAGE_OVERVIEW)  # the default page
    # A page switch is one message over the WebSocket. Any HTTP request to the server other than an
    # asset (a page icon that is not an emoji is fetched as a URL, on every run) costs every click a
    # session lookup in the sign-in gate.
    fetched = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
    for name, shot_name, marker in PAGES:
        if name != S.PAGE_OVERVIEW:  # open_app has just drawn 总览
            goto(page, name)
        expect(marker(page).first).to_be_visible()
        expect(page.get_by_text(S.DEMO_BANNER[:10])).to_have_count(1)
        shot(page, shot_name)
    assert [path for path in fetched if not path.startswith(ASSETS)] == []
    # and the icon is drawn in place (a data: URL), whether or not this browser fetches icons
    expect(page.locator("link[rel='shortcut icon']")).to_have_attribute("href", re.compile(r"^data:"))
    # charts really drew (plotly renders into SVG, with one <g class="trace"> per series) and offer their data
    goto(page, S.PAGE_OVERVIEW)
    charts = page.locator("[data-testid='stPlotlyChart']")
    expect(charts.nth(1)).to_be_visible()
    for i in range(2):
        expect(charts.nth(i).locator(".main-svg g.trace").first).to_be_attached()
    expect(download_menus(page).nth(1)).to_be_visible()
    expect(page.locator("[data-testid='stMetric']")).to_have_count(5)
    for label in (S.KPI_MEMBER_MEAN, S.KPI_ATTENDANCE, S.KPI_COMPLIANCE, S.KPI_PARTICIPATION):
        expect(kpi(page, label)).not_to_have_text("—")


def test_upload_confirm_see_the_overview_change_then_undo(tmp_path, fresh_app, page):
    roster = fb.xlsx(tmp_path / "党员名册.xlsx", {"名册": fb.ROSTER}, {"名册": ["A1:E1"]})
    header = [["2020年3月签到表"], ["姓名", "3月15日 主题党日", "3月20日 党课", "3月25日 支部党员大会"]]
    signin = fb.xlsx(
        tmp_path / "3月签到.xlsx",
        {
            "3月": header
            + [["张三", "√", "√", "√"], ["李四", "×", "×", "假"], ["王五", "√", "×", "√"], ["赵六", "√", "√", "迟"]]
        },
    )
    corrected = fb.xlsx(
        tmp_path / "3月签到（更正）.xlsx", {"3月": header + [["李四", "√", "√", "√"], ["王五", "√", "√", "√"]]}
    )
    confirm = page.get_by_role("button", name=S.UPLOAD_CONFIRM)
    main = page.locator("[data-testid='stMain']")  # the page without its toasts, which repeat outcomes
    open_app(page, fresh_app.url)
    expect(title(page)).to_have_text(S.PAGE_OVERVIEW)
    expect(page.get_by_text(S.EMPTY_TITLE)).to_have_count(1)
    shot(page, "flow-0-empty")

    goto(page, S.PAGE_UPLOAD)
    # no branch yet: the picker offers only 新建党支部…, whose name is confirmed on purpose
    page.get_by_label(S.UPLOAD_NEW_BRANCH_NAME).fill("实验学校党支部")
    page.get_by_role("button", name=S.UPLOAD_NEW_BRANCH_OK).click()
    expect(page.get_by_text(S.UPLOAD_NEW_BRANCH_PENDING.format(name="实验学校党支部"))).to_have_count(1)
    expect_settled(page)
    upload(page, roster, signin)
    expect(page.get_by_text("检查通过")).to_have_count(1)
    expect(page.get_by_text(S.UPLOAD_WAIT_FOR_ROSTER)).to_have_count(1)
    expect_settled(page)
    expect(confirm).to_have_count(1)  # the roster's; the sign-in sheet waits for it
    shot(page, "flow-1-report")

    confirm.click()
    expect(main.get_by_text("已装载为 #1")).to_have_count(1)  # on the roster's card (a toast says it too)
    expect_settled(page)
    # the roster is in: the sign-in sheet is checked now, and the roster's card says it was loaded
    expect(main.get_by_text(S.UPLOAD_WAIT_FOR_ROSTER)).to_have_count(0)
    expect(main.get_by_text("检查通过")).to_have_count(1)
    expect(main.get_by_text(S.UPLOAD_REPEAT.format(load_id=1))).to_have_count(0)
    expect(confirm).to_have_count(1)
    confirm.click()
    expect(main.get_by_text("已装载为 #2")).to_have_count(1)
    expect_settled(page)
    expect(main.get_by_text("已装载为 #1")).to_have_count(1)
    expect(main.get_by_text(S.UPLOAD_REPEAT.format(load_id=2))).to_have_count(0)
    expect(confirm).to_have_count(0)

    goto(page, S.PAGE_OVERVIEW)
    expect(kpi(page, S.KPI_ATTENDANCE)).to_have_text("66.7%")  # 张三 3 + 李四 0 + 王五 2 + 赵六 3 = 8 of 12
    expect(kpi(page, S.KPI_MEMBER_MEAN)).not_to_have_text("—")
    first = kpi(page, S.KPI_MEMBER_MEAN).inner_text()  # settled: goto waited for the run to end
    shot(page, "flow-2-overview")

    goto(page, S.PAGE_UPLOAD)
    upload(page, corrected)
    expect(page.get_by_text(S.UPLOAD_REPLACES.format(n=6))).to_have_count(1)
    expect_settled(page)
    expect(confirm).to_have_count(1)
    confirm.click()
    expect(main.get_by_text("已装载为 #3")).to_have_count(1)
    expect_settled(page)
    goto(page, S.PAGE_OVERVIEW)
    expect(kpi(page, S.KPI_ATTENDANCE)).to_have_text("100.0%")
    expect(kpi(page, S.KPI_MEMBER_MEAN)).not_to_have_text(first)
    expect(kpi(page, S.KPI_MEMBER_MEAN)).not_to_have_text("—")

    goto(page, S.PAGE_UPLOAD)
    page.get_by_role("button", name=S.HISTORY_UNDO, exact=True).click()  # the newest load is picked by default
    expect(page.get_by_text("确认撤销 #3")).to_have_count(1)
    expect_settled(page)
    page.get_by_role("button", name=S.HISTORY_UNDO_YES).click()
    expect(main.get_by_text(S.HISTORY_UNDONE.format(load_id=3))).to_have_count(1)
    expect_settled(page)
    expect(page.get_by_text("确认撤销 #3")).to_have_count(0)
    goto(page, S.PAGE_OVERVIEW)
    expect(kpi(page, S.KPI_MEMBER_MEAN)).to_have_text(first)
    expect(kpi(page, S.KPI_ATTENDANCE)).to_have_text("66.7%")
    shot(page, "flow-3-after-undo")
