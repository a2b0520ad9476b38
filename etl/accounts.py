"""Accounts, roles, sign-in with lockout, and the app's sessions (docs/accounts.md).

An account has a role and a scope (a set of branches; a district account has every branch) and an
argon2id hash of its password — never the password. Accounts are made by whoever runs the server
(`etl user`, the caller passes a plain name as ``by``) or, in the app, by a secretary for leadership
accounts of her own branches (``by`` is her :class:`Account`). There is no default password: the
demo accounts get random ones, printed once.

A sign-in refusal never says whether the name exists: an unknown name is verified against a dummy
hash of the same parameters, so the answer takes as long and reads the same. Five failures within
``lock_minutes`` lock the *name* for ``lock_minutes``, existing or not.

Times are UTC without a zone, like the rest of the database. ``now`` is a parameter wherever time
matters, so the app and the tests say what time it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import argon2
import pandas as pd

from etl import audit
from etl.db import Database, first_row, require_branch, statement
from etl.errors import AccountRefused, SignInRefused, UnknownBranch
from etl.normalize import text
from etl.scope import ROLES, Scope

ROLE_NAMES = {"secretary": "书记", "leadership": "领导", "district": "区教育局"}
MAX_FAILURES = 5
LOCK_MINUTES = 15  # VANGUARD_SIGNIN_LOCK_MINUTES overrides
IDLE_MINUTES = 30  # VANGUARD_SESSION_IDLE_MINUTES overrides
TOUCH_SECONDS = 60  # a session's last-seen time is written at most this often
MIN_PASSWORD = 8
MAX_USERNAME = 64

WRONG = "用户名或密码不正确"
# RFC 9106's second recommended profile (argon2-cffi's default): argon2id, 64 MiB, 3 passes, 4 lanes.
# About 0.3 s to verify on a 2-core server: slow for guessing, unnoticed at sign-in. Tests swap it.
HASHER = argon2.PasswordHasher()
_dummy: dict[int, str] = {}
_dummy_guard = threading.Lock()


def _sql(name: str) -> str:
    return statement("etl.sql", f"accounts/{name}")


def _minutes(variable: str, default: int) -> float:
    return float(os.environ.get(variable) or default)


def utc(now: dt.datetime | None = None) -> dt.datetime:
    """``now`` as naive UTC (how the database stores time); the current time when None."""
    if now is None:
        now = dt.datetime.now(dt.UTC)
    if now.tzinfo is not None:
        now = now.astimezone(dt.UTC).replace(tzinfo=None)
    return now


def username_key(username: str) -> str:
    """A name as stored and compared: NFKC, invisible characters dropped, lower case."""
    return text(username or "").casefold()


@dataclass(frozen=True)
class Account:
    """A signed-in person: who, which role, and the names of her branches (empty for district)."""

    user_id: int
    username: str
    role: str
    branches: frozenset[str]

    def scope(self) -> Scope:
        """The query layer's caller scope (etl/scope.py): district sees every branch."""
        if self.role == "district":
            return Scope("district", None)
        return Scope(self.role, frozenset(self.branches))

    @property
    def label(self) -> str:
        """How the app shows her: 张书记（书记）."""
        return f"{self.username}（{ROLE_NAMES[self.role]}）"


Operator = Account | str  # who asks: an app account, or the name of whoever runs the CLI


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    password: str
    branches: tuple[str, ...]


# -- passwords ------------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    return HASHER.hash(password)


def _dummy_hash() -> str:
    """A hash of a random password under the current parameters: what an unknown name is verified
    against, so that its refusal costs what a wrong password costs."""
    with _dummy_guard:
        key = id(HASHER)
        if key not in _dummy:
            _dummy[key] = HASHER.hash(secrets.token_urlsafe(16))
        return _dummy[key]


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except argon2.exceptions.VerificationError:
        return False
    except argon2.exceptions.InvalidHashError:  # never a crash at sign-in for one bad row
        return False


def check_password(username: str, password: str) -> None:
    if password is None or len(password) < MIN_PASSWORD:
        raise AccountRefused(f"密码至少 {MIN_PASSWORD} 个字符")
    if len(password) > 1024:
        raise AccountRefused("密码太长（最多 1024 个字符）")
    if username_key(password) == username_key(username):
        raise AccountRefused("密码不能与用户名相同")


def _clean_username(username: str) -> str:
    name = username_key(username)
    if not name:
        raise AccountRefused("用户名不能为空")
    if len(name) > MAX_USERNAME or any(c.isspace() for c in name):
        raise AccountRefused(f"用户名不能含空格，最多 {MAX_USERNAME} 个字符")
    return name


# -- who may do what -----------------------------------------------------------------------------
def _who(by: Operator) -> tuple[str, str]:
    """(name for the audit log, via)."""
    return (by.username, "app") if isinstance(by, Account) else (str(by), "cli")


def _may_manage(by: Operator, role: str, branches: Iterable[str]) -> None:
    """Whoever runs the CLI may do anything; in the app, only a secretary, and only to leadership
    accounts whose every branch is hers (she must not cut off a leader of a branch she does not run)."""
    if not isinstance(by, Account):
        return
    if by.role != "secretary":
        raise AccountRefused("只有书记可以管理账号")
    if role != "leadership":
        raise AccountRefused("书记只能添加、停用领导账号，或重设领导账号的密码")
    outside = set(branches) - set(by.branches)
    if not branches or outside:
        raise AccountRefused("书记只能管理本人所在党支部的领导账号")


def _account(con, user_id: int, username: str, role: str) -> Account:
    names = frozenset(r[0] for r in con.execute(_sql("user_branches"), {"user_id": user_id}).fetchall())
    return Account(user_id, username, role, names if role != "district" else frozenset())


def _target(con, username: str, by: Operator) -> tuple[int, Account, object]:
    """The account ``by`` means to change: (user_id, account, disabled_at). Someone a secretary may
    not manage is refused with the same words as no one, so the app tells her nothing about it."""
    row = first_row(con, _sql("user"), {"username": username_key(username)})
    if row is None:
        if isinstance(by, Account):
            raise AccountRefused(f"没有你可以管理的账号“{username}”")
        raise AccountRefused(f"没有用户名为“{username}”的账号")
    user_id, name, _, role, disabled_at = row
    target = _account(con, user_id, name, role)
    if isinstance(by, Account) and by.user_id != user_id:
        try:
            _may_manage(by, role, target.branches)
        except AccountRefused:
            raise AccountRefused(f"没有你可以管理的账号“{username}”") from None
    return user_id, target, disabled_at


# -- managing accounts ---------------------------------------------------------------------------
def add_user(
    db: Database,
    username: str,
    password: str,
    role: str,
    branches: Iterable[str] = (),
    *,
    by: Operator,
    now: dt.datetime | None = None,
) -> Account:
    """A new account. secretary and leadership need at least one branch (every one must exist);
    district has every branch and takes none. Recorded in the audit log in the same transaction."""
    name = _clean_username(username)
    if role not in ROLES:
        raise AccountRefused(f"没有“{role}”这个角色（可用：{'、'.join(ROLES)}）")
    wanted = sorted({text(b) for b in branches if text(b)})
    if role == "district" and wanted:
        raise AccountRefused("区教育局账号可以查看全部党支部，不需要指定党支部")
    if role != "district" and not wanted:
        raise AccountRefused(f"{ROLE_NAMES[role]}账号至少要指定一个党支部")
    _may_manage(by, role, wanted)
    check_password(name, password)
    password_hash = hash_password(password)  # slow on purpose: before the write lock is taken
    who, via = _who(by)
    now = utc(now)
    with db.write() as con:
        if first_row(con, _sql("user"), {"username": name}) is not None:
            raise AccountRefused(f"用户名“{name}”已被使用")
        try:
            branch_ids = [require_branch(con, b) for b in wanted]
        except UnknownBranch as exc:
            raise UnknownBranch(f"{exc}。请先用 python -m etl branch add 建立它") from None
        user_id = first_row(
            con,
            _sql("insert_user"),
            {"username": name, "password_hash": password_hash, "role": role, "now": now, "by": who},
        )[0]
        for branch_id in branch_ids:
            con.execute(_sql("insert_user_branch"), {"user_id": user_id, "branch_id": branch_id})
        account = _account(con, user_id, name, role)
        audit.record(con, "user_add", who, sorted(account.branches) or None, name, ROLE_NAMES[role], via=via, now=now)
    return account


def set_password(db: Database, username: str, password: str, *, by: Operator, now: dt.datetime | None = None) -> None:
    """A new password (a reset by a secretary or the CLI, or one's own change, which the app should
    ask the old password for). Every session of the account ends: a reset signs out whoever held it."""
    name = username_key(username)
    check_password(name, password)
    password_hash = hash_password(password)
    who, via = _who(by)
    now = utc(now)
    with db.write() as con:
        user_id, target, _ = _target(con, username, by)
        con.execute(_sql("set_password"), {"user_id": user_id, "password_hash": password_hash, "now": now})
        con.execute(_sql("end_user_sessions"), {"user_id": user_id, "now": now, "reason": "password_set"})
        audit.record(con, "user_passwd", who, sorted(target.branches) or None, target.username, via=via, now=now)


def disable(db: Database, username: str, *, by: Operator, now: dt.datetime | None = None) -> bool:
    """Disable an account and end its sessions. False when it was disabled already. An account
    cannot disable itself in the app (she would lock herself out)."""
    who, via = _who(by)
    now = utc(now)
    with db.write() as con:
        user_id, target, disabled_at = _target(con, username, by)
        if isinstance(by, Account) and by.user_id == user_id:
            raise AccountRefused("不能停用自己的账号")
        if disabled_at is not None:
            return False
        con.execute(_sql("disable"), {"user_id": user_id, "now": now, "by": who})
        con.execute(_sql("end_user_sessions"), {"user_id": user_id, "now": now, "reason": "disabled"})
        audit.record(con, "user_disable", who, sorted(target.branches) or None, target.username, via=via, now=now)
    return True


def list_users(db: Database, by: Operator | None = None) -> pd.DataFrame:
    """username, role, branches (list of names), created_at, created_by, password_changed_at,
    disabled_at, disabled_by. For a secretary (``by`` an Account), herself and the leadership
    accounts she may manage; other app roles may list no one."""
    with db.connect() as con:
        frame = con.execute(_sql("list")).df()
    frame["branches"] = [
        list(b) if isinstance(b, (list, tuple)) or hasattr(b, "tolist") else [] for b in frame["branches"]
    ]
    if isinstance(by, Account):
        if by.role != "secretary":
            raise AccountRefused("只有书记可以管理账号")
        mine = frame.apply(
            lambda r: (
                r.username == by.username
                or (r.role == "leadership" and r.branches and set(r.branches) <= set(by.branches))
            ),
            axis=1,
        )
        frame = frame[mine.astype(bool)].reset_index(drop=True)
    return frame


def has_accounts(db: Database) -> bool:
    """Whether any account can sign in: the app serves only this machine (127.0.0.1) until one can."""
    with db.connect() as con:
        return first_row(con, "SELECT count(*) FROM users WHERE disabled_at IS NULL")[0] > 0


def create_demo_accounts(db: Database) -> list[DemoAccount]:
    """One account per role with a random password, for a demo database only (the caller decides;
    a real database starts with none): secretary and leadership of every branch, and district.
    Names already taken are left alone; returns the accounts made, their passwords shown only here."""
    db.init()
    with db.connect() as con:
        branches = tuple(r[0] for r in con.execute("SELECT name FROM branches ORDER BY name").fetchall())
        taken = {r[0] for r in con.execute("SELECT username FROM users").fetchall()}
    made = []
    for role in ROLES:
        if role in taken:
            continue
        password = secrets.token_urlsafe(12)
        scope = () if role == "district" else branches
        add_user(db, role, password, role, scope, by="演示")
        made.append(DemoAccount(role, role, password, scope))
    return made


# -- signing in ----------------------------------------------------------------------------------
def _locked_until(attempts: list[tuple], lock: dt.timedelta) -> dt.datetime | None:
    """When the name's lock ends, from its attempts (oldest first): MAX_FAILURES failures within
    ``lock`` of each other lock it until ``lock`` after the last of them; a success clears the count;
    tries while locked are not failures, so a lock ends when it said it would."""
    failures: list[dt.datetime] = []
    until = None
    for at, outcome in attempts:
        if outcome == "ok":
            failures = []
        elif outcome == "failed":
            failures = [f for f in failures if f > at - lock] + [at]
            if len(failures) >= MAX_FAILURES:
                until, failures = at + lock, []
    return until


# Tries of one name are taken one at a time (read the lock, verify, record), or concurrent wrong
# passwords would all be read before any failure is written and pass the five-failure lock; at most
# two verifications run at once (each takes 64 MiB and a core for ~0.3 s). Striped locks, so a flood
# of made-up names cannot grow a table of locks.
_NAME_LOCKS = tuple(threading.Lock() for _ in range(64))
_VERIFY_SLOTS = threading.BoundedSemaphore(2)


def authenticate(
    db: Database, username: str, password: str, now: dt.datetime | None = None, *, lock_minutes: float | None = None
) -> Account:
    """The account, or :class:`SignInRefused` whose message is the same for a wrong password, an
    unknown name and a disabled account (the audit log records which). Every attempt is recorded
    under the name typed; the hash is verified without holding the database."""
    name = username_key(username)[: MAX_USERNAME * 4]
    with _NAME_LOCKS[int(hashlib.sha256(name.encode()).hexdigest(), 16) % len(_NAME_LOCKS)]:
        return _authenticate(db, username, password, now, lock_minutes)


def _authenticate(
    db: Database, username: str, password: str, now: dt.datetime | None, lock_minutes: float | None
) -> Account:
    now = utc(now)
    lock = dt.timedelta(
        minutes=lock_minutes if lock_minutes is not None else _minutes("VANGUARD_SIGNIN_LOCK_MINUTES", LOCK_MINUTES)
    )
    name = username_key(username)[: MAX_USERNAME * 4]
    with db.connect() as con:
        row = first_row(con, _sql("user"), {"username": name})
        attempts = con.execute(_sql("attempts"), {"username": name, "since": now - 2 * lock}).fetchall()
        account = _account(con, row[0], row[1], row[3]) if row else None
    locked = _locked_until(attempts, lock)
    locked = locked if locked is not None and locked > now else None
    real = row is not None and locked is None
    with _VERIFY_SLOTS:
        ok = _verify(row[2] if real else _dummy_hash(), password or "") and real
    if locked is not None:
        outcome, reason = "locked", "已锁定"
    elif not ok:
        outcome, reason = "failed", "无此用户名" if row is None else "密码错误"
    elif row[4] is not None:
        ok, outcome, reason = False, "failed", "账号已停用"
    else:
        outcome, reason = "ok", None
    if outcome == "failed":
        locked = _locked_until([*attempts, (now, "failed")], lock)
        locked = locked if locked is not None and locked > now else None
    branches = (sorted(account.branches) or None) if account else None
    with db.write() as con:
        con.execute(_sql("insert_attempt"), {"username": name, "now": now, "outcome": outcome})
        con.execute(_sql("prune_attempts"), {"before": now - max(2 * lock, dt.timedelta(days=1))})
        if ok and HASHER.check_needs_rehash(row[2]):
            con.execute(
                _sql("set_password"), {"user_id": row[0], "password_hash": hash_password(password), "now": None}
            )
        action = "sign_in" if ok else "sign_in_failed"
        detail = reason if locked is None or outcome == "locked" else f"{reason}，连续失败 {MAX_FAILURES} 次，已锁定"
        audit.record(con, action, name or "（空）", branches, None, detail, via="app", now=now)
    if ok:
        return account
    if locked is not None:
        minutes = max(1, round((locked - now).total_seconds() / 60))
        raise SignInRefused(f"这个用户名登录失败次数过多，已锁定：请 {minutes} 分钟后再试", locked_until=locked)
    raise SignInRefused(WRONG)


# -- sessions ------------------------------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(db: Database, account: Account, now: dt.datetime | None = None) -> str:
    """A new session for a signed-in account: the random token for the app's cookie (only its
    SHA-256 is stored)."""
    token = secrets.token_urlsafe(32)
    with db.write() as con:
        con.execute(
            _sql("insert_session"), {"token_sha256": _token_hash(token), "user_id": account.user_id, "now": utc(now)}
        )
    return token


def session_account(
    db: Database, token: str | None, now: dt.datetime | None = None, idle_minutes: float | None = None
) -> Account | None:
    """The account a session token belongs to, read afresh (a changed scope or a disabled account
    shows at once), or None: no such session, ended, its account disabled, or idle longer than
    ``idle_minutes`` (then it is ended). Seeing it again moves its last-seen time, at most once a
    minute and never waiting behind another thread's write (Database.write_if_free): the idle limit is
    minutes, so a skipped touch costs nothing."""
    if not token:
        return None
    now = utc(now)
    idle = dt.timedelta(
        minutes=idle_minutes if idle_minutes is not None else _minutes("VANGUARD_SESSION_IDLE_MINUTES", IDLE_MINUTES)
    )
    key = _token_hash(token)
    with db.connect() as con:
        row = first_row(con, _sql("session"), {"token_sha256": key})
        if row is None or row[2] is not None:
            return None
        user_id, last_seen, _, username, role, disabled_at = row
        account = _account(con, user_id, username, role)
    end = "disabled" if disabled_at is not None else "idle" if now - last_seen > idle else None
    if end is not None:  # None whether or not the end is written now: the next read decides the same
        with db.write_if_free() as con:
            if con is not None:
                con.execute(_sql("end_session"), {"token_sha256": key, "now": now, "reason": end})
        return None
    if (now - last_seen).total_seconds() >= TOUCH_SECONDS:
        with db.write_if_free() as con:
            if con is not None:
                con.execute(_sql("touch_session"), {"token_sha256": key, "now": now})
    return account


def end_session(db: Database, token: str | None, now: dt.datetime | None = None) -> None:
    """Sign out: the session ends (nothing happens for an unknown or ended token)."""
    if not token:
        return
    now = utc(now)
    key = _token_hash(token)
    with db.write() as con:
        row = first_row(con, _sql("session"), {"token_sha256": key})
        if row is None or row[2] is not None:
            return
        con.execute(_sql("end_session"), {"token_sha256": key, "now": now, "reason": "signed_out"})
        branches = sorted(_account(con, row[0], row[3], row[4]).branches) or None
        audit.record(con, "sign_out", row[3], branches, via="app", now=now)
