"""The session cookie: a random session token (etl.accounts) plus an HMAC of it under a secret kept
outside the repository. No Streamlit here: the sign-in route (dashboard/server.py) writes the cookie
and the app (dashboard/auth.py) reads it.

Why sign a token the database already checks: a forged or truncated cookie is refused before it
costs a database read, and a database copy (a backup) holds only the tokens' SHA-256, so neither the
copy nor the secret alone lets anyone in.

The secret is made on first use — 32 random bytes in ``$VANGUARD_SECRET_FILE``, by default
``~/.config/vanguard-dashboard/cookie-secret`` (``$XDG_CONFIG_HOME`` honoured) — with mode 0600, and
never in the repository. Deleting it signs everyone out.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from pathlib import Path

SIGNIN_PATH = "/signin"  # the route that sets the cookie (dashboard/server.py)
COOKIE = "vanguard_session"
SIGNIN_COOKIE = "vanguard_signin"  # the sign-in form's double-submit token (login CSRF)
SECRET_BYTES = 32


def secret_path() -> Path:
    explicit = os.environ.get("VANGUARD_SECRET_FILE")
    if explicit:
        return Path(explicit)
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config_home / "vanguard-dashboard" / "cookie-secret"


_cache: dict[str, bytes] = {}


def secret() -> bytes:
    """The signing secret, made (0600, never overwritten) the first time it is needed, then kept in
    memory. It is written whole under another name and linked into place, so a process starting at
    the same moment reads either no file or the whole secret — never an empty one."""
    path = secret_path()
    if str(path) in _cache:
        return _cache[str(path)]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_bytes(SECRET_BYTES).hex())
        try:
            os.link(draft, path)  # fails if another process linked its secret first: that one wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = bytes.fromhex(path.read_text().strip())
    if len(key) < SECRET_BYTES:
        raise ValueError(f"the cookie secret {path} is shorter than {SECRET_BYTES} bytes: delete it to make a new one")
    _cache[str(path)] = key
    return key


def _mac(value: str, key: bytes) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def sign(token: str, key: bytes | None = None) -> str:
    """The cookie value for a session token."""
    return f"{token}.{_mac(token, key or secret())}"


def unsign(value: str | None, key: bytes | None = None) -> str | None:
    """The token inside a cookie value, or None when it is missing, malformed or not signed by us."""
    if not value or "." not in value:
        return None
    token, _, mac = value.rpartition(".")
    if not token or not hmac.compare_digest(mac, _mac(token, key or secret())):
        return None
    return token


def is_loopback(host: str | None) -> bool:
    """Whether an address (a server's bind address or a client's) is this machine only."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
