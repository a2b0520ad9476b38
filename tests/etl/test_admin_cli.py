"""`etl user|audit|backup|restore` (etl/admin_cli.py): passwords never on the command line, the
audit log of the CLI's own actions, help for every new command."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys

import argon2
import pytest

from etl import accounts, backup
from etl.cli import build_parser, main
from etl.db import Database
from tests import filebuilders as fb

BRANCH = "实验学校党支部"
NEW_COMMANDS = [
    ("user", "add"),
    ("user", "passwd"),
    ("user", "disable"),
    ("user", "list"),
    ("user", "demo"),
    ("audit",),
    ("backup",),
    ("restore",),
]


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    monkeypatch.setattr(accounts, "HASHER", argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def dbpath(tmp_path, run) -> str:
    path = str(tmp_path / "v.duckdb")
    assert run(["branch", "add", "--db", path, BRANCH])[0] == 0
    assert run(["branch", "add", "--db", path, "附属中学党支部"])[0] == 0
    return path


def parser_of(command: tuple[str, ...]) -> argparse.ArgumentParser:
    parser = build_parser()
    for name in command:
        (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        parser = sub.choices[name]
    return parser


@pytest.mark.parametrize("command", NEW_COMMANDS, ids=" ".join)
def test_every_new_command_has_help(command, capsys):
    parser = parser_of(command)
    assert parser.description
    assert all(a.help for a in parser._actions if a.dest != "help"), command
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0 and "usage" in capsys.readouterr().out


def test_no_command_takes_a_password_on_the_command_line(run, dbpath):
    for command in NEW_COMMANDS:
        options = [o for a in parser_of(command)._actions for o in a.option_strings]
        assert not [o for o in options if "pass" in o.lower()], command
    with pytest.raises(SystemExit) as e:
        main(["user", "add", "--db", dbpath, "--username", "x", "--role", "district", "--password", "secret123"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["user", "passwd", "--db", dbpath, "--username", "x", "--pass", "secret123"])
    assert e.value.code == 2


def test_add_a_secretary_with_the_password_from_standard_input(run, dbpath):
    code, out, _ = run(
        ["user", "add", "--db", dbpath, "--username", "Zhang", "--role", "secretary", "--branch", BRANCH],
        "a good password\n",
    )
    assert code == 0 and f"已建立账号“zhang”：书记，{BRANCH}" in out
    assert accounts.authenticate(Database(dbpath), "zhang", "a good password").role == "secretary"
    code, out, _ = run(["user", "passwd", "--db", dbpath, "--username", "zhang"], "another password\r\n")
    assert code == 0 and "新密码" in out
    assert accounts.authenticate(Database(dbpath), "zhang", "another password")


def test_a_real_pipe_into_python_dash_m_etl(dbpath):
    done = subprocess.run(
        [sys.executable, "-m", "etl", "user", "add", "--db", dbpath, "--username", "qu", "--role", "district"],
        input="piped password\n",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "区教育局，全部党支部" in done.stdout, done.stderr
    assert "piped password" not in done.stdout + done.stderr


def test_a_prompt_asks_twice_when_standard_input_is_a_terminal(run, dbpath, monkeypatch):
    answers = iter(["typed password", "typed password", "typed password", "a typo here"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    argv = ["user", "add", "--db", dbpath, "--username", "qu", "--role", "district"]
    monkeypatch.setattr(sys, "stdin", Terminal())
    assert main(argv) == 0
    monkeypatch.setattr(sys, "stdin", Terminal())
    assert main(["user", "passwd", "--db", dbpath, "--username", "qu"]) == 2  # the two did not agree
    assert accounts.authenticate(Database(dbpath), "qu", "typed password")


def test_refusals_exit_1_and_usage_errors_exit_2(run, dbpath):
    add = ["user", "add", "--db", dbpath, "--username", "li", "--role", "leadership"]
    assert run(add, "password123\n")[0] == 2  # no branch
    assert run([*add, "--branch", BRANCH], "")[0] == 2  # no password on standard input
    code, _, err = run([*add, "--branch", BRANCH], "short\n")
    assert code == 1 and "至少 8 个字符" in err
    code, _, err = run([*add, "--branch", "没有的支部"], "password123\n")
    assert code == 1 and "branch add" in err
    assert run([*add, "--branch", BRANCH], "password123\n")[0] == 0
    code, _, err = run([*add, "--branch", BRANCH], "password123\n")
    assert code == 1 and "已被使用" in err
    assert run(["user", "add", "--db", dbpath, "--username", "q", "--role", "district", "--branch", BRANCH])[0] == 2
    code, _, err = run(["user", "disable", "--db", dbpath, "--username", "nobody"])
    assert code == 1 and "没有用户名为“nobody”的账号" in err


def test_list_shows_users_roles_branches_and_disabled(run, dbpath):
    other = "附属中学党支部"
    run(
        ["user", "add", "--db", dbpath, "--username", "zhang", "--role", "secretary", "--branch", BRANCH],
        "pass word 1\n",
    )
    run(
        [
            "user",
            "add",
            "--db",
            dbpath,
            "--username",
            "li",
            "--role",
            "leadership",
            "--branch",
            BRANCH,
            "--branch",
            other,
        ],
        "pass word 2\n",
    )
    run(["user", "add", "--db", dbpath, "--username", "=qu", "--role", "district"], "pass word 3\n")
    assert run(["user", "disable", "--db", dbpath, "--username", "li"])[1].startswith("✔ 已停用账号“li”")
    assert "早已停用" in run(["user", "disable", "--db", dbpath, "--username", "li"])[1]
    lines = run(["user", "list", "--db", dbpath])[1].splitlines()
    assert lines[0].startswith(f"zhang  书记  {BRANCH}  有效")
    assert lines[1].startswith(f"li  领导  {BRANCH}、{other}  已停用")
    assert lines[2].startswith("=qu  区教育局  全部党支部  有效")
    csv = run(["user", "list", "--db", dbpath, "--format", "csv"])[1].splitlines()
    assert csv[0] == "username,role,branches,created_at,created_by,password_changed_at,disabled_at"
    assert csv[3].startswith("'=qu,district,,")  # through the safe writer: no formula
    assert "pass word" not in "\n".join(lines + csv)


def test_no_accounts_says_how_to_make_the_first_secretary(run, dbpath):
    assert "--role secretary" in run(["user", "list", "--db", dbpath])[1]


def test_the_clis_own_actions_are_in_the_audit_log(run, dbpath, tmp_path):
    roster = fb.xlsx(tmp_path / "名册.xlsx", {"名册": fb.ROSTER})
    sheet = fb.xlsx(tmp_path / "签到.xlsx", {"S": [["姓名", "3月15日 主题党日"], ["张三", "√"], ["李四", "×"]]})
    load = ["load", "--db", dbpath, "--branch", BRANCH, "--year", "2020", "--user", "书记"]
    assert run([*load, roster, sheet])[0] == 0
    assert run([*load, roster])[0] == 0  # an identical repeat changes nothing: not an action
    assert run([*load, "--dry-run", sheet])[0] == 0  # a preview neither
    assert run(["undo", "--db", dbpath, "--user", "书记", "2"])[0] == 0
    run(
        ["user", "add", "--db", dbpath, "--username", "li", "--role", "leadership", "--branch", BRANCH], "password123\n"
    )
    assert run(["backup", "--db", dbpath, "--out", tmp_path / "b.duckdb"])[0] == 0
    lines = run(["audit", "--db", dbpath, "--branch", BRANCH])[1].splitlines()
    assert [line.split("  ")[2] for line in lines] == ["装载", "装载", "撤销装载", "添加账号"]  # oldest first
    assert "书记（命令行）" in lines[0] and "#1 名册.xlsx" in lines[0] and "党员名册，装载 4 行" in lines[0]
    assert "#2 签到.xlsx" in lines[2]
    everything = run(["audit", "--db", dbpath, "--format", "csv"])[1].splitlines()
    assert everything[0] == "time,who,via,action,branch,target,detail"
    assert everything[-1].split(",")[3:6] == ["backup", "", str(tmp_path / "b.duckdb")]
    assert run(["audit", "--db", dbpath, "--branch", "附属中学党支部"])[1].startswith("审计日志中没有")
    assert run(["audit", "--db", dbpath, "--since", "2999-01-01"])[1].startswith("审计日志中没有")
    with pytest.raises(SystemExit) as e:
        main(["audit", "--db", dbpath, "--since", "yesterday"])
    assert e.value.code == 2


def test_snapshot_export_trust_and_import_are_in_the_audit_log(run, demo_db, tmp_path):
    school = str(tmp_path / "school.duckdb")
    backup.backup(demo_db, school)
    key = tmp_path / "k.key"
    assert run(["snapshot", "keygen", "--out", key])[0] == 0
    out = tmp_path / "s.zip"
    assert (
        run(
            [
                "snapshot",
                "export",
                "--db",
                school,
                "--branch",
                BRANCH,
                "--period",
                "2025-Q1",
                "--out",
                out,
                "--key",
                key,
            ]
        )[0]
        == 0
    )
    district = str(tmp_path / "district.duckdb")
    assert run(["branch", "add", "--db", district, BRANCH])[0] == 0
    assert run(["snapshot", "trust", "--db", district, "--branch", BRANCH, f"{key}.pub", "--user", "区管理员"])[0] == 0
    assert run(["snapshot", "import", "--db", district, "--user", "区管理员", out])[0] == 0
    exported = run(["audit", "--db", school, "--format", "csv"])[1].splitlines()[1:]
    assert [line.split(",")[3] for line in exported] == ["snapshot_export"]
    assert "2025-Q1，已签名，含姓名" in exported[0]
    imported = run(["audit", "--db", district, "--format", "csv"])[1].splitlines()[1:]
    assert [line.split(",")[1:4] for line in imported] == [
        ["区管理员", "cli", "snapshot_trust"],
        ["区管理员", "cli", "snapshot_import"],
    ]


def test_the_demo_accounts_are_printed_once_and_work(run, tmp_path):
    """`make run` calls this right after building the demo database."""
    from etl import demo

    path = tmp_path / "demo.duckdb"
    demo.build(Database(path), files_dir=tmp_path / "files")
    code, out, _ = run(["user", "demo", "--db", str(path)])
    assert code == 0
    shown = dict(line.split("用户名 ")[1].split("  （")[0].split("  密码 ") for line in out.splitlines()[1:])
    assert set(shown) == {"secretary", "leadership", "district"}
    assert accounts.authenticate(Database(path), "leadership", shown["leadership"]).role == "leadership"
    code, again, _ = run(["user", "demo", "--db", str(path)])
    assert code == 0 and "已经存在" in again and shown["district"] not in again


def test_demo_accounts_are_refused_on_a_database_with_real_loads(run, dbpath, roster_file):
    assert run(["load", "--db", dbpath, "--branch", BRANCH, str(roster_file)])[0] == 0
    code, _, err = run(["user", "demo", "--db", dbpath])
    assert code == 2 and "演示数据库" in err
    assert not accounts.has_accounts(Database(dbpath))
