import datetime as dt

import streamlit as st

from dashboard import components as ui, data, state, strings as S, uploads
from etl.db import DatabaseBusy
from etl.load import LoadRefused
from etl.sources import KIND_NAMES, KINDS

ctx = state.sidebar()
st.title(S.PAGE_UPLOAD)
branches = data.branches()
if "flash" in st.session_state:
    st.success(st.session_state.pop("flash"))

st.subheader(S.UPLOAD_TITLE)
st.caption(S.UPLOAD_HELP)
branch = st.text_input(S.BRANCH, value=ctx.branch or "", key="upload-branch").strip()
cols = st.columns(2)
this_year = dt.date.today().year
year = cols[0].selectbox(S.UPLOAD_YEAR, [None, *range(this_year + 1, this_year - 8, -1)],
                         format_func=lambda y: S.UPLOAD_YEAR_NONE if y is None else str(y), key="upload-year")
partial = cols[1].checkbox(S.UPLOAD_PARTIAL, key="upload-partial")
files = st.file_uploader(S.UPLOAD_WIDGET, type=["xlsx", "xls", "xlsm", "ods", "csv"], accept_multiple_files=True, key="upload-files")

if files and branch:
    kind_options = ["auto", *KINDS]
    kinds = {f.name: st.session_state.get(f"kind-{f.name}", "auto") for f in files}
    checked = uploads.check_batch(branch, [(f.name, f.getvalue()) for f in files], kinds, year, partial)
    for item in checked:
        with st.container(border=True):
            head, pick = st.columns([3, 1])
            pick.selectbox(S.UPLOAD_KIND, kind_options, key=f"kind-{item.name}",
                           format_func=lambda k: S.UPLOAD_KIND_AUTO if k == "auto" else KIND_NAMES[k])
            if item.waits_for_roster:
                head.markdown(f"**{item.name}**")
                st.info(S.UPLOAD_WAIT_FOR_ROSTER)
                continue
            head.markdown(f"**{item.name}** · " + S.UPLOAD_DETECTED.format(kind=KIND_NAMES.get(item.prepared.kind, "—")))
            for note in item.prepared.report.notes:
                st.caption(note)
            if not item.ok:
                st.error(S.UPLOAD_REPORT.format(n=len(item.prepared.report.issues)))
                report = item.prepared.report.frame()
                st.dataframe(report, hide_index=True, key=f"report-{item.name}")
                st.download_button(S.UPLOAD_REPORT_DOWNLOAD, ui.to_xlsx({S.REPORT_SHEET: report}), f"{item.name}-{S.REPORT_SHEET}.xlsx",
                                   key=f"report-dl-{item.name}", on_click="ignore")
                continue
            preview = item.preview
            if preview.repeat_of:
                st.info(S.UPLOAD_REPEAT.format(load_id=preview.repeat_of))
                continue
            st.success(S.UPLOAD_OK.format(rows=preview.rows_loaded))
            if preview.rows_replaced:
                st.warning(S.UPLOAD_REPLACES.format(n=preview.rows_replaced))
            if preview.left_members:
                st.warning(S.UPLOAD_WILL_LEAVE.format(names="、".join(preview.left_members)))
            if preview.unmarked is not None and not preview.unmarked.empty:
                st.caption(S.UPLOAD_UNMARKED)
                st.dataframe(preview.unmarked, hide_index=True, key=f"unmarked-{item.name}")
            with st.expander(S.UPLOAD_PREVIEW.format(n=min(50, item.prepared.rows_clean))):
                st.dataframe(ui.labelled(item.rows()), hide_index=True, key=f"preview-{item.name}")
            if st.button(S.UPLOAD_CONFIRM, key=f"confirm-{item.name}", type="primary"):
                bar = st.progress(0.0, text=S.UPLOAD_PROGRESS.format(name=item.name))
                try:
                    result = uploads.commit(item, partial, lambda f, msg: bar.progress(f, text=msg))
                except (DatabaseBusy, LoadRefused) as exc:
                    st.error(str(exc))
                else:
                    st.session_state["flash"] = S.UPLOAD_DONE.format(load_id=result.load_id, rows=result.rows_loaded,
                                                                     replaced=result.rows_replaced)
                    st.rerun()

if branch in branches:
    st.subheader(S.HISTORY_TITLE)
    history = data.load_history(branch)
    shown = history.assign(kind=history["kind"].map(KIND_NAMES), undone_at=history["undone_at"].astype(object).where(history["undone_at"].notna(), ""))
    ui.table(shown, S.HISTORY_FILE, "history")
    live = history[history["undone_at"].isna()]
    if not live.empty:
        labels = {r.load_id: f"#{r.load_id} {KIND_NAMES[r.kind]} {r.file_name}" for r in live.itertuples()}
        cols = st.columns([3, 1])
        pick = cols[0].selectbox(S.HISTORY_UNDO_PICK, list(labels), format_func=labels.get, key="undo-pick")
        if cols[1].button(S.HISTORY_UNDO, key="undo"):
            st.session_state["undo-pending"] = pick
        pending = st.session_state.get("undo-pending")
        if pending in labels:
            st.warning(S.HISTORY_UNDO_CONFIRM.format(load_id=pending, file=labels[pending]))
            yes, no, _ = st.columns([1, 1, 4])
            if yes.button(S.HISTORY_UNDO_YES, key="undo-yes", type="primary"):
                st.session_state.pop("undo-pending")
                try:
                    uploads.undo(pending)
                except (DatabaseBusy, LoadRefused) as exc:
                    st.error(str(exc))
                else:
                    st.session_state["flash"] = S.HISTORY_UNDONE.format(load_id=pending)
                    st.rerun()
            if no.button(S.HISTORY_UNDO_NO, key="undo-no"):
                st.session_state.pop("undo-pending")
                st.rerun()

st.subheader(S.TEMPLATES_TITLE)
ui.template_buttons("template")
