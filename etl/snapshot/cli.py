"""`python -m etl snapshot …` (docs/cli.md, docs/snapshots.md): parse, call the library, print.

The library is imported inside each command, so that every other command of the CLI starts without
loading pyarrow and cryptography.

Results go to stdout, refusals to stderr; exit 0 ok, 1 when any file was refused, 2 for usage. A
refusal of one file does not stop the others (verify and import take several files), as with `load`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from etl.db import Database, existing
from etl.errors import EXIT_OK, EXIT_REJECTED, SnapshotRejected

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shown_time(moment: dt.datetime) -> str:
    """A stored UTC time (no zone) or an aware one, as Beijing time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}"


def cmd_keygen(args) -> int:
    from etl.snapshot import keys

    public_path, fingerprint = keys.keygen(args.out)
    print(f"✔ 已生成签名密钥：私钥 {args.out}（只有本人可读，请妥善保管，不要放进数据库或发给别人）")
    print(f"  公钥 {public_path}，指纹 {fingerprint}：把公钥文件交给区教育局登记（etl snapshot trust）")
    return EXIT_OK


def cmd_export(args, user_of) -> int:
    from etl import audit
    from etl.rules import rules_for
    from etl.snapshot import export, keys

    periods = export.periods_for(args.period, args.year)
    if args.key and keys.private_key_too_open(args.key):
        print(f"  ⚠ 私钥文件 {args.key} 其他用户也能读取，建议 chmod 600 {args.key}", file=sys.stderr)
    db = existing(args.db)
    outcome = export.export(
        db,
        args.branch,
        periods,
        args.out,
        key_path=args.key,
        anonymize_names=args.anonymize,
        rules=rules_for(args.branch, args.rules),
    )
    if outcome.school is None:
        print(
            f"  ⚠ “{args.branch}”还没有设置学校，清单中的学校为空。设置：python -m etl branch rename "
            f"--db {args.db} “{args.branch}” --school 学校名称",
            file=sys.stderr,
        )
    for period in outcome.without_data:
        print(f"  · {args.branch} {period}：数据库中没有这一期的任何数据，未导出", file=sys.stderr)
    for done in outcome.exported:
        signed = f"已签名，密钥 {done.fingerprint}" if done.fingerprint else "未签名"
        names = "党员姓名已匿名" if args.anonymize else "含党员姓名"
        print(
            f"✔ {args.branch} {done.period} → {done.zip_path}（{signed}；{names}；党员 {done.rows['member_scores']} 行）"
        )
        print(f"  报告 {done.report_path}")
        detail = (
            f"{done.period}，{'已签名' if done.fingerprint else '未签名'}，{'匿名' if args.anonymize else '含姓名'}"
        )
        audit.record(db, "snapshot_export", user_of(args), args.branch, str(done.zip_path), detail)
    if outcome.exported:
        print(f"完成：{len(outcome.exported)} 个快照，用时 {outcome.seconds:.2f} 秒")
    return EXIT_OK if outcome.exported else EXIT_REJECTED


def cmd_verify(args) -> int:
    from etl.snapshot import verify

    status = EXIT_OK
    db = None
    if args.db is not None:
        db = existing(args.db)
    for path in args.files:
        try:
            snapshot = verify.verify_file(path)
            state = None
            if db is not None:
                with db.connect() as con:
                    state = verify.check_trust(con, snapshot)
        except SnapshotRejected as exc:
            print(f"✘ {exc}", file=sys.stderr)
            status = EXIT_REJECTED
            continue
        m = snapshot.manifest
        print(f"✔ {Path(path).name}：{verify.verdict(snapshot)}")
        school = f"（{m.school}）" if m.school else "（未设置学校）"
        rows = "，".join(f"{name} {m.rows(name)} 行" for name in m.table_entries)
        print(f"  {m.branch}{school} {m.period.label}，生成于 {shown_time(m.created_at)}；{rows}")
        if m.plan is None:
            print(f"  快照格式 {m.version}：不含工作计划（plan_items）")
        else:
            print(f"  工作计划（plan_items）：{m.rows('plan_items')} 个事项，状态截至 {m.plan['as_of']}")
        if m.anonymized:
            print("  党员姓名已匿名（代码）")
        if state is None:
            print("  未与区里登记的密钥核对（要核对请加 --db 区数据库）")
        elif snapshot.signed:
            print(f"  密钥已在 {args.db} 中登记为“{m.branch}”的密钥")
        else:
            note = "；该支部已登记密钥，这份快照却没有签名" if state.branch_has_keys else ""
            print(f"  未签名：导入时需要 --allow-unsigned{note}")
    return status


def cmd_trust(args, user_of) -> int:
    from etl import audit
    from etl.snapshot import trust

    db = existing(args.db)
    change = trust.trust(db, args.branch, args.public_key, args.revoke, user_of(args))
    if change.added:
        print(f"✔ 已登记“{change.branch}”的公钥，指纹 {change.added}")
    if change.already:
        print(f"= 公钥 {change.already} 已登记为“{change.branch}”的密钥，未作更改。")
    if change.revoked:
        print(f"✔ 已撤销“{change.branch}”的密钥 {change.revoked}：用它签名的快照不再被接受")
    if change.already_revoked:
        print(f"= 密钥 {change.already_revoked} 早已撤销，未作更改。")
    for fingerprint, what in ((change.added, "登记"), (change.revoked, "撤销")):
        if fingerprint:
            audit.record(db, "snapshot_trust", user_of(args), change.branch, fingerprint, what)
    return EXIT_OK


def _print_import(done) -> None:
    signed = f"由 {done.branch}（密钥 {done.fingerprint}）签名" if done.signed else "未签名，已标记为未签名"
    head = f"{done.file_name}：{done.branch} {done.period}"
    if done.outcome == "same":
        print(f"= {head}：与已导入的快照 #{done.other_id} 完全相同，未作任何更改。")
        return
    if done.outcome == "older":
        print(
            f"= {head}：已有更新的快照 #{done.other_id}（生成于 {shown_time(done.other_created_at)}），"
            "这份较旧，未导入。"
        )
        return
    if done.outcome == "replaced":
        print(
            f"✔ {head}：已导入为快照 #{done.import_id}（{signed}），替换生成于 "
            f"{shown_time(done.other_created_at)} 的旧快照 #{done.other_id}"
        )
    elif done.outcome == "signed_copy":
        print(f"✔ {head}：已导入为快照 #{done.import_id}（{signed}），替换同一份快照未签名的 #{done.other_id}")
    else:
        print(f"✔ {head}：已导入为快照 #{done.import_id}（{signed}）")
    if done.branch_created:
        print(f"  区数据库中原来没有党支部“{done.branch}”，已新建")
    if done.school_note:
        print(f"  {done.school_note}")


def cmd_import(args, user_of) -> int:
    from etl import audit
    from etl.snapshot import importer

    db = Database(args.db)
    db.init()  # a district database is made by its first import
    status = EXIT_OK
    with db.held():  # one batch: the file stays open from the first snapshot to the last
        for path in args.files:
            try:
                done = importer.import_file(db, path, allow_unsigned=args.allow_unsigned, user=user_of(args))
            except SnapshotRejected as exc:
                print(f"✘ {exc}", file=sys.stderr)
                status = EXIT_REJECTED
                continue
            _print_import(done)
            if done.import_id is not None:  # same or older: nothing changed, nothing to record
                target = f"#{done.import_id} {done.file_name}"
                audit.record(
                    db, "snapshot_import", user_of(args), done.branch, target, f"{done.period}，{done.outcome}"
                )
    return status


def year(value: str) -> int:
    if not value.isdigit() or len(value) != 4:
        raise argparse.ArgumentTypeError(f"“{value}”不是年份：请写成 2025")
    return int(value)


def register(sub, db_arg, branch_name, user_of) -> None:
    """The `snapshot` command and its subcommands, on the main parser's subparsers."""
    about = "区级快照：生成密钥、导出、校验、登记公钥、导入（见 docs/snapshots.md）"
    p = sub.add_parser("snapshot", help=about, description=about)
    snap = p.add_subparsers(dest="snapshot_command", required=True, metavar="SUBCOMMAND", help="快照命令")

    def child(name, func, help_text):
        c = snap.add_parser(name, help=help_text, description=help_text)
        c.set_defaults(func=func)
        return c

    c = child("keygen", cmd_keygen, "生成支部的 Ed25519 签名密钥：KEYFILE（私钥，仅本人可读）与 KEYFILE.pub（公钥）")
    c.add_argument("--out", required=True, type=Path, metavar="KEYFILE", help="私钥文件；公钥写到 KEYFILE.pub")

    c = child(
        "export",
        lambda a: cmd_export(a, user_of),
        "把一个支部一个或几个统计期的分数冻结成快照文件（zip），旁边附 xlsx 报告",
    )
    c.set_defaults(user=None)  # who exported, in the audit log: VANGUARD_USER or the system user
    db_arg(c)
    c.add_argument("--branch", required=True, type=branch_name, help="党支部名称")
    which = c.add_mutually_exclusive_group(required=True)
    which.add_argument("--period", action="append", help="统计期：2025-03、2025-Q1 或 2025；可重复给出")
    which.add_argument("--year", type=year, help="这一年的四个季度和全年，各一个文件")
    c.add_argument(
        "--out", required=True, type=Path, help="一个统计期时可以是 .zip 文件；否则是文件夹，每期一个 <支部>_<期间>.zip"
    )
    c.add_argument("--key", type=Path, metavar="KEYFILE", help="用这个私钥签名清单（etl snapshot keygen 生成）")
    c.add_argument(
        "--anonymize", action="store_true", help="党员姓名换成稳定的代码（每个支部自己的密钥，无法由姓名反推）"
    )
    c.add_argument(
        "--rules", type=Path, help="规则文件（默认与 etl scores 相同：data/rules/<支部>.toml 或 data/rules.toml）"
    )

    c = child("verify", cmd_verify, "校验快照文件是否完整、由谁签名；加 --db 时核对区里登记的密钥")
    c.add_argument("--db", type=Path, help="区数据库：核对签名密钥是否登记为该支部的密钥、是否已撤销")
    c.add_argument("files", nargs="+", metavar="FILE", help="快照文件（.zip）")

    c = child("trust", lambda a: cmd_trust(a, user_of), "在区数据库中登记支部的公钥，或撤销旧密钥")
    db_arg(c)
    c.add_argument("--branch", required=True, type=branch_name, help="党支部名称（须已在数据库中，见 etl branch add）")
    c.add_argument("public_key", nargs="?", type=Path, metavar="PUBKEY", help="要登记的公钥文件（KEYFILE.pub）")
    c.add_argument("--revoke", metavar="FINGERPRINT", help="撤销这个指纹的密钥（16 位十六进制）")
    c.add_argument("--user", help="操作人（默认当前系统用户）")

    c = child(
        "import", lambda a: cmd_import(a, user_of), "把快照文件导入区数据库（先整体校验；重复导入不改变任何东西）"
    )
    db_arg(c)
    c.add_argument("--allow-unsigned", action="store_true", help="也导入未签名的快照（标记为未签名）")
    c.add_argument("--user", help="导入人（默认当前系统用户）")
    c.add_argument("files", nargs="+", metavar="FILE", help="快照文件（.zip）")
