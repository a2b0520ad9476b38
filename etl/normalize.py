"""Turning what people type into canonical values: text, dates, marks, activity types, headers.

Every function here is pure: a value in, a canonical value (or None) out. Callers turn a None into a
row issue with the reason; nothing here knows about files or the database.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

EXCEL_EPOCH = dt.date(1899, 12, 30)


# Characters nobody can see: format characters (zero-width space U+200B, joiners U+200C/U+200D, word
# joiner U+2060, BOM U+FEFF, soft hyphen, bidi marks) and control characters other than line breaks
# and tabs. Left in a name, they make '唐\u200b红' a different member from '唐红'.
_INVISIBLE = re.compile(
    r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
_SPACES = re.compile(r"[ \t]*\t[ \t]*| {2,}")


def invisible_characters(value: str) -> list[str]:
    """The hidden characters in a string, as 'U+200B' codes (empty for most strings, quickly)."""
    if value.isprintable():
        return []
    return [f"U+{ord(ch):04X}" for ch in dict.fromkeys(_INVISIBLE.findall(value))]


def invisible_characters_in(whole: str) -> bool:
    """Whether a whole text (a CSV file) holds any character nobody can see."""
    return _INVISIBLE.search(whole) is not None


def text(value) -> str:
    """Full-width to half-width (NFKC), invisible characters removed, runs of spaces folded, stray
    spaces trimmed; '' for blanks and NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = unicodedata.normalize("NFKC", str(value))
    if not result.isprintable():
        result = _INVISIBLE.sub("", result)
    if "  " in result or "\t" in result:
        result = _SPACES.sub(" ", result)
    return result.strip()


def per_distinct(values, fn):
    """fn applied once per distinct value of a column (a 200k-row sheet has a few hundred distinct
    dates and names), as a numpy array in the column's order; fn(None) for blanks."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:-1] = [fn(u) for u in uniques]
    results[-1] = fn(None)
    return results[codes]


def compact(value) -> str:
    """text() without any inner whitespace: names padded for alignment ('张  三') and headers."""
    return re.sub(r"\s+", "", text(value))


def header_key(value) -> str:
    """A header as we compare it: compact, without a required-marker or a unit in brackets."""
    key = compact(value).lstrip("*＊").rstrip("*＊:：")
    return re.sub(r"[(\[（【].*?[)\]）】]$", "", key) or key


# --- dates -------------------------------------------------------------------------------------
_FULL_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


class DateError(ValueError):
    """A value that is not a date, or not a possible one. The message is the reason, in Chinese."""


class NeedsYear(DateError):
    """A date written without its year ('3月15日') and no year to put with it."""


def _make_date(y: int, m: int, d: int, raw) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise DateError(f"不存在的日期：{raw}") from None


def parse_date(value, year: int | None = None) -> dt.date | None:
    """A date from an Excel date or serial, '2020-03-15', '2020/3/15', '2020.3.15', '2020年3月15日',
    '20200315', or '3月15日' with ``year``. None for a blank; DateError for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        if 20000101 <= value <= 21001231 and float(value).is_integer():
            return parse_date(str(int(value)), year)
        if 1 <= value < 80000:  # an Excel serial day number
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise DateError(f"无法识别的日期：{value}")
    raw = text(value)
    if not raw:
        return None
    if m := _FULL_DATE.match(raw):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _COMPACT_DATE.match(raw):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _MONTH_DAY.match(raw):
        if year is None:
            raise NeedsYear(f"日期“{raw}”没有年份")
        return _make_date(year, int(m[1]), int(m[2]), raw)
    raise DateError(f"无法识别的日期：{raw}")


def parse_year_month(value) -> dt.date | None:
    """A birth or join month: '1985.03', 1985.1 (October, as Excel shows '1985.10'), '1985年3月',
    '1985-03', or a full date. The day is set to the 1st when only a month is given."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1900 <= value < 2100:
        if float(value).is_integer():
            return dt.date(int(value), 1, 1)
        y, m = f"{value:.2f}".split(".")
        return _make_date(int(y), int(m), 1, value)
    raw = text(value)
    if m := _YEAR_MONTH.match(raw):
        return _make_date(int(m[1]), int(m[2]), 1, raw)
    if re.fullmatch(r"(19|20)\d{2}", raw):
        return dt.date(int(raw), 1, 1)
    return parse_date(value)


def years_in(value: str) -> set[int]:
    return {int(y) for y in _YEAR_IN_TEXT.findall(text(value))}


def date_in_text(value: str, year: int | None = None) -> dt.date | None:
    """The first date written inside a longer text ('3月15日主题党日签到表', '2020/3/20 党课')."""
    s = text(value)
    for pattern in (
        r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?",
        r"(?<!\d)\d{1,2}\s*月\s*\d{1,2}\s*日?",
        r"(?<![\d/.-])\d{1,2}[/.]\d{1,2}(?![\d/.])",
    ):
        if m := re.search(pattern, s):
            return parse_date(m.group(0).strip(), year)
    return None


# --- attendance marks --------------------------------------------------------------------------
STATUSES = ("出席", "迟到", "请假", "缺席", "补学", "免")
_MARKS = {
    "出席": "√ ✓ ✔ ☑ v V 到 出 是 1 出席 已到 到会 参加 已签到 签到 列席",
    "迟到": "迟 迟到",
    "请假": "假 请假 事假 病假 公假 产假 婚假 丧假",
    "缺席": "× ✗ ✘ ☒ x X 缺 否 0 缺席 无故缺席 未到 旷会 未签到",
    "补学": "补 补学 已补学",
    "免": "免 免参加 不参加 免于参加",
}
MARK_TO_STATUS = {mark: status for status, marks in _MARKS.items() for mark in marks.split()}


def status_of(mark) -> str | None:
    """The canonical status of a typed mark; None when it is not a mark we know."""
    key = compact(mark)
    if key in MARK_TO_STATUS:
        return MARK_TO_STATUS[key]
    inner = re.fullmatch(r"(.+?)\((.+)\)", key)  # '请假(病假)', '√(迟到)': the bracket is more specific
    if inner:
        return MARK_TO_STATUS.get(inner[2]) or MARK_TO_STATUS.get(inner[1])
    return None


# --- activity types ----------------------------------------------------------------------------
ACTIVITY_TYPES = ("支部党员大会", "支委会", "党小组会", "党课", "主题党日", "固定学习日", "春训冬训", "组织生活会")
_TYPE_SYNONYMS = {
    "支部党员大会": ["支部党员大会", "党员大会", "支部大会"],
    "支委会": ["支委会", "支部委员会", "支委会议"],
    "党小组会": ["党小组会", "小组会", "党小组会议"],
    "党课": ["党课"],
    "主题党日": ["主题党日"],
    "固定学习日": ["固定学习日", "党员学习日", "党员固定活动日", "党员固定学习日"],
    "春训冬训": ["春训冬训", "春训", "冬训"],
    "组织生活会": ["组织生活会"],
}
# Longest first, so '支部党员大会' wins over '党员大会' and '党小组会' over '小组会'.
_TYPE_LOOKUP = sorted(((s, t) for t, ss in _TYPE_SYNONYMS.items() for s in ss), key=lambda p: -len(p[0]))


def activity_type(value) -> str | None:
    key = compact(value)
    for synonym, canonical in _TYPE_LOOKUP:
        if key == synonym:
            return canonical
    return None


def activity_types_in(value) -> list[str]:
    """Every activity type named inside a text, in order ('支部党员大会、党课' → both)."""
    s, found = compact(value), []
    for synonym, canonical in _TYPE_LOOKUP:
        if synonym in s:
            s = s.replace(synonym, "\0")
            if canonical not in found:
                found.append(canonical)
    return found


# --- record types (工作记录) -----------------------------------------------------------------------
# Plan evidence that is not 三会一课 (etl/sources/records.py). A reading vocabulary like the activity
# types above, not a rule: no score depends on it, so it lives here rather than in the rules file.
RECORD_TYPES = ("廉政专题会", "谈心谈话", "走访慰问", "承诺书", "政治学习", "春训", "冬训")
_RECORD_SYNONYMS = {
    "廉政专题会": ["廉政专题会", "党风廉政建设专题会", "廉政专题会议", "党风廉政建设专题会议", "党风廉政专题会"],
    "谈心谈话": ["谈心谈话", "谈话", "谈心", "谈心谈话记录"],
    "走访慰问": ["走访慰问", "走访", "慰问", "慰问走访"],
    "承诺书": ["承诺书", "廉洁承诺书", "师德承诺书", "清廉教育承诺书", "廉洁从教承诺书", "签订承诺书"],
    "政治学习": ["政治学习", "教职工政治学习", "政治理论学习", "教师政治学习"],
    "春训": ["春训", "春季培训", "党员春训"],
    "冬训": ["冬训", "冬季培训", "党员冬训"],
}
_RECORD_LOOKUP = sorted(((s, t) for t, ss in _RECORD_SYNONYMS.items() for s in ss), key=lambda p: -len(p[0]))


def record_type(value) -> str | None:
    """The canonical record type of a typed value ('党风廉政建设专题会' → 廉政专题会); None if none.
    An attendance layout asks activity_type first: there 春训 is the activity 春训冬训."""
    key = compact(value)
    return next((canonical for synonym, canonical in _RECORD_LOOKUP if key == synonym), None)


def record_types_in(value) -> list[str]:
    """Every record type named inside a text (a sheet name or title: '2025年谈心谈话记录表'), in the
    order of the catalogue."""
    s, found = compact(value), []
    for synonym, canonical in _RECORD_LOOKUP:
        if synonym in s:
            s = s.replace(synonym, "\0")
            if canonical not in found:
                found.append(canonical)
    return found


# --- other values ------------------------------------------------------------------------------
def category(value) -> str | None:
    return {"正式": "正式", "正式党员": "正式", "预备": "预备", "预备党员": "预备"}.get(compact(value))


def yes_no(value) -> bool | None:
    key = compact(value)
    if key in ("", "否", "不是", "0", "N", "n", "No", "no", "×"):
        return False
    if key in ("是", "1", "Y", "y", "Yes", "yes", "√", "✓", "支委") or key.endswith("委员") or key == "书记":
        return True
    return None


def number(value) -> float | None:
    """A finite number from a cell: 12, '12', '12.5', '１２' (full-width); None when not a number —
    'nan', 'inf' and 1e999 included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    else:
        try:
            result = float(text(value).replace(",", ""))
        except (ValueError, OverflowError):
            return None
    return result if math.isfinite(result) else None
