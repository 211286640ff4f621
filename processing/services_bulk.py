"""Writes of many activities at once, for the workbook import: the register's
services (:mod:`processing.services`) applied to a whole workbook in a few statements,
with the same checks, one history row per object written and nothing written on any
error (:class:`BulkRefused`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ropa import bulk
from ropa.audit import audit_context, current_actor

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
from .services import (
    _CHILDREN,
    ACTIVITY_M2M_FIELDS,
    ACTIVITY_PROTECTED_FIELDS,
    _check_unknown,
    _owner,
    _split,
    lock_register,
)

# --- many new objects at once -----------------------------------------------------------


@dataclass
class NewPart:
    """A part of a new activity for :func:`register_bulk_create`: the unsaved purpose,
    lawful basis, recipient, transfer or retention rule, and its many-to-many links
    (field name -> objects; a lawful basis may name purposes of the same activity)."""

    obj: models.Model
    links: dict[str, list] = field(default_factory=dict)


@dataclass
class NewActivity:
    """A new activity for :func:`register_bulk_create`: the unsaved activity (organisation
    and reference set), its many-to-many links (field name -> objects) and its parts."""

    activity: ProcessingActivity
    links: dict[str, list] = field(default_factory=dict)
    parts: list[NewPart] = field(default_factory=list)


class BulkRefused(ValidationError):
    """Objects given to :func:`register_bulk_create` are invalid; nothing was written.

    ``problems`` pairs every refused object (an organisation, contact, third party,
    activity or part) with its ValidationError, keyed by field as ``full_clean()`` does.
    """

    def __init__(self, problems: list[tuple[models.Model, ValidationError]]):
        self.problems = problems
        super().__init__([message for _obj, error in problems for message in error.messages])


def _activity_problems(item: NewActivity) -> list[tuple[models.Model, ValidationError]]:
    """What activity_create and part_save would refuse, checked without writing."""
    activity, problems = item.activity, []
    unknown = sorted(set(item.links) - set(ACTIVITY_M2M_FIELDS))
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    if activity.pk is not None or activity.version != 1:
        raise ValidationError({"version": _("A new activity starts at version 1.")})
    errors = {}
    error = bulk.clean_new(activity)
    if error is not None:
        errors = error.update_error_dict(errors)
    invariants.merge(errors, invariants.activity_errors(activity.organisation, item.links,
                                                        owner=_owner(activity)))
    if errors:
        problems.append((activity, ValidationError(errors)))

    categories = {c.pk for c in item.links.get("data_categories", ())}
    purposes = {id(p.obj) for p in item.parts if isinstance(p.obj, Purpose)}
    problems += _new_part_problems(item.parts, activity, categories,
                                   lambda p: id(p) in purposes)
    return problems


def _new_part_problems(parts, activity, categories, purpose_belongs) -> list:
    """What is wrong with each new part of ``activity`` (its own checks and the register's
    invariants), as (part, ValidationError) pairs; a part of no activity's kind, or a link
    the part does not have, is a programming error."""
    problems = []
    for part in parts:
        model = type(part.obj)
        if model not in _CHILDREN:
            raise TypeError(f"{model.__name__} is not a part of an activity")
        unknown = sorted(set(part.links) - set(_CHILDREN[model]))
        if unknown:
            raise ValidationError({name: _("Unknown field.") for name in unknown})
        part.obj.activity = activity
        errors = {}
        error = bulk.clean_new(part.obj)
        if error is not None:
            errors = error.update_error_dict(errors)
        invariants.merge(errors, invariants.part_errors(
            part.obj, part.links, organisation=activity.organisation, data_categories=categories,
            purpose_belongs=purpose_belongs))
        if errors:
            problems.append((part.obj, ValidationError(errors)))
    return problems


@transaction.atomic
def register_bulk_create(
    *, organisations: Sequence[models.Model] = (), contacts: Sequence[models.Model] = (),
    third_parties: Sequence[models.Model] = (), people: Sequence[models.Model] = (),
    activities: Sequence[NewActivity] = (), user=None, path=None,
) -> list[ProcessingActivity]:
    """Create many new objects of the register at once: organisations, their contacts,
    third parties and people (activity owners), and activities with their links and parts.

    For imports of a whole register: the result is what the one-object services
    (organisation_create, contact_create, third_party_create, activity_create, part_save)
    would leave, written in a few queries per kind of object instead of several per
    object. Objects are unsaved instances and may refer to each other (a third party to
    its new organisation, a recipient to a new third party, an organisation to a new
    parent). Every object is validated first as those services validate it (model
    ``full_clean()``, uniqueness, an activity's Art 9 / Sch. 1 conditions, a part's scope
    within its activity); on any refusal :class:`BulkRefused` lists them all and nothing
    is written.

    History: one "+" row per object, with its many-to-many links, attributed to ``user``
    and ``path`` (or the enclosing audit context). An activity is recorded with the status
    it is given, as the register stood where it comes from (``status_changed_at`` set
    unless draft); its version is 1.
    """
    from entities.models import Contact, Organisation, Person, ThirdParty

    with audit_context(user=user, path=path):
        actor = current_actor()
    # The references checked below stay free until this transaction ends.
    lock_register(*(i.activity.organisation for i in activities if i.activity.organisation_id))
    now = timezone.now()
    for item in activities:
        if item.activity.status != ActivityStatus.DRAFT and item.activity.status_changed_at is None:
            item.activity.status_changed_at = now

    problems = invariants.organisation_problems(organisations)
    for obj in [*contacts, *third_parties, *people]:
        if (error := bulk.clean_new(obj)) is not None:
            problems.append((obj, error))
    for item in activities:
        problems += _activity_problems(item)
    problems += bulk.unique_problems([*organisations, *third_parties, *people,
                                      *(i.activity for i in activities),
                                      *(p.obj for i in activities for p in i.parts)])
    if problems:
        raise BulkRefused(problems)

    history = {"user": actor.user, "path": actor.path, "date": now}
    pending = list(organisations)
    while pending:  # parents before their subsidiaries
        ready = [o for o in pending if o.parent_id is not None or o.parent is None or o.parent.pk]
        if not ready:
            raise ValueError("A parent organisation is neither saved nor among those created.")
        bulk.create_with_history(Organisation, ready, **history)
        pending = [o for o in pending if o.pk is None]
    bulk.create_with_history(Contact, list(contacts), **history)
    bulk.create_with_history(ThirdParty, list(third_parties), **history)
    bulk.create_with_history(Person, list(people), **history)

    created = [item.activity for item in activities]
    history_ids = bulk.create_with_history(ProcessingActivity, created, **history)
    for name in ACTIVITY_M2M_FIELDS:
        bulk.link_with_history(ProcessingActivity, name, {
            item.activity.pk: [o.pk for o in item.links[name]]
            for item in activities if item.links.get(name)}, history_ids)
    for model, m2m_names in _CHILDREN.items():
        parts = [p for item in activities for p in item.parts if type(p.obj) is model]
        history_ids = bulk.create_with_history(model, [p.obj for p in parts], **history)
        for name in m2m_names:
            bulk.link_with_history(model, name, {p.obj.pk: [o.pk for o in p.links[name]]
                                                 for p in parts if p.links.get(name)}, history_ids)
    return created


# --- many changes at once ---------------------------------------------------------------


@dataclass
class ActivityChange:
    """A change of one saved activity for :func:`register_bulk_update`, as the one-object
    services would make it: its plain fields and many-to-many links (``fields``, the new
    values), a new ``status`` along the review workflow, the parts it loses (``removed``:
    instances whose primary key is set) and the parts it gains (``parts``; a new lawful
    basis may name new purposes of the same change or purposes the activity keeps).
    ``links`` holds the activity's many-to-many values after the change that the rules
    across objects read (data categories, conditions, joint controllers, controllers
    served); a name left out is read from the database."""

    activity: ProcessingActivity
    fields: dict[str, Any] = field(default_factory=dict)
    status: str | None = None
    removed: list[models.Model] = field(default_factory=list)
    parts: list[NewPart] = field(default_factory=list)
    links: dict[str, list] = field(default_factory=dict)


def _change_problems(change: ActivityChange, now) -> list[tuple[models.Model, ValidationError]]:
    """What activity_update, activity_transition and part_save would refuse, checked on
    the changed activity in memory (``change.activity`` takes the new values)."""
    activity, problems = change.activity, []
    _check_unknown(ProcessingActivity, change.fields)
    for name in ACTIVITY_PROTECTED_FIELDS:
        if name in change.fields:
            raise ValidationError({name: _("This field cannot be changed here.")})
    plain, m2m = _split(change.fields, ACTIVITY_M2M_FIELDS)
    for name, value in plain.items():
        setattr(activity, name, value)
    if change.status is not None and change.status != activity.status:
        if change.status not in ActivityStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        activity.status, activity.status_changed_at = change.status, now
    links = {name: list(m2m[name]) if name in m2m else change.links.get(name)
             for name in ("joint_controllers", "controllers_served", "data_categories",
                          "special_category_conditions", "schedule1_conditions")}
    for name, value in links.items():
        if value is None:
            links[name] = list(getattr(activity, name).all())
    errors = {}
    error = bulk.clean_new(activity)
    if error is not None:
        errors = error.update_error_dict(errors)
    invariants.merge(errors, invariants.activity_errors(activity.organisation, links,
                                                        owner=_owner(activity)))
    if errors:
        problems.append((activity, ValidationError(errors)))

    categories = {c.pk for c in links["data_categories"]}
    removed = {(type(p), p.pk) for p in change.removed}
    new_purposes = {id(p.obj) for p in change.parts if isinstance(p.obj, Purpose)}

    def purpose_belongs(purpose) -> bool:
        if id(purpose) in new_purposes:
            return True
        return (purpose.pk is not None and getattr(purpose, "activity_id", None) == activity.pk
                and (Purpose, purpose.pk) not in removed)

    problems += _new_part_problems(change.parts, activity, categories, purpose_belongs)
    for part in change.removed:
        if type(part) not in _CHILDREN:
            raise TypeError(f"{type(part).__name__} is not a part of an activity")
        if part.pk is None or part.activity_id != activity.pk:
            raise ValueError("A part removed by a change is a saved part of its activity.")
    return problems


@transaction.atomic
def register_bulk_update(*, changes: Sequence[ActivityChange], user=None, path=None) -> None:
    """Change many saved activities at once: for imports of a whole register.

    The result is what the one-object services (activity_transition, activity_update,
    part_save and part_delete, called inside ``one_version``) would leave for each
    change, written in a few queries per kind of object instead of several per object.
    Every change is validated first as those services validate it (model ``full_clean()``,
    an activity's owner, third parties and Art 9 / Sch. 1 conditions, a part's scope
    within its activity, uniqueness); on any refusal :class:`BulkRefused` lists them all
    and nothing is written.

    History: one version per changed activity (its version raised by one), one "~" row of
    the activity with its links, a "-" row per part removed and a "+" row per part added
    (with its links), each carrying that version, attributed to ``user`` and ``path``.
    A status changed here records when it changed, as a workflow action does.
    """
    changes = list(changes)
    if not changes:
        return
    with audit_context(user=user, path=path):
        actor = current_actor()
    now = timezone.now()
    ids = [c.activity.pk for c in changes]
    if len(set(ids)) != len(ids) or None in ids:
        raise ValueError("Each change names a different, saved activity.")
    # Locked as activity_update locks one activity; the versions are the saved ones.
    versions = {}
    for start in range(0, len(ids), bulk.BATCH):
        versions.update(ProcessingActivity.objects.select_for_update().filter(
            pk__in=ids[start:start + bulk.BATCH]).order_by("pk").values_list("pk", "version"))

    problems = []
    for change in changes:
        problems += _change_problems(change, now)
    if problems:
        raise BulkRefused(problems)

    history = {"user": actor.user, "path": actor.path, "date": now}
    changed_fields = {"version", "updated_at"}
    for change in changes:
        activity = change.activity
        activity.version = versions[activity.pk] + 1
        activity.updated_at = now
        changed_fields |= set(_split(change.fields, ACTIVITY_M2M_FIELDS)[0])
        if change.status is not None:
            changed_fields |= {"status", "status_changed_at"}
    activities = [c.activity for c in changes]
    ProcessingActivity.objects.bulk_update(activities, sorted(changed_fields), batch_size=bulk.BATCH)

    for name in ACTIVITY_M2M_FIELDS:
        given = {c.activity.pk: [getattr(o, "pk", o) for o in c.fields[name]]
                 for c in changes if name in c.fields}
        if not given:
            continue
        m2m = ProcessingActivity._meta.get_field(name)
        through = m2m.remote_field.through
        source, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
        owners = list(given)
        for start in range(0, len(owners), bulk.BATCH):
            through.objects.filter(**{f"{source}__in": owners[start:start + bulk.BATCH]}).delete()
        through.objects.bulk_create([through(**{source: owner, target: t})
                                     for owner, targets in given.items() for t in targets],
                                    batch_size=bulk.BATCH)

    # Parts removed before parts added (a lawful basis comes back under the same code);
    # lawful bases before the purposes they name.
    for model in (ActivityLawfulBasis, ActivityRecipient, InternationalTransfer, RetentionRule,
                  Purpose):
        gone = [p.pk for c in changes for p in c.removed if type(p) is model]
        bulk.delete_with_history(model, gone, owner_version="activity", **history)
    parts = [p for c in changes for p in c.parts]
    unique = bulk.unique_problems([p.obj for p in parts])
    if unique:
        raise BulkRefused(unique)
    for model, m2m_names in _CHILDREN.items():
        kind = [p for p in parts if type(p.obj) is model]
        history_ids = bulk.create_with_history(model, [p.obj for p in kind],
                                               owner_version="activity", **history)
        for name in m2m_names:
            bulk.link_with_history(model, name, {p.obj.pk: [o.pk for o in p.links[name]]
                                                 for p in kind if p.links.get(name)}, history_ids)

    history_ids = bulk.copy_to_history(ProcessingActivity, ids, "~", **history)
    for name in ACTIVITY_M2M_FIELDS:
        bulk.record_links(ProcessingActivity, name, history_ids)
