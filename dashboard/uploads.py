"""What the upload page does, apart from laying it out: read, validate and preview each file (the
preview is the load's own transaction, rolled back, so its numbers are the load's), load one file or
the whole batch, undo, and the page's little state machine — the branch chosen or being created,
the kind chosen per file, the undo waiting for its confirmation, what was loaded and the outcome to
show after a rerun. Results are kept per file content and data version, so a rerun does not read a
file again."""

from __future__ import annotations

import copy
import dataclasses
import difflib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from dashboard import auth, data, state
from dashboard import strings as S
from etl import load, pipeline
from etl.errors import VanguardError
from etl.normalize import text
from etl.pipeline import Prepared
from etl.scope import OutOfScope
from etl.sources import KIND_NAMES, ParsedFile

_FLASH, _UNDO, _UNDONE = "upload-flash", "upload-undo-pending", "upload-undone"
_LOADED, _BATCH, _BRANCH_PROBLEM = "upload-loaded", "upload-batch-outcome", "upload-branch-problem"
BRANCH_KEY, NEW_NAME_KEY = "upload-branch", "upload-new-branch"
_NEW_BRANCHES, _SIDEBAR_SEEN = "upload-new-branches", "upload-sidebar-branch"
NEW_BRANCH = "\x00new"
"""The branch picker's option that reveals the name of a branch to create (shown as 新建党支部…). Not
None, which a selectbox takes for "nothing chosen"; and no branch can have this name: names are
normalised text, which drops control characters."""

Progress = Callable[[float, str], None]


def current_user() -> str:
    """Who a load, an undo or an import made on the dashboard is recorded as: the signed-in person
    (看板上传 in local mode, where nobody signs in)."""
    return auth.caller().name


def _audit_load(prepared: Prepared, result: load.LoadResult) -> None:
    if result.load_id is None or result.repeat_of or result.dry_run:
        return
    detail = S.AUDIT_LOAD_DETAIL.format(
        kind=KIND_NAMES.get(prepared.kind, prepared.kind), rows=result.rows_loaded, replaced=result.rows_replaced
    )
    auth.record("load", prepared.branch, f"#{result.load_id} {prepared.parsed.file_name}", detail)


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

    @property
    def failed(self) -> bool:
        """Checked, and refused: the file has problems to fix."""
        return not self.waits_for_roster and not self.ok

    @property
    def to_load(self) -> bool:
        """Something a load would still write: checked and new, or waiting for the batch's roster."""
        return self.waits_for_roster or (self.ok and not self.preview.repeat_of)

    def notes(self) -> list[str]:
        """The read and validation notes, each said once, in the order they were made."""
        return list(dict.fromkeys(self.prepared.report.notes))

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


# -- the branch ---------------------------------------------------------------------------------------
def branch_options(existing: list[str]) -> list[str]:
    """The branches to pick from: those in the database, those created on this page and not loaded
    yet, and last NEW_BRANCH, the deliberate way to create one."""
    created = [b for b in st.session_state.get(_NEW_BRANCHES, []) if b not in existing]
    return [*existing, *created, NEW_BRANCH]


def start_branch(options: list[str], sidebar_branch: str | None) -> None:
    """Before the picker is drawn: on arriving at the page, or when the sidebar's branch has changed
    since the last run, start from the sidebar's branch; keep the page's own choice otherwise."""
    moved = st.session_state.get(_SIDEBAR_SEEN, sidebar_branch) != sidebar_branch
    st.session_state[_SIDEBAR_SEEN] = sidebar_branch
    if moved or BRANCH_KEY not in st.session_state or st.session_state[BRANCH_KEY] not in options:
        st.session_state[BRANCH_KEY] = sidebar_branch if sidebar_branch in options else options[0]


def branch_chosen(existing: list[str]) -> None:
    """on_change of the picker: a branch of the database becomes the sidebar's too, so the two agree."""
    chosen = st.session_state.get(BRANCH_KEY)
    if chosen in existing:
        st.session_state[state.CHOSEN["branch"]] = chosen


def same_branch(name: str, existing: list[str]) -> str | None:
    """The existing branch a typed name is (names compare as normalised text), if any."""
    return {text(b): b for b in existing}.get(text(name))


def close_branches(name: str, existing: list[str]) -> list[str]:
    """Existing branches whose names are close to a typed one: probably a typo of one of them."""
    wanted = text(name)
    if not wanted or same_branch(wanted, existing):
        return []
    return [b for b in existing if wanted in text(b) or text(b) in wanted] or difflib.get_close_matches(
        wanted, existing, n=3, cutoff=0.6
    )


def create_branch(existing: list[str]) -> None:
    """on_click of 确认新建: pick the typed branch — the existing one it names, or a new one that
    the first load will write to the database."""
    name = text(st.session_state.get(NEW_NAME_KEY) or "")
    if not name:
        st.session_state[_BRANCH_PROBLEM] = S.UPLOAD_NEW_BRANCH_EMPTY
        return
    chosen = same_branch(name, existing) or name
    created = st.session_state.setdefault(_NEW_BRANCHES, [])
    if chosen not in existing and chosen not in created:
        created.append(chosen)
    st.session_state[BRANCH_KEY] = chosen
    st.session_state.pop(NEW_NAME_KEY, None)


def take_branch_problem() -> str | None:
    """Why 确认新建 picked nothing (no name typed), once."""
    return st.session_state.pop(_BRANCH_PROBLEM, None)


# -- checking ---------------------------------------------------------------------------------------
def _read(name: str, content: bytes, kind: str, year: int | None) -> ParsedFile:
    """The read stage, once per file content, kind and year (it never depends on the database)."""
    key = ("read", hashlib.sha256(content).hexdigest(), name, kind, year)
    if key not in st.session_state:
        st.session_state[key] = pipeline.read_file(content, name, kind=kind, year=year)
    return st.session_state[key]


def _validate(branch: str, parsed: ParsedFile) -> Prepared:
    """Validate a read file against the branch's roster as it is now. Validation adds its issues and
    notes to the file's report, so it works on a copy: the kept read stays as read, and validating
    it again (after a roster load) neither repeats notes nor keeps issues the new roster resolves."""
    fresh = dataclasses.replace(parsed, report=copy.deepcopy(parsed.report))
    return pipeline.validate(data.db(), branch, fresh)


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
        prepared = _validate(branch, _read(name, content, kind, year))
        preview = pipeline.commit(db, prepared, current_user(), partial=partial, dry_run=True) if prepared.ok else None
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


def _kinds(files: list[tuple[str, bytes]]) -> dict[str, str]:
    return {name: st.session_state.get(kind_key(name), "auto") for name, _ in files}


def _ordered(files: list[tuple[str, bytes]], kinds: dict[str, str], year: int | None) -> list[tuple[str, bytes]]:
    """The batch in the order it loads: rosters first, then every other file in upload order."""
    parsed_kinds = {name: _read(name, content, kinds[name], year).kind for name, content in files}
    return sorted(files, key=lambda f: parsed_kinds[f[0]] != "roster")


def check_batch(branch: str, files: list[tuple[str, bytes]], year: int | None, partial: bool) -> list[Checked]:
    """Every file of the batch, checked with the kind chosen for it ('auto' to detect), in the order
    it loads. While a roster of the batch is still to be loaded, the other files wait: their names
    can only be matched against the roster once it is in the database."""
    kinds = _kinds(files)
    result, roster_pending = [], False
    for name, content in _ordered(files, kinds, year):
        if _read(name, content, kinds[name], year).kind != "roster" and roster_pending:
            result.append(Checked(name, None, None, waits_for_roster=True))
            continue
        item = check(branch, name, content, kinds[name], year, partial)
        if item.prepared.kind == "roster" and item.ok and not item.preview.repeat_of:
            roster_pending = True
        result.append(item)
    return result


# -- what this session loaded -------------------------------------------------------------------------
def _loaded_key(prepared: Prepared) -> tuple:
    return (prepared.branch, prepared.kind, prepared.parsed.sha256)


def _remember_loaded(prepared: Prepared, result: load.LoadResult) -> None:
    st.session_state.setdefault(_LOADED, {})[_loaded_key(prepared)] = result


def _loaded(prepared: Prepared) -> load.LoadResult | None:
    return st.session_state.get(_LOADED, {}).get(_loaded_key(prepared))


def loaded_here(item: Checked) -> load.LoadResult | None:
    """The load this page made of this very file, while that load is live: the file's check then
    finds it the same as that load — or, when files loaded after it replaced some of its records, a
    load it would bring back. Its card says "已装载为 #N" (never "与 #N 相同") and it is not loaded again."""
    if item.waits_for_roster or not item.ok:
        return None
    done = _loaded(item.prepared)
    same_as = item.preview.repeat_of or item.preview.brings_back
    return done if done is not None and done.load_id == same_as else None


def pending(items: list[Checked]) -> list[Checked]:
    """The files a load would still write: new ones, and those waiting for the batch's roster."""
    return [i for i in items if i.to_load and not loaded_here(i)]


# -- loading and undoing ----------------------------------------------------------------------------
def confirm_load(checked: Checked, partial: bool, progress: Progress) -> load.LoadResult:
    """Load one checked file; the outcome is shown after the rerun. Refusals propagate."""
    auth.require("upload", checked.prepared.branch, S.WHAT_UPLOAD)
    result = pipeline.commit(data.db(), checked.prepared, current_user(), partial=partial, progress=progress)
    _after_load(checked.prepared, result)
    _flash(S.UPLOAD_TOAST_ONE.format(name=checked.name, load_id=result.load_id))
    return result


def _after_load(prepared: Prepared, result: load.LoadResult) -> None:
    """A load is done: its card will say so, and the branch it went into is the one every page shows."""
    _audit_load(prepared, result)
    if result.load_id is not None:
        _remember_loaded(prepared, result)
        st.session_state[state.CHOSEN["branch"]] = prepared.branch
        created = st.session_state.get(_NEW_BRANCHES, [])
        if prepared.branch in created:
            created.remove(prepared.branch)  # it is in the database now


@dataclass
class BatchOutcome:
    """What 全部装载 did: the files loaded (name, load id) in order, the files identical to a live
    load (skipped), and where it stopped, why, and what it left unloaded."""

    batch: tuple  # the batch it was for (names and contents' hashes), to show it only beside that batch
    loaded: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[tuple[str, int]] = field(default_factory=list)
    stopped_at: str | None = None
    reason: str | None = None
    refusal: VanguardError | None = None
    not_loaded: list[str] = field(default_factory=list)


def batch_id(files: list[tuple[str, bytes]]) -> tuple:
    return tuple((name, hashlib.sha256(content).hexdigest()) for name, content in files)


def load_batch(
    branch: str, files: list[tuple[str, bytes]], year: int | None, partial: bool, progress: Progress
) -> BatchOutcome:
    """全部装载: every file of the batch in load order (rosters first), each checked against the
    database as the files before it left it and loaded in its own transaction by the same
    pipeline.commit as one file's 确认装载; stop at the first file that fails its check or is
    refused. ``progress`` hears one fraction for the whole batch. The outcome is kept for the rerun."""
    auth.require("upload", branch, S.WHAT_UPLOAD)
    kinds = _kinds(files)
    ordered = _ordered(files, kinds, year)
    outcome, n = BatchOutcome(batch_id(files)), len(ordered)
    loads = load.list_loads(data.db(), branch)
    live = set(loads.loc[loads["undone_at"].isna(), "load_id"])
    for i, (name, content) in enumerate(ordered):
        progress(i / n, S.UPLOAD_ALL_CHECKING.format(name=name, i=i + 1, n=n))
        prepared = _validate(branch, _read(name, content, kinds[name], year))
        done = _loaded(prepared) if prepared.ok else None
        if not prepared.ok:
            outcome.stopped_at, outcome.reason = name, S.UPLOAD_ALL_FAILED_CHECK.format(n=prepared.report.count)
        elif done is not None and done.load_id in live:  # loaded from this page before, and still live
            outcome.skipped.append((name, done.load_id))
        else:
            said = S.UPLOAD_ALL_PROGRESS.format(name=name, i=i + 1, n=n)
            try:
                result = pipeline.commit(
                    data.db(),
                    prepared,
                    current_user(),
                    partial=partial,
                    progress=lambda f, _msg, i=i, said=said: progress((i + f) / n, said),
                )
            except VanguardError as exc:
                outcome.stopped_at, outcome.refusal = name, exc
            else:
                if result.repeat_of:
                    outcome.skipped.append((name, result.repeat_of))
                else:
                    _after_load(prepared, result)
                    outcome.loaded.append((name, result.load_id))
        if outcome.stopped_at:
            outcome.not_loaded = [later for later, _ in ordered[i:]]
            break
    progress(1.0, S.UPLOAD_ALL_DONE.format(n=len(outcome.loaded)))
    st.session_state[_BATCH] = outcome
    # a toast holds a line or two (longer ones get an English "view more"): the details are beside the button
    if outcome.stopped_at:
        _flash(S.UPLOAD_ALL_TOAST_STOPPED.format(name=outcome.stopped_at, done=len(outcome.loaded)))
    else:
        _flash(S.UPLOAD_ALL_TOAST_DONE.format(n=len(outcome.loaded)))
    return outcome


def batch_outcome(files: list[tuple[str, bytes]]) -> BatchOutcome | None:
    """The last 全部装载 of this very batch, while its files are still the ones uploaded."""
    outcome = st.session_state.get(_BATCH)
    return outcome if outcome is not None and outcome.batch == batch_id(files) else None


def request_undo(branch: str, load_id: int) -> None:
    st.session_state[_UNDO] = (branch, load_id)


def pending_undo() -> int | None:
    """The load waiting for the user to confirm its undo."""
    pending = st.session_state.get(_UNDO)
    return pending[1] if pending else None


def cancel_undo() -> None:
    st.session_state.pop(_UNDO, None)


def confirm_undo() -> dict:
    """Undo the pending load; the outcome is shown after the rerun. Refusals propagate."""
    branch, load_id = st.session_state.pop(_UNDO)
    auth.require("undo", branch, S.WHAT_UNDO)
    if load_id not in set(data.load_history(branch)["load_id"]):  # only a load of a branch in her scope
        raise OutOfScope(S.UNDO_NOT_THIS_BRANCH.format(load_id=load_id, branch=branch))
    done = load.undo_load(data.db(), load_id, current_user())
    auth.record("undo", done["branch"], f"#{load_id} {done['file_name']}")
    message = S.HISTORY_UNDONE.format(load_id=load_id)
    _flash(message)
    st.session_state[_UNDONE] = message
    return done


def take_undone() -> str | None:
    """The outcome of the last undo, once, to show beside the undo step."""
    return st.session_state.pop(_UNDONE, None)


def _flash(message: str) -> None:
    st.session_state[_FLASH] = message


def take_flash() -> str | None:
    """The outcome of the last load or undo, once (the page shows it as a toast)."""
    return st.session_state.pop(_FLASH, None)
