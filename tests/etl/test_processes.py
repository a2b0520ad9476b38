"""The one-writer rule between real processes, and a load killed mid-way."""

import os
import signal
import subprocess
import sys
import textwrap
import time

from etl.db import Database
from tests import filebuilders as fb
from tests.conftest import BRANCH, load_path, table_contents

HOLDER = textwrap.dedent("""
    import sys, time
    from etl.db import Database
    with Database(sys.argv[1]).connect() as con:   # the dashboard, rendering a page
        con.execute("SELECT count(*) FROM loads").fetchall()
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def start_holder(db_path, seconds):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "holding"
    return proc


def cli_load(db_path, path, wait, **env):
    return subprocess.run(
        [sys.executable, "-m", "etl", "load", "--db", str(db_path), "--branch", BRANCH, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "VANGUARD_LOCK_WAIT": str(wait), **env},
        timeout=120,
    )


def test_a_cli_load_waits_for_a_short_holder_and_succeeds(db, roster_file):
    holder = start_holder(db.path, 2)
    started = time.monotonic()
    done = cli_load(db.path, roster_file, wait=20)
    holder.wait()
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 1.5  # it really waited for the other process
    assert "已装载为 #1" in done.stdout


def test_a_cli_load_gives_up_with_a_chinese_message_not_a_lock_error(db, roster_file):
    holder = start_holder(db.path, 30)
    try:
        done = cli_load(db.path, roster_file, wait=1)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    assert f"PID {holder.pid}" in done.stderr and "看板" in done.stderr and "数据上传" in done.stderr
    assert "Traceback" not in done.stderr and "IOException" not in done.stderr
    assert table_contents(db)["loads"] == []


def test_two_threads_of_one_process_write_one_after_the_other(db, roster_file, tmp_path):
    import threading

    load_path(db, roster_file)
    files = [
        fb.xlsx(
            tmp_path / f"a{i}.xlsx",
            {"S": [["日期", "活动类型", "姓名", "状态"], [f"2020-03-{i + 1:02d}", "主题党日", "张三", "√"]]},
        )
        for i in range(6)
    ]
    errors = []

    def worker(path):
        try:
            load_path(db, path)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(p,)) for p in files]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    assert len(table_contents(db)["attendance"]) == 6


def test_a_load_killed_mid_way_leaves_the_database_as_it_was(db, roster_file, tmp_path):
    load_path(db, roster_file)
    rows = [["姓名", "日期", "当日积分"]] + [
        [name, f"2020-{m:02d}-{d:02d}", (d * 7 + m) % 40]
        for name in ("张三", "李四", "王五", "赵六")
        for m in range(1, 13)
        for d in range(1, 29)
    ]
    big = fb.csv_file(tmp_path / "study.csv", rows)
    before = table_contents(db)
    size_before = db.path.stat().st_size
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl", "load", "--db", str(db.path), "--branch", BRANCH, str(big)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "VANGUARD_HOLD_BEFORE_COMMIT": "30"},
    )
    for line in proc.stderr:  # wait until every row is written inside the open transaction
        if "正在提交" in line:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert table_contents(Database(db.path)) == before
    assert db.path.stat().st_size >= size_before
    # And the same file loads normally afterwards.
    _, result = load_path(db, big)
    assert result.rows_loaded == len(rows) - 1
