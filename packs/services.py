"""Making a regulator pack: the zip, its manifest and signature, and its record.

The pack holds one organisation's register as of one moment in every layout a regulator
may ask for, a README, ``manifest.json`` (what each file is and its SHA-256, the
register's digest, who made the pack and when) and ``manifest.sig`` (the Ed25519
signature of the manifest's exact bytes). Each file is written into the zip as it is made,
its digest taken on the way, so that no more than one file is held in memory.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from django.core.files import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from entities.models import Organisation
from processing.exports.cells import ValueTooLong
from processing.exports.registry import LAYOUTS, write_register
from processing.exports.workbook import FORMAT_VERSION as WORKBOOK_VERSION
from processing.register.batches import one_snapshot
from processing.register.moments import as_of_text
from ropa.audit import ChangePath

from . import signing
from .models import RegulatorPack

#: The version of the pack's own layout: the manifest's keys and the zip's members.
PACK_VERSION = 1
PACK_FORMAT = "ropa-regulator-pack"
README = "README.txt"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
#: The layout whose bytes the register digest is taken over: the whole register (retired
#: activities too), deterministic for a moment, with nothing of when it was made.
DIGEST_LAYOUT = "json"


@dataclass(frozen=True)
class PackFile:
    format: str
    name: str
    description: str


FILES = (
    PackFile("ico-xlsx", "ico-documentation.xlsx",
             "The ICO's documentation template (controller sheet and processor record)."),
    PackFile("cnil-xlsx", "cnil-registre.xlsx",
             "The CNIL's registre des activités de traitement, one sheet per activity."),
    PackFile("workbook", "register-workbook.xlsx",
             "The whole register in the project's workbook, retired activities included."),
    PackFile("pdf", "register.pdf", "The printable register."),
    PackFile("jsonld", "register-dpv.jsonld",
             "The register in the W3C Data Privacy Vocabulary (DPV), as JSON-LD."),
)


class PackError(ValueError):
    """The pack cannot be made; the message says why."""


class _Digesting:
    """A binary stream that passes what is written on (if anywhere), counting and hashing it."""

    def __init__(self, out: BinaryIO | None = None):
        self.out, self.sha256, self.size = out, hashlib.sha256(), 0

    def write(self, data) -> int:
        self.sha256.update(data)
        self.size += len(data)
        if self.out is not None:
            self.out.write(data)
        return len(data)

    def flush(self) -> None:
        if self.out is not None:
            self.out.flush()


@dataclass(frozen=True)
class Built:
    manifest: bytes
    manifest_sha256: str
    register_sha256: str
    key_fingerprint: str


def register_digest(organisation_id: int, as_of) -> str:
    """SHA-256 of the register of the organisation as of ``as_of`` in the JSON workbook
    layout: the same for every pack of that register moment."""
    sink = _Digesting()
    write_register(DIGEST_LAYOUT, sink, organisation_ids=[organisation_id], as_of=as_of)
    return sink.sha256.hexdigest()


def _member(archive: zipfile.ZipFile, name: str, made_at: datetime.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime(made_at).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def build_pack(out: BinaryIO, *, organisation: Organisation,
               as_of: datetime.date | datetime.datetime, generated_by: dict,
               generated_at: datetime.datetime) -> Built:
    """Writes the pack of ``organisation`` as of ``as_of`` to ``out`` (a seekable binary
    stream). Every file is read inside one snapshot of the database."""
    key = signing.private_key()
    fingerprint = signing.fingerprint(key.public_key())
    files = []
    with zipfile.ZipFile(out, "w") as archive, one_snapshot():
        for spec in FILES:
            layout = LAYOUTS[spec.format]
            with archive.open(_member(archive, spec.name, generated_at), "w") as member:
                sink = _Digesting(member)
                try:
                    write_register(spec.format, sink, organisation_ids=[organisation.pk],
                                   as_of=as_of)
                except ValueTooLong as exc:
                    raise PackError(f"{spec.name}: {exc}") from None
            files.append({"name": spec.name, "format": spec.format, "label": layout.label,
                          "content_type": layout.content_type, "size": sink.size,
                          "sha256": sink.sha256.hexdigest()})
        register_sha256 = register_digest(organisation.pk, as_of)

        context = {"organisation": organisation, "as_of": as_of_text(as_of),
                   "generated_at": generated_at.isoformat(), "generated_by": generated_by,
                   "files": [{**entry, "description": spec.description}
                             for entry, spec in zip(files, FILES, strict=True)],
                   "register_sha256": register_sha256, "fingerprint": fingerprint,
                   "README": README, "MANIFEST": MANIFEST, "SIGNATURE": SIGNATURE}
        readme = render_to_string("packs/README.txt", context).encode()
        archive.writestr(_member(archive, README, generated_at), readme)
        files.append({"name": README, "format": "readme", "label": "How to read and verify this pack",
                      "content_type": "text/plain; charset=utf-8", "size": len(readme),
                      "sha256": hashlib.sha256(readme).hexdigest()})

        manifest = (json.dumps({
            "format": PACK_FORMAT,
            "version": PACK_VERSION,
            "organisation": {"id": organisation.pk, "name": organisation.name},
            "as_of": as_of_text(as_of),
            "register_digest": {"algorithm": "sha256", "layout": DIGEST_LAYOUT,
                                "format_version": WORKBOOK_VERSION, "value": register_sha256},
            "generated_by": generated_by,
            "generated_at": generated_at.isoformat(),
            "format_versions": {PACK_FORMAT: PACK_VERSION, "ropa-workbook": WORKBOOK_VERSION},
            "signature": {"algorithm": signing.ALGORITHM, "file": SIGNATURE,
                          "key_fingerprint": fingerprint},
            "files": files,
        }, indent=2, ensure_ascii=False) + "\n").encode()
        archive.writestr(_member(archive, MANIFEST, generated_at), manifest)
        archive.writestr(_member(archive, SIGNATURE, generated_at), key.sign(manifest))
    return Built(manifest=manifest, manifest_sha256=hashlib.sha256(manifest).hexdigest(),
                 register_sha256=register_sha256, key_fingerprint=fingerprint)


def pack_create(*, organisation: Organisation,
                as_of: datetime.date | datetime.datetime | None = None,
                user=None, path: str = ChangePath.COMMAND) -> RegulatorPack:
    """Makes the pack of ``organisation`` as of ``as_of`` (the instant it is made when
    None), keeps the zip in ``STORAGES["packs"]`` and records it."""
    generated_at = timezone.now()
    moment = as_of or generated_at
    generated_by = ({"user": user.get_username(), "through": str(path)} if user is not None
                    else {"command": "manage.py regulator_pack", "through": str(path)})
    stamp = as_of_text(moment).replace(":", "")
    name = f"regulator-pack-{slugify(organisation.name)[:60] or organisation.pk}-{stamp}.zip"
    with tempfile.TemporaryFile() as made:
        built = build_pack(made, organisation=organisation, as_of=moment,
                           generated_by=generated_by, generated_at=generated_at)
        size = made.seek(0, os.SEEK_END)
        made.seek(0)
        pack = RegulatorPack(
            organisation=organisation, as_of=as_of_text(moment), created_by=user,
            created_through=path, created_at=generated_at,
            manifest_sha256=built.manifest_sha256, register_sha256=built.register_sha256,
            key_fingerprint=built.key_fingerprint, size=size,
        )
        pack.file.save(name, File(made, name=name), save=False)
    try:
        with transaction.atomic():
            pack.full_clean()
            pack.save()
    except BaseException:
        pack.file.storage.delete(pack.file.name)
        raise
    return pack
