"""`etl snapshot import`: whole files or nothing, idempotent, the newer snapshot in force, unsigned
only on request and marked so, keys the district registered."""

from __future__ import annotations

import pytest

from etl import branches
from etl.cli import main
from etl.db import Database
from etl.errors import SnapshotRejected
from etl.snapshot import importer
from tests.conftest import table_contents
from tests.etl.snapshot.conftest import BRANCH, SCHOOL, T2, export_one


def import_cli(db: Database, *files, flags=()) -> int:
    return main(["snapshot", "import", "--db", str(db.path), "--user", "区教育局", *flags, *map(str, files)])


def imports(db: Database) -> list[tuple]:
    with db.connect() as con:
        return con.execute(
            "SELECT import_id, period, signed, replaced_by IS NULL, created_at FROM snapshot_imports ORDER BY import_id"
        ).fetchall()


def test_import_stores_the_tables_and_says_who_signed(district, signed_q1, capsys):
    assert import_cli(district, signed_q1) == 0
    assert f"已导入为快照 #1（由 {BRANCH}（密钥" in capsys.readouterr().out
    with district.connect() as con:
        counts = [
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("snapshot_member_scores", "snapshot_branch_scores", "snapshot_compliance", "snapshot_star_moves")
        ]
        assert counts[:2] == [30, 1] and counts[2] > 0 and counts[3] == 30
        row = con.execute("SELECT signed, key_fingerprint, imported_by, school FROM snapshot_imports").fetchone()
    assert row[0] is True and len(row[1]) == 16 and row[2] == "区教育局" and row[3] == SCHOOL


def test_importing_the_same_file_twice_changes_nothing_and_says_so(district, signed_q1, capsys):
    assert import_cli(district, signed_q1) == 0
    before = table_contents(district)
    capsys.readouterr()
    assert import_cli(district, signed_q1) == 0
    assert "与已导入的快照 #1 完全相同，未作任何更改" in capsys.readouterr().out
    assert table_contents(district) == before


def test_a_newer_snapshot_replaces_the_older_and_an_older_one_is_not_imported(
    district, branch_db, key_file, signed_q1, tmp_path, capsys
):
    newer = export_one(branch_db, "2025-Q1", tmp_path / "newer", key_file, now=T2)
    assert import_cli(district, signed_q1) == 0
    assert import_cli(district, newer) == 0
    out = capsys.readouterr().out
    assert "已导入为快照 #2" in out and "替换生成于 2026-01-05 09:30:00 的旧快照 #1" in out
    assert [(r[0], r[3]) for r in imports(district)] == [(1, False), (2, True)]  # #1 kept, not in force
    # the other way round: the older one arrives after the newer
    other = Database(tmp_path / "other.duckdb")
    branches.add(other, BRANCH, SCHOOL)
    from etl.snapshot import trust

    trust.trust(other, BRANCH, key_file.with_name(key_file.name + ".pub"), None, "区教育局")
    assert import_cli(other, newer) == 0
    before = table_contents(other)
    capsys.readouterr()
    assert import_cli(other, signed_q1) == 0
    assert "已有更新的快照 #1（生成于 2026-01-06 10:00:00），这份较旧，未导入" in capsys.readouterr().out
    assert table_contents(other) == before


def test_an_unsigned_snapshot_needs_allow_unsigned_and_is_then_marked(district, unsigned_q1, capsys):
    before = table_contents(district)
    assert import_cli(district, unsigned_q1) == 1
    assert "快照未签名" in capsys.readouterr().err and table_contents(district) == before
    assert import_cli(district, unsigned_q1, flags=["--allow-unsigned"]) == 0
    assert "未签名，已标记为未签名" in capsys.readouterr().out
    assert [r[2] for r in imports(district)] == [False]
    # and wherever its numbers are shown
    assert (
        main(["scores", "--db", str(district.path), "--branch", BRANCH, "--period", "2025-Q1", "--level", "branch"])
        == 0
    )
    assert "未签名" in capsys.readouterr().out


def test_a_signed_copy_takes_the_place_of_the_same_snapshot_imported_unsigned(district, signed_q1, tmp_path, capsys):
    from etl.snapshot import archive
    from tests.etl.snapshot.test_verify import entries_of

    data = signed_q1.read_bytes()
    stripped = tmp_path / "stripped.zip"
    created = importer.verify.verify_bytes(data, "x").manifest.created_at
    stripped.write_bytes(archive.pack([(n, c) for n, c in entries_of(data) if n != "manifest.sig"], created))
    assert import_cli(district, stripped, flags=["--allow-unsigned"]) == 0
    assert import_cli(district, signed_q1) == 0
    assert "替换同一份快照未签名的 #1" in capsys.readouterr().out
    assert [(r[2], r[3]) for r in imports(district)] == [(False, False), (True, True)]
    assert import_cli(district, stripped, flags=["--allow-unsigned"]) == 0  # the unsigned copy again: nothing
    assert "完全相同" in capsys.readouterr().out and len(imports(district)) == 2


def test_a_snapshot_signed_by_another_key_than_the_registered_one_is_refused(
    district, branch_db, other_key_file, tmp_path, capsys
):
    stranger = export_one(branch_db, "2025-Q1", tmp_path, other_key_file)
    before = table_contents(district)
    assert import_cli(district, stranger, flags=["--allow-unsigned"]) == 1  # signed: the flag does not help
    assert "没有登记为“实验学校党支部”的密钥" in capsys.readouterr().err
    assert table_contents(district) == before


def test_an_invalid_file_is_refused_whole_and_the_others_still_import(district, signed_q1, tmp_path, capsys):
    bad = tmp_path / "bad.zip"
    data = bytearray(signed_q1.read_bytes())
    data[len(data) // 3] ^= 0xFF
    bad.write_bytes(bytes(data))
    assert import_cli(district, bad, signed_q1) == 1
    out, err = capsys.readouterr()
    assert "bad.zip：" in err and "已导入为快照 #1" in out
    with district.connect() as con:
        assert con.execute("SELECT count(*) FROM snapshot_imports").fetchone()[0] == 1
        assert con.execute("SELECT count(DISTINCT import_id) FROM snapshot_member_scores").fetchone()[0] == 1


def test_import_creates_the_branch_with_its_school(tmp_path, unsigned_q1, capsys):
    db = Database(tmp_path / "new-district.duckdb")
    assert import_cli(db, unsigned_q1, flags=["--allow-unsigned"]) == 0
    assert f"原来没有党支部“{BRANCH}”，已新建" in capsys.readouterr().out
    listed = branches.list_branches(db)
    assert listed[["name", "school", "snapshots"]].values.tolist() == [[BRANCH, SCHOOL, 1]]


def test_import_sets_a_missing_school_and_keeps_a_different_one(tmp_path, unsigned_q1, capsys):
    db = Database(tmp_path / "d.duckdb")
    branches.add(db, BRANCH, None)
    assert import_cli(db, unsigned_q1, flags=["--allow-unsigned"]) == 0
    assert f"学校设为快照中的“{SCHOOL}”" in capsys.readouterr().out
    other = Database(tmp_path / "e.duckdb")
    branches.add(other, BRANCH, "别的学校")
    assert import_cli(other, unsigned_q1, flags=["--allow-unsigned"]) == 0
    assert "保留数据库中的" in capsys.readouterr().out
    assert branches.list_branches(other)["school"].tolist() == ["别的学校"]


def test_the_library_refuses_before_writing(district, tmp_path):
    before = table_contents(district)
    with pytest.raises(SnapshotRejected, match="不是快照文件"):
        importer.import_snapshot(district, b"hello", "x.zip", allow_unsigned=True, user="t")
    assert table_contents(district) == before
