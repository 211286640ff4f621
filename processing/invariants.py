"""The rules the register obeys across objects, written once.

Model ``clean()`` and constraints check one row; these check how rows relate: a third
party named by an activity belongs to the activity's organisation, a part's scope lies
within its activity, an Art 9 / Sch. 1 condition comes with the data that needs it, a
reference is used once in a register. The services (single and bulk) call them; forms
and serializers only show what the services refuse.

Each function returns ``{field name: [messages]}`` (empty when the rule holds). A message
names the value at fault. A third party of another organisation is named by its id only:
the caller may not see that organisation, so neither its name nor the third party's is
shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ropa import bulk

#: How a field naming a third party is called in messages.
THIRD_PARTY_LABELS = {
    "joint_controllers": gettext_lazy("Joint controller"),
    "controllers_served": gettext_lazy("Controller served"),
    "ActivityRecipient.third_party": gettext_lazy("Recipient"),
    "InternationalTransfer.third_party": gettext_lazy("Importer"),
}

Errors = dict[str, list[str]]


def merge(errors: Errors, more: Errors) -> Errors:
    for name, messages in more.items():
        errors.setdefault(name, []).extend(messages)
    return errors


def _belongs(party, organisation) -> bool:
    """Whether ``party`` is in ``organisation``'s register; either may be new (bulk)."""
    if party.organisation_id is not None:
        return party.organisation_id == organisation.pk
    owner = party.organisation if _cached(party, "organisation") else None
    return owner is organisation or (owner is not None and owner.pk is not None
                                     and owner.pk == organisation.pk)


def _described(party) -> str:
    if party.pk is not None:
        return _("id %(id)s") % {"id": party.pk}
    return f"'{party.name}'"


def foreign_party_message(label, party, organisation) -> str:
    return _(
        "%(label)s %(party)s is not in the register of %(organisation)s: choose one of its "
        "third parties, or add it to that register first."
    ) % {"label": label, "party": _described(party), "organisation": organisation}


def third_party_errors(organisation, field: str, parties: Iterable, label=None) -> Errors:
    """Third parties named in ``field`` belong to ``organisation``'s register."""
    label = label or THIRD_PARTY_LABELS.get(field, field)
    messages = []
    for party in parties:
        if party is None:
            continue
        if not _belongs(party, organisation):
            messages.append(foreign_party_message(label, party, organisation))
    return {field: messages} if messages else {}


def conditions_errors(data_categories, special_category_conditions, schedule1_conditions) -> Errors:
    """Art 9 and Sch. 1 conditions only make sense with the data that needs them."""
    categories = list(data_categories)
    has_special = any(c.special_category for c in categories)
    has_criminal = any(c.criminal_offence for c in categories)
    errors = {}
    special = list(special_category_conditions)
    if special and not has_special:
        errors["special_category_conditions"] = [_(
            "An Art 9 condition is recorded (%(codes)s) but the activity processes no special "
            "category data: add the special category data, or remove the condition."
        ) % {"codes": ", ".join(c.code for c in special)}]
    schedule1 = list(schedule1_conditions)
    if schedule1 and not (has_special or has_criminal):
        errors["schedule1_conditions"] = [_(
            "A Schedule 1 / Art 10 condition is recorded (%(codes)s) but the activity processes "
            "no special category or criminal offence data."
        ) % {"codes": ", ".join(c.code for c in schedule1)}]
    return errors


def owner_errors(organisation, owner) -> Errors:
    """An activity's owner is a person of the activity's own organisation."""
    if owner is None or _belongs(owner, organisation):
        return {}
    return {"owner": [_(
        "Owner %(owner)s is not a person of %(organisation)s: choose one of its people, or "
        "add the person to that organisation first."
    ) % {"owner": _described(owner), "organisation": organisation}]}


def activity_errors(organisation, links: dict[str, Iterable], owner=None) -> Errors:
    """An activity's links: its owner, joint controllers and controllers served are of its
    own organisation; its conditions come with the data that needs them. ``links`` holds
    the activity's final many-to-many values."""
    errors: Errors = owner_errors(organisation, owner)
    for name in ("joint_controllers", "controllers_served"):
        merge(errors, third_party_errors(organisation, name, links.get(name, ())))
    merge(errors, conditions_errors(links.get("data_categories", ()),
                                    links.get("special_category_conditions", ()),
                                    links.get("schedule1_conditions", ())))
    return errors


def data_scope_errors(field: str, chosen: Iterable, allowed: set) -> Errors:
    """Data categories of a part are among its activity's (``allowed``: their pks)."""
    outside = [c for c in chosen if c is not None and c.pk not in allowed]
    if not outside:
        return {}
    return {field: [_(
        "Not among the activity's categories of personal data: %(names)s. Add them to the "
        "activity's data (Art 30(1)(c)) or remove them here."
    ) % {"names": ", ".join(str(c) for c in outside)}]}


def purpose_scope_errors(purposes: Iterable, belongs: Callable[[object], bool]) -> Errors:
    outside = [p for p in purposes if not belongs(p)]
    if not outside:
        return {}
    named = ", ".join(_("id %(id)s") % {"id": p.pk} if p.pk else f"'{p.description}'" for p in outside)
    return {"purposes": [_(
        "Purpose %(purposes)s is not one of this activity's purposes: a lawful basis is "
        "limited to purposes of its own activity."
    ) % {"purposes": named}]}


def part_errors(part, links: dict[str, Iterable], *, organisation, data_categories: set,
                purpose_belongs: Callable[[object], bool]) -> Errors:
    """A part of an activity (purpose, lawful basis, recipient, transfer, retention rule):
    its third party is in the activity's register, its data categories and purposes are
    the activity's. ``data_categories``: pks of the activity's categories."""
    errors: Errors = {}
    model = type(part).__name__
    if hasattr(part, "third_party_id"):
        party = part.third_party if part.third_party_id or _cached(part, "third_party") else None
        merge(errors, third_party_errors(organisation, "third_party", [party],
                                         THIRD_PARTY_LABELS[f"{model}.third_party"]))
    if "data_categories" in links:
        merge(errors, data_scope_errors("data_categories", links["data_categories"], data_categories))
    if hasattr(part, "data_category_id") and part.data_category_id is not None:
        merge(errors, data_scope_errors("data_category", [part.data_category], data_categories))
    if "purposes" in links:
        merge(errors, purpose_scope_errors(links["purposes"], purpose_belongs))
    return errors


def _cached(obj, name) -> bool:
    return type(obj)._meta.get_field(name).is_cached(obj)


def reference_errors(organisation, reference: str, exclude_pk=None) -> Errors:
    """A reference is used once in an organisation's register. Call it while holding the
    organisation's allocation lock (``services.lock_register``)."""
    from .models import ProcessingActivity
    from .services import next_reference

    clash = ProcessingActivity.objects.filter(organisation=organisation, reference=reference)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if not clash.exists():
        return {}
    return {"reference": [_(
        "%(reference)s is already used in the register of %(organisation)s: choose another "
        "reference, or leave it empty to get %(free)s."
    ) % {"reference": reference, "organisation": organisation,
         "free": next_reference(organisation)}]}


def organisation_problems(organisations) -> list[tuple[models.Model, ValidationError]]:
    """Validate new organisations, some of which may be the parents of others.

    ``Organisation.clean()`` walks the chain of parents by primary key, which a new parent
    does not have yet: the chain among new organisations is walked here by identity and
    the rest validated with the new parent set aside.
    """
    from entities.models import Organisation

    problems = []
    for org in organisations:
        parent = org.parent if Organisation._meta.get_field("parent").is_cached(org) else None
        if parent is None or parent.pk is not None:
            if (error := bulk.clean_new(org)) is not None:
                problems.append((org, error))
            continue
        seen, ancestor = {id(org)}, parent
        while ancestor is not None and ancestor.pk is None and id(ancestor) not in seen:
            seen.add(id(ancestor))
            ancestor = ancestor.parent
        org.parent = None
        try:
            error = bulk.clean_new(org)
        finally:
            org.parent = parent
        errors = {} if error is None else error.update_error_dict({})
        if ancestor is not None and ancestor.pk is None:
            errors.setdefault("parent", []).append(_("An organisation cannot be its own parent."))
        if errors:
            problems.append((org, ValidationError(errors)))
    return problems
