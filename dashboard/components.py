"""Building blocks every page uses: a chart with its data downloads, a table with downloads, KPI
cards and the empty state."""

from __future__ import annotations

import html
import re

import pandas as pd
import streamlit as st

from dashboard import strings as S
from etl import writers
from etl.errors import DatabaseBusy, VanguardError

_LINKABLE = re.compile(r"www\.|://|@", re.IGNORECASE)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def literal(value) -> str:
    """A user's text (a name, a file or sheet name, a note) as Markdown that shows it exactly as
    typed: every character Markdown, Streamlit's directives (:red[…], :emoji:) or LaTeX ($) would
    act on is escaped, so `**x**` stays `**x**` and `![](http://…)` fetches nothing. Text a link
    would be made of (www., ://, an e-mail's @) becomes a code span instead: GitHub-style autolinks
    are found in the text after escapes are resolved, so escaping cannot stop them; a code span can."""
    text = " ".join(str(value).split())  # one line: a blank line would end a paragraph or a code span
    if _LINKABLE.search(text):
        fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
        return f"{fence} {text} {fence}"
    return _MARKDOWN.sub(r"\\\1", text)


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


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as people read it: coded values translated, Chinese column headers."""
    coded = {
        c: frame[c].map(lambda v, labels=S.CODE_LABELS[c]: labels.get(v, v))
        for c in frame.columns
        if c in S.CODE_LABELS
    }
    return frame.assign(**coded).rename(columns={c: S.COLUMNS.get(c, c) for c in frame.columns})


def to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    return writers.frames_workbook({sheet: labelled(frame) for sheet, frame in frames.items()})


def to_csv(frame: pd.DataFrame) -> bytes:
    return writers.csv_bytes(labelled(frame))


def downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    """The very frame drawn, as CSV and xlsx."""
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        S.DOWNLOAD_CSV,
        to_csv(frame),
        f"{name}.csv",
        "text/csv",
        key=f"csv-{key}",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        S.DOWNLOAD_XLSX,
        to_xlsx({name: frame}),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx-{key}",
        on_click="ignore",
        icon=":material/download:",
    )


def chart(fig, frame: pd.DataFrame, name: str, key: str) -> None:
    """A chart and, under it, the very frame it was drawn from as CSV and xlsx."""
    st.plotly_chart(plain_figure(fig), key=f"chart-{key}", config={"displaylogo": False})
    downloads(frame, name, key)


def table(frame: pd.DataFrame, name: str, key: str, **kwargs) -> None:
    st.dataframe(labelled(frame), hide_index=True, key=f"table-{key}", **kwargs)
    downloads(frame, name, key)


def kpi(column, label: str, value, delta=None, fmt: str = "{:.2f}", help_text: str | None = None) -> None:
    shown = "—" if value is None or pd.isna(value) else fmt.format(value)
    if delta is None or pd.isna(delta):
        change = None
    elif fmt.endswith("%}"):  # a change of a rate reads as percentage points
        change = S.PERCENT_POINTS.format(delta=delta * 100)
    else:
        change = f"{delta:+.2f}"
    column.metric(label, shown, change, help=help_text, border=True)


def template_buttons(key: str) -> None:
    from etl import templates

    row = st.container(horizontal=True, gap="small")
    for kind in templates.TEMPLATES:
        row.download_button(
            S.TEMPLATE_NAMES[kind],
            templates.build(kind),
            f"{S.TEMPLATE_NAMES[kind]}.xlsx",
            key=f"{key}-{kind}",
            on_click="ignore",
            icon=":material/download:",
        )


def empty_state() -> None:
    st.info(f"**{S.EMPTY_TITLE}**\n\n{S.EMPTY_BODY}")
    template_buttons("empty-template")
    st.page_link("views/upload.py", label=S.EMPTY_GO, icon=":material/upload:")


def stars_text(stars) -> str:
    return "—" if stars is None or pd.isna(stars) else "★" * int(stars)


def refusal(exc: VanguardError) -> None:
    """The one way the app shows a refusal: its Chinese message, or for a busy database the
    advice that fits a person at the browser (wait and retry) rather than the command line's."""
    message = S.BUSY.format(holder=exc.holder) if isinstance(exc, DatabaseBusy) else literal(exc)
    st.error(message, icon=":material/block:")
