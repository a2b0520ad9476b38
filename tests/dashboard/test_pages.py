"""AppTest: every page renders on the demo database and on an empty one; the upload page parses a
file through the file uploader, shows its report, and loads on confirm."""

import json

import pytest

from dashboard import strings as S
from tests import filebuilders as fb
from tests.dashboard.conftest import PAGES, open_page

TITLES = {
    "overview": S.PAGE_OVERVIEW,
    "index": S.PAGE_INDEX,
    "stars": S.PAGE_STARS,
    "orglife": S.PAGE_ORGLIFE,
    "study": S.PAGE_STUDY,
    "member": S.PAGE_MEMBER,
    "glossary": S.PAGE_GLOSSARY,
    "upload": S.PAGE_UPLOAD,
    "audit": S.PAGE_AUDIT,
    "plan": S.PAGE_PLAN,
}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_demo_database(monkeypatch, demo_db, page):
    at = open_page(monkeypatch, demo_db, page)
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [TITLES[page]]
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_guidance_on_an_empty_database(monkeypatch, empty_db, page):
    at = open_page(monkeypatch, empty_db, page)
    assert not at.exception, [e.value for e in at.exception]
    if page == "audit":  # the log is there from the first day, empty
        assert [i.value for i in at.info] == [S.AUDIT_EMPTY]
    elif page != "upload":
        assert any(S.EMPTY_TITLE in i.value for i in at.info)


def test_overview_shows_kpis_trends_and_alerts(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "overview")
    labels = [m.label for m in at.metric]
    assert any(label.startswith(S.KPI_BRANCH_INDEX) for label in labels)
    assert {S.KPI_MEMBER_MEAN, S.KPI_ATTENDANCE, S.KPI_COMPLIANCE, S.KPI_PARTICIPATION} <= set(labels)
    assert at.sidebar.selectbox(key="period").value == "2025-12"
    expanders = [e.label for e in at.expander]
    assert any("需帮扶" in label for label in expanders)
    # Every chart has its data as CSV and Excel.
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads.count(S.DOWNLOAD_CSV) >= 2 and downloads.count(S.DOWNLOAD_XLSX) >= 2


def test_the_period_picker_changes_the_numbers(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "overview")
    december = {m.label: m.value for m in at.metric}
    at.sidebar.radio(key="grain").set_value("quarter").run()
    assert at.sidebar.selectbox(key="period").value == "2025-Q4"
    quarter = {m.label: m.value for m in at.metric}
    assert not at.exception and quarter != december


def test_member_page_traces_numbers_to_rows(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "member")
    assert not at.exception
    assert [tab.label for tab in at.tabs] == [S.MEMBER_ITEMS, S.MEMBER_ATTENDANCE, S.MEMBER_STUDY]
    assert at.tabs[0].dataframe and not at.tabs[1].dataframe  # a tab not open is not sent
    at.session_state["member-rows"] = S.MEMBER_ATTENDANCE  # what a click on the tab sets
    at.run()
    attendance = at.tabs[1].dataframe[0].value
    assert "工作表" in attendance.columns and "行号" in attendance.columns
    assert not at.tabs[0].dataframe
    at.session_state["member-rows"] = S.MEMBER_STUDY
    at.run()
    study = at.tabs[2].dataframe[0].value
    assert "行号" in study.columns and not at.tabs[1].dataframe


def test_the_index_page_shows_one_trend_at_a_time(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "index")
    assert [tab.label for tab in at.tabs] == list(S.INDEX_TRENDS)
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert any(t.startswith("各党小组") for t in titles) and not any(t.startswith("各校区") for t in titles)
    at.session_state["index-trend"] = "按校区"
    at.run()
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert any(t.startswith("各校区") for t in titles) and not any(t.startswith("各党小组") for t in titles)


def test_upload_parses_reports_and_loads_on_confirm(monkeypatch, empty_db, tmp_path):
    at = open_page(monkeypatch, empty_db, "upload")
    at.text_input(key="upload-new-branch").set_value("实验学校党支部")
    at.button(key="upload-new-branch-ok").click().run()
    bad = fb.xlsx(tmp_path / "bad.xlsx", {"S": [["姓名", "党小组", "党员类别"], ["张三", "一组", "群众"]]})
    at.file_uploader(key="upload-files").upload(
        "bad.xlsx", bad.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ).run()
    assert not at.exception
    assert any(S.UPLOAD_REPORT.split("：")[0] in e.value for e in at.error)
    report = at.dataframe[0].value
    assert (
        list(report.columns) == ["文件", "工作表", "行号", "列", "内容", "问题", "修改建议"]
        and report.iloc[0]["行号"] == 2
    )

    roster = fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER}, {"名册": ["A1:E1"]})
    at.file_uploader(key="upload-files").upload("名册.xlsx", roster.read_bytes()).run()
    assert any("检查通过" in s.value for s in at.success)
    at.button(key="confirm-名册.xlsx").click().run()
    assert not at.exception
    assert any("已装载为 #1" in s.value for s in at.success)
    history = at.dataframe[-1].value if at.dataframe else None
    assert history is not None and "名册.xlsx" in list(history["文件"])
    assert at.sidebar.selectbox(key="branch").value == "实验学校党支部"


def test_undo_asks_for_confirmation_first(monkeypatch, empty_db, tmp_path):
    from tests.conftest import load_path

    load_path(empty_db, fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER}))
    at = open_page(monkeypatch, empty_db, "upload")
    at.button(key="undo").click().run()
    assert any("确认撤销 #1" in w.value for w in at.warning)
    at.button(key="undo-no").click().run()
    assert not any("确认撤销" in w.value for w in at.warning)
    at.button(key="undo").click().run()
    at.button(key="undo-yes").click().run()
    assert not at.exception and any("已撤销装载 #1" in s.value for s in at.success)


def test_templates_are_offered_for_every_kind(monkeypatch, empty_db):
    at = open_page(monkeypatch, empty_db, "upload")
    labels = [b.proto.label for b in at.get("download_button")]
    assert set(S.TEMPLATE_NAMES.values()) <= set(labels)


def test_each_file_kind_can_be_changed_and_the_preview_shows_names(monkeypatch, empty_db, tmp_path):
    from tests.conftest import load_path

    load_path(empty_db, fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER}))
    at = open_page(monkeypatch, empty_db, "upload")
    sheet = fb.xlsx(tmp_path / "签到.xlsx", {"S": [["姓名", "2020/3/15 主题党日"], ["张三", "√"]]})
    at.file_uploader(key="upload-files").upload("签到.xlsx", sheet.read_bytes()).run()
    assert any("识别为：考勤" in m.value for m in at.markdown)
    preview = at.dataframe[-2].value if len(at.dataframe) > 1 else None
    assert preview is not None and list(preview["姓名"]) == ["张三"]
    at.selectbox(key="kind-签到.xlsx").set_value("study").run()
    assert not at.exception and any("文件不会装载" in e.value for e in at.error)
    at.selectbox(key="kind-签到.xlsx").set_value("auto").run()
    assert any("检查通过" in s.value for s in at.success)


def test_the_empty_state_offers_the_templates(monkeypatch, empty_db):
    at = open_page(monkeypatch, empty_db, "overview")
    labels = [b.proto.label for b in at.get("download_button")]
    assert set(S.TEMPLATE_NAMES.values()) <= set(labels)


def test_a_busy_database_is_shown_as_advice_not_a_traceback(monkeypatch, empty_db):
    """Another process holds the file: the page says to wait and retry, in one place (app.py)."""
    from tests.etl.test_processes import start_holder

    monkeypatch.setenv("VANGUARD_LOCK_WAIT", "0.5")
    holder = start_holder(empty_db.path, 60)
    try:
        at = open_page(monkeypatch, empty_db, "overview")
    finally:
        holder.kill()
        holder.wait()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [S.BUSY.format(holder=f"进程 PID {holder.pid}")]


def test_the_chosen_period_follows_the_reader_to_every_page(monkeypatch, demo_db):
    """Chosen on 总览, the grain and the period are still chosen on 评星定级 and the other pages,
    the URL carries them, and every page's heading says which branch and period it shows."""
    at = open_page(monkeypatch, demo_db, "overview")
    at.sidebar.radio(key="grain").set_value("quarter").run()
    at.sidebar.selectbox(key="period").set_value("2025-Q2").run()
    for page in ("views/stars.py", "views/index.py", "views/orglife.py"):
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.sidebar.radio(key="grain").value == "quarter"
        assert at.sidebar.selectbox(key="period").value == "2025-Q2"
        assert any("2025年第二季度" in c.value for c in at.caption)
    assert dict(at.query_params) == {"branch": "实验学校党支部", "grain": "quarter", "period": "2025-Q2"}


def test_a_shared_link_opens_the_same_view(monkeypatch, demo_db):
    monkeypatch.setenv("VANGUARD_DB", str(demo_db.path))
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"branch": "实验学校党支部", "grain": "month", "period": "2025-07"})
    at.run()
    assert at.sidebar.selectbox(key="period").value == "2025-07"
    assert any("2025年7月" in c.value for c in at.caption)


def test_a_period_chosen_at_one_grain_carries_to_the_next(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "overview")
    at.sidebar.selectbox(key="period").set_value("2025-05").run()
    at.sidebar.radio(key="grain").set_value("quarter").run()
    assert at.sidebar.selectbox(key="period").value == "2025-Q2"
    at.sidebar.radio(key="grain").set_value("year").run()
    assert at.sidebar.selectbox(key="period").value == "2025"


def test_an_alert_links_to_its_member(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "overview")
    table = next(d for d in at.dataframe if "党员档案" in d.value.columns)
    links = table.value["党员档案"].tolist()
    assert links and all(link.startswith("./member?") and "member=" in link for link in links)
    # the link opens the member page on that member, same branch and period
    member_id = links[0].split("member=")[-1]
    at.query_params["member"] = member_id
    at.switch_page("views/member.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert str(at.selectbox(key="member").value) == member_id


def test_the_glossary_explains_every_indicator_with_the_rules_in_force(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "glossary")
    text = " ".join(m.value for m in at.markdown)
    for words in ("0.6 × 平均先锋指数", "实到 ÷ 应到", "三会一课已达标的次数", "至少有一天学习强国积分", "≥ 90"):
        assert words in text.replace("\\", ""), words
    assert any("规则文件" in c.value for c in at.caption)


def test_the_study_page_shows_what_leadership_can_act_on_and_ranks_nobody(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "study")
    labels = [m.label for m in at.metric]
    assert labels == [S.KPI_PARTICIPATION, S.STUDY_AVG_KPI, S.STUDY_ON_TARGET, S.STUDY_NOBODY]
    assert not at.dataframe  # no table of individual points
    assert all(m.value not in ("None", "nan") for m in at.metric)


def test_the_study_page_says_when_there_is_no_study_data(monkeypatch, tmp_path):
    from etl.db import Database
    from tests.conftest import load_path

    db = Database(tmp_path / "roster-only.duckdb")
    db.init()
    roster = fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER})
    attendance = fb.csv_file(
        tmp_path / "考勤.csv", [["日期", "活动类型", "姓名", "出勤情况"], ["2025-03-15", "主题党日", "张三", "出席"]]
    )
    for path in (roster, attendance):
        assert load_path(db, path)[1] is not None
    at = open_page(monkeypatch, db, "study")
    assert any(S.STUDY_NONE in i.value for i in at.info)


@pytest.mark.parametrize("page", [p for p in PAGES if p != "upload"])
def test_no_table_shows_an_english_header_or_a_raw_value(monkeypatch, demo_db, page):
    """Every table a reader sees has Chinese headers, 是/否 instead of True/False, ★ for stars."""
    import re

    at = open_page(monkeypatch, demo_db, page)
    assert not at.exception, [e.value for e in at.exception]
    for table in at.dataframe:
        frame = table.value
        english = [c for c in frame.columns if re.fullmatch(r"[A-Za-z_ 0-9]+", str(c))]
        assert not english, (page, english)
        cells = frame.astype(str).stack().tolist() if not frame.empty else []
        assert not {"True", "False"} & set(cells), (page, list(frame.columns))
        assert not frame.isna().any().any(), (page, frame.columns[frame.isna().any()].tolist())  # drawn as "None"
        if "星级" in frame.columns:
            assert frame["星级"].dropna().map(lambda v: v == "" or set(str(v)) == {"★"}).all()


def test_a_load_or_undo_from_the_command_line_shows_on_the_next_click(monkeypatch, empty_db, roster_file):
    """The app reopens the database only when the file changed (data.refresh_version): a load and an
    undo by another process must each show on the next run, without restarting the app."""
    import subprocess
    import sys

    def etl(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "etl", *args, "--db", str(empty_db.path)], check=True, capture_output=True
        )

    at = open_page(monkeypatch, empty_db, "upload")
    at.switch_page(PAGES["overview"]).run()
    assert any(S.EMPTY_TITLE in i.value for i in at.info)
    etl("load", "--branch", "实验学校党支部", str(roster_file))
    at.run()
    assert "实验学校党支部" in at.sidebar.selectbox(key="branch").options
    history = at.switch_page(PAGES["upload"]).run().dataframe[-1].value
    assert len(history) == 1
    etl("undo", str(int(history.iloc[0, 0])))
    history = at.run().dataframe[-1].value
    assert history.iloc[0].astype(str).str.len().gt(0).all(), "the undo shows as 撤销时间 on the next run"
