"""The installation's signing key: an Ed25519 key pair that signs each pack's manifest.

The private key lives in one file (``settings.ROPA_PACK_SIGNING_KEY``, PEM, PKCS #8),
readable by the app's user only, made on first use. Whoever checks a pack needs only the
public key, which the admin's pack list and ``manage.py regulator_pack --public-key`` show.
Keep a copy of the key file with the backups: without it, new packs are signed by a new
key and the old public key no longer verifies them.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

ALGORITHM = "Ed25519"


class BadPublicKey(ValueError):
    """A public key given to check a pack that is not an Ed25519 public key."""


def key_path() -> Path:
    return Path(settings.ROPA_PACK_SIGNING_KEY)


def private_key() -> Ed25519PrivateKey:
    """The installation's signing key, made (mode 0600) if the file does not exist yet."""
    path = key_path()
    if not path.exists():
        _create(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} holds a {type(key).__name__}, not an Ed25519 private key.")
    return key


def _create(path: Path) -> None:
    """Writes a new key beside ``path``, then links it there: two processes making the key
    at once end with one key, never with a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    made = path.with_name(f".{path.name}.{os.getpid()}.new")
    descriptor = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        # Another process made the key first: keep its key.
        with contextlib.suppress(FileExistsError):
            os.link(made, path)
    finally:
        made.unlink(missing_ok=True)


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_base64(key: Ed25519PublicKey) -> str:
    """The 32 bytes of the key in base64: what ``verify_pack --public-key`` takes."""
    return base64.b64encode(raw(key)).decode()


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def fingerprint(key: Ed25519PublicKey) -> str:
    """``SHA256:`` and the SHA-256 of the key's 32 bytes in unpadded base64, as OpenSSH
    writes fingerprints."""
    digest = hashlib.sha256(raw(key)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key given as its 32 bytes in base64, as PEM text, or as the path of a file
    holding either."""
    value = text.strip()
    if "-----BEGIN" not in value and os.path.isfile(value):
        value = Path(value).read_text().strip()
    try:
        if value.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(value.encode())
            if not isinstance(key, Ed25519PublicKey):
                raise BadPublicKey(f"The key given is a {type(key).__name__}, not an "
                                   f"{ALGORITHM} public key.")
            return key
        data = base64.b64decode(value, validate=True)
        return Ed25519PublicKey.from_public_bytes(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        if isinstance(exc, BadPublicKey):
            raise
        raise BadPublicKey(
            f"'{text[:60]}' is not an {ALGORITHM} public key: give its 32 bytes in base64, "
            "PEM text, or a file holding either.") from None
