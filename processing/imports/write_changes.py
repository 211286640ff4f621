"""Stage 3 of the import, second half: what the register already holds brought in line
with the workbook, one object at a time through the services (an unchanged object is
not written); the parts of an activity become exactly those of the workbook.
"""

from __future__ import annotations

from collections import defaultdict

from entities import services as entity_services
from entities.models import Contact, Organisation, ThirdParty
from processing import services
from processing.exports.workbook import SHEETS_BY_NAME
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)

from .resolve import Resolving
from .rows import Row


class ChangeWriting(Resolving):
    @staticmethod
    def _changes(obj, fields: dict) -> dict:
        changed = {}
        for name, value in fields.items():
            current = getattr(obj, name)
            if current != value:
                changed[name] = value
        return changed

    def write_changes(self, parts, kw) -> None:
        """Bring what the register already holds in line with the workbook, one object at
        a time through the services (an unchanged object is not written)."""
        for row in self.rows["Organisations"]:
            existing = self.existing_organisations.get(row.values["name"])
            if existing is None:
                continue
            fields = {k: row.values[k] for k in self._ORG_FIELDS}
            if changed := self._changes(existing, fields):
                self.call(row, entity_services.entity_save, model=Organisation, instance=existing,
                          **changed, **kw)
                self.count("Organisations", "updated")
            else:
                self.count("Organisations", "unchanged")
        for row in self.rows["Organisations"]:
            org = self.organisations.get(row.values["name"])
            parent = self.organisations.get(row.values["parent"]) if row.values["parent"] else None
            if org is not None and org.parent_id != (parent.pk if parent else None):
                self.call(row, entity_services.entity_save, model=Organisation, instance=org,
                          parent=parent, **kw)

        for row, existing in self.contact_matches:
            fields = {k: row.values[k] for k in self._CONTACT_FIELDS}
            if changed := self._changes(existing, fields):
                self.call(row, entity_services.entity_save, model=Contact, instance=existing,
                          **changed, **kw)
                self.count("Contacts", "updated")
            else:
                self.count("Contacts", "unchanged")

        for row in self.rows["ThirdParties"]:
            existing = self.existing_third_parties.get((row.values["organisation"], row.values["name"]))
            if existing is None:
                continue
            if changed := self._changes(existing, self._party_fields(row)):
                self.call(row, entity_services.entity_save, model=ThirdParty, instance=existing,
                          **changed, **kw)
                self.count("ThirdParties", "updated")
            else:
                self.count("ThirdParties", "unchanged")

        for row in self.rows["Activities"]:
            if row.activity_key not in self.activities:
                continue
            # Its status, fields and parts, changed by several service calls: one version.
            with services.one_version(self.activities[row.activity_key], **kw):
                activity = self.write_activity(row, kw)
                if activity is not None:
                    self.write_parts(activity, parts[row.activity_key], kw)

    def write_activity(self, row: Row, kw) -> ProcessingActivity | None:
        """Update an activity the register holds (its status along the review workflow)."""
        org = self.organisations.get(row.values["organisation"])
        existing = self.activities.get(row.activity_key)
        if org is None or existing is None:
            return None
        plain, m2m = self._activity_fields(row, org)
        values = row.values
        changed = False
        if existing.status != values["status"]:
            for action in _path(existing.status, values["status"]):
                if self.call(row, services.activity_transition, activity=existing, action=action,
                             **kw) is None:
                    return None
            changed = True
            # Read again what the workflow changed; the links and parts loaded with the
            # register are read again too.
            existing.refresh_from_db()
        fields = self._changes(existing, plain)
        for name, targets in m2m.items():
            if {o.pk for o in getattr(existing, name).all()} != {o.pk for o in targets}:
                fields[name] = targets
        if fields:
            if self.call(row, services.activity_update, activity=existing, **fields, **kw) is None:
                return None
            changed = True
        self.count("Activities", "updated" if changed else "unchanged")
        return existing

    def write_parts(self, activity: ProcessingActivity, rows: dict[str, list[Row]], kw) -> None:
        """Make the activity's parts those of the workbook, for each kind of part whose sheet
        the workbook holds; a sheet left out leaves that kind of part as it is."""
        # The activity comes with its parts (``with_register``): read them as loaded.
        existing_purposes = list(activity.purposes.all())
        wanted_purposes = sorted(rows["Purposes"], key=lambda r: r.values["number"])
        same_purposes = "Purposes" not in self.present or [
            p.description for p in existing_purposes] == [r.values["description"] for r in wanted_purposes]
        if "Purposes" not in self.present:
            wanted_purposes = existing_purposes
        existing_bases = {b.basis.code: b for b in activity.lawful_bases.all()}
        numbers = {p.pk: n for n, p in enumerate(existing_purposes, start=1)}

        basis_fields = self._BASIS_FIELDS

        def basis_state(b: ActivityLawfulBasis):
            return (sorted(c.code for c in b.data_categories.all()),
                    sorted(numbers.get(p.pk, 0) for p in b.purposes.all()),
                    *(getattr(b, f) for f in basis_fields))

        def row_state(r: Row):
            v = r.values
            return (sorted(c.code for c in v["data_categories"]), v["purposes"],
                    *(v[f] for f in basis_fields))

        if "LawfulBases" not in self.present:
            existing_bases = {}  # left as they are
        wanted_bases = {r.values["basis"].code: r for r in rows["LawfulBases"] if r.values["basis"]}
        keep_bases = {
            code for code, b in existing_bases.items()
            if code in wanted_bases and basis_state(b) == row_state(wanted_bases[code])
            and (same_purposes or not b.purposes.all())
        }
        for code, b in existing_bases.items():
            if code not in keep_bases:
                self.call(_fallback_row(activity), services.part_delete, instance=b, **kw)
                if code not in wanted_bases:
                    self.count("LawfulBases", "removed")
        purpose_by_number = {}
        if same_purposes:
            if "Purposes" in self.present:
                self.count("Purposes", "unchanged", len(wanted_purposes))
            purpose_by_number = dict(enumerate(existing_purposes, start=1))
        else:
            for p in existing_purposes:
                self.call(_fallback_row(activity), services.part_delete, instance=p, **kw)
            self.count("Purposes", "removed", max(0, len(existing_purposes) - len(wanted_purposes)))
            for r in wanted_purposes:
                p = self.call(r, services.part_save, model=Purpose, activity=activity,
                              description=r.values["description"], position=r.values["number"], **kw)
                if p is not None:
                    purpose_by_number[r.values["number"]] = p
                    self.count("Purposes", "updated" if existing_purposes else "created")
        for code, r in wanted_bases.items():
            if code in keep_bases:
                self.count("LawfulBases", "unchanged")
                continue
            v = r.values
            scope = {"data_categories": v["data_categories"],
                     "purposes": [purpose_by_number[n] for n in v["purposes"] if n in purpose_by_number]}
            created = self.call(
                r, services.part_save, model=ActivityLawfulBasis, activity=activity, basis=v["basis"],
                **{f: v[f] for f in basis_fields}, **{k: links for k, links in scope.items() if links}, **kw,
            )
            if created is not None:
                self.count("LawfulBases", "updated" if code in existing_bases else "created")

        self._sync_multiset(
            activity, rows["Recipients"], "Recipients", ActivityRecipient,
            lambda: activity.recipients.all(),
            lambda o: (o.third_party.name if o.third_party_id else "",
                       o.category.code if o.category_id else "",
                       sorted(c.code for c in o.data_categories.all()), o.purpose),
            lambda v: (v["third_party"], v["category"].code if v["category"] else "",
                       sorted(c.code for c in v["data_categories"]), v["purpose"]),
            lambda v: {"third_party": self.third_parties.get((activity.organisation.name, v["third_party"]))
                       if v["third_party"] else None,
                       "category": v["category"], "purpose": v["purpose"],
                       **({"data_categories": v["data_categories"]} if v["data_categories"] else {})},
            kw,
        )
        transfer_fields = self._TRANSFER_FIELDS
        self._sync_multiset(
            activity, rows["Transfers"], "Transfers", InternationalTransfer,
            lambda: activity.transfers.all(),
            lambda o: (o.country.code if o.country_id else "",
                       o.third_party.name if o.third_party_id else "",
                       o.mechanism.code if o.mechanism_id else "",
                       *(getattr(o, f) for f in transfer_fields)),
            lambda v: (v["country"].code if v["country"] else "", v["third_party"],
                       v["mechanism"].code if v["mechanism"] else "",
                       *(v[f] for f in transfer_fields)),
            lambda v: {"country": v["country"],
                       "third_party": self.third_parties.get((activity.organisation.name, v["third_party"]))
                       if v["third_party"] else None,
                       "mechanism": v["mechanism"], **{f: v[f] for f in transfer_fields}},
            kw,
        )
        retention_fields = self._RETENTION_FIELDS
        self._sync_multiset(
            activity, rows["Retention"], "Retention", RetentionRule,
            lambda: activity.retention_rules.all(),
            lambda o: (o.data_category.code if o.data_category_id else "",
                       *(getattr(o, f) for f in retention_fields)),
            lambda v: (v["data_category"].code if v["data_category"] else "",
                       *(v[f] for f in retention_fields)),
            lambda v: {"data_category": v["data_category"], **{f: v[f] for f in retention_fields}},
            kw,
        )

    def _sync_multiset(self, activity, rows, sheet, model, existing_qs, obj_key, row_key,
                       row_fields, kw) -> None:
        """Make the parts of one kind exactly the rows: keep equal ones, remove the rest, add
        what is missing (in sheet order)."""
        if sheet not in self.present:
            return  # the sheet was left out: these parts are left as they are
        existing = list(existing_qs())
        pool = defaultdict(list)
        for obj in existing:
            pool[repr(obj_key(obj))].append(obj)
        to_create = []
        for row in rows:
            matches = pool.get(repr(row_key(row.values)))
            if matches:
                matches.pop(0)
                self.count(sheet, "unchanged")
            else:
                to_create.append(row)
        for leftovers in pool.values():
            for obj in leftovers:
                self.call(_fallback_row(activity), services.part_delete, instance=obj, **kw)
                self.count(sheet, "removed")
        for row in to_create:
            if self.call(row, services.part_save, model=model, activity=activity,
                         **row_fields(row.values), **kw) is not None:
                self.count(sheet, "created")


def _fallback_row(activity) -> Row:
    """Where to report a problem that belongs to an activity rather than to one row."""
    return Row(SHEETS_BY_NAME["Activities"], 0, {}, {"reference": activity.reference})


def _path(source: str, target: str) -> list[str]:
    """The shortest list of workflow actions from one status to another."""
    from processing.services import TRANSITIONS  # the review workflow, defined once

    frontier, seen = [(source, [])], {source}
    while frontier:
        status, actions = frontier.pop(0)
        if status == target:
            return actions
        for action, (sources, to) in TRANSITIONS.items():
            if status in sources and to not in seen:
                seen.add(to)
                frontier.append((to, [*actions, action]))
    return []
