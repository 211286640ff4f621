"""Stage 3 of the import, second half: what the register already holds brought in line
with the workbook (an unchanged object is not written). Organisations, contacts and third
parties are updated one object at a time through the services. Activities are compared
a chunk at a time with the register read as records (``processing.register``); the
changed ones of a chunk, with their parts, are written together by one bulk service
(``register_bulk_update``): one version and one history row per changed activity. The
parts of an activity become exactly those of the workbook.
"""

from __future__ import annotations

from collections import defaultdict

from entities import services as entity_services
from entities.models import Contact, Organisation, ThirdParty
from processing import services
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)
from processing.register import records as r
from processing.register.reader import read_in_chunks
from ropa import bulk

from .resolve import Resolving
from .rows import Row

#: Activities read as records at a time to compare them with their rows.
CHUNK = 1000


class ChangeWriting(Resolving):
    @staticmethod
    def _changes(obj, fields: dict) -> dict:
        changed = {}
        for name, value in fields.items():
            current = getattr(obj, name)
            if current != value:
                changed[name] = value
        return changed

    def write_changes_heads(self, kw) -> None:
        """Bring the organisations, contacts and third parties the register already holds
        in line with the workbook, one object at a time through the services (an
        unchanged object is not written)."""
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

    def write_activities(self, parts, kw) -> None:
        """Compare each activity of the chunk the register holds with its row and the rows
        of its parts (read as records), then write the changed ones in one bulk write: one
        version each; an unchanged activity is not written."""
        rows = {self.activities[row.activity_key]: row for row in self.rows["Activities"]
                if row.activity_key in self.activities
                and self.organisations.get(row.values["organisation"]) is not None}
        plans: dict[int, _Plan] = {}
        for record in read_in_chunks(list(rows), CHUNK):
            row = rows[record.id]
            plan = self._plan(record, row, parts[row.activity_key])
            if plan.changed:
                plans[record.id] = plan
        if not plans:
            return
        origin: dict[int, Row] = {}
        changes = []
        ids = list(plans)
        for start in range(0, len(ids), bulk.BATCH):
            loaded = (ProcessingActivity.objects.select_for_update(of=("self",))
                      .select_related("organisation", "owner")
                      .in_bulk(ids[start:start + bulk.BATCH]))
            for pk, activity in loaded.items():
                plan = plans[pk]
                origin[id(activity)] = plan.row
                for part, row in plan.origin:
                    origin[id(part)] = row
                changes.append(services.ActivityChange(
                    activity=activity, fields=plan.fields, status=plan.status,
                    removed=plan.removed, parts=plan.parts, links=plan.links))
        try:
            services.register_bulk_update(changes=changes, **kw)
        except services.BulkRefused as refused:
            self.bulk_refused(refused, origin)

    def _plan(self, record: r.Activity, row: Row, rows: dict[str, list[Row]]) -> _Plan:
        """What makes the activity of ``record`` that of ``row`` and the rows of its parts,
        as the one-object services would write it; the summary counts what it finds."""
        org = self.organisations[row.values["organisation"]]
        plan = _Plan(row)
        plain, m2m = self._activity_fields(row, org)
        plan.links = m2m
        status = row.values["status"]
        if record.status != status:
            # A workflow action sets dates of its own: every field is given as the row has it.
            plan.status = status
            plan.fields = dict(plain)
        else:
            plan.fields = {name: value for name, value in plain.items()
                           if _saved(record, name) != _value(value)}
        for name, targets in m2m.items():
            if {t.id for t in getattr(record, name)} != {o.pk for o in targets}:
                plan.fields[name] = targets
        self.count("Activities", "updated" if plan.fields or plan.status else "unchanged")
        self._plan_parts(plan, record, org, rows)
        return plan

    def _plan_parts(self, plan: _Plan, record: r.Activity, org, rows: dict[str, list[Row]]) -> None:
        """Make the activity's parts those of the workbook, for each kind of part whose sheet
        the workbook holds; a sheet left out leaves that kind of part as it is."""
        existing_purposes = record.purposes
        wanted_purposes = sorted(rows["Purposes"], key=lambda row: row.values["number"])
        same_purposes = "Purposes" not in self.present or [
            p.description for p in existing_purposes] == [w.values["description"] for w in wanted_purposes]
        existing_bases = {use.basis.code: use for use in record.lawful_bases}
        basis_fields = self._BASIS_FIELDS

        def basis_state(use: r.LawfulBasisUse):
            return (sorted(c.code for c in use.data_categories), sorted(p.number for p in use.purposes),
                    *(getattr(use, f) for f in basis_fields))

        def row_state(w: Row):
            v = w.values
            return (sorted(c.code for c in v["data_categories"]), v["purposes"],
                    *(v[f] for f in basis_fields))

        if "LawfulBases" not in self.present:
            existing_bases = {}  # left as they are
        wanted_bases = {w.values["basis"].code: w for w in rows["LawfulBases"] if w.values["basis"]}
        keep_bases = {
            code for code, use in existing_bases.items()
            if code in wanted_bases and basis_state(use) == row_state(wanted_bases[code])
            and (same_purposes or not use.purposes)
        }
        for code, use in existing_bases.items():
            if code not in keep_bases:
                plan.remove(ActivityLawfulBasis, use.id, record.id)
                if code not in wanted_bases:
                    self.count("LawfulBases", "removed")
        purpose_by_number = {}
        if same_purposes:
            if "Purposes" in self.present:
                self.count("Purposes", "unchanged", len(wanted_purposes))
            purpose_by_number = {p.number: Purpose(pk=p.id, activity_id=record.id)
                                 for p in existing_purposes}
        else:
            for p in existing_purposes:
                plan.remove(Purpose, p.id, record.id)
            self.count("Purposes", "removed", max(0, len(existing_purposes) - len(wanted_purposes)))
            for w in wanted_purposes:
                purpose_by_number[w.values["number"]] = plan.add(
                    w, Purpose(description=w.values["description"], position=w.values["number"]))
                self.count("Purposes", "updated" if existing_purposes else "created")
        for code, w in wanted_bases.items():
            if code in keep_bases:
                self.count("LawfulBases", "unchanged")
                continue
            v = w.values
            scope = {"data_categories": v["data_categories"],
                     "purposes": [purpose_by_number[n] for n in v["purposes"] if n in purpose_by_number]}
            plan.add(w, ActivityLawfulBasis(basis=v["basis"], **{f: v[f] for f in basis_fields}),
                     {k: links for k, links in scope.items() if links})
            self.count("LawfulBases", "updated" if code in existing_bases else "created")

        def party(name: str):
            return self.third_parties.get((org.name, name)) if name else None

        def code(term) -> str:
            return term.code if term is not None else ""

        self._sync_multiset(
            plan, record, record.recipients, rows["Recipients"], "Recipients",
            lambda o: (o.third_party.name if o.third_party else "", code(o.category),
                       sorted(c.code for c in o.data_categories), o.purpose),
            lambda v: (v["third_party"], code(v["category"]),
                       sorted(c.code for c in v["data_categories"]), v["purpose"]),
            lambda v: (ActivityRecipient(third_party=party(v["third_party"]), category=v["category"],
                                         purpose=v["purpose"]),
                       {"data_categories": v["data_categories"]} if v["data_categories"] else {}),
        )
        transfer_fields = self._TRANSFER_FIELDS
        self._sync_multiset(
            plan, record, record.transfers, rows["Transfers"], "Transfers",
            lambda o: (o.country.code if o.country else "", o.third_party.name if o.third_party else "",
                       code(o.mechanism), *(getattr(o, f) for f in transfer_fields)),
            lambda v: (code(v["country"]), v["third_party"], code(v["mechanism"]),
                       *(v[f] for f in transfer_fields)),
            lambda v: (InternationalTransfer(country=v["country"], third_party=party(v["third_party"]),
                                             mechanism=v["mechanism"],
                                             **{f: v[f] for f in transfer_fields}), {}),
        )
        retention_fields = self._RETENTION_FIELDS
        self._sync_multiset(
            plan, record, record.retention_rules, rows["Retention"], "Retention",
            lambda o: (code(o.data_category), *(getattr(o, f) for f in retention_fields)),
            lambda v: (code(v["data_category"]), *(v[f] for f in retention_fields)),
            lambda v: (RetentionRule(data_category=v["data_category"],
                                     **{f: v[f] for f in retention_fields}), {}),
        )

    def _sync_multiset(self, plan: _Plan, record: r.Activity, existing: list, rows: list[Row],
                       sheet: str, obj_key, row_key, new_part) -> None:
        """Make the parts of one kind exactly the rows: keep equal ones, remove the rest, add
        what is missing (in sheet order)."""
        if sheet not in self.present:
            return  # the sheet was left out: these parts are left as they are
        model = _MODELS[sheet]
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
                plan.remove(model, obj.id, record.id)
                self.count(sheet, "removed")
        for row in to_create:
            plan.add(row, *new_part(row.values))
            self.count(sheet, "created")


_MODELS = {"Recipients": ActivityRecipient, "Transfers": InternationalTransfer,
           "Retention": RetentionRule}


class _Plan:
    """The change of one activity the workbook asks for (see services.ActivityChange)."""

    def __init__(self, row: Row):
        self.row = row
        self.fields: dict = {}
        self.status: str | None = None
        self.links: dict = {}
        self.removed: list = []
        self.parts: list[services.NewPart] = []
        #: (new part, the row it comes from)
        self.origin: list[tuple[object, Row]] = []

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.status or self.removed or self.parts)

    def remove(self, model, pk: int, activity_id: int) -> None:
        self.removed.append(model(pk=pk, activity_id=activity_id))

    def add(self, row: Row, obj, links: dict | None = None):
        self.parts.append(services.NewPart(obj, links or {}))
        self.origin.append((obj, row))
        return obj


def _saved(record: r.Activity, name: str):
    """A plain field of the activity as the register holds it (the owner: its id)."""
    return record.owner_id if name == "owner" else getattr(record, name)


def _value(value):
    """A value of a row as :func:`_saved` gives it (an object: its id)."""
    return getattr(value, "pk", value)
