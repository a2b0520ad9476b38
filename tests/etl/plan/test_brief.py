"""The 支委会 brief (etl brief, docs/plan.md): the .docx opened with python-docx — its title, the 堡垒指数
that `etl scores` gives, 持平 for an unchanged value, the overdue plan items named, one page of content —
the numbers and the wording apart, and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import unicodedata

import docx
import pytest

from etl.plan import brief_text
from etl.plan.brief import brief_document, brief_facts, default_as_of, file_name
from etl.plan.checklist import checklist, overdue
from etl.rules import today
from etl.scoring.period import parse
from tests.conftest import BRANCH

PERIODS = ["2025-12", "2025-Q4", "2025"]


def opened(data: bytes) -> list[str]:
    """The document's paragraphs, as Word shows them."""
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def section(paragraphs: list[str], heading: str) -> list[str]:
    """The paragraphs under one heading, up to the next."""
    start = paragraphs.index(heading) + 1
    headings = {brief_text.H_INDEX, brief_text.H_MEETINGS, brief_text.H_MEMBERS, brief_text.H_PLAN, brief_text.H_STUDY}
    end = next((i for i in range(start, len(paragraphs)) if paragraphs[i] in headings), len(paragraphs))
    return paragraphs[start:end]


def branch_scores(run, db, label: str) -> dict:
    """`etl scores --level branch` of the period, as the CSV gives it."""
    code, out, err = run(
        ["scores", "--db", db.path, "--branch", BRANCH, "--period", label, "--level", "branch", "--format", "csv"]
    )
    assert code == 0, err
    return next(csv.DictReader(io.StringIO(out)))


@pytest.fixture(scope="module")
def briefs(demo_db) -> dict[str, tuple]:
    """(facts, paragraphs of the written document, the document) of each period of the demo branch."""
    found = {}
    with demo_db.connect() as con:
        for label in PERIODS:
            data = brief_document(con, BRANCH, label)
            found[label] = (brief_facts(con, BRANCH, label), opened(data), data)
    return found


@pytest.mark.parametrize("label", PERIODS)
def test_the_title_and_the_index_are_those_of_etl_scores(run, demo_db, briefs, label):
    facts, paragraphs, _ = briefs[label]
    words = {"2025-12": "2025年12月", "2025-Q4": "2025年第四季度", "2025": "2025年"}[label]
    assert paragraphs[0] == f"{BRANCH}{words}支委会工作简报"
    now = branch_scores(run, demo_db, label)
    index = section(paragraphs, brief_text.H_INDEX)[0]
    assert index.startswith(f"本期堡垒指数 {now['index']}，{now['stars']} 星（{'★' * int(now['stars'])}）")
    assert f"{facts.now['index']:.2f}" == now["index"]  # the facts hold the engine's number, the text shows it
    if label == "2025":  # the demo has no 2024: nothing to compare with
        assert "上期（2024年）没有数据，无从比较" in index
        return
    before = branch_scores(run, demo_db, parse(label).previous().label)
    delta = float(now["index"]) - float(before["index"])
    said = "与上期持平" if abs(delta) < 0.005 else f"比上期{'上升' if delta > 0 else '下降'} {abs(delta):.2f}"
    assert said in index and f"{before['index']}，{before['stars']} 星" in index


def test_an_unchanged_value_reads_持平_never_plus_zero(briefs):
    """The demo's 三会一课 were all held in November and in December: 100.0 % both times."""
    facts, paragraphs, _ = briefs["2025-12"]
    assert facts.now["compliance_rate"] == facts.before["compliance_rate"]
    parts = section(paragraphs, brief_text.H_INDEX)[1]
    assert f"三会一课达标率 {facts.now['compliance_rate']:.1%}，与上期持平" in parts
    assert "+0" not in "".join(paragraphs) and " 0.00" not in parts


def test_the_same_index_two_months_running_reads_持平(branch, db):
    """Every member at every meeting in March and in April: the same 先锋指数, the same 堡垒指数."""
    meetings = [
        ("主题党日", ["张三", "李四", "王五", "钱七"]),
        ("党小组会", ["张三", "李四"]),
        ("党小组会", ["王五", "钱七"]),
    ]
    rows = []
    for month in ("03", "04"):
        for day, (kind, names) in enumerate(meetings, start=10):
            rows += [(f"2025-{month}-{day}", kind, name, "出席") for name in names]
    branch.attendance(*rows)
    with db.connect() as con:
        facts = brief_facts(con, BRANCH, "2025-04")
        paragraphs = opened(brief_document(con, BRANCH, "2025-04"))
    assert facts.now["index"] == facts.before["index"] and facts.compared
    index = section(paragraphs, brief_text.H_INDEX)[0]
    assert f"本期堡垒指数 {facts.now['index']:.2f}" in index and "与上期持平" in index and "星级不变" in index
    assert section(paragraphs, brief_text.H_MEMBERS) == ["本期没有先锋指数低于 60 分的党员。"]
    assert section(paragraphs, brief_text.H_STUDY) == [brief_text.STUDY_NONE]


def test_the_overdue_plan_items_are_named_with_who_is_missing(demo_db, briefs):
    facts, paragraphs, _ = briefs["2025-Q4"]
    assert facts.as_of == dt.date(2026, 1, 1)  # the quarter as it closed: due on 12-31 and not met is overdue
    with demo_db.connect() as con:
        plan = checklist(con, BRANCH, 2025, as_of=facts.as_of)
    late = overdue(plan)
    assert len(late)  # the demo's gaps: the 七一 visit, one 专题会 of two, a member never talked to …
    said = section(paragraphs, brief_text.H_PLAN)
    assert said[0].startswith(f"已逾期 {late['key'].nunique()} 项：")
    for name in late["name"].unique():
        assert f"{name}（" in said[0]
    for key in ("谈心谈话", "廉洁承诺书"):
        missing = plan.missing_of(key)["name"].tolist()
        assert missing and all(name in said[0] for name in missing)
    assert said[1].startswith("2026年1月1日至1月31日到期")  # the month after the quarter, from the 2026 plan


def test_the_members_named_are_the_most_urgent_and_at_most_five(briefs):
    facts, paragraphs, _ = briefs["2025"]
    low = facts.needs_help
    assert len(low) > brief_text.MAX_NAMED  # the demo's year: more than five below 60
    said = section(paragraphs, brief_text.H_MEMBERS)
    assert said[0] == f"先锋指数低于 60 分的党员 {len(low)} 人，以下列出最需关注的 {brief_text.MAX_NAMED} 人："
    named = [line.split("（", 1)[0] for line in said[1 : 1 + brief_text.MAX_NAMED]]
    assert named == low["member"].head(brief_text.MAX_NAMED).tolist()
    vetoed = low[low["vetoed"]]["member"].tolist()
    assert vetoed and named[: len(vetoed)] == vetoed  # a 清零 first, and said why
    assert all("清零" in line for line in said[1 : 1 + len(vetoed)])


def lines_on_a4(paragraph: str) -> int:
    """Lines the paragraph takes at 五号 (10.5 pt) across A4 less 2.2 cm margins: 44 Chinese characters,
    a Latin letter or digit half of one."""
    width = sum(1 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in paragraph)
    return max(1, math.ceil(width / 44))


@pytest.mark.parametrize("label", PERIODS)
def test_one_page_of_content(briefs, label):
    """python-docx cannot paginate: an A4 page at 五号 and 1.15 spacing holds about 46 lines; the brief
    keeps within 40 (the title is larger) and 1,300 characters."""
    _, paragraphs, data = briefs[label]
    assert len(paragraphs) <= 24
    assert sum(len(p) for p in paragraphs) <= 1300
    assert sum(lines_on_a4(p) for p in paragraphs) + 1 <= 40
    page = docx.Document(io.BytesIO(data)).sections[0]
    sizes = [page.page_width, page.page_height, page.left_margin, page.right_margin, page.top_margin]
    assert [round(size.cm, 1) for size in sizes] == [21.0, 29.7, 2.2, 2.2, 2.0]


def test_a_period_not_yet_over_is_read_today():
    now = today()
    assert default_as_of(parse(f"{now.year}-{now.month:02d}")) == now
    assert default_as_of(parse("2025-Q4")) == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("now", "before", "percent", "said"),
    [
        (79.104, 79.1, False, "与上期持平"),  # both 79.10 as shown
        (80.0, 79.5, False, "比上期上升 0.50"),
        (0.845, 0.9138, True, "比上期下降 6.9 个百分点"),
        (1.0, 0.9996, True, "与上期持平"),  # both 100.0 %
    ],
)
def test_a_change_is_told_as_the_numbers_are_shown(now, before, percent, said):
    assert brief_text.change(now, before, percent) == said


def test_the_download_is_named_by_branch_and_period():
    assert file_name(BRANCH, "2025-q4") == f"{BRANCH}_2025-Q4_支委会简报.docx"
    assert file_name(BRANCH, parse("2025-11")) == f"{BRANCH}_2025-11_支委会简报.docx"


# -- etl brief --------------------------------------------------------------------------------------------
def brief(run, db, out, *extra):
    return run(["brief", "--db", db.path, "--branch", BRANCH, "--period", "2025-Q4", "--out", out, *extra])


def test_the_cli_writes_the_brief_and_says_so(run, demo_db, tmp_path, briefs):
    out = tmp_path / "简报.docx"
    code, said, err = brief(run, demo_db, out)
    assert code == 0, err
    assert opened(out.read_bytes()) == briefs["2025-Q4"][1]
    facts = briefs["2025-Q4"][0]
    assert said.strip() == f"✔ {brief_text.title(facts)} → {out}：{brief_text.headline(facts)}"
    assert not (tmp_path / "简报.docx.partial").exists()


def test_the_cli_never_replaces_a_file_unless_forced(run, demo_db, tmp_path):
    out = tmp_path / "简报.docx"
    out.write_bytes(b"the secretary's own notes")
    code, said, err = brief(run, demo_db, out)
    assert (code, said) == (1, "") and "已存在" in err and "--force" in err
    assert out.read_bytes() == b"the secretary's own notes"
    code, _, err = brief(run, demo_db, out, "--force")
    assert code == 0, err
    assert opened(out.read_bytes())[0].endswith("支委会工作简报")


def test_the_cli_as_of_sets_the_plans_date(run, demo_db, tmp_path):
    out = tmp_path / "简报.docx"
    code, _, err = brief(run, demo_db, out, "--as-of", "2025-12-31")
    assert code == 0, err
    paragraphs = opened(out.read_bytes())
    assert "数据截至 2025年12月31日" in paragraphs[1]
    assert "冬训" not in section(paragraphs, brief_text.H_PLAN)[0]  # due on 12-31: not yet overdue that day


def test_the_cli_refusals(run, demo_db, tmp_path, capsys):
    out = tmp_path / "简报.docx"
    code, _, err = run(["brief", "--db", demo_db.path, "--branch", "没有这个支部", "--period", "2025", "--out", out])
    assert code == 1 and "没有党支部“没有这个支部”" in err and not out.exists()
    code, _, err = run(
        ["brief", "--db", tmp_path / "none.duckdb", "--branch", BRANCH, "--period", "2025", "--out", out]
    )
    assert code == 1 and "数据库文件不存在" in err
    code, _, err = brief(run, demo_db, tmp_path / "简报.txt")
    assert code == 2 and "请以 .docx 结尾" in err
    code, _, err = run(["brief", "--db", demo_db.path, "--branch", BRANCH, "--period", "1800", "--out", out])
    assert code == 2 and "--period 1800 不在合理范围内" in err
    with pytest.raises(SystemExit) as exit_info:
        run(["brief", "--db", demo_db.path, "--branch", BRANCH, "--period", "2025-13", "--out", out])
    assert exit_info.value.code == 2 and "无法识别的统计期“2025-13”" in capsys.readouterr().err


def test_the_cli_has_help_on_every_option(run, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run(["brief", "--help"])
    said = capsys.readouterr().out
    assert exit_info.value.code == 0
    for option in ("--db", "--branch", "--period", "--out", "--as-of", "--rules", "--force"):
        assert option in said
