"""python -m etl — a thin layer over the library. Exit 0 ok, 1 input rejected, 2 usage error."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

import pandas as pd

from etl import admin_cli, load, pipeline, writers
from etl.db import Database, default_db_path, existing
from etl.errors import EXIT_OK, EXIT_REJECTED, SnapshotRejected, UsageError, VanguardError
from etl.normalize import text
from etl.plan import brief_cli, ledger_cli
from etl.plan import cli as plan_cli
from etl.snapshot import cli as snapshot_cli
from etl.sources import KIND_NAMES, KINDS, bounds


def _user(args) -> str:
    return args.user or os.environ.get("VANGUARD_USER") or getpass.getuser()


def cmd_init(args) -> int:
    db = Database(args.db)
    version = db.init()
    if db.last_backup:  # init copies an existing database before it migrates the schema
        print(f"升级结构之前已备份到 {db.last_backup}")
    print(f"数据库已就绪：{args.db}（结构版本 {version}）")
    return EXIT_OK


def _print_result(name: str, kind: str, result: load.LoadResult) -> None:
    if result.repeat_of:
        print(f"= {name}：与装载 #{result.repeat_of} 的文件完全相同，未作任何更改。")
        return
    verb = "预览（未写入）" if result.dry_run else f"已装载为 #{result.load_id}"
    print(f"✔ {name}：{KIND_NAMES[kind]}，{verb}：装载 {result.rows_loaded} 行，替换旧数据 {result.rows_replaced} 行。")
    if result.brings_back:
        print(f"  与装载 #{result.brings_back} 的文件相同：它的部分数据已被后来的装载替换，现重新装载，恢复这些数据。")
    if result.left_members:
        print(f"  名册中没有、标记为离开的党员（{len(result.left_members)} 人）：{'、'.join(result.left_members)}")
    if result.unmarked is not None and not result.unmarked.empty:
        print("  应到但没有考勤标记的党员（计为缺席·未签到）：")
        for r in result.unmarked.itertuples(index=False):
            print(f"    {r.date} {r.activity_type}：{r.unmarked_count} 人（{r.unmarked_names}）")


def _check_year(year: int | None, rules) -> None:
    if year is not None and not rules.year_in_window(year):
        first, last = rules.date_window()
        raise UsageError(f"--year {year} 不在合理范围内（{first.year} 至 {last.year}）")


def cmd_load(args) -> int:
    from etl.rules import rules_for

    _check_year(args.year, rules_for(args.branch))
    db = Database(args.db)
    db.init()
    parsed = []
    for path in args.files:
        try:
            data_size = Path(path).stat().st_size
            if data_size > bounds.LIMITS.file_bytes:  # refused before it is read into memory
                raise bounds.refuse(
                    f"文件 {path} 大小 {data_size / 1024 / 1024:.1f} MB", bounds.LIMITS.file_bytes // 1024 // 1024, "MB"
                )
            data = Path(path).read_bytes()
        except OSError as exc:
            print(f"✘ 无法读取文件 {path}：{exc.strerror}", file=sys.stderr)
            return EXIT_REJECTED
        parsed.append(pipeline.read_file(data, Path(path).name, kind=args.kind, year=args.year))
    # A roster goes first, so the other files of the same command can match its members.
    parsed.sort(key=lambda p: p.kind != "roster")
    status = EXIT_OK
    with db.held():  # one batch: the file stays open from the first file to the last
        for item in parsed:
            prepared = pipeline.validate(db, args.branch, item)
            for note in item.report.notes:
                print(f"  · {note}")
            if not prepared.ok:
                print(prepared.report.text(), file=sys.stderr)
                status = EXIT_REJECTED
                continue
            progress = lambda fraction, message: print(f"  … {message}", file=sys.stderr, flush=True)  # noqa: E731
            result = pipeline.commit(
                db, prepared, _user(args), partial=args.partial, dry_run=args.dry_run, progress=progress
            )
            _print_result(item.file_name, item.kind, result)
            admin_cli.audit_load(db, _user(args), args.branch, item, result)
    return status


def cmd_loads(args) -> int:
    frame = load.list_loads(existing(args.db), args.branch)
    if frame.empty:
        print("还没有任何装载记录。")
        return EXIT_OK
    for r in frame.itertuples():
        state = f"已撤销（{r.undone_at:%Y-%m-%d %H:%M}，{r.undone_by}）" if pd.notna(r.undone_at) else "有效"
        print(
            f"#{r.load_id:<4} {r.loaded_at:%Y-%m-%d %H:%M}  {r.branch}  {KIND_NAMES.get(r.kind, r.kind)}  {r.file_name}  "
            f"读 {r.rows_read} / 装 {r.rows_loaded} / 替换 {r.rows_replaced}  {r.loaded_by}  {state}  sha256:{r.sha256[:12]}"
        )
    return EXIT_OK


def cmd_undo(args) -> int:
    db = existing(args.db)
    done = load.undo_load(db, args.load_id, _user(args))
    print(f"已撤销装载 #{done['load_id']}（{done['branch']}，{KIND_NAMES[done['kind']]}，{done['file_name']}）。")
    admin_cli.audit_undo(db, _user(args), done)
    return EXIT_OK


def cmd_scores(args) -> int:
    from etl.rules import rules_for
    from etl.scoring import explain
    from etl.scoring.period import parse
    from etl.snapshot import district

    period = parse(args.period)  # a bad period is a usage error before the database is opened
    rules = rules_for(args.branch or "", args.rules)
    _check_year(period.year, rules)
    db = existing(args.db)
    # a branch and period without raw rows are answered from an imported snapshot (docs/snapshots.md)
    if args.all_branches:
        if args.explain:
            raise UsageError("--explain 说明一位党员的得分，请用 --branch 指定党支部")
        frame = district.all_scores(db, args.period, args.level, rules if args.rules else None)
        _print_scores(args, frame, {"branch": None}, rules)
        return EXIT_OK
    if args.explain:
        if district.snapshot_only(db, args.branch, args.period):
            raise SnapshotRejected(
                f"“{args.branch}”{args.period} 的分数来自导入的快照，数据库中没有它的原始数据：无法列出得分背后的源数据行"
            )
        with db.connect() as con:
            print(explain.explain_text(explain.explain_member(con, args.branch, args.period, args.explain, rules)))
        return EXIT_OK
    frame = district.scores(db, args.branch, args.period, args.level, rules)
    _print_scores(args, frame, {"branch": args.branch}, rules)
    return EXIT_OK


def _print_scores(args, frame: pd.DataFrame, head: dict, rules) -> None:
    import json

    from etl.scoring import service

    text = service.formatted(frame)
    sources = frame.attrs.get("rules_source", rules.source)
    hashes = frame.attrs.get("rules_sha256", rules.sha256)
    frozen = frame.attrs.get("snapshots", [])  # branches answered from imported snapshots
    notes = [_snapshot_note(s) for s in frozen]
    if args.format == "csv":
        sys.stdout.write(writers.csv_text(text))
    elif args.format == "json":
        extra = {"snapshots": [{**s, "created_at": str(s["created_at"])} for s in frozen]} if frozen else {}
        print(
            json.dumps(
                {
                    **head,
                    "period": args.period,
                    "level": args.level,
                    "rules": {"source": sources, "sha256": hashes},
                    **extra,
                    "rows": json.loads(frame.to_json(orient="records", force_ascii=False)),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(text.to_string(index=False))
        for source, sha in zip(*(v if isinstance(v, list) else [v] for v in (sources, hashes))):
            print(f"规则：{source}（sha256:{sha[:16]}）")
        for note in notes:
            print(note)
        return
    for note in notes:  # csv and json stay clean on stdout; where the numbers came from goes to stderr
        print(note, file=sys.stderr)


def _snapshot_note(snapshot: dict) -> str:
    from etl.snapshot.cli import shown_time

    signed = f"由密钥 {snapshot['key_fingerprint']} 签名" if snapshot["signed"] else "未签名"
    named = "，党员已匿名" if snapshot["anonymized"] else ""
    return (
        f"快照：{snapshot['branch']} 来自导入的快照 #{snapshot['import_id']}"
        f"（{snapshot['file_name']}，生成于 {shown_time(snapshot['created_at'])}，{signed}{named}）"
    )


def cmd_demo(args) -> int:
    from etl import demo, demo_district

    if args.scale == "branch":
        print(demo.build(Database(args.db), scale=args.scale, files_dir=args.files))
        return EXIT_OK
    if args.scale == "small":
        return _demo_small(Database(args.db), args.files)
    db = Database(args.db)
    folder = args.files or db.path.parent / "district-files"
    print(f"演示数据：{args.branches} 个党支部，每个 {args.members} 名党员，{demo.YEAR} 年全年（表格在 {folder}）")
    totals = demo_district.build(
        db, folder, args.branches, args.members, progress=lambda line: print(f"  {line}", flush=True)
    )
    print(
        f"完成：{totals['branches']} 个党支部，{totals['files']} 个文件，{totals['rows']:,} 行；"
        f"写表格 {totals['write_seconds']:.1f} 秒，装载 {totals['load_seconds']:.1f} 秒"
        f"（{totals['rows'] / max(totals['load_seconds'], 1e-9):,.0f} 行/秒）"
    )
    return EXIT_OK


def _demo_small(db: Database, files: Path | None) -> int:
    from etl import demo_small

    years = "、".join(map(str, demo_small.YEARS))
    print(f"演示数据：{len(demo_small.CHARACTERS)} 个党支部（各属一所学校），{years} 两年")
    done = demo_small.build(db, files, progress=lambda line: print(f"  {line}", flush=True))
    s = done["seconds"]
    print(
        f"完成：{done['branches']} 个党支部，表格 {done['files']} 个（在 {done['files_dir']}），装载 {done['rows']:,} 行；"
        f"快照 {done['snapshots']} 个及其报告、密钥与区数据库在 {done['out']}；"
        f"写表格 {s['write']:.1f} 秒，装载 {s['load']:.1f} 秒，导出 {s['export']:.1f} 秒，导入 {s['import']:.1f} 秒，"
        f"共 {done['total_seconds']:.1f} 秒"
    )
    return EXIT_OK


def cmd_branch_add(args) -> int:
    from etl import branches

    change = branches.add(Database(args.db), args.name, args.school)
    school = f"（{change.school}）" if change.school else "（未设置学校）"
    if change.outcome == "added":
        print(f"✔ 已建立党支部“{change.name}”{school}")
    elif change.outcome == "school_set":
        print(f"✔ 已把党支部“{change.name}”的学校设为“{change.school}”")
    else:
        print(f"= 党支部“{change.name}”{school}已存在，未作更改。")
    return EXIT_OK


def cmd_branch_rename(args) -> int:
    from etl import branches

    change = branches.rename(existing(args.db), args.name, args.new_name, args.school)
    if change.outcome == "unchanged":
        print(f"= 党支部“{change.name}”的名称和学校都没有变化，未作更改。")
        return EXIT_OK
    if change.name != change.old_name:
        print(f"✔ 已把党支部“{change.old_name}”改名为“{change.name}”（它的全部数据随之改名）")
    if change.school != change.old_school:
        print(f"✔ “{change.name}”的学校：{change.old_school or '（未设置）'} → {change.school}")
    if change.rules_file_left:
        print(
            f"  ⚠ 支部自己的规则文件按名称查找：{change.rules_file_left} 不再生效，"
            f"请把它改名为 data/rules/{change.name}.toml",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_branch_list(args) -> int:
    from etl import branches

    frame = branches.list_branches(existing(args.db), args.school)
    if frame.empty:
        print("还没有任何党支部。" if args.school is None else f"没有属于“{args.school}”的党支部。")
        return EXIT_OK
    for r in frame.itertuples(index=False):
        print(
            f"{r.name}  学校：{r.school or '（未设置）'}  装载 {r.loads} 次  快照 {r.snapshots} 份  "
            f"登记密钥 {r.keys} 个  建立于 {r.created_at:%Y-%m-%d}"
        )
    return EXIT_OK


def branch_name(value: str) -> str:
    """A branch name as typed: surrounding spaces dropped; blank is a usage error (exit 2)."""
    name = text(value)
    if not name:
        raise argparse.ArgumentTypeError("党支部名称不能为空")
    return name


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="先锋指数看板：数据装载与计分命令行工具")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, func, help_text):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    def db_arg(p):
        p.add_argument(
            "--db",
            type=Path,
            default=default_db_path(),
            help="DuckDB 数据库文件（默认 data/vanguard.duckdb，或环境变量 VANGUARD_DB）",
        )

    p = command("init", cmd_init, "创建数据库，或把已有数据库升级到最新结构")
    db_arg(p)

    p = command("load", cmd_load, "装载表格文件（每个文件一个事务：要么全部装载，要么一行不装）")
    db_arg(p)
    p.add_argument("--branch", required=True, type=branch_name, help="党支部名称")
    p.add_argument("--kind", choices=("auto", *KINDS), default="auto", help="数据类型（默认按表头自动识别）")
    p.add_argument("--year", type=int, help="没有写年份的日期（如“3月15日”）所属的年份")
    p.add_argument("--user", help="装载人（默认当前系统用户）")
    p.add_argument("--partial", action="store_true", help="名册只新增和更新，不把缺少的党员标记为离开")
    p.add_argument("--dry-run", action="store_true", help="只检查并预览结果，不写入数据库")
    p.add_argument("files", nargs="+", metavar="FILE", help=".xlsx / .xls / .ods / .csv 文件")

    p = command("loads", cmd_loads, "列出装载历史")
    db_arg(p)
    p.add_argument("--branch", type=branch_name, help="只看这个党支部")

    p = command("undo", cmd_undo, "撤销一次装载（被它替换的旧数据重新生效）")
    db_arg(p)
    p.add_argument("--user", help="撤销人（默认当前系统用户）")
    p.add_argument("load_id", type=int, metavar="LOAD_ID", help="装载编号（见 loads 命令）")

    p = command("scores", cmd_scores, "计算先锋指数（党员）或堡垒指数（支部）")
    db_arg(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--branch", type=branch_name, help="党支部名称")
    which.add_argument(
        "--all-branches",
        action="store_true",
        help="数据库中的全部党支部，一次算出（每行带党支部名称；各支部按自己的规则文件计算）",
    )
    p.add_argument("--period", required=True, help="统计期：2020-03（月）、2020-Q1（季度）或 2020（年）")
    p.add_argument(
        "--level",
        choices=("member", "branch"),
        default="member",
        help="member = 每位党员的先锋指数；branch = 支部堡垒指数",
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="输出格式")
    p.add_argument("--rules", type=Path, help="规则文件（默认 data/rules/<支部>.toml，没有则用 data/rules.toml）")
    p.add_argument("--explain", metavar="MEMBER", help="说明这位党员的得分：每个分项、加扣分、清零及其来源行")

    p = sub.add_parser(
        "branch",
        help="党支部及其学校：建立、改名或设置学校、列出",
        description="党支部及其学校：建立、改名或设置学校、列出",
    )
    branch_sub = p.add_subparsers(dest="branch_command", required=True, metavar="SUBCOMMAND", help="党支部命令")
    c = branch_sub.add_parser(
        "add",
        help="建立党支部（或为还没有学校的支部设置学校）",
        description="建立党支部（或为还没有学校的支部设置学校）",
    )
    c.set_defaults(func=cmd_branch_add)
    db_arg(c)
    c.add_argument("--school", help="所属学校（快照的清单写明它，区里按学校归类）")
    c.add_argument("name", type=branch_name, metavar="NAME", help="党支部名称")
    c = branch_sub.add_parser(
        "rename",
        help="给党支部改名，或改它的学校（数据随之不变）",
        description="给党支部改名，或改它的学校（数据随之不变）",
    )
    c.set_defaults(func=cmd_branch_rename)
    db_arg(c)
    c.add_argument("--school", help="新的所属学校")
    c.add_argument("name", type=branch_name, metavar="NAME", help="现在的党支部名称")
    c.add_argument("new_name", nargs="?", type=branch_name, metavar="NEW_NAME", help="新名称（只改学校时省略）")
    c = branch_sub.add_parser("list", help="列出党支部及其学校", description="列出党支部及其学校")
    c.set_defaults(func=cmd_branch_list)
    db_arg(c)
    c.add_argument("--school", help="只列出这个学校的党支部")

    snapshot_cli.register(sub, db_arg, branch_name, _user)
    plan_cli.register(sub, db_arg, branch_name)  # plan: the year's work plan as a checklist
    ledger_cli.register(sub, db_arg, branch_name)  # ledger: the year's 三会一课 台账 as an xlsx
    brief_cli.register(sub, db_arg, branch_name)  # brief: the 支委会's one-page brief of a period as a docx
    admin_cli.register(sub, db_arg, _user)  # user, audit, backup, restore

    p = command("demo", cmd_demo, "生成演示表格并通过同样的读取流程装入数据库")
    db_arg(p)
    p.add_argument(
        "--scale",
        choices=("branch", "small", "district"),
        default="branch",
        help="演示规模：branch = 一个支部一整年（7 个文件）；small = 六个各有特点的支部两年，及其签名快照和"
        "只由快照建成的区数据库（在 <数据库名>-snapshots/）；district = 全区各校党支部一整年（默认 300 个支部）",
    )
    p.add_argument("--branches", type=int, default=300, help="district 规模的党支部数（默认 300）")
    p.add_argument("--members", type=int, default=60, help="district 规模每个党支部的党员数（默认 60）")
    p.add_argument(
        "--files",
        type=Path,
        help="演示表格写到哪个目录（默认数据库旁的 demo-files/；small 为 <数据库名>-files/，district 为 district-files/）",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at interpreter exit
        return status
    except VanguardError as exc:  # every refusal: its Chinese message and its exit code (1 or 2)
        print(f"✘ {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (`etl scores … | head -1`): what it wanted it has; end quietly. Point
        # stdout at /dev/null so that Python's own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
