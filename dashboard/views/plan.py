"""工作计划: the year's plan as a checklist on the chosen period's last day (or today) — each item's
status, what falls due in the next 30 days, and behind every item its evidence rows and the members
still missing."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import components as ui
from dashboard import data, state
from dashboard import strings as S
from etl.plan import checklist as plan
from etl.plan import status

ctx = state.page(S.PAGE_PLAN)
result = data.plan_checklist(ctx.branch, ctx.period)
st.caption(
    S.PLAN_AS_OF.format(
        as_of=result.as_of.isoformat(),
        plan=result.plan_source.rsplit("/", 1)[-1],
        rules=result.rules_source.rsplit("/", 1)[-1],
    )
)
for note in result.notes:
    st.caption(ui.literal(note))

items = result.items
counted = items[items["status"] != status.SHOWN]
soon = plan.due_within(result, 30)
late = plan.overdue(result)
cards = ui.kpi_row()
ui.kpi(
    cards,
    S.PLAN_KPI_DONE,
    f"{(counted['status'] == status.DONE).sum()} / {len(counted)}",
    fmt="{}",
    help_text=S.PLAN_KPI_HELP["done"].format(n=len(counted)),
)
ui.kpi(
    cards,
    S.PLAN_KPI_OVERDUE,
    int((items["status"] == status.OVERDUE).sum()),
    fmt="{}",
    help_text=S.PLAN_KPI_HELP["overdue"],
)
ui.kpi(
    cards,
    S.PLAN_KPI_BEHIND,
    int((items["status"] == status.BEHIND).sum()),
    fmt="{}",
    help_text=S.PLAN_KPI_HELP["behind"],
)
ui.kpi(
    cards,
    S.PLAN_KPI_DUE_SOON,
    len(soon),
    fmt="{}",
    help_text=S.PLAN_KPI_HELP["due_soon"].format(as_of=result.as_of.isoformat()),
)


def shown(frame, columns: dict):
    return frame[list(columns)].rename(columns=columns)


st.subheader(S.PLAN_TABLE)
table = items.assign(
    rate=["" if pd.isna(r) or not r else f"{d / r:.0%}" for d, r in zip(items["done"], items["required"])],
    next_checkpoint=items["next_checkpoint"].map(lambda d: d.isoformat() if isinstance(d, dt.date) else ""),
    due=items["due"].map(lambda d: d.isoformat() if isinstance(d, dt.date) else ""),
)
st.dataframe(
    shown(table, S.PLAN_COLUMNS),
    hide_index=True,
    key="plan-items",
    height=36 * (len(table) + 1) + 2,  # every item at once: the list is what a 支委会 reads down
)

left, right = st.columns(2)
with left:
    st.subheader(S.PLAN_OVERDUE)
    if late.empty:
        st.caption(S.PLAN_KPI_HELP["overdue"])
    else:
        st.dataframe(shown(late, S.PLAN_UNIT_COLUMNS), hide_index=True, key="plan-overdue")
with right:
    st.subheader(S.PLAN_DUE_SOON)
    if soon.empty:
        st.caption(S.PLAN_DUE_SOON_NONE)
    else:
        st.dataframe(shown(soon, S.PLAN_UNIT_COLUMNS), hide_index=True, key="plan-soon")

st.subheader(S.PLAN_DETAILS)
for item in items.itertuples(index=False):
    color = S.PLAN_STATUS_COLORS.get(item.status, "gray")
    with st.expander(f"{ui.literal(item.name)} · :{color}[{item.status}] · {ui.literal(item.progress)}"):
        evidence = result.evidence_of(item.key)
        if evidence.empty:
            st.caption(S.PLAN_NO_EVIDENCE)
        else:
            st.markdown(S.PLAN_EVIDENCE.format(n=len(evidence)))
            st.dataframe(shown(evidence, S.PLAN_EVIDENCE_COLUMNS), hide_index=True, key=f"plan-ev-{item.key}")
        missing = result.missing_of(item.key)
        if not missing.empty:
            st.markdown(S.PLAN_MISSING.format(n=len(missing)))
            st.dataframe(shown(missing, S.PLAN_MISSING_COLUMNS), hide_index=True, key=f"plan-miss-{item.key}")

sheets = {
    S.PLAN_TABLE: shown(table, S.PLAN_COLUMNS),
    S.PLAN_OVERDUE: shown(late, S.PLAN_UNIT_COLUMNS),
    S.PLAN_DUE_SOON: shown(soon, S.PLAN_UNIT_COLUMNS),
    "证据行": shown(result.evidence.assign(name=result.evidence["key"]), {"name": "事项", **S.PLAN_EVIDENCE_COLUMNS}),
    "缺少的党员": shown(result.missing.assign(item=result.missing["key"]), {"item": "事项", **S.PLAN_MISSING_COLUMNS}),
}
st.download_button(
    S.PLAN_DOWNLOAD,
    ui.audited(lambda: ui.to_xlsx(sheets), f"{ui.file_name(S.PLAN_FILE)}.xlsx"),
    f"{ui.file_name(S.PLAN_FILE)}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="plan-xlsx",
    on_click="ignore",
    icon=":material/download:",
)
