"""What people type, and what it means."""

import datetime as dt

import pytest

from etl.normalize import (
    DateError,
    NeedsYear,
    activity_type,
    activity_types_in,
    category,
    compact,
    date_in_text,
    parse_date,
    parse_year_month,
    status_of,
    text,
    yes_no,
)

D = dt.date(2020, 3, 15)


@pytest.mark.parametrize(
    "raw",
    [
        D,
        dt.datetime(2020, 3, 15, 9, 30),
        43905,
        43905.0,
        "2020-03-15",
        "2020/3/15",
        "2020.3.15",
        "2020年3月15日",
        "2020 年 3 月 15 日",
        "２０２０－０３－１５",
        "20200315",
        "2020-03-15 00:00:00",
    ],
)
def test_every_date_form_in_the_spec(raw):
    assert parse_date(raw) == D


def test_month_day_takes_the_given_year_and_needs_one():
    assert parse_date("3月15日", year=2020) == D
    with pytest.raises(NeedsYear):
        parse_date("3月15日")


@pytest.mark.parametrize("raw", ["2020-02-30", "2021年2月29日", "13月1日"])
def test_impossible_dates_are_refused(raw):
    with pytest.raises(DateError, match="不存在的日期"):
        parse_date(raw, year=2020)


def test_garbage_is_not_a_date_and_blank_is_none():
    with pytest.raises(DateError, match="无法识别"):
        parse_date("下周三")
    assert parse_date("") is None and parse_date(None) is None and parse_date(float("nan")) is None


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("1985.03", dt.date(1985, 3, 1)),
        (1985.03, dt.date(1985, 3, 1)),
        (1985.1, dt.date(1985, 10, 1)),
        ("1985年10月", dt.date(1985, 10, 1)),
        ("1985-3", dt.date(1985, 3, 1)),
        ("1985-03-20", dt.date(1985, 3, 20)),
    ],
)
def test_birth_months(raw, expected):
    assert parse_year_month(raw) == expected


def test_text_folds_full_width_and_strips_spaces():
    assert text("  张三　") == "张三"
    assert compact("张  三") == "张三"
    assert text("ＡＢＣ１２") == "ABC12"
    assert text(3.0) == "3"


@pytest.mark.parametrize(
    "marks,status",
    [
        ("√ ✓ ✔ 到 出 是 1 出席", "出席"),
        ("迟 迟到", "迟到"),
        ("假 事假 病假 公假 请假(病假)", "请假"),
        ("× ✗ 缺 否 0 无故缺席", "缺席"),
        ("补 补学", "补学"),
        ("免 免参加 不参加", "免"),
    ],
)
def test_attendance_marks(marks, status):
    for mark in marks.split():
        assert status_of(mark) == status, mark


def test_unknown_mark_is_none():
    assert status_of("？") is None and status_of("") is None


def test_activity_types_and_their_synonyms():
    assert activity_type("党员大会") == "支部党员大会"
    assert activity_type("支部委员会") == "支委会"
    assert activity_type("小组会") == "党小组会"
    assert activity_type("党员固定活动日") == "固定学习日"
    assert activity_type("冬训") == "春训冬训"
    assert activity_type("读书会") is None
    assert activity_types_in("支部党员大会、党课") == ["支部党员大会", "党课"]
    assert activity_types_in("3月20日 党小组会（第一党小组）") == ["党小组会"]


def test_date_inside_a_title():
    assert date_in_text("3月15日主题党日签到表", 2020) == D
    assert date_in_text("2020/3/15 党课") == D


def test_category_and_committee_flags():
    assert category("正式党员") == "正式" and category("预备") == "预备" and category("群众") is None
    assert yes_no("") is False and yes_no("是") is True and yes_no("否") is False and yes_no("也许") is None
