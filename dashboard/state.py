"""The sidebar pickers every page shares: branch, grain and period."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard import data
from dashboard import strings as S
from etl.errors import BadPeriod
from etl.scoring.period import Period, parse


@dataclass(frozen=True)
class Context:
    branch: str | None
    period: Period | None


def quarter_or_year(month: Period, grain: str) -> str:
    """The label of the period of ``grain`` a month lies in (2025-11 → 2025-Q4 or 2025)."""
    return {
        "month": month.label,
        "quarter": f"{month.year}-Q{(month.start.month - 1) // 3 + 1}",
        "year": str(month.year),
    }[grain]


def _periods(months: list[Period], grain: str) -> list[str]:
    return list(dict.fromkeys(quarter_or_year(m, grain) for m in months))[::-1]  # newest first


# The pickers' values live under these keys, which outlive any one page: a widget's own state is
# dropped when the page holding it is left, so each page's pickers start from what was chosen last —
# or, on a fresh visit, from the link's ?branch=…&grain=…&period=…, so a shared link opens that view.
CHOSEN = {"branch": "_chosen_branch", "grain": "_chosen_grain", "period": "_chosen_period"}


def _chosen(key: str) -> None:
    """on_change of a picker: its new value is the choice every page starts from."""
    st.session_state[CHOSEN[key]] = st.session_state[key]


def _start_from(key: str, options: list[str], fallback=None) -> None:
    """Give the picker ``key`` the remembered (or linked) value when it is one of its options, else
    ``fallback(wanted)`` or the first option."""
    wanted = st.session_state.get(CHOSEN[key]) or st.query_params.get(key)
    if wanted not in options:
        wanted = (fallback(wanted) if fallback and wanted else None) or options[0]
    st.session_state[key] = wanted


def _overlapping(options: list[str]):
    """For a period chosen at another grain: the newest option overlapping it (2025-11 → 2025-Q4)."""

    def pick(label: str) -> str | None:
        try:
            old = parse(label)
        except BadPeriod:  # a hand-edited link
            return None
        return next((o for o in options if parse(o).start <= old.end and old.start <= parse(o).end), None)

    return pick


def _remember(**chosen: str) -> None:
    for key, value in chosen.items():
        st.session_state[CHOSEN[key]] = value
    # one update for all (a page's own parameters, ?member=…, stay): each change of the address is a
    # message and a history entry in the browser, and a page switch drops all three
    changed = {key: value for key, value in chosen.items() if st.query_params.get(key) != value}
    if changed:
        st.query_params.update(changed)


PICKERS_KEY = "_sidebar_pickers"


def pickers():
    """Where the pickers go: in the sidebar straight under the menu and above who is signed in (app.py
    makes the place on every run, before the page's code draws them)."""
    return st.session_state.get(PICKERS_KEY) or st.sidebar


def sidebar() -> Context:
    branches = data.branches()
    if not branches:
        return Context(None, None)
    with pickers():
        _start_from("branch", branches)
        branch = st.selectbox(S.BRANCH, branches, key="branch", on_change=_chosen, args=("branch",))
        _start_from("grain", list(S.GRAINS))
        grain = st.radio(
            S.GRAIN,
            list(S.GRAINS),
            format_func=S.GRAINS.get,
            horizontal=True,
            key="grain",
            on_change=_chosen,
            args=("grain",),
        )
        options = _periods(data.data_months(branch), grain)
        if not options:
            _remember(branch=branch, grain=grain)
            return Context(branch, None)
        _start_from("period", options, _overlapping(options))
        label = st.selectbox(
            S.PERIOD, options, key="period", format_func=period_text, on_change=_chosen, args=("period",)
        )
        st.caption(S.DATA_VERSION.format(n=data.live_loads(branch)))
    _remember(branch=branch, grain=grain, period=label)
    return Context(branch, parse(label))


def query(ctx: Context, **extra) -> dict:
    """The query of a link showing the same branch and period (and, say, one member)."""
    grain = ctx.period.grain if ctx.period else "month"
    return {"branch": ctx.branch, "grain": grain, "period": ctx.period.label if ctx.period else "", **extra}


def link(page: str, ctx: Context, **extra) -> str:
    """A link to another page showing the same branch and period (and, say, one member)."""
    from urllib.parse import urlencode

    return f"./{page}?{urlencode(query(ctx, **extra))}"


def period_text(label: str) -> str:
    """2025-11 → 2025年11月, 2025-Q3 → 2025年第三季度, 2025 → 2025年."""
    return S.period_words(parse(label))


def page(title: str) -> Context:
    """The start of every dashboard page: the shared sidebar, the title, and — while there is no
    data for the branch yet — the guidance of what to upload first instead of the page."""
    from dashboard import components

    ctx = sidebar()
    st.title(title)
    if ctx.period is not None:
        st.caption(S.PAGE_SUBJECT.format(branch=ctx.branch, period=S.period_words(ctx.period)))
        st.session_state[components.SUBJECT_KEY] = f"{ctx.branch}_{ctx.period.label}"
    st.session_state[components.AUDIT_BRANCH_KEY] = ctx.branch
    if ctx.period is None:
        components.empty_state()
        st.stop()
    return ctx


def _grain_of(label: str) -> str:
    return parse(label).grain


def district_sidebar(with_branch: bool = False) -> tuple[str | None, Period | None, list[Period]]:
    """The district pages' pickers: (branch when asked for, period, every period of its grain, oldest
    first). Periods are those the district can compare (data.district_periods); grain and period are
    the ones every page shares, so a reader moving between a branch's pages and the district's keeps
    them."""
    labels = data.district_periods()
    branches = data.branches() if with_branch else []
    if not labels or (with_branch and not branches):
        return None, None, []
    with pickers():
        branch = None
        if with_branch:
            _start_from("branch", branches)
            branch = st.selectbox(S.BRANCH, branches, key="branch", on_change=_chosen, args=("branch",))
        grains = [g for g in S.GRAINS if any(_grain_of(label) == g for label in labels)]
        _start_from("grain", grains, lambda wanted: "quarter" if "quarter" in grains else None)
        grain = st.radio(
            S.GRAIN, grains, format_func=S.GRAINS.get, horizontal=True, key="grain", on_change=_chosen, args=("grain",)
        )
        options = [label for label in labels if _grain_of(label) == grain]  # newest first
        _start_from("period", options, _overlapping(options))
        label = st.selectbox(
            S.PERIOD, options, key="period", format_func=period_text, on_change=_chosen, args=("period",)
        )
    _remember(grain=grain, period=label, **({"branch": branch} if branch else {}))
    return branch, parse(label), [parse(o) for o in reversed(options)]


def district_page(title: str, with_branch: bool = False) -> tuple[str | None, Period, list[Period]]:
    """The start of a district page: its pickers, the title and what it is about; while there is
    nothing to compare, the guidance of how to get snapshots instead of the page."""
    from dashboard import components

    branch, period, periods = district_sidebar(with_branch)
    st.title(title)
    if period is None:
        st.info(S.DISTRICT_EMPTY, icon=":material/info:")
        st.stop()
    subject = branch or S.DISTRICT_FILE_SUBJECT
    st.caption(
        S.CARD_SUBJECT.format(branch=branch, period=S.period_words(period))
        if branch
        else S.DISTRICT_SUBJECT.format(period=S.period_words(period))
    )
    st.session_state[components.SUBJECT_KEY] = f"{subject}_{period.label}"
    st.session_state[components.AUDIT_BRANCH_KEY] = branch  # None: a file about every branch in scope
    return branch, period, periods
