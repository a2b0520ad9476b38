"""Real files for the tests, written the way secretaries' tools write them."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """An .xlsx with one sheet per entry; ``merges`` names ranges to merge, per sheet ('A1:D1')."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for rng in (merges or {}).get(title, []):
            sheet.merge_cells(rng)
    book.save(path)
    return path


def xls(path: Path, rows: list[list], merges: list[tuple[int, int, int, int]] = (), sheet: str = "Sheet1") -> Path:
    """A legacy .xls (BIFF8) written by xlwt; merges are (r0, r1, c0, c1), 0-based inclusive."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    merged_cells = {(r, c) for r0, r1, c0, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r0, r1, c0, c1 in merges:
        ws.write_merge(r0, r1, c0, c1, rows[r0][c0])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and (r, c) not in merged_cells:
                ws.write(r, c, value)
    book.save(str(path))
    return path


def csv_file(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


ROSTER = [
    ["实验学校党支部 党员名册"],
    ["姓名", "党小组", "党员类别", "是否支委", "校区"],
    ["张三", "第一党小组", "正式党员", "是", "本部"],
    ["李四", "第一党小组", "预备党员", "", "本部"],
    ["王五", "第二党小组", "正式", "否", "东校区"],
    ["赵六", "第二党小组", "正式", "", "东校区"],
]
