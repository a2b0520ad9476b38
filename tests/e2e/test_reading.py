"""What a leader reading the dashboard does, in a real browser: choose a period and keep it from page
to page and across a reload of the link; follow a link to one member; download a table and open it;
look at every page on a desk screen and on a phone."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from dashboard import strings as S
from etl import demo
from etl.db import Database
from tests.e2e.helpers import download_menus, download_of, expect_settled, goto, shot, sign_in, title

BRANCH = demo.BRANCH
PAGES = [
    S.PAGE_OVERVIEW,
    S.PAGE_INDEX,
    S.PAGE_STARS,
    S.PAGE_ORGLIFE,
    S.PAGE_STUDY,
    S.PAGE_MEMBER,
    S.PAGE_PLAN,
    S.PAGE_GLOSSARY,
]


def subject(page):
    """The line under every page's title that names the branch and the period shown."""
    return page.locator("[data-testid='stCaptionContainer']").filter(has_text=f"{BRANCH} · ").first


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar selectbox labelled `label`."""
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_the_chosen_period_follows_the_reader_and_survives_a_reload(demo_app, page):
    sign_in(page, demo_app)
    expect(subject(page)).to_have_text(f"{BRANCH} · 2025年12月")
    page.locator("[data-testid='stSidebar']").get_by_text(S.GRAINS["quarter"], exact=True).click()
    expect(subject(page)).to_have_text(f"{BRANCH} · 2025年第四季度")  # December carried to its quarter
    expect_settled(page)
    choose(page, S.PERIOD, "2025年第二季度")
    expect(subject(page)).to_have_text(f"{BRANCH} · 2025年第二季度")
    expect_settled(page)

    goto(page, S.PAGE_STARS)
    expect(subject(page)).to_have_text(f"{BRANCH} · 2025年第二季度")
    expect(page.get_by_role("combobox", name=S.PERIOD)).to_match_aria_snapshot(
        f'- combobox "{S.PERIOD}": 2025年第二季度'
    )
    expect(page).to_have_url(re.compile(r"period=2025-Q2"))

    page.reload()  # the link alone brings the reader back to the same view
    expect(title(page)).to_have_text(S.PAGE_STARS)
    expect(subject(page)).to_have_text(f"{BRANCH} · 2025年第二季度")
    expect_settled(page)
    shot(page, "reading-period-after-reload")


def test_a_link_to_a_member_opens_that_members_profile(demo_app, page):
    """The 需要关注 table links each member to ./member?…&member=<id> (AppTest checks the links);
    here such a link opens, on a fresh session, that member's 党员档案 at the same period."""
    with Database(demo_app.db_path).connect() as con:
        member_id, name = con.execute(
            "SELECT member_id, name FROM live_member_versions ORDER BY name LIMIT 1 OFFSET 3"
        ).fetchall()[0]
    sign_in(page, demo_app, path=f"/member?branch={BRANCH}&grain=month&period=2025-11&member={member_id}")
    expect(title(page)).to_have_text(S.PAGE_MEMBER)
    expect(subject(page)).to_have_text(f"{BRANCH} · 2025年11月")
    expect(page.get_by_role("combobox", name=S.MEMBER_PICK)).to_match_aria_snapshot(
        f'- combobox "{S.MEMBER_PICK}": /{re.escape(name)}.*/'
    )
    shot(page, "reading-member-link")


def test_a_downloaded_table_has_chinese_headers_number_formats_and_a_telling_name(demo_app, page, tmp_path):
    sign_in(page, demo_app)
    goto(page, S.PAGE_INDEX)
    expect(page.get_by_text(S.INDEX_TABLE, exact=True)).to_be_visible()
    download = download_of(page, download_menus(page).last)  # the member table's, the last on the page
    assert download.suggested_filename == f"{BRANCH}_2025-12_{S.INDEX_TABLE}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    headers = [c.value for c in sheet[1]]
    assert all(re.search(r"[\u4e00-\u9fff]", str(h)) for h in headers), headers
    column = {h: i for i, h in enumerate(headers)}
    row = list(sheet[2])
    assert isinstance(row[column["先锋指数"]].value, float) and row[column["先锋指数"]].number_format == "0.00"
    assert row[column["出勤率"]].number_format == "0.0%" and row[column["出勤率"]].value <= 1
    assert {str(c.value) for c in sheet[2]}.isdisjoint({"True", "False", "None"})
    assert all(set(str(r[column["星级"]].value or "")) <= {"★"} for r in sheet.iter_rows(min_row=2))


def test_the_work_plan_shows_what_is_overdue_its_evidence_and_who_is_missing(demo_app, page, tmp_path):
    """The demo's records have gaps on purpose: one member never talked to, the 七一 visit missing."""
    sign_in(page, demo_app, "leadership", path=f"/plan?branch={BRANCH}&grain=year&period=2025")
    expect(title(page)).to_have_text(S.PAGE_PLAN)
    expect(page.get_by_text(re.compile("按 2026-01-01 的情况判断"))).to_be_visible()
    main = page.locator("[data-testid='stMain']")
    overdue = page.locator("[data-testid='stMetric']").filter(has_text=S.PLAN_KPI_OVERDUE)
    expect(overdue).to_contain_text(re.compile(r"\d+"))
    talks = main.locator("[data-testid='stExpander']").filter(has_text="谈心谈话").first
    talks.locator("summary").click()
    expect(talks.get_by_text(S.PLAN_MISSING.format(n=1))).to_be_visible()
    expect(talks.locator("[data-testid='stDataFrame']").last).to_be_visible()
    expect_settled(page)
    shot(page, "plan-2025-leadership")
    with page.expect_download() as caught:
        main.get_by_role("button", name=S.PLAN_DOWNLOAD).click()
    download = caught.value
    assert download.suggested_filename == f"{BRANCH}_2025_{S.PLAN_FILE}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = openpyxl.load_workbook(path)
    items = book[S.PLAN_TABLE]
    headers = [c.value for c in items[1]]
    assert headers[:3] == ["事项", "状态", "完成情况"]
    status = {r[0]: r[1] for r in items.iter_rows(min_row=2, values_only=True)}
    assert status["七一走访慰问"].endswith("逾期")
    missing = book["缺少的党员"]
    assert any(r[2] == "许怡" for r in missing.iter_rows(min_row=2, values_only=True))


@pytest.mark.parametrize("width", [1400, 400])
def test_every_page_at_desk_and_phone_width(demo_app, page, width):
    """Screenshots of every page; at phone width the sidebar is closed, and the heading still says
    which branch and period the page shows."""
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, demo_app)
    for name in PAGES:
        if name != S.PAGE_OVERVIEW:
            if width < 600:
                page.goto(f"{demo_app.url}/{_path(name)}?branch={BRANCH}&grain=month&period=2025-12")
                expect(title(page)).to_have_text(name)
                expect_settled(page)
            else:
                goto(page, name)
        expect(subject(page)).to_be_visible()
        expect(subject(page)).to_have_text(f"{BRANCH} · 2025年12月")
        shot(page, f"page-{_path(name)}-{width}")


def _path(name: str) -> str:
    return {
        S.PAGE_OVERVIEW: "overview",
        S.PAGE_INDEX: "index",
        S.PAGE_STARS: "stars",
        S.PAGE_ORGLIFE: "orglife",
        S.PAGE_STUDY: "study",
        S.PAGE_MEMBER: "member",
        S.PAGE_PLAN: "plan",
        S.PAGE_GLOSSARY: "glossary",
    }[name]
