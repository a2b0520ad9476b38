"""Files built to break a reader: each is small on disk and says something absurd inside. They are
written at the byte level where a normal writer would refuse to produce them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import xlsxwriter


def _xlsx_bytes(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet("S")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    return buffer.getvalue()


def _rewrite_sheet(data: bytes, edit) -> bytes:
    """The same workbook with its first worksheet's XML passed through ``edit``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = edit(part)
            target.writestr(info.filename, part)
    return out.getvalue()


FAR_CELLS = {
    "double quotes": b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    "single quotes": b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",
    "a line break before r": b'<row\nr="1048576"><c\nr="XFD1048576"><v>1</v></c></row>',
    "lower case": b'<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',
    "no row reference": b'<row><c r="XFD1048576"><v>1</v></c></row>',
    "spaces and single quotes after a line break": b"<row>\n <c\n  r = 'XFD1048576'><v>1</v></c></row>",
}


def far_cell(path: Path, form: str = "double quotes") -> Path:
    """A roster-looking sheet that declares A1:B2 and holds one more cell at XFD1048576, written in
    one of the forms of FAR_CELLS."""
    data = _xlsx_bytes([["姓名", "党小组"], ["张三", "第一党小组"]])
    far = FAR_CELLS[form] + b"</sheetData>"
    path.write_bytes(_rewrite_sheet(data, lambda xml: xml.replace(b"</sheetData>", far)))
    return path


def far_cell_elsewhere(path: Path) -> Path:
    """The far cell in a worksheet stored outside xl/worksheets/ (the workbook's relations say where)."""
    source = zipfile.ZipFile(io.BytesIO(far_cell(path).read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            name = info.filename.replace("xl/worksheets/sheet1.xml", "xl/elsewhere/data1.xml")
            if info.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                part = part.replace(b"worksheets/sheet1.xml", b"elsewhere/data1.xml")
            target.writestr(name, part)
    path.write_bytes(out.getvalue())
    return path


def cut_xml(path: Path, rows: list[list]) -> Path:
    """A valid zip whose worksheet XML stops half way."""
    path.write_bytes(_rewrite_sheet(_xlsx_bytes(rows), lambda xml: xml[: len(xml) // 2]))
    return path


def row_wide_merges(path: Path, count: int = 3000) -> Path:
    """A small roster with ``count`` merged ranges each spanning a whole row (A:XFD)."""
    data = _xlsx_bytes([["姓名", "党小组", "党员类别"], ["张三", "第一党小组", "正式"]])
    merges = "".join(f'<mergeCell ref="A{r}:XFD{r}"/>' for r in range(3, 3 + count)).encode()
    block = b'<mergeCells count="%d">%s</mergeCells>' % (count, merges)
    path.write_bytes(_rewrite_sheet(data, lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + block)))
    return path


def million_rows(path: Path, rows: int = 1_000_000) -> Path:
    """A study sheet of a million rows, written streaming (about 11 MB)."""
    with xlsxwriter.Workbook(path, {"constant_memory": True}) as book:
        sheet = book.add_worksheet("积分")
        sheet.write_row(0, 0, ["姓名", "日期", "当日积分"])
        for r in range(1, rows + 1):
            sheet.write_row(r, 0, ["张三", "2025-03-01", 1])
    return path


def encrypted_flag(path: Path) -> Path:
    """A workbook whose worksheet entry carries the zip's "encrypted" flag."""
    data = bytearray(_xlsx_bytes([["姓名", "党小组", "党员类别"], ["张三", "第一党小组", "正式"]]))
    name = b"xl/worksheets/sheet1.xml"
    for signature, flag_offset, name_offset in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_offset : start + name_offset + len(name)] == name:
                data[start + flag_offset] |= 0x01
            start += 4
    path.write_bytes(bytes(data))
    return path
