"""Building blocks every page uses: a chart with its data downloads, a table with downloads, KPI
cards and the empty state."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import frames
from dashboard import strings as S
from etl import audit, writers
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


# How a column reads, whatever page it is on: rates as percentages, scores with two decimals, stars as
# ★, yes/no as 是/否, nothing as a blank. One registry, so every table and every file agrees.
RATE_COLUMNS = {"attendance_rate", "compliance_rate", "participation", "rate", "active_rate", "plan_rate"}
SCORE_COLUMNS = {
    "index",
    "base",
    "bonus",
    "deduction",
    "discipline",
    "member_mean",
    "branch_index",
    "before_index",
    "change",
    "avg_daily",
    "value",
    "score",
    "weight",
    "points",
    "study_points",
    "volunteer_bonus",
    "other_bonus",
}
STAR_COLUMNS = {"stars", "previous_stars", "before_stars"}
NUMBER_FORMATS = {"rate": "0.0%", "score": "0.00"}


def column_kind(name: str) -> str | None:
    if name in RATE_COLUMNS:
        return "rate"
    if name in SCORE_COLUMNS:
        return "score"
    return None


def _yes_no(values: pd.Series) -> pd.Series:
    return values.map(
        lambda v: None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else S.YES if v else S.NO
    )


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as people read it: coded values translated, stars as ★, yes/no as 是/否, Chinese
    column headers. Rates and scores stay numbers (formatted by table() and the xlsx writer)."""
    shown = {}
    for c in frame.columns:
        values = frame[c]
        if c in S.CODE_LABELS:
            shown[c] = values.map(lambda v, labels=S.CODE_LABELS[c]: labels.get(v, v))
        elif c in STAR_COLUMNS:
            shown[c] = values.map(lambda v: "" if v is None or pd.isna(v) else "★" * int(v))
        elif values.dtype == bool or (
            values.dtype == object and values.dropna().map(type).eq(bool).all() and values.notna().any()
        ):
            shown[c] = _yes_no(values)
    return frame.assign(**shown).rename(columns={c: S.COLUMNS.get(c, c) for c in frame.columns})


def _formats(frame: pd.DataFrame) -> dict[str, str]:
    """Chinese header → number format of the rate and score columns."""
    return {S.COLUMNS.get(c, c): NUMBER_FORMATS[k] for c in frame.columns if (k := column_kind(c))}


def grid(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The labelled frame for st.dataframe and the column formats that draw it: percentages to one
    decimal, scores to two, blanks for nothing. A complete numeric column stays numbers (so it sorts
    as numbers), formatted by the grid's column config; a rate is shown ×100 with a % sign (the
    download keeps the 0–1 value and its own format). The grid draws a missing number as "None"
    whatever its format, so a column with gaps is shown as text, blank where nothing. Column configs
    rather than a pandas Styler: the Styler's display values cost a third of a small page's run."""
    shown = labelled(frame)
    formats = {col: fmt for col, fmt in _formats(frame).items() if col in shown}
    config = {}
    for col in shown.columns:
        values = shown[col]
        fmt = formats.get(col)
        rate = fmt is not None and fmt.endswith("%")
        if not values.isna().any():
            if fmt is not None:
                shown[col] = values * 100 if rate else values
                config[col] = st.column_config.NumberColumn(format="%.1f%%" if rate else "%.2f")
            continue
        if fmt is not None or pd.api.types.is_numeric_dtype(values):
            pattern = "{:.1%}" if rate else "{:.2f}" if fmt else None
            shown[col] = [
                "" if pd.isna(v) else pattern.format(v) if pattern else f"{v:g}" if isinstance(v, float) else str(v)
                for v in values
            ]
        else:
            shown[col] = values.astype(object).where(values.notna(), "")
    return shown, config


@st.cache_resource(show_spinner=False, max_entries=256, hash_funcs={pd.DataFrame: frames.fingerprint})
def _shared_grid(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """grid(frame), made once per distinct frame and shared (never changed after): labelling a
    table's columns took a tenth of 先锋指数's run."""
    return grid(frame)


def dataframe(frame: pd.DataFrame, key: str, column_config: dict | None = None, **kwargs) -> None:
    """st.dataframe of the frame as people read it (see grid); `column_config` adds to the formats."""
    shown, config = _shared_grid(frame)  # st.dataframe copies both before changing anything
    st.dataframe(shown, hide_index=True, key=key, column_config={**config, **(column_config or {})}, **kwargs)


def to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    return writers.frames_workbook(
        {sheet: labelled(frame) for sheet, frame in frames.items()},
        {sheet: _formats(frame) for sheet, frame in frames.items()},
    )


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV has no formats: rates are written as 85.0%, scores rounded to two decimals."""
    shown = labelled(frame)
    for c in frame.columns:
        kind, header = column_kind(c), S.COLUMNS.get(c, c)
        if kind == "rate":
            shown[header] = frame[c].map(lambda v: "" if pd.isna(v) else f"{v:.1%}").to_numpy()
        elif kind == "score":
            shown[header] = pd.to_numeric(frame[c], errors="coerce").round(2).to_numpy()
    return writers.csv_bytes(shown)


def file_name(name: str) -> str:
    """A download's file name: the branch and period the page shows, then what it holds
    (实验学校党支部_2025-Q3_先锋指数)."""
    subject = st.session_state.get(SUBJECT_KEY)
    return f"{subject}_{name}" if subject else name


SUBJECT_KEY = "_download_subject"


AUDIT_BRANCH_KEY = "_audit_branch"  # the branch this run's downloads are about (None: scope-wide files)


def audited(make: Callable[[], bytes], shown_name: str) -> Callable[[], bytes]:
    """``make`` for a download button, made when the file is fetched — outside any script run, so
    the gate at the top of app.py does not run then. Who, her session and the branch are taken now;
    when the file is fetched the session must still be live (a sign-out, an idle end or a disabled
    account in another tab stops an open page's downloads too), and the download goes in the audit log."""
    from dashboard import auth, data
    from etl import accounts
    from etl.scope import OutOfScope

    who, db = auth.caller(), data.db()
    branch, token = st.session_state.get(AUDIT_BRANCH_KEY), auth.request_token()

    def fetched() -> bytes:
        if not who.local and accounts.session_account(db, token) is None:
            raise OutOfScope(S.SESSION_ENDED)
        audit.buffer_for(db).add(audit.Event("download", who.name, branch, shown_name))
        return make()

    return fetched


def downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    """The very frame drawn, as CSV and xlsx, behind one 下载数据 button: the browser draws a closed
    popover's buttons only when it is opened, and two buttons under every chart and table were a third
    of a page's elements (bench/results.md)."""
    menu = st.popover(S.DOWNLOAD, icon=":material/download:")
    menu.download_button(
        S.DOWNLOAD_CSV,
        audited(lambda: to_csv(frame), f"{file_name(name)}.csv"),  # made when clicked, not on every run
        f"{file_name(name)}.csv",
        "text/csv",
        key=f"csv-{key}",
        on_click="ignore",
        icon=":material/download:",
    )
    menu.download_button(
        S.DOWNLOAD_XLSX,
        audited(lambda: to_xlsx({name: frame}), f"{file_name(name)}.xlsx"),
        f"{file_name(name)}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx-{key}",
        on_click="ignore",
        icon=":material/download:",
    )


def chart(fig, frame: pd.DataFrame, name: str, key: str) -> None:
    """A chart and, under it, the very frame it was drawn from as CSV and xlsx."""
    # theme=None: the figure as charts.py made it (its text escaped, its fixed margins and fonts);
    # Streamlit's own theme would replace the template's margins and let plotly grow them
    st.plotly_chart(fig, key=f"chart-{key}", config={"displaylogo": False}, theme=None)
    downloads(frame, name, key)


def member_table(frame: pd.DataFrame, profile_link, name: str, key: str) -> None:
    """A table of members, each row linking to that member's 党员档案 (``profile_link(member_id)``
    gives the URL); the download holds the same rows without the links."""
    shown = frame.drop(columns="member_id")
    linked = shown.assign(profile=[profile_link(int(m)) for m in frame["member_id"]])
    dataframe(
        linked,
        f"table-{key}",
        column_config={S.COLUMNS["profile"]: st.column_config.LinkColumn(display_text=S.OPEN_PROFILE)},
    )
    downloads(shown, name, key)


def table(frame: pd.DataFrame, name: str, key: str, **kwargs) -> None:
    dataframe(frame, f"table-{key}", **kwargs)
    downloads(frame, name, key)


def kpi_row():
    """A row for KPI cards (`kpi(cards, …)` or `cards.metric(…)`): one wrapping horizontal container.
    Columns would be a block and a column per card more for the browser to draw on every run, and at
    phone width they stack one card a line where this puts two."""
    return st.container(horizontal=True)


def kpi(cards, label: str, value, delta=None, fmt: str = "{:.2f}", help_text: str | None = None) -> None:
    shown = "—" if value is None or pd.isna(value) else fmt.format(value)
    if delta is None or pd.isna(delta):
        cards.metric(label, shown, None, help=help_text, border=True)
        return
    rate = fmt.endswith("%}")  # a change of a rate reads as percentage points, to one decimal
    change = S.PERCENT_POINTS.format(delta=delta * 100) if rate else f"{delta:+.2f}"
    if round(delta * 100, 1) == 0 if rate else round(delta, 2) == 0:  # what the reader would see as +0.0
        cards.metric(label, shown, S.NO_CHANGE, "off", help=help_text, border=True, delta_arrow="off")
        return
    cards.metric(label, shown, change, help=help_text, border=True)


def template_buttons(key: str) -> None:
    from etl import templates

    row = st.container(horizontal=True, gap="small")
    for kind in templates.TEMPLATES:
        row.download_button(
            S.TEMPLATE_NAMES[kind],
            lambda kind=kind: templates.build(kind),  # made when clicked
            f"{S.TEMPLATE_NAMES[kind]}.xlsx",
            key=f"{key}-{kind}",
            on_click="ignore",
            icon=":material/download:",
        )


def empty_state() -> None:
    st.info(f"**{S.EMPTY_TITLE}**\n\n{S.EMPTY_BODY}")
    template_buttons("empty-template")
    st.page_link("views/upload.py", label=S.EMPTY_GO, icon=":material/upload:")


def shanghai_time(utc: pd.Series) -> pd.Series:
    """UTC timestamps (a snapshot's created_at) as the branches read them: Beijing time, to the minute,
    blank where there is none."""
    moments = pd.to_datetime(utc, errors="coerce")
    local = moments.dt.tz_localize("UTC").dt.tz_convert("Asia/Shanghai")
    return local.dt.strftime("%Y-%m-%d %H:%M").fillna("")


def local_time_in_shanghai(local: pd.Series) -> pd.Series:
    """Server-local timestamps (when an import was made) in Beijing time, like shanghai_time."""
    zone = dt.datetime.now().astimezone().tzinfo
    moments = pd.to_datetime(local, errors="coerce").dt.tz_localize(zone)
    return moments.dt.tz_convert("Asia/Shanghai").dt.strftime("%Y-%m-%d %H:%M").fillna("")


def stars_text(stars) -> str:
    return "—" if stars is None or pd.isna(stars) else "★" * int(stars)


def _css_text(words: str) -> str:
    """A CSS string literal of our own wording (json's escapes of " and \\ are CSS's too)."""
    return json.dumps(words, ensure_ascii=False)


def uploader_in_chinese(upload_types: list[str]) -> None:
    """Streamlit's file uploader writes its own English in its front end ("Upload", "200MB per
    file • …", "Drag and drop files here" while a file is dragged over it) and has no parameter to
    change it. This static style block hides that text and shows ours in its place, targeting the
    uploader's data-testid attributes (Streamlit 1.67's DOM, pinned by
    tests/e2e/test_upload_browser.py, which fails if an upgrade moves them).

    CSS rather than a custom component: no build step and no JavaScript bundle to maintain, and the
    real uploader keeps all its behaviour (drag and drop, several files, chips, removal, the upload
    protocol, AppTest's file_uploader). The block holds only our constant wording, never data."""
    mb = int(st.get_option("server.maxUploadSize"))
    types = "、".join(t.upper() for t in upload_types)
    zone = "[data-testid='stFileUploaderDropzone']"
    hidden = "visibility: hidden; font-size: 0;"  # the English keeps no room and is not read out
    shown = "visibility: visible; font-size: 14px;"
    replaced = {
        # the button's label ("Upload"); its icon stays
        f"{zone} button [data-testid='stMarkdownContainer'] p": S.UPLOAD_DROP_BUTTON,
        # "200MB per file • XLSX, …"
        "[data-testid='stFileUploaderDropzoneInstructions'] span": S.UPLOAD_DROP_HINT.format(mb=mb, types=types),
        # the overlay while files are dragged over the zone ("Drag and drop files here")
        f"{zone} > div:not([data-testid]) > span": S.UPLOAD_DROP_ACTIVE,
    }
    rules = [
        f"{sel} {{ {hidden} }}\n{sel}::after {{ content: {_css_text(words)}; {shown} }}"
        for sel, words in replaced.items()
    ]
    st.html("<style>\n" + "\n".join(rules) + "\n</style>")


def refusal(exc: VanguardError) -> None:
    """The one way the app shows a refusal: its Chinese message, or for a busy database the
    advice that fits a person at the browser (wait and retry) rather than the command line's."""
    message = S.BUSY.format(holder=exc.holder) if isinstance(exc, DatabaseBusy) else literal(exc)
    st.error(message, icon=":material/block:")
