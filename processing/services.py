"""Every write to the register goes through these services.

The admin, the API, the import and the tasks call them, so validation, history (with
the acting user and path) and the activity's version happen once. Each service is
keyword-only and atomic; a ValidationError leaves the database as it was.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ropa.audit import audit_context, save_with_one_history_row
from ropa.validation import full_clean

from .models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    ActivityStatus,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)

#: Many-to-many fields of an activity that services accept as iterables.
ACTIVITY_M2M_FIELDS = (
    "joint_controllers",
    "controllers_served",
    "data_subjects",
    "data_categories",
    "special_category_conditions",
    "schedule1_conditions",
    "security_measures",
)
#: Fields no caller sets directly.
ACTIVITY_PROTECTED_FIELDS = ("id", "organisation", "version", "status", "status_changed_at",
                             "created_at", "updated_at")


class StaleWrite(ValidationError):
    """The activity changed since the caller read it; nothing was written."""

    def __init__(self, activity: ProcessingActivity, expected: int):
        super().__init__(
            _("%(activity)s was changed by someone else since you opened it "
              "(version %(current)s, you had %(expected)s). Reload it and apply your changes "
              "again.") % {"activity": activity.reference, "current": activity.version,
                           "expected": expected},
            code="stale",
        )
        self.current_version = activity.version


def _split(fields: dict[str, Any], m2m_names: Iterable[str]):
    plain = {k: v for k, v in fields.items() if k not in m2m_names}
    m2m = {k: v for k, v in fields.items() if k in m2m_names}
    return plain, m2m


def _check_unknown(model, fields: dict[str, Any], extra: Iterable[str] = ()):
    known = {f.name for f in model._meta.get_fields()} | set(extra)
    unknown = sorted(set(fields) - known)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})


def conditions_errors(data_categories, special_category_conditions, schedule1_conditions
                      ) -> dict[str, list[str]]:
    """Art 9 and Sch. 1 conditions only make sense with the data that needs them.

    Shared by the services and the admin form, so both refuse the same records.
    """
    categories = list(data_categories)
    has_special = any(c.special_category for c in categories)
    has_criminal = any(c.criminal_offence for c in categories)
    errors = {}
    if list(special_category_conditions) and not has_special:
        errors["special_category_conditions"] = [_(
            "An Art 9 condition is recorded but the activity processes no special category "
            "data: add the special category data, or remove the condition."
        )]
    if list(schedule1_conditions) and not (has_special or has_criminal):
        errors["schedule1_conditions"] = [_(
            "A Schedule 1 / Art 10 condition is recorded but the activity processes no special "
            "category or criminal offence data."
        )]
    return errors


def _validate_conditions(activity: ProcessingActivity) -> None:
    errors = conditions_errors(
        activity.data_categories.all(), activity.special_category_conditions.all(),
        activity.schedule1_conditions.all(),
    )
    if errors:
        raise ValidationError(errors)


def _touch(activity: ProcessingActivity) -> None:
    """Record that the activity changed: raise its version, once per service call."""
    ProcessingActivity.objects.filter(pk=activity.pk).update(
        version=models.F("version") + 1, updated_at=timezone.now()
    )
    activity.refresh_from_db(fields=["version", "updated_at"])


def lock_activity(activity: ProcessingActivity, expected_version: int | None) -> ProcessingActivity:
    """Lock the activity's row for this transaction; StaleWrite if it moved past
    ``expected_version`` (None: no check)."""
    current = ProcessingActivity.objects.select_for_update().get(pk=activity.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleWrite(current, expected_version)
    activity.version = current.version
    return current


def next_reference(organisation) -> str:
    """The next free reference in an organisation's register: PA-001, PA-002..."""
    existing = set(
        ProcessingActivity.objects.filter(organisation=organisation).values_list(
            "reference", flat=True
        )
    )
    n = len(existing) + 1
    while f"PA-{n:03d}" in existing:
        n += 1
    return f"PA-{n:03d}"


@transaction.atomic
def activity_create(*, organisation, user=None, path=None, **fields) -> ProcessingActivity:
    """Create a processing activity (status draft) with its many-to-many links."""
    _check_unknown(ProcessingActivity, fields)
    for name in ACTIVITY_PROTECTED_FIELDS:
        if name in fields and name != "status":
            raise ValidationError({name: _("This field cannot be set.")})
    plain, m2m = _split(fields, ACTIVITY_M2M_FIELDS)
    with audit_context(user=user, path=path):
        activity = ProcessingActivity(organisation=organisation, **plain)
        if not activity.reference:
            activity.reference = next_reference(organisation)
        if activity.status != ActivityStatus.DRAFT:
            activity.status_changed_at = timezone.now()
        full_clean(activity)
        save_with_one_history_row(activity, m2m)
        _validate_conditions(activity)
    return activity


@transaction.atomic
def activity_update(
    *, activity: ProcessingActivity, user=None, path=None, expected_version: int | None = None,
    **fields,
) -> ProcessingActivity:
    """Change fields and links of an activity; refuses a write based on an old version."""
    _check_unknown(ProcessingActivity, fields)
    for name in ACTIVITY_PROTECTED_FIELDS:
        if name in fields:
            raise ValidationError({name: _("This field cannot be changed here.")})
    plain, m2m = _split(fields, ACTIVITY_M2M_FIELDS)
    with audit_context(user=user, path=path):
        lock_activity(activity, expected_version)
        for name, value in plain.items():
            setattr(activity, name, value)
        activity.version += 1
        full_clean(activity)
        save_with_one_history_row(activity, m2m)
        _validate_conditions(activity)
    return activity


TRANSITIONS = {
    "submit": ({ActivityStatus.DRAFT}, ActivityStatus.IN_REVIEW),
    "approve": ({ActivityStatus.IN_REVIEW}, ActivityStatus.ACTIVE),
    "return_to_draft": ({ActivityStatus.IN_REVIEW, ActivityStatus.ACTIVE}, ActivityStatus.DRAFT),
    "retire": ({ActivityStatus.DRAFT, ActivityStatus.IN_REVIEW, ActivityStatus.ACTIVE},
               ActivityStatus.RETIRED),
    "reinstate": ({ActivityStatus.RETIRED}, ActivityStatus.DRAFT),
}


@transaction.atomic
def activity_transition(
    *, activity: ProcessingActivity, action: str, user=None, path=None,
    expected_version: int | None = None, today: datetime.date | None = None,
) -> ProcessingActivity:
    """Move an activity along the review workflow.

    draft -> in review (submit) -> active (approve); back to draft; retired (kept, with
    its history) and reinstated. Approval records the review date and sets the next one.
    """
    if action not in TRANSITIONS:
        raise ValidationError(
            {"action": _("Unknown action '%(action)s': use one of %(actions)s.")
             % {"action": action, "actions": ", ".join(TRANSITIONS)}}
        )
    sources, target = TRANSITIONS[action]
    with audit_context(user=user, path=path):
        lock_activity(activity, expected_version)
        activity.refresh_from_db()
        if activity.status not in sources:
            raise ValidationError(
                {"status": _("Cannot %(action)s an activity that is %(status)s.")
                 % {"action": action.replace("_", " "), "status": activity.get_status_display()}}
            )
        activity.status = target
        activity.status_changed_at = timezone.now()
        if action == "approve":
            today = today or timezone.localdate()
            activity.last_reviewed_on = today
            activity.next_review_on = today + datetime.timedelta(
                days=settings.ROPA_REVIEW_INTERVAL_DAYS
            )
        activity.version += 1
        full_clean(activity)
        activity.save()
    return activity


# --- parts of an activity ---------------------------------------------------------------

#: Child models of an activity, and their many-to-many fields.
_CHILDREN: dict[type[models.Model], tuple[str, ...]] = {
    Purpose: (),
    ActivityLawfulBasis: ("data_categories", "purposes"),
    ActivityRecipient: ("data_categories",),
    InternationalTransfer: (),
    RetentionRule: (),
}


def _check_scope(obj: models.Model, m2m: dict[str, Any]) -> None:
    """A scope (data categories, purposes) must be part of the activity itself."""
    activity = obj.activity
    errors = {}
    if "data_categories" in m2m:
        allowed = set(activity.data_categories.values_list("pk", flat=True))
        outside = [c for c in m2m["data_categories"] if getattr(c, "pk", c) not in allowed]
        if outside:
            errors["data_categories"] = [
                _("Not among the activity's data categories: %(names)s.")
                % {"names": ", ".join(str(c) for c in outside)}
            ]
    if "purposes" in m2m:
        outside = [p for p in m2m["purposes"] if getattr(p, "activity_id", None) != activity.pk]
        if outside:
            errors["purposes"] = [_("A purpose of another activity cannot limit this basis.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def part_save(
    *, model: type[models.Model], activity: ProcessingActivity | None = None,
    instance: models.Model | None = None, user=None, path=None,
    expected_version: int | None = None, **fields,
) -> models.Model:
    """Create (``activity`` given) or change (``instance`` given) a part of an activity:
    a purpose, a lawful basis, a recipient, a transfer or a retention rule."""
    if model not in _CHILDREN:
        raise TypeError(f"{model.__name__} is not a part of an activity")
    m2m_names = _CHILDREN[model]
    _check_unknown(model, fields)
    plain, m2m = _split(fields, m2m_names)
    parent = activity if instance is None else instance.activity
    with audit_context(user=user, path=path):
        lock_activity(parent, expected_version)
        obj = instance if instance is not None else model(activity=parent)
        for name, value in plain.items():
            setattr(obj, name, value)
        full_clean(obj)
        _check_scope(obj, m2m)
        save_with_one_history_row(obj, m2m)
        _touch(parent)
    return obj


@transaction.atomic
def part_delete(*, instance: models.Model, user=None, path=None,
                expected_version: int | None = None) -> None:
    """Remove a part of an activity (its history keeps it)."""
    if type(instance) not in _CHILDREN:
        raise TypeError(f"{type(instance).__name__} is not a part of an activity")
    parent = instance.activity
    with audit_context(user=user, path=path):
        lock_activity(parent, expected_version)
        instance.delete()
        _touch(parent)


def purpose_add(*, activity, description: str, user=None, path=None, **fields) -> Purpose:
    if "position" not in fields:
        fields["position"] = activity.purposes.count() + 1
    return part_save(model=Purpose, activity=activity, user=user, path=path,
                     description=description, **fields)


def lawful_basis_add(*, activity, basis, user=None, path=None, **fields) -> ActivityLawfulBasis:
    return part_save(model=ActivityLawfulBasis, activity=activity, user=user, path=path,
                     basis=basis, **fields)


def recipient_add(*, activity, user=None, path=None, **fields) -> ActivityRecipient:
    return part_save(model=ActivityRecipient, activity=activity, user=user, path=path, **fields)


def transfer_add(*, activity, user=None, path=None, **fields) -> InternationalTransfer:
    return part_save(model=InternationalTransfer, activity=activity, user=user, path=path,
                     **fields)


def retention_rule_add(*, activity, user=None, path=None, **fields) -> RetentionRule:
    return part_save(model=RetentionRule, activity=activity, user=user, path=path, **fields)
