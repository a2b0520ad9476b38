"""Accounts (etl/accounts.py, docs/accounts.md): argon2 hashes, one refusal for every failed sign-in,
lockout of a name whether or not it exists, sessions that end, and what a secretary may manage."""

from __future__ import annotations

import datetime as dt
import statistics
import time

import argon2
import pytest

from etl import accounts, audit, branches
from etl.db import Database
from etl.errors import AccountRefused, SignInRefused, UnknownBranch
from etl.scope import Scope

A, B, C = "甲支部", "乙支部", "丙支部"
NOW = dt.datetime(2025, 3, 1, 8, 0)
PASSWORD = "correct horse battery"


@pytest.fixture
def fast_hasher(monkeypatch):
    """Cheap argon2 parameters: the tests sign in hundreds of times. The real ones are tested once."""
    monkeypatch.setattr(accounts, "HASHER", argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def db(tmp_path, fast_hasher) -> Database:
    database = Database(tmp_path / "accounts.duckdb", wait_seconds=5)
    database.init()
    for name in (A, B, C):
        branches.add(database, name, None)
    return database


@pytest.fixture
def secretary(db) -> accounts.Account:
    return accounts.add_user(db, "zhang", PASSWORD, "secretary", [A, B], by="root")


def at(minutes: float) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)


def refusal(db, username, password, now=NOW) -> SignInRefused:
    with pytest.raises(SignInRefused) as caught:
        accounts.authenticate(db, username, password, now)
    return caught.value


# -- passwords ------------------------------------------------------------------------------------
def test_the_database_holds_an_argon2id_hash_never_the_password(tmp_path):
    db = Database(tmp_path / "real.duckdb")  # the real parameters, once
    branches.add(db, A, None)
    accounts.add_user(db, "zhang", PASSWORD, "secretary", [A], by="root")
    with db.connect() as con:
        (stored,) = con.execute("SELECT password_hash FROM users").fetchone()
        everything = repr([con.execute(f"SELECT * FROM {t}").fetchall() for t in ("users", "audit_log")])
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and PASSWORD not in everything
    assert accounts.authenticate(db, "ZHANG", PASSWORD).username == "zhang"  # names ignore case


def test_no_weak_password_and_no_default_one(db):
    with pytest.raises(AccountRefused, match="至少 8 个字符"):
        accounts.add_user(db, "li", "short", "leadership", [A], by="root")
    with pytest.raises(AccountRefused, match="不能与用户名相同"):
        accounts.add_user(db, "longname1", "LongName1", "leadership", [A], by="root")
    with pytest.raises(TypeError):
        accounts.add_user(db, "li", role="leadership", branches=[A], by="root")  # no password, no default


def test_roles_need_the_right_branches_and_names_are_unique(db, secretary):
    with pytest.raises(AccountRefused, match="至少要指定一个党支部"):
        accounts.add_user(db, "li", PASSWORD, "leadership", [], by="root")
    with pytest.raises(AccountRefused, match="不需要指定党支部"):
        accounts.add_user(db, "qu", PASSWORD, "district", [A], by="root")
    with pytest.raises(UnknownBranch, match="branch add"):
        accounts.add_user(db, "li", PASSWORD, "leadership", ["没有的支部"], by="root")
    with pytest.raises(AccountRefused, match="已被使用"):
        accounts.add_user(db, "ZHANG", PASSWORD, "leadership", [A], by="root")
    with pytest.raises(AccountRefused, match="角色"):
        accounts.add_user(db, "li", PASSWORD, "admin", [A], by="root")


# -- scope ----------------------------------------------------------------------------------------
def test_an_accounts_scope_is_its_set_of_branches_and_district_sees_every_branch(db, secretary):
    assert secretary.scope() == Scope("secretary", frozenset({A, B}))
    leader = accounts.add_user(db, "li", PASSWORD, "leadership", [A], by=secretary)
    assert leader.scope() == Scope("leadership", frozenset({A}))
    district = accounts.add_user(db, "qu", PASSWORD, "district", by="root")
    scope = district.scope()
    assert scope.role == "district" and scope.branches is None and scope.allows(C) and not scope.sees_members
    signed_in = accounts.authenticate(db, "li", PASSWORD, NOW)
    assert signed_in == leader and signed_in.label == "li（领导）"


def test_a_secretary_adds_leadership_of_her_own_branches_only(db, secretary):
    with pytest.raises(AccountRefused, match="领导账号"):
        accounts.add_user(db, "wang", PASSWORD, "secretary", [A], by=secretary)
    with pytest.raises(AccountRefused, match="领导账号"):
        accounts.add_user(db, "wang", PASSWORD, "district", by=secretary)
    with pytest.raises(AccountRefused, match="本人所在党支部"):
        accounts.add_user(db, "wang", PASSWORD, "leadership", [C], by=secretary)
    with pytest.raises(AccountRefused, match="本人所在党支部"):
        accounts.add_user(db, "wang", PASSWORD, "leadership", [A, C], by=secretary)
    leader = accounts.add_user(db, "wang", PASSWORD, "leadership", [A, B], by=secretary)
    with pytest.raises(AccountRefused, match="只有书记"):
        accounts.add_user(db, "zhao", PASSWORD, "leadership", [A], by=leader)
    assert list(accounts.list_users(db)["username"]) == ["zhang", "wang"]
    rows = audit.events(db, branches={A})
    assert ("user_add", "wang", "zhang", "app") in set(zip(rows.action, rows.target, rows.who, rows.via))


def test_a_secretary_resets_and_disables_leadership_of_her_branches_only(db, secretary):
    mine = accounts.add_user(db, "li", PASSWORD, "leadership", [A], by=secretary)
    theirs = accounts.add_user(db, "wu", PASSWORD, "leadership", [A, C], by="root")
    other_secretary = accounts.add_user(db, "chen", PASSWORD, "secretary", [A], by="root")
    accounts.set_password(db, "li", "a new password", by=secretary, now=NOW)
    assert accounts.authenticate(db, "li", "a new password", at(1)) == mine
    for name in (theirs.username, other_secretary.username, "nobody"):  # the same words for each
        with pytest.raises(AccountRefused, match=f"没有你可以管理的账号“{name}”"):
            accounts.set_password(db, name, "a new password", by=secretary)
        with pytest.raises(AccountRefused, match=f"没有你可以管理的账号“{name}”"):
            accounts.disable(db, name, by=secretary)
    with pytest.raises(AccountRefused, match="不能停用自己"):
        accounts.disable(db, "zhang", by=secretary)
    assert accounts.disable(db, "li", by=secretary, now=at(2)) is True
    assert accounts.disable(db, "li", by=secretary) is False
    accounts.disable(db, "zhang", by="root")
    accounts.disable(db, "wu", by="root")
    assert accounts.has_accounts(db)  # chen can still sign in
    accounts.disable(db, "chen", by="root")
    assert not accounts.has_accounts(db)
    listed = accounts.list_users(db, by=secretary)
    assert sorted(listed["username"]) == ["li", "zhang"]  # herself and the leaders she manages
    with pytest.raises(AccountRefused):
        accounts.list_users(db, by=mine)


# -- sign-in refusals -----------------------------------------------------------------------------
def test_wrong_password_unknown_name_and_disabled_account_read_the_same(db, secretary):
    accounts.add_user(db, "gone", PASSWORD, "leadership", [A], by="root")
    accounts.disable(db, "gone", by="root")
    messages = {
        str(refusal(db, "zhang", "wrong password")),
        str(refusal(db, "nobody", PASSWORD)),
        str(refusal(db, "gone", PASSWORD)),  # the right password of a disabled account
        str(refusal(db, "", "")),
    }
    assert messages == {accounts.WRONG}
    log = audit.events(db)
    failed = log[log.action == "sign_in_failed"]
    assert set(failed.detail) == {"密码错误", "无此用户名", "账号已停用"}  # the log says which, the reader not


def test_an_unknown_name_costs_what_a_wrong_password_costs(tmp_path):
    """Verified against a dummy hash of the same parameters (the real ones here)."""
    db = Database(tmp_path / "t.duckdb")
    branches.add(db, A, None)
    accounts.add_user(db, "zhang", PASSWORD, "secretary", [A], by="root")

    def seconds(name):
        started = time.perf_counter()
        with pytest.raises(SignInRefused):
            accounts.authenticate(db, name, "wrong password", NOW, lock_minutes=0)
        return time.perf_counter() - started

    seconds("nobody")  # the dummy hash is made once, on first use
    known = statistics.median(seconds("zhang") for _ in range(3))
    unknown = statistics.median(seconds(f"nobody{i}") for i in range(3))
    assert 0.5 < unknown / known < 2, (known, unknown)


@pytest.mark.parametrize("name", ["zhang", "nobody"])
def test_five_failures_lock_a_name_whether_or_not_it_exists_and_the_lock_ends(db, secretary, name):
    password = PASSWORD if name == "zhang" else "whatever1"
    for i in range(4):
        assert str(refusal(db, name, "wrong", at(i))) == accounts.WRONG
    fifth = refusal(db, name, "wrong", at(4))
    assert "已锁定" in str(fifth) and "15 分钟" in str(fifth) and fifth.locked_until == at(19)
    locked = refusal(db, name, password, at(10))  # even the right password, while locked
    assert str(locked) == "这个用户名登录失败次数过多，已锁定：请 9 分钟后再试"  # the same for both names
    assert locked.locked_until == at(19)  # tries while locked do not make it longer
    assert refusal(db, name, password, at(18)).locked_until == at(19)
    if name == "zhang":
        assert accounts.authenticate(db, name, password, at(19.5)).username == "zhang"  # the lock ended
        assert str(refusal(db, "zhang", "wrong", at(20))) == accounts.WRONG  # and the count started again
    else:
        assert str(refusal(db, name, password, at(19.5))) == accounts.WRONG
    assert str(refusal(db, "other", "wrong", at(10))) == accounts.WRONG  # other names are not locked


def test_failures_far_apart_and_a_success_between_do_not_lock(db, secretary):
    for i in range(6):  # one every 20 minutes: never five within 15
        assert str(refusal(db, "zhang", "wrong", at(20 * i))) == accounts.WRONG
    for i in range(4):
        refusal(db, "zhang", "wrong", at(200 + i))
    accounts.authenticate(db, "zhang", PASSWORD, at(205))
    assert str(refusal(db, "zhang", "wrong", at(206))) == accounts.WRONG


def test_the_lock_time_is_configurable(db, secretary, monkeypatch):
    monkeypatch.setenv("VANGUARD_SIGNIN_LOCK_MINUTES", "2")
    for i in range(5):
        refusal(db, "zhang", "wrong", at(i / 10))
    assert refusal(db, "zhang", PASSWORD, at(1)).locked_until == at(0.4 + 2)
    assert accounts.authenticate(db, "zhang", PASSWORD, at(2.5))


def test_a_rehash_under_new_parameters_keeps_the_password(db, secretary, monkeypatch):
    with db.connect() as con:
        (set_at,) = con.execute("SELECT password_changed_at FROM users").fetchone()
    monkeypatch.setattr(accounts, "HASHER", argon2.PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    assert accounts.authenticate(db, "zhang", PASSWORD, NOW) == secretary
    with db.connect() as con:
        stored, changed = con.execute("SELECT password_hash, password_changed_at FROM users").fetchone()
    assert "m=2048,t=2" in stored and changed == set_at  # not a change of password
    assert accounts.authenticate(db, "zhang", PASSWORD, at(1)) == secretary


# -- sessions -------------------------------------------------------------------------------------
def test_a_session_lasts_while_used_and_ends_when_idle(db, secretary):
    token = accounts.start_session(db, secretary, NOW)
    with db.connect() as con:
        assert token not in repr(con.execute("SELECT * FROM sessions").fetchall())  # only its hash
    assert accounts.session_account(db, token, at(20), idle_minutes=30) == secretary
    assert accounts.session_account(db, token, at(45), idle_minutes=30) == secretary  # seen at 20
    assert accounts.session_account(db, token, at(80), idle_minutes=30) is None  # idle 35 minutes
    assert accounts.session_account(db, token, at(81), idle_minutes=300) is None  # it stays ended
    with db.connect() as con:
        assert con.execute("SELECT end_reason FROM sessions").fetchone() == ("idle",)
    assert accounts.session_account(db, "made-up", NOW) is None
    assert accounts.session_account(db, None, NOW) is None


def test_the_idle_limit_defaults_to_thirty_minutes_and_is_configurable(db, secretary, monkeypatch):
    token = accounts.start_session(db, secretary, NOW)
    assert accounts.session_account(db, token, at(29)) == secretary
    monkeypatch.setenv("VANGUARD_SESSION_IDLE_MINUTES", "5")
    assert accounts.session_account(db, token, at(35)) is None


def test_sign_out_ends_the_session(db, secretary):
    token = accounts.start_session(db, secretary, NOW)
    other = accounts.start_session(db, secretary, NOW)
    accounts.end_session(db, token, at(1))
    assert accounts.session_account(db, token, at(2)) is None
    assert accounts.session_account(db, other, at(2)) == secretary  # her other browser
    accounts.end_session(db, token, at(3))  # twice: nothing happens
    assert list(audit.events(db, branches={A}).action).count("sign_out") == 1


def test_disabling_or_resetting_an_account_ends_its_sessions(db, secretary):
    leader = accounts.add_user(db, "li", PASSWORD, "leadership", [A], by=secretary)
    first = accounts.start_session(db, leader, NOW)
    accounts.set_password(db, "li", "another password", by=secretary, now=at(1))
    assert accounts.session_account(db, first, at(2)) is None
    second = accounts.start_session(db, accounts.authenticate(db, "li", "another password", at(3)), at(3))
    accounts.disable(db, "li", by=secretary, now=at(4))
    assert accounts.session_account(db, second, at(5)) is None
    assert str(refusal(db, "li", "another password", at(6))) == accounts.WRONG


def test_a_session_reads_the_account_afresh(db, secretary):
    """A branch renamed during a session: the scope follows it on the next page."""
    token = accounts.start_session(db, secretary, NOW)
    branches.rename(db, A, "新甲支部")
    assert accounts.session_account(db, token, at(1)).branches == frozenset({"新甲支部", B})


def test_a_page_never_waits_behind_a_long_write_for_its_last_seen_time(db, secretary):
    import threading

    token = accounts.start_session(db, secretary, NOW)
    holding, release = threading.Event(), threading.Event()

    def long_write():
        with db.write():
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=long_write)
    writer.start()
    holding.wait(5)
    try:
        started = time.perf_counter()
        assert accounts.session_account(db, token, at(5)) == secretary  # a touch is due, and skipped
        assert time.perf_counter() - started < 2
    finally:
        release.set()
        writer.join()


# -- demo accounts --------------------------------------------------------------------------------
def test_demo_accounts_one_per_role_with_random_passwords(db):
    assert not accounts.has_accounts(db)  # a database starts with no account, so no default password
    made = accounts.create_demo_accounts(db)
    assert accounts.has_accounts(db)
    assert [(d.username, d.role) for d in made] == [(r, r) for r in ("secretary", "leadership", "district")]
    assert len({d.password for d in made}) == 3 and all(len(d.password) >= 16 for d in made)
    for demo in made:
        account = accounts.authenticate(db, demo.username, demo.password, NOW)
        assert account.branches == (frozenset() if demo.role == "district" else frozenset({A, B, C}))
    again = accounts.create_demo_accounts(db)
    assert again == []  # never a second password for the same account


def test_concurrent_wrong_passwords_cannot_slip_past_the_lock(db):
    """Twenty tries at once, the right password among the last: the name locks after five failures,
    however the tries interleave (each name's tries are taken one at a time)."""
    import concurrent.futures

    accounts.add_user(db, "lingdao", "right password", "leadership", [A], by="测试")
    tries = ["wrong password"] * 19

    def attempt(password):
        try:
            accounts.authenticate(db, "lingdao", password)
            return "ok"
        except SignInRefused:
            return "refused"

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, tries))
    assert outcomes == ["refused"] * 19
    with db.connect() as con:
        recorded = dict(con.execute("SELECT outcome, count(*) FROM sign_in_attempts GROUP BY ALL").fetchall())
    assert recorded == {"failed": accounts.MAX_FAILURES, "locked": 19 - accounts.MAX_FAILURES}
    with pytest.raises(SignInRefused, match="已锁定"):
        accounts.authenticate(db, "lingdao", "right password")
