from __future__ import annotations

import io
import sys

import pytest

from etl.cli import main


@pytest.fixture
def run(capsys, monkeypatch):
    """Run the command line in this process: ``run(argv, stdin text)`` → (exit code, stdout, stderr).
    Standard input is a pipe holding ``stdin``, not a terminal; a traceback on stderr fails the test."""

    def go(argv, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return go
