"""Entity tags: the activity's version, or a digest of the body for other objects."""

from __future__ import annotations

import hashlib
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.exceptions import ValidationError

from .exceptions import PreconditionFailed

_VERSION_TAG = re.compile(r'^(?:W/)?"v(\d{1,18})"$')


def activity_etag(activity) -> str:
    return f'"v{activity.version}"'


def body_etag(data) -> str:
    raw = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()
    return '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


_TAG_LIST = re.compile(r'^(\*|(W/)?"[^"]*"(\s*,\s*(W/)?"[^"]*")*)$')


def if_match(request) -> list[str] | None:
    """The entity tags of ``If-Match`` (None without the header). A header that is neither
    ``*`` nor a list of quoted tags is a 400: it cannot be compared with anything."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    if not _TAG_LIST.match(header):
        raise ValidationError({"If-Match": (
            f"{header[:80]!r} is not an entity tag: send * or the ETag as read, e.g. \"v12\".")})
    return [tag.strip() for tag in header.split(",")]


def expected_version(request, activity) -> int | None:
    """The version the client based its write on, from ``If-Match`` (None when absent).

    Any tag that is not the activity's current one answers 412 before anything is written;
    the version is then checked again under a row lock by the service.
    """
    tags = if_match(request)
    if tags is None or "*" in tags:
        return None
    header = request.headers["If-Match"]
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
    tags = if_match(request)
    if tags is None:
        return
    tags = [tag.removeprefix("W/") for tag in tags]
    if "*" in tags or body_etag(current) in tags:
        return
    header = request.headers["If-Match"]
    raise PreconditionFailed(
        f"If-Match {header[:80]!r} does not match the current version ({body_etag(current)}): "
        "fetch it again.")
