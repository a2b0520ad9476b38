"""data/plan.toml and a branch's own plan: read with tomllib, checked key by key, refused naming the key."""

import shutil
import tomllib

import pytest

from etl.errors import EXIT_USAGE, PlanError
from etl.plan import plan_file
from etl.plan.plan_file import load_plan, plan_for

BRANCH = "实验学校党支部"


def test_the_default_plan_has_one_item_per_line_of_the_work_plan():
    plan = load_plan()
    assert [item.key for item in plan.items] == [
        "三会一课",
        "固定学习日",
        "廉政专题会",
        "组织生活会",
        "民主评议",
        "谈心谈话",
        "廉洁承诺书",
        "春训",
        "冬训",
        "春节走访",
        "七一走访",
        "政治学习",
        "学习强国",
    ]
    items = {item.key: item for item in plan.items}
    assert items["三会一课"].evidence.requirements == ("支部党员大会", "支委会", "党小组会", "党课")
    meeting = items["廉政专题会"]
    assert (meeting.per, meeting.required, meeting.due.text) == ("year", 2, "12-31")
    assert [(c.by.text, c.count) for c in meeting.checkpoints] == [("06-30", 1)]
    assert items["民主评议"].due.text == "次年03-31" and items["谈心谈话"].per == "member"
    spring = items["春节走访"]
    assert [w.text for w in spring.window] == ["春节-30", "春节+30"] and spring.due.text == "春节+30"
    assert items["政治学习"].skip_exempt_months and items["政治学习"].required == 2
    assert items["学习强国"].evidence.study and items["学习强国"].target == 0.9


def write(tmp_path, text: str):
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


TALKS = '[items."谈心谈话"]\nevidence = { record_types = ["谈心谈话"] }\nper = "member"\n'


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (TALKS + "requried = 1\n", "items.谈心谈话.requried"),
        (TALKS + "required = 0\n", "items.谈心谈话.required"),
        (TALKS.replace('"member"', '"week"'), "items.谈心谈话.per"),
        (TALKS.replace('["谈心谈话"]', '["谈话记录"]'), "items.谈心谈话.evidence.record_types"),
        (TALKS + 'due = "13-01"\n', "items.谈心谈话.due"),
        (TALKS + 'due = "02-29"\n', "items.谈心谈话.due"),
        (TALKS + 'due = "年底"\n', "items.谈心谈话.due"),
        (TALKS + 'checkpoints = [{ by = "06-30", count = 1 }]\n', "items.谈心谈话.checkpoints"),
        (TALKS + "exempt_months = [2, 7, 8]\n", "items.谈心谈话.exempt_months"),
        (TALKS.replace('["谈心谈话"] }', '["谈心谈话"], study = true }'), "items.谈心谈话.evidence"),
        (
            '[items."政治学习"]\nevidence = { record_types = ["政治学习"] }\nper = "month"\nwindow = ["01-01", "06-30"]\n',
            "items.政治学习.window",
        ),
        (
            '[items."政治学习"]\nevidence = { record_types = ["政治学习"] }\nper = "month"\ndue = "12-31"\n',
            "items.政治学习.due",
        ),
        ('[items."三会一课"]\nevidence = { requirements = ["党课"] }\nrequired = 2\n', "items.三会一课.required"),
        ('[items."学习强国"]\nevidence = { study = true }\nper = "year"\n', "items.学习强国.per"),
        ('[items."学习强国"]\nevidence = { study = true }\ntarget = 1.5\n', "items.学习强国.target"),
        ('[items."春训"]\nevidence = { activity_types = ["春训"] }\n', "items.春训.evidence.activity_types"),
        ('[items."春训"]\nevidence = { requirements = ["党课"], study = true }\n', "items.春训.evidence"),
        ('[items."春训"]\nper = "year"\n', "items.春训"),
        ('title = "计划"\n', "items"),
        (
            'title = "计划"\nexempt_months = [2]\n[items."春训"]\nevidence = { record_types = ["春训"] }\n',
            "计划文件.exempt_months",
        ),
    ],
)
def test_a_wrong_key_or_value_is_refused_naming_its_path(tmp_path, text, key):
    with pytest.raises(PlanError) as refused:
        load_plan(write(tmp_path, text))
    assert key in str(refused.value)
    assert refused.value.exit_code == EXIT_USAGE


def test_a_file_that_is_not_toml_says_so(tmp_path):
    with pytest.raises(PlanError, match="格式错误"):
        load_plan(write(tmp_path, '[items."春训"\n'))
    with pytest.raises(PlanError, match="找不到计划文件"):
        load_plan(tmp_path / "none.toml")


def keys_of(table: dict) -> set[str]:
    found = set()
    for key, value in table.items():
        found.add(key)
        if isinstance(value, dict):
            found |= keys_of(value)
    return found


def test_exempt_months_are_the_rules_files_alone():
    # the plan names no months: a monthly item only says whether the rules' exempt months apply to it
    default = tomllib.loads(plan_file.DEFAULT_PLAN.read_text(encoding="utf-8"))
    assert "exempt_months" not in keys_of(default) and "skip_exempt_months" in keys_of(default)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data/ folder of its own holding a copy of the default plan, so that the repository's is never touched."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(plan_file.DEFAULT_PLAN, folder / "plan.toml")
    monkeypatch.setattr(plan_file, "DEFAULT_PLAN", folder / "plan.toml")
    return folder


def test_a_branch_keeps_its_own_plan_for_a_year_beside_the_default(data_dir):
    own = data_dir / "plans" / BRANCH / "2025.toml"
    own.parent.mkdir(parents=True)
    own.write_text('title = "本支部2025年计划"\n' + TALKS, encoding="utf-8")
    assert plan_for(BRANCH, 2025).title == "本支部2025年计划"
    assert plan_for(BRANCH, 2025).source == str(own)
    assert plan_for(BRANCH, 2026).source == str(data_dir / "plan.toml")  # another year: the default
    assert plan_for("另一个党支部", 2025).source == str(data_dir / "plan.toml")


def test_an_edited_plan_takes_effect_at_the_next_call(data_dir):
    own = data_dir / "plans" / BRANCH / "2025.toml"
    own.parent.mkdir(parents=True)
    own.write_text(TALKS, encoding="utf-8")
    assert plan_for(BRANCH, 2025).items[0].required == 1
    own.write_text(TALKS + "required = 2\n", encoding="utf-8")
    assert plan_for(BRANCH, 2025).items[0].required == 2


def test_a_branch_name_cannot_lead_out_of_the_plans_folder(data_dir):
    outside = data_dir / "2025.toml"
    outside.write_text('title = "不该读到"\n' + TALKS, encoding="utf-8")
    for name in ("../", "..", "a/../..", ".hidden"):
        assert plan_file.branch_plan_path(name, 2025) is None
        assert plan_for(name, 2025).source == str(data_dir / "plan.toml")
