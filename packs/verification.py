"""Checking a regulator pack: the manifest's signature, then every file against it.

Everything that differs is reported, not only the first thing: the signature, each file
whose digest is not the manifest's (expected and actual), each file missing, each file
the manifest does not name.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import signing
from .services import MANIFEST, SIGNATURE


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    manifest: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


#: What reading a member whose bytes were damaged in the zip raises: its CRC does not
#: match, or its compressed data is not deflate data.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError)


def _sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as member:
        while chunk := member.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify_pack(file, public_key: Ed25519PublicKey) -> Verification:
    """Checks the pack ``file`` (a path or a binary stream) with ``public_key``."""
    result = Verification()
    problems = result.problems
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as exc:
        problems.append(f"not a zip file ({exc})")
        return result
    with archive:
        names = [info.filename for info in archive.infolist()]
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"{name}: in the zip more than once")
        contents = {}
        for name in (MANIFEST, SIGNATURE):
            if name not in names:
                problems.append(f"{name}: missing")
                continue
            try:
                contents[name] = archive.read(name)
            except DAMAGED as exc:
                problems.append(f"{name}: damaged in the zip ({exc})")
        if len(contents) < 2:
            return result
        manifest_bytes, signature = contents[MANIFEST], contents[SIGNATURE]
        try:
            manifest = json.loads(manifest_bytes)
            files = manifest["files"]
            expected = {entry["name"]: entry["sha256"] for entry in files}
        except (ValueError, TypeError, KeyError) as exc:
            manifest, expected = None, None
            problems.append(f"{MANIFEST}: not a pack manifest ({exc!r})")
        result.manifest = manifest
        try:
            public_key.verify(signature, manifest_bytes)
        except InvalidSignature:
            named = ""
            stated = (manifest or {}).get("signature", {}) if isinstance(manifest, dict) else {}
            if isinstance(stated, dict) and stated.get("key_fingerprint") not in (
                    None, signing.fingerprint(public_key)):
                named = f"; the manifest names the key {stated['key_fingerprint']}"
            problems.append(
                f"signature invalid: {SIGNATURE} is not a signature of {MANIFEST} by the "
                f"public key {signing.fingerprint(public_key)}{named}")
        if expected is None:
            return result
        for name, sha256 in expected.items():
            if name not in names:
                problems.append(f"{name}: missing")
                continue
            try:
                actual = _sha256(archive, name)
            except DAMAGED as exc:
                problems.append(f"{name}: damaged in the zip ({exc})")
                continue
            if actual != sha256:
                problems.append(f"{name}: expected sha256 {sha256}, actual {actual}")
        for name in sorted(set(names) - set(expected) - {MANIFEST, SIGNATURE}):
            problems.append(f"{name}: unexpected file (not in the manifest)")
    return result
