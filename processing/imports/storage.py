"""The uploaded workbook, kept between the preview and the confirmation.

The file is kept under a random token, with the id of the user who sent it. It is
deleted on confirm, on cancel, and once it is older than ``UPLOAD_TTL``; a token from
another user or from nowhere answers as an expired upload.

Every file goes through Django's storage API, in the storage ``STORAGES["imports"]``
(a directory of the machine by default, ``ROPA_IMPORT_DIR``): a deployment with several
web processes on several machines points it at storage they share, and the worker that
purges the expired uploads must see the same storage.
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone

#: How long an uploaded workbook waits for its confirmation.
UPLOAD_TTL = datetime.timedelta(seconds=getattr(settings, "ROPA_IMPORT_UPLOAD_TTL", 3600))
#: The suffixes of the two files of an upload: the workbook and what is known of it.
SUFFIXES = (".upload", ".json")

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def upload_storage() -> Storage:
    """The storage of the kept uploads, ``STORAGES["imports"]``."""
    return storages["imports"]


def _write(storage: Storage, name: str, content: bytes) -> None:
    """Write ``name`` whole. The storage API never overwrites (a second save gets another
    name), so what is there is deleted first."""
    storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    if saved != name:
        storage.delete(saved)
        raise SuspiciousFileOperation(f"The import storage saved {name!r} as {saved!r}.")


@dataclass
class StoredUpload:
    """A workbook waiting for its preview and confirmation. The token names it; the
    client never gives a path."""

    token: str
    user_id: int
    filename: str
    uploaded_at: datetime.datetime
    previewed: bool = False

    @property
    def name(self) -> str:
        """The workbook's name in the storage."""
        return f"{self.token}.upload"

    @property
    def meta_name(self) -> str:
        """The name in the storage of what is known of the upload (sender, file name)."""
        return f"{self.token}.json"

    def read(self) -> bytes:
        with upload_storage().open(self.name, "rb") as file:
            return file.read()

    def save_meta(self) -> None:
        _write(upload_storage(), self.meta_name, json.dumps({
            "user": self.user_id, "filename": self.filename,
            "uploaded": self.uploaded_at.isoformat(), "previewed": self.previewed,
        }).encode())

    def remove(self) -> None:
        storage = upload_storage()
        storage.delete(self.name)
        storage.delete(self.meta_name)

    @property
    def expired(self) -> bool:
        return timezone.now() - self.uploaded_at > UPLOAD_TTL


def store_upload(user, data: bytes, filename: str) -> StoredUpload:
    stored = StoredUpload(token=secrets.token_urlsafe(24), user_id=user.pk,
                          filename=PurePath(filename).name[:200], uploaded_at=timezone.now())
    _write(upload_storage(), stored.name, data)
    stored.save_meta()
    return stored


def load_upload(token: str, user) -> StoredUpload | None:
    """The user's upload under ``token``; None when there is none, it is another user's,
    or it expired (then it is deleted)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    storage = upload_storage()
    try:
        with storage.open(f"{token}.json", "rb") as file:
            meta = json.loads(file.read())
        stored = StoredUpload(token=token, user_id=int(meta["user"]), filename=str(meta["filename"]),
                              uploaded_at=datetime.datetime.fromisoformat(meta["uploaded"]),
                              previewed=bool(meta.get("previewed")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if stored.user_id != user.pk or not storage.exists(stored.name):
        return None
    if stored.expired:
        stored.remove()
        return None
    return stored


def purge_expired() -> int:
    """Delete every kept upload older than ``UPLOAD_TTL``, whoever sent it."""
    storage = upload_storage()
    try:
        _directories, names = storage.listdir("")
    except FileNotFoundError:  # nothing was ever uploaded
        return 0
    limit = timezone.now() - UPLOAD_TTL
    removed = 0
    for name in names:
        if not name.endswith(SUFFIXES):
            continue
        try:
            if storage.get_modified_time(name) >= limit:
                continue
        except FileNotFoundError:  # confirmed or cancelled meanwhile
            continue
        storage.delete(name)
        removed += 1
    return removed
