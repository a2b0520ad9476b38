"""The district's pages (区级总览, 支部卡片, 快照导入) on a database fed only by snapshot files of two
branches (tests/snapshot_builders.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from dashboard import strings as S
from dashboard.components import literal
from etl.db import Database
from etl.scope import SECRETARY, Scope
from etl.scoring.period import parse
from tests.dashboard.conftest import APP, caller
from tests.snapshot_builders import DEMO, OTHER, district, two_branches


@pytest.fixture(scope="module")
def snapshot_files(tmp_path_factory, demo_db) -> dict:
    return two_branches(tmp_path_factory.mktemp("snapshots"), demo_db)


@pytest.fixture(scope="module")
def district_db(tmp_path_factory, snapshot_files) -> Database:
    return district(tmp_path_factory.mktemp("district") / "district.duckdb", snapshot_files)


def _open(monkeypatch, db: Database, page: str) -> AppTest:
    monkeypatch.setenv("VANGUARD_DB", str(db.path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_district_compares_branches_from_their_snapshots(monkeypatch, district_db):
    at = _open(monkeypatch, district_db, "district")
    assert [t.value for t in at.title] == [S.PAGE_DISTRICT]
    assert at.sidebar.selectbox(key="period").value == "2025-Q4"  # the newest quarter: the district reviews by quarter
    assert {m.label: m.value for m in at.metric}[S.DISTRICT_KPI_BRANCHES] == "2 / 2"
    ranking = at.dataframe[0].value
    assert set(ranking["党支部"]) == {DEMO, OTHER}
    assert set(ranking["学校"]) == {"实验学校", "附属中学"}  # the district's own record where a snapshot has none
    assert list(ranking["排名"]) == [1, 2]  # the two differ (one had a load undone before its export)
    assert ranking["堡垒指数"].is_monotonic_decreasing
    stars = ranking[["一星人数", "二星人数", "三星人数", "四星人数", "五星人数"]].sum(axis=1)
    assert (stars == ranking["参评党员"]).all()  # every scored member at exactly one star
    assert set(ranking["快照状态"]) == {S.FRESHNESS["ok"]}
    assert set(ranking["已签名"]) == {S.YES}  # a column of its own: an early or changed snapshot can be unsigned too
    assert not any(c.isascii() and c.isalpha() for c in "".join(ranking.columns))
    assert "党员" not in ranking.columns  # branch level only


def test_the_numbers_are_the_snapshots_numbers(district_db, demo_db):
    """What the district shows for a branch is what `etl scores` gives on the branch's own database."""
    from etl.scoring import service

    with district_db.connect() as con:
        rows = queries.district_comparison(con, parse("2025-Q4"), scope=SECRETARY)["branches"].set_index("branch")
    own = service.scores(demo_db, DEMO, "2025-Q4", "branch").iloc[0]
    assert rows.loc[DEMO, "index"] == pytest.approx(own["index"], abs=1e-9)
    assert rows.loc[DEMO, "stars"] == own["stars"]
    assert rows.loc[DEMO, "source"] == "snapshot"


def test_moving_between_periods_and_grains(monkeypatch, district_db):
    at = _open(monkeypatch, district_db, "district")
    at.sidebar.radio(key="grain").set_value("quarter").run()
    assert at.sidebar.selectbox(key="period").value == "2025-Q4"
    at.sidebar.selectbox(key="period").set_value("2025-Q2").run()
    assert not at.exception
    assert any("2025年第二季度" in c.value for c in at.caption)
    assert len(at.dataframe[0].value) == 2
    at.sidebar.selectbox(key="period").set_value("2025-Q1").run()  # 2024-Q4 has nothing to compare with
    assert any(S.DISTRICT_NO_PREVIOUS in c.value for c in at.caption)
    assert not any(S.DISTRICT_NO_MOVES in c.value for c in at.caption)


def test_a_branch_card_shows_indicators_and_no_member(monkeypatch, district_db):
    at = _open(monkeypatch, district_db, "branch_card")
    at.sidebar.selectbox(key="branch").set_value(OTHER).run()
    assert not at.exception
    assert any("快照" in c.value and "已签名" in c.value for c in at.caption)
    for table in at.dataframe:
        assert not {"党员", "姓名"} & set(table.value.columns)


def test_a_district_scope_sees_branch_level_only(district_db):
    one = Scope("district", frozenset({OTHER}))
    with district_db.connect() as con:
        rows = queries.district_comparison(con, parse("2025"), scope=one)["branches"]
        assert list(rows["branch"]) == [OTHER]
        with pytest.raises(Exception, match="权限"):
            queries.branch_card(con, DEMO, parse("2025"), [parse("2025")], scope=one)


def test_an_empty_district_says_how_to_get_snapshots(monkeypatch, tmp_path):
    empty = Database(tmp_path / "empty.duckdb")
    empty.init()
    at = _open(monkeypatch, empty, "district")
    assert any(S.DISTRICT_EMPTY in i.value for i in at.info)


def test_the_import_page_verifies_each_file_and_imports_the_good_ones(monkeypatch, tmp_path, snapshot_files):
    db = district(tmp_path / "district.duckdb", snapshot_files, import_them=False)
    good = snapshot_files[DEMO][3]
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    at = _open(monkeypatch, db, "snapshot_import")
    at.file_uploader(key="snapshot-files").upload(good.name, good.read_bytes(), "application/zip")
    at.file_uploader(key="snapshot-files").upload("改过的.zip", bytes(data), "application/zip")
    at.run()
    assert len(at.success) == 1 and literal(good.name) in at.success[0].value
    assert len(at.error) == 1 and literal("改过的.zip") in at.error[0].value
    at.button(key="import-snapshots").click().run()
    assert not at.exception
    assert any("已导入为" in s.value for s in at.success)
    history = at.dataframe[-1].value
    assert list(history["文件"]) == [good.name]


def test_a_secretary_exports_a_signed_snapshot_from_the_upload_page(monkeypatch, tmp_path, demo_db):
    """导出快照 on 数据上传: the server's key (VANGUARD_SNAPSHOT_KEY) signs it, and the file the page
    offers is one `etl snapshot verify` accepts as the branch's."""
    from dashboard import snapshots
    from etl.snapshot import keys, verify

    keys.keygen(tmp_path / "branch.key")
    monkeypatch.setenv(snapshots.KEY_ENV, str(tmp_path / "branch.key"))
    monkeypatch.setenv("VANGUARD_DB", str(demo_db.path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("views/upload.py").run()
    assert at.selectbox(key="export-period").value == "2025-Q4"
    at.button(key="export-build").click().run()
    assert not at.exception, [e.value for e in at.exception]
    fingerprint = keys.fingerprint(keys.load_public(tmp_path / "branch.key.pub"))
    assert any(fingerprint in c.value for c in at.caption)
    labels = [b.proto.label for b in at.get("download_button")]
    assert S.EXPORT_ZIP in labels and S.EXPORT_REPORT in labels
    with caller():
        built = snapshots.build(DEMO, parse("2025-Q4"), anonymize_names=False)  # what the button holds
    checked = verify.verify_bytes(built.zip_bytes, "x.zip")
    assert checked.signed and checked.fingerprint == fingerprint and checked.manifest.branch == DEMO


def test_without_a_key_the_export_says_it_is_unsigned(monkeypatch, demo_db):
    from dashboard import snapshots

    monkeypatch.delenv(snapshots.KEY_ENV, raising=False)
    monkeypatch.setenv("VANGUARD_DB", str(demo_db.path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("views/upload.py").run()
    at.button(key="export-build").click().run()
    assert any(S.EXPORT_NO_KEY[:20] in c.value for c in at.caption)


def test_a_district_server_with_raw_rows_compares_them_too(monkeypatch, demo_db):
    """The other deployment: one server holding the branches' own rows and no snapshot."""
    at = _open(monkeypatch, demo_db, "district")
    ranking = at.dataframe[0].value
    assert list(ranking["党支部"]) == [DEMO]
    assert list(ranking["快照状态"]) == [S.FRESHNESS["raw"]]
    with demo_db.connect() as con:
        rows = queries.district_comparison(con, parse("2025-Q4"), scope=SECRETARY)["branches"]
    from etl.scoring import service

    assert rows["index"].iloc[0] == pytest.approx(service.scores(demo_db, DEMO, "2025-Q4", "branch")["index"].iloc[0])


def test_a_snapshot_wins_over_raw_rows_and_a_later_change_is_flagged(tmp_path, demo_db, snapshot_files):
    """Where a database holds a branch's rows and its snapshot, the frozen snapshot is compared; once
    the branch's rows change after it (an undo here), the snapshot is said to be out of date."""
    import shutil

    from etl import load
    from etl.snapshot import importer, trust

    both = Database(tmp_path / "both.duckdb")
    shutil.copy(demo_db.path, both.path)
    trust.trust(both, DEMO, snapshot_files["folder"] / f"{DEMO}.key.pub", None, "测试")
    quarter = next(p for p in snapshot_files[DEMO] if p.name.endswith("2025-Q4.zip"))
    importer.import_file(both, quarter, allow_unsigned=False, user="测试")
    with both.connect() as con:
        row = queries.district_comparison(con, parse("2025-Q4"), scope=SECRETARY)["branches"].iloc[0]
    assert (row["source"], row["freshness"]) == ("snapshot", "ok")
    loads = load.list_loads(both, DEMO)
    first_half = int(
        loads.loc[loads["file_name"].str.contains("上半年") & (loads["kind"] == "attendance"), "load_id"].iloc[0]
    )
    load.undo_load(both, first_half, "测试")  # January to June: the fourth quarter's snapshot still holds
    with both.connect() as con:
        row = queries.district_comparison(con, parse("2025-Q4"), scope=SECRETARY)["branches"].iloc[0]
    assert row["freshness"] == "ok"
    appraisal = int(loads.loc[loads["kind"] == "assessment", "load_id"].iloc[0])  # it bears on the fourth quarter
    load.undo_load(both, appraisal, "测试")
    with both.connect() as con:
        row = queries.district_comparison(con, parse("2025-Q4"), scope=SECRETARY)["branches"].iloc[0]
    assert (row["source"], row["freshness"]) == ("snapshot", "changed")


def test_missing_and_early_snapshots_are_named(tmp_path, demo_db, snapshot_files):
    """A branch the district knows but has nothing from is 缺快照; a snapshot made before its period
    was over (here on 2025-12-15 for the fourth quarter) is 快照早于期末."""
    import datetime as dt

    from etl import branches
    from etl.snapshot import export, importer, trust

    db = Database(tmp_path / "district.duckdb")
    db.init()
    branches.add(db, DEMO, "实验学校")
    branches.add(db, "城东小学党支部", "城东小学")
    trust.trust(db, DEMO, snapshot_files["folder"] / f"{DEMO}.key.pub", None, "测试")
    early = export.export(
        demo_db,
        DEMO,
        [parse("2025-Q4")],
        tmp_path / "early",
        key_path=snapshot_files["folder"] / f"{DEMO}.key",
        now=dt.datetime(2025, 12, 15, 9, 0, tzinfo=dt.UTC),
    )
    importer.import_file(db, early.exported[0].zip_path, allow_unsigned=False, user="测试")
    with db.connect() as con:
        rows = queries.district_comparison(con, parse("2025-Q4"), scope=SECRETARY)["branches"].set_index("branch")
    assert rows.loc[DEMO, "freshness"] == "early"
    assert rows.loc["城东小学党支部", "freshness"] == "missing"
    assert rows.loc["城东小学党支部", "rank"] is pd.NA


def test_each_branch_shows_its_work_plan_completion_from_its_snapshot(district_db, monkeypatch):
    from etl.snapshot import district

    with district_db.connect() as con:
        shown = queries.district_comparison(con, parse("2025-Q4"), scope=SECRETARY)
        frozen = district.plan_rows(con, parse("2025-Q4"), scope=SECRETARY).set_index("branch")
    rows = shown["branches"].set_index("branch")
    assert frozen["plan_source"].eq("snapshot").all()
    for column in ("plan_done", "plan_due", "plan_overdue", "plan_rate"):
        assert rows[column].tolist() == frozen.loc[rows.index, column].tolist(), column
    assert (rows["plan_rate"] > 0).all() and (rows["plan_overdue"] > 0).all()  # the demo's gaps


def test_above_the_limit_branches_without_a_snapshot_show_no_plan(demo_db, monkeypatch):
    """A district server of raw rows: a checklist per branch is too slow for hundreds of branches."""
    with demo_db.connect() as con:
        quick = queries.district_comparison(con, parse("2025-Q4"), scope=SECRETARY)
        monkeypatch.setattr(queries, "PLAN_FROM_RAW_MAX", 0)
        capped = queries.district_comparison(con, parse("2025-Q4"), scope=SECRETARY)
    assert quick["plan_from_raw"] and quick["branches"]["plan_rate"].notna().all()
    assert not capped["plan_from_raw"] and capped["branches"]["plan_rate"].isna().all()
