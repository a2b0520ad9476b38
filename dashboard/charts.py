"""One plotly look for every chart: Chinese fonts, the Party red, quiet grids."""

from __future__ import annotations

import functools
import html

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from dashboard import frames
from dashboard import strings as S

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
RED, GOLD, GREY = "#C8102E", "#D4A017", "#8C8C8C"
PALETTE = [RED, "#1F5FAD", GOLD, "#2E8B57", "#7A4EAB", "#E07B39", GREY]
STAR_COLOURS = {1: "#BDBDBD", 2: "#F2C57C", 3: "#E8A33D", 4: "#D9652B", 5: RED}

pio.templates["vanguard"] = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 13, "color": "#31333F"},  # Streamlit's text colour
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        # Fixed margins that hold the axes' labels and titles and, at the bottom, the legend. Letting
        # plotly grow them to fit (its default) makes the browser draw every chart twice: about a
        # third of a chart's drawing time, on a page switch (Chrome's profiler, 先锋指数's four charts).
        xaxis={"gridcolor": "#EEE", "automargin": False},
        yaxis={"gridcolor": "#EEE", "automargin": False},
        margin={"l": 64, "r": 24, "t": 56, "b": 120, "autoexpand": False},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        title={"x": 0.02},
    )
)
# Merged once: a "plotly_white+vanguard" default is merged again for every figure (0.1 s each).
pio.templates["vanguard_white"] = pio.templates.merge_templates(
    pio.templates["plotly_white"], pio.templates["vanguard"]
)
pio.templates.default = "vanguard_white"


def plain_figure(fig):
    """A plotly figure whose title and data labels show user text literally: plotly reads a subset
    of HTML (<b>, <a href>, <br>) in titles, category labels, legend names and hovers."""
    if fig.layout.title and fig.layout.title.text:
        fig.layout.title.text = html.escape(fig.layout.title.text, quote=False)
    for trace in fig.data:
        name = getattr(trace, "name", None)
        template = getattr(trace, "hovertemplate", None)
        if isinstance(name, str) and isinstance(template, str) and name:
            # plotly express writes the colour's value (a group's name) into the hover template
            trace.hovertemplate = template.replace(name, html.escape(name, quote=False))
        for attribute in ("x", "y", "text", "hovertext", "customdata"):
            values = getattr(trace, attribute, None)
            if values is not None and not isinstance(values, str):
                trace[attribute] = _escaped(values)
        for attribute in ("name", "legendgroup"):
            value = getattr(trace, attribute, None)
            if isinstance(value, str):
                trace[attribute] = html.escape(value, quote=False)
    return fig


def _escaped(values):
    return [
        _escaped(v)
        if isinstance(v, (list, tuple)) or getattr(v, "ndim", 0)
        else html.escape(v, quote=False)
        if isinstance(v, str)
        else v
        for v in values
    ]


def built(builder):
    """A chart builder whose figures are made once per distinct input (the frame's content and the
    arguments) and shared: plotly express takes 0.1–0.2 s a figure, most of a warm page's time.
    The shared figure has its user text escaped already (plain_figure) and is never changed after."""

    def build(*args, **kwargs):
        fig = _legend_that_fits(plain_figure(builder(*args, **kwargs)))
        fig.__class__ = Finished  # the same object, now finished: Finished(fig) would validate it all again (20 ms)
        return fig

    # wrapped first, so the cache is keyed by the builder's own name and source: one cache per
    # builder (an inner function alone would give every builder the same cache, keyed by arguments)
    return st.cache_resource(show_spinner=False, max_entries=128, hash_funcs={pd.DataFrame: frames.fingerprint})(
        functools.wraps(builder)(build)
    )


class Finished(go.Figure):
    """A chart as the cache shares it, never changed after it is made: its dict is made once.
    st.plotly_chart asks every run for `to_dict()`, a deep copy of the whole figure (a tenth of
    先锋指数's run, py-spy on the server)."""

    _as_dict: dict | None = None

    def to_dict(self) -> dict:
        if self._as_dict is None:
            self._as_dict = super().to_dict()
        return self._as_dict


def _text_width(labels) -> int:
    """Pixels a label column needs at the template's 13 px font: a CJK character is about a square,
    anything else about half of one."""
    widest = max((sum(13 if ord(ch) > 0x2E80 else 7 for ch in str(label)) for label in labels), default=0)
    return widest + 24


LEGEND_ROW = 330
"""Pixels of a legend row at phone width; two rows fit in the template's bottom margin."""


def _legend_that_fits(fig: go.Figure) -> go.Figure:
    """A legend under the plot that would need more than two rows at phone width goes beside the plot:
    under it, its rows would grow upwards into the axis's labels (the margins are fixed)."""
    names = list(dict.fromkeys(t.name for t in fig.data if t.name and t.showlegend is not False))
    legend = fig.layout.legend
    orientation = legend.orientation or fig.layout.template.layout.legend.orientation  # unset: the template's
    if fig.layout.showlegend is False or orientation != "h" or not names:
        return fig
    title = legend.title.text or ""
    width = sum(_text_width([name]) + 16 for name in names) + (_text_width([title]) if title else 0)
    if width <= 2 * LEGEND_ROW:
        return fig
    return fig.update_layout(
        legend={"orientation": "v", "yref": "paper", "y": 1, "yanchor": "top", "x": 1.02},
        margin={"r": min(_text_width(names) + 40, 240)},
    )


def _labels(*cols) -> dict:
    return {c: S.COLUMNS.get(c, c) for c in cols}


def _months_as_categories(fig: go.Figure, chosen: str | None = None) -> go.Figure:
    """Periods as categories ('2025-03' would otherwise be read as a date and labelled 'Mar 2025'),
    with the chosen period marked so the reader sees which point the page is about."""
    # no axis title: the labels say they are periods, and at phone width the labels turn upright and
    # would run into it (the margins are fixed, see the template)
    fig.update_xaxes(type="category", categoryorder="category ascending", title_text="")
    if chosen is not None:
        fig.add_vline(x=chosen, line_width=2, line_dash="dot", line_color=GREY)
        fig.add_annotation(
            x=chosen, y=1.02, yref="paper", text=S.CHOSEN_PERIOD, showarrow=False, font={"color": GREY, "size": 11}
        )
    return fig


@built
def trend(
    frame: pd.DataFrame, x: str, ys: dict[str, str], title: str, percent: bool = False, chosen: str | None = None
) -> go.Figure:
    long = frame.melt(x, list(ys), var_name="series", value_name="value").assign(series=lambda f: f["series"].map(ys))
    fig = px.line(
        long,
        x=x,
        y="value",
        color="series",
        markers=True,
        title=title,
        labels={**_labels(x), "value": "", "series": ""},
    )
    if percent:
        fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return _months_as_categories(fig, chosen)


@built
def by_group_lines(
    frame: pd.DataFrame,
    x: str,
    y: str,
    color: str,
    title: str,
    percent: bool = False,
    chosen: str | None = None,
    order: list[str] | None = None,
) -> go.Figure:
    return _by_group(px.line, frame, x, y, color, title, percent, chosen, order, markers=True)


def _by_group(draw, frame, x, y, color, title, percent, chosen, order=None, **style) -> go.Figure:
    """A series per group (party groups in their numbers' order), a rate axis at 0–100 %."""
    order = order or (frames.group_order(frame[color]) if color == "party_group" else None)
    fig = draw(
        frame,
        x=x,
        y=y,
        color=color,
        title=title,
        labels=_labels(x, y, color),
        category_orders={color: order} if order else None,
        **style,
    )
    if percent:
        fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return _months_as_categories(fig, chosen)


@built
def stars_stacked(counts: pd.DataFrame, title: str, chosen: str | None = None) -> go.Figure:
    counts = counts.assign(legend=counts["stars"].map(lambda s: "★" * int(s)))
    order = ["★" * s for s in (5, 4, 3, 2, 1)]
    fig = px.bar(
        counts,
        x="period",
        y="count",
        color="legend",
        title=title,
        labels={**_labels("period"), "count": S.COLUMNS["people"], "legend": S.STAR_LEGEND},
        category_orders={"legend": order},
        color_discrete_map={"★" * s: c for s, c in STAR_COLOURS.items()},
    )
    return _months_as_categories(fig.update_layout(barmode="stack"), chosen)


@built
def histogram(frame: pd.DataFrame, column: str, title: str) -> go.Figure:
    fig = px.histogram(
        frame, x=column, nbins=20, range_x=[0, 100], title=title, labels=_labels(column), color_discrete_sequence=[RED]
    )
    return fig.update_layout(bargap=0.05, yaxis_title=S.COLUMNS["people"], margin={"b": 64})


@built
def stacked_components(frame: pd.DataFrame, title: str) -> go.Figure:
    frame = frame.assign(component=frame["component"].map(lambda c: S.COLUMNS.get(c, c)))
    fig = px.bar(
        frame,
        x="party_group",
        y="score",
        color="component",
        title=title,
        labels=_labels("party_group", "score", "component"),
        category_orders={"party_group": frames.group_order(frame["party_group"])},
    )
    return fig.update_xaxes(title_text="")  # the groups' names say what they are; long ones stand upright


@built
def calendar(compliance: pd.DataFrame, title: str) -> go.Figure:
    """Requirement (党小组会 per group) × month: green where held, red where missing. Quarterly and
    yearly requirements sit in the last month of their quarter or year."""
    frame = compliance.assign(
        row=[
            r if not isinstance(g, str) else f"{r}·{g}"
            for r, g in zip(compliance["requirement"], compliance["party_group"])
        ],
        col=pd.to_datetime(compliance["unit_end"]).dt.month.map(lambda m: S.MONTH_LABEL.format(m=m)),
        ratio=(compliance["met"] / compliance["required"]).where(compliance["required"] > 0),
        label=[f"{h}/{r}" for h, r in zip(compliance["held"], compliance["required"])],
    )
    months = [S.MONTH_LABEL.format(m=m) for m in range(1, 13)]
    pivot = frame.pivot_table(index="row", columns="col", values="ratio", aggfunc="min").reindex(columns=months)
    text = frame.pivot_table(index="row", columns="col", values="label", aggfunc="first").reindex(
        index=pivot.index, columns=months
    )
    fig = go.Figure(
        go.Heatmap(
            z=pivot.values,
            x=months,
            y=list(pivot.index),
            text=text.fillna("").values,
            texttemplate="%{text}",
            zmin=0,
            zmax=1,
            showscale=False,
            xgap=2,
            ygap=2,
            colorscale=[[0, "#F4B6B6"], [0.999, "#F4B6B6"], [1, "#A8D5A2"]],
            hovertemplate="%{y} %{x}：%{text}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category", side="top")
    return fig.update_layout(
        title=title, height=140 + 34 * len(pivot.index), margin={"t": 90, "b": 16, "l": _text_width(pivot.index)}
    )


@built
def heatmap(frame: pd.DataFrame, x: str, y: str, z: str, title: str) -> go.Figure:
    """Rows in the frame's order (the query orders them), top to bottom."""
    rows = list(dict.fromkeys(frame[y]))
    pivot = frame.pivot_table(index=y, columns=x, values=z, aggfunc="mean").reindex(rows)
    fig = go.Figure(
        go.Heatmap(
            z=pivot.values,
            x=list(pivot.columns),
            y=list(pivot.index),
            zmin=0,
            zmax=1,
            showscale=False,
            colorscale=[[0, "#F4B6B6"], [1, "#A8D5A2"]],
            texttemplate="%{z:.0%}",
            xgap=1,
            ygap=1,
            hovertemplate="%{y} %{x}：%{z:.0%}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")  # the first row at the top, as in a table
    # the column labels may stand upright at phone width, and the last one leans past the plot's right edge
    margin = {"b": max(72, _text_width(pivot.columns) + 8), "l": _text_width(pivot.index), "r": 64}
    return fig.update_layout(title=title, height=160 + 24 * len(pivot.index), margin=margin)


@built
def bars(frame: pd.DataFrame, x: str, y: str, color: str, title: str) -> go.Figure:
    return _months_as_categories(
        px.bar(frame, x=x, y=y, color=color, title=title, labels=_labels(x, y, color), barmode="group")
    )


@built
def group_bars(
    frame: pd.DataFrame, x: str, y: str, color: str, title: str, percent: bool = False, chosen: str | None = None
) -> go.Figure:
    """Side-by-side bars per group and period: lines of several groups all at 100 % hide each other."""
    return _by_group(px.bar, frame, x, y, color, title, percent, chosen, barmode="group")


@built
def branch_stars(rows: pd.DataFrame, title: str) -> go.Figure:
    """How many branches stand at each star, one to five."""
    counts = rows.dropna(subset=["stars"]).astype({"stars": int})["stars"].value_counts()
    frame = pd.DataFrame({"stars": range(1, 6)}).assign(
        count=lambda f: f["stars"].map(counts).fillna(0).astype(int), legend=lambda f: f["stars"].map(lambda s: "★" * s)
    )
    fig = px.bar(
        frame,
        x="legend",
        y="count",
        color="legend",
        title=title,
        labels={"legend": S.COLUMNS["stars"], "count": S.BRANCH},
        color_discrete_map={"★" * s: c for s, c in STAR_COLOURS.items()},
    )
    return fig.update_layout(showlegend=False, height=360, margin={"b": 64})


@built
def member_mix(mix: pd.DataFrame, title: str) -> go.Figure:
    """Each branch's members by star (columns stars_1 … stars_5), as shares of its scored members,
    one horizontal bar per branch in the order given."""
    long = mix.melt("branch", [f"stars_{s}" for s in range(1, 6)], var_name="stars", value_name="count")
    long = long.assign(legend=long["stars"].map(lambda c: "★" * int(c[-1])))
    fig = px.bar(
        long,
        x="count",
        y="branch",
        color="legend",
        orientation="h",
        title=title,
        labels={"count": S.COLUMNS["people"], "branch": "", "legend": S.STAR_LEGEND},
        category_orders={"legend": ["★" * s for s in (1, 2, 3, 4, 5)], "branch": list(mix["branch"])},
        color_discrete_map={"★" * s: c for s, c in STAR_COLOURS.items()},
    )
    # a long name is shortened on the axis (in full on hover), or it would leave the bars no room
    names = [html.escape(name, quote=False) for name in mix["branch"]]
    shown = [name if len(name) <= 12 else name[:11] + "…" for name in names]
    fig.update_yaxes(tickvals=names, ticktext=shown)
    return fig.update_layout(
        barmode="stack",
        barnorm="percent",
        height=max(360, 200 + 26 * len(mix)),
        xaxis_ticksuffix="%",
        xaxis_title=S.SHARE,
        legend={"orientation": "v", "x": 1.02, "y": 1, "yref": "paper", "yanchor": "top"},  # beside the bars
        margin={"b": 64, "r": 130, "l": _text_width(shown)},
    )
