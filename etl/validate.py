"""Row issues and the report a secretary reads: file, sheet, row as Excel shows it, column, value,
reason and a hint to fix it — in Chinese. Validation returns these; it never raises for bad input."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

REPORT_COLUMNS = {
    "file": "文件",
    "sheet": "工作表",
    "row": "行号",
    "column": "列",
    "value": "内容",
    "reason": "问题",
    "hint": "修改建议",
}


@dataclass(frozen=True)
class RowIssue:
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str
    reason: str
    hint: str = ""

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.column} 列")
        return " ".join(parts)


MAX_ISSUES = 200  # a report keeps the first issues and counts the rest: its cost stays linear
MAX_VALUE_CHARS = 200  # a cell's value as a report quotes it


def rows_text(rows, limit: int = 10) -> str:
    """'第 3、4、5 行', or the first rows and how many there are: a message never grows with the file."""
    rows = list(rows)
    shown = "、".join(str(r) for r in rows[:limit])
    return f"第 {shown} 行" if len(rows) <= limit else f"第 {shown}… 行（共 {len(rows)} 行）"


def clip(value: str, limit: int = MAX_VALUE_CHARS) -> str:
    return value if len(value) <= limit else f"{value[:limit]}…（共 {len(value)} 个字符）"


@dataclass
class Report:
    """What reading and validating one file found: issues refuse the file, notes only inform. The
    first MAX_ISSUES issues are kept; ``count`` counts them all."""

    file: str
    issues: list[RowIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    count: int = 0

    @property
    def ok(self) -> bool:
        return self.count == 0

    def add(self, sheet, row, column, value, reason, hint="") -> None:
        self.count += 1
        if len(self.issues) >= MAX_ISSUES:
            return
        self.issues.append(
            RowIssue(
                self.file,
                sheet,
                None if row is None else int(row),
                column,
                "" if value is None else clip(str(value)),
                reason,
                hint,
            )
        )

    def frame(self) -> pd.DataFrame:
        """The issues as a table with Chinese headers, for display and for the xlsx download."""
        rows = [{k: ("" if v is None else v) for k, v in asdict(i).items()} for i in self.issues]
        return pd.DataFrame(rows, columns=list(REPORT_COLUMNS)).rename(columns=REPORT_COLUMNS)

    def text(self, limit: int = MAX_ISSUES) -> str:
        lines = [f"{self.file}：共 {self.count} 个问题，文件未装载。"]
        for issue in self.issues[:limit]:
            value = f"“{issue.value}”" if issue.value else ""
            hint = f"（{issue.hint}）" if issue.hint else ""
            lines.append(f"  {issue.where()} {value}：{issue.reason}{hint}")
        if self.count > min(limit, len(self.issues)):
            lines.append(f"  ……另有 {self.count - min(limit, len(self.issues))} 个问题未列出")
        return "\n".join(lines)
