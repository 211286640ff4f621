"""Who changed the register, and through which path.

Every write path (admin, API, import, task, command) runs inside ``audit_context`` or
behind ``AuditPathMiddleware``; the history rows that django-simple-history writes then
carry the acting user and the path. History is evidence: it is never purged.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ChangePath(models.TextChoices):
    ADMIN = "admin", _("admin")
    API = "api", _("API")
    IMPORT = "import", _("import")
    TASK = "task", _("task")
    COMMAND = "command", _("command")
    MIGRATION = "migration", _("migration")
    WEB = "web", _("web")
    REVIEW = "review", _("review campaign")


@dataclass(frozen=True)
class _Actor:
    given_user: object | None
    path: str
    #: While serving a request: whoever the request is authenticated as, read only when a
    #: write asks for it (the session is not loaded for the reads that make up most calls,
    #: and an API token's user is known once the API has authenticated the call).
    request: object | None = None

    @property
    def user(self):
        if self.given_user is not None or self.request is None:
            return self.given_user
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


_actor: contextvars.ContextVar[_Actor | None] = contextvars.ContextVar("ropa_actor", default=None)


@contextlib.contextmanager
def audit_context(*, user=None, path: str | None = None):
    """Attribute every history row written inside the block to ``user`` and ``path``.

    What is not given is kept from an enclosing context (a request, a task), so a
    service called from the admin records the admin path without being told.
    """
    outer = _actor.get()
    if path is None:
        path = outer.path if outer is not None else ChangePath.COMMAND
    if user is None and outer is not None:
        actor = _Actor(outer.given_user, str(path), outer.request)
    else:
        actor = _Actor(user, str(path))
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def _request_context(request):
    token = _actor.set(_Actor(None, _path_from_request(request), request))
    try:
        yield
    finally:
        _actor.reset(token)


#: The moment history rows written inside ``history_dated`` are dated (None: now).
_history_date: contextvars.ContextVar = contextvars.ContextVar("ropa_history_date", default=None)


@contextlib.contextmanager
def history_dated(moment):
    """Date every history row written inside the block at ``moment`` (an aware datetime)
    instead of now: a register whose past is known (the demo's) is written through the
    ordinary services as of the day each change was made. The rows are otherwise the
    services' own; the records' own timestamps stay those of the write."""
    if moment is not None and timezone.is_naive(moment):
        raise ValueError(f"history_dated needs an aware datetime, not {moment!r}")
    token = _history_date.set(moment)
    try:
        yield
    finally:
        _history_date.reset(token)


def current_actor() -> _Actor | None:
    return _actor.get()


def history_user(instance=None, request=None, **kwargs):
    """``get_user`` for HistoricalRecords: the audit context first, then the request."""
    actor = _actor.get()
    if actor is not None and actor.user is not None:
        return actor.user
    if request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
    return None


class HistoryPathModel(models.Model):
    """Abstract base of every historical model: adds the path of the change."""

    history_path = models.CharField(
        _("changed through"), max_length=16, choices=ChangePath.choices, blank=True
    )

    class Meta:
        abstract = True


class PartHistoryModel(HistoryPathModel):
    """Abstract base of the historical model of a part of a versioned record (a purpose of
    an activity): the owner's version the change belongs to, so that a change to a part is
    listed under the one version of its owner that it made."""

    owner_version = models.PositiveIntegerField(_("version of the owner"), null=True,
                                                blank=True, editable=False)

    class Meta:
        abstract = True


_RECORDS: list[HistoricalRecords] = []


def history(**kwargs) -> HistoricalRecords:
    """The HistoricalRecords every register model uses (user and path recorded)."""
    kwargs.setdefault("get_user", history_user)
    kwargs.setdefault("bases", [HistoryPathModel])
    records = HistoricalRecords(**kwargs)
    _RECORDS.append(records)
    return records


def part_history(**kwargs) -> HistoricalRecords:
    """``history()`` for a part of a versioned record: its rows carry the owner's version
    (``history_owner_version`` of the part, read when the row is written)."""
    kwargs.setdefault("bases", [PartHistoryModel])
    return history(**kwargs)


def record_history(instance: models.Model, history_type: str = "~") -> None:
    """Write one history row of ``instance`` as it is saved now (links included)."""
    records = next(r for r in _RECORDS if getattr(r, "cls", None) is type(instance))
    records.create_historical_record(instance, history_type)


def save_with_one_history_row(instance: models.Model, m2m: dict | None = None, *,
                              record: bool = True) -> None:
    """Save ``instance`` and set its many-to-many links, recording ONE history row with
    the final state (links included), instead of one row per save and per link change
    (``record`` False: none, a caller records the change later)."""
    created = instance._state.adding  # Model._state.adding: documented, "not saved yet"
    instance.skip_history_when_saving = True
    try:
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    finally:
        del instance.skip_history_when_saving
    if record:
        record_history(instance, "+" if created else "~")


def _path_from_request(request) -> str:
    path = request.path
    if path.startswith("/api/"):
        return ChangePath.API
    if path.startswith("/admin/"):
        return ChangePath.ADMIN
    return ChangePath.WEB


def set_history_path(sender, history_instance, **kwargs):
    """Signal receiver (pre_create_historical_record): stamp the change path (and, for a
    part, its owner's version; inside ``history_dated``, the row's date)."""
    if not hasattr(history_instance, "history_path"):
        return
    moment = _history_date.get()
    if moment is not None:
        history_instance.history_date = moment
    if hasattr(history_instance, "owner_version"):
        history_instance.owner_version = kwargs["instance"].history_owner_version
    actor = _actor.get()
    if actor is not None:
        history_instance.history_path = actor.path
        return
    request = getattr(HistoricalRecords.context, "request", None)
    history_instance.history_path = (
        _path_from_request(request) if request is not None else ChangePath.COMMAND
    )


class AuditPathMiddleware:
    """Marks writes made while serving a request with the admin / API / web path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with _request_context(request):
            return self.get_response(request)
