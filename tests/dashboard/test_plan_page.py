"""The 工作计划 page on the demo branch's year (its records have gaps on purpose: one member never
talked to, two who did not sign the 廉洁承诺书, the 七一 visit missing, one 专题会 only), judged on the
chosen period's last day."""

from __future__ import annotations

from dashboard import strings as S
from tests.dashboard.conftest import open_page


def test_the_plan_page_shows_each_item_its_status_and_who_is_missing(monkeypatch, demo_db):
    monkeypatch.setenv("VANGUARD_DB", str(demo_db.path))
    at = open_page(monkeypatch, demo_db, "plan")
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [S.PAGE_PLAN]
    assert "2026-01-01" in " ".join(c.value for c in at.caption)  # the period as it closed
    kpis = {m.label: m.value for m in at.metric}
    items = at.main.dataframe[0].value
    status = dict(zip(items[S.PLAN_COLUMNS["name"]], items[S.PLAN_COLUMNS["status"]]))
    overdue = sorted(name for name, s in status.items() if s.endswith("逾期"))
    assert overdue == sorted(  # the demo's gaps, as the year closed
        [
            "三会一课：党小组会",
            "三会一课：党课",
            "七一走访慰问",
            "教职工政治学习（隔周）",
            "党风廉政建设专题会",  # one of two
            "谈心谈话",  # one member never talked to
            "签订廉洁承诺书",
            "冬训",
        ]
    )
    assert kpis[S.PLAN_KPI_OVERDUE] == str(len(overdue))
    done = sum(s.endswith("已完成") for s in status.values())
    assert kpis[S.PLAN_KPI_DONE] == f"{done} / {len(status) - 1}"  # 学习强国 is shown, not counted
    assert status["七一走访慰问"].endswith("逾期") and status["春节走访慰问"].endswith("已完成")
    talks = next(e for e in at.expander if e.label.split(" · ")[0].endswith("谈心谈话"))
    missing = talks.dataframe[-1].value
    assert list(missing[S.PLAN_MISSING_COLUMNS["name"]]) == ["许怡"]
    evidence = talks.dataframe[0].value
    assert {"日期", "文件", "工作表", "行"} <= set(evidence.columns)
    assert len(evidence) >= 28  # every member talked to has a row behind it (one was talked to twice)


def test_an_earlier_period_is_judged_on_its_own_last_day(monkeypatch, demo_db):
    monkeypatch.setenv("VANGUARD_DB", str(demo_db.path))
    at = open_page(monkeypatch, demo_db, "plan")
    at.selectbox(key="period").select("2025-05").run()
    assert "2025-06-01" in " ".join(c.value for c in at.caption)
    items = at.main.dataframe[0].value
    status = dict(zip(items[S.PLAN_COLUMNS["name"]], items[S.PLAN_COLUMNS["status"]]))
    assert status["七一走访慰问"].endswith("未开始")  # its window opens in June


def test_the_overview_lists_the_plans_overdue_and_due_soon_items(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "overview")
    assert not at.exception, [e.value for e in at.exception]
    assert S.PLAN_ALERTS in [h.value for h in at.subheader]
    said = " ".join(w.value for w in at.warning)
    assert "逾期：七一走访慰问" in said and "逾期：谈心谈话" in said  # due 12-31, not met when the year closed


def test_the_meeting_ledger_download_is_the_years_ledger(monkeypatch, demo_db):
    import io

    import openpyxl

    from dashboard import data
    from tests.conftest import BRANCH

    at = open_page(monkeypatch, demo_db, "orglife")
    assert not at.exception, [e.value for e in at.exception]
    button = next(b for b in at.get("download_button") if "台账" in b.proto.label)
    assert button.proto.label == S.LEDGER_DOWNLOAD.format(year=2025)
    # The maker behind the button, with the page's scope: the branch's own ledger, sheet per type.
    import streamlit as st

    st.session_state[data.SCOPE_KEY] = at.session_state[data.SCOPE_KEY]
    try:
        book = openpyxl.load_workbook(io.BytesIO(data.meeting_ledger(BRANCH, 2025)()))
    finally:
        st.session_state.pop(data.SCOPE_KEY, None)
    assert {"支部党员大会", "支委会", "党小组会", "党课"} <= set(book.sheetnames)
