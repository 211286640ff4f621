"""The uploaded workbook, kept between the preview and the confirmation.

The file is kept under a random token, with the id of the user who sent it. It is
deleted on confirm, on cancel, and once it is older than ``UPLOAD_TTL``; a token from
another user or from nowhere answers as an expired upload.
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

#: How long an uploaded workbook waits for its confirmation.
UPLOAD_TTL = datetime.timedelta(seconds=getattr(settings, "ROPA_IMPORT_UPLOAD_TTL", 3600))

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def upload_dir() -> Path:
    configured = getattr(settings, "ROPA_IMPORT_DIR", "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "imports"


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
    def path(self) -> Path:
        return upload_dir() / f"{self.token}.upload"

    @property
    def meta_path(self) -> Path:
        return upload_dir() / f"{self.token}.json"

    def read(self) -> bytes:
        return self.path.read_bytes()

    def save_meta(self) -> None:
        self.meta_path.write_text(json.dumps({
            "user": self.user_id, "filename": self.filename,
            "uploaded": self.uploaded_at.isoformat(), "previewed": self.previewed,
        }))

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)

    @property
    def expired(self) -> bool:
        return timezone.now() - self.uploaded_at > UPLOAD_TTL


def store_upload(user, data: bytes, filename: str) -> StoredUpload:
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored = StoredUpload(token=secrets.token_urlsafe(24), user_id=user.pk,
                          filename=Path(filename).name[:200], uploaded_at=timezone.now())
    stored.path.write_bytes(data)
    stored.save_meta()
    return stored


def load_upload(token: str, user) -> StoredUpload | None:
    """The user's upload under ``token``; None when there is none, it is another user's,
    or it expired (then it is deleted)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    meta_path = upload_dir() / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text())
        stored = StoredUpload(token=token, user_id=int(meta["user"]), filename=str(meta["filename"]),
                              uploaded_at=datetime.datetime.fromisoformat(meta["uploaded"]),
                              previewed=bool(meta.get("previewed")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if stored.user_id != user.pk or not stored.path.exists():
        return None
    if stored.expired:
        stored.remove()
        return None
    return stored


def purge_expired() -> int:
    """Delete every kept upload older than ``UPLOAD_TTL``, whoever sent it."""
    directory = upload_dir()
    if not directory.is_dir():
        return 0
    limit = (timezone.now() - UPLOAD_TTL).timestamp()
    removed = 0
    for entry in directory.iterdir():
        if entry.suffix in (".upload", ".json") and entry.stat().st_mtime < limit:
            entry.unlink(missing_ok=True)
            removed += 1
    return removed
