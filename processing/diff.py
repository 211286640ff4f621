"""What changed in an organisation's register between two moments.

The register is read as it stood at each moment (``processing.register.sources.Source``:
for each object, its last history row before the moment, deletions left out) and the two
states compared: activities **added** (there at the end, not at the start), **retired**
(their status became retired, or they were deleted) and **changed**, field by field, their
links (data categories, subjects...) and their parts (purposes, lawful bases with their
scopes, recipients, transfers, retention rules) included.

Each change names the field as ``processing/changes.py`` does (``name``,
``lawful_bases[A6-1-f].purposes``, ``recipients[7]`` for a recipient added or removed) and
gives the old and the new value as an integrator writes them: reference terms and
countries by code, other objects by id, links as sorted lists, dates in ISO 8601. The
diff is between two states: a change undone within the period is no change.

Only the activities with a history row in the period are read, a chunk at a time, each
chunk in a fixed number of queries whatever its size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Max

from . import changes
from .changes import Change
from .models import ActivityStatus, ProcessingActivity
from .register.moments import as_of_text, cutoff

ADDED, RETIRED, CHANGED = "added", "retired", "changed"
#: How an activity left the register: retired (kept), or deleted.
RETIRED_STATUS, DELETED = "retired", "deleted"
#: Activities read at a time.
CHUNK = 500

Moment = datetime.date | datetime.datetime


class BadPeriod(ValueError):
    """The period ends before it starts, or a moment is past the last the calendar holds;
    ``parameter`` names the moment at fault, "from" or "to"."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


@dataclass
class ActivityDiff:
    """One activity that was added, retired or changed in the period."""

    id: int
    organisation_id: int
    reference: str
    name: str
    #: ``added``, ``retired`` or ``changed``.
    kind: str
    #: The activity's version at the start and at the end (None: it did not exist then).
    version_from: int | None
    version_to: int | None
    #: For a retired activity: ``retired`` (kept with its history) or ``deleted``.
    how: str = ""
    changes: list[Change] = field(default_factory=list)
    #: The last version in the period: when, by whom (the user, or None) and through what.
    changed_at: datetime.datetime | None = None
    user: object | None = None
    path: str = ""

    @property
    def changed_by(self) -> str | None:
        """The username of whoever made the last version (None: not known)."""
        return self.user.get_username() if self.user is not None else None


@dataclass
class RegisterDiff:
    organisation_id: int | None
    #: The moments as given (a day means its end), and the instants the period runs between:
    #: a change at or after ``start`` and before ``end`` is in.
    from_moment: Moment
    to_moment: Moment
    start: datetime.datetime
    end: datetime.datetime
    added: list[ActivityDiff] = field(default_factory=list)
    retired: list[ActivityDiff] = field(default_factory=list)
    changed: list[ActivityDiff] = field(default_factory=list)

    @property
    def activities(self) -> list[ActivityDiff]:
        """Every activity of the diff: added, then retired, then changed."""
        return [*self.added, *self.retired, *self.changed]

    @property
    def from_text(self) -> str:
        return as_of_text(self.from_moment)

    @property
    def to_text(self) -> str:
        return as_of_text(self.to_moment)

    def __bool__(self) -> bool:
        return bool(self.added or self.retired or self.changed)


def _last_rows(model: type[models.Model], before: datetime.datetime, **filters) -> models.QuerySet:
    """Each object's last history row before ``before``, deletions included (the reader's
    ``Source.objects`` leaves them out: here a deletion is a change)."""
    historical = model.history.model
    latest = (historical.objects.filter(history_date__lt=before, **filters).order_by()
              .values("id").annotate(last=Max("history_id")).values("last"))
    return historical.objects.filter(history_id__in=latest)


def touched_activities(organisation_id: int | None, start: datetime.datetime,
                       end: datetime.datetime) -> list[int]:
    """Ids of the activities (of the organisation, or of any) with a history row, their
    own or a part's, at or after ``start`` and before ``end``: the only ones that can
    differ between the two moments. One query."""
    window = {"history_date__gte": start, "history_date__lt": end}
    activities = ProcessingActivity.history.model.objects.all()
    if organisation_id is not None:
        activities = activities.filter(organisation_id=organisation_id)
    ids = activities.filter(**window).order_by().values_list("id")
    ever = activities.order_by().values("id")
    for model in changes.PARTS.values():
        parts = model.history.model.objects.filter(**window)
        if organisation_id is not None:
            parts = parts.filter(activity_id__in=ever)
        ids = ids.union(parts.order_by().values_list("activity_id"))
    return sorted({pk for (pk,) in ids})


class _State:
    """A chunk of activities as they stood before one instant: each one's last history row
    (with its user) and its values, and its parts' values, read in a fixed number of
    queries."""

    def __init__(self, ids: Sequence[int], before: datetime.datetime, codes: changes.Codes):
        rows = list(_last_rows(ProcessingActivity, before, id__in=ids)
                    .select_related("history_user"))
        self.last = {row.id: row for row in rows}
        present = [row for row in rows if row.history_type != "-"]
        values = changes.snapshots(ProcessingActivity, present, codes)
        self.activities = {row.id: values[row.history_id] for row in present}
        #: {activity id: {part list name: {part id: values}}}
        self.parts: dict[int, dict[str, dict[int, dict]]] = defaultdict(lambda: defaultdict(dict))
        for name, model in changes.PARTS.items():
            found = [row for row in _last_rows(model, before, activity_id__in=ids)
                     if row.history_type != "-"]
            part_values = changes.snapshots(model, found, codes)
            for row in found:
                self.parts[row.activity_id][name][row.id] = part_values[row.history_id]


def _part_changes(old: dict[str, dict[int, dict]], new: dict[str, dict[int, dict]]) -> list[Change]:
    found = []
    for name in changes.PARTS:
        before, after = old.get(name, {}), new.get(name, {})
        for pk in sorted(before.keys() | after.keys()):
            was, now = before.get(pk), after.get(pk)
            key = changes.part_key(name, now or was or {}, pk)
            found.extend(changes.compare(f"{name}[{key}]", was, now))
    return found


def _compare(pk: int, old: _State, new: _State) -> ActivityDiff | None:
    was, now = old.activities.get(pk), new.activities.get(pk)
    if was is None and now is None:  # created and deleted within the period
        return None
    found = changes.compare("", was, now)
    found += _part_changes(old.parts.get(pk, {}), new.parts.get(pk, {}))
    if was is None:
        kind, how = ADDED, ""
    elif now is None:
        kind, how = RETIRED, DELETED
    elif now["status"] == ActivityStatus.RETIRED and was["status"] != ActivityStatus.RETIRED:
        kind, how = RETIRED, RETIRED_STATUS
    elif found:
        kind, how = CHANGED, ""
    else:
        return None
    last = new.last.get(pk)
    first = old.last.get(pk)
    shown = now or was
    return ActivityDiff(
        id=pk, organisation_id=shown["organisation"], reference=shown["reference"],
        name=shown["name"], kind=kind, how=how,
        version_from=first.version if was is not None else None,
        version_to=last.version if now is not None else None, changes=found,
        changed_at=last.history_date if last else None,
        user=last.history_user if last else None, path=last.history_path if last else "")


def period(from_moment: Moment, to_moment: Moment) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants a diff from ``from_moment`` to ``to_moment`` runs between; a period
    that ends before it starts raises ``BadPeriod``."""
    instants = []
    for parameter, moment in (("from", from_moment), ("to", to_moment)):
        try:
            instants.append(cutoff(moment))
        except OverflowError:
            raise BadPeriod(parameter, f"'{parameter}' ({as_of_text(moment)}) is past the "
                                       "last day the calendar holds.") from None
    start, end = instants
    if start > end:
        raise BadPeriod("from", f"'from' ({as_of_text(from_moment)}) is after 'to' "
                                f"({as_of_text(to_moment)}).")
    return start, end


def register_diff(organisation_id: int | None, from_moment: Moment, to_moment: Moment, *,
                  chunk_size: int = CHUNK) -> RegisterDiff:
    """What changed in the register of ``organisation_id`` (every organisation's when None)
    from ``from_moment`` to ``to_moment`` (each a day, meaning its end, or an instant)."""
    start, end = period(from_moment, to_moment)
    diff = RegisterDiff(organisation_id, from_moment, to_moment, start, end)
    codes = changes.Codes()
    ids = touched_activities(organisation_id, start, end) if start < end else []
    for chunk in _chunks(ids, chunk_size):
        old, new = _State(chunk, start, codes), _State(chunk, end, codes)
        for pk in chunk:
            found = _compare(pk, old, new)
            if found is not None:
                getattr(diff, found.kind).append(found)
    for kind in (diff.added, diff.retired, diff.changed):
        kind.sort(key=lambda a: (a.reference, a.id))
    return diff


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for first in range(0, len(ids), size):
        yield ids[first:first + size]


def as_dict(diff: RegisterDiff) -> dict:
    """The diff as the API answers it (and the JSON the exports are checked against)."""
    def activity(entry: ActivityDiff) -> dict:
        return {
            "id": entry.id, "reference": entry.reference, "name": entry.name,
            "how": entry.how, "version_from": entry.version_from,
            "version_to": entry.version_to, "changed_at": entry.changed_at,
            "changed_by": entry.changed_by, "path": entry.path,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in entry.changes],
        }

    return {
        "organisation": diff.organisation_id, "from": diff.from_text, "to": diff.to_text,
        "added": [activity(a) for a in diff.added],
        "retired": [activity(a) for a in diff.retired],
        "changed": [activity(a) for a in diff.changed],
    }


def value_text(value) -> str:
    """A value of the diff as one line of text, for a sheet, a PDF or a page: links as
    their codes or ids joined by commas, a part as its filled-in fields."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{name}: {value_text(item)}" for name, item in value.items()
                         if not changes.empty(item))
    return str(value)


#: The columns of a diff as a table (the xlsx sheet, the PDF), one row per field changed.
COLUMNS = ("Change", "Reference", "Activity", "Field", "Old value", "New value",
           "Last changed", "By", "Through")


def rows(diff: RegisterDiff) -> Iterable[tuple]:
    """The diff as rows of :data:`COLUMNS`: each activity's changes, one a row."""
    for entry in diff.activities:
        kind = f"{entry.kind} ({entry.how})" if entry.how else entry.kind
        when = as_of_text(entry.changed_at) if entry.changed_at else ""
        tail = (when, entry.changed_by or "", entry.path)
        for change in entry.changes or [Change("", None, None)]:
            yield (kind, entry.reference, entry.name, change.field, value_text(change.old),
                   value_text(change.new), *tail)
