"""What the snapshot pages do, apart from laying out: check uploaded snapshot files, import them
through the one writer, and build a branch's own snapshot for download. The work is etl/snapshot's,
the same the command line does (docs/snapshots.md); nothing here knows about widgets."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dashboard import auth, data
from dashboard import strings as S
from dashboard.uploads import current_user
from etl.errors import VanguardError
from etl.scoring.period import Period
from etl.snapshot import export, importer, verify

KEY_ENV = "VANGUARD_SNAPSHOT_KEY"
"""The private key a branch's server signs its snapshots with: a file path, or a folder holding
<branch>.key files for a server of several branches (docs/snapshots.md)."""


@dataclass(frozen=True)
class Checked:
    """One uploaded snapshot file after verification: ``verdict`` is what the page says of it,
    ``importable`` whether the import button takes it (an unsigned one only when allowed)."""

    name: str
    data: bytes
    verdict: str
    level: str  # ok | unsigned | bad
    branch: str | None = None
    period: str | None = None

    def importable(self, allow_unsigned: bool) -> bool:
        return self.level == "ok" or (self.level == "unsigned" and allow_unsigned)


def check(name: str, content: bytes) -> Checked:
    """Verify one file whole (integrity, format, signature) and against the district's register of
    keys, reading nothing into the database."""
    try:
        snapshot = verify.verify_bytes(content, name)
        with data.db().connect() as con:
            verify.check_trust(con, snapshot)
    except VanguardError as exc:
        return Checked(name, content, S.IMPORT_VERDICT_BAD.format(name=name, reason=_reason(exc, name)), "bad")
    m = snapshot.manifest
    verdict = verify.verdict(snapshot)
    if snapshot.signed:
        return Checked(
            name, content, S.IMPORT_VERDICT_OK.format(name=name, verdict=verdict), "ok", m.branch, m.period.label
        )
    return Checked(
        name,
        content,
        S.IMPORT_VERDICT_UNSIGNED.format(name=name, verdict=verdict),
        "unsigned",
        m.branch,
        m.period.label,
    )


def checked(name: str, content: bytes) -> Checked:
    """check(), once per file content and data version in this session: a rerun (a checkbox, the
    import button) does not verify every uploaded file again (60 files take ~3 s)."""
    import hashlib

    import streamlit as st

    key = (name, hashlib.sha256(content).hexdigest(), data.version(None))
    seen = st.session_state.setdefault("_snapshot_checks", {})
    if key not in seen:
        seen[key] = check(name, content)
    return seen[key]


def _reason(exc: VanguardError, name: str) -> str:
    """The library's message without the file name it starts with (the page says it once)."""
    text = str(exc)
    return text[len(name) + 1 :] if text.startswith(f"{name}：") else text


def import_all(checked: list[Checked], allow_unsigned: bool) -> list[tuple[str, str]]:
    """Import every importable file, each in its own transaction through the one writer; (level,
    message) per file, in order. A file refused at import (its key revoked meanwhile) is said so."""
    auth.require("import", what=S.WHAT_IMPORT)
    said = []
    for item in checked:
        if not item.importable(allow_unsigned):
            continue
        try:
            done = importer.import_snapshot(
                data.db(), item.data, item.name, allow_unsigned=allow_unsigned, user=current_user()
            )
        except VanguardError as exc:
            said.append(("error", S.IMPORT_VERDICT_BAD.format(name=item.name, reason=_reason(exc, item.name))))
            continue
        words = S.IMPORT_OUTCOMES[done.outcome].format(
            name=item.name,
            import_id=done.import_id,
            other_id=done.other_id,
            branch=done.branch,
            period=done.period,
        )
        if done.outcome in ("imported", "replaced", "signed_copy"):
            auth.record("snapshot_import", done.branch, item.name, f"{done.period}，{done.outcome}")
        said.append(("success" if done.outcome in ("imported", "replaced", "signed_copy") else "info", words))
    return said


def key_path(branch: str) -> Path | None:
    """The branch's signing key as configured on this server (VANGUARD_SNAPSHOT_KEY), or None."""
    configured = os.environ.get(KEY_ENV)
    if not configured:
        return None
    path = Path(configured)
    if path.is_dir():
        if Path(branch).name != branch or branch in (".", ".."):  # a name with a / never leaves the folder
            return None
        path = path / f"{branch}.key"
    return path if path.is_file() else None


def build(branch: str, period: Period, anonymize_names: bool) -> export.Built | None:
    """The branch's snapshot of ``period`` in memory (zip and report), signed when a key is
    configured; None when the period has nothing to freeze."""
    auth.require("snapshot", branch, S.WHAT_SNAPSHOT)  # the branch's own secretary signs its snapshots
    data.scope().check(branch, members=True)  # a snapshot holds member rows: the branch's own people only
    built = export.build_one(data.db(), branch, period, key_path=key_path(branch), anonymize_names=anonymize_names)
    if built is not None:
        auth.record("snapshot_export", branch, period.label, S.AUDIT_SIGNED if built.fingerprint else S.AUDIT_UNSIGNED)
    return built
