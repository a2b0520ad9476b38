"""The server: `streamlit run dashboard/server.py` serves dashboard/app.py through Streamlit's ASGI
`st.App`, plus the one thing a Streamlit script cannot do — set an HttpOnly cookie.

Why this mechanism: a script talks to the browser over a WebSocket and cannot set cookies, and a
cookie written by JavaScript could be read by any script on the page. A plain HTML form posted to
our own route (/signin) can set an HttpOnly, SameSite=Lax, signed cookie (dashboard/session_cookie),
which the browser then sends with the page and the WebSocket handshake, where the script reads it
(st.context.cookies) — so a reload, a new tab or a shared link keeps the session, and the password
never travels through the WebSocket or sits in a session's state. Sign-out happens in the app (it
ends the session in the database, so the cookie is worthless at once, in every tab).

Also here: the sign-in form's double-submit token (a page elsewhere cannot sign a browser into
another account), and the rule that while no account exists the app is served to this machine only.
"""

import gc
from contextlib import asynccontextmanager

import streamlit as st

from dashboard import signin


def _prepare() -> None:
    """Pay at start-up what the first page view would otherwise pay: importing pandas, plotly,
    pyarrow, DuckDB and what the pages import (the 支委会 brief's python-docx alone took 0.6 s of the
    总览's first run), and plotly's first figure (its validators load lazily), then freeze what exists
    so far. The frozen objects (about 150,000, from those imports) are never scanned again by
    Python's collector, whose full passes took 80–150 ms in the middle of a page run before
    (gc.callbacks on a running server) and 10–65 ms after. A freshly started server's first 总览
    came 1–1.5 s sooner; the server takes about as much longer to start."""
    import plotly.express as px
    import plotly.io as pio
    import pyarrow  # noqa: F401  st.dataframe's serialisation
    from pypinyin import lazy_pinyin

    from dashboard import account_admin, auth, charts, components, data, frames, snapshots, state, uploads  # noqa: F401
    from etl.plan import brief, checklist, ledger, status  # noqa: F401

    lazy_pinyin("党")  # loads its dictionaries

    pio.to_json(px.line(x=[1, 2], y=[1, 2]))
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def _lifespan(app):
    async with signin.refuse_open_network(app):  # refused before paying for anything
        _prepare()
        yield


app = st.App("app.py", routes=signin.routes(), middleware=signin.middleware(), lifespan=_lifespan)
