"""The child process of :func:`etl.sources.bounds.read_in_child`: reads a spreadsheet's bytes from
standard input with python-calamine under a memory limit (argv[1], bytes of address space) and
writes its answer, pickled, to standard output: ("ok", [(sheet name, grid), ...]), ("refused",
message) or ("error", exception type). If the reader aborts, the parent sees a dead child."""

from __future__ import annotations

import pickle
import resource
import sys


def main() -> int:
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    data = sys.stdin.buffer.read()
    from etl.errors import UnreadableFile
    from etl.sources.workbook import read_grids

    try:
        answer = ("ok", read_grids(data))
    except UnreadableFile as exc:
        answer = ("refused", str(exc))
    except BaseException as exc:
        answer = ("error", type(exc).__name__)
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main())
