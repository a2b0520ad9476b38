"""What a kind's validator needs to know about the sheet a record came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from etl.normalize import years_in
from etl.sources.table import Table


@dataclass
class SheetContext:
    file_name: str
    name: str
    table: Table
    title: str  # the text above the header (and the sheet's name)
    year: int | None  # the year for dates written without one ('3月15日')
    year_problem: str | None  # why there is no year: none given, or two sources disagree

    def label(self, canonical: str) -> str | None:
        return self.table.column_label(canonical)


def resolve_year(given: int | None, title: str, file_name: str) -> tuple[int | None, str | None]:
    """The year for yearless dates: --year (or the upload form) first, then the sheet title, then
    the file name. A source naming two years (2020-2021学年) gives none; two sources that disagree
    are an error."""
    sources = []
    if given:
        sources.append(("指定的年份", given))
    for label, found in (("表格标题", years_in(title)), ("文件名", years_in(Path(file_name).stem))):
        if len(found) == 1:
            sources.append((label, found.pop()))
    distinct = {y for _, y in sources}
    if len(distinct) > 1:
        said = "，".join(f"{label}为 {y} 年" for label, y in sources)
        return None, f"年份不一致：{said}"
    if not sources:
        return None, "无法确定年份：未指定年份，表格标题和文件名中也没有年份"
    return sources[0][1], None
