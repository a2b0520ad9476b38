"""The command line (docs/cli.md): exit 0 ok, 1 input rejected, 2 usage error."""

import subprocess
import sys

import pytest

from etl.cli import build_parser, main
from tests import filebuilders as fb

BRANCH = "实验学校党支部"


def subcommands():
    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    return sub.choices


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_command_has_help(name, capsys):
    parser = subcommands()[name]
    assert parser.description, f"{name} has no description"
    for action in parser._actions:
        if action.dest != "help":
            assert action.help, f"{name} {action.dest} has no help text"
    with pytest.raises(SystemExit) as exit_info:
        main([name, "--help"])
    assert exit_info.value.code == 0 and "usage" in capsys.readouterr().out


def test_usage_errors_exit_2(tmp_path):
    with pytest.raises(SystemExit) as e:
        main(["load", "--db", str(tmp_path / "x.duckdb")])  # no --branch, no file
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["frobnicate"])
    assert e.value.code == 2


def test_init_load_loads_undo(tmp_path, capsys):
    db = str(tmp_path / "v.duckdb")
    assert main(["init", "--db", db]) == 0
    roster = fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER})
    sheet = fb.xlsx(tmp_path / "签到.xlsx", {"S": [["姓名", "3月15日 主题党日"], ["张三", "√"], ["李四", "×"]]})
    # The roster goes first whatever the order on the command line; the year comes from --year.
    assert (
        main(["load", "--db", db, "--branch", BRANCH, "--year", "2020", "--user", "书记", str(sheet), str(roster)]) == 0
    )
    out = capsys.readouterr().out
    assert "已装载为 #1" in out and "已装载为 #2" in out and "2020-03-15 主题党日：2 人（王五、赵六）" in out
    assert main(["loads", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert "#1" in listing and "党员名册" in listing and "书记" in listing and "有效" in listing
    assert main(["undo", "--db", db, "1"]) == 1  # the sign-in sheet depends on the roster
    assert "不能撤销名册装载 #1" in capsys.readouterr().err
    assert main(["undo", "--db", db, "2"]) == 0
    assert main(["loads", "--db", db, "--branch", BRANCH]) == 0
    assert "已撤销" in capsys.readouterr().out


def test_a_rejected_file_prints_the_report_and_exits_1(tmp_path, capsys):
    db = str(tmp_path / "v.duckdb")
    roster = fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER})
    assert main(["load", "--db", db, "--branch", BRANCH, str(roster)]) == 0
    bad = fb.xlsx(tmp_path / "bad.xlsx", {"S": [["姓名", "3月15日 主题党日"], ["张叁", "√"]]})
    assert main(["load", "--db", db, "--branch", BRANCH, str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.xlsx" in err and "第 2 行" in err and "名册中没有这位党员" in err and "--year" in err
    assert main(["load", "--db", db, "--branch", BRANCH, str(tmp_path / "nope.xlsx")]) == 1


def test_python_dash_m_etl_runs():
    done = subprocess.run([sys.executable, "-m", "etl", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "load" in done.stdout


def refusal_classes():
    import etl.errors as errors

    return [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, Exception)]


def test_every_refusal_is_one_family_with_its_exit_code():
    from etl import errors

    for cls in refusal_classes():
        assert issubclass(cls, errors.VanguardError), cls
        assert cls.exit_code in (errors.EXIT_REJECTED, errors.EXIT_USAGE), cls
    assert errors.BadPeriod.exit_code == errors.RulesError.exit_code == 2
    assert errors.MissingDatabase.exit_code == errors.UnknownBranch.exit_code == 1
    assert not issubclass(errors.MissingDatabase, FileNotFoundError)


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["--period", "2020-13"], 2, "无法识别的统计期"),  # a bad period: usage
        (["--period", "2020-03", "--rules", "{tmp}/none.toml"], 2, "找不到规则文件"),
        (["--period", "2020-03", "--db", "{tmp}/none.duckdb"], 1, "数据库文件不存在"),
        (["--period", "2020-03", "--branch", "没有的支部"], 1, "没有党支部“没有的支部”"),
        (["--period", "2020-03", "--explain", "没有的人"], 1, "找不到唯一的党员"),
    ],
)
def test_each_refusal_prints_its_message_and_exits_with_its_code(tmp_path, capsys, args, code, message):
    db = tmp_path / "v.duckdb"
    assert (
        main(["load", "--db", str(db), "--branch", BRANCH, str(fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER}))])
        == 0
    )
    capsys.readouterr()
    args = [a.format(tmp=tmp_path) for a in args]
    base = {"--db": str(db), "--branch": BRANCH}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    argv = ["scores", *[x for pair in base.items() for x in pair]]
    assert main(argv) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
