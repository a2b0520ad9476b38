import streamlit as st

from dashboard import components as ui
from dashboard import data, snapshots
from dashboard import strings as S

st.title(S.PAGE_SNAPSHOT_IMPORT)
st.caption(S.IMPORT_NOTE)
ui.uploader_in_chinese(["zip"])

files = st.file_uploader(S.IMPORT_UPLOADER, type=["zip"], accept_multiple_files=True, key="snapshot-files")
checked = [snapshots.checked(f.name, f.getvalue()) for f in files or []]
for item in checked:
    {"ok": st.success, "unsigned": st.warning, "bad": st.error}[item.level](ui.literal(item.verdict))
if checked:
    allow = st.checkbox(S.IMPORT_ALLOW_UNSIGNED, key="allow-unsigned")
    ready = [c for c in checked if c.importable(allow)]
    if st.button(S.IMPORT_BUTTON, type="primary", disabled=not ready, key="import-snapshots"):
        st.session_state["_imported"] = ([c.name for c in checked], snapshots.import_all(ready, allow))
        data.refresh_version()  # the history below and every cached page read the database as it is now
    if not ready:
        st.caption(S.IMPORT_NOTHING)
names, said = st.session_state.get("_imported", ([], []))
for level, words in said if names == [c.name for c in checked] else []:  # the outcome of these very files
    getattr(st, level)(ui.literal(words))

st.subheader(S.IMPORT_HISTORY)
history = data.snapshot_imports()
if history.empty:
    st.caption(S.IMPORT_HISTORY_EMPTY)
else:
    shown = history.assign(
        created_at=ui.shanghai_time(history["created_at"]),
        imported_at=ui.local_time_in_shanghai(history["imported_at"]),  # every time on the page in Beijing time
        replaced_at=ui.local_time_in_shanghai(history["replaced_at"]),
        replaced_by=history["replaced_by"].astype("Int64").astype(str).replace("<NA>", ""),
    )
    ui.table(shown, S.IMPORT_HISTORY_FILE, "imports")
