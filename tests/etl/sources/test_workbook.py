"""Opening files: every format, every encoding, merged cells filled."""

import pytest

from etl.errors import UnreadableFile
from etl.sources.workbook import column_letter, decode_csv_bytes, read_sheets
from tests import filebuilders as fb


def test_xlsx_merged_cells_are_filled_over_their_whole_range(tmp_path):
    path = fb.xlsx(tmp_path / "a.xlsx", {"S": fb.ROSTER + [["钱七", None, "正式"]]}, {"S": ["A1:E1", "B5:B7"]})
    (sheet,) = read_sheets(path.read_bytes(), path.name)
    assert sheet.grid[0][:5] == ["实验学校党支部 党员名册"] * 5
    assert [row[1] for row in sheet.grid[4:7]] == ["第二党小组"] * 3


def test_xls_merged_cells_are_filled(tmp_path):
    rows = [["名册", None, None], ["姓名", "党小组", "党员类别"], ["张三", "一组", "正式"], ["李四", None, "正式"]]
    path = fb.xls(tmp_path / "a.xls", rows, merges=[(0, 0, 0, 2), (2, 3, 1, 1)])
    (sheet,) = read_sheets(path.read_bytes(), path.name)
    assert sheet.grid[3][:3] == ["李四", "一组", "正式"]


@pytest.mark.parametrize(
    "encoding,label",
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (BOM)"), ("gbk", "GB18030/GBK"), ("gb18030", "GB18030/GBK")],
)
def test_csv_encodings(encoding, label):
    text, found = decode_csv_bytes("姓名,党小组\n张三,第一党小组\n".encode(encoding))
    assert text.startswith("姓名,党小组") and found == label


def test_a_short_gbk_file_is_not_misread_by_a_detector():
    data = "姓名\n王五\n".encode("gbk")
    assert decode_csv_bytes(data)[0] == "姓名\n王五\n"


def test_csv_keeps_blank_lines_so_row_numbers_match_excel(tmp_path):
    path = fb.csv_file(tmp_path / "a.csv", [["标题"], [], ["姓名"], ["张三"]], "gbk")
    (sheet,) = read_sheets(path.read_bytes(), path.name)
    assert sheet.grid[3] == ["张三"] and sheet.name == "a"


def test_empty_and_foreign_files_are_refused_in_chinese(tmp_path):
    with pytest.raises(UnreadableFile, match="空的"):
        read_sheets(b"", "a.xlsx")
    with pytest.raises(UnreadableFile, match="无法打开"):
        read_sheets(b"PK\x03\x04 not really a zip", "a.xlsx")
    with pytest.raises(UnreadableFile, match="不支持"):
        read_sheets(b"%PDF-1.4", "a.pdf")


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
