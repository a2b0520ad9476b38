"""`etl snapshot keygen` and `etl snapshot trust`: the key files, and the district's register."""

from __future__ import annotations

import os
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from etl import branches
from etl.cli import main
from etl.db import Database
from etl.snapshot import keys, trust
from tests.etl.snapshot.conftest import BRANCH, SCHOOL


def test_keygen_writes_a_private_key_only_its_owner_can_read_and_the_public_key(tmp_path, capsys):
    old_umask = os.umask(0)  # even a careless umask must not open the private key
    try:
        assert main(["snapshot", "keygen", "--out", str(tmp_path / "branch.key")]) == 0
    finally:
        os.umask(old_umask)
    private, public = tmp_path / "branch.key", tmp_path / "branch.key.pub"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    key = keys.load_private(private)
    assert isinstance(key, Ed25519PrivateKey)
    assert keys.load_public(public) == keys.raw_public(key.public_key())
    out = capsys.readouterr().out
    assert keys.fingerprint(keys.load_public(public)) in out and "branch.key.pub" in out
    assert b"PRIVATE KEY" not in public.read_bytes()


def test_keygen_never_overwrites_a_key(tmp_path, capsys):
    path = tmp_path / "branch.key"
    assert main(["snapshot", "keygen", "--out", str(path)]) == 0
    before = path.read_bytes()
    assert main(["snapshot", "keygen", "--out", str(path)]) == 1
    assert "已存在，未覆盖" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_signature_holds_only_for_the_exact_bytes_it_signed(key_file):
    key = keys.load_private(key_file)
    sig = keys.parse_signature(keys.sign(b"manifest", key))
    assert keys.signature_holds(sig, b"manifest")
    assert not keys.signature_holds(sig, b"manifest ")
    assert sig.fingerprint == keys.fingerprint(keys.raw_public(key.public_key())) and len(sig.fingerprint) == 16


def test_fingerprints_may_be_typed_loosely_but_must_be_fingerprints():
    assert keys.clean_fingerprint("AB12:CD34 EF56-7890") == "ab12cd34ef567890"
    with pytest.raises(Exception, match="不是密钥指纹"):
        keys.clean_fingerprint("xyz")


@pytest.fixture
def district_db(tmp_path) -> Database:
    db = Database(tmp_path / "district.duckdb")
    branches.add(db, BRANCH, SCHOOL)
    return db


def keys_table(db: Database) -> list[tuple]:
    with db.connect() as con:
        return con.execute(
            "SELECT fingerprint, revoked_at IS NOT NULL, registered_by FROM trusted_keys ORDER BY fingerprint"
        ).fetchall()


def test_trust_registers_a_key_once_and_revokes_an_old_one(district_db, tmp_path, capsys):
    first, second = tmp_path / "first.key", tmp_path / "second.key"
    fp1, fp2 = keys.keygen(first)[1], keys.keygen(second)[1]
    db = str(district_db.path)
    argv = ["snapshot", "trust", "--db", db, "--branch", BRANCH, "--user", "区教育局"]
    assert main([*argv, str(first) + ".pub"]) == 0
    assert f"已登记“{BRANCH}”的公钥，指纹 {fp1}" in capsys.readouterr().out
    assert main([*argv, str(first) + ".pub"]) == 0  # again: nothing changes
    assert "已登记为" in capsys.readouterr().out and keys_table(district_db) == [(fp1, False, "区教育局")]
    # a new key registered and the old one revoked, in one command
    assert main([*argv, str(second) + ".pub", "--revoke", fp1.upper()]) == 0
    out = capsys.readouterr().out
    assert fp2 in out and f"已撤销“{BRANCH}”的密钥 {fp1}" in out
    assert sorted(keys_table(district_db)) == sorted([(fp1, True, "区教育局"), (fp2, False, "区教育局")])
    # a revoked key is never registered again
    assert main([*argv, str(first) + ".pub"]) == 1
    assert "撤销，不能重新登记" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra,code,message",
    [
        (["--revoke", "0123456789abcdef"], 1, "没有登记指纹为 0123456789abcdef 的密钥"),
        (["--revoke", "nonsense"], 2, "不是密钥指纹"),
        ([], 2, "请给出要登记的公钥文件"),
        (["{key}"], 2, "不是可用的公钥文件"),  # the private key given by mistake
        (["{tmp}/none.pub"], 2, "无法读取公钥文件"),
    ],
)
def test_trust_refusals(district_db, key_file, tmp_path, capsys, extra, code, message):
    argv = ["snapshot", "trust", "--db", str(district_db.path), "--branch", BRANCH]
    assert main([*argv, *(a.format(key=key_file, tmp=tmp_path) for a in extra)]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert keys_table(district_db) == []


def test_trust_needs_the_branch_in_the_database(district_db, key_file, capsys):
    public = str(key_file) + ".pub"
    assert main(["snapshot", "trust", "--db", str(district_db.path), "--branch", "没有的支部", public]) == 1
    assert "etl branch add" in capsys.readouterr().err


def test_a_failed_revoke_does_not_register_the_new_key_either(district_db, key_file):
    with pytest.raises(Exception, match="没有登记指纹"):
        trust.trust(district_db, BRANCH, key_file.with_name(key_file.name + ".pub"), "0" * 16, "区教育局")
    assert keys_table(district_db) == []
