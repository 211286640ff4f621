"""Apply a validated activity payload through the services, in one transaction.

The activity's own fields and links go through ``activity_create`` / ``activity_update``
(which checks the version the client read); each nested list given replaces the current
one through ``part_save`` / ``part_delete``. Any error undoes everything, and names the
field inside the list (``lawful_bases[1].citation``).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from processing import services
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)
from ropa.audit import ChangePath

from .serializers import NESTED_PARTS


def _prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return ValidationError({prefix: exc.error_list})
    return ValidationError({
        prefix if field == NON_FIELD_ERRORS else f"{prefix}.{field}": errors
        for field, errors in exc.error_dict.items()
    })


def _replace_purposes(activity, items, user):
    """Purposes are matched by description, so the scopes of lawful bases that name a
    kept purpose stay linked to it."""
    current = {p.description: p for p in activity.purposes.all()}
    wanted = [item["description"] for item in items]
    for description, purpose in current.items():
        if description not in wanted:
            services.part_delete(instance=purpose, user=user, path=ChangePath.API)
    for position, description in enumerate(wanted, start=1):
        purpose = current.get(description)
        try:
            if purpose is None:
                current[description] = services.part_save(
                    model=Purpose, activity=activity, user=user, path=ChangePath.API,
                    description=description, position=position,
                )
            elif purpose.position != position:
                services.part_save(model=Purpose, instance=purpose, user=user, path=ChangePath.API,
                                   position=position)
        except ValidationError as exc:
            raise _prefixed(exc, f"purposes[{position - 1}]") from exc
    return current


def _replace_lawful_bases(activity, items, user):
    """Bases are matched by their code: a kept basis keeps its history."""
    purposes = {p.description: p for p in activity.purposes.all()}
    current = {use.basis_id: use for use in activity.lawful_bases.all()}
    wanted = {item["basis"].pk for item in items}
    for basis_id, use in current.items():
        if basis_id not in wanted:
            services.part_delete(instance=use, user=user, path=ChangePath.API)
    for index, item in enumerate(items):
        fields = dict(item)
        fields["purposes"] = [purposes[d] for d in item.get("purposes", []) if d in purposes]
        fields.setdefault("data_categories", [])
        use = current.get(item["basis"].pk)
        try:
            if use is None:
                services.part_save(model=ActivityLawfulBasis, activity=activity, user=user,
                                   path=ChangePath.API, **fields)
            else:
                fields.pop("basis")
                for name in ("legitimate_interest", "lia_link", "consent_record_link", "citation",
                             "notes"):
                    fields.setdefault(name, "")
                services.part_save(model=ActivityLawfulBasis, instance=use, user=user,
                                   path=ChangePath.API, **fields)
        except ValidationError as exc:
            raise _prefixed(exc, f"lawful_bases[{index}]") from exc


def _replace_all(activity, model, name, items, user):
    for obj in getattr(activity, name).all():
        services.part_delete(instance=obj, user=user, path=ChangePath.API)
    for index, item in enumerate(items):
        try:
            services.part_save(model=model, activity=activity, user=user, path=ChangePath.API,
                               **item)
        except ValidationError as exc:
            raise _prefixed(exc, f"{name}[{index}]") from exc


_REPLACED = {
    "recipients": ActivityRecipient,
    "transfers": InternationalTransfer,
    "retention_rules": RetentionRule,
}


@transaction.atomic
def save_activity(*, data: dict, user, instance: ProcessingActivity | None = None,
                  expected_version: int | None = None) -> ProcessingActivity:
    """Create (no ``instance``) or change an activity and the nested lists given."""
    data = dict(data)
    parts = {name: data.pop(name) for name in NESTED_PARTS if name in data}
    if instance is None:
        organisation = data.pop("organisation")
        activity = services.activity_create(organisation=organisation, user=user,
                                            path=ChangePath.API, owner=user, **data)
    else:
        data.pop("organisation", None)
        activity = services.activity_update(activity=instance, user=user, path=ChangePath.API,
                                            expected_version=expected_version, **data)
    if "purposes" in parts:
        _replace_purposes(activity, parts["purposes"], user)
    if "lawful_bases" in parts:
        _replace_lawful_bases(activity, parts["lawful_bases"], user)
    for name, model in _REPLACED.items():
        if name in parts:
            _replace_all(activity, model, name, parts[name], user)
    return activity


@transaction.atomic
def transition_activity(*, activity, action: str, user, expected_version: int | None):
    return services.activity_transition(activity=activity, action=action, user=user,
                                        path=ChangePath.API, expected_version=expected_version)
