"""What a file may cost, checked before the reader sees it.

python-calamine builds a dense grid in Rust: one cell at XFD1048576 in a 1.7 KB .xlsx asks for
17 billion cells and the process aborts — an abort no ``except`` can catch, which on 数据上传 took
the whole Streamlit server down. The declared ``<dimension>`` protects nothing (a file can declare
A1:A2 and hold a cell at XFD1048576). So:

* **.xlsx / .xlsm**: the zip's declared sizes, then a streaming scan of each worksheet's XML — row
  and cell references, cell and merged-range counts — in C-speed byte searches, before calamine.
* **.ods** (repeat attributes can declare a million columns) and **.xls** (binary, no XML to scan):
  read in a spawned child process with a memory limit (spawned, not forked: Streamlit is
  multi-threaded); a child that dies is a refusal, not a crash.
* **every format**: the grid's height × width is checked again before it becomes Python objects.

The limits are generous for real branch data: a district-scale year of one branch is a few tens of
thousands of rows; the 200,000-row benchmark file passes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from etl.errors import UnreadableFile


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 100 * 1024 * 1024  # the file as uploaded
    unzipped_bytes: int = 1024 * 1024 * 1024  # an .xlsx / .ods decompressed, all parts together
    rows: int = 300_000  # the highest row number a sheet may use
    columns: int = 1_000  # the highest column a sheet may use (ALL)
    cells: int = 10_000_000  # rows × columns of a sheet's grid, and cells written in a sheet
    merged_ranges: int = 10_000  # merged ranges in a sheet
    merged_cells: int = 2_000_000  # cells covered by merged ranges, within the used columns
    child_memory_bytes: int = 4 * 1024 * 1024 * 1024  # address space of the child reading .xls / .ods
    child_seconds: int = 120


LIMITS = Limits()
_CHUNK = 1 << 22
# A reference past column Z or at row 300,000 or beyond: only then is a sheet's extent worth a
# closer look (one C-speed search that finds nothing in an ordinary file).
_FAR_REF = re.compile(rb""" r=["'](?:[A-Za-z]{2,3}\d|[A-Za-z]{0,3}(?:[3-9]\d{5}|\d{7,})["'])""")
# Forms ordinary writers never use but a reader may accept — namespace-prefixed row and cell tags,
# a reference attribute right after a line break or a tab, spaces around its "=" — send the part to
# the exact measurement (text that merely contains them costs only that slower look).
_UNUSUAL = (b":c ", b":c>", b":row", b"\nr=", b"\tr=", b"\rr=", b"r =", b"r= ")
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s>/])([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{0,3})(\d*)["']""")
_MERGE = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*["']([A-Za-z]{1,3})(\d+):([A-Za-z]{1,3})(\d+)["']"""
)


def refuse(what: str, limit: int, unit: str, hint: str = "请删除多余的行、列或空白区域后另存再上传") -> UnreadableFile:
    return UnreadableFile(f"文件超出可读取的范围：{what}（上限 {limit:,} {unit}）。{hint}")


def column_index(letters: bytes | str) -> int:
    """'A' → 1, 'XFD' → 16384 (either case)."""
    index = 0
    for ch in (letters if isinstance(letters, str) else letters.decode()).upper():
        index = index * 26 + ord(ch) - 64
    return index


def check_size(data: bytes, limits: Limits = LIMITS) -> None:
    if len(data) > limits.file_bytes:
        raise refuse(f"文件大小 {len(data) / 1024 / 1024:.1f} MB", limits.file_bytes // 1024 // 1024, "MB")


def _open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
        raise UnreadableFile(f"无法打开该表格文件（{type(exc).__name__}）：文件可能已损坏，或不是 Excel 文件") from None
    declared = sum(info.file_size for info in book.infolist())
    if declared > limits.unzipped_bytes:
        raise refuse(f"解压后 {declared / 1024 / 1024:.0f} MB", limits.unzipped_bytes // 1024 // 1024, "MB")
    return book


def check_xlsx(data: bytes, limits: Limits = LIMITS) -> None:
    """Scan every XML part before calamine reads the file — the worksheets wherever the workbook
    says they are, the shared strings, everything: a part's real decompressed size, and for any
    part with rows and cells, its extent. UnreadableFile past a limit; the cell limit holds for
    the whole workbook."""
    book = _open_zip(data, limits)
    cells = 0
    for info in book.infolist():
        if info.filename.lower().endswith((".xml", ".rels")):
            cells += _scan_sheet(book, info, limits)
            if cells > limits.cells:
                raise refuse("全部工作表的单元格数量", limits.cells, "个")


@dataclass
class _Extent:
    rows: int = 0  # <row> elements
    cells: int = 0  # <c> elements
    refs: int = 0  # tags that begin <row r=" or <c r=" (an ordinary writer's every row and cell)
    far: bool = False  # a reference past column Z or past the row limit
    unusual: bool = False  # a form of reference or tag ordinary writers do not use
    merged: list = None


def _scan_sheet(book: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> int:
    """The part's cells, after checking its extent against the limits."""
    extent, read, tail = _Extent(merged=[]), 0, b""
    try:
        with book.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                read += len(chunk)
                if read > limits.unzipped_bytes:  # the declared size lied
                    raise refuse("解压后的工作表过大", limits.unzipped_bytes // 1024 // 1024, "MB")
                buffer = tail + chunk
                cut = buffer.rfind(b"<")
                body, tail = (buffer[:cut], buffer[cut:]) if cut > 0 else (buffer, b"")
                _count(body, extent, limits)
            _count(tail, extent, limits)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: a part flagged as encrypted
        raise UnreadableFile(
            f"工作表数据已损坏（{type(exc).__name__}），无法读取：请在 Excel/WPS 中打开后另存再上传"
        ) from None
    if not extent.rows and not extent.cells:
        return 0  # not a worksheet: its size was what mattered
    highest_row, widest = limits.rows - 1, 26  # what the fast path proves: below the row limit, within A–Z
    if extent.far or extent.unusual or extent.refs != extent.rows + extent.cells:
        # an unusual sheet (far or wide references, or rows and cells without references): measure it
        highest_row, widest = _measure(book.read(info))
        check_grid(info.filename, highest_row, widest, limits)
    area = sum((r1 - r0 + 1) * max(0, min(c1, widest) - c0 + 1) for r0, c0, r1, c1 in extent.merged)
    if area > limits.merged_cells:
        raise refuse("合并单元格覆盖的区域", limits.merged_cells, "个单元格")
    return extent.cells


def _count(body: bytes, extent: _Extent, limits: Limits) -> None:
    extent.rows += body.count(b"<row ") + body.count(b"<row>")
    extent.cells += body.count(b"<c ") + body.count(b"<c>")
    # Any other form — single quotes, a line break or spaces around r=, a reference not first, none
    # at all — makes these counts differ, and the part is measured exactly.
    extent.refs += body.count(b'<row r="') + body.count(b'<c r="')
    extent.far = extent.far or _FAR_REF.search(body) is not None
    extent.unusual = extent.unusual or any(form in body for form in _UNUSUAL)
    if b"<mergeCell" in body:
        extent.merged += [
            (int(r0), column_index(c0), int(r1), column_index(c1)) for c0, r0, c1, r1 in _MERGE.findall(body)
        ]
    if extent.rows > limits.rows:
        raise refuse("行数", limits.rows, "行")
    if extent.cells > limits.cells:
        raise refuse("单元格数量", limits.cells, "个")
    if len(extent.merged) > limits.merged_ranges:
        raise refuse("合并单元格区域数量", limits.merged_ranges, "个")


def _measure(xml: bytes) -> tuple[int, int]:
    """(highest row, widest column) as a reader places them: a row or cell without a reference
    follows the one before it."""
    row = column = highest = widest = 0
    for tag, attributes in _TAG.findall(xml):
        ref = _REF.search(attributes)
        if ref and not ref[1] and not ref[2]:
            ref = None
        if tag == b"row":
            row = int(ref[2]) if ref else row + 1
            column = 0
        else:
            if ref and ref[2]:
                row = max(row, int(ref[2]))
            column = column_index(ref[1]) if ref and ref[1] else column + 1
            widest = max(widest, column)
        highest = max(highest, row)
    return highest, widest


def check_grid(name: str, height: int, width: int, limits: Limits = LIMITS) -> None:
    """A sheet's extent — as measured in its XML, or as calamine built the grid, before it becomes
    Python objects — against the row, column and cell limits."""
    if height > limits.rows:
        raise refuse(f"工作表“{name}”使用到第 {height:,} 行", limits.rows, "行")
    if width > limits.columns:
        raise refuse(f"工作表“{name}”使用到第 {width:,} 列", limits.columns, "列")
    if height * width > limits.cells:
        raise refuse(f"工作表“{name}”的表格区域 {height:,} 行 × {width:,} 列", limits.cells, "个单元格")


def read_in_child(data: bytes, limits: Limits = LIMITS) -> list[tuple[str, list[list]]]:
    """The sheets of a file read by python-calamine in a child process (``python -m
    etl.sources.child_reader``) under a memory limit: its (name, grid) pairs, or the UnreadableFile
    it raised, or an UnreadableFile when it ran out of memory, crashed or took too long. Nothing
    the file holds can take this process down. A fresh interpreter, not multiprocessing: a spawned
    child would re-import the parent's ``__main__`` — under Streamlit, the dashboard itself."""
    import pickle
    import subprocess
    import sys

    try:
        done = subprocess.run(
            [sys.executable, "-m", "etl.sources.child_reader", str(limits.child_memory_bytes)],
            input=data,
            capture_output=True,
            timeout=limits.child_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UnreadableFile(
            f"读取该文件超过 {limits.child_seconds} 秒仍未完成：文件过大或结构异常，请另存为 .xlsx 后重试"
        ) from None
    try:
        kind, payload = pickle.loads(done.stdout) if done.returncode == 0 else ("died", None)
    except Exception:
        kind, payload = "died", None
    if kind == "ok":
        return payload
    if kind == "refused":
        raise UnreadableFile(payload)
    raise UnreadableFile(
        "读取该文件时超出内存上限或读取器出错：文件可能已损坏，或声明了过大的表格区域。"
        "请在 Excel/WPS 中打开后另存为 .xlsx 再上传"
    )
