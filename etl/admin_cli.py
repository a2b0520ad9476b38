"""`python -m etl user|audit|backup|restore` (docs/cli.md, docs/accounts.md): parse, call, print.

The commands of whoever runs the server. A password is read from standard input (its first line)
when that is not a terminal, else from a prompt, twice; never from the command line, where it would
stay in the shell's history and in every process listing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

import pandas as pd

from etl import writers
from etl.db import Database, existing
from etl.errors import EXIT_OK, UsageError


def read_password(prompt: str = "新密码：") -> str:
    """The first line of standard input when it is not a terminal (a script, a pipe, a file); else a
    prompt twice, which must agree. Nothing is echoed."""
    if not sys.stdin.isatty():
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
        if not password:
            raise UsageError("标准输入中没有密码：第一行就是密码")
        return password
    first = getpass.getpass(prompt)
    if getpass.getpass("再输入一次：") != first:
        raise UsageError("两次输入的密码不一致，未作更改")
    return first


def _shown(moment) -> str:
    from etl.snapshot.cli import shown_time

    return shown_time(moment.to_pydatetime() if hasattr(moment, "to_pydatetime") else moment)


# -- the audit records of other commands ----------------------------------------------------------
def audit_load(db: Database, who: str, branch: str, item, result) -> None:
    """`etl load`: a file written (not a preview, not an identical repeat) goes into the audit log."""
    from etl import audit
    from etl.sources import KIND_NAMES

    if result.dry_run or result.repeat_of or result.load_id is None:
        return
    detail = f"{KIND_NAMES.get(item.kind, item.kind)}，装载 {result.rows_loaded} 行，替换 {result.rows_replaced} 行"
    audit.record(db, "load", who, branch, f"#{result.load_id} {item.file_name}", detail)


def audit_undo(db: Database, who: str, done: dict) -> None:
    from etl import audit

    audit.record(db, "undo", who, done["branch"], f"#{done['load_id']} {done['file_name']}")


# -- user ----------------------------------------------------------------------------------------
def cmd_user_add(args, user_of) -> int:
    from etl import accounts

    if args.role == "district" and args.branch:
        raise UsageError("区教育局账号可以查看全部党支部，不需要 --branch")
    if args.role != "district" and not args.branch:
        raise UsageError(f"{accounts.ROLE_NAMES[args.role]}账号至少要有一个 --branch")
    db = Database(args.db)
    db.init()  # the first secretary of a new database may come before any data
    account = accounts.add_user(db, args.username, read_password(), args.role, args.branch, by=user_of(args))
    scope = "全部党支部" if account.role == "district" else "、".join(sorted(account.branches))
    print(f"✔ 已建立账号“{account.username}”：{accounts.ROLE_NAMES[account.role]}，{scope}")
    return EXIT_OK


def cmd_user_passwd(args, user_of) -> int:
    from etl import accounts

    db = existing(args.db)
    accounts.set_password(db, args.username, read_password(), by=user_of(args))
    print(f"✔ 已设置“{accounts.username_key(args.username)}”的新密码；这个账号已登录的会话全部结束")
    return EXIT_OK


def cmd_user_disable(args, user_of) -> int:
    from etl import accounts

    name = accounts.username_key(args.username)
    if accounts.disable(existing(args.db), args.username, by=user_of(args)):
        print(f"✔ 已停用账号“{name}”：不能再登录，已登录的会话全部结束")
    else:
        print(f"= 账号“{name}”早已停用，未作更改。")
    return EXIT_OK


def cmd_user_demo(args) -> int:
    """The demo's accounts (make run, on first building the demo database). Refused on a database
    any real load went into: a demo account there would be a way in with a printed password."""
    from etl import accounts

    db = existing(args.db)
    with db.connect() as con:
        real = con.execute("SELECT count(*) FROM loads WHERE loaded_by <> '演示'").fetchone()[0]
    if real:
        raise UsageError(
            "这个数据库里有不是演示程序装载的数据：演示账号只能建在演示数据库（python -m etl demo 生成）上"
        )
    made = accounts.create_demo_accounts(db)
    if not made:
        print("演示账号已经存在（密码只在建立时显示过一次；忘了可以用 python -m etl user passwd 重设）")
        return EXIT_OK
    print("演示账号（密码只显示这一次）：")
    for m in made:
        scope = "全部党支部" if m.role == "district" else "、".join(m.branches)
        print(f"  {accounts.ROLE_NAMES[m.role]}  用户名 {m.username}  密码 {m.password}  （{scope}）")
    return EXIT_OK


def cmd_user_list(args) -> int:
    from etl import accounts

    frame = accounts.list_users(existing(args.db))
    if args.format == "csv":
        out = pd.DataFrame(
            {
                "username": frame["username"],
                "role": frame["role"],
                "branches": ["、".join(b) for b in frame["branches"]],
                "created_at": frame["created_at"].map(_shown),
                "created_by": frame["created_by"],
                "password_changed_at": frame["password_changed_at"].map(_shown),
                "disabled_at": [_shown(t) if pd.notna(t) else "" for t in frame["disabled_at"]],
            }
        )
        sys.stdout.write(writers.csv_text(out))
        return EXIT_OK
    if frame.empty:
        print(
            "还没有任何账号。建立第一个书记账号：python -m etl user add --username 用户名 --role secretary --branch 党支部"
        )
        return EXIT_OK
    for r in frame.itertuples(index=False):
        scope = "全部党支部" if r.role == "district" else "、".join(r.branches)
        state = f"已停用（{_shown(r.disabled_at)}，{r.disabled_by}）" if pd.notna(r.disabled_at) else "有效"
        print(
            f"{r.username}  {accounts.ROLE_NAMES[r.role]}  {scope}  {state}  "
            f"建立于 {_shown(r.created_at)}（{r.created_by}）  密码设于 {_shown(r.password_changed_at)}"
        )
    return EXIT_OK


# -- audit ---------------------------------------------------------------------------------------
def date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}”不是日期：请写成 2025-03-01") from None


def cmd_audit(args) -> int:
    from etl import audit

    frame = audit.events(existing(args.db), set(args.branch) if args.branch else None, args.since, args.limit)
    frame = frame.iloc[::-1].reset_index(drop=True)  # oldest first, as a log is read
    shown = pd.DataFrame(
        {
            "time": frame["happened_at"].map(_shown),
            "who": frame["who"],
            "via": frame["via"],
            "action": frame["action"],
            "branch": frame["branch"],
            "target": frame["target"],
            "detail": frame["detail"],
        }
    )
    if args.format == "csv":
        sys.stdout.write(writers.csv_text(shown))
        return EXIT_OK
    if shown.empty:
        print("审计日志中没有符合条件的记录。")
        return EXIT_OK
    via_names = {"app": "看板", "cli": "命令行"}
    for r in shown.itertuples(index=False):
        parts = [r.time, f"{r.who}（{via_names.get(r.via, r.via)}）", audit.ACTION_NAMES.get(r.action, r.action)]
        parts += [str(v) for v in (r.branch, r.target, r.detail) if isinstance(v, str) and v]
        print("  ".join(parts))
    return EXIT_OK


# -- backup and restore --------------------------------------------------------------------------
def cmd_backup(args, user_of) -> int:
    from etl import audit, backup

    db = Database(args.db)
    done = backup.backup(db, args.out, force=args.force)
    size = done.path.stat().st_size / 1024 / 1024
    print(
        f"✔ 已备份 {args.db} → {done.path}（结构版本 {done.schema_version}，{len(done.rows)} 张表共 "
        f"{done.total_rows:,} 行，{size:.1f} MB，用时 {done.seconds:.2f} 秒）"
    )
    print("  已核对：副本能打开，结构版本和每张表的行数与数据库相同")
    if done.schema_version >= 7:  # the audit log exists from schema 7 on
        audit.record(db, "backup", user_of(args), None, str(done.path), f"{done.total_rows} 行")
    return EXIT_OK


def cmd_restore(args, user_of) -> int:
    from etl import audit, backup

    done = backup.restore(args.db, args.source, force=args.force)
    print(f"✔ 已用备份 {args.source} 恢复数据库 {args.db}（{done.total_rows:,} 行，结构版本 {done.schema_version}）")
    if done.kept:
        print(f"  原来的数据库保留为 {done.kept}")
    detail = f"原数据库保留为 {done.kept}" if done.kept else None
    audit.record(Database(args.db), "restore", user_of(args), None, str(args.source), detail)
    return EXIT_OK


def register(sub, db_arg, user_of) -> None:
    """The user, audit, backup and restore commands on the main parser's subparsers."""
    from etl.scope import ROLES

    about = "看板账号：添加、设置密码、停用、列出（密码从标准输入或提示读取，从不写在命令行上）"
    p = sub.add_parser("user", help=about, description=about)
    users = p.add_subparsers(dest="user_command", required=True, metavar="SUBCOMMAND", help="账号命令")

    def child(name, func, help_text):
        c = users.add_parser(name, help=help_text, description=help_text)
        c.set_defaults(func=func, user=None)  # user_of(args): VANGUARD_USER or the system user
        db_arg(c)
        return c

    def username(c):
        c.add_argument("--username", required=True, help="用户名（不区分大小写）")

    c = child(
        "add",
        lambda a: cmd_user_add(a, user_of),
        "添加账号：书记、领导或区教育局；密码从标准输入的第一行读取，或在提示下输入两次",
    )
    username(c)
    c.add_argument(
        "--role", required=True, choices=ROLES, help="secretary = 书记；leadership = 领导；district = 区教育局"
    )
    c.add_argument(
        "--branch",
        action="append",
        default=[],
        help="账号可以查看的党支部，可重复给出（党总支管几个支部）；区教育局账号不用给，它能看全部党支部",
    )
    c = child("passwd", lambda a: cmd_user_passwd(a, user_of), "设置账号的新密码（已登录的会话随之结束）")
    username(c)
    c = child("disable", lambda a: cmd_user_disable(a, user_of), "停用账号：不能再登录，已登录的会话结束")
    username(c)
    c = child(
        "demo",
        cmd_user_demo,
        "只用于演示数据库：每个角色建立一个账号（secretary、leadership、district），随机密码只在这里显示一次",
    )
    c = child("list", cmd_user_list, "列出账号：用户名、角色、党支部、是否停用")
    c.add_argument("--format", choices=("table", "csv"), default="table", help="输出格式")

    about = "查看审计日志：谁在什么时候做了什么（登录、账号变更、装载、撤销、快照、备份……）"
    p = sub.add_parser("audit", help=about, description=about)
    p.set_defaults(func=cmd_audit)
    db_arg(p)
    p.add_argument("--branch", action="append", help="只看这个党支部的记录，可重复给出")
    p.add_argument("--since", type=date, help="只看这一天（北京时间）及以后的记录，如 2025-03-01")
    p.add_argument("--limit", type=int, help="只看最近的这么多条")
    p.add_argument("--format", choices=("table", "csv"), default="table", help="输出格式")

    about = "备份数据库：看板运行时也能得到一致的副本（轮到它时才复制），并核对副本"
    p = sub.add_parser("backup", help=about, description=about)
    p.set_defaults(func=lambda a: cmd_backup(a, user_of), user=None)
    db_arg(p)
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="备份文件（一个 DuckDB 数据库文件）")
    p.add_argument("--force", action="store_true", help="备份文件已存在时覆盖它")

    about = "用备份恢复数据库（原数据库保留为 <数据库>.before-restore）"
    p = sub.add_parser("restore", help=about, description=about)
    p.set_defaults(func=lambda a: cmd_restore(a, user_of), user=None)
    db_arg(p)
    p.add_argument("--from", dest="source", required=True, type=Path, metavar="FILE", help="etl backup 生成的备份文件")
    p.add_argument("--force", action="store_true", help="数据库已存在时也恢复（替换它，原文件保留）")
