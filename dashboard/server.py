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

import streamlit as st

from dashboard import signin

app = st.App("app.py", routes=signin.routes(), middleware=signin.middleware(), lifespan=signin.refuse_open_network)
