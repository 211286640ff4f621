"""Stage 3 of the import, first half: what the register does not hold yet, created in
one bulk write (``register_bulk_create``), every object validated first.
"""

from __future__ import annotations

from collections import defaultdict

from entities import services as entity_services
from entities.models import Contact, Organisation, Person, ThirdParty
from processing import services
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


class NewWriting(Resolving):
    def _bulk_create(self, origin: dict[int, Row], kw, **objects) -> None:
        """``register_bulk_create`` of ``objects``; a refusal becomes the problems of the
        rows the refused objects come from (``origin``: id of each new object -> its row)."""
        try:
            services.register_bulk_create(**objects, **kw)
        except services.BulkRefused as refused:
            self.bulk_refused(refused, origin)

    def _new(self, origin: dict[int, Row], obj, row: Row):
        origin[id(obj)] = row
        self.count(row.sheet.name, "created")
        return obj

    def new_heads(self, origin: dict[int, Row]) -> dict[str, list]:
        """The organisations, contacts and third parties the register does not hold yet,
        unsaved, for the bulk write of the first chunk (``origin``: id of each new object
        -> the row it comes from)."""
        organisations = []
        for row in self.rows["Organisations"]:
            if row.values["name"] not in self.organisations:
                org = self._new(origin, Organisation(
                    name=row.values["name"], **{k: row.values[k] for k in self._ORG_FIELDS}), row)
                self.organisations[org.name] = org
                organisations.append(org)
        for org in organisations:
            parent = origin[id(org)].values["parent"]
            org.parent = self.organisations.get(parent) if parent else None

        existing_contacts = defaultdict(list)
        for contact in Contact.objects.filter(organisation__name__in=self.org_names):
            existing_contacts[(contact.organisation_id, contact.role, contact.name)].append(contact)
        self.contact_matches: list[tuple[Row, Contact]] = []
        contacts = []
        for row in self.rows["Contacts"]:
            org = self.organisations.get(row.values["organisation"])
            if org is None:
                continue
            matches = existing_contacts.get((org.pk, row.values["role"], row.values["name"]))
            if matches:
                self.contact_matches.append((row, matches.pop(0)))
            else:
                contacts.append(self._new(origin, Contact(
                    organisation=org, role=row.values["role"], name=row.values["name"],
                    **{k: row.values[k] for k in self._CONTACT_FIELDS}), row))

        third_parties = []
        for row in self.rows["ThirdParties"]:
            org = self.organisations.get(row.values["organisation"])
            key = (row.values["organisation"], row.values["name"])
            if org is not None and key not in self.third_parties:
                party = self._new(origin, ThirdParty(organisation=org, name=row.values["name"],
                                                     **self._party_fields(row)), row)
                self.third_parties[key] = party
                third_parties.append(party)
        return {"organisations": organisations, "contacts": contacts, "third_parties": third_parties}

    def write_new_chunk(self, parts, kw, origin: dict[int, Row], heads: dict | None = None) -> None:
        """Create the owners and activities (with their parts) of the chunk the register
        does not hold yet, with ``heads`` (:meth:`new_heads`, for the first chunk), in one
        bulk write, validated first."""
        people = []
        for row in self.rows["Activities"]:
            org = self.organisations.get(row.values["organisation"])
            if not row.values["owner"] or org is None:
                continue
            key = (org.name, row.values["owner"])
            email = self.owner_emails.get(key, ("",))[0]
            person = self.people.get(key)
            if person is None:
                person = self.people[key] = Person(organisation=org, name=key[1], email=email)
                origin[id(person)] = row
                people.append(person)
            elif person.pk is not None and email and person.email != email:
                self.call(row, entity_services.entity_save, model=Person, instance=person,
                          email=email, **kw)

        activities = []
        for row in self.rows["Activities"]:
            org = self.organisations.get(row.values["organisation"])
            if org is None or row.activity_key in self.activities:
                continue
            plain, m2m = self._activity_fields(row, org)
            activity = self._new(origin, ProcessingActivity(
                organisation=org, reference=row.values["reference"], status=row.values["status"],
                **plain), row)
            item = services.NewActivity(activity, {k: v for k, v in m2m.items() if v})
            item.parts = [services.NewPart(self._new(origin, obj, r),
                                           {k: v for k, v in links.items() if v})
                          for r, obj, links in self._new_parts(org, parts[row.activity_key])]
            activities.append(item)
        if heads is not None or people or activities:
            self._bulk_create(origin, kw, **(heads or {}), people=people, activities=activities)

    def _new_parts(self, org, rows: dict[str, list[Row]]):
        """(row, unsaved part, links) for each part of a new activity, in sheet order."""
        purposes = {}
        for r in sorted(rows["Purposes"], key=lambda r: r.values["number"]):
            purposes[r.values["number"]] = Purpose(description=r.values["description"],
                                                   position=r.values["number"])
            yield r, purposes[r.values["number"]], {}
        for r in rows["LawfulBases"]:
            v = r.values
            yield r, ActivityLawfulBasis(
                basis=v["basis"], **{f: v[f] for f in self._BASIS_FIELDS},
            ), {"data_categories": v["data_categories"],
                "purposes": [purposes[n] for n in v["purposes"] if n in purposes]}

        def party(v):
            return self.third_parties.get((org.name, v["third_party"])) if v["third_party"] else None

        for r in rows["Recipients"]:
            v = r.values
            yield r, ActivityRecipient(third_party=party(v), category=v["category"], purpose=v["purpose"]), {
                "data_categories": v["data_categories"]}
        for r in rows["Transfers"]:
            v = r.values
            yield r, InternationalTransfer(
                country=v["country"], third_party=party(v), mechanism=v["mechanism"],
                **{f: v[f] for f in self._TRANSFER_FIELDS},
            ), {}
        for r in rows["Retention"]:
            v = r.values
            yield r, RetentionRule(data_category=v["data_category"],
                                   **{f: v[f] for f in self._RETENTION_FIELDS}), {}
