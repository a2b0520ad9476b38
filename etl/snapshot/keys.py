"""A branch's Ed25519 signing key: make a pair, read either half, sign and check a manifest.

A SHA-256 in the manifest proves that nothing changed since the manifest was written, not who wrote
it: anyone can recompute it. So a branch signs the exact bytes of its manifest with a private key it
keeps outside the database, and the district registers the public half (etl/snapshot/trust.py).

Files: KEYFILE holds the private key (PKCS#8 PEM, unencrypted, mode 0600 — it is protected like an SSH
key, by the file system) and KEYFILE.pub the public key (SubjectPublicKeyInfo PEM). A key's
fingerprint is the first 16 hex digits of the SHA-256 of its raw 32 bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from etl.errors import SnapshotRejected, UsageError

ALGORITHM = "Ed25519"
MAX_KEY_FILE_BYTES = 16 * 1024  # a PEM key is a few hundred bytes; anything bigger is not one


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def clean_fingerprint(value: str) -> str:
    """A fingerprint as typed (upper case, with colons or spaces) → 16 lower-case hex digits."""
    cleaned = "".join(ch for ch in value.lower() if ch not in ": -")
    if len(cleaned) != 16 or any(ch not in "0123456789abcdef" for ch in cleaned):
        raise UsageError(f"“{value}”不是密钥指纹：指纹是 16 位十六进制数字（见 trust 或 verify 的输出）")
    return cleaned


def keygen(out: Path) -> tuple[Path, str]:
    """Write a new pair: ``out`` (private, 0600) and ``out.pub``; returns (public path, fingerprint).
    Never overwrites: losing a private key that signed snapshots would be worse than a refused command."""
    out = Path(out)
    public_path = out.with_name(out.name + ".pub")
    for path in (out, public_path):
        if path.exists():
            raise SnapshotRejected(f"{path} 已存在，未覆盖。请换一个文件名，或先移走旧的密钥文件")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    # Created 0600 in one step (O_EXCL: no other process's file is truncated); fchmod because the
    # umask may only take bits away, and an existing umask of 0 must not matter.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, private_pem)
    finally:
        os.close(fd)
    public_path.write_bytes(public_pem)
    return public_path, fingerprint(raw_public(key.public_key()))


def _read_key_file(path: Path, what: str) -> bytes:
    try:
        size = Path(path).stat().st_size
        if size > MAX_KEY_FILE_BYTES:
            raise UsageError(f"{path} 有 {size} 字节，不是{what}文件")
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"无法读取{what}文件 {path}：{exc.strerror}") from None


def load_private(path: Path) -> Ed25519PrivateKey:
    data = _read_key_file(path, "私钥")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise UsageError(f"{path} 不是可用的私钥文件（应为 etl snapshot keygen 生成的 KEYFILE，不是 .pub）") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"{path} 不是 Ed25519 私钥（请用 etl snapshot keygen 生成）")
    return key


def private_key_too_open(path: Path) -> bool:
    """True when group or others may read the private key (the CLI warns, as ssh does). A file that
    cannot be read is load_private's to refuse."""
    try:
        return bool(Path(path).stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))
    except OSError:
        return False


def load_public(path: Path) -> bytes:
    """The raw 32 bytes of the public key in a .pub file."""
    data = _read_key_file(path, "公钥")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise UsageError(f"{path} 不是可用的公钥文件（应为 etl snapshot keygen 生成的 KEYFILE.pub）") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"{path} 不是 Ed25519 公钥（请用 etl snapshot keygen 生成）")
    return raw_public(key)


# -- the signature entry: manifest.sig --------------------------------------------------------------
@dataclass(frozen=True)
class Signature:
    public_raw: bytes
    signature: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_raw)


def sign(manifest_bytes: bytes, key: Ed25519PrivateKey) -> bytes:
    """manifest.sig: the algorithm, the public key (so verify can name the signer) and the signature
    over the exact manifest bytes, as JSON."""
    document = {
        "algorithm": ALGORITHM,
        "public_key": base64.b64encode(raw_public(key.public_key())).decode("ascii"),
        "signature": base64.b64encode(key.sign(manifest_bytes)).decode("ascii"),
    }
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


def parse_signature(data: bytes) -> Signature:
    """manifest.sig read back; SnapshotRejected naming what is wrong with it."""
    try:
        document = json.loads(data.decode("utf-8"))
        if not isinstance(document, dict) or document.get("algorithm") != ALGORITHM:
            raise ValueError
        public_raw = base64.b64decode(document["public_key"], validate=True)
        signature = base64.b64decode(document["signature"], validate=True)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise SnapshotRejected("签名条目 manifest.sig 无法读取：它不是本工具写的 Ed25519 签名") from None
    if len(public_raw) != 32 or len(signature) != 64:
        raise SnapshotRejected("签名条目 manifest.sig 无法读取：公钥或签名的长度不对")
    return Signature(public_raw, signature)


def signature_holds(sig: Signature, manifest_bytes: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(sig.public_raw).verify(sig.signature, manifest_bytes)
    except (InvalidSignature, ValueError):
        return False
    return True
