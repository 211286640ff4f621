"""Reverting an activity to an earlier version: its fields, its links and every part it
held then (purposes, lawful bases, recipients, transfers, retention rules), written as one
new version by ``services.activity_save`` so the history records the revert like any
other change, with who made it and through which path.

A part that still exists is changed back; a part removed since is written again (as a new
part: its history keeps the old one); a part added since is removed. A lawful basis limited
to purposes is limited again to the purposes the version held, re-created ones included.
Identity, workflow state and review dates are not part of a version's content and stay.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from simple_history.utils import get_m2m_reverse_field_name

from . import services
from .models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)

#: Fields a revert leaves alone: identity, workflow state and review dates belong to the
#: workflow, not to the content of a version.
NOT_REVERTED = frozenset({
    "id", "organisation", "version", "status", "status_changed_at", "created_at", "updated_at",
    "last_reviewed_on", "next_review_on",
})

#: The parts of an activity, purposes first: a lawful basis may be limited to them.
PART_MODELS = (Purpose, ActivityLawfulBasis, ActivityRecipient, InternationalTransfer,
               RetentionRule)
#: Each part model's inline prefix on the change form (labels of the service's errors).
PART_PREFIXES = {Purpose: "purposes", ActivityLawfulBasis: "lawful_bases",
                 ActivityRecipient: "recipients", InternationalTransfer: "transfers",
                 RetentionRule: "retention_rules"}


def version_end(activity: ProcessingActivity, record) -> datetime.datetime:
    """When the version of ``record`` stopped being current: when the next version was
    written, or now for the current one. Its parts are as their history stood just before."""
    following = (activity.history.filter(history_date__gt=record.history_date)
                 .order_by("history_date", "history_id").first())
    return following.history_date if following is not None else timezone.now()


def parts_at(model, activity_id: int, before: datetime.datetime) -> dict[int, models.Model]:
    """The historical rows of ``model``'s parts of the activity as they stood just before
    ``before``, by part id (parts removed by then left out)."""
    records = (model.history.filter(activity_id=activity_id, history_date__lt=before)
               .latest_of_each().exclude(history_type="-"))
    return {r.id: r for r in records}


def _fetch(model, pk):
    return model._default_manager.filter(pk=pk).first() if pk is not None else None


def activity_fields(record) -> dict:
    """The service arguments that bring an activity's own fields and links back to
    ``record`` (a historical row of the activity)."""
    fields = {}
    for model_field in ProcessingActivity._meta.concrete_fields:
        if model_field.name in NOT_REVERTED or not model_field.editable:
            continue
        if isinstance(model_field, models.ForeignKey):
            fields[model_field.name] = _fetch(model_field.related_model,
                                              getattr(record, model_field.attname))
        else:
            fields[model_field.name] = getattr(record, model_field.attname)
    for name in services.ACTIVITY_M2M_FIELDS:
        fields[name] = list(_linked(ProcessingActivity, record, name))
    return fields


def _linked_ids(model, record, name: str) -> list[int]:
    model_field = model._meta.get_field(name)
    target = get_m2m_reverse_field_name(model_field)
    return [getattr(row, f"{target}_id") for row in getattr(record, name).all()]


def _linked(model, record, name: str):
    related = model._meta.get_field(name).related_model
    return related._default_manager.filter(pk__in=_linked_ids(model, record, name))


def _part_fields(model, record, purposes: dict[int, object]) -> dict:
    """A part's fields as ``record`` (its historical row) held them; purposes named by the
    part as they will be after the revert (``purposes``: old id -> purpose or PartChange)."""
    fields = {}
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or not model_field.editable or model_field.name == "activity":
            continue
        if isinstance(model_field, models.ForeignKey):
            fields[model_field.name] = _fetch(model_field.related_model,
                                              getattr(record, model_field.attname))
        else:
            fields[model_field.name] = getattr(record, model_field.attname)
    for model_field in model._meta.many_to_many:
        if model_field.related_model is Purpose:
            fields[model_field.name] = [purposes[pk] for pk in
                                        _linked_ids(model, record, model_field.name)
                                        if pk in purposes]
        else:
            fields[model_field.name] = list(_linked(model, record, model_field.name))
    return fields


def _differs(instance, name: str, value) -> bool:
    model_field = instance._meta.get_field(name)
    if model_field.many_to_many:
        if any(isinstance(v, services.PartChange) for v in value):
            return True
        return {v.pk for v in value} != set(
            getattr(instance, name).values_list("pk", flat=True))
    return getattr(instance, name) != value


def part_changes(activity: ProcessingActivity, before: datetime.datetime) -> list[services.PartChange]:
    """The part changes that bring the activity's parts back to how they stood just before
    ``before``."""
    changes: list[services.PartChange] = []
    purposes: dict[int, object] = {}
    for model in PART_MODELS:
        old = parts_at(model, activity.pk, before)
        current = {o.pk: o for o in model._default_manager.filter(activity=activity)}
        prefix = PART_PREFIXES[model]
        for index, pk in enumerate(sorted(set(current) - set(old))):
            changes.append(services.PartChange(model, current[pk], delete=True,
                                               label=f"{prefix}[removed {index}]"))
        for index, (pk, record) in enumerate(sorted(old.items())):
            fields = _part_fields(model, record, purposes)
            label = f"{prefix}[{index}]"
            if pk in current:
                instance = current[pk]
                changed = {n: v for n, v in fields.items() if _differs(instance, n, v)}
                change = services.PartChange(model, instance, changed, label=label)
                if model is Purpose:
                    purposes[pk] = instance if not changed else change
            else:
                change = services.PartChange(model, None, fields, label=label)
                if model is Purpose:
                    purposes[pk] = change
            changes.append(change)
    return changes


def activity_revert(*, activity: ProcessingActivity, record, user=None, path=None,
                    expected_version: int | None = None) -> ProcessingActivity:
    """Bring ``activity`` back to the version of ``record`` (a historical row of it), parts
    included, as one new version. ``services.StaleWrite`` if the activity moved on from
    ``expected_version``; ``ValidationError`` if the services refuse the old content (a
    third party since removed from the register, say)."""
    return services.activity_save(
        activity=activity, fields=activity_fields(record),
        parts=part_changes(activity, version_end(activity, record)),
        user=user, path=path, expected_version=expected_version,
    )
