"""The rules file: every number of §4, read with tomllib, checked key by key, hashed."""

import pytest

from etl import rules as rules_module
from etl.errors import BadPeriod, RulesError
from etl.rules import DEFAULT_RULES, load_rules, rules_for
from etl.scoring.period import parse

DEFAULT = DEFAULT_RULES.read_text(encoding="utf-8")


def with_change(tmp_path, old, new):
    path = tmp_path / "r.toml"
    assert old in DEFAULT
    path.write_text(DEFAULT.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_default_rules_hold_the_spec_numbers():
    r = load_rules()
    assert r["member"]["weights"] == {"attendance": 30, "study": 10, "appraisal": 20}
    assert r["appraisal"] == {"优秀": 20, "合格": 16, "基本合格": 8, "不合格": 0}
    assert r["bonus"]["honour_levels"]["国家级"] == 10 and r["bonus"]["volunteer_cap_per_period"] == 6
    assert r["deduction"]["items"]["党费逾期"] == 2 and r["stars"]["thresholds"] == [90, 80, 70, 60]
    assert len(r.sha256) == 64


@pytest.mark.parametrize(
    "old,new,key",
    [
        ("attendance = 30", 'attendance = "thirty"', "member.weights.attendance"),
        ('"区级" = 4', '"区级" = -4', "bonus.honour_levels.区级"),
        ("thresholds = [90, 80, 70, 60]", "thresholds = [60, 70, 80, 90]", "stars.thresholds"),
        ("member_weight = 0.6", "member_weight = 0.7", "branch.member_weight"),
        (
            'per = "quarter", count = 1 }\n"党课"',
            'per = "fortnight", count = 1 }\n"党课"',
            "branch.requirements.支部党员大会.per",
        ),
        ("exempt_months = []", "exempt_months = [13]", "branch.exempt_months"),
        ("daily_target = 30", "", "study.daily_target"),
    ],
)
def test_a_bad_rules_file_names_the_key(tmp_path, old, new, key):
    with pytest.raises(RulesError, match=key.replace(".", r"\.")):
        load_rules(with_change(tmp_path, old, new))


def test_broken_toml_and_missing_file(tmp_path):
    bad = tmp_path / "x.toml"
    bad.write_text("[member\n", encoding="utf-8")
    with pytest.raises(RulesError, match="格式错误"):
        load_rules(bad)
    with pytest.raises(RulesError, match="找不到"):
        load_rules(tmp_path / "none.toml")


def test_switching_study_off_drops_it_from_the_base(tmp_path, db):
    from tests.etl.scoring.helpers import Branch, close

    b = Branch(db, tmp_path)
    b.roster("甲")
    b.daily(("甲", "2020-03-01", 15))
    b.items(("甲", "民主评议", "", "2020", "合格", "", ""))
    on = b.members("2020-03")["甲"]
    off_rules = load_rules(with_change(tmp_path, "study = 10", "study = 0"))
    off = b.members("2020-03", off_rules)["甲"]
    # on: 60 × (5 + 16) ÷ 30 = 42; off: 60 × 16 ÷ 20 = 48
    assert close(on["base"], 42) and close(off["base"], 48)


def test_a_branch_may_have_its_own_rules_file(tmp_path, monkeypatch):
    default = with_change(tmp_path, "per_late = 1", "per_late = 1  # this installation's default")
    monkeypatch.setattr(rules_module, "DEFAULT_RULES", default)
    # a branch without its own file gets the installation's default (not the shipped one)
    assert rules_for("没有自己规则的支部").sha256 == load_rules(default).sha256 != load_rules(DEFAULT_RULES).sha256
    own = tmp_path / "rules" / "实验学校党支部.toml"
    own.parent.mkdir()
    own.write_text(DEFAULT_RULES.read_text(encoding="utf-8").replace("per_late = 1", "per_late = 2"), encoding="utf-8")
    assert rules_for("实验学校党支部").data["deduction"]["per_late"] == 2
    assert rules_for("任意", with_change(tmp_path, "per_late = 1", "per_late = 3")).data["deduction"]["per_late"] == 3


def test_an_edited_rules_file_takes_effect_at_the_next_call(tmp_path, monkeypatch):
    """The app never needs a restart for a changed rules file: it is read again when it changes."""
    monkeypatch.setattr(rules_module, "DEFAULT_RULES", with_change(tmp_path, "per_late = 1", "per_late = 1"))
    own = tmp_path / "rules" / "实验学校党支部.toml"
    own.parent.mkdir()
    own.write_text(DEFAULT_RULES.read_text(encoding="utf-8").replace("per_late = 1", "per_late = 2"), encoding="utf-8")
    before = rules_for("实验学校党支部")
    assert rules_for("实验学校党支部") is before  # unchanged: not parsed again
    own.write_text(DEFAULT_RULES.read_text(encoding="utf-8").replace("per_late = 1", "per_late = 4"), encoding="utf-8")
    after = rules_for("实验学校党支部")
    assert after.data["deduction"]["per_late"] == 4 and after.sha256 != before.sha256


@pytest.mark.parametrize(
    "label,start,end,grain",
    [
        ("2020-03", "2020-03-01", "2020-03-31", "month"),
        ("2020-Q1", "2020-01-01", "2020-03-31", "quarter"),
        ("2020", "2020-01-01", "2020-12-31", "year"),
        ("2020-02", "2020-02-01", "2020-02-29", "month"),
    ],
)
def test_periods(label, start, end, grain):
    p = parse(label)
    assert (str(p.start), str(p.end), p.grain, p.label) == (start, end, grain, label)


def test_previous_periods_and_bad_labels():
    assert parse("2020-01").previous().label == "2019-12" and parse("2020-Q1").previous().label == "2019-Q4"
    assert parse("2020").previous().label == "2019" and [m.label for m in parse("2020-Q2").months()] == [
        "2020-04",
        "2020-05",
        "2020-06",
    ]
    with pytest.raises(BadPeriod, match="统计期") as refused:
        parse("2020-13")
    assert refused.value.exit_code == 2
