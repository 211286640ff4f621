"""Writing the demo register through the services, changing only what differs.

Organisations are found by name, contacts by organisation, role and name, third parties by
organisation and name, activities by organisation and reference, logins by username. An
object is written only when it differs from the data files, so a second load changes
nothing and adds no history. The parts of an activity (purposes, lawful bases, recipients,
transfers, retention rules) have no key of their own: when the parts of one kind differ,
they are all removed and written again.
"""

from __future__ import annotations

import datetime
from collections import Counter
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from entities import services as entity_services
from entities.models import Contact, Membership, Organisation, ThirdParty
from processing import services
from processing.findings import register_findings
from processing.models import ActivityStatus, ProcessingActivity, Purpose
from ropa.audit import ChangePath, audit_context

from .files import ORGANISATION_KEYS, PARTS, TERMS, THIRD_PARTY_KEYS, DemoData, DemoDataError, where

PATH = ChangePath.COMMAND

#: Organisations, contacts, third parties: the create service, the keys that find one.
ENTITIES = {
    "organisation": (Organisation, entity_services.organisation_create, ("name",)),
    "contact": (Contact, entity_services.contact_create, ("organisation", "role", "name")),
    "third party": (ThirdParty, entity_services.third_party_create, ("organisation", "name")),
}
#: The parts of an activity in the order they are written, and the related name of each.
PART_RELATED = {"purposes": "purposes", "lawful_bases": "lawful_bases",
                "recipients": "recipients", "transfers": "transfers",
                "retention": "retention_rules"}
UNORDERED_PARTS = {"lawful_bases"}  # listed by basis code, not in the order written
_ACTIVE_FROM = {
    ActivityStatus.RETIRED: ("reinstate", "submit", "approve"),
    ActivityStatus.DRAFT: ("submit", "approve"),
    ActivityStatus.IN_REVIEW: ("approve",),
}


def _comparable(value):
    """A value of the files or of the database, in a form the two can be compared in."""
    if isinstance(value, list):  # many-to-many: a set
        return tuple(sorted((_comparable(v) for v in value), key=repr))
    if isinstance(value, Purpose):  # a lawful basis names its purposes by their text
        return value.description
    return value.pk if isinstance(value, models.Model) else value


def _current(instance, key):
    value = getattr(instance, key)
    return list(value.all()) if isinstance(value, models.Manager) else value


@contextmanager
def _writing(at: str):
    """A service refusing the data: the error names the object."""
    try:
        yield
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        raise DemoDataError("; ".join(
            f"{at}{'' if field == NON_FIELD_ERRORS else f', {field}'}: {' '.join(messages)}"
            for field, messages in errors.items())) from exc


#: Why the demo's activities are in force with the findings they have: they are the
#: registers the organisations' privacy policies describe, gaps included.
DEMO_APPROVAL = ("the register as the organisation's privacy policy describes it; its open "
                 "findings are the gaps the policy leaves")


class Loader:
    def __init__(self, user):
        self.user = user
        self.created: Counter = Counter()
        self.updated: Counter = Counter()
        self.organisations: dict[str, Organisation] = {}
        self.users: dict[str, object] = {}
        self._found: dict[tuple, models.Model] = {}

    def resolve(self, key, value, organisation, at):
        """A value of the files as the services take it: a code, or the name of an
        organisation, a third party or a login, becomes the object it names."""
        if isinstance(value, list):
            return [self.resolve(key, v, organisation, at) for v in value]
        if value is None:
            return None
        if key == "owner":  # a demo login: the person of the organisation it is
            return entity_services.person_of_login(organisation, self.users[value],
                                                   user=self.user, path=PATH)
        if key in ORGANISATION_KEYS:
            if value not in self.organisations:
                raise DemoDataError(f"{at}, {key}: '{value}' must be listed before it")
            return self.organisations[value]
        if key in TERMS:
            model, lookup = TERMS[key], {"code": value}
        elif key in THIRD_PARTY_KEYS:
            model, lookup = ThirdParty, {"organisation": organisation, "name": value}
        else:
            return value
        found = self._found.get((model, *lookup.values()))
        if found is None:
            found = model.objects.filter(**lookup).first()
            if found is None:
                raise DemoDataError(f"{at}, {key}: " + (
                    f"no {model._meta.verbose_name} with code '{value}' (is the reference data "
                    f"loaded? run manage.py migrate)" if key in TERMS
                    else f"no third party '{value}' in the register of {organisation}"))
            self._found[model, *lookup.values()] = found
        return found

    def fields(self, spec, organisation, at, *, leave=("file", "organisation")) -> dict:
        return {key: self.resolve(key, value, organisation, at)
                for key, value in spec.items() if key not in leave}

    # Organisations, contacts, third parties, logins -------------------------------------

    def load_entities(self, kind: str, specs) -> None:
        """Create with the kind's create service, or change only the fields that differ."""
        model, create, keys = ENTITIES[kind]
        label = model._meta.verbose_name_plural
        for spec in specs:
            at, organisation = where(kind, spec), self.organisations.get(spec.get("organisation"))
            owner = {"organisation": organisation} if organisation else {}
            fields = self.fields(spec, organisation, at)
            instance = model.objects.filter(**{k: spec[k] for k in keys} | owner).first()
            with _writing(at):
                if instance is None:
                    self.created[label] += 1
                    instance = create(user=self.user, path=PATH, **owner, **fields)
                elif changed := {k: v for k, v in fields.items() if getattr(instance, k) != v}:
                    self.updated[label] += 1
                    entity_services.entity_save(model=model, instance=instance, user=self.user,
                                                path=PATH, **changed)
            if model is Organisation:
                self.organisations[spec["name"]] = instance

    def load_users(self, specs) -> None:
        accounts = get_user_model()
        for spec in specs:
            account = accounts.objects.filter(username=spec["username"]).first()
            if account is None:
                account = accounts(username=spec["username"])
                self.created["users"] += 1
            elif (account.is_superuser == spec["superuser"] and account.is_staff
                  and account.is_active and account.check_password(spec["password"])):
                self.users[spec["username"]] = account
                continue
            else:
                self.updated["users"] += 1
            account.is_superuser = spec["superuser"]
            account.is_staff = account.is_active = True
            account.set_password(spec["password"])
            account.save()
            self.users[spec["username"]] = account

    def load_memberships(self, specs) -> None:
        for spec in specs:
            account = self.users[spec["username"]]
            current = dict(Membership.objects.filter(user=account).values_list(
                "organisation__name", "role"))
            for name, role in spec["memberships"].items():
                if current.get(name) == role:
                    continue
                (self.created if name not in current else self.updated)["memberships"] += 1
                entity_services.membership_set(
                    user_account=account, organisation=self.organisations[name], role=role,
                    user=self.user, path=PATH)

    # Activities -------------------------------------------------------------------------

    def load_activity(self, spec) -> None:
        at, organisation = where("activity", spec), self.organisations[spec["organisation"]]
        values = self.fields(spec, organisation, at, leave=(
            "file", "organisation", "reference", "status", *PART_RELATED))
        activity = ProcessingActivity.objects.filter(
            organisation=organisation, reference=spec["reference"]).first()
        with _writing(at):
            if activity is None:
                activity = services.activity_create(
                    organisation=organisation, user=self.user, path=PATH,
                    reference=spec["reference"], status=spec["status"], **values)
                self._load_parts(activity, spec, organisation, at)
                self.created["activities"] += 1
                return
            moved = self._bring_status(activity, spec["status"], at)
            changes = {k: v for k, v in values.items()
                       if _comparable(v) != _comparable(_current(activity, k))}
            if changes:
                activity = services.activity_update(activity=activity, user=self.user,
                                                    path=PATH, **changes)
            if self._load_parts(activity, spec, organisation, at) or moved or changes:
                self.updated["activities"] += 1

    def _bring_status(self, activity, status, at) -> bool:
        """Move an activity someone changed back to the status of the files (active)."""
        if activity.status == status:
            return False
        if status != ActivityStatus.ACTIVE:
            raise DemoDataError(f"{at}, status: a demo activity must be active")
        for action in _ACTIVE_FROM[activity.status]:
            services.activity_transition(activity=activity, action=action, user=self.user,
                                         path=PATH, override_reason=DEMO_APPROVAL)
        return True

    def _current_parts(self, activity, kind) -> list[dict]:
        manager = getattr(activity, PART_RELATED[kind])
        keys = PARTS[kind][1] if kind in PARTS else ("description", "position")
        fields = [manager.model._meta.get_field(key) for key in keys]
        parts = manager.select_related(*[f.name for f in fields if f.many_to_one]
                                       ).prefetch_related(*[f.name for f in fields if f.many_to_many])
        return [{f.name: _current(part, f.name) for f in fields} for part in parts]

    def _load_parts(self, activity, spec, organisation, at) -> set[str]:
        """Bring the parts of ``activity`` to the files; returns the kinds rewritten."""
        wanted = {"purposes": [{"description": text, "position": n}
                               for n, text in enumerate(spec["purposes"], start=1)]}
        for kind in PARTS:
            wanted[kind] = [self.fields(part, organisation, f"{at}, {kind}, item {n}")
                            for n, part in enumerate(spec[kind], start=1)]
        redo = set()
        for kind in PART_RELATED:
            keys = [[tuple((k, _comparable(v)) for k, v in part.items()) for part in parts]
                    for parts in (self._current_parts(activity, kind), wanted[kind])]
            if kind in UNORDERED_PARTS:
                keys = [sorted(k, key=repr) for k in keys]
            if keys[0] != keys[1]:
                redo.add(kind)
        if "purposes" in redo:
            redo.add("lawful_bases")  # a basis may be limited to purposes
        for kind, related in PART_RELATED.items():
            for part in list(getattr(activity, related).all()) if kind in redo else ():
                services.part_delete(instance=part, user=self.user, path=PATH)
        for kind, related in PART_RELATED.items():
            for fields in wanted[kind] if kind in redo else ():
                if kind == "lawful_bases":
                    purposes = {p.description: p for p in activity.purposes.all()}
                    fields = fields | {"purposes": [purposes[p] for p in fields["purposes"]]}
                services.part_save(model=getattr(activity, related).model, activity=activity,
                                   user=self.user, path=PATH, **fields)
        return redo


def load(data: DemoData, *, user=None, today: datetime.date | None = None) -> dict:
    """Create or bring up to date the register, logins and memberships ``data`` holds.

    Every write goes through the services inside ``audit_context(user=user,
    path="command")``: history records ``user`` and the command path. All or nothing: an
    error leaves the database as it was. Returns a summary with the findings count.
    """
    loader = Loader(user)
    with transaction.atomic(), audit_context(user=user, path=PATH):
        loader.load_entities("organisation", data.organisations)
        loader.load_entities("contact", data.contacts)
        loader.load_entities("third party", data.third_parties)
        loader.load_users(data.users)
        for spec in data.activities:
            loader.load_activity(spec)
        loader.load_memberships(data.users)
    names = [spec["name"] for spec in data.organisations]
    organisations = Organisation.objects.filter(name__in=names)
    activities = ProcessingActivity.objects.filter(organisation__in=organisations)
    findings = [f for found in register_findings(activities, today=today).values()
                for f in found]
    return {
        "organisations": organisations.count(),
        "activities": activities.count(),
        "third_parties": ThirdParty.objects.filter(organisation__in=organisations).count(),
        "contacts": Contact.objects.filter(organisation__in=organisations).count(),
        "findings": len(findings),
        "findings_by_severity": dict(Counter(f.severity for f in findings)),
        "findings_by_code": dict(sorted(Counter(f.code for f in findings).items())),
        "created": dict(loader.created),
        "updated": dict(loader.updated),
    }
