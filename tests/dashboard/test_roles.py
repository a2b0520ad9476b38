"""Roles, enforced where the data is: each role's menu, pages refused by address, writes refused in
the functions that write (not only by hiding a button), queries and caches that never cross scopes.

The database is the demo branch's year plus a second, empty branch, with one account per role:
a secretary and a leader of the demo branch, a leader of the other branch, and the district."""

from __future__ import annotations

import shutil

import argon2
import pytest
import streamlit as st

from dashboard import account_admin, auth, data, snapshots, uploads
from dashboard import strings as S
from etl import accounts, audit, branches
from etl.db import Database
from etl.scope import OutOfScope
from etl.scoring.period import parse
from tests.conftest import BRANCH
from tests.dashboard.conftest import PAGES, SIGNED_IN_PAGES, open_page_as

OTHER = "附属中学党支部"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def roles_db(tmp_path_factory, demo_db):
    fast = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    kept, accounts.HASHER = accounts.HASHER, fast
    try:
        db = Database(tmp_path_factory.mktemp("roles") / "roles.duckdb")
        shutil.copy(demo_db.path, db.path)
        branches.add(db, OTHER, "附属中学")
        made = {
            "secretary": accounts.add_user(db, "shuji", PASSWORD, "secretary", [BRANCH], by="测试"),
            "leadership": accounts.add_user(db, "lingdao", PASSWORD, "leadership", [BRANCH], by="测试"),
            "other_leader": accounts.add_user(db, "fuzhong", PASSWORD, "leadership", [OTHER], by="测试"),
            "district": accounts.add_user(db, "quju", PASSWORD, "district", by="测试"),
        }
        yield db, made
    finally:
        accounts.HASHER = kept


def token(db, account) -> str:
    return accounts.start_session(db, account)


@pytest.fixture
def menus(monkeypatch) -> list[list[str]]:
    """The menu each run hands to Streamlit's navigation: the titles it shows (every page is
    registered; those a role may not open are hidden). AppTest does not draw the navigation, so
    the call itself is recorded."""
    shown: list[list[str]] = []
    real = st.navigation

    def recording(pages, position="sidebar", **options):
        sections = pages.values() if isinstance(pages, dict) else [pages]
        hidden = position == "hidden"
        shown.append(
            [page.title for section in sections for page in section if page.visibility == "visible" and not hidden]
        )
        return real(pages, position=position, **options)

    monkeypatch.setattr(st, "navigation", recording)
    return shown


def refused(at) -> bool:
    return S.PAGE_REFUSED in [e.value for e in at.error]


@pytest.mark.parametrize(
    "role, sees, not_sees",
    [
        ("secretary", [S.PAGE_OVERVIEW, S.PAGE_UPLOAD, S.PAGE_ACCOUNTS, S.PAGE_AUDIT], [S.PAGE_DISTRICT]),
        (
            "leadership",
            [S.PAGE_OVERVIEW, S.PAGE_MEMBER, S.PAGE_GLOSSARY],
            [S.PAGE_UPLOAD, S.PAGE_ACCOUNTS, S.PAGE_AUDIT],
        ),
        (
            "district",
            [S.PAGE_DISTRICT, S.PAGE_BRANCH_CARD, S.PAGE_AUDIT],
            [S.PAGE_OVERVIEW, S.PAGE_MEMBER, S.PAGE_UPLOAD],
        ),
    ],
)
def test_the_menu_lists_only_the_pages_of_the_role(monkeypatch, menus, roles_db, role, sees, not_sees):
    db, made = roles_db
    at = open_page_as(monkeypatch, db, token(db, made[role]), None)
    assert not at.exception, [e.value for e in at.exception]
    shown = menus[-1]
    assert set(sees) <= set(shown), shown
    assert not set(not_sees) & set(shown), shown
    assert shown[0] == sees[0], shown  # her own pages first: the district's 区级 before 看板's 指标说明
    assert S.SIGNED_IN_AS.format(label=made[role].label) in " ".join(m.value for m in at.sidebar.markdown)


@pytest.mark.parametrize("page", ["upload", "accounts", "audit", "district"])
def test_a_leader_opening_a_page_by_its_address_is_refused(monkeypatch, roles_db, page):
    db, made = roles_db
    at = open_page_as(monkeypatch, db, token(db, made["leadership"]), page)
    assert not at.exception, [e.value for e in at.exception]
    assert refused(at)
    assert not at.get("file_uploader") and not at.get("download_button")


@pytest.mark.parametrize("page", ["overview", "member", "upload"])
def test_the_district_gets_no_member_page_by_address(monkeypatch, roles_db, page):
    db, made = roles_db
    at = open_page_as(monkeypatch, db, token(db, made["district"]), page)
    assert refused(at) and not at.dataframe


def test_a_page_of_the_role_works_signed_in(monkeypatch, roles_db):
    db, made = roles_db
    at = open_page_as(monkeypatch, db, token(db, made["leadership"]), "member")
    assert not at.exception and not refused(at)
    assert at.selectbox(key="branch").options == [BRANCH]  # her branches only


def test_without_a_session_nothing_but_the_way_to_sign_in_is_shown(monkeypatch, menus, roles_db):
    db, _ = roles_db
    at = open_page_as(monkeypatch, db, None, None)
    assert not at.exception
    assert [i.value for i in at.info] == [S.NOT_SIGNED_IN]
    assert auth.SIGNIN_LINK_HTML in [m.value for m in at.markdown]
    assert not any(menus) and not at.metric and not at.dataframe  # every page registered, no menu


def test_signing_out_ends_the_session_at_once(monkeypatch, roles_db):
    db, made = roles_db
    session = token(db, made["leadership"])
    at = open_page_as(monkeypatch, db, session, None)
    at.sidebar.button(key="_sign_out").click().run()
    assert [i.value for i in at.info] == [S.SIGNED_OUT]
    assert accounts.session_account(db, session) is None
    assert open_page_as(monkeypatch, db, session, None).info[0].value == S.SESSION_ENDED


def test_a_disabled_account_loses_its_open_session_on_the_next_click(monkeypatch, roles_db, tmp_path):
    db, made = roles_db
    copy = Database(tmp_path / "copy.duckdb")
    shutil.copy(db.path, copy.path)
    session = token(copy, made["leadership"])
    at = open_page_as(monkeypatch, copy, session, None)
    assert not at.info
    accounts.disable(copy, "lingdao", by="测试")
    at.run()
    assert [i.value for i in at.info] == [S.SESSION_ENDED]


# -- the functions themselves, called as a page would, outside any page ----------------------------
@pytest.fixture
def as_caller(monkeypatch, roles_db):
    """Make a role the caller of the current (bare) run, as auth.gate() does at the top of app.py."""
    db, made = roles_db
    monkeypatch.setenv("VANGUARD_DB", str(db.path))

    def become(role: str):
        account = made[role]
        st.session_state[auth.ACCOUNT_KEY] = auth.Caller(account, account.scope())
        st.session_state[data.SCOPE_KEY] = account.scope()
        return account

    yield become
    st.session_state.pop(auth.ACCOUNT_KEY, None)
    st.session_state.pop(data.SCOPE_KEY, None)


def test_a_leader_cannot_upload_undo_sign_or_manage_even_by_calling_the_functions(as_caller):
    as_caller("leadership")
    with pytest.raises(OutOfScope, match="不能上传或装载数据"):
        uploads.load_batch(BRANCH, [], None, False, lambda *_: None)
    uploads.request_undo(BRANCH, 1)
    with pytest.raises(OutOfScope, match="不能撤销装载"):
        uploads.confirm_undo()
    with pytest.raises(OutOfScope, match="不能导出或签名快照"):
        snapshots.build(BRANCH, parse("2025-Q4"), False)
    with pytest.raises(OutOfScope, match="不能管理账号"):
        account_admin.add_leader("xinren", PASSWORD, [BRANCH])


def test_a_secretary_cannot_write_to_a_branch_outside_her_scope(as_caller):
    as_caller("secretary")
    with pytest.raises(OutOfScope, match=OTHER):
        uploads.load_batch(OTHER, [], None, False, lambda *_: None)
    uploads.request_undo(OTHER, 1)
    with pytest.raises(OutOfScope, match=OTHER):
        uploads.confirm_undo()


def test_no_read_crosses_a_scope_and_the_cache_never_serves_one_scope_to_another(as_caller):
    as_caller("secretary")
    mine = data.member_scores(BRANCH, parse("2025-Q4"))  # fills the cache for her scope
    assert len(mine) > 0
    as_caller("other_leader")
    assert data.branches() == [OTHER]
    for call in (
        lambda: data.member_scores(BRANCH, parse("2025-Q4")),
        lambda: data.branch_summary(BRANCH, parse("2025-Q4")),
        lambda: data.period_members(BRANCH, parse("2025-Q4")),
        lambda: data.load_history(BRANCH),
    ):
        with pytest.raises(OutOfScope):
            call()
    as_caller("district")
    with pytest.raises(OutOfScope, match="党员明细"):
        data.member_scores(BRANCH, parse("2025-Q4"))
    assert set(data.branches()) == {BRANCH, OTHER}
    rows = data.district_comparison(parse("2025-Q4"))["branches"]
    assert set(rows["branch"]) <= {BRANCH, OTHER} and "member" not in rows.columns


def test_the_audit_page_shows_a_secretary_her_branches_only(as_caller, roles_db):
    db, _ = roles_db
    audit.record(db, "load", "测试", OTHER, "#99 其他支部的文件")
    audit.record(db, "load", "测试", BRANCH, "#98 本支部的文件")
    as_caller("secretary")
    mine = account_admin.audit_events(parse("2020").start)
    assert "#98 本支部的文件" in set(mine["target"]) and "#99 其他支部的文件" not in set(mine["target"])
    as_caller("district")
    assert {"#98 本支部的文件", "#99 其他支部的文件"} <= set(account_admin.audit_events(parse("2020").start)["target"])
    as_caller("leadership")
    with pytest.raises(OutOfScope):
        account_admin.audit_events(parse("2020").start)


def test_every_signed_in_page_of_each_role_renders(monkeypatch, roles_db):
    db, made = roles_db
    for role in ("secretary", "leadership", "district"):
        session = token(db, made[role])
        for page in SIGNED_IN_PAGES:
            at = open_page_as(monkeypatch, db, session, page)
            assert not at.exception, (role, page, [e.value for e in at.exception])
            visible = auth.visible(
                next(p for p in auth.PAGES if p.key == page), auth.Caller(made[role], made[role].scope())
            )
            assert refused(at) != visible, (role, page)
    assert set(PAGES) <= set(SIGNED_IN_PAGES)


def test_opening_a_members_file_is_in_the_audit_log_once(monkeypatch, roles_db, tmp_path):
    db, made = roles_db
    copy = Database(tmp_path / "copy.duckdb")
    shutil.copy(db.path, copy.path)
    at = open_page_as(monkeypatch, copy, token(copy, made["leadership"]), "member")
    at.run()  # a rerun of the same member records nothing more
    audit.buffer_for(copy).flush()
    views = audit.events(copy).query("action == 'view_member'")
    assert len(views) == 1 and views.iloc[0]["who"] == "lingdao" and views.iloc[0]["branch"] == BRANCH


# -- review: what a test must catch if a check is taken out ------------------------------------------
def test_every_write_and_account_function_refuses_a_leader(as_caller):
    """Each function checks the role itself (auth.require), before it does anything."""
    as_caller("leadership")

    class Loaded:  # what uploads.confirm_load is handed: only its branch is read before the check
        class prepared:
            branch = BRANCH

    refusals = {
        "confirm_load": lambda: uploads.confirm_load(Loaded, False, lambda *_: None),
        "import_all": lambda: snapshots.import_all([], False),
        "manageable": account_admin.manageable,
        "reset_password": lambda: account_admin.reset_password("fuzhong", PASSWORD),
        "disable": lambda: account_admin.disable("fuzhong"),
    }
    for name, call in refusals.items():
        with pytest.raises(OutOfScope):
            call()
        assert name  # named in the loop so a failure says which


def test_a_download_of_a_page_left_open_stops_when_the_session_ends(as_caller, roles_db, monkeypatch):
    from dashboard import components as ui
    from dashboard import session_cookie

    db, made = roles_db
    as_caller("leadership")
    session = accounts.start_session(db, made["leadership"])
    monkeypatch.setattr(auth, "request_cookie", lambda: session_cookie.sign(session))
    make = ui.audited(lambda: b"rows", "实验学校党支部_2025-Q4_先锋指数.csv")
    assert make() == b"rows"
    accounts.end_session(db, session)  # signed out in another tab
    with pytest.raises(OutOfScope):
        make()


def test_a_link_to_a_branch_outside_the_scope_opens_her_own_branch(monkeypatch, roles_db):
    db, made = roles_db
    monkeypatch.setenv("VANGUARD_DB", str(db.path))
    from streamlit.testing.v1 import AppTest

    from dashboard import session_cookie
    from tests.dashboard.conftest import APP

    cookie = session_cookie.sign(token(db, made["other_leader"]))
    monkeypatch.setattr(auth, "request_cookie", lambda: cookie)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["branch"] = BRANCH  # the demo branch: not hers
    at.run()
    assert not at.exception
    assert at.selectbox(key="branch").options == [OTHER] and at.selectbox(key="branch").value == OTHER
    assert not at.metric  # her branch has no data yet: the empty state, nothing of the other branch


def test_a_load_on_the_page_is_recorded_as_the_signed_in_secretary(monkeypatch, roles_db, tmp_path):
    from tests import filebuilders as fb

    db, _ = roles_db
    copy = Database(tmp_path / "copy.duckdb")
    shutil.copy(db.path, copy.path)
    her = accounts.add_user(copy, "shuji2", PASSWORD, "secretary", [OTHER], by="测试")
    at = open_page_as(monkeypatch, copy, token(copy, her), "upload")
    assert at.selectbox(key=uploads.BRANCH_KEY).value == OTHER
    roster = fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER})
    at.file_uploader(key="upload-files").upload("名册.xlsx", roster.read_bytes()).run()
    at.button(key="confirm-名册.xlsx").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with copy.connect() as con:
        assert con.execute("SELECT loaded_by FROM loads ORDER BY load_id DESC LIMIT 1").fetchone() == ("shuji2",)
    audit.buffer_for(copy).flush()
    loads = audit.events(copy).query("action == 'load' and via == 'app'")
    assert list(loads["who"]) == ["shuji2"] and list(loads["branch"]) == [OTHER]


def test_a_session_idle_longer_than_the_limit_is_over_on_the_next_click(monkeypatch, roles_db, tmp_path):
    import datetime as dt

    db, made = roles_db
    copy = Database(tmp_path / "copy.duckdb")
    shutil.copy(db.path, copy.path)
    monkeypatch.setenv("VANGUARD_SESSION_IDLE_MINUTES", "30")
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=60)
    at = open_page_as(monkeypatch, copy, accounts.start_session(copy, made["leadership"], now=an_hour_ago), None)
    assert [i.value for i in at.info] == [S.SESSION_ENDED] and not at.metric
