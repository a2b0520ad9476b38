"""The sign-in route and the gate in front of the app, for dashboard/server.py (see its docstring for
why a route and a cookie). Importable without starting anything, so tests drive them with Starlette's
TestClient.
"""

from __future__ import annotations

import html
import logging
import secrets
import threading
import time
from contextlib import asynccontextmanager
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from dashboard import session_cookie
from dashboard import strings as S
from dashboard.session_cookie import SIGNIN_PATH, is_loopback
from etl import accounts
from etl.db import Database, default_db_path
from etl.errors import SignInRefused, VanguardError

_NOT_PAGES = ("/_stcore", "/static", "/media", "/component", "/app/static", SIGNIN_PATH)
_ACCOUNTS_TTL = 5.0  # seconds a "does any account exist" answer is trusted by the middleware
_accounts_seen: tuple[float, bool] = (0.0, False)


def database() -> Database:
    return Database(default_db_path())


_accounts_refresh = threading.Lock()


def accounts_exist() -> bool:
    """Whether anyone can sign in (cached briefly: the gate asks on every request, and a page load
    makes a burst of them). One thread refreshes the answer at a time; when the database cannot be
    read (busy with a long load), the last answer stands, and with none yet the gate fails closed."""
    global _accounts_seen
    if (fresh := _fresh_accounts_answer()) is not None:
        return fresh
    with _accounts_refresh:
        if (fresh := _fresh_accounts_answer()) is not None:  # another thread refreshed it meanwhile
            return fresh
        seen_at, exist = _accounts_seen
        db = database()
        try:
            exist = db.path.exists() and accounts.has_accounts(db)
        except VanguardError:
            return exist if seen_at else True  # never read yet: assume accounts exist (sign-in asked)
        _accounts_seen = (time.monotonic(), exist)
        return exist


def _fresh_accounts_answer() -> bool | None:
    """accounts_exist()'s cached answer while it is fresh, without a hop to a worker thread (a first
    view asks for about 130 files)."""
    seen_at, exist = _accounts_seen
    return exist if time.monotonic() - seen_at <= _ACCOUNTS_TTL else None


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this server only (never //elsewhere or a full URL)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def signin_page(message: str = "", next_path: str = "/", username: str = "", status: int = 200) -> Response:
    """The sign-in form, with a fresh double-submit token in a cookie and a hidden field."""
    token = secrets.token_urlsafe(24)
    e = html.escape
    notice = f'<p class="notice" role="alert">{e(message)}</p>' if message else ""
    body = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(S.SIGNIN_TITLE)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       background: #f6f6f8; margin: 0; display: flex; justify-content: center; }}
main {{ background: #fff; margin-top: 12vh; padding: 2rem 2.2rem; border-radius: 10px; width: min(22rem, 86vw);
        box-shadow: 0 2px 10px rgba(0,0,0,.08); }}
h1 {{ font-size: 1.35rem; color: #b71c1c; margin: 0 0 1.2rem; }}
label {{ display: block; margin: .8rem 0 .3rem; color: #333; }}
input {{ width: 100%; box-sizing: border-box; padding: .55rem .6rem; font-size: 1rem; border: 1px solid #ccc;
         border-radius: 6px; }}
button {{ margin-top: 1.3rem; width: 100%; padding: .65rem; font-size: 1rem; color: #fff; background: #c62828;
          border: 0; border-radius: 6px; cursor: pointer; }}
.notice {{ color: #b71c1c; background: #fdecea; padding: .6rem .7rem; border-radius: 6px; }}
.hint {{ color: #666; font-size: .85rem; margin-top: 1.2rem; }}
</style></head>
<body><main>
<h1>★ {e(S.SIGNIN_TITLE)}</h1>
{notice}
<form method="post" action="{SIGNIN_PATH}">
<input type="hidden" name="csrf" value="{e(token)}">
<input type="hidden" name="next" value="{e(next_path)}">
<label for="username">{e(S.SIGNIN_USERNAME)}</label>
<input id="username" name="username" autocomplete="username" required maxlength="64" value="{e(username)}"
 autofocus>
<label for="password">{e(S.SIGNIN_PASSWORD)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
<button type="submit">{e(S.SIGNIN_SUBMIT)}</button>
</form>
<p class="hint">{e(S.SIGNIN_HINT)}</p>
</main></body></html>"""
    response = HTMLResponse(body, status_code=status)
    response.set_cookie(session_cookie.SIGNIN_COOKIE, token, httponly=True, samesite="strict", path=SIGNIN_PATH)
    response.headers["Cache-Control"] = "no-store"
    return response


async def signin(request: Request) -> Response:
    db = database()
    next_path = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        token = session_cookie.unsign(request.cookies.get(session_cookie.COOKIE))
        if token and await run_in_threadpool(accounts.session_account, db, token):
            return RedirectResponse(next_path, status_code=303)  # already signed in
        response = signin_page(next_path=next_path)
        response.delete_cookie(session_cookie.COOKIE, path="/")  # a stale cookie
        return response
    form = await request.form()
    next_path = safe_next(str(form.get("next") or "/"))
    username = str(form.get("username") or "")[:64]
    expected = request.cookies.get(session_cookie.SIGNIN_COOKIE) or ""
    if not expected or not secrets.compare_digest(str(form.get("csrf") or ""), expected):
        return signin_page(S.SIGNIN_EXPIRED, next_path, username, status=400)
    try:
        account = await run_in_threadpool(accounts.authenticate, db, username, str(form.get("password") or ""))
    except SignInRefused as refused:
        return signin_page(str(refused), next_path, username, status=401)
    except VanguardError as exc:  # e.g. the database is busy: say so, never a traceback
        return signin_page(str(exc), next_path, username, status=503)
    except Exception:  # anything else: a plain answer to the person, the details in the server's log
        logging.getLogger(__name__).exception("sign-in failed")
        return signin_page(S.SIGNIN_FAILED, next_path, username, status=500)
    token = await run_in_threadpool(accounts.start_session, db, account)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        session_cookie.COOKIE,
        session_cookie.sign(token),
        httponly=True,
        samesite="lax",  # a link opened from a chat or a mail still carries the session
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(session_cookie.SIGNIN_COOKIE, path=SIGNIN_PATH)
    return response


class SignInGate:
    """ASGI middleware: a page load (/, /stars?…, not an asset) without a live session goes to the
    sign-in form and, signed in, comes back to that very address — a shared link, a reload after
    signing out or after the idle limit. The script still checks the session on every run (a
    session can end while a page is open). While no account exists, nothing is served to another
    machine."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path = scope.get("path", "/")
        exist = _fresh_accounts_answer()
        if exist is None:
            exist = await run_in_threadpool(accounts_exist)
        client = (scope.get("client") or (None,))[0]
        if not exist and not is_loopback(client):
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 1008})
            response = HTMLResponse(html.escape(S.SIGNIN_REFUSED_NON_LOCAL), status_code=403)
            return await response(scope, receive, send)
        if exist and scope["type"] == "http" and scope.get("method") == "GET" and _is_page(path):
            token = session_cookie.unsign(Request(scope).cookies.get(session_cookie.COOKIE))
            if not token or not await run_in_threadpool(accounts.session_account, database(), token):
                query = scope.get("query_string", b"").decode("latin-1")
                target = path + (f"?{query}" if query else "")
                response = RedirectResponse(f"{SIGNIN_PATH}?next={quote(target, safe='')}", status_code=303)
                return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def _is_page(path: str) -> bool:
    """A page of the app (/, /stars …), not an asset, an API call or the sign-in route."""
    return not path.startswith(_NOT_PAGES) and "." not in path.rsplit("/", 1)[-1]


@asynccontextmanager
async def refuse_open_network(app):
    """Refuse to start on a non-local address while nobody can sign in."""
    from streamlit import config

    address = config.get_option("server.address")
    if not is_loopback(address) and not await run_in_threadpool(accounts_exist):
        raise SystemExit(S.SIGNIN_REFUSED_NON_LOCAL)
    yield


def routes() -> list:
    return [Route(SIGNIN_PATH, signin, methods=["GET", "POST"])]


def middleware() -> list:
    from starlette.middleware import Middleware

    return [Middleware(SignInGate)]
