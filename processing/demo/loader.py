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
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from entities import services as entity_services
from entities.models import Contact, Membership, Organisation, ThirdParty
from processing import services
from processing.findings import register_findings
from processing.models import ActivityStatus, ProcessingActivity, Purpose
from ropa.audit import ChangePath, audit_context, history_dated

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

#: How far back the demo register's history goes: the organisations and their third
#: parties were recorded first, then the activities one after another until a few months
#: ago; each was submitted, approved, and (once a year old) reviewed again.
HISTORY_DAYS = 740
FIRST_ACTIVITY_DAYS, LAST_ACTIVITY_DAYS = 720, 75
SUBMITTED_AFTER, APPROVED_AFTER = datetime.timedelta(days=4), datetime.timedelta(days=11)
#: A review done this long after the approval, a little before it falls due.
REVIEWED_AFTER = datetime.timedelta(days=350)
#: Every this many activities, one whose review was not done: it is overdue.
OVERDUE_EVERY = 9
#: Records approved this recently were completed in the last few days.
RECENT = datetime.timedelta(days=120)
#: The parts held back when an activity is first recorded, added at its review (or a
#: month after its approval): the register's history holds changes, not only creations.
LATER_PARTS = ("retention", "transfers", "recipients")
#: Held back instead when the activity has none of those parts.
HELD_FIELDS = ("description", "source_of_data")


@dataclass(frozen=True)
class Story:
    """When a demo activity was recorded, submitted, approved, reviewed (or not), and
    when the parts first left out were added."""

    created: datetime.datetime
    submitted: datetime.datetime
    approved: datetime.datetime
    reviewed: datetime.datetime | None
    completed: datetime.datetime | None

    @classmethod
    def of(cls, index: int, count: int, today: datetime.date) -> Story:
        span = FIRST_ACTIVITY_DAYS - LAST_ACTIVITY_DAYS
        days_ago = FIRST_ACTIVITY_DAYS - (span * index) // max(count - 1, 1)
        # Mid-morning, a few minutes apart, in the installation's time zone.
        created = timezone.make_aware(datetime.datetime.combine(
            today - datetime.timedelta(days=days_ago), datetime.time(9, 30 + index % 25)))
        approved = created + APPROVED_AFTER
        now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0)))
        due = approved + REVIEWED_AFTER
        reviewed = due if due < now and index % OVERDUE_EVERY != OVERDUE_EVERY // 2 else None
        if reviewed is not None:
            completed = reviewed
        elif approved > now - RECENT:
            # The latest records were completed in the last days: this week has changes.
            completed = max(now - datetime.timedelta(days=1 + 2 * (count - 1 - index)),
                            approved + datetime.timedelta(days=1))
        else:
            completed = approved + datetime.timedelta(days=30)
        return cls(created, created + SUBMITTED_AFTER, approved, reviewed,
                   completed if completed < now else None)


class Loader:
    def __init__(self, user, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.history_start = timezone.make_aware(datetime.datetime.combine(
            self.today - datetime.timedelta(days=HISTORY_DAYS), datetime.time(9)))
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
                    with history_dated(self.history_start):
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

    def load_activity(self, spec, story: Story) -> None:
        at, organisation = where("activity", spec), self.organisations[spec["organisation"]]
        values = self.fields(spec, organisation, at, leave=(
            "file", "organisation", "reference", "status", *PART_RELATED))
        activity = ProcessingActivity.objects.filter(
            organisation=organisation, reference=spec["reference"]).first()
        with _writing(at):
            if activity is None:
                self._create_activity(spec, story, organisation, values, at)
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

    def _create_activity(self, spec, story: Story, organisation, values, at) -> None:
        """A new activity written as its story went: recorded as a draft without its later
        parts, submitted, approved (over its open findings, with the demo's reason),
        reviewed a year on, and completed; each change dated on its day, through the
        services."""
        if spec["status"] != ActivityStatus.ACTIVE:
            raise DemoDataError(f"{at}, status: a demo activity must be active")
        # What is held back until the activity is completed: parts it has, or else its
        # description.
        later = [kind for kind in LATER_PARTS if spec[kind]] if story.completed else []
        held = {key: values[key] for key in HELD_FIELDS
                if story.completed and not later and values.get(key)}
        with history_dated(story.created):
            activity = services.activity_create(
                organisation=organisation, user=self.user, path=PATH,
                reference=spec["reference"], status=ActivityStatus.DRAFT,
                **values | dict.fromkeys(held, ""))
            self._load_parts(activity, {**spec, **{kind: [] for kind in later}},
                             organisation, at)
        self._move(activity, ("submit",), story.submitted)
        self._move(activity, ("approve",), story.approved)
        if story.reviewed is not None:
            self._move(activity, ("return_to_draft", "submit", "approve"), story.reviewed)
        if story.completed is not None:
            with history_dated(story.completed):
                if held:
                    services.activity_update(activity=activity, user=self.user, path=PATH,
                                             **held)
                self._load_parts(activity, spec, organisation, at)

    def _move(self, activity, actions, moment: datetime.datetime) -> None:
        with history_dated(moment):
            for action in actions:
                services.activity_transition(
                    activity=activity, action=action, user=self.user, path=PATH,
                    today=timezone.localdate(moment), override_reason=DEMO_APPROVAL)

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
    path="command")``: history records ``user`` and the command path. What is created is
    dated back over the two years before ``today`` (``history_dated``, :class:`Story`), so
    the register as of a past day, its diff and its changes report have a past to show;
    what a later load changes is dated on its day. All or nothing: an
    error leaves the database as it was. Returns a summary with the findings count.
    """
    loader = Loader(user, today)
    with transaction.atomic(), audit_context(user=user, path=PATH):
        loader.load_entities("organisation", data.organisations)
        loader.load_entities("contact", data.contacts)
        loader.load_entities("third party", data.third_parties)
        loader.load_users(data.users)
        for index, spec in enumerate(data.activities):
            loader.load_activity(spec, Story.of(index, len(data.activities), loader.today))
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
