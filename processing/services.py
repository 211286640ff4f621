"""Every write to the register goes through these services.

The admin, the API, the import and the tasks call them, so validation, history (with
the acting user and path) and the activity's version happen once. Each service is
keyword-only and atomic; a ValidationError leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entities.models import MemberRole, Membership
from ropa.audit import audit_context, current_actor, record_history, save_with_one_history_row
from ropa.validation import full_clean

from . import invariants
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


def _activity_links(activity: ProcessingActivity) -> dict[str, list]:
    return {name: list(getattr(activity, name).all()) for name in (
        "joint_controllers", "controllers_served", "data_categories",
        "special_category_conditions", "schedule1_conditions")}


def _owner(activity: ProcessingActivity):
    field = ProcessingActivity._meta.get_field("owner")
    if activity.owner_id is None and not field.is_cached(activity):
        return None
    return activity.owner


def _validate_activity(activity: ProcessingActivity) -> None:
    """The rules across objects (invariants.activity_errors) on the saved activity."""
    errors = invariants.activity_errors(activity.organisation, _activity_links(activity),
                                        owner=_owner(activity))
    if errors:
        raise ValidationError(errors)


def _check_reference(activity: ProcessingActivity) -> None:
    errors = invariants.reference_errors(activity.organisation, activity.reference,
                                         exclude_pk=activity.pk)
    if errors:
        raise ValidationError(errors)


#: Activities inside ``one_version``: their id -> the version the block writes (None until
#: its first write).
_one_version: contextvars.ContextVar[dict[int, int | None] | None] = contextvars.ContextVar(
    "ropa_one_version", default=None)


def _version_for(activity: ProcessingActivity, current: int) -> int:
    """The version a write of ``activity`` (now at ``current``) makes: the next one, or
    inside ``one_version`` the one the block's first write made."""
    scope = _one_version.get()
    if scope is None or activity.pk not in scope:
        return current + 1
    if scope[activity.pk] is None:
        scope[activity.pk] = current + 1
    return scope[activity.pk]


def _own_row(activity: ProcessingActivity) -> bool:
    """Whether a write records the activity's history row itself (not inside ``one_version``,
    which records one when the block ends)."""
    scope = _one_version.get()
    return scope is None or activity.pk not in scope


@contextlib.contextmanager
def one_version(activity: ProcessingActivity, *, user=None, path=None):
    """Make every service call on ``activity`` in the block one version of it together:
    the first write raises the version, the others write under it, and one history row of
    the activity is recorded when the block ends (none if nothing was written). For a
    caller that changes an activity by several calls (the import: its status, its
    fields, then each part), inside its transaction. An unchanged activity costs no query."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("one_version() runs inside the caller's transaction.atomic().")
    outer = _one_version.get()
    if outer is not None and activity.pk in outer:
        yield
        return
    scope = {**(outer or {}), activity.pk: None}
    token = _one_version.set(scope)
    try:
        with audit_context(user=user, path=path):
            yield
            if scope[activity.pk] is not None:
                activity.refresh_from_db()
                record_history(activity)
    finally:
        _one_version.reset(token)


def _touch(activity: ProcessingActivity) -> None:
    """Record a change of the activity's parts as a version of the activity: the version
    raised in memory before the parts were written (their history rows carry it) is saved,
    with one history row of the activity. One version per service call."""
    changes = {"version": activity.version, "updated_at": timezone.now()}
    if _back_to_draft(activity, activity.status):
        changes.update(status=activity.status, status_changed_at=activity.status_changed_at)
    ProcessingActivity.objects.filter(pk=activity.pk).update(**changes)
    activity.refresh_from_db()
    if _own_row(activity):
        record_history(activity)


def lock_activity(activity: ProcessingActivity, expected_version: int | None) -> ProcessingActivity:
    """Lock the activity's row for this transaction; StaleWrite if it moved past
    ``expected_version`` (None: no check)."""
    current = ProcessingActivity.objects.select_for_update().get(pk=activity.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleWrite(current, expected_version)
    activity.version, activity.status = current.version, current.status
    return current


def lock_register(*organisations) -> None:
    """Serialise reference allocation in the organisations' registers until the transaction
    ends: their rows are locked FOR NO KEY UPDATE (in one query, in id order), which other
    allocations wait for while inserts referring to them (FOR KEY SHARE) go ahead."""
    from entities.models import Organisation

    ids = sorted({o.pk for o in organisations if o.pk is not None})
    if ids:
        list(Organisation.objects.select_for_update(no_key=True).filter(pk__in=ids)
             .order_by("pk").values_list("pk", flat=True))


def next_reference(organisation) -> str:
    """The next free reference in an organisation's register: PA-001, PA-002...

    Free when read: a caller that writes it holds ``lock_register`` (activity_create)."""
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
        lock_register(organisation)
        if activity.reference:
            _check_reference(activity)
        else:
            activity.reference = next_reference(organisation)
        if activity.status != ActivityStatus.DRAFT:
            activity.status_changed_at = timezone.now()
        full_clean(activity)
        save_with_one_history_row(activity, m2m)
        _validate_activity(activity)
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
        current = lock_activity(activity, expected_version)
        for name, value in plain.items():
            setattr(activity, name, value)
        _back_to_draft(activity, current.status)
        if activity.reference != current.reference:
            lock_register(activity.organisation)
            _check_reference(activity)
        activity.version = _version_for(activity, current.version)
        full_clean(activity)
        save_with_one_history_row(activity, m2m, record=_own_row(activity))
        _validate_activity(activity)
    return activity


def _acting_user():
    actor = current_actor()
    return actor.user if actor is not None else None


def _contributor_edit(activity: ProcessingActivity) -> bool:
    """Whether the write is a contributor's (not its organisation's DPO's)."""
    user = _acting_user()
    if user is None or user.is_superuser:
        return False
    return Membership.objects.filter(user=user, organisation_id=activity.organisation_id,
                                     role=MemberRole.CONTRIBUTOR).exists()


def _back_to_draft(activity: ProcessingActivity, status: str) -> bool:
    """A contributor's change to an approved record, or to one in review, sends it back
    to draft (DESIGN.md section 7): what the DPO approved is not changed under it."""
    if status in (ActivityStatus.ACTIVE, ActivityStatus.IN_REVIEW) and _contributor_edit(activity):
        activity.status = ActivityStatus.DRAFT
        activity.status_changed_at = timezone.now()
        return True
    return False


def _approval_refused(activity: ProcessingActivity, today: datetime.date, override: str) -> None:
    """Refuse an approval that is a click rather than a control: one by the DPO who
    submitted the activity where the organisation has another DPO, or one of an activity
    with error findings without a reason (which is then kept with the approval)."""
    from .findings import Severity, activity_findings
    from .register import read_activity

    user = _acting_user()
    dpos = dict(Membership.objects.filter(
        organisation_id=activity.organisation_id, role=MemberRole.DPO, user__is_active=True,
    ).values_list("user_id", "user__username")) if user is not None else {}
    others = [name for pk, name in dpos.items() if pk != user.pk] if dpos else []
    if len(dpos) >= 2 and others:
        submit = (activity.history.filter(status=ActivityStatus.IN_REVIEW,
                                          status_changed_at=activity.status_changed_at)
                  .order_by("history_id").values_list("history_user_id", flat=True).first())
        if submit == user.pk:
            raise ValidationError({"status": ValidationError(
                _("You submitted %(ref)s for review: another DPO of its organisation "
                  "(%(others)s) approves it.") % {"ref": activity.reference,
                                                  "others": ", ".join(sorted(others))},
                code="state")})
    errors = [f for f in activity_findings(read_activity(activity.pk), today=today)
              if f.severity == Severity.ERROR]
    if not errors:
        return
    if not override.strip():
        raise ValidationError({"override_reason": ValidationError(
            _("Approval refused: %(ref)s has %(n)s open error finding(s): %(list)s. Fix them, "
              "or give the reason it is approved nonetheless (override reason).") % {
                "ref": activity.reference, "n": len(errors),
                "list": "; ".join(f"{f.code} ({f.message})" for f in errors)},
            code="findings")})
    activity._change_reason = _(
        "Approved over %(n)s open error finding(s) (%(codes)s): %(reason)s") % {
        "n": len(errors), "codes": ", ".join(f.code for f in errors), "reason": override.strip()}


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
    override_reason: str = "",
) -> ProcessingActivity:
    """Move an activity along the review workflow.

    draft -> in review (submit) -> active (approve); back to draft; retired (kept, with
    its history) and reinstated. Approval is a control (:func:`_approval_refused`): refused
    while the activity has error findings unless ``override_reason`` says why it is
    approved nonetheless (kept as the reason of its history row); refused to whoever
    submitted it where the organisation has another DPO. It records the review date and
    sets the next one.
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
            # The request is sound; the activity's state forbids it (HTTP 409, not 400).
            raise ValidationError({"status": ValidationError(
                _("Cannot %(action)s an activity that is %(status)s.")
                % {"action": action.replace("_", " "), "status": activity.get_status_display()},
                code="state")})
        if action == "approve":
            today = today or timezone.localdate()
            _approval_refused(activity, today, override_reason)
        activity.status = target
        activity.status_changed_at = timezone.now()
        if action == "approve":
            activity.last_reviewed_on = today
            activity.next_review_on = today + datetime.timedelta(
                days=settings.ROPA_REVIEW_INTERVAL_DAYS
            )
        activity.version = _version_for(activity, activity.version)
        full_clean(activity)
        save_with_one_history_row(activity, record=_own_row(activity))
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


def _part_errors(obj: models.Model, links: dict[str, Any]) -> dict[str, list[str]]:
    """What invariants.part_errors says of a part of a saved activity."""
    activity = obj.activity
    return invariants.part_errors(
        obj, links, organisation=activity.organisation,
        data_categories=set(activity.data_categories.values_list("pk", flat=True)),
        purpose_belongs=lambda p: getattr(p, "activity_id", None) == activity.pk,
    )


def _write_part(model, parent: ProcessingActivity, instance, fields: dict[str, Any]) -> models.Model:
    """Validate (model and invariants together) and save one part; no lock, no version."""
    _check_unknown(model, fields)
    plain, m2m = _split(fields, _CHILDREN[model])
    obj = instance if instance is not None else model(activity=parent)
    obj.activity = parent  # its history row carries the version the parent is moving to
    for name, value in plain.items():
        setattr(obj, name, value)
    errors: dict[str, list[str]] = {}
    try:
        full_clean(obj)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    invariants.merge(errors, _part_errors(obj, m2m))
    if errors:
        raise ValidationError(errors)
    save_with_one_history_row(obj, m2m)
    return obj


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
    parent = activity if instance is None else instance.activity
    with audit_context(user=user, path=path):
        current = lock_activity(parent, expected_version)
        parent.version = _version_for(parent, current.version)
        obj = _write_part(model, parent, instance, fields)
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
        current = lock_activity(parent, expected_version)
        parent.version = _version_for(parent, current.version)
        instance.activity = parent
        instance.delete()
        _touch(parent)


@dataclass
class PartChange:
    """One part of an activity for :func:`activity_save`: a new part (no ``instance``), a
    change to one (``instance`` and the changed ``fields``; none: kept as it is, and
    checked against the activity), or its removal (``delete``). ``label`` prefixes the
    part's errors: ``recipients[0]`` gives ``recipients[0].third_party``."""

    model: type[models.Model]
    instance: models.Model | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    delete: bool = False
    label: str = ""
    #: Set by activity_save when it created the part (``instance`` is then the new part).
    created: bool = field(default=False, init=False)


def _activity_changes(activity: ProcessingActivity, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value differs from the activity's."""
    changed = {}
    for name, value in fields.items():
        if name in ACTIVITY_M2M_FIELDS:
            if {getattr(o, "pk", o) for o in value} != set(
                    getattr(activity, name).values_list("pk", flat=True)):
                changed[name] = value
        elif getattr(activity, name) != value:
            changed[name] = value
    return changed


def _prefixed(exc: ValidationError, label: str) -> dict[str, list]:
    if not label:
        return exc.update_error_dict({})
    if not hasattr(exc, "error_dict"):
        return {label: exc.error_list}
    return {label if name == NON_FIELD_ERRORS else f"{label}.{name}": errors
            for name, errors in exc.error_dict.items()}


@transaction.atomic
def activity_save(
    *, activity: ProcessingActivity | None = None, organisation=None,
    fields: dict[str, Any] | None = None, parts: Sequence[PartChange] = (), user=None, path=None,
    expected_version: int | None = None,
) -> ProcessingActivity:
    """Create (``organisation`` given) or change (``activity`` given) an activity and its
    parts in one transaction: one logical change.

    History: one version, one history row of the activity (when it is created, or when
    its own fields, links or any part change) and one row per part written, each carrying
    that version. A create is version 1; a change raises the version by one. Parts are
    removed first, then written in the order given. Every part's errors are collected
    (keyed by its label) before anything is refused.
    """
    fields = dict(fields or {})
    with audit_context(user=user, path=path):
        created = activity is None
        if created:
            activity = activity_create(organisation=organisation, **fields)
            touched = False
        else:
            current = lock_activity(activity, expected_version)
            _check_unknown(ProcessingActivity, fields)
            changes = _activity_changes(current, fields)
            if changes:
                activity = activity_update(activity=activity, **changes)
            touched = bool(changes)
            if not touched:  # the version the parts' history rows belong to, if any is written
                activity.version = _version_for(activity, current.version)
        errors: dict[str, list] = {}
        wrote = False
        for change in sorted(parts, key=lambda c: not c.delete):
            if change.model not in _CHILDREN:
                raise TypeError(f"{change.model.__name__} is not a part of an activity")
            try:
                if change.delete:
                    if change.instance is not None and change.instance.pk is not None:
                        change.instance.activity = activity
                        change.instance.delete()
                        wrote = True
                elif change.instance is None or change.fields:
                    # A link may name a part written earlier in this call (a new purpose).
                    fields = {name: [v.instance if isinstance(v, PartChange) else v for v in value]
                              if name in _CHILDREN[change.model] else value
                              for name, value in change.fields.items()}
                    obj = _write_part(change.model, activity, change.instance, fields)
                    change.created, change.instance = change.instance is None, obj
                    wrote = True
                else:
                    links = {name: list(getattr(change.instance, name).all())
                             for name in _CHILDREN[change.model]}
                    if part_errors := _part_errors(change.instance, links):
                        raise ValidationError(part_errors)
            except ValidationError as exc:
                invariants.merge(errors, _prefixed(exc, change.label))
        if errors:
            if not created and not touched:
                activity.version = current.version
            raise ValidationError(errors)
        if not created and not touched:
            if wrote:
                _touch(activity)
            else:
                activity.version = current.version
    return activity


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


# The bulk writes of the workbook import (processing/services_bulk.py), reached from here.
from .services_bulk import (  # noqa: E402, F401
    ActivityChange,
    BulkRefused,
    NewActivity,
    NewPart,
    register_bulk_create,
    register_bulk_update,
)
