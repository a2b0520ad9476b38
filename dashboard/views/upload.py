import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import components as ui
from dashboard import data, snapshots, state, uploads
from dashboard import strings as S
from etl.errors import VanguardError
from etl.scoring.period import parse
from etl.sources import KIND_NAMES, KINDS

KIND_OPTIONS = ["auto", *KINDS]
UPLOAD_TYPES = ["xlsx", "xls", "xlsm", "ods", "csv"]
TIME_FORMAT = "%Y-%m-%d %H:%M"


def branch_picker(ctx: state.Context) -> str | None:
    """The branch the files go to, picked from the branches there are (the sidebar's by default);
    a new one only through 新建党支部…, a typed name and 确认新建. None until one is picked."""
    existing = data.branches()
    options = uploads.branch_options(existing)
    uploads.start_branch(options, ctx.branch)
    chosen = st.selectbox(
        S.BRANCH,
        options,
        key=uploads.BRANCH_KEY,
        format_func=lambda b: S.UPLOAD_NEW_BRANCH if b == uploads.NEW_BRANCH else b,
        on_change=uploads.branch_chosen,
        args=(existing,),
    )
    if chosen != uploads.NEW_BRANCH:
        if chosen not in existing:
            st.info(S.UPLOAD_NEW_BRANCH_PENDING.format(name=ui.literal(chosen)))
        return chosen
    with st.container(border=True):
        name = st.text_input(S.UPLOAD_NEW_BRANCH_NAME, key=uploads.NEW_NAME_KEY)
        if same := uploads.same_branch(name, existing):
            st.info(S.UPLOAD_NEW_BRANCH_SAME.format(name=ui.literal(same)))
        elif close := uploads.close_branches(name, existing):
            st.warning(
                S.UPLOAD_NEW_BRANCH_CLOSE.format(names=ui.literal("、".join(close)), name=ui.literal(name.strip()))
            )
        else:
            st.caption(S.UPLOAD_NEW_BRANCH_HINT)
        st.button(
            S.UPLOAD_NEW_BRANCH_OK,
            key="upload-new-branch-ok",
            type="primary",
            on_click=uploads.create_branch,
            args=(existing,),
        )
        if problem := uploads.take_branch_problem():
            st.error(problem)
    return None


def batch_step(branch: str, batch: list, items: list[uploads.Checked], year, partial: bool) -> None:
    """全部装载, above the cards: what the last batch load of these files did, and the button that
    loads every file of the batch (offered once every checked file has passed)."""
    if outcome := uploads.batch_outcome(batch):
        batch_report(outcome)
    to_load = uploads.pending(items)
    if len(items) < 2 or not to_load:
        return
    failed = [i for i in items if i.failed]
    clicked = st.button(S.UPLOAD_ALL, key="upload-all", type="primary", help=S.UPLOAD_ALL_HELP, disabled=bool(failed))
    if failed:
        st.warning(S.UPLOAD_ALL_BLOCKED.format(n=len(failed)))
        return
    st.caption(S.UPLOAD_ALL_READY.format(n=len(to_load)))
    if clicked:
        bar = st.progress(0.0, text=S.UPLOAD_ALL)
        uploads.load_batch(branch, batch, year, partial, lambda f, msg: bar.progress(min(f, 1.0), text=ui.literal(msg)))
        st.rerun()


def batch_report(outcome: uploads.BatchOutcome) -> None:
    def items(pairs):
        return "、".join(S.UPLOAD_ITEM.format(load_id=i, name=ui.literal(name)) for name, i in pairs)

    lines = [S.UPLOAD_ALL_LOADED.format(items=items(outcome.loaded)) if outcome.loaded else S.UPLOAD_ALL_NOTHING]
    if outcome.skipped:
        lines.append(S.UPLOAD_ALL_SKIPPED.format(items=items(outcome.skipped)))
    if not outcome.stopped_at:
        st.success("\n\n".join([S.UPLOAD_ALL_DONE.format(n=len(outcome.loaded)), *lines]))
        return
    reason = outcome.reason or S.UPLOAD_ALL_REFUSED  # a refusal is shown in full below, as everywhere
    stopped = S.UPLOAD_ALL_STOPPED.format(name=ui.literal(outcome.stopped_at), reason=ui.literal(reason))
    unloaded = S.UPLOAD_ALL_NOT_LOADED.format(names=ui.literal("、".join(outcome.not_loaded)))
    st.error("\n\n".join([stopped, *lines, unloaded]))
    if outcome.refusal is not None:
        ui.refusal(outcome.refusal)


def file_card(item: uploads.Checked, partial: bool, position: int) -> None:
    """One uploaded file: its kind, its report or its preview, and the button that loads it. The
    card's key is its place in the load order (the browser tests find a file's card by it)."""
    with st.container(border=True, key=f"upload-card-{position}"):
        head, pick = st.columns([3, 1])
        pick.selectbox(
            S.UPLOAD_KIND,
            KIND_OPTIONS,
            key=uploads.kind_key(item.name),
            format_func=lambda k: S.UPLOAD_KIND_AUTO if k == "auto" else KIND_NAMES[k],
        )
        if item.waits_for_roster:
            head.markdown(f"**{ui.literal(item.name)}**")
            st.info(S.UPLOAD_WAIT_FOR_ROSTER)
            return
        head.markdown(
            f"**{ui.literal(item.name)}** · " + S.UPLOAD_DETECTED.format(kind=KIND_NAMES.get(item.prepared.kind, "—"))
        )
        for note in item.notes():
            st.caption(ui.literal(note))
        if not item.ok:
            report_card(item)
        elif done := uploads.loaded_here(item):
            st.success(S.UPLOAD_DONE.format(load_id=done.load_id, rows=done.rows_loaded, replaced=done.rows_replaced))
            if item.preview.brings_back:
                st.info(S.UPLOAD_LOADED_PARTLY_REPLACED)
        elif item.preview.repeat_of:
            st.info(S.UPLOAD_REPEAT.format(load_id=item.preview.repeat_of))
        else:
            preview_card(item, partial)


def report_card(item: uploads.Checked) -> None:
    """What is wrong with a file: a problem of the whole file (unreadable, too large) in words, the
    rows' problems as a table to read and download."""
    whole_file = [i for i in item.prepared.report.issues if i.row is None]
    lines = [S.UPLOAD_REPORT.format(n=item.prepared.report.count)]
    lines += [f"{ui.literal(i.reason)}（{ui.literal(i.hint)}）" if i.hint else ui.literal(i.reason) for i in whole_file]
    st.error("\n\n".join(lines))
    report = item.prepared.report.frame()
    st.dataframe(report, hide_index=True, key=f"report-{item.name}")
    st.download_button(
        S.UPLOAD_REPORT_DOWNLOAD,
        ui.audited(lambda: ui.to_xlsx({S.REPORT_SHEET: report}), f"{item.name}-{S.REPORT_SHEET}.xlsx"),
        f"{item.name}-{S.REPORT_SHEET}.xlsx",
        key=f"report-dl-{item.name}",
        on_click="ignore",
    )


def preview_card(item: uploads.Checked, partial: bool) -> None:
    preview = item.preview
    st.success(S.UPLOAD_OK.format(read=item.prepared.parsed.rows_read, rows=preview.rows_loaded))
    if preview.brings_back:
        st.info(S.UPLOAD_BRINGS_BACK.format(load_id=preview.brings_back))
    if preview.rows_replaced:
        st.warning(S.UPLOAD_REPLACES.format(n=preview.rows_replaced))
    if preview.left_members:
        st.warning(S.UPLOAD_WILL_LEAVE.format(names=ui.literal("、".join(preview.left_members))))
    if preview.unmarked is not None and not preview.unmarked.empty:
        st.caption(S.UPLOAD_UNMARKED)
        st.dataframe(ui.labelled(preview.unmarked), hide_index=True, key=f"unmarked-{item.name}")
    with st.expander(S.UPLOAD_PREVIEW.format(n=min(50, item.prepared.rows_clean))):
        st.dataframe(ui.labelled(item.rows()), hide_index=True, key=f"preview-{item.name}")
    if st.button(S.UPLOAD_CONFIRM, key=f"confirm-{item.name}", type="primary"):
        bar = st.progress(0.0, text=S.UPLOAD_PROGRESS.format(name=ui.literal(item.name)))
        try:
            uploads.confirm_load(item, partial, lambda f, msg: bar.progress(f, text=msg))
        except VanguardError as exc:
            ui.refusal(exc)
        else:
            st.rerun()


def history(branch: str) -> None:
    """The branch's loads, and the undo step for the live ones."""
    st.subheader(S.HISTORY_TITLE)
    loads = data.load_history(branch)  # newest first
    loads = loads.assign(kind=loads["kind"].map(KIND_NAMES))
    st.caption(S.HISTORY_COUNTS_NOTE)
    # On screen the times read to the minute and a live load's 撤销时间 is blank (a missing datetime
    # would show as "None"); the downloads keep real datetimes.
    shown = loads.assign(
        loaded_at=pd.to_datetime(loads["loaded_at"]).dt.strftime(TIME_FORMAT),
        undone_at=pd.to_datetime(loads["undone_at"]).dt.strftime(TIME_FORMAT).fillna(""),
    )
    counts = {
        "rows_read": S.HISTORY_ROWS_READ_HELP,
        "rows_loaded": S.HISTORY_ROWS_LOADED_HELP,
        "rows_replaced": S.HISTORY_ROWS_REPLACED_HELP,
    }
    ui.dataframe(
        shown,
        "table-history",
        column_config={S.COLUMNS[c]: st.column_config.NumberColumn(help=words) for c, words in counts.items()},
    )
    ui.downloads(loads, S.HISTORY_FILE, "history")
    live = loads[loads["undone_at"].isna()]
    if not live.empty:
        undo_step({r.load_id: f"#{r.load_id} {r.kind} {r.file_name}" for r in live.itertuples()})
    if undone := uploads.take_undone():
        st.success(undone)


def undo_step(labels: dict[int, str]) -> None:
    """Pick a load (the newest by default), ask, and only then undo it."""
    newest = max(labels)
    options = sorted(labels, reverse=True)
    cols = st.columns([3, 1])
    # Keyed by the newest live load: after a load or an undo the picker starts again from the newest,
    # rather than keeping a pick made when that load did not exist yet.
    pick = cols[0].selectbox(S.HISTORY_UNDO_PICK, options, format_func=labels.get, key=f"undo-pick-{newest}")
    if cols[1].button(S.HISTORY_UNDO, key="undo"):
        uploads.request_undo(branch, pick)
    pending = uploads.pending_undo()
    if pending not in labels:
        return
    st.warning(S.HISTORY_UNDO_CONFIRM.format(load_id=pending, file=ui.literal(labels[pending])))
    yes, no, _ = st.columns([1, 1, 4])
    if yes.button(S.HISTORY_UNDO_YES, key="undo-yes", type="primary"):
        try:
            uploads.confirm_undo()
        except VanguardError as exc:
            ui.refusal(exc)
        else:
            st.rerun()
    if no.button(S.HISTORY_UNDO_NO, key="undo-no"):
        uploads.cancel_undo()
        st.rerun()


def export_step(branch: str) -> None:
    """导出快照: the branch's frozen numbers of one period, signed with the server's key, to send
    to the district (the same file `etl snapshot export` writes)."""
    st.subheader(S.EXPORT_TITLE)
    st.caption(S.EXPORT_NOTE)
    months = data.data_months(branch)
    labels = [
        label
        for grain in ("quarter", "year")
        for label in dict.fromkeys(state.quarter_or_year(m, grain) for m in months[::-1])
    ]
    cols = st.columns([2, 2, 1], vertical_alignment="bottom")
    label = cols[0].selectbox(S.EXPORT_PERIOD, labels, format_func=state.period_text, key="export-period")
    anonymize = cols[1].checkbox(S.EXPORT_ANONYMIZE, key="export-anonymize")
    # the file is offered only while what it froze is still what the database says
    wanted = (branch, label, anonymize, data.version(branch), data.rules(branch).sha256)
    if cols[2].button(S.EXPORT_BUILD, key="export-build", icon=":material/inventory_2:"):
        with st.spinner(S.EXPORT_BUILD):
            st.session_state["_export"] = (wanted, snapshots.build(branch, parse(label), anonymize))
    made_for, built = st.session_state.get("_export", (None, None))
    if made_for != wanted or built is None:
        return
    st.caption(S.EXPORT_SIGNED.format(fingerprint=built.fingerprint) if built.fingerprint else S.EXPORT_NO_KEY)
    row = st.container(horizontal=True, gap="small")
    stem = f"{branch}_{label}"
    row.download_button(
        S.EXPORT_ZIP,
        ui.audited(lambda: built.zip_bytes, f"{stem}.zip"),
        f"{stem}.zip",
        "application/zip",
        key="export-zip",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        S.EXPORT_REPORT,
        ui.audited(lambda: built.report_bytes, f"{stem}.xlsx"),
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="export-report",
        on_click="ignore",
        icon=":material/download:",
    )


ctx = state.sidebar()
st.title(S.PAGE_UPLOAD)
if flash := uploads.take_flash():
    st.toast(ui.literal(flash), icon=":material/check_circle:", duration="long")

st.subheader(S.UPLOAD_TITLE)
st.caption(S.UPLOAD_HELP)
branch = branch_picker(ctx)
st.session_state[ui.SUBJECT_KEY] = branch or ""  # downloads here are named after this branch
st.session_state[ui.AUDIT_BRANCH_KEY] = branch or None  # and are about it
cols = st.columns(2)
this_year = dt.date.today().year
year = cols[0].selectbox(
    S.UPLOAD_YEAR,
    [None, *range(this_year + 1, this_year - 8, -1)],
    format_func=lambda y: S.UPLOAD_YEAR_NONE if y is None else str(y),
    key="upload-year",
)
partial = cols[1].checkbox(S.UPLOAD_PARTIAL, key="upload-partial")
ui.uploader_in_chinese(UPLOAD_TYPES)
files = st.file_uploader(S.UPLOAD_WIDGET, type=UPLOAD_TYPES, accept_multiple_files=True, key="upload-files")
if files and branch is None:
    st.warning(S.UPLOAD_NEED_BRANCH)  # never ignore uploaded files in silence
elif files:
    batch = uploads.distinct_names(files)
    items = uploads.check_batch(branch, batch, year, partial)
    batch_step(branch, batch, items, year, partial)
    for position, item in enumerate(items):
        file_card(item, partial, position)

if branch is not None and branch in data.branches():
    history(branch)
    if data.data_months(branch):
        export_step(branch)

st.subheader(S.TEMPLATES_TITLE)
ui.template_buttons("template")
