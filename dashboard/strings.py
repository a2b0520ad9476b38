"""Every piece of UI text, in one place, so wording can change without touching pages or tests
(browser tests find elements by these constants)."""

from etl.scoring.explain import ATTENDANCE_NOTES

APP_TITLE = "先锋指数看板"
APP_ICON = "⭐"  # an emoji: the browser draws it in place. Any other text is fetched as a URL on every run
DEMO_BANNER = (
    "这是演示数据：一个虚构的支部，人名和数字都是生成的。要看本支部的真实情况，请支部书记在“数据上传”页"
    "上传党员名册、考勤、学习强国积分和考评表格（或请管理员把看板指向本支部的数据库）。"
)

# navigation
NAV_SECTION_DASHBOARD = "看板"
NAV_SECTION_DATA = "数据"
PAGE_OVERVIEW = "总览"
PAGE_INDEX = "先锋指数"
PAGE_STARS = "评星定级"
PAGE_ORGLIFE = "组织生活"
PAGE_STUDY = "学习"
PAGE_MEMBER = "党员档案"
PAGE_UPLOAD = "数据上传"

# sidebar
BRANCH = "党支部"
GRAIN = "统计粒度"
GRAINS = {"month": "月", "quarter": "季度", "year": "年"}
PERIOD = "统计期"
DATA_VERSION = "数据版本：{n} 次有效装载"
PAGE_SUBJECT = "{branch} · {period}"
YES, NO = "是", "否"
CHOSEN_PERIOD = "当前统计期"


def trend_span(period) -> str:
    """What a trend at the period's grain covers: 2025 年逐月, 2025 年逐季度, 2021–2025 年逐年."""
    if period.grain == "year":
        return f"{period.year - 4}–{period.year} 年逐年"
    return f"{period.year} 年逐{'月' if period.grain == 'month' else '季度'}"


QUARTERS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def period_words(period) -> str:
    """A period as a reader says it: 2025年11月, 2025年第三季度, 2025年."""
    if period.grain == "year":
        return f"{period.year}年"
    if period.grain == "quarter":
        return f"{period.year}年{QUARTERS[(period.start.month - 1) // 3 + 1]}"
    return f"{period.year}年{period.start.month}月"


# empty state
EMPTY_TITLE = "还没有数据"
EMPTY_BODY = (
    "请先到“数据上传”页上传**党员名册**（姓名、党小组、党员类别），再上传考勤、学习强国积分和考评表。"
    "每种表格都可以在上传页下载模板，照着填写即可。"
)
EMPTY_GO = "前往数据上传"
NO_SCORES = "本统计期没有可计分的数据。"

# KPIs
KPI_BRANCH_INDEX = "堡垒指数"
KPI_MEMBER_MEAN = "平均先锋指数"
KPI_ATTENDANCE = "出勤率"
KPI_COMPLIANCE = "三会一课达标率"
KPI_PARTICIPATION = "学习参与率"
KPI_DELTA_HELP = "箭头：与上一统计期（{previous}）相比。"
NO_CHANGE = "持平"
RULES_NOTE = "规则文件：{source}（版本 {sha}）。"
REQUIREMENT_PER = {"month": "每月", "month_per_group": "每个党小组每月", "quarter": "每季度", "year": "每年"}


def kpi_help(rules, previous: str) -> dict[str, str]:
    """What each KPI is and how it is computed, with the values of the rules file in force."""
    m, b, st_ = rules["member"], rules["branch"], rules["stars"]
    w = m["weights"]
    stars = "、".join(f"≥{t} {'★' * (5 - i)}" for i, t in enumerate(st_["thresholds"]))
    exempt = "、".join(f"{x}月" for x in b.get("exempt_months", [])) or "无"
    reqs = "；".join(f"{name} {REQUIREMENT_PER[r['per']]} {r['count']} 次" for name, r in b["requirements"].items())
    tail = (
        " "
        + KPI_DELTA_HELP.format(previous=previous)
        + " "
        + RULES_NOTE.format(source=rules.source, sha=rules.sha256[:8])
    )
    return {
        "branch_index": (
            f"支部的综合得分（0–100）= {b['member_weight']:g} × 平均先锋指数 + {b['compliance_weight']:g} × 100 × "
            f"三会一课达标率；一方没有可计的，另一方单独计。星级：{stars}，其余 ★。" + tail
        ),
        "member_mean": (
            f"本期有得分的党员先锋指数的平均值。先锋指数 = 基本分（满分 {m['base_max']}：出勤 {w['attendance']}、"
            f"学习强国 {w['study']}、民主评议 {w['appraisal']}，按有数据的项目折算）+ 加分（最多 {m['bonus_cap']}）"
            f"+ 守纪分（{m['discipline_max']} 减扣分）；有清零项的党员为 0。" + tail
        ),
        "attendance": (
            "实到 ÷ 应到：出席、迟到、补学算实到；请假、缺席和未签到算未到；免参加与支委会不计入应到。" + tail
        ),
        "compliance": (f"三会一课已达标的次数 ÷ 本期要求的次数。要求：{reqs}。不作每月要求的月份：{exempt}。" + tail),
        "participation": ("本期至少有一天学习强国积分的党员 ÷ 在册党员。没有上传学习强国积分时不计算。" + tail),
        "study_avg": (
            f"有学习记录的党员日均积分的平均值；累计积分按两次统计之间的天数平均。日均 {rules['study']['daily_target']} 分"
            f"得学习强国满分 {w['study']} 分，不足按比例。"
        ),
        "on_target": f"日均积分达到 {rules['study']['daily_target']} 分的党员占在册党员的比例。",
        "veto_watch": (
            f"连续 {rules['veto']['absent_months']} 个月每次活动都缺席（请假不算缺席，会打断连续）即清零；"
            "“清零预警”列出到本期末已连续缺席、再有 1–2 个月就会清零的党员。"
        ),
    }


STARS_TEXT = "{stars} 星"

# overview
TREND_TITLE = "{span}趋势"
TREND_BRANCH = "堡垒指数"
TREND_MEAN = "平均先锋指数"
STAR_TREND_TITLE = "{span}星级分布（人数）"
ALERTS_TITLE = "需要关注"
ALERT_NEEDS_HELP = "先锋指数低于 {line} 分（需帮扶）：{n} 人"
ALERT_VETO_WATCH = "距“连续 {months} 个月缺席”清零还差 1–2 个月：{n} 人"
ALERT_UNMET = "三会一课未达标：{n} 项"
ALERT_STUDY_DROP = "学习参与率下降 {points:.0f} 个百分点（{before:.0%} → {after:.0%}）"
ALERT_NONE = "本统计期没有需要特别关注的事项。"
ALERT_YEAR_UNMET = "{year} 年至今三会一课未达标：{n} 项"
YEAR_UNMET_FILE = "本年度至今三会一课未达标"
ALERT_UNMEASURED = "本期没有可计分数据的党员（没有应参加的活动、学习记录或评议，不是低分）：{names}"
WHY_VETO_ITEM = "清零：{detail}"
WHY_VETO_ABSENCE = "清零：连续 {months} 个月缺席"
WHY_VETO_APPRAISAL = "清零：民主评议{grade}"
WHY_ATTENDANCE = "出勤率 {rate:.0%}（应到 {expected} 次：{counts}）"
WHY_COUNTS = {"leaves": "请假", "lates": "迟到"}
WHY_ABSENCES = "缺席 {n} 次"
WHY_UNMARKED = "（其中未签到 {n} 次）"
WHY_COUNT = "{what} {n} 次"
WHY_STUDY = "学习强国日均 {avg:.1f} 分（目标 {target:g} 分）"
WHY_APPRAISAL = "民主评议{grade}"
WHY_DEDUCTION = "扣分 {points:g}"
WHY_NOTHING = "各分项均偏低"
OPEN_PROFILE = "查看档案"

# index page
INDEX_DISTRIBUTION = "先锋指数分布"
INDEX_BY_GROUP = "各党小组平均先锋指数（{span}）"
INDEX_BY_CAMPUS = "各校区平均先锋指数（{span}）"
INDEX_TRENDS = {
    "按党小组": ("party_group", INDEX_BY_GROUP),
    "按校区": ("campus", INDEX_BY_CAMPUS),
}  # tab → grouped by, title
INDEX_COMPONENTS = "分项构成（党小组平均）"
INDEX_TABLE = "党员先锋指数明细"

# stars page
STARS_OVER_TIME = "星级分布（{span}）"
STARS_MOVES = "星级变化：{previous} → {current}"
MOVES = {"up": "上升", "down": "下降", "same": "不变"}
STARS_TABLE = "党员星级"
STARS_BRANCH = "支部星级"
STARS_SCORE = "堡垒指数 {index:.2f}"
STARS_HIGH = "四星及以上党员"
STARS_HIGH_HELP = "本期先锋指数 ≥ {four}（四星、五星）的党员人数。"
STARS_HELP_COUNT = "需帮扶党员"
STARS_MOVES_FILE = "星级变化"
PAGE_GLOSSARY = "指标说明"
GLOSSARY_RULES_HINT = "各支部可以有自己的规则文件；下面的数值都来自当前支部正在使用的规则。"
GLOSSARY_SECTIONS = {
    "member_mean": "先锋指数（党员）",
    "branch_index": "堡垒指数（支部）",
    "attendance": "出勤率",
    "compliance": "三会一课达标率",
    "participation": "学习参与率",
    "study_avg": "日均积分（学习）",
    "on_target": "日均达标党员（学习）",
    "veto_watch": "清零预警",
}
GLOSSARY_STARS = "星级与需帮扶"
GLOSSARY_REQUIREMENTS = "三会一课要求"
GLOSSARY_ITEMS = "加分、扣分与清零事项"
GLOSSARY_ITEMS_NOTE = (
    "加分每期最多 {cap} 分，其中志愿服务每期最多 {volunteer_cap} 分；每次缺席扣 {absence} 分、迟到扣 {late} 分"
    "（支委会除外）；连续 {months} 个月缺席或民主评议“{grade}”清零。"
)
EFFECT_BONUS, EFFECT_DEDUCTION, EFFECT_VETO = "加分", "扣分", "清零"
MEMBER_YEAR_VETO = "该党员 {year} 年度清零：{detail}。本期的星级不含这一清零，年度星级以清零计。"


def stars_rule(rules) -> str:
    """The star thresholds of the rules in force, as a caption."""
    thresholds = rules["stars"]["thresholds"]
    steps = "，".join(f"{'★' * (5 - i)} ≥ {t}" for i, t in enumerate(thresholds))
    return (
        f"评星标准（先锋指数与堡垒指数相同）：{steps}，其余 ★；先锋指数低于 {rules['stars']['needs_help_below']} "
        f"为需帮扶；有清零项的党员先锋指数为 0。规则版本 {rules.sha256[:8]}。"
    )


# org life page
COMPLIANCE_CALENDAR = "{year} 年三会一课达标日历（实际/应开展；季度、年度要求记在季末、年末）"
HELD = "已开展"
MISSING = "未开展"
ATTENDANCE_BY_MEMBER = "党员 × 活动类型 出勤率"
ABSENCE_TREND = "缺席与请假（逐月人次）"

# study page
STUDY_PARTICIPATION = "学习参与率（{span}，按党小组）"
STUDY_AVERAGE = "日均积分（{span}，按党小组平均）"
STUDY_NOTE = "学习积分属于个人：本页只显示支部和党小组的参与情况与平均值，不对个人积分排名。"
STUDY_NONE = "本统计期还没有学习强国积分数据。在“数据上传”页上传学习强国积分明细或累计积分后，这里会显示参与情况。"
STUDY_AVG_KPI = "日均积分"
STUDY_AVG_HELP = "有学习记录的党员的日均积分的平均值（累计积分按两次统计之间的天数平均）。"
STUDY_ON_TARGET = "日均达标党员"
STUDY_ON_TARGET_HELP = "日均积分达到 {target} 分（规则中的学习目标）的党员占在册党员的比例。"
STUDY_NOBODY = "本期没有学习的党员"
STUDY_NOBODY_HELP = "本期一天学习积分也没有的在册党员人数；名单只给支部书记跟进，不作排名。"
STUDY_NOBODY_LIST = "本期没有学习记录的党员（{n} 人，按拼音排序）"

# member page
MEMBER_PICK = "选择党员"
MEMBER_TREND = "{name} {span}先锋指数与分项"
MEMBER_COMPONENTS = "本期分项"
MEMBER_ITEMS = "加分、扣分与清零事项"
MEMBER_ATTENDANCE = "考勤记录（每一行的来源）"
MEMBER_STUDY = "学习强国记录（来源）"
MEMBER_VETO = "清零原因"
MEMBER_NO_DATA = "无数据"

# upload page
UPLOAD_TITLE = "上传表格"
UPLOAD_HELP = "支持 .xlsx、.xls、.ods、.csv（UTF-8 或 GBK）。可一次选择多个文件；每个文件单独检查、整份装入或整份拒绝。都通过检查后可点“全部装载”一次装完。"
UPLOAD_WIDGET = "选择文件"
UPLOAD_KIND = "数据类型"
UPLOAD_KIND_AUTO = "自动识别"
UPLOAD_YEAR = "年份（用于“3月15日”这类没有年份的日期）"
UPLOAD_YEAR_NONE = "不指定"
UPLOAD_PARTIAL = "名册只新增和更新（不把缺少的党员标记为离开）"
UPLOAD_DETECTED = "识别为：{kind}"
UPLOAD_PREVIEW = "解析预览（前 {n} 行）"
UPLOAD_REPORT = "检查报告：{n} 个问题，文件不会装载"
UPLOAD_REPORT_DOWNLOAD = "下载检查报告（xlsx）"
UPLOAD_OK = "检查通过：表格 {read} 行，可装载 {rows} 条记录"
UPLOAD_WILL_LEAVE = "这份名册中没有、将标记为离开的党员：{names}"
UPLOAD_UNMARKED = "应到但没有考勤标记、将按缺席（未签到）计的党员"
UPLOAD_REPLACES = "将替换旧记录 {n} 条"
UPLOAD_BRINGS_BACK = "与装载 #{load_id} 的文件相同：它的部分数据已被后来的装载替换，确认后将重新装载，恢复这些数据。"
UPLOAD_REPEAT = "与装载 #{load_id} 的文件完全相同，无需再次装载。"
UPLOAD_CONFIRM = "确认装载"
UPLOAD_WAIT_FOR_ROSTER = "等上面的党员名册装载后再检查：名册装载后，这个文件里的姓名才能与党员一一对应。点“全部装载”会先装载名册，再检查并装载这个文件。"
UPLOAD_DONE = "已装载为 #{load_id}：{rows} 条记录，替换旧记录 {replaced} 条。"
UPLOAD_PROGRESS = "正在装载 {name}……"
HISTORY_TITLE = "装载历史"
HISTORY_UNDO = "撤销"
HISTORY_UNDO_PICK = "选择要撤销的装载"
HISTORY_UNDO_CONFIRM = "确认撤销 #{load_id}（{file}）？被它替换的旧数据会重新生效。"
HISTORY_UNDO_YES = "确认撤销"
HISTORY_UNDO_NO = "取消"
HISTORY_UNDONE = "已撤销装载 #{load_id}。"
TEMPLATES_TITLE = "下载模板"
TEMPLATE_NAMES = {
    "roster": "党员名册模板",
    "attendance": "考勤模板",
    "study": "学习强国积分模板",
    "assessment": "考评模板",
    "record": "工作记录模板",
}
BUSY = "数据库正被{holder}占用（可能有人正在装载数据或运行命令行），请稍候几秒再试。"

# downloads
DOWNLOAD = "下载数据"  # the menu under every chart and table, holding:
DOWNLOAD_CSV = "CSV"
DOWNLOAD_XLSX = "Excel"

# words inside charts, tables and file names
NO_GROUP = "未分组"
NOT_FILLED = "未填写"
WHOLE_BRANCH = "全支部"
LEFT_SUFFIX = "（已离开）"
MONTH_LABEL = "{m}月"
STAR_LEGEND = "星级"
PERCENT_POINTS = "{delta:+.1f} 个百分点"
REPORT_SHEET = "检查报告"
UPLOAD_USER = "看板上传"
HISTORY_FILE = "装载历史"
COMPLIANCE_FILE = "{year}年三会一课达标"
NEEDS_HELP_FILE = "需帮扶党员"
VETO_WATCH_FILE = "清零预警"
UNMET_FILE = "三会一课未达标"
MEMBER_TREND_FILE = "逐月先锋指数"
MEMBER_COMPONENTS_FILE = "分项"
MEMBER_ITEMS_FILE = "考评事项"
MEMBER_ATTENDANCE_FILE = "考勤记录"
MEMBER_STUDY_FILE = "学习记录"

# column labels shown to people
COLUMNS = {
    "member": "党员",
    "name": "姓名",
    "party_group": "党小组",
    "campus": "校区",
    "category": "类别",
    "attendance_rate": "出勤率",
    "avg_daily": "日均积分",
    "appraisal": "民主评议",
    "base": "基本",
    "bonus": "加分",
    "deduction": "扣分",
    "discipline": "守纪",
    "vetoed": "清零",
    "index": "先锋指数",
    "stars": "星级",
    "month": "月份",
    "period": "统计期",
    "requirement": "要求",
    "unit": "周期",
    "required": "应开展",
    "held": "实际",
    "met": "达标",
    "participation": "参与率",
    "activity_type": "活动类型",
    "status": "状态",
    "count": "人次",
    "load_id": "装载编号",
    "kind": "类型",
    "file_name": "文件",
    "rows_read": "读取行数",
    "rows_loaded": "装载行数",
    "rows_replaced": "替换行数",
    "loaded_by": "装载人",
    "loaded_at": "装载时间",
    "undone_at": "撤销时间",
    "previous_stars": "上期星级",
    "move": "变化",
    "expected": "应到",
    "attended": "实到",
    "absences": "缺席",
    "leaves": "请假",
    "lates": "迟到",
    "date": "日期",
    "mark": "标记",
    "note": "说明",
    "src_sheet": "工作表",
    "src_row": "行号",
    "item": "事项",
    "value": "分值",
    "effect": "作用",
    "component": "分项",
    "weight": "满分",
    "score": "得分",
    "detail": "计算",
    "branch_index": "堡垒指数",
    "member_mean": "平均先锋指数",
    "compliance_rate": "达标率",
    "run": "连续缺席月数",
    "people": "人数",
    "points": "积分",
    "as_of": "统计日期",
    "total": "累计积分",
    "total_kind": "积分类型",
    "title": "主题",
    "src_col": "列",
    "grade": "评议等次",
    "level": "级别",
    "year": "年度",
    "gender": "性别",
    "birth": "出生年月",
    "branch": "党支部",
    "school": "学校",
    "rank": "排名",
    "change": "较上期",
    "before_index": "上期堡垒指数",
    "before_stars": "上期星级",
    "moved": "星级变化",
    "members_scored": "参评党员",
    "freshness": "快照状态",
    "created_at": "快照生成时间",
    "signed": "已签名",
    "plan_rate": "工作计划完成率",
    "plan_done": "计划已完成事项",
    "plan_due": "计划应完成事项",
    "plan_overdue": "计划逾期事项",
    "key_fingerprint": "密钥指纹",
    "anonymized": "匿名",
    "import_id": "导入编号",
    "imported_at": "导入时间",
    "imported_by": "导入人",
    "replaced_by": "被替换为",
    "replaced_at": "替换时间",
    "stars_1": "一星人数",
    "stars_2": "二星人数",
    "stars_3": "三星人数",
    "stars_4": "四星人数",
    "stars_5": "五星人数",
    "mean": "平均",
    "joined": "入党时间",
    "position": "职务",
    "is_committee": "支委",
    "member_code": "党员编号",
    "transferred_in": "转入日期",
    "transferred_out": "转出日期",
    "unmarked_count": "未签到人数",
    "unmarked_names": "未签到党员",
    "counted": "计入出勤率",
    "reason": "说明",
    "profile": "党员档案",
    "why": "原因",
    "applicable": "计入",
    "source": "来源",
    "covers": "覆盖日期",
    "per": "频次",
    "also": "也算作",
    "year_vetoed": "本年度清零",
}

# Coded values, per column, as they are shown (data stays in codes; only tables and files translate).
CODE_LABELS = {
    "move": MOVES,
    "moved": MOVES,
    "reason": ATTENDANCE_NOTES,  # why an attendance row counts differently (etl/scoring/explain.py)
}

# --- upload page (batch) ---
UPLOAD_NEW_BRANCH = "新建党支部…"
UPLOAD_NEW_BRANCH_NAME = "新党支部的名称"
UPLOAD_NEW_BRANCH_OK = "确认新建"
UPLOAD_NEW_BRANCH_EMPTY = "请填写新党支部的名称。"
UPLOAD_NEW_BRANCH_HINT = "新建的党支部在第一次装载时写入数据库；请先装载它的党员名册。"
UPLOAD_NEW_BRANCH_SAME = "已有党支部“{name}”，确认后直接选用它，不会新建。"
UPLOAD_NEW_BRANCH_CLOSE = "已有名称相近的党支部：{names}。确实要新建“{name}”吗？如果是同一个支部，请在上面直接选择它。"
UPLOAD_NEW_BRANCH_PENDING = "“{name}”是新建的党支部，还没有数据：第一次装载时建立。请先装载它的党员名册。"
UPLOAD_NEED_BRANCH = "请先在上面选择党支部，或填写名称并确认新建，上传的文件才会检查。"
UPLOAD_TOAST_ONE = "{name} 已装载为 #{load_id}"
UPLOAD_LOADED_PARTLY_REPLACED = "它的部分记录已被之后装载的文件替换（同一活动、同一党员，以后装载的为准）。"
UPLOAD_ALL = "全部装载"
UPLOAD_ALL_HELP = "先装载党员名册，再按上传顺序逐个装载其余文件，每个文件一次事务；遇到第一个出错的文件即停止。"
UPLOAD_ALL_READY = "本批 {n} 个文件可以一次装载。"
UPLOAD_ALL_BLOCKED = "有 {n} 个文件没有通过检查（见下方的检查报告）：请改好后重新上传，或把它们从上面移除，再全部装载。"
UPLOAD_ALL_PROGRESS = "正在装载 {name}（第 {i} 个，共 {n} 个）"
UPLOAD_ALL_CHECKING = "正在检查 {name}（第 {i} 个，共 {n} 个）"
UPLOAD_ALL_DONE = "全部装载完成：{n} 个文件。"
UPLOAD_ALL_LOADED = "已装载：{items}"
UPLOAD_ALL_SKIPPED = "与已有装载相同、未重复装载：{items}"
UPLOAD_ALL_STOPPED = "在“{name}”处停止：{reason}"
UPLOAD_ALL_NOT_LOADED = "未装载：{names}"
UPLOAD_ALL_NOTHING = "没有装载任何文件。"
UPLOAD_ALL_FAILED_CHECK = "检查发现 {n} 个问题（见这个文件的检查报告）"
UPLOAD_ALL_REFUSED = "装载被拒绝（原因见下）"
UPLOAD_ALL_TOAST_DONE = "全部装载完成：{n} 个文件"
UPLOAD_ALL_TOAST_STOPPED = "装载在“{name}”处停止，{done} 个文件已装载"
UPLOAD_ITEM = "#{load_id} {name}"
UPLOAD_DROP_BUTTON = "浏览文件"
UPLOAD_DROP_HINT = "或把文件拖到这里 · 每个文件不超过 {mb} MB · {types}"
UPLOAD_DROP_ACTIVE = "松开鼠标即可上传"
HISTORY_COUNTS_NOTE = (
    "读取行数是表格里的数据行数，装载行数是写入的记录数，两者可以不同：签到表的一行是一个人的多次活动，"
    "会议台账的一行写了几种会议（如“支部党员大会、党课”）时，每位党员每种会议各记一条。"
)
HISTORY_ROWS_READ_HELP = "表格里读到的数据行数（不含表头、合计行和空行）"
HISTORY_ROWS_LOADED_HELP = "写入的记录数：考勤每人每次活动一条，学习积分每人每天一条；一行表格可以写成多条记录"
HISTORY_ROWS_REPLACED_HELP = "被这次装载替换、不再有效的旧记录数"

# --- 区级 (district) ---
NAV_SECTION_DISTRICT = "区级"
PAGE_DISTRICT = "区级总览"
PAGE_BRANCH_CARD = "支部卡片"
PAGE_SNAPSHOT_IMPORT = "快照导入"
DISTRICT_SUBJECT = "全区 · {period}"
DISTRICT_FILE_SUBJECT = "全区"
DISTRICT_EMPTY = (
    "还没有可比较的数据：请在“快照导入”页导入各支部发来的快照文件（.zip）。"
    "各支部的书记在本支部的看板“数据上传”页的“导出快照”一节生成快照，或用命令 python -m etl snapshot export。"
)
DISTRICT_KPI_BRANCHES = "参与比较的支部"
DISTRICT_KPI_BRANCHES_HELP = "本期有堡垒指数的支部数 / 全部支部数。没有快照、也没有原始数据的支部不参与比较。"
DISTRICT_KPI_MEAN = "平均堡垒指数"
DISTRICT_KPI_MEAN_HELP = "参与比较的各支部堡垒指数的算术平均（每个支部一票，不按人数加权）。"
DISTRICT_KPI_HIGH = "四星及以上支部"
DISTRICT_KPI_ATTENTION = "快照需处理"
DISTRICT_KPI_ATTENTION_HELP = (
    "缺快照、快照早于期末、快照生成后本期数据有变动、快照未签名，或没有快照而按原始数据计算的支部数，明细见下方。"
)
DISTRICT_RANKING = "支部排名（{period}）"
DISTRICT_RANKING_NOTE = (
    "排名按堡垒指数从高到低，并列同名次；只比较支部层面的指标，不含党员个人信息。"
    "同一支部既有快照又有原始数据时，以快照（冻结的数字）为准。"
    "工作计划完成率 = 到期末已完成的计划事项 ÷ 应完成的事项（学习强国只展示、不计），按统计期结束后的第一天判断。"
)
DISTRICT_RANKING_FILE = "区级比较"
DISTRICT_BRANCH_STARS = "支部星级分布"
DISTRICT_MEMBER_MIX = "各支部党员星级构成"
SHARE = "占参评党员的比例"
DISTRICT_MEMBER_MIX_ALL = "全区党员星级构成（{n} 个支部合计）"
DISTRICT_MOVES = "较上期（{previous}）星级变化"
DISTRICT_UP = "上升"
DISTRICT_DOWN = "下降"
DISTRICT_NO_MOVES = "没有支部的星级发生变化。"
DISTRICT_NO_PREVIOUS = "上一期没有可比较的数据。"
DISTRICT_MOVE_LINE = "{branch}：{before} → {now}（{change:+.2f}）"
DISTRICT_ATTENTION = "需要处理的快照（{n} 个支部）"
DISTRICT_TREND = "堡垒指数走势（最近 {n} 期，按{grain}）"
DISTRICT_TREND_MEAN = "全区平均"
DISTRICT_TREND_PICK = "加入走势图的支部"
DISTRICT_TREND_PLACEHOLDER = "选择支部（可多选）"
DISTRICT_TREND_FILE = "堡垒指数走势"
DISTRICT_NO_PERIOD = "所选统计粒度下没有可比较的统计期，请换一个统计粒度。"
FRESHNESS = {
    "ok": "正常",
    "unsigned": "未签名",
    "early": "快照早于期末",
    "changed": "快照后本期数据有变动",
    "raw": "无快照（按原始数据计算）",
    "missing": "缺快照",
}
SOURCES = {"snapshot": "快照", "raw": "原始数据"}
SIGNED_WORDS = {True: "已签名", False: "未签名"}
CARD_PICK = "党支部"
CARD_SUBJECT = "{branch} · {period}"
CARD_TREND = "指标走势（最近 {n} 期，按{grain}）"
CARD_TREND_FILE = "支部指标走势"
CARD_MIX = "党员星级构成（{period}）"
CARD_PARTS = "党员平均分项（{period}，匿名汇总）"
CARD_PARTS_FILE = "党员平均分项"
CARD_SOURCE_SNAPSHOT = "数字来自 {created} 生成的快照（{signed}）。"
CARD_SOURCE_RAW = "本期没有快照：数字按本数据库中的原始数据计算。"
CARD_SOURCE_NONE = "本期既没有快照，也没有原始数据。"
CARD_NOT_IN_PERIOD = "这个支部在所选统计期没有数据。"
IMPORT_NOTE = (
    "上传各支部发来的快照文件（.zip，可一次多个）。每个文件先完整校验：内容是否被改动、签名是否来自该支部登记的密钥；"
    "校验通过后才能导入。同一支部同一统计期导入较新的快照会替换较旧的。"
)
IMPORT_UPLOADER = "快照文件"
IMPORT_ALLOW_UNSIGNED = "允许导入未签名的快照（导入后处处标记为“未签名”）"
IMPORT_BUTTON = "导入校验通过的快照"
IMPORT_NOTHING = "没有可以导入的文件。"
IMPORT_VERDICT_OK = "{name}：{verdict}；密钥已在区里登记。"
IMPORT_VERDICT_UNSIGNED = "{name}：{verdict}。"
IMPORT_VERDICT_BAD = "{name}：{reason}"
IMPORT_OUTCOMES = {
    "imported": "{name}：已导入为 #{import_id}（{branch} {period}）。",
    "replaced": "{name}：已导入为 #{import_id}，替换了较旧的快照 #{other_id}（{branch} {period}）。",
    "signed_copy": "{name}：已导入为 #{import_id}，是已导入的未签名快照 #{other_id} 的签名版本，替换之。",
    "same": "{name}：与已导入的快照 #{other_id} 相同，没有改动。",
    "older": "{name}：比已导入的快照 #{other_id} 旧，没有导入。",
}
IMPORT_HISTORY = "导入记录"
IMPORT_HISTORY_FILE = "快照导入记录"
IMPORT_HISTORY_EMPTY = "还没有导入过快照。"
EXPORT_TITLE = "导出快照"
EXPORT_NOTE = (
    "把本支部一个统计期的数字冻结为快照文件（.zip），发给区教育局；旁边附一份 Excel 报告。"
    "快照用服务器上配置的本支部密钥签名，区里据此确认文件来自本支部、没有被改动。"
)
EXPORT_PERIOD = "快照的统计期"
EXPORT_ANONYMIZE = "党员姓名换成编号（匿名快照）"
EXPORT_BUILD = "生成快照"
EXPORT_ZIP = "下载快照（.zip）"
EXPORT_REPORT = "下载报告（Excel）"
EXPORT_SIGNED = "已用密钥 {fingerprint} 签名。"
EXPORT_NO_KEY = (
    "服务器上没有配置本支部的签名密钥，生成的快照未签名：区里要勾选“允许导入未签名的快照”才能导入。"
    "请管理本服务器的同志按使用说明的“快照”一节为本支部配置签名密钥。"
)
CODE_LABELS.update(freshness=FRESHNESS, source=SOURCES)

# --- 登录与账号 (issue 12) ---
SIGNIN_TITLE = "登录先锋指数看板"
SIGNIN_USERNAME = "用户名"
SIGNIN_PASSWORD = "密码"
SIGNIN_SUBMIT = "登录"
SIGNIN_HINT = "账号由支部书记或管理员建立。忘记密码请找支部书记（领导账号）或管理员重设。"
SIGNIN_EXPIRED = "登录页已过期，请再输入一次。"
SIGNIN_FAILED = "登录时出了问题，请稍后再试；如果一直这样，请告诉管理员。"
SIGNIN_REFUSED_NON_LOCAL = (
    "这个看板还没有任何账号，只能在本机（127.0.0.1）上使用。请管理员先用“python -m etl user add”建立第一个书记账号。"
)
NOT_SIGNED_IN = "请先登录。"
SESSION_ENDED = "会话已结束（已退出登录、长时间未操作或账号已停用），请重新登录。"
SIGNIN_LINK = "前往登录"
SIGNED_IN_AS = "已登录：{label}"
SIGNED_IN_SCOPE = "范围：{scope}"
SCOPE_EVERY_BRANCH = "全部党支部"
LOCAL_MODE = "本机模式：尚未建立账号，只在本机地址上提供服务，所有支部可见。"
SIGN_OUT = "退出登录"
SIGNED_OUT = "已退出登录。"
NAV_SECTION_ACCOUNTS = "账号"
PAGE_ACCOUNTS = "账号管理"
PAGE_AUDIT = "审计日志"
PAGE_REFUSED = "你的账号没有查看这个页面的权限。"
ROLE_REFUSED = "你的账号（{role}）不能{what}。"
WHAT_UPLOAD = "上传或装载数据"
WHAT_UNDO = "撤销装载"
WHAT_SNAPSHOT = "导出或签名快照"
WHAT_IMPORT = "导入快照"
WHAT_ACCOUNTS = "管理账号"

ACCOUNTS_INTRO = (
    "你可以为自己所管支部的领导建立账号、重设密码或停用账号。书记和区教育局账号由管理员用命令行建立"
    "（python -m etl user add）。"
)
ACCOUNTS_TABLE = "账号"
ACCOUNTS_COLUMNS = {
    "username": "用户名",
    "role": "角色",
    "branches": "范围",
    "created_at": "建立时间",
    "created_by": "建立人",
    "password_changed_at": "密码修改时间",
    "disabled_at": "停用时间",
}
ACCOUNTS_ADD = "新建领导账号"
ACCOUNTS_NEW_USERNAME = "用户名"
ACCOUNTS_NEW_PASSWORD = "初始密码（至少 8 个字符，当面告诉对方）"
ACCOUNTS_NEW_BRANCHES = "范围（党支部）"
ACCOUNTS_ADD_BUTTON = "建立账号"
ACCOUNTS_ADDED = "已建立领导账号“{username}”。"
ACCOUNTS_RESET = "重设密码"
ACCOUNTS_RESET_WHO = "账号"
ACCOUNTS_RESET_PASSWORD = "新密码（至少 8 个字符）"
ACCOUNTS_RESET_BUTTON = "重设密码"
ACCOUNTS_RESET_DONE = "已重设“{username}”的密码；他的全部会话已结束。"
ACCOUNTS_DISABLE = "停用账号"
ACCOUNTS_DISABLE_BUTTON = "停用"
ACCOUNTS_DISABLED = "已停用“{username}”。"
ACCOUNTS_NONE_MANAGEABLE = "还没有你可以管理的领导账号。"
ACCOUNTS_OWN_PASSWORD = "修改我的密码"
ACCOUNTS_OLD_PASSWORD = "当前密码"
ACCOUNTS_OWN_DONE = "密码已修改，请用新密码重新登录。"
ACCOUNTS_OLD_WRONG = "当前密码不正确。"

AUDIT_INTRO_BRANCHES = "你所管支部的操作记录（最新的在前），时间为北京时间。"
AUDIT_INTRO_ALL = "全部支部和账号的操作记录（最新的在前），时间为北京时间。"
AUDIT_SINCE = "起始日期"
AUDIT_ACTION = "操作"
AUDIT_COLUMNS = {
    "happened_at": "时间",
    "who": "操作人",
    "via": "途径",
    "action": "操作",
    "branch": "党支部",
    "target": "对象",
    "detail": "说明",
}
AUDIT_VIA = {"app": "看板", "cli": "命令行"}
AUDIT_EMPTY = "这段时间没有操作记录。"
AUDIT_FILE = "{scope}_审计日志_{since}起"
AUDIT_LOAD_DETAIL = "{kind}，装载 {rows} 行，替换 {replaced} 行"
UNDO_NOT_THIS_BRANCH = "装载 #{load_id} 不是“{branch}”的装载，不能在这里撤销。"
AUDIT_SIGNED, AUDIT_UNSIGNED = "已签名", "未签名"

# --- 工作计划 (issue 13) ---
PAGE_PLAN = "工作计划"
PLAN_AS_OF = "按 {as_of} 的情况判断（所选统计期结束后的第一天，即期末的情况；统计期还没结束时按今天）· 计划：{plan} · 规则：{rules}"
BRIEF_DOWNLOAD = "下载支委会简报（Word）"
BRIEF_HELP = (
    "本期的一页纸小结：堡垒指数与星级的变化、三会一课、需要帮扶的党员、工作计划逾期与下月到期的事项、学习参与率。"
)
PLAN_KPI_DONE = "已完成"
PLAN_KPI_OVERDUE = "逾期"
PLAN_KPI_BEHIND = "落后"
PLAN_KPI_DUE_SOON = "30 天内到期"
PLAN_KPI_HELP = {
    "done": "计划中已经达到要求的事项数（共 {n} 项，学习强国只展示参与率，不计在内）。",
    "overdue": "已过到期日、仍未达到要求的事项数：需要补做或说明。",
    "behind": "还没到期，但落后于检查点的事项数（例如 6 月 30 日前应开过一次党风廉政建设专题会）。",
    "due_soon": "从 {as_of} 起 30 天内到期、还没有完成的事项（按月、季度的要求各算一次）。",
}
PLAN_TABLE = "事项"
PLAN_COLUMNS = {
    "name": "事项",
    "status": "状态",
    "progress": "完成情况",
    "rate": "进度",
    "due": "到期日",
    "next_checkpoint": "下一个检查点",
    "evidence_count": "证据行",
    "missing_count": "缺少的党员",
}
PLAN_UNIT_COLUMNS = {
    "name": "事项",
    "unit": "期间",
    "due": "到期日",
    "done": "已有",
    "required": "要求",
    "status": "状态",
}
PLAN_EVIDENCE_COLUMNS = {
    "unit": "期间",
    "date": "日期",
    "what": "内容",
    "subject": "对象",
    "file": "文件",
    "sheet": "工作表",
    "row": "行",
}
PLAN_MISSING_COLUMNS = {"unit": "期间", "name": "姓名", "party_group": "党小组", "category": "党员类别"}
PLAN_DUE_SOON = "30 天内到期"
PLAN_DUE_SOON_NONE = "30 天内没有到期的事项。"
PLAN_OVERDUE = "逾期事项"
PLAN_DETAILS = "每个事项的证据与缺少的党员"
PLAN_EVIDENCE = "证据行（{n} 行）"
PLAN_NO_EVIDENCE = "还没有证据行。"
PLAN_MISSING = "缺少的党员（{n} 人）"
PLAN_FILE = "工作计划落实"
PLAN_DOWNLOAD = "下载工作计划落实（xlsx，含证据行和缺少的党员）"
# Streamlit's Markdown colours for an item's status where a label allows them (the expanders): colour
# and word together, never colour alone; tables keep the plain word.
PLAN_STATUS_COLORS = {
    "已完成": "green",
    "进行中": "blue",
    "落后": "orange",
    "未开始": "gray",
    "逾期": "red",
    "仅展示": "gray",
}
PLAN_ALERTS = "工作计划提醒"
PLAN_ALERT_OVERDUE = "逾期：{name}（{unit}，到期 {due}，已有 {done}/{required}）"
PLAN_ALERT_DUE = "将到期：{name}（{unit}，{due} 到期，已有 {done}/{required}）"
PLAN_ALERTS_NONE = "工作计划没有逾期或 30 天内到期的事项。"
PLAN_OPEN = "打开工作计划"
LEDGER_DOWNLOAD = "下载 {year} 年三会一课台账（xlsx）"
LEDGER_FILE = "{branch}_{year}年三会一课台账.xlsx"
DISTRICT_PLAN_RAW_SKIPPED = (
    "按原始数据计算的支部超过 {n} 个：它们的工作计划完成率不在表中（每个支部要现算一遍清单，太慢）；导入它们的快照"
    "（格式 2 起带着工作计划清单）即可显示。"
)
