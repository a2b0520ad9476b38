"""What the upload page does, apart from laying it out: read, validate and preview each file (the
preview is the load's own transaction, rolled back, so its numbers are the load's), load or undo,
and the page's little state machine — the kind chosen per file, the undo waiting for its
confirmation, the outcome to show after a rerun. Results are kept per file content and data
version, so a rerun does not read a file again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard import strings as S
from etl import load, pipeline
from etl.pipeline import Prepared

USER = S.UPLOAD_USER
_FLASH, _UNDO = "upload-flash", "upload-undo-pending"


@dataclass
class Checked:
    name: str
    prepared: Prepared | None
    preview: load.LoadResult | None
    waits_for_roster: bool = False
    names: dict | None = None  # member_id → name, to show names in the preview

    @property
    def ok(self) -> bool:
        return self.prepared.ok

    def rows(self, limit: int = 50) -> pd.DataFrame:
        """The first clean rows as they will load, with the member's name beside the id."""
        frames = [f for k, f in self.prepared.frames.items() if k != "meetings" and not f.empty]
        if not frames:
            return pd.DataFrame()
        head = frames[0].head(limit)
        if "member_id" in head and "name" not in head and self.names:
            head = head.assign(name=head["member_id"].map(self.names))
            head = head[["name", *[c for c in head.columns if c not in ("name", "member_id")]]]
        return head


# -- checking ---------------------------------------------------------------------------------------
def _read(name: str, content: bytes, kind: str, year: int | None):
    """The read stage, once per file content, kind and year (it never depends on the database)."""
    key = ("read", hashlib.sha256(content).hexdigest(), name, kind, year)
    if key not in st.session_state:
        st.session_state[key] = pipeline.read_file(content, name, kind=kind, year=year)
    return st.session_state[key]


def check(branch: str, name: str, content: bytes, kind: str, year: int | None, partial: bool) -> Checked:
    """One file validated against the current roster and previewed; kept for the rerun."""
    key = (
        "checked",
        branch,
        hashlib.sha256(content).hexdigest(),
        name,
        kind,
        year,
        partial,
        data.version(None),  # a roster loaded into a new branch changes what its names match
    )
    if key not in st.session_state:
        # checks made against an older data version can never be asked for again: let them go
        for stale in [
            k for k in st.session_state if isinstance(k, tuple) and k[:1] == ("checked",) and k[-1] != key[-1]
        ]:
            del st.session_state[stale]
        db = data.db()
        parsed = _read(name, content, kind, year)
        prepared = pipeline.validate(db, branch, parsed)
        preview = pipeline.commit(db, prepared, USER, partial=partial, dry_run=True) if prepared.ok else None
        roster = pipeline.current_roster(db, branch)
        st.session_state[key] = Checked(name, prepared, preview, names=dict(zip(roster["member_id"], roster["name"])))
    return st.session_state[key]


def distinct_names(files) -> list[tuple[str, bytes]]:
    """(name, content) of each uploaded file; two files of one name (from different folders) become
    名册.xlsx and 名册（2）.xlsx, so each keeps its own card, kind and button."""
    seen: dict[str, int] = {}
    batch = []
    for f in files:
        seen[f.name] = seen.get(f.name, 0) + 1
        stem, dot, suffix = f.name.rpartition(".")
        name = (
            f.name
            if seen[f.name] == 1
            else (f"{stem}（{seen[f.name]}）.{suffix}" if dot else f"{f.name}（{seen[f.name]}）")
        )
        batch.append((name, f.getvalue()))
    return batch


def kind_key(name: str) -> str:
    """The widget key of the kind chosen for one file."""
    return f"kind-{name}"


def check_batch(branch: str, files: list[tuple[str, bytes]], year: int | None, partial: bool) -> list[Checked]:
    """Every file of the batch, checked with the kind chosen for it ('auto' to detect). Rosters
    first; while a roster of the batch is still to be loaded, the other files wait: their names can
    only be matched against the roster once it is in the database."""
    kinds = {name: st.session_state.get(kind_key(name), "auto") for name, _ in files}
    parsed_kinds = {name: _read(name, content, kinds[name], year).kind for name, content in files}
    ordered = sorted(files, key=lambda f: parsed_kinds[f[0]] != "roster")
    result, roster_pending = [], False
    for name, content in ordered:
        if parsed_kinds[name] != "roster" and roster_pending:
            result.append(Checked(name, None, None, waits_for_roster=True))
            continue
        item = check(branch, name, content, kinds[name], year, partial)
        if item.prepared.kind == "roster" and item.ok and not item.preview.repeat_of:
            roster_pending = True
        result.append(item)
    return result


# -- loading and undoing ----------------------------------------------------------------------------
def confirm_load(checked: Checked, partial: bool, progress) -> load.LoadResult:
    """Load one checked file; the outcome is shown after the rerun. Refusals propagate."""
    result = pipeline.commit(data.db(), checked.prepared, USER, partial=partial, progress=progress)
    _flash(S.UPLOAD_DONE.format(load_id=result.load_id, rows=result.rows_loaded, replaced=result.rows_replaced))
    return result


def request_undo(load_id: int) -> None:
    st.session_state[_UNDO] = load_id


def pending_undo() -> int | None:
    """The load waiting for the user to confirm its undo."""
    return st.session_state.get(_UNDO)


def cancel_undo() -> None:
    st.session_state.pop(_UNDO, None)


def confirm_undo() -> dict:
    """Undo the pending load; the outcome is shown after the rerun. Refusals propagate."""
    load_id = st.session_state.pop(_UNDO)
    done = load.undo_load(data.db(), load_id, USER)
    _flash(S.HISTORY_UNDONE.format(load_id=load_id))
    return done


def _flash(message: str) -> None:
    st.session_state[_FLASH] = message


def take_flash() -> str | None:
    """The outcome of the last load or undo, once."""
    return st.session_state.pop(_FLASH, None)
