"""Signing in, roles and signing out, as people do it in Chromium against the real server
(dashboard/server.py): the form, the cookie, the menu of each role, a page opened by its address,
the lock after five wrong passwords, and a sign-out that ends the session in every tab."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from dashboard import strings as S
from etl import accounts
from tests.e2e.helpers import APP, expect_settled, shot, sign_in, title

SIDEBAR = "[data-testid='stSidebar']"


def menu(page):
    return page.locator(SIDEBAR).get_by_role("link")


def test_a_link_opened_signed_out_asks_to_sign_in_and_comes_back_to_it(demo_app, page):
    page.goto(f"{demo_app.url}/stars?grain=year&period=2025")
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    expect(page.locator(APP)).to_have_count(0)  # nothing of the app before signing in
    shot(page, "signin-form")
    sign_in(page, demo_app, "leadership", path="/stars?grain=year&period=2025")
    expect(title(page)).to_have_text(S.PAGE_STARS)
    expect(page.locator(SIDEBAR)).to_contain_text(S.SIGNED_IN_AS.format(label="e2e-leadership（领导）"))
    page.reload()  # the cookie keeps the session
    expect(title(page)).to_have_text(S.PAGE_STARS)
    expect_settled(page)


def test_a_leader_has_no_upload_page_not_even_by_its_address(demo_app, page):
    sign_in(page, demo_app, "leadership")
    expect(title(page)).to_have_text(S.PAGE_OVERVIEW)
    expect(menu(page).filter(has_text=S.PAGE_MEMBER)).to_have_count(1)
    for hidden in (S.PAGE_UPLOAD, S.PAGE_ACCOUNTS, S.PAGE_AUDIT, S.PAGE_DISTRICT):
        expect(menu(page).filter(has_text=hidden)).to_have_count(0)
    shot(page, "leadership-overview-1400")
    page.goto(f"{demo_app.url}/upload")
    expect(page.get_by_text(S.PAGE_REFUSED)).to_be_visible()
    expect_settled(page)
    expect(page.locator("[data-testid='stFileUploader']")).to_have_count(0)


def submit(page, username: str, password: str) -> None:
    """Fill and send the sign-in form; the anchor is the answer's new document."""
    page.get_by_label(S.SIGNIN_USERNAME).fill(username)
    page.get_by_label(S.SIGNIN_PASSWORD).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=S.SIGNIN_SUBMIT).click()


def test_five_wrong_passwords_lock_the_name_and_the_message_never_says_whether_it_exists(demo_app, page):
    username, password = demo_app.accounts["spare"]
    page.goto(f"{demo_app.url}/signin")
    for attempt in range(accounts.MAX_FAILURES - 1):
        submit(page, username, f"wrong password {attempt}")
        expect(page.get_by_role("alert")).to_have_text(accounts.WRONG)
    submit(page, "nobody-at-all", "wrong password")  # an unknown name reads the same
    expect(page.get_by_role("alert")).to_have_text(accounts.WRONG)
    submit(page, username, "wrong password 5")  # the fifth failure locks the name
    expect(page.get_by_role("alert")).to_contain_text("已锁定")
    submit(page, username, password)  # the right password, refused while locked
    expect(page.get_by_role("alert")).to_contain_text("已锁定")
    expect(page.locator(APP)).to_have_count(0)
    shot(page, "signin-locked")


def test_signing_out_ends_the_session_in_every_tab(demo_app, page):
    sign_in(page, demo_app, "secretary")
    other_tab = page.context.new_page()
    other_tab.goto(f"{demo_app.url}/index")
    expect(title(other_tab)).to_have_text(S.PAGE_INDEX)
    expect_settled(other_tab)

    page.locator(SIDEBAR).get_by_role("button", name=S.SIGN_OUT).click()
    expect(page.get_by_text(S.SIGNED_OUT)).to_be_visible()
    expect_settled(page)
    expect(page.get_by_role("link", name=S.PAGE_UPLOAD)).to_have_count(0)  # no menu of the signed-out role
    page.get_by_role("link", name=S.SIGNIN_LINK).click()  # the way back in, in this tab
    expect(page.get_by_role("button", name=S.SIGNIN_SUBMIT)).to_be_visible()

    other_tab.locator(SIDEBAR).get_by_role("link", name=S.PAGE_STARS).click()  # the open tab's next click
    expect(other_tab.get_by_text(S.SESSION_ENDED)).to_be_visible()
    expect_settled(other_tab)
    expect(other_tab.get_by_role("link", name=S.PAGE_INDEX)).to_have_count(0)
    expect(other_tab.locator("[data-testid='stMetric']")).to_have_count(0)
    other_tab.reload()  # and a reload goes to the form, to come back to this page after signing in
    expect(other_tab).to_have_url(re.compile(r"/signin\?next=%2F"))
