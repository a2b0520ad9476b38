"""Blank-but-for-examples workbooks for each kind, with the Chinese headers the readers expect."""

from __future__ import annotations

from pathlib import Path

from etl import writers

TEMPLATES = {
    "roster": (
        "党员名册",
        [
            "姓名",
            "党员编号",
            "党小组",
            "党员类别",
            "性别",
            "出生年月",
            "入党时间",
            "职务",
            "校区",
            "是否支委",
            "转入日期",
            "转出日期",
        ],
        [
            [
                "张三",
                "T001",
                "第一党小组",
                "正式党员",
                "男",
                "1985.03",
                "2008-07-01",
                "支部书记",
                "本部校区",
                "是",
                "",
                "",
            ],
            ["李四", "T002", "第二党小组", "预备党员", "女", "1996.10", "2024-06-28", "教师", "东校区", "否", "", ""],
        ],
    ),
    "attendance": (
        "考勤",
        ["日期", "活动类型", "主题", "姓名", "状态"],
        [
            ["2025-03-15", "主题党日", "学习全国两会精神", "张三", "出席"],
            ["2025-03-15", "主题党日", "学习全国两会精神", "李四", "请假"],
            ["2025-03-20", "党小组会", "", "李四", "迟到"],
        ],
    ),
    "study": ("学习强国积分", ["姓名", "日期", "当日积分"], [["张三", "2025-03-01", 32], ["李四", "2025-03-01", 25]]),
    "assessment": (
        "考评",
        ["姓名", "项目", "日期", "年度", "评议等次", "级别", "分值", "说明"],
        [
            ["张三", "民主评议", "2026-01-12", "2025", "优秀", "", "", ""],
            ["李四", "表彰", "2025-05-04", "", "", "区级", "", "优秀青年教师"],
            ["李四", "志愿服务", "2025-06-01", "", "", "", "", "社区服务"],
        ],
    ),
}
NOTES = {
    "roster": "党员类别填“正式”或“预备”；是否支委填“是/否”（空白视为否）；不要填写身份证号和电话。",
    "attendance": "状态可填：出席 √、迟到、请假、缺席 ×、补学、免。也可用签到汇总表：第一列姓名，每列一次活动（如“3月15日 主题党日”）。",
    "study": "也可上传累计积分：姓名、统计日期、总积分（或年度积分）。",
    "assessment": "项目不在规则目录中时，请在“分值”列写明加减分（加分为正、扣分为负）。",
}


def build(kind: str) -> bytes:
    title, headers, rows = TEMPLATES[kind]
    sheet = writers.Sheet(
        title,
        [[f"{title}（示例行可删除）  {NOTES[kind]}"], headers, *rows],
        header_row=1,
        widths=[max(10, len(h) * 2 + 4) for h in headers],
    )
    return writers.workbook([sheet])


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, (title, _, _) in TEMPLATES.items():
        path = folder / f"{title}模板.xlsx"
        path.write_bytes(build(kind))
        paths.append(path)
    return paths
