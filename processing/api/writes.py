"""Apply a validated activity payload through the services, in one transaction.

The activity's own fields and links and every nested list given become one call of
``services.activity_save``, which checks the version the client read. A nested list
replaces the current one: an item equal to a current part keeps it (no history row), a
lawful basis is matched by its code and a purpose by its description (so a kept basis
or purpose keeps its history and its links), the rest is added or removed. Any error
undoes everything, and names the field inside the list (``lawful_bases[1].citation``).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from entities import services as entity_services
from entities.models import Contact, MemberRole, Organisation, ThirdParty
from entities.services import person_named, person_of_login
from processing import services
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)
from processing.services import PartChange
from ropa.audit import ChangePath

from .serializers import (
    NESTED_PARTS,
    LawfulBasisWriteSerializer,
    RecipientWriteSerializer,
    RetentionRuleWriteSerializer,
    TransferWriteSerializer,
)


def _differs(obj, name, value) -> bool:
    current = getattr(obj, name)
    if hasattr(current, "values_list"):  # a many-to-many link
        return {getattr(v, "pk", v) for v in value} != set(current.values_list("pk", flat=True))
    return current != value


def _changed(obj, fields: dict) -> dict:
    return {name: value for name, value in fields.items() if _differs(obj, name, value)}


def _full(model, item: dict, names) -> dict:
    """The item with every field the client may send: one left out takes its default."""
    fields = {}
    for name in names:
        if name in item:
            fields[name] = item[name]
        else:
            model_field = model._meta.get_field(name)
            fields[name] = [] if model_field.many_to_many else model_field.get_default()
    return fields


def _purposes(activity, items) -> tuple[list[PartChange], dict]:
    """Purposes matched by description; ``{description: purpose or its PartChange}``."""
    current = {p.description: p for p in activity.purposes.all()} if activity else {}
    if items is None:
        return [], current
    wanted = [item["description"] for item in items]
    changes = [PartChange(Purpose, p, delete=True) for d, p in current.items() if d not in wanted]
    named = {}
    for position, description in enumerate(wanted, start=1):
        label = f"purposes[{position - 1}]"
        purpose = current.get(description)
        if purpose is None:
            change = PartChange(Purpose, None, {"description": description, "position": position},
                                label=label)
            named[description] = change
        else:
            change = PartChange(Purpose, purpose, _changed(purpose, {"position": position}),
                                label=label)
            named[description] = purpose
        changes.append(change)
    return changes, named


def _lawful_bases(activity, items, purposes: dict) -> list[PartChange]:
    """Bases matched by their code: a kept basis keeps its history."""
    current = {use.basis_id: use for use in activity.lawful_bases.all()} if activity else {}
    wanted = {item["basis"].pk for item in items}
    changes = [PartChange(ActivityLawfulBasis, use, delete=True)
               for basis_id, use in current.items() if basis_id not in wanted]
    for index, item in enumerate(items):
        item = {**item, "purposes": [purposes[d] for d in item.get("purposes", []) if d in purposes]}
        fields = _full(ActivityLawfulBasis, item, LawfulBasisWriteSerializer.Meta.fields)
        use = current.get(item["basis"].pk)
        label = f"lawful_bases[{index}]"
        if use is None:
            changes.append(PartChange(ActivityLawfulBasis, None, fields, label=label))
        else:
            fields.pop("basis")
            changes.append(PartChange(ActivityLawfulBasis, use, _changed(use, fields), label=label))
    return changes


_MATCHED = {
    "recipients": (ActivityRecipient, RecipientWriteSerializer),
    "transfers": (InternationalTransfer, TransferWriteSerializer),
    "retention_rules": (RetentionRule, RetentionRuleWriteSerializer),
}


def _matched(activity, name, items) -> list[PartChange]:
    """Recipients, transfers, retention rules: an item equal to a current part keeps it."""
    model, serializer = _MATCHED[name]
    unused = list(getattr(activity, name).all()) if activity else []
    changes = []
    for index, item in enumerate(items):
        fields = _full(model, item, serializer.Meta.fields)
        same = next((obj for obj in unused if not _changed(obj, fields)), None)
        label = f"{name}[{index}]"
        if same is None:
            changes.append(PartChange(model, None, fields, label=label))
        else:
            unused.remove(same)
            changes.append(PartChange(model, same, label=label))
    return [PartChange(model, obj, delete=True) for obj in unused] + changes


@transaction.atomic
def save_activity(*, data: dict, user, instance: ProcessingActivity | None = None,
                  expected_version: int | None = None) -> ProcessingActivity:
    """Create (no ``instance``) or change an activity and the nested lists given."""
    data = dict(data)
    given = {name: data.pop(name) for name in NESTED_PARTS if name in data}
    organisation = data.pop("organisation", None)
    parts, purposes = _purposes(instance, given.get("purposes"))
    if "lawful_bases" in given:
        parts += _lawful_bases(instance, given["lawful_bases"], purposes)
    for name in _MATCHED:
        if name in given:
            parts += _matched(instance, name, given[name])
    write = {"user": user, "path": ChangePath.API, "fields": data, "parts": parts}
    owner_of = organisation if instance is None else instance.organisation
    if data.get("owner"):
        data["owner"] = person_named(owner_of, **data["owner"], user=user, path=ChangePath.API)
    elif instance is None and "owner" not in data:
        data["owner"] = person_of_login(owner_of, user, user=user, path=ChangePath.API)
    if instance is None:
        return services.activity_save(organisation=organisation, **write)
    return services.activity_save(activity=instance, expected_version=expected_version, **write)


@transaction.atomic
def transition_activity(*, activity, action: str, user, expected_version: int | None,
                        override_reason: str = ""):
    return services.activity_transition(activity=activity, action=action, user=user,
                                        path=ChangePath.API, expected_version=expected_version,
                                        override_reason=override_reason)


# --- organisations and third parties -----------------------------------------------------------


@transaction.atomic
def save_organisation(*, data: dict, user, instance: Organisation | None = None) -> Organisation:
    """Create or change an organisation; its contacts, when given, become the list sent.
    The DPO who adds an organisation becomes its DPO."""
    data = dict(data)
    contacts = data.pop("contacts", None)
    write = {"user": user, "path": ChangePath.API}
    if instance is None:
        organisation = entity_services.organisation_create(**data, **write)
        if not user.is_superuser:
            entity_services.membership_set(user_account=user, organisation=organisation,
                                           role=MemberRole.DPO, **write)
    else:
        organisation = instance
        if changed := _changed(instance, data):
            entity_services.entity_save(model=Organisation, instance=instance, **changed, **write)
    if contacts is not None:
        _replace_contacts(organisation, contacts, write)
    return organisation


def _replace_contacts(organisation, contacts: list[dict], write: dict) -> None:
    """The organisation's contacts become ``contacts``: one with the same role and name is
    kept (and changed), the others added or removed. Errors name ``contacts[i].field``."""
    existing: dict[tuple[str, str], list[Contact]] = {}
    for contact in Contact.objects.filter(organisation=organisation).order_by("pk"):
        existing.setdefault((contact.role, contact.name), []).append(contact)
    errors: dict[str, list[str]] = {}
    for index, fields in enumerate(contacts):
        matches = existing.get((fields.get("role"), fields.get("name")))
        current = matches.pop(0) if matches else None
        try:
            if current is None:
                entity_services.contact_create(organisation=organisation, **fields, **write)
            elif changed := _changed(current, fields):
                entity_services.entity_save(model=Contact, instance=current, **changed, **write)
        except ValidationError as exc:
            for name, messages in exc.update_error_dict({}).items():
                key = f"contacts[{index}]" + ("" if name == NON_FIELD_ERRORS else f".{name}")
                errors.setdefault(key, []).extend(messages)
    for leftovers in existing.values():
        for contact in leftovers:
            entity_services.entity_delete(instance=contact, **write)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_third_party(*, data: dict, user, instance: ThirdParty | None = None) -> ThirdParty:
    write = {"user": user, "path": ChangePath.API}
    if instance is None:
        return entity_services.third_party_create(**data, **write)
    data = {k: v for k, v in data.items() if k != "organisation"}
    if changed := _changed(instance, data):
        entity_services.entity_save(model=ThirdParty, instance=instance, **changed, **write)
    return instance
