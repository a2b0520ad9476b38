"""The district's side in a real browser, with the six-branch demo's snapshots: upload the files,
see each file's verdict (a tampered one refused), import, compare the branches, move between periods
and grains, download the comparison and open it, and look at one branch's card.

Every action is followed by an `expect` on what only its rerun can show, then `expect_settled`."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from dashboard import strings as S
from tests.e2e.helpers import App, download_menus, download_of, expect_settled, goto, shot, sign_in, title, upload


@pytest.fixture(scope="module")
def district_app(tmp_path_factory):
    """The six-branch demo (`etl demo --scale small`): its branches' signed snapshot files to upload
    (every branch's last two quarters of 2025 and the year), one of them with a byte flipped, and a district database that
    knows the branches, their schools and their public keys but holds no snapshot yet."""
    from etl import branches, demo_small
    from etl.db import Database
    from etl.snapshot import trust

    folder = tmp_path_factory.mktemp("e2e-district")
    demo_small.build(Database(folder / "small.duckdb"))
    out = demo_small.snapshots_dir(folder / "small.duckdb")
    db = Database(folder / "district.duckdb")
    db.init()
    for c in demo_small.CHARACTERS:
        branches.add(db, c.name, c.school)
        trust.trust(db, c.name, demo_small.key_path(out, c.name).with_name(f"{c.name}.key.pub"), None, "测试")
    files = sorted([*out.glob("*_2025-Q[34].zip"), *out.glob("*_2025.zip")])  # two quarters and the year
    tampered = folder / "被改过的快照.zip"
    data = bytearray(files[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))
    app = App(db.path, accounts=True)
    yield app, files, tampered, [c.name for c in demo_small.CHARACTERS]
    app.stop()


def caption(page, text: str):
    return page.locator("[data-testid='stCaptionContainer']").filter(has_text=text).first


def test_the_district_imports_snapshots_and_compares_the_branches(district_app, page, tmp_path):
    app, files, tampered, names = district_app
    sign_in(page, app, "district")
    goto(page, S.PAGE_SNAPSHOT_IMPORT)

    upload(page, *files, tampered)
    main = page.locator("[data-testid='stMain']")
    expect(main.locator("[data-testid='stAlertContentSuccess']")).to_have_count(len(files))
    refused = main.locator("[data-testid='stAlertContentError']")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("被改过的快照.zip")
    expect_settled(page)
    shot(page, "district-import-verdicts")

    page.get_by_role("button", name=S.IMPORT_BUTTON).click()
    expect(main.get_by_text(re.compile("已导入为"))).to_have_count(len(files))
    expect_settled(page)

    goto(page, S.PAGE_DISTRICT)
    expect(caption(page, "全区 · ")).to_have_text("全区 · 2025年第四季度")
    branches_kpi = page.locator("[data-testid='stMetric']").filter(has_text=S.DISTRICT_KPI_BRANCHES)
    expect(branches_kpi).to_contain_text(f"{len(names)} / {len(names)}")
    expect(page.get_by_text(S.DISTRICT_RANKING.format(period="2025年第四季度"))).to_be_visible()
    shot(page, "district-overview-1400")

    page.locator("[data-testid='stSidebar']").get_by_text(S.GRAINS["year"], exact=True).click()
    expect(caption(page, "全区 · ")).to_have_text("全区 · 2025年")
    expect_settled(page)
    page.locator("[data-testid='stSidebar']").get_by_text(S.GRAINS["quarter"], exact=True).click()
    expect(caption(page, "全区 · ")).to_have_text("全区 · 2025年第四季度")  # the year carried back to its last quarter
    expect_settled(page)
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text=S.PERIOD).click()
    page.get_by_role("option", name="2025年第三季度", exact=True).click()
    expect(caption(page, "全区 · ")).to_have_text("全区 · 2025年第三季度")
    expect_settled(page)

    download = download_of(page, download_menus(page).first)  # the ranking's, the first table on the page
    assert download.suggested_filename == f"{S.DISTRICT_FILE_SUBJECT}_2025-Q3_{S.DISTRICT_RANKING_FILE}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    headers = [c.value for c in sheet[1]]
    assert {"排名", "党支部", "堡垒指数", "星级", "快照状态"} <= set(headers), headers
    assert "党员" not in headers
    column = {h: i for i, h in enumerate(headers)}
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[column["党支部"]] for r in rows} == set(names)
    assert [r[column["排名"]] for r in rows] == sorted(r[column["排名"]] for r in rows)  # ranked, best first
    assert all(isinstance(r[column["堡垒指数"]], float) for r in rows)
    assert sheet.cell(2, column["堡垒指数"] + 1).number_format == "0.00"

    goto(page, S.PAGE_BRANCH_CARD)
    expect(title(page)).to_have_text(S.PAGE_BRANCH_CARD)
    expect(caption(page, "快照")).to_contain_text("已签名")
    shot(page, "district-branch-card-1400")

    # The district's menu has no page of member rows, and such a page's address is refused.
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_role("link", name=S.PAGE_DISTRICT, exact=True)).to_have_count(1)
    for hidden in (S.PAGE_OVERVIEW, S.PAGE_MEMBER, S.PAGE_UPLOAD, S.PAGE_PLAN):
        expect(sidebar.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    page.goto(f"{app.url}/member")
    expect(page.get_by_text(S.PAGE_REFUSED)).to_be_visible()
    expect_settled(page)
    expect(page.locator("[data-testid='stDataFrame']")).to_have_count(0)
