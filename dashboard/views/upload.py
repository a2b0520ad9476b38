import datetime as dt

import streamlit as st

from dashboard import components as ui
from dashboard import data, state, uploads
from dashboard import strings as S
from etl.errors import VanguardError
from etl.normalize import text
from etl.sources import KIND_NAMES, KINDS

KIND_OPTIONS = ["auto", *KINDS]


def file_card(item: uploads.Checked, partial: bool) -> None:
    """One uploaded file: its kind, its report or its preview, and the button that loads it."""
    with st.container(border=True):
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
        for note in item.prepared.report.notes:
            st.caption(ui.literal(note))
        if not item.ok:
            report_card(item)
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
        ui.to_xlsx({S.REPORT_SHEET: report}),
        f"{item.name}-{S.REPORT_SHEET}.xlsx",
        key=f"report-dl-{item.name}",
        on_click="ignore",
    )


def preview_card(item: uploads.Checked, partial: bool) -> None:
    preview = item.preview
    st.success(S.UPLOAD_OK.format(rows=preview.rows_loaded))
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
    loads = data.load_history(branch)
    shown = loads.assign(kind=loads["kind"].map(KIND_NAMES))  # undone_at stays a datetime column: blank when live
    ui.table(shown, S.HISTORY_FILE, "history")
    live = loads[loads["undone_at"].isna()]
    if not live.empty:
        undo_step({r.load_id: f"#{r.load_id} {KIND_NAMES[r.kind]} {r.file_name}" for r in live.itertuples()})


def undo_step(labels: dict[int, str]) -> None:
    """Pick a load (the newest by default), ask, and only then undo it."""
    cols = st.columns([3, 1])
    pick = cols[0].selectbox(S.HISTORY_UNDO_PICK, list(labels), format_func=labels.get, key="undo-pick")
    if cols[1].button(S.HISTORY_UNDO, key="undo"):
        uploads.request_undo(pick)
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


ctx = state.sidebar()
st.title(S.PAGE_UPLOAD)
if flash := uploads.take_flash():
    st.success(flash)

st.subheader(S.UPLOAD_TITLE)
st.caption(S.UPLOAD_HELP)
branch = text(st.text_input(S.BRANCH, value=ctx.branch or "", key="upload-branch"))
cols = st.columns(2)
this_year = dt.date.today().year
year = cols[0].selectbox(
    S.UPLOAD_YEAR,
    [None, *range(this_year + 1, this_year - 8, -1)],
    format_func=lambda y: S.UPLOAD_YEAR_NONE if y is None else str(y),
    key="upload-year",
)
partial = cols[1].checkbox(S.UPLOAD_PARTIAL, key="upload-partial")
files = st.file_uploader(
    S.UPLOAD_WIDGET, type=["xlsx", "xls", "xlsm", "ods", "csv"], accept_multiple_files=True, key="upload-files"
)
if files and branch:
    for item in uploads.check_batch(branch, uploads.distinct_names(files), year, partial):
        file_card(item, partial)

known = {text(name): name for name in data.branches()}  # a branch stored before names were normalised
if branch in known:
    history(known[branch])

st.subheader(S.TEMPLATES_TITLE)
ui.template_buttons("template")
