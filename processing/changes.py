"""What each recorded version of a register object changed, read from its history.

One reading for the API (``/activities/{id}/history/`` and the organisations' and third
parties') and the admin's history page. A version of an activity is one history row of
the activity (the services write exactly one per change, numbered by its ``version``);
the changes to its parts made in that version are the parts' history rows that carry the
same version (``owner_version``), listed under readable paths:
``lawful_bases[A6-1-f].legitimate_interest``, ``purposes[12]`` for a purpose added or
removed. Other objects are numbered 1..n in the order of their history.

Values are as an integrator writes them: reference terms and countries by their code,
other objects by id, links as sorted lists, dates as ISO 8601.
"""

from __future__ import annotations

import datetime
import decimal
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from simple_history.models import HistoricalRecords

from .models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)

#: Bookkeeping fields: they change with every write and are not a change of content.
NOT_COMPARED = {"id", "version", "updated_at", "created_at", "status_changed_at", "activity"}
#: The parts of an activity, by the name the API gives their list.
PARTS: dict[str, type[models.Model]] = {
    "purposes": Purpose,
    "lawful_bases": ActivityLawfulBasis,
    "recipients": ActivityRecipient,
    "transfers": InternationalTransfer,
    "retention_rules": RetentionRule,
}
KINDS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    field: str
    old: Any = None
    new: Any = None


@dataclass
class Version:
    version: int
    date: datetime.datetime
    user: str | None
    path: str
    type: str
    changes: list[Change] = field(default_factory=list)
    #: Why, where the change says so (an approval over error findings keeps its reason).
    reason: str = ""


class Codes:
    """Reference terms and countries by code (read once per table), other targets by id."""

    def __init__(self):
        self.tables: dict[type[models.Model], dict[int, str]] = {}

    def __call__(self, model: type[models.Model], pk):
        if pk is None:
            return None
        if not any(f.name == "code" for f in model._meta.concrete_fields):
            return pk
        if model not in self.tables:
            self.tables[model] = dict(model._default_manager.values_list("pk", "code"))
        return self.tables[model].get(pk, pk)


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _compared_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model.history.model.tracked_fields if f.name not in NOT_COMPARED]


def _m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    return [f for f in model._meta.many_to_many if f in HistoricalRecords.m2m_models]


def snapshots(model: type[models.Model], records: Sequence, codes: Codes) -> dict[int, dict]:
    """{history id: {field name: value}} of the historical ``records`` of ``model``, their
    links included (one query per many-to-many field)."""
    result = {}
    # Read once: ``model.history`` makes a new manager on every access.
    compared = [(f.name, f.attname, f.related_model if f.is_relation else None)
                for f in _compared_fields(model)]
    for record in records:
        values = {}
        for name, attname, related in compared:
            value = getattr(record, attname)
            if related is not None:
                value = codes(related, value)
            values[name] = _plain(value)
        result[record.history_id] = values
    ids = list(result)
    for m2m in _m2m_fields(model):
        links = defaultdict(list)
        rows = (HistoricalRecords.m2m_models[m2m].objects.filter(history_id__in=ids).order_by()
                .values_list("history_id", f"{m2m.m2m_reverse_field_name()}_id"))
        for history_id, target in rows:
            links[history_id].append(codes(m2m.related_model, target))
        for history_id, values in result.items():
            values[m2m.name] = sorted(links[history_id], key=str)
    return result


def empty(value) -> bool:
    return value is None or value == "" or value == []


def compare(prefix: str, old: dict | None, new: dict | None) -> list[Change]:
    """The changes from ``old`` to ``new`` (None: the object did not exist, or no longer
    does); an object added or removed is one change of the object itself when it has a
    ``prefix`` (a part), and one change per filled-in field otherwise."""
    if old is None and new is None:
        return []
    if prefix and (old is None or new is None):
        return [Change(prefix, old, new)]
    before, after = old or {}, new or {}
    changes = []
    for name in (after or before):
        a, b = before.get(name), after.get(name)
        if a != b and not (empty(a) and empty(b)):
            changes.append(Change(f"{prefix}.{name}" if prefix else name, a, b))
    return changes


def _who(record) -> str | None:
    user = record.history_user
    return user.get_username() if user is not None else None


def _previous_of(model: type[models.Model], records: Sequence) -> dict[int, Any]:
    """{history id: the record before it of the same object (None for the first)} for
    ``records``, read in one query of the histories of those objects."""
    ids = {r.id for r in records}
    ordered = model.history.filter(id__in=ids).order_by("id", "history_date", "history_id")
    previous, last = {}, {}
    for record in ordered:
        previous[record.history_id] = last.get(record.id)
        last[record.id] = record
    return previous


def part_key(name: str, snapshot: dict, pk: int):
    if name == "lawful_bases" and snapshot.get("basis"):
        return snapshot["basis"]
    return pk


def numbered(history: models.QuerySet) -> models.QuerySet:
    """The history rows of one object, newest first, each with ``number``: its place,
    1..n, in the order they were written (for objects that have no version field)."""
    return history.annotate(number=Window(
        RowNumber(), order_by=[F("history_date").asc(), F("history_id").asc()],
    )).order_by("-history_date", "-history_id")


def activity_history(activity_id: int) -> models.QuerySet:
    """The versions (history rows) of an activity, newest first."""
    return (ProcessingActivity.history.filter(id=activity_id)
            .select_related("history_user").order_by("-version", "-history_id"))


def versions(model: type[models.Model], records: Sequence, *,
             with_parts: bool | None = None) -> list[Version]:
    """What each historical record of ``records`` (one object's, newest first, as a page
    of ``activity_history`` or ``numbered``) changed against the record before it; for an
    activity, with the changes to its parts made in that version."""
    if not records:
        return []
    with_parts = model is ProcessingActivity if with_parts is None else with_parts
    codes = Codes()
    previous = _previous_of(model, records)
    states = snapshots(model, [*records, *(p for p in previous.values() if p is not None)], codes)
    result = []
    for record in records:
        before = previous.get(record.history_id)
        old = states[before.history_id] if before is not None else None
        new = None if record.history_type == "-" else states[record.history_id]
        number = record.version if with_parts else record.number
        result.append(Version(number, record.history_date, _who(record),
                              record.history_path or "", KINDS[record.history_type],
                              compare("", old, new), record.history_change_reason or ""))
    if with_parts:
        _add_part_changes(records[0].id, result, codes)
    return result


def _add_part_changes(activity_id: int, result: list[Version], codes: Codes) -> None:
    by_version = {v.version: v for v in result}
    for name, model in PARTS.items():
        rows = list(model.history.filter(activity_id=activity_id,
                                         owner_version__in=list(by_version))
                    .order_by("history_date", "history_id"))
        if not rows:
            continue
        previous = _previous_of(model, rows)
        states = snapshots(model, [*rows, *(p for p in previous.values() if p is not None)],
                           codes)
        for row in rows:
            before = previous.get(row.history_id)
            old = states[before.history_id] if before is not None else None
            if before is not None and before.history_type == "-":
                old = None
            new = None if row.history_type == "-" else states[row.history_id]
            key = part_key(name, new or old or {}, row.id)
            by_version[row.owner_version].changes.extend(compare(f"{name}[{key}]", old, new))
