"""Entity tags: the activity's version, or a digest of the body for other objects."""

from __future__ import annotations

import hashlib
import json
import re

from django.core.serializers.json import DjangoJSONEncoder

from .exceptions import PreconditionFailed

_VERSION_TAG = re.compile(r'^(?:W/)?"v(\d{1,18})"$')


def activity_etag(activity) -> str:
    return f'"v{activity.version}"'


def body_etag(data) -> str:
    raw = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()
    return '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


def expected_version(request, activity) -> int | None:
    """The version the client based its write on, from ``If-Match`` (None when absent).

    Any tag that is not the activity's current one answers 412 before anything is written;
    the version is then checked again under a row lock by the service.
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags:
        return None
    for tag in tags:
        match = _VERSION_TAG.match(tag)
        if match and int(match.group(1)) == activity.version:
            return activity.version
    raise PreconditionFailed(
        f"If-Match {header[:80]!r} does not match the current version of "
        f"{activity.reference} ({activity_etag(activity)}): fetch it again."
    )


def check_body_etag(request, current: dict) -> None:
    """For objects without a version: ``If-Match`` must be the ETag of the object as it
    reads now (a digest of its body), or ``*``; a stale one answers 412."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    if "*" in tags or body_etag(current) in tags:
        return
    raise PreconditionFailed(
        f"If-Match {header[:80]!r} does not match the current version ({body_etag(current)}): "
        "fetch it again.")
