"""Every subcommand of a command with subcommands (`snapshot …`, `branch …`) has its description and
help texts, as tests/etl/test_cli.py requires of the top-level commands."""

from __future__ import annotations

import argparse

import pytest

from etl.cli import build_parser, main


def nested() -> dict[tuple[str, str], argparse.ArgumentParser]:
    found = {}
    (top,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    for name, parser in top.choices.items():
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                found.update({(name, child): p for child, p in action.choices.items()})
    return found


def test_the_new_commands_are_there():
    assert {("snapshot", c) for c in ("keygen", "export", "verify", "trust", "import")} <= set(nested())
    assert {("branch", c) for c in ("add", "rename", "list")} <= set(nested())


@pytest.mark.parametrize("command", sorted(nested()), ids=" ".join)
def test_every_subcommand_has_help(command, capsys):
    parser = nested()[command]
    assert parser.description, f"{command} has no description"
    for action in parser._actions:
        if action.dest != "help":
            assert action.help, f"{command} {action.dest} has no help text"
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0 and "usage" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["snapshot"],
        ["snapshot", "export", "--branch", "x", "--out", "o"],  # neither --period nor --year
        ["snapshot", "export", "--branch", "x", "--out", "o", "--period", "2025", "--year", "2025"],
        ["snapshot", "export", "--branch", "x", "--out", "o", "--year", "25"],
        ["snapshot", "verify"],
        ["snapshot", "import"],
        ["branch", "add"],
        ["branch"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
