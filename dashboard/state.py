"""The sidebar pickers every page shares: branch, grain and period."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard import data
from dashboard import strings as S
from etl.scoring.period import Period, parse


@dataclass(frozen=True)
class Context:
    branch: str | None
    period: Period | None


def _periods(months: list[Period], grain: str) -> list[str]:
    labels = []
    for m in months:
        label = {"month": m.label, "quarter": f"{m.year}-Q{(m.start.month - 1) // 3 + 1}", "year": str(m.year)}[grain]
        if label not in labels:
            labels.append(label)
    return labels[::-1]  # newest first


def sidebar() -> Context:
    branches = data.branches()
    if not branches:
        return Context(None, None)
    with st.sidebar:
        branch = st.selectbox(S.BRANCH, branches, key="branch")
        grain = st.radio(S.GRAIN, list(S.GRAINS), format_func=S.GRAINS.get, horizontal=True, key="grain")
        months = data.data_months(branch)
        options = _periods(months, grain)
        if not options:
            return Context(branch, None)
        if st.session_state.get("period") not in options:
            st.session_state["period"] = options[0]
        label = st.selectbox(S.PERIOD, options, key="period")
        st.caption(S.DATA_VERSION.format(n=data.live_loads(branch)))
    return Context(branch, parse(label))


def page(title: str) -> Context:
    """The start of every dashboard page: the shared sidebar, the title, and — while there is no
    data for the branch yet — the guidance of what to upload first instead of the page."""
    from dashboard import components

    ctx = sidebar()
    st.title(title)
    if ctx.period is None:
        components.empty_state()
        st.stop()
    return ctx
