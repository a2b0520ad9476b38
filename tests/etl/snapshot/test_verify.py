"""`etl snapshot verify`: an intact file passes and names its signer; everything else exits 1 with a
message naming what is wrong — never a traceback, never unbounded memory."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import time
import tracemalloc
import zipfile

import pyarrow.parquet as pq
import pytest

from etl.cli import main
from etl.errors import SnapshotRejected
from etl.snapshot import archive, keys, manifest, tables, trust, verify
from tests.etl.snapshot.conftest import BRANCH


def entries_of(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(name, zf.read(name)) for name in zf.namelist()]


def created_of(data: bytes):
    return manifest.parse_manifest(dict(entries_of(data))["manifest.json"]).created_at


def run(tmp_path, capsys, data: bytes, *extra: str, name: str = "快照.zip") -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_bytes(data)
    code = main(["snapshot", "verify", str(path), *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def refused(tmp_path, capsys, data: bytes, *message: str, extra=()) -> str:
    code, _, err = run(tmp_path, capsys, data, *extra)
    assert code == 1, err
    for part in message:
        assert part in err, err
    return err


def rehashed(data: bytes, changes: dict[str, bytes], drop_signature: bool = False) -> bytes:
    """The snapshot with some entries replaced and the manifest's hashes recomputed to match — what
    someone editing a file would do. The old signature is kept unless dropped."""
    items = dict(entries_of(data))
    doc = json.loads(items["manifest.json"])
    for name, content in changes.items():
        items[name] = content
        doc["entries"][name] = {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
    items["manifest.json"] = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
    order = [n for n, _ in entries_of(data) if not (drop_signature and n == "manifest.sig")]
    return archive.pack([(n, items[n]) for n in order], created_of(data).astimezone(manifest.SHANGHAI))


def edited_members(data: bytes) -> bytes:
    """member_scores.parquet with the first member's index raised by ten."""
    table = pq.read_table(io.BytesIO(dict(entries_of(data))["member_scores.parquet"])).to_pandas()
    table.loc[0, "index"] += 10
    return tables.parquet_bytes(tables.to_arrow("member_scores", table))


# -- intact ------------------------------------------------------------------------------------------
def test_an_intact_signed_snapshot_names_its_branch_and_key(tmp_path, capsys, signed_q1, key_file):
    fingerprint = keys.fingerprint(keys.load_public(key_file.with_name(key_file.name + ".pub")))
    code, out, _ = run(tmp_path, capsys, signed_q1.read_bytes())
    assert code == 0
    assert f"完整，由 {BRANCH}（密钥 {fingerprint}）签名" in out
    assert "未与区里登记的密钥核对" in out


def test_an_intact_unsigned_snapshot_says_so(tmp_path, capsys, unsigned_q1):
    code, out, _ = run(tmp_path, capsys, unsigned_q1.read_bytes())
    assert code == 0 and "完整，未签名" in out and "未与区里登记的密钥核对" in out


def test_with_the_district_database_a_registered_key_is_confirmed(tmp_path, capsys, signed_q1, district):
    code, out, _ = run(tmp_path, capsys, signed_q1.read_bytes(), "--db", str(district.path))
    assert code == 0 and "完整，由" in out and "已在" in out and "登记" in out and "未与区里" not in out


# -- damaged -----------------------------------------------------------------------------------------
def _structure_offsets(data: bytes) -> list[int]:
    """Every byte of the zip's own structure: local headers (with names), central directory, end record."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    offsets = set()
    for info in infos:
        start = info.header_offset
        offsets.update(range(start, start + 30 + len(info.filename.encode())))
    central = struct.unpack("<I", data[-6:-2])[0]
    offsets.update(range(central, len(data)))
    return sorted(offsets)


def test_any_flipped_byte_is_refused(tmp_path, capsys, signed_q1):
    data = signed_q1.read_bytes()
    offsets = sorted(set(_structure_offsets(data)) | set(range(0, len(data), 61)))
    assert len(offsets) > 900
    for at in offsets:
        damaged = bytearray(data)
        damaged[at] ^= 0x01
        with pytest.raises(SnapshotRejected):
            verify.verify_bytes(bytes(damaged), "x.zip")
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x40  # inside an entry: named as damaged
    refused(tmp_path, capsys, bytes(damaged), "快照.zip：", "已损坏")


def test_a_changed_timestamp_in_a_header_is_refused_too(tmp_path, capsys, signed_q1):
    data = bytearray(signed_q1.read_bytes())
    data[10] ^= 0x02  # the first local header's time field: no content changes
    refused(tmp_path, capsys, bytes(data), "zip 的结构与本工具写出的不一致", "第 10 字节")


@pytest.mark.parametrize("keep", [0.5, -1, -22, 100, 4])
def test_a_truncated_file_is_refused(tmp_path, capsys, signed_q1, keep):
    data = signed_q1.read_bytes()
    cut = data[: int(len(data) * keep)] if isinstance(keep, float) else data[:keep]
    refused(tmp_path, capsys, cut, "快照.zip：")


def test_a_truncated_file_is_named_as_truncated(tmp_path, capsys, signed_q1):
    data = signed_q1.read_bytes()
    refused(tmp_path, capsys, data[: len(data) // 2], "文件不完整", "截断")


def test_what_is_not_a_zip_is_refused(tmp_path, capsys):
    refused(tmp_path, capsys, "姓名,积分\n张三,30\n".encode(), "不是快照文件", "不是 zip 文件")
    refused(tmp_path, capsys, b"", "文件是空的")


def test_an_extra_entry_is_refused(tmp_path, capsys, signed_q1):
    data = signed_q1.read_bytes()
    extra = archive.pack([*entries_of(data), ("readme.txt", b"hello")], created_of(data))
    refused(tmp_path, capsys, extra, "多出条目：readme.txt")
    appended = io.BytesIO(data)
    with zipfile.ZipFile(appended, "a") as zf:  # appended the way any zip tool would
        zf.writestr("notes.txt", "x")
    refused(tmp_path, capsys, appended.getvalue(), "多出条目：notes.txt")


def test_a_missing_entry_is_refused(tmp_path, capsys, signed_q1):
    data = signed_q1.read_bytes()
    fewer = [(n, c) for n, c in entries_of(data) if n != "star_moves.parquet"]
    refused(tmp_path, capsys, archive.pack(fewer, created_of(data)), "缺少条目：star_moves.parquet")


def test_a_repeated_entry_name_is_refused(tmp_path, capsys, signed_q1):
    data = signed_q1.read_bytes()
    items = entries_of(data)
    refused(tmp_path, capsys, archive.pack([*items, items[-1]], created_of(data)), "重名的条目")


def test_a_rezipped_snapshot_with_the_same_content_is_refused(tmp_path, capsys, signed_q1):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for name, content in entries_of(signed_q1.read_bytes()):
            zf.writestr(name, content)
    refused(tmp_path, capsys, buffer.getvalue(), "重新打包")


# -- hostile -----------------------------------------------------------------------------------------
def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("manifest.json", b"{}")
        with zf.open("member_scores.parquet", "w") as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_by_its_declared_sizes_before_anything_is_inflated(tmp_path, capsys):
    bomb = _bomb(300 * 1024 * 1024)
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(SnapshotRejected, match=r"疑似 zip 炸弹.*未解压"):
        verify.verify_bytes(bomb, "bomb.zip")
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 8 * 1024 * 1024 and seconds < 1.0  # nothing of the 300 MB was made
    refused(tmp_path, capsys, bomb, "声明解压后有", "疑似 zip 炸弹")


def test_an_entry_that_lies_about_its_size_is_never_inflated(tmp_path, capsys):
    bomb = bytearray(_bomb(64 * 1024 * 1024))
    # declare the entry 1 KB in both headers: only its compression method can give it away
    with zipfile.ZipFile(io.BytesIO(bytes(bomb))) as zf:
        info = zf.getinfo("member_scores.parquet")
    local = info.header_offset
    bomb[local + 22 : local + 26] = struct.pack("<I", 1024)
    cd = bytes(bomb).rfind(b"PK\x01\x02")  # the last central directory record: this entry's
    bomb[cd + 24 : cd + 28] = struct.pack("<I", 1024)
    tracemalloc.start()
    with pytest.raises(SnapshotRejected):
        verify.verify_bytes(bytes(bomb), "liar.zip")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_too_many_entries_are_refused_before_reading(tmp_path, capsys):
    entries = [("manifest.json", b"{}"), *((f"{i}.txt", b"x") for i in range(199))]  # without one: not a snapshot
    many = archive.pack(entries, archive.dt.datetime(2026, 1, 1))
    refused(tmp_path, capsys, many, "200 个条目", "未解压")


def test_a_file_larger_than_any_snapshot_is_not_read(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(archive, "MAX_FILE_BYTES", 1000)
    refused(tmp_path, capsys, b"PK" + bytes(2000), "超过快照的上限", "未读取")


# -- foreign -----------------------------------------------------------------------------------------
def _zip(items: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in items.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_of_another_tool_is_refused(tmp_path, capsys, signed_q1):
    refused(tmp_path, capsys, _zip({"data.csv": b"a,b\n1,2\n"}), "不是本工具的快照", "没有 manifest.json")
    alien = json.dumps({"format": "other-exporter", "version": 3}).encode()
    refused(
        tmp_path,
        capsys,
        archive.pack([("manifest.json", alien)], created_of(signed_q1.read_bytes())),
        "不是本工具的快照",
        "other-exporter",
    )
    report = signed_q1.with_suffix(".xlsx").read_bytes()  # an xlsx is a zip too
    refused(tmp_path, capsys, report, "没有 manifest.json")


def test_another_format_version_is_refused(tmp_path, capsys, unsigned_q1):
    data = unsigned_q1.read_bytes()
    items = dict(entries_of(data))
    doc = json.loads(items["manifest.json"])
    doc["format_version"] = 3
    items["manifest.json"] = json.dumps(doc).encode()
    later = archive.pack(list(items.items()), created_of(data))
    refused(tmp_path, capsys, later, "快照格式版本“3”不受支持", "请升级本工具")


@pytest.mark.parametrize(
    "table,content,message",
    [
        ("member_scores.parquet", b"PAR1 not really", "不是可读的 Parquet 表"),
        ("compliance.parquet", "star_moves", "列与快照格式不符"),
    ],
)
def test_a_table_that_is_not_the_formats_is_refused(tmp_path, capsys, unsigned_q1, table, content, message):
    data = unsigned_q1.read_bytes()
    if isinstance(content, str):  # another table's bytes under this name
        content = dict(entries_of(data))[f"{content}.parquet"]
        doc = json.loads(dict(entries_of(data))["manifest.json"])
        rows = doc["tables"]["star_moves"]["rows"]
        items = dict(entries_of(rehashed(data, {table: content})))
        doc = json.loads(items["manifest.json"])
        doc["tables"]["compliance"]["rows"] = rows
        items["manifest.json"] = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
        changed = archive.pack(list(items.items()), created_of(data))
    else:
        changed = rehashed(data, {table: content})
    refused(tmp_path, capsys, changed, message)


# -- signatures ----------------------------------------------------------------------------------------
def test_an_edit_rehashed_into_the_manifest_without_a_valid_signature_is_refused(tmp_path, capsys, signed_q1):
    data = signed_q1.read_bytes()
    forged = rehashed(data, {"member_scores.parquet": edited_members(data)})
    refused(tmp_path, capsys, forged, "签名无效", "清单在签名之后被改动过")


def test_an_edit_without_rehashing_is_named(tmp_path, capsys, signed_q1):
    data = signed_q1.read_bytes()
    items = dict(entries_of(data))
    items["member_scores.parquet"] = edited_members(data)
    changed = archive.pack([(n, items[n]) for n, _ in entries_of(data)], created_of(data))
    refused(tmp_path, capsys, changed, "member_scores.parquet 的 SHA-256 与清单不符")


def test_an_edit_with_the_signature_removed_is_only_ever_unsigned(tmp_path, capsys, signed_q1, district):
    """A stripped signature cannot be told from a snapshot never signed: verify says unsigned, with the
    district's database it says the branch has keys, and import refuses it without --allow-unsigned."""
    data = signed_q1.read_bytes()
    stripped = rehashed(data, {"member_scores.parquet": edited_members(data)}, drop_signature=True)
    code, out, _ = run(tmp_path, capsys, stripped, "--db", str(district.path))
    assert code == 0 and "完整，未签名" in out and "该支部已登记密钥，这份快照却没有签名" in out
    assert main(["snapshot", "import", "--db", str(district.path), str(tmp_path / "快照.zip")]) == 1
    assert "--allow-unsigned" in capsys.readouterr().err


def test_a_key_not_registered_for_the_branch_is_refused_with_the_database(
    tmp_path, capsys, branch_db, other_key_file, district
):
    from tests.etl.snapshot.conftest import export_one

    stranger = export_one(branch_db, "2025-Q1", tmp_path / "x", other_key_file).read_bytes()
    code, out, _ = run(tmp_path, capsys, stranger)  # intact, but by whom?
    assert code == 0 and "完整，由" in out
    err = refused(tmp_path, capsys, stranger, "没有登记为“实验学校党支部”的密钥", extra=["--db", str(district.path)])
    assert keys.fingerprint(keys.load_public(other_key_file.with_name(other_key_file.name + ".pub"))) in err


def test_a_revoked_key_is_refused(tmp_path, capsys, signed_q1, district, key_file):
    fingerprint = keys.fingerprint(keys.load_public(key_file.with_name(key_file.name + ".pub")))
    trust.trust(district, BRANCH, None, fingerprint, "区教育局")
    refused(tmp_path, capsys, signed_q1.read_bytes(), "已于", "撤销", extra=["--db", str(district.path)])


def test_a_signed_snapshot_of_a_branch_the_district_does_not_know_is_refused(tmp_path, capsys, signed_q1):
    from etl.db import Database

    empty = Database(tmp_path / "empty.duckdb")
    empty.init()
    refused(tmp_path, capsys, signed_q1.read_bytes(), "区数据库中没有党支部", extra=["--db", str(empty.path)])


def test_a_malformed_signature_entry_is_refused(tmp_path, capsys, signed_q1):
    data = signed_q1.read_bytes()
    items = [(n, b"{not json" if n == "manifest.sig" else c) for n, c in entries_of(data)]
    refused(tmp_path, capsys, archive.pack(items, created_of(data)), "manifest.sig 无法读取")


def test_several_files_verify_each_and_exit_1_when_any_fails(tmp_path, capsys, signed_q1):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"nope")
    assert main(["snapshot", "verify", str(signed_q1), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert "完整，由" in out and "bad.zip：不是快照文件" in err
