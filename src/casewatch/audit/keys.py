"""The Ed25519 key that signs audit checkpoints.

Generated on first use as ``$CASEWATCH_HOME/keys/audit_ed25519.pem`` (PKCS#8,
mode 0600) with its public half next to it (``audit_ed25519.pub.pem``). Every
process that appends audit events (CLI, API workers, monitor) must see the
same ``CASEWATCH_HOME/keys`` directory. The key id is the SHA-256 of the raw
32-byte public key, in hex.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from casewatch.errors import CasewatchError
from casewatch.settings import get_settings

PRIVATE_NAME = "audit_ed25519.pem"
PUBLIC_NAME = "audit_ed25519.pub.pem"


def keys_dir() -> Path:
    return get_settings().home / "keys"


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _create(path: Path) -> None:
    """Write a new key without ever exposing it (0600) and without racing another process."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    try:
        os.link(tmp, path)  # fails if another process won the race: keep theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


@lru_cache(maxsize=4)
def _load(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise CasewatchError(f"audit signing key {path}: cannot read it ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CasewatchError(f"audit signing key {path} is not an Ed25519 key")
    return key


def signing_key() -> Ed25519PrivateKey:
    """The checkpoint signing key, generated on first use."""
    path = keys_dir() / PRIVATE_NAME
    if not path.exists():
        try:
            _create(path)
        except OSError as exc:
            raise CasewatchError(f"cannot create the audit signing key {path}: {exc}") from None
    key = _load(path)
    pub = keys_dir() / PUBLIC_NAME
    if not pub.exists():
        pub.write_text(public_pem(key.public_key()))
    return key


def public_keys(extra: list[Path] | None = None) -> dict[str, Ed25519PublicKey]:
    """Known public keys by key id: every ``*.pub.pem`` in the keys directory, plus ``extra``."""
    paths = sorted(keys_dir().glob("*.pub.pem")) if keys_dir().exists() else []
    found: dict[str, Ed25519PublicKey] = {}
    for path in [*paths, *(extra or [])]:
        try:
            key = serialization.load_pem_public_key(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise CasewatchError(f"public key {path}: cannot read it ({exc})") from None
        if not isinstance(key, Ed25519PublicKey):
            raise CasewatchError(f"public key {path} is not an Ed25519 key")
        found[key_id(key)] = key
    return found


def signature_ok(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True
