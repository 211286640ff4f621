"""Changes to the register: activities created, changed and retired in the period.

What the register is at the end of the period against what it was at its start comes
from the register diff (``processing.diff``): the activities created, retired (or
deleted) and changed, and what differs, field by field, parts and links included. Every
change recorded in between is listed too, from the audit history (django-simple-history):
who made it, through which path (admin, API, import...), and what it changed.
The period runs from the end of the previous change report of the same organisation
(or the week before, for the first one) to the end of the report's day.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import ManyToManyField
from django.utils import timezone
from simple_history.utils import get_m2m_reverse_field_name

from entities.models import Organisation
from processing import diff as diffs
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    ActivityStatus,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)

from ..selectors import activities_in_scope, period_end, user_display
from .base import Chart, Figure, ReportContent, Section

TITLE = "Changes to the register"
#: The window of the first change report of an organisation, in days.
FIRST_WINDOW_DAYS = 7

#: Bookkeeping fields that change with every write and say nothing to a DPO.
IGNORED_FIELDS = ("version", "updated_at", "status_changed_at", "created_at")

#: Parts of an activity whose history is reported with it.
PARTS = (
    (Purpose, "purpose"),
    (ActivityLawfulBasis, "lawful basis"),
    (ActivityRecipient, "recipient"),
    (InternationalTransfer, "transfer"),
    (RetentionRule, "retention rule"),
)

CREATED, CHANGED, RETIRED, REINSTATED, DELETED = (
    "created", "changed", "retired", "reinstated", "deleted")


@dataclass
class Change:
    when: datetime.datetime
    activity_id: int
    action: str
    fields: list[str]
    details: str
    who: str
    path: str


def window_start(report, previous) -> datetime.datetime:
    if previous is not None:
        return period_end(previous.period)
    return period_end(report.period) - datetime.timedelta(days=FIRST_WINDOW_DAYS)


def _verbose(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field removed since: keep its name
        return name


def _value(model, name: str, value, cache: dict) -> str:
    if value in (None, ""):
        return "—"
    field = model._meta.get_field(name)
    if field.is_relation and field.related_model is not None:
        related = field.related_model
        key = (related, value)
        if key not in cache:
            cache[key] = str(related._default_manager.filter(pk=value).first() or f"#{value}")
        return cache[key]
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _m2m_details(model, change, cache: dict) -> str:
    field = model._meta.get_field(change.field)
    target = get_m2m_reverse_field_name(field)
    old = {row[target] for row in change.old}
    new = {row[target] for row in change.new}
    ids = (old | new)
    names = {pk: str(obj) for pk, obj in field.related_model._default_manager.in_bulk(ids).items()}
    parts = [f"+ {names.get(pk, f'#{pk}')}" for pk in sorted(new - old, key=lambda p: names.get(p, ""))]
    parts += [f"− {names.get(pk, f'#{pk}')}"
              for pk in sorted(old - new, key=lambda p: names.get(p, ""))]
    return ", ".join(parts)


def _describe_delta(model, delta, cache: dict) -> tuple[list[str], str]:
    fields, details = [], []
    for change in delta.changes:
        label = _verbose(model, change.field)
        fields.append(label)
        field = model._meta.get_field(change.field)
        if isinstance(field, ManyToManyField):
            details.append(f"{label}: {_m2m_details(model, change, cache)}")
        else:
            old = _value(model, change.field, change.old, cache)
            new = _value(model, change.field, change.new, cache)
            details.append(f"{label}: {_shorten(old)} → {_shorten(new)}")
    return fields, "; ".join(details)


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _walk(history_model, in_window, end, key: str):
    """Yield (record, previous record of the same object or None) for the records of
    ``in_window``, reading each object's earlier history once."""
    ids = set(in_window.values_list(key, flat=True))
    records = (
        history_model.objects.filter(**{f"{key}__in": ids}, history_date__lte=end)
        .select_related("history_user")
        .order_by(key, "history_date", "history_id")
    )
    in_window_ids = set(in_window.values_list("history_id", flat=True))
    previous = {}
    for record in records.iterator(chunk_size=500):
        object_key = getattr(record, key)
        if record.history_id in in_window_ids:
            yield record, previous.get(object_key)
        previous[object_key] = record


def _activity_changes(scope, start, end, cache) -> list[Change]:
    history_model = ProcessingActivity.history.model
    in_window = history_model.objects.filter(history_date__gt=start, history_date__lte=end)
    if scope is not None:
        in_window = in_window.filter(organisation_id=scope.pk)
    changes = []
    for record, prev in _walk(history_model, in_window, end, "id"):
        who, path = user_display(record.history_user), record.history_path
        if record.history_type == "+" or prev is None:
            changes.append(Change(record.history_date, record.id, CREATED, [],
                                  f"created as {record.get_status_display()}", who, path))
            continue
        if record.history_type == "-":
            changes.append(Change(record.history_date, record.id, DELETED, [], "deleted", who,
                                  path))
            continue
        delta = record.diff_against(prev, excluded_fields=IGNORED_FIELDS)
        if not delta.changes:
            continue
        fields, details = _describe_delta(ProcessingActivity, delta, cache)
        action = CHANGED
        if "status" in delta.changed_fields:
            if record.status == ActivityStatus.RETIRED:
                action = RETIRED
            elif prev.status == ActivityStatus.RETIRED:
                action = REINSTATED
        changes.append(Change(record.history_date, record.id, action, fields, details, who, path))
    return changes


def _part_changes(scope, start, end, cache) -> list[Change]:
    changes = []
    scoped_ids = activities_in_scope(scope).values("pk") if scope is not None else None
    for model, label in PARTS:
        history_model = model.history.model
        in_window = history_model.objects.filter(history_date__gt=start, history_date__lte=end)
        if scoped_ids is not None:
            in_window = in_window.filter(activity_id__in=scoped_ids)
        for record, prev in _walk(history_model, in_window, end, "id"):
            who, path = user_display(record.history_user), record.history_path
            text = _shorten(str(record.instance))
            if record.history_type == "+" or prev is None:
                changes.append(Change(record.history_date, record.activity_id, CHANGED,
                                      [f"{label}s"], f"{label} added: {text}", who, path))
            elif record.history_type == "-":
                changes.append(Change(record.history_date, record.activity_id, CHANGED,
                                      [f"{label}s"], f"{label} removed: {text}", who, path))
            else:
                delta = record.diff_against(prev)
                if not delta.changes:
                    continue
                _, details = _describe_delta(model, delta, cache)
                changes.append(Change(record.history_date, record.activity_id, CHANGED,
                                      [f"{label}s"], f"{label} '{text}' changed: {details}",
                                      who, path))
    return changes


def build(report, previous) -> ReportContent:
    start, end = window_start(report, previous), period_end(report.period)
    # What the register is at the end against what it was at the start (the diff), and
    # every change recorded in between, with who made it (the history).
    diff = diffs.register_diff(report.organisation_id, start, end)
    cache: dict = {}
    changes = _activity_changes(report.organisation, start, end, cache)
    changes += _part_changes(report.organisation, start, end, cache)
    changes.sort(key=lambda c: (c.when, c.activity_id))

    activity_ids = {c.activity_id for c in changes}
    activities = ProcessingActivity.objects.select_related("organisation").in_bulk(activity_ids)
    organisation_ids = {a.organisation_id for a in diff.activities}
    names = dict(Organisation.objects.filter(
        pk__in=organisation_ids | {a.organisation_id for a in activities.values()})
        .values_list("pk", "name"))

    def ident(activity_id):
        activity = activities.get(activity_id)
        if activity is None:
            return ["", f"#{activity_id}", "(deleted activity)"]
        return [names.get(activity.organisation_id, ""), activity.reference, activity.name]

    def local(when):
        return timezone.localtime(when).replace(tzinfo=None)

    def listed(entries: list[diffs.ActivityDiff]) -> list[list]:
        return [[names.get(e.organisation_id, ""), e.reference, e.name,
                 local(e.changed_at) if e.changed_at else None, user_display(e.user), e.path]
                for e in entries]

    by_person: Counter[str] = Counter(c.who for c in changes)
    retired = [e for e in diff.retired if e.how == diffs.RETIRED_STATUS]
    deleted = [e for e in diff.retired if e.how == diffs.DELETED]
    reinstated = [e for e in diff.changed if any(
        c.field == "status" and c.old == ActivityStatus.RETIRED for c in e.changes)]
    by_action = {CREATED: len(diff.added), CHANGED: len(diff.changed),
                 RETIRED: len(retired), REINSTATED: len(reinstated), DELETED: len(deleted)}

    log_rows = [
        [local(c.when), *ident(c.activity_id), c.action, ", ".join(c.fields), c.details, c.who,
         c.path]
        for c in changes
    ]
    diff_rows = [[names.get(e.organisation_id, ""), e.reference, e.name, e.kind, c.field,
                  _shorten(diffs.value_text(c.old), 500),
                  _shorten(diffs.value_text(c.new), 500)]
                 for e in diff.activities for c in e.changes]
    summary = {
        "from": start.isoformat(), "to": end.isoformat(),
        "created": by_action[CREATED], "changed": by_action[CHANGED],
        "retired": by_action[RETIRED], "reinstated": by_action[REINSTATED],
        "deleted": by_action[DELETED], "changes": len(changes),
        "people": sorted(by_person),
    }
    when_columns = ["Organisation", "Reference", "Activity", "When", "Who", "Through"]
    window = f"{local(start):%d %b %Y %H:%M} to {local(end):%d %b %Y %H:%M}"
    last_change = "When, who and through what: the activity's last change in the period."
    return ReportContent(
        title=TITLE,
        scope=report.organisation.name if report.organisation_id else "Whole register",
        period=report.period,
        period_start=start,
        generated_at=timezone.now(),
        figures=[
            Figure("Activities created", summary["created"]),
            Figure("Activities changed", summary["changed"]),
            Figure("Activities retired", summary["retired"]),
            Figure("Changes recorded", summary["changes"]),
            Figure("People who changed the register", len(by_person)),
        ],
        sections=[
            Section("Created", when_columns, listed(diff.added), description=last_change,
                    empty_text="No activity was created in the period."),
            Section("Retired", when_columns, listed([*retired, *deleted]),
                    description="Retired, or deleted. " + last_change,
                    empty_text="No activity was retired in the period."),
            Section("What changed", ["Organisation", "Reference", "Activity", "Change", "Field",
                                     "Before", "After"], diff_rows,
                    description=f"The register at {local(end):%d %b %Y %H:%M} against the "
                                f"register at {local(start):%d %b %Y %H:%M}, field by field "
                                "(values as the API writes them: codes, ids, ISO dates).",
                    empty_text="Nothing differs between the start and the end of the period."),
            Section("All changes", ["When", "Organisation", "Reference", "Activity", "Change",
                                    "What changed", "Details", "Who", "Through"], log_rows,
                    description=f"Every change recorded from {window}.",
                    empty_text="Nothing changed in the period."),
        ],
        charts=[
            Chart("Activities by change", [(a, by_action[a]) for a in
                                           (CREATED, CHANGED, RETIRED, REINSTATED)]),
            Chart("Changes by person", by_person.most_common(15)),
        ],
        summary=summary,
        notes=[f"Period covered: {window}."],
    )
