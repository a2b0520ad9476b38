"""AppTest: the upload page's branch picker, 全部装载 of a batch, the undo picker's default, notes said
once, and who a load is recorded as."""

from __future__ import annotations

import pandas as pd

from dashboard import strings as S
from dashboard import uploads
from etl import pipeline
from etl.errors import LoadRefused
from etl.pipeline import Prepared
from etl.sources import ParsedFile
from etl.validate import Report
from tests import filebuilders as fb
from tests.conftest import BRANCH, load_path
from tests.dashboard.conftest import open_page

OTHER = "第二党支部"
SIGNIN_HEADER = [["2020年3月签到表"], ["姓名", "3月15日 主题党日", "3月25日 支部党员大会、党课"]]


def roster(tmp_path, name="名册.xlsx"):
    return fb.xlsx(tmp_path / name, {"名册": fb.ROSTER})


def study(tmp_path, name="学习.csv", person="张三"):
    return fb.csv_file(
        tmp_path / name, [["姓名", "日期", "当日积分"], [person, "2020-03-01", 30], ["李四", "2020-03-02", 12]]
    )


def signin(tmp_path, name="签到.xlsx", rows=(("张三", "√", "√"), ("李四", "×", "√"))):
    return fb.xlsx(tmp_path / name, {"3月": SIGNIN_HEADER + [list(r) for r in rows]})


def upload(at, *paths):
    widget = at.file_uploader(key="upload-files")
    for p in paths:
        widget.upload(p.name, p.read_bytes())
    return widget.run()


def create_branch(at, name: str):
    at.selectbox(key=uploads.BRANCH_KEY).select(S.UPLOAD_NEW_BRANCH).run()
    at.text_input(key=uploads.NEW_NAME_KEY).set_value(name)
    return at.button(key="upload-new-branch-ok").click().run()


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def history(at) -> pd.DataFrame:
    return at.dataframe[-1].value


# -- the branch ---------------------------------------------------------------------------------------
def test_the_branch_is_picked_from_the_existing_ones_by_default_the_sidebars(monkeypatch, empty_db, tmp_path):
    load_path(empty_db, roster(tmp_path))
    load_path(empty_db, roster(tmp_path, "二支部名册.xlsx"), branch=OTHER)
    at = open_page(monkeypatch, empty_db, "overview")
    at.sidebar.selectbox(key="branch").set_value(OTHER).run()
    at.switch_page("views/upload.py").run()
    picker = at.selectbox(key=uploads.BRANCH_KEY)
    assert picker.options == [BRANCH, OTHER, S.UPLOAD_NEW_BRANCH]
    assert picker.value == OTHER  # the sidebar's branch
    assert not at.text_input  # no free-text box until 新建党支部… is chosen
    assert "二支部名册.xlsx" in list(history(at)["文件"])

    # picking another branch here moves the sidebar too, so the two never disagree
    at.selectbox(key=uploads.BRANCH_KEY).set_value(BRANCH).run()
    assert at.sidebar.selectbox(key="branch").value == BRANCH
    assert "名册.xlsx" in list(history(at)["文件"]) and "二支部名册.xlsx" not in list(history(at)["文件"])


def test_a_new_branch_needs_the_explicit_option_a_name_and_confirmation(monkeypatch, empty_db, tmp_path):
    load_path(empty_db, roster(tmp_path))
    at = open_page(monkeypatch, empty_db, "upload")
    upload(at, study(tmp_path))
    assert any("检查通过" in s for s in texts(at.success))  # checked against the picked branch's roster

    at.selectbox(key=uploads.BRANCH_KEY).select(S.UPLOAD_NEW_BRANCH).run()
    # until the new branch is confirmed, the files are not checked — and the page says so
    assert S.UPLOAD_NEED_BRANCH in texts(at.warning)
    assert not any("检查通过" in s for s in texts(at.success))

    at.button(key="upload-new-branch-ok").click().run()  # no name typed
    assert S.UPLOAD_NEW_BRANCH_EMPTY in texts(at.error)
    assert at.selectbox(key=uploads.BRANCH_KEY).value == uploads.NEW_BRANCH

    at.text_input(key=uploads.NEW_NAME_KEY).set_value("实验学校党支布").run()  # a typo of an existing branch
    assert any(BRANCH in w and "名称相近" in w for w in texts(at.warning))
    assert at.selectbox(key=uploads.BRANCH_KEY).value == uploads.NEW_BRANCH  # typing alone creates nothing

    create_branch(at, f" {BRANCH} ")  # the existing branch's name: picks it, creates nothing
    assert at.selectbox(key=uploads.BRANCH_KEY).value == BRANCH
    assert at.selectbox(key=uploads.BRANCH_KEY).options == [BRANCH, S.UPLOAD_NEW_BRANCH]

    create_branch(at, OTHER)
    picker = at.selectbox(key=uploads.BRANCH_KEY)
    assert picker.value == OTHER and picker.options == [BRANCH, OTHER, S.UPLOAD_NEW_BRANCH]
    assert any(OTHER in i and "新建" in i for i in texts(at.info))
    # a new branch has no roster: the study file's names are not its members
    assert any(S.UPLOAD_REPORT.split("：")[0] in e for e in texts(at.error))
    assert not at.exception


# -- 全部装载 -------------------------------------------------------------------------------------------
def test_load_all_loads_the_roster_first_then_each_file_in_order(monkeypatch, empty_db, tmp_path):
    at = open_page(monkeypatch, empty_db, "upload")
    create_branch(at, BRANCH)
    upload(at, study(tmp_path), signin(tmp_path), roster(tmp_path))  # the roster last
    assert texts(at.info).count(S.UPLOAD_WAIT_FOR_ROSTER) == 2
    assert at.button(key="upload-all").disabled is False
    at.button(key="upload-all").click().run()
    assert not at.exception

    loads = history(at).sort_values("装载编号")
    assert list(loads["文件"]) == ["名册.xlsx", "学习.csv", "签到.xlsx"]  # roster first, then upload order
    assert list(loads["装载编号"]) == [1, 2, 3]
    assert list(loads["装载人"]) == [S.UPLOAD_USER] * 3
    successes = texts(at.success)
    summary = next(s for s in successes if s.startswith(S.UPLOAD_ALL_DONE.format(n=3)))
    assert "#1 名册" in summary and "#2 学习" in summary and "#3 签到" in summary
    # each card says what became of its file — never that it is "the same as" the load just made
    for load_id in (1, 2, 3):
        assert any(s.startswith(f"已装载为 #{load_id}：") for s in successes)
    assert not any("完全相同" in i for i in texts(at.info))
    assert not [b for b in at.button if b.key == "upload-all"]  # nothing left to load
    assert S.UPLOAD_ALL_TOAST_DONE.format(n=3) in texts(at.toast)
    assert at.sidebar.selectbox(key="branch").value == BRANCH


def test_load_all_stops_at_the_first_bad_file_and_says_what_was_loaded(monkeypatch, empty_db, tmp_path):
    at = open_page(monkeypatch, empty_db, "upload")
    create_branch(at, BRANCH)
    bad = signin(tmp_path, "签到.xlsx", rows=(("张三", "√", "√"), ("钱七", "√", "√")))  # 钱七 is not on the roster
    upload(at, study(tmp_path), bad, study(tmp_path, "学习2.csv", person="王五"), roster(tmp_path))
    at.button(key="upload-all").click().run()
    assert not at.exception

    loads = history(at).sort_values("装载编号")
    assert list(loads["文件"]) == ["名册.xlsx", "学习.csv"]  # nothing after the bad file
    said = next(e for e in texts(at.error) if "处停止" in e)
    assert "签到" in said.split("处停止")[0]
    assert "已装载：#1 名册" in said and "#2 学习" in said
    assert "未装载：签到" in said and "学习2" in said
    # the bad file's own card shows its report; the batch cannot be run again until it is fixed
    assert any(S.UPLOAD_REPORT.split("：")[0] in e for e in texts(at.error))
    assert at.button(key="upload-all").disabled is True
    assert any(S.UPLOAD_ALL_BLOCKED.format(n=1) == w for w in texts(at.warning))
    assert any("停止" in t for t in texts(at.toast))


def test_load_all_stops_at_a_refused_load_and_shows_the_refusal(monkeypatch, empty_db, tmp_path):
    real_commit = pipeline.commit

    def commit(db, prepared, user, **kwargs):  # the study file's load is refused (say, a busy database)
        if prepared.parsed.file_name == "学习.csv" and not kwargs.get("dry_run"):
            raise LoadRefused("数据库正忙")
        return real_commit(db, prepared, user, **kwargs)

    monkeypatch.setattr(pipeline, "commit", commit)
    at = open_page(monkeypatch, empty_db, "upload")
    create_branch(at, BRANCH)
    upload(at, signin(tmp_path), study(tmp_path), roster(tmp_path))
    at.button(key="upload-all").click().run()
    assert not at.exception
    assert list(history(at).sort_values("装载编号")["文件"]) == ["名册.xlsx", "签到.xlsx"]
    said = next(e for e in texts(at.error) if "处停止" in e)
    assert S.UPLOAD_ALL_REFUSED in said and "未装载：学习" in said
    assert "数据库正忙" in texts(at.error)  # the refusal itself, as the page shows every refusal


def test_a_file_partly_replaced_by_a_later_file_of_the_batch_still_says_loaded(monkeypatch, empty_db, tmp_path):
    at = open_page(monkeypatch, empty_db, "upload")
    create_branch(at, BRANCH)
    correction = signin(tmp_path, "签到更正.xlsx", rows=(("李四", "√", "√"),))  # the same meetings, for 李四
    upload(at, roster(tmp_path), signin(tmp_path), correction)
    at.button(key="upload-all").click().run()
    assert not at.exception
    assert list(history(at).sort_values("装载编号")["替换行数"]) == [0, 0, 3]
    # 签到.xlsx is #2 with three of its records replaced by #3: its card says it was loaded as #2 —
    # not "the same file as #2", not a button to load it again, and 全部装载 is not offered again
    for load_id in (1, 2, 3):
        assert any(s.startswith(f"已装载为 #{load_id}：") for s in texts(at.success))
    assert S.UPLOAD_LOADED_PARTLY_REPLACED in texts(at.info)
    assert not any(S.UPLOAD_BRINGS_BACK.split("：")[0].format(load_id=2) in i for i in texts(at.info))
    assert not [b for b in at.button if b.key in ("upload-all", "confirm-签到.xlsx")]


def test_a_batch_with_a_failed_file_is_not_offered_for_loading(monkeypatch, empty_db, tmp_path):
    load_path(empty_db, roster(tmp_path))
    at = open_page(monkeypatch, empty_db, "upload")
    bad = fb.csv_file(tmp_path / "坏学习.csv", [["姓名", "日期", "当日积分"], ["张三", "2020-03-01", "三十"]])
    upload(at, study(tmp_path), bad)
    assert at.button(key="upload-all").disabled is True  # AppTest, like a browser, cannot click it
    assert S.UPLOAD_ALL_BLOCKED.format(n=1) in texts(at.warning)
    assert any("检查通过" in s for s in texts(at.success))  # the good file can still be loaded on its own


def test_the_single_file_button_also_says_loaded_on_its_card(monkeypatch, empty_db, tmp_path):
    load_path(empty_db, roster(tmp_path))
    at = open_page(monkeypatch, empty_db, "upload")
    upload(at, study(tmp_path))
    at.button(key="confirm-学习.csv").click().run()
    assert any(s.startswith("已装载为 #2：2 条记录") for s in texts(at.success))
    assert not any("完全相同" in i for i in texts(at.info))
    assert any("#2" in t for t in texts(at.toast))


# -- history and undo ---------------------------------------------------------------------------------
def undo_picker(at):
    return next(s for s in at.selectbox if s.label == S.HISTORY_UNDO_PICK)


def test_the_undo_picker_defaults_to_the_newest_load(monkeypatch, empty_db, tmp_path):
    load_path(empty_db, roster(tmp_path))
    at = open_page(monkeypatch, empty_db, "upload")
    assert undo_picker(at).value == 1
    load_path(empty_db, study(tmp_path))  # a newer load (here from the command line)
    at.run()
    assert undo_picker(at).options[0].startswith("#2") and undo_picker(at).value == 2
    upload(at, signin(tmp_path))
    at.button(key="confirm-签到.xlsx").click().run()
    assert undo_picker(at).value == 3
    at.button(key="undo").click().run()
    assert any("确认撤销 #3" in w for w in texts(at.warning))
    at.button(key="undo-yes").click().run()
    assert S.HISTORY_UNDONE.format(load_id=3) in texts(at.success)
    assert undo_picker(at).value == 2


def test_the_history_explains_rows_read_and_records_loaded(monkeypatch, empty_db, tmp_path):
    load_path(empty_db, roster(tmp_path))
    load_path(empty_db, signin(tmp_path))  # a row naming 支部党员大会、党课 becomes two records per person
    at = open_page(monkeypatch, empty_db, "upload")
    shown = history(at)
    row = shown.iloc[0]
    assert row["装载行数"] > row["读取行数"]
    assert S.HISTORY_COUNTS_NOTE in [c.value for c in at.caption]
    # live loads: a blank 撤销时间, not "None"; times to the minute
    assert list(shown["撤销时间"]) == ["", ""] and len(row["装载时间"]) == len("2025-01-01 12:00")


# -- notes and the user -------------------------------------------------------------------------------
def test_identical_notes_are_said_once(monkeypatch, empty_db, tmp_path):
    load_path(empty_db, roster(tmp_path))
    at = open_page(monkeypatch, empty_db, "upload")
    guest = signin(tmp_path, rows=(("张三", "√", "√"), ("孙老师", "列席", "列席")))  # a guest: a note, not an issue
    upload(at, guest)

    def guest_notes():
        return [c.value for c in at.caption if "列席" in c.value]

    assert len(guest_notes()) == 1
    load_path(empty_db, study(tmp_path))  # the data changes: the file is validated again
    at.run()
    assert len(guest_notes()) == 1
    assert any("检查通过" in s for s in texts(at.success))


def test_notes_are_deduplicated_in_order():
    report = Report("a.xlsx", notes=["甲", "乙", "甲", "丙", "乙"])
    item = uploads.Checked("a.xlsx", Prepared("b", ParsedFile("a.xlsx", "0" * 64, "study", [], report)), None)
    assert item.notes() == ["甲", "乙", "丙"]


def test_loads_are_recorded_as_the_current_user(monkeypatch, empty_db, tmp_path):
    who = "张书记"
    monkeypatch.setattr(uploads, "current_user", lambda: who)
    at = open_page(monkeypatch, empty_db, "upload")
    create_branch(at, BRANCH)
    upload(at, roster(tmp_path))
    at.button(key="confirm-名册.xlsx").click().run()
    assert list(history(at)["装载人"]) == [who]
