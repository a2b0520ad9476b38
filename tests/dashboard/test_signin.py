"""The sign-in route and the gate (dashboard/signin.py), driven over HTTP with Starlette's TestClient
in front of a stand-in for the Streamlit app: what the browser gets back — the form, the cookie and
its flags, the redirects — and what it does not get (a session without the form's token, a redirect
to another site, the app without a session)."""

from __future__ import annotations

import argon2
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from dashboard import session_cookie, signin
from dashboard import strings as S
from etl import accounts
from etl.db import Database
from tests.conftest import BRANCH

PASSWORD = "correct horse battery"


async def the_app(request):
    return PlainTextResponse("the app")


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A database with one leader, and the sign-in route and gate in front of a stand-in app."""
    monkeypatch.setattr(accounts, "HASHER", argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db = Database(tmp_path / "site.duckdb")
    db.init()
    from etl import branches

    branches.add(db, BRANCH, "实验学校")
    accounts.add_user(db, "lingdao", PASSWORD, "leadership", [BRANCH], by="测试")
    monkeypatch.setenv("VANGUARD_DB", str(db.path))
    monkeypatch.setattr(signin, "_accounts_seen", (0.0, False))
    app = Starlette(
        routes=[*signin.routes(), Route("/", the_app), Route("/stars", the_app), Route("/static/x.js", the_app)],
        middleware=signin.middleware(),
    )
    return db, TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000), follow_redirects=False)


def form_token(client, path="/signin") -> str:
    page = client.get(path)
    assert page.status_code == 200
    return page.cookies[session_cookie.SIGNIN_COOKIE]


def post(client, username, password, next_path="/", token=None):
    token = form_token(client) if token is None else token
    return client.post("/signin", data={"username": username, "password": password, "csrf": token, "next": next_path})


def test_a_page_without_a_session_goes_to_the_form_and_an_asset_does_not(site):
    _, client = site
    answer = client.get("/stars?grain=year&period=2025")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=%2Fstars%3Fgrain%3Dyear%26period%3D2025"
    assert client.get("/static/x.js").status_code == 200


def test_signing_in_sets_an_httponly_signed_cookie_and_returns_to_the_link(site):
    db, client = site
    answer = post(client, "LingDao", PASSWORD, "/stars?grain=year")
    assert answer.status_code == 303 and answer.headers["location"] == "/stars?grain=year"
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(session_cookie.COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    token = session_cookie.unsign(client.cookies[session_cookie.COOKIE])
    assert accounts.session_account(db, token).username == "lingdao"
    assert client.get("/stars").text == "the app"  # the gate lets the session through
    assert client.get("/signin").status_code == 303  # signed in already: no form


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(site):
    _, client = site
    wrong = post(client, "lingdao", "not the password")
    unknown = post(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert accounts.WRONG in wrong.text and accounts.WRONG in unknown.text
    assert session_cookie.COOKIE not in client.cookies


def test_a_post_without_the_forms_own_token_is_refused(site):
    _, client = site
    answer = post(client, "lingdao", PASSWORD, token="made-up-elsewhere")
    assert answer.status_code == 400 and S.SIGNIN_EXPIRED in answer.text
    assert session_cookie.COOKIE not in client.cookies


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "stars"])
def test_signing_in_never_redirects_to_another_site(site, target):
    _, client = site
    assert post(client, "lingdao", PASSWORD, target).headers["location"] == "/"


def test_a_forged_or_ended_session_cookie_goes_back_to_the_form(site):
    db, client = site
    client.cookies.set(session_cookie.COOKIE, "forged.0000")
    assert client.get("/").status_code == 303
    client.cookies.clear()
    post(client, "lingdao", PASSWORD)
    token = session_cookie.unsign(client.cookies[session_cookie.COOKIE])
    accounts.end_session(db, token)
    assert client.get("/").status_code == 303


def test_the_form_escapes_what_it_echoes(site):
    _, client = site
    answer = post(client, '<script>alert("x")</script>', "not the password")
    assert "<script>alert" not in answer.text and "&lt;script&gt;" in answer.text


def test_while_no_account_exists_another_machine_is_refused(tmp_path, monkeypatch):
    db = Database(tmp_path / "empty.duckdb")
    db.init()
    monkeypatch.setenv("VANGUARD_DB", str(db.path))
    monkeypatch.setattr(signin, "_accounts_seen", (0.0, False))
    app = Starlette(routes=[Route("/", the_app)], middleware=signin.middleware())
    local = TestClient(app, client=("127.0.0.1", 50000), follow_redirects=False)
    assert local.get("/").text == "the app"  # this machine: the local mode, no sign-in
    remote = TestClient(app, client=("192.0.2.7", 50000), follow_redirects=False)
    refused = remote.get("/")
    assert refused.status_code == 403 and "etl user add" in refused.text


def test_the_secret_is_made_once_with_owner_only_permissions(tmp_path, monkeypatch):
    path = tmp_path / "conf" / "cookie-secret"
    monkeypatch.setenv("VANGUARD_SECRET_FILE", str(path))
    first = session_cookie.secret()
    assert session_cookie.secret() == first and len(first) == session_cookie.SECRET_BYTES
    assert path.stat().st_mode & 0o777 == 0o600
    signed = session_cookie.sign("token", first)
    assert session_cookie.unsign(signed, first) == "token"
    assert session_cookie.unsign(signed, b"another secret") is None
    tampered = signed[:-1] + ("1" if signed.endswith("0") else "0")  # a different last digit, always
    assert session_cookie.unsign(tampered, first) is None
