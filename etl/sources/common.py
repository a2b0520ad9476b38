"""Helpers the kind validators share: parsing each distinct value once, matching members once per
distinct (name, code, group), the one issue for dates lacking a year, and duplicate keys in a file."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl.members import MemberMatcher, Unmatched
from etl.normalize import NeedsYear, parse_date, per_distinct, text
from etl.sources.context import SheetContext
from etl.validate import Report, rows_text

YEAR_HINT = "请用 --year 指定年份（看板上传页可选年份），或在表格标题、文件名中写明年份"
DATE_HINT = "日期请写成 2020-03-15、2020/3/15、2020.3.15 或 2020年3月15日"


def map_unique(series: pd.Series, fn) -> tuple[pd.Series, pd.Series]:
    """(values, errors) of fn over a column, calling fn once per distinct value. An exception's
    message becomes that row's error; a blank gives (None, None)."""
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    values, errors = [None] * len(uniques), [None] * len(uniques)
    for i, raw in enumerate(uniques):
        try:
            values[i] = fn(raw)
        except (ValueError, KeyError) as exc:
            errors[i] = exc
    pick = lambda items: pd.Series(np.array(items + [None], dtype=object)[codes], index=series.index)  # noqa: E731
    return pick(values), pick(errors)


def in_window(value, window: tuple[dt.date, dt.date], what: str = "日期"):
    """The value when it lies in the window; a ValueError (its reason, in Chinese) when not."""
    if value is not None and not window[0] <= value <= window[1]:
        raise ValueError(f"{what} {value:%Y-%m-%d} 不在合理范围内（{window[0]:%Y-%m-%d} 至 {window[1]:%Y-%m-%d}）")
    return value


def parse_dates(
    frame: pd.DataFrame,
    column: str,
    sheet: SheetContext,
    report: Report,
    label: str | None,
    window: tuple[dt.date, dt.date],
    required: bool = True,
) -> pd.Series:
    """The column as dates within ``window``; rows whose date is bad get an issue and a NaT-like
    None. Dates written without a year, with no year to give them, make one issue for the sheet,
    not one per row."""
    dates, errors = map_unique(frame[column], lambda v: in_window(parse_date(v, sheet.year), window))
    needs_year = errors.map(lambda e: isinstance(e, NeedsYear))
    if needs_year.any():
        first = frame.loc[needs_year, "src_row"].min()
        example = text(frame.loc[needs_year, column].iloc[0])
        report.add(
            sheet.name,
            int(first),
            label,
            example,
            f"{sheet.year_problem}；共 {int(needs_year.sum())} 行的日期没有写年份",
            YEAR_HINT,
        )
    for idx in errors.index[errors.notna() & ~needs_year]:
        report.add(
            sheet.name, frame.at[idx, "src_row"], label, text(frame.at[idx, column]), str(errors[idx]), DATE_HINT
        )
    if required:
        for idx in frame.index[dates.isna() & errors.isna()]:
            report.add(sheet.name, frame.at[idx, "src_row"], label, "", "日期为空", DATE_HINT)
    return dates.where(errors.isna(), None)


def match_members(
    frame: pd.DataFrame, matcher: MemberMatcher, sheet: SheetContext, report: Report, ignore=None
) -> pd.Series:
    """member_id for each row (None where unmatched, with an issue unless ``ignore(row)`` says the
    row may go unmatched, as a non-member guest may). Each distinct (name, code, group) is matched
    once; rows are grouped by integer codes, never by Python tuples per row."""
    cols = [c for c in ("name", "member_code", "party_group") if c in frame]
    keys = {c: per_distinct(frame[c], text) for c in cols}
    group_ids = np.zeros(len(frame), dtype=np.int64)
    for c in cols:
        codes, uniques = pd.factorize(keys[c])
        group_ids = group_ids * (len(uniques) + 1) + codes
    group_ids = pd.factorize(group_ids)[0]  # 0, 1, … in order of first appearance
    found_by_group = np.full(group_ids.max() + 1 if len(frame) else 0, None, dtype=object)
    for g, positions in pd.Series(group_ids).groupby(group_ids).indices.items():
        first = positions[0]
        parts = {c: keys[c][first] for c in cols}
        idx = frame.index[positions]
        if not parts.get("name"):
            for i in idx:
                report.add(
                    sheet.name, frame.at[i, "src_row"], sheet.label("name"), "", "姓名为空", "请填写姓名，或删除该行"
                )
            continue
        found = matcher.match(parts["name"], parts.get("member_code", ""), parts.get("party_group", ""))
        if isinstance(found, Unmatched):
            for i in idx:
                if ignore is None or not ignore(frame.loc[i]):
                    report.add(
                        sheet.name, frame.at[i, "src_row"], sheet.label("name"), parts["name"], found.reason, found.hint
                    )
        else:
            found_by_group[g] = found
    return pd.Series(found_by_group[group_ids], index=frame.index, dtype=object)


def drop_duplicate_keys(
    frame: pd.DataFrame, keys: list[str], value_cols: list[str], report: Report, what: str, describe_key
) -> pd.DataFrame:
    """Rows repeating a key with the same values collapse to one (ledgers repeat meetings across
    sheets); a key given two different values in one file is an issue on each of its rows."""
    if frame.empty:
        return frame
    distinct = frame.drop_duplicates(keys + value_cols)
    clash = distinct[distinct.duplicated(keys, keep=False)]
    for _, group in clash.groupby(keys, sort=False):
        sheets = "、".join(dict.fromkeys(group["src_sheet"].astype(str)))
        where = f"{sheets} {rows_text(group['src_row'])}"
        for r in group.itertuples():
            report.add(
                r.src_sheet,
                r.src_row,
                None,
                describe_key(r),
                f"同一{what}在本文件中出现多次且内容不一致（{where}）",
                "请保留正确的一行，删除其余重复行",
            )
    return distinct.drop_duplicates(keys)
