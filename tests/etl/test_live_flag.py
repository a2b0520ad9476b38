"""The live flag (schema v5) is kept by load and undo. Whatever the order of loads and undos, the rows
it marks are exactly those the definition names: per natural key, the rows of the newest load not
undone — the window the live views used to compute on every query."""

from __future__ import annotations

import random

from etl import load
from tests import filebuilders as fb
from tests.conftest import load_path

BY_DEFINITION = {
    table: (
        f"SELECT t.* EXCLUDE (is_live) FROM {table} t JOIN live_loads USING (load_id) "
        f"QUALIFY t.load_id = max(t.load_id) OVER (PARTITION BY t.branch_id, {', '.join(f't.{k}' for k in keys)})"
    )
    for table, (keys, _) in {**load.FACT_TABLES, "member_versions": (["member_id"], None)}.items()
}
NAMES = ["张三", "李四", "王五", "赵六"]


def _live_rows(db) -> dict:
    with db.connect() as con:
        return {
            t: (
                sorted(con.execute(f"SELECT * FROM live_{t}").fetchall(), key=repr),
                sorted(con.execute(BY_DEFINITION[t]).fetchall(), key=repr),
            )
            for t in BY_DEFINITION
        }


def _study_file(tmp_path, rng: random.Random, step: int):
    days = rng.sample(range(1, 11), rng.randint(1, 6))
    rows = [["姓名", "日期", "当日积分"]] + [
        [name, f"2025-03-{day:02d}", rng.randint(0, 40)] for name in rng.sample(NAMES, 2) for day in days
    ]
    return fb.csv_file(tmp_path / f"积分{step}.csv", rows)


def _attendance_file(tmp_path, rng: random.Random, step: int):
    rows = [["日期", "活动类型", "姓名", "出勤情况"]] + [
        [f"2025-03-{day:02d}", "主题党日", name, rng.choice(["出席", "缺席", "请假"])]
        for day in rng.sample([5, 15, 25], 2)
        for name in NAMES
    ]
    return fb.csv_file(tmp_path / f"考勤{step}.csv", rows)


def _record_file(tmp_path, rng: random.Random, step: int):
    rows = [["日期", "类型", "对象", "负责人"]] + [
        [f"2025-03-{day:02d}", kind, "、".join(rng.sample(NAMES, 2)), rng.choice(NAMES)]
        for day in rng.sample([5, 15, 25], 2)
        for kind in rng.sample(["谈心谈话", "走访慰问"], 1)
    ]
    return fb.csv_file(tmp_path / f"记录{step}.csv", rows)


def _roster_file(tmp_path, rng: random.Random, step: int):
    """A full roster of some of the members (the others become 离开), sometimes with a new one."""
    kept = [r for r in fb.ROSTER[2:] if rng.random() < 0.8] or fb.ROSTER[2:3]
    extra = [["孙七", "第二党小组", "正式", "", "本部"]] if rng.random() < 0.5 else []
    return fb.xlsx(tmp_path / f"名册{step}.xlsx", {"名册": fb.ROSTER[:2] + kept + extra})


def test_the_flag_marks_what_the_definition_names_after_any_loads_and_undos(tmp_path, db, loaded_roster):
    rng = random.Random(7)
    live = []
    for step in range(30):
        if live and rng.random() < 0.35:
            load.undo_load(db, live.pop(rng.randrange(len(live))), "测试")
        else:
            make = rng.choice([_study_file, _attendance_file, _roster_file, _record_file])
            options = {"partial": rng.random() < 0.3} if make is _roster_file else {}
            options["dry_run"] = rng.random() < 0.15  # a preview runs the load and rolls it back
            prepared, result = load_path(db, make(tmp_path, rng, step), **options)
            assert result is not None, prepared.report.text()
            if result.load_id and not result.dry_run:
                live.append(result.load_id)
        for table, (flagged, defined) in _live_rows(db).items():
            assert flagged == defined, f"step {step}: live_{table} differs from its definition"
    assert any(flagged for flagged, _ in _live_rows(db).values())
