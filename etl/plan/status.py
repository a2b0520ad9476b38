"""The status of a plan item on a date: pure functions of counts and dates, so that every rule is easy to test.

已完成 met; 逾期 due and not met; 落后 not yet due but behind a checkpoint ("one 专题会 by 06-30");
未开始 not due and nothing yet; 进行中 not yet met, not yet due, on track. A unit falls due at the end of
its due date: on the due date itself it is not yet overdue, and a checkpoint "by 06-30" is missed from
07-01. 学习强国 is shown, never judged: its status is 仅展示.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

DONE, IN_PROGRESS, BEHIND, NOT_STARTED, OVERDUE = "已完成", "进行中", "落后", "未开始", "逾期"
SHOWN = "仅展示"
STATUSES = (OVERDUE, BEHIND, IN_PROGRESS, NOT_STARTED, DONE, SHOWN)  # the order a reader wants them in


def unit_status(
    done: int, required: int, due: dt.date, as_of: dt.date, checkpoints: Iterable[tuple[dt.date, int]] = ()
) -> str:
    """One unit (a month, a quarter, the year, a window): ``done`` of ``required`` on ``as_of``. A
    checkpoint counts what is done by the as-of date, so a late 专题会 brings the item back on track."""
    if done >= required:
        return DONE
    if as_of > due:
        return OVERDUE
    if any(as_of > by and done < count for by, count in checkpoints):
        return BEHIND
    return NOT_STARTED if done == 0 else IN_PROGRESS


def item_status(unit_statuses: Iterable[str]) -> str:
    """An item of several units (twelve months, four quarters): a unit overdue makes it overdue (a
    missed March stays missed), then behind; all met is met; any progress is in progress."""
    found = set(unit_statuses)
    if not found:
        return DONE
    if found == {SHOWN}:
        return SHOWN
    for status in (OVERDUE, BEHIND):
        if status in found:
            return status
    if found == {DONE}:
        return DONE
    return IN_PROGRESS if found & {DONE, IN_PROGRESS} else NOT_STARTED
