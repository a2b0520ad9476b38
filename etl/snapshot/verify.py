"""`etl snapshot verify`: is this file an intact snapshot, and who signed it?

Every check refuses with SnapshotRejected naming what is wrong, in the order that names it best:

1. the file's size, then that it is a zip at all, then that its directory can be read (a truncated
   file has none);
2. from the directory alone, before anything is read: the manifest's presence, the number of
   entries and their declared sizes (a zip bomb is refused here, undecompressed), duplicate names,
   encryption, and that every entry is stored as this tool stores it (nothing is ever inflated);
3. the manifest: this tool's format and a version it reads (1, or 2 with the work plan), every field
   that version needs;
4. the entries against the manifest: none missing, none extra, each one's size and SHA-256 — and
   each is read with zipfile's CRC check, so a damaged entry is named as damaged;
5. the rules file against the rules' hash, each table's Parquet metadata (rows, decoded size) before
   its pages are decoded, and its columns;
6. the whole file against the one canonical zip of those entries (archive.py): any other changed
   byte — a header, a timestamp, a comment, bytes before or after — is found;
7. the signature, when there is one, over the manifest's exact bytes.

With a database (check_trust), the signing key must be one the district registered for that branch
and has not revoked. Memory is bounded by archive.MAX_FILE_BYTES: the file is read once, whole.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.db import find_branch
from etl.errors import SnapshotRejected
from etl.snapshot import archive, keys, manifest, tables, trust


@dataclass(frozen=True)
class Snapshot:
    """A verified snapshot: its manifest, its signature (None: unsigned) and its tables — those of
    its format version (a version-1 snapshot has no plan_items)."""

    file_name: str
    file_sha256: str
    manifest: manifest.Manifest
    signature: keys.Signature | None
    tables: dict[str, pa.Table]

    @property
    def signed(self) -> bool:
        return self.signature is not None

    @property
    def fingerprint(self) -> str | None:
        return self.signature.fingerprint if self.signature else None

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256(self.manifest.raw).hexdigest()


def _shown(name: str) -> str:
    """An entry name as it may be printed: a hostile zip's names can hold anything."""
    return "".join(ch if ch.isprintable() else "?" for ch in name)[:80]


def read_file(path: Path) -> bytes:
    """The file's bytes, refused before reading when it is larger than any snapshot can be."""
    try:
        size = Path(path).stat().st_size
        if size > archive.MAX_FILE_BYTES:
            raise SnapshotRejected(
                f"{Path(path).name}：文件有 {size / 1024 / 1024:.1f} MB，超过快照的上限 "
                f"{archive.MAX_FILE_BYTES // 1024 // 1024} MB，未读取"
            )
        return Path(path).read_bytes()
    except OSError as exc:
        raise SnapshotRejected(f"无法读取文件 {path}：{exc.strerror}") from None


def _open_zip(data: bytes) -> zipfile.ZipFile:
    if not data:
        raise SnapshotRejected("文件是空的，不是快照")
    if not data.startswith(b"PK"):
        raise SnapshotRejected("不是快照文件：它不是 zip 文件")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error):
        raise SnapshotRejected("文件不完整（可能在传输中被截断）或已损坏：读不到 zip 的目录") from None


def _check_directory(infos: list[zipfile.ZipInfo]) -> None:
    """What the directory alone shows, before any entry is read. A zip without a manifest is named
    first as not a snapshot at all: the xlsx report beside a snapshot, picked by mistake, is a zip
    with more entries than a snapshot may have."""
    names = [info.filename for info in infos]
    if manifest.MANIFEST not in names:
        raise SnapshotRejected("不是本工具的快照：zip 中没有 manifest.json")
    if len(infos) > archive.MAX_ENTRIES:
        raise SnapshotRejected(f"zip 中有 {len(infos)} 个条目，快照最多 {archive.MAX_ENTRIES} 个：未解压")
    for info in infos:
        if info.file_size > archive.MAX_ENTRY_BYTES:
            raise SnapshotRejected(
                f"条目 {_shown(info.filename)} 声明解压后有 {info.file_size:,} 字节，超过上限 "
                f"{archive.MAX_ENTRY_BYTES:,} 字节（疑似 zip 炸弹）：未解压"
            )
    total = sum(info.file_size for info in infos)
    if total > archive.MAX_TOTAL_BYTES:
        raise SnapshotRejected(
            f"条目声明解压后共 {total:,} 字节，超过上限 {archive.MAX_TOTAL_BYTES:,} 字节（疑似 zip 炸弹）：未解压"
        )
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        raise SnapshotRejected(f"zip 中有重名的条目：{'、'.join(map(_shown, doubled))}")
    for info in infos:
        if info.flag_bits & 0x1:
            raise SnapshotRejected(f"条目 {_shown(info.filename)} 被加密了：本工具的快照从不加密")
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
            raise SnapshotRejected(
                f"不是本工具写的快照：条目 {_shown(info.filename)} 是压缩存储的（本工具的快照条目都不压缩）"
            )


def _read_entry(archive_file: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive_file.open(info) as stream:
            data = stream.read(info.file_size + 1)  # stored: never more than the file holds
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error, NotImplementedError):
        raise SnapshotRejected(
            f"条目 {_shown(info.filename)} 已损坏（校验和或头部不符）：文件在导出后被改动过"
        ) from None
    if len(data) != info.file_size:
        raise SnapshotRejected(f"条目 {_shown(info.filename)} 的长度与目录不符：文件已损坏")
    return data


def _verify(data: bytes, file_name: str) -> Snapshot:
    if len(data) > archive.MAX_FILE_BYTES:  # bytes from an upload, say, that read_file did not see
        raise SnapshotRejected(f"文件超过快照的上限 {archive.MAX_FILE_BYTES // 1024 // 1024} MB")
    zf = _open_zip(data)
    infos = zf.infolist()
    _check_directory(infos)
    by_name = {info.filename: info for info in infos}
    info = by_name[manifest.MANIFEST]
    if info.file_size > archive.MAX_MANIFEST_BYTES:
        raise SnapshotRejected(f"manifest.json 有 {info.file_size:,} 字节，不是本工具的清单")
    found = manifest.parse_manifest(_read_entry(zf, info))
    listed = set(found.entries)
    present = set(by_name) - {manifest.MANIFEST, manifest.SIGNATURE}
    if listed - present:
        raise SnapshotRejected(f"缺少条目：{'、'.join(sorted(listed - present))}（清单中有，zip 中没有）")
    if present - listed:
        extra = "、".join(_shown(n) for n in sorted(present - listed))
        raise SnapshotRejected(f"多出条目：{extra}（zip 中有，清单中没有）")
    contents = {}
    for name in found.entry_names:
        content = _read_entry(zf, by_name[name])
        expected = found.entries[name]
        if len(content) != expected["bytes"] or hashlib.sha256(content).hexdigest() != expected["sha256"]:
            raise SnapshotRejected(f"条目 {name} 的 SHA-256 与清单不符：内容在导出后被改动过")
        contents[name] = content
    if hashlib.sha256(contents[manifest.RULES_ENTRY]).hexdigest() != found.rules["sha256"]:
        raise SnapshotRejected("rules.toml 与清单中规则的 SHA-256 不符")
    frames = {
        name: tables.read_parquet(name, contents[entry], found.rows(name))
        for name, entry in found.table_entries.items()
    }
    signature_raw = _read_entry(zf, by_name[manifest.SIGNATURE]) if manifest.SIGNATURE in by_name else None
    entries = [(manifest.MANIFEST, found.raw)]
    if signature_raw is not None:
        entries.append((manifest.SIGNATURE, signature_raw))
    entries += [(name, contents[name]) for name in found.entry_names]
    canonical = archive.pack(entries, found.created_at.astimezone(manifest.SHANGHAI))
    if canonical != data:
        at = archive.first_difference(canonical, data)
        raise SnapshotRejected(
            f"zip 的结构与本工具写出的不一致（从第 {at} 字节起不同）：文件在导出后被改动或重新打包过"
        )
    signature = None
    if signature_raw is not None:
        signature = keys.parse_signature(signature_raw)
        if not keys.signature_holds(signature, found.raw):
            raise SnapshotRejected(
                f"签名无效（密钥 {signature.fingerprint}）：清单在签名之后被改动过，或签名不属于这份清单"
            )
    return Snapshot(file_name, hashlib.sha256(data).hexdigest(), found, signature, frames)


def verify_bytes(data: bytes, file_name: str) -> Snapshot:
    """The snapshot in ``data``, verified; SnapshotRejected, its message starting with the file's
    name, for anything wrong."""
    try:
        return _verify(data, file_name)
    except SnapshotRejected as exc:
        raise SnapshotRejected(f"{file_name}：{exc}") from None


def verify_file(path: Path) -> Snapshot:
    return verify_bytes(read_file(path), Path(path).name)


@dataclass(frozen=True)
class Trust:
    """What the district's database says of a verified snapshot."""

    branch_known: bool
    registered: bool  # signed by a key registered for the branch and not revoked
    branch_has_keys: bool


def check_trust(con: duckdb.DuckDBPyConnection, snapshot: Snapshot) -> Trust:
    """SnapshotRejected when the snapshot is signed by a key the district did not register for its
    branch, or revoked; an unsigned snapshot passes here (import decides about it)."""
    name = snapshot.manifest.branch
    bid = find_branch(con, name)
    registered_keys = trust.keys_of(con, bid) if bid is not None else []
    active = [k for k in registered_keys if k["revoked_at"] is None]
    if not snapshot.signed:
        return Trust(bid is not None, False, bool(active))
    fp = snapshot.fingerprint
    where = f"{snapshot.file_name}：签名密钥 {fp}"
    if bid is None:
        raise SnapshotRejected(
            f"{where} 无法核对：区数据库中没有党支部“{name}”。请先 etl branch add，再用 etl snapshot trust 登记它的公钥"
        )
    mine = next((k for k in registered_keys if k["fingerprint"] == fp), None)
    if mine is None:
        others = "、".join(k["fingerprint"] for k in active) or "无"
        raise SnapshotRejected(f"{where} 没有登记为“{name}”的密钥（已登记：{others}）：不能确认快照来自该支部")
    if mine["public_key"] != snapshot.signature.public_raw:
        raise SnapshotRejected(f"{where} 与登记的公钥不同（指纹相同而公钥不同）：拒绝")
    if mine["revoked_at"] is not None:
        raise SnapshotRejected(f"{where} 已于 {mine['revoked_at']:%Y-%m-%d %H:%M} 撤销：用它签名的快照不再可信")
    return Trust(True, True, True)


def verdict(snapshot: Snapshot) -> str:
    """The first line of a successful verify: 完整，由 <支部>（密钥 <指纹>）签名 / 完整，未签名."""
    if snapshot.signed:
        return f"完整，由 {snapshot.manifest.branch}（密钥 {snapshot.fingerprint}）签名"
    return "完整，未签名"
