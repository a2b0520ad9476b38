"""The five statuses of a plan item on a date (etl/plan/status.py), rule by rule, and 春节 from the calendar."""

import datetime as dt

import pytest

from etl.errors import PlanError
from etl.plan import status
from etl.plan.calendar import spring_festival, units_of
from etl.plan.plan_file import PlanItem, load_plan
from etl.plan.status import BEHIND, DONE, IN_PROGRESS, NOT_STARTED, OVERDUE, SHOWN, item_status, unit_status

D = dt.date
TWO_MEETINGS_BY_YEAR_END = {"required": 2, "due": D(2025, 12, 31), "checkpoints": [(D(2025, 6, 30), 1)]}


def meetings(done: int, on: dt.date) -> str:
    return unit_status(done, as_of=on, **TWO_MEETINGS_BY_YEAR_END)


def test_met_is_done_whenever_it_is_asked():
    assert meetings(2, D(2025, 3, 1)) == DONE
    assert meetings(3, D(2026, 1, 5)) == DONE


def test_nothing_yet_and_nothing_due_has_not_started():
    assert meetings(0, D(2025, 3, 1)) == NOT_STARTED


def test_one_of_two_by_the_checkpoint_is_in_progress():
    assert meetings(1, D(2025, 6, 30)) == IN_PROGRESS
    assert meetings(1, D(2025, 11, 1)) == IN_PROGRESS


def test_none_by_the_day_after_the_checkpoint_is_behind():
    assert meetings(0, D(2025, 6, 30)) == NOT_STARTED  # 06-30 itself still counts as "by 06-30"
    assert meetings(0, D(2025, 7, 1)) == BEHIND


def test_a_late_first_meeting_brings_the_item_back_on_track():
    assert meetings(1, D(2025, 7, 20)) == IN_PROGRESS


def test_due_and_not_met_is_overdue_from_the_day_after_the_due_date():
    assert meetings(1, D(2025, 12, 31)) == IN_PROGRESS
    assert meetings(1, D(2026, 1, 1)) == OVERDUE
    assert meetings(0, D(2026, 1, 1)) == OVERDUE


def test_an_item_of_many_units_takes_the_worst_that_matters():
    assert item_status([DONE, DONE, OVERDUE, NOT_STARTED]) == OVERDUE  # a missed March stays missed
    assert item_status([DONE, BEHIND, NOT_STARTED]) == BEHIND
    assert item_status([DONE, DONE]) == DONE
    assert item_status([DONE, NOT_STARTED, NOT_STARTED]) == IN_PROGRESS
    assert item_status([IN_PROGRESS, NOT_STARTED]) == IN_PROGRESS
    assert item_status([NOT_STARTED, NOT_STARTED]) == NOT_STARTED
    assert item_status([SHOWN, SHOWN]) == SHOWN


def test_the_statuses_a_reader_sorts_by_are_all_listed():
    assert set(status.STATUSES) == {DONE, IN_PROGRESS, BEHIND, NOT_STARTED, OVERDUE, SHOWN}


@pytest.mark.parametrize(("year", "festival"), [(2024, D(2024, 2, 10)), (2025, D(2025, 1, 29)), (2026, D(2026, 2, 17))])
def test_spring_festival_comes_from_the_lunar_calendar(year, festival):
    assert spring_festival(year) == festival


def spring_visit_item() -> PlanItem:
    (item,) = [i for i in load_plan().items if i.key == "春节走访"]
    return item


def test_the_spring_festival_window_moves_with_the_lunar_new_year():
    (late_january,) = units_of(spring_visit_item(), 2025)
    (mid_february,) = units_of(spring_visit_item(), 2026)
    assert (late_january.start, late_january.end, late_january.due) == (D(2024, 12, 30), D(2025, 2, 28), D(2025, 2, 28))
    assert (mid_february.start, mid_february.end, mid_february.due) == (D(2026, 1, 18), D(2026, 3, 19), D(2026, 3, 19))


def test_monthly_units_skip_exempt_months_only_when_the_item_says_so():
    items = {i.key: i for i in load_plan().items}
    study = [u.label for u in units_of(items["政治学习"], 2025, exempt_months=[2, 7, 8])]
    assert study == [f"2025-{m:02d}" for m in (1, 3, 4, 5, 6, 9, 10, 11, 12)]
    assert len(units_of(items["学习强国"], 2025, exempt_months=[2, 7, 8])) == 12


def test_a_window_that_ends_before_it_starts_is_refused_naming_the_item(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(
        '[items."七一走访"]\nevidence = { record_types = ["走访慰问"] }\nper = "year"\nwindow = ["07-31", "06-01"]\n',
        encoding="utf-8",
    )
    (item,) = load_plan(path).items
    with pytest.raises(PlanError, match=r"items\.七一走访\.window"):
        units_of(item, 2025)
