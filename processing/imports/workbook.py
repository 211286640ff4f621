"""Import of the project's workbook: all or nothing, every problem reported.

1. The file is bounded and read (``readers``): size, file type, zip expansion, rows.
2. Every sheet, row and cell is checked and every reference resolved (organisations,
   third parties, activities, taxonomy codes, countries, lawful bases, mechanisms,
   users). Unknown values are errors naming the sheet, row, column and value.
3. Only when nothing is wrong, the register is written through the services, in one
   transaction, with history attributed to the importing user and the "import" path.
   What the register does not hold yet is created by one bulk service
   (``register_bulk_create``: every object validated first, a few queries per kind of
   object); what it holds is updated one object at a time. A service that still
   refuses a row adds its error; any error rolls everything back.

An organisation, third party or activity already in the database (same name, or same
organisation and reference) is updated, not duplicated; the parts of an imported
activity (purposes, lawful bases, recipients, transfers, retention rules) become
exactly those of the workbook. Nothing absent from the workbook is deleted otherwise.
``dry_run`` runs the same checks and writes, then rolls back.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from entities import services as entity_services
from entities.models import (
    Contact,
    ContactRole,
    Country,
    Jurisdiction,
    Organisation,
    RecipientCategory,
    ThirdParty,
    ThirdPartyKind,
)
from processing import services
from processing.durations import parse_period
from processing.exports.workbook import (
    BOOL,
    DATE,
    MULTI,
    NUMBER,
    SHEETS,
    SHEETS_BY_NAME,
    SheetSpec,
)
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    ActivityRole,
    ActivityStatus,
    DataSubjectCategory,
    DeletionMethod,
    DpiaRequired,
    DpiaStatus,
    InternationalTransfer,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Purpose,
    RetentionRule,
    RetentionTrigger,
    Schedule1Condition,
    SecurityMeasure,
    SpecialCategoryCondition,
    TransferMechanism,
)
from ropa.audit import ChangePath, audit_context

from .errors import ImportFailed, RowError
from .readers import RawSheet, read_book

_NOTHING = object()


@dataclass
class Row:
    sheet: SheetSpec
    number: int
    values: dict
    raw: dict

    @property
    def activity_key(self) -> tuple[str, str]:
        return (self.values["organisation"], self.values.get("activity") or self.values.get("reference"))


@dataclass
class ImportSummary:
    """What the import created, changed, left as it was and removed, per sheet."""

    dry_run: bool
    kind: str
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        out = [f"Workbook read as {self.kind}; {'dry run: nothing written' if self.dry_run else 'imported'}."]
        for spec in SHEETS:
            c = self.counts.get(spec.name)
            if not c:
                continue
            out.append(f"{spec.name}: " + ", ".join(
                f"{c[k]} {verb} {k}" for k in ("created", "updated", "unchanged", "removed") if c[k]
            ))
        return out

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "kind": self.kind,
                "counts": {k: dict(v) for k, v in self.counts.items()}}


# --- cell parsing -----------------------------------------------------------------------

_TRUE, _FALSE = {"yes", "y", "true", "1", "oui", "x"}, {"no", "n", "false", "0", "non"}


def _parse(kind: str, value, key: str):
    """(python value, error message or None) for a cell of ``kind``."""
    if kind == MULTI:
        if isinstance(value, list):
            items = [str(v).strip() for v in value]
        elif isinstance(value, (str, int, float)):
            items = [line.strip() for line in str(value).replace("\r\n", "\n").split("\n")]
        else:
            return [], "Expected a list of values, one per line."
        return [i for i in items if i], None
    if isinstance(value, (list, dict)):
        return None, "Expected a single value, not a list."
    if kind == BOOL:
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text == "":
            return None, None
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return None, "Expected Yes or No."
    if kind == DATE:
        text = str(value).strip()
        if not text:
            return None, None
        try:
            return datetime.date.fromisoformat(text[:10]), None
        except ValueError:
            return None, "Expected a date written YYYY-MM-DD."
    if kind == NUMBER:
        text = str(value).strip()
        try:
            number = int(float(text))
        except ValueError:
            return None, "Expected a whole number."
        if number < 1 or number != float(text):
            return None, "Expected a whole number from 1."
        return number, None
    text = "" if value is None else str(value)
    if key in _CODE_KEYS:
        text = text.strip()
    return text, None


_CODE_KEYS = {"organisation", "activity", "reference", "name", "role", "kind", "category", "country",
              "parent", "jurisdiction", "owner", "status", "group_organisation", "basis",
              "third_party", "mechanism", "data_category", "trigger", "deletion_method",
              "dpia_required", "dpia_status", "period"}


class _Importer:
    def __init__(self, sheets: list[RawSheet], summary: ImportSummary):
        self.raw = sheets
        self.summary = summary
        self.errors: list[RowError] = []
        self.rows: dict[str, list[Row]] = {spec.name: [] for spec in SHEETS}

    # -- reporting
    def error(self, row: Row | None, key: str, message: str, value=_NOTHING, sheet: str = ""):
        heading = ""
        if row is not None:
            heading = next((c.heading for c in row.sheet.columns if c.key == key), key)
            if value is _NOTHING:
                value = row.raw.get(key, "")
        self.errors.append(RowError(
            sheet=row.sheet.name if row is not None else sheet,
            row=row.number if row is not None else None, column=heading,
            value="" if value is _NOTHING else value, message=message,
        ))

    def service_error(self, row: Row, exc: Exception):
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                key = {"position": "number", "__all__": ""}.get(name, name)
                for message in messages:
                    self.error(row, key, message, value=row.raw.get(key, "") if key else "")
        else:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            for message in messages:
                self.error(row, "", message, value="")

    # -- stage 1: cells
    def parse(self) -> None:
        seen = set()
        for raw in self.raw:
            spec = SHEETS_BY_NAME.get(raw.name)
            if spec is None:
                self.errors.append(RowError(raw.name, None, "", raw.name, (
                    f"Unknown sheet '{raw.name}': the workbook has the sheets "
                    f"{', '.join(SHEETS_BY_NAME)}.")))
                continue
            if raw.name in seen:
                self.errors.append(RowError(raw.name, None, "", raw.name, "The sheet appears twice."))
                continue
            seen.add(raw.name)
            by_heading = {c.heading: c for c in spec.columns}
            unknown = [h for h in raw.headings if h not in by_heading]
            for heading in unknown:
                self.errors.append(RowError(raw.name, 1, heading, heading, (
                    "Unknown column: check the spelling against docs/workbook-format.md.")))
            for column in spec.columns:
                if column.required and column.heading not in raw.headings and raw.rows:
                    self.errors.append(RowError(raw.name, 1, column.heading, "",
                                                "A required column is missing."))
            if unknown:
                continue
            for number, cells in raw.rows:
                row = Row(spec, number, {}, {})
                if "__invalid__" in cells:
                    self.error(row, "", "A row must be an object of column -> value.",
                               value=cells["__invalid__"])
                    continue
                if "__extra__" in cells:
                    self.error(row, "", "Values found to the right of the last column.",
                               value=cells["__extra__"])
                for column in spec.columns:
                    value = cells.get(column.heading, "")
                    row.raw[column.key] = value
                    parsed, problem = _parse(column.kind, value, column.key)
                    if problem:
                        self.error(row, column.key, problem)
                    row.values[column.key] = parsed
                    if column.required and parsed in ("", None, []) and not problem:
                        self.error(row, column.key, "This column cannot be empty.")
                self.rows[spec.name].append(row)

    # -- stage 2: references
    def load_lookups(self) -> None:
        self.countries = {c.code: c for c in Country.objects.all()}
        self.terms = {
            "data_subjects": {t.code: t for t in DataSubjectCategory.objects.all()},
            "data_categories": {t.code: t for t in PersonalDataCategory.objects.all()},
            "special_category_conditions": {t.code: t for t in SpecialCategoryCondition.objects.all()},
            "schedule1_conditions": {t.code: t for t in Schedule1Condition.objects.all()},
            "security_measures": {t.code: t for t in SecurityMeasure.objects.all()},
            "basis": {t.code: t for t in LawfulBasis.objects.all()},
            "mechanism": {t.code: t for t in TransferMechanism.objects.all()},
            "category": {t.code: t for t in RecipientCategory.objects.all()},
        }
        self.organisations = {o.name: o for o in Organisation.objects.all()}
        self.third_parties = {
            (t.organisation.name, t.name): t
            for t in ThirdParty.objects.select_related("organisation")
        }
        # What the register holds before the import (the dicts above gain the new objects).
        self.existing_organisations = dict(self.organisations)
        self.existing_third_parties = dict(self.third_parties)
        names = {r.values["organisation"] for r in self.rows["Activities"]}
        self.activities = {
            (a.organisation.name, a.reference): a
            for a in ProcessingActivity.objects.filter(organisation__name__in=names).with_register()
        }
        self.users = {}
        owners = {r.values["owner"] for r in self.rows["Activities"] if r.values.get("owner")}
        if owners:
            user_model = get_user_model()
            field_name = user_model.USERNAME_FIELD
            self.users = {getattr(u, field_name): u
                          for u in user_model.objects.filter(**{f"{field_name}__in": owners})}

    def _code(self, row: Row, key: str, table: dict, what: str):
        code = row.values.get(key) or ""
        if not code:
            return None
        if code not in table:
            self.error(row, key, f"Unknown {what} code.")
            return None
        return table[code]

    def _codes(self, row: Row, key: str, table: dict, what: str) -> list:
        found = []
        for code in row.values.get(key) or []:
            if code in table:
                found.append(table[code])
            else:
                self.error(row, key, f"Unknown {what} code '{code}'.")
        return found

    def _choice(self, row: Row, key: str, choices, default=""):
        value = row.values.get(key) or ""
        if not value:
            return default
        if value not in choices.values:
            self.error(row, key, f"Unknown value: use one of {', '.join(v for v in choices.values if v)}.")
            return default
        return value

    def _country(self, row: Row, key: str = "country"):
        code = (row.values.get(key) or "").upper()
        if not code:
            return None
        if code not in self.countries:
            self.error(row, key, "Unknown country: give its ISO 3166-1 alpha-2 code (GB, FR, US...).")
        return self.countries.get(code)

    def resolve(self) -> None:
        self.org_names = set(self.organisations)
        self.org_rows: dict[str, Row] = {}
        for row in self.rows["Organisations"]:
            name = row.values["name"]
            if name in self.org_rows:
                self.error(row, "name", "This organisation appears twice in the sheet.")
            self.org_rows[name] = row
            self.org_names.add(name)
        for row in self.rows["Organisations"]:
            row.values["country"] = self._country(row)
            row.values["jurisdiction"] = self._choice(row, "jurisdiction", Jurisdiction, Jurisdiction.UK)
            parent = row.values["parent"]
            if parent and parent not in self.org_names:
                self.error(row, "parent", "Unknown organisation: add it to the Organisations sheet.")
            if parent and parent == row.values["name"]:
                self.error(row, "parent", "An organisation cannot be its own parent.")

        def known_org(row: Row) -> bool:
            if row.values["organisation"] and row.values["organisation"] not in self.org_names:
                self.error(row, "organisation", "Unknown organisation: add it to the Organisations sheet.")
                return False
            return True

        for row in self.rows["Contacts"]:
            known_org(row)
            self._choice(row, "role", ContactRole)

        self.party_names = set(self.third_parties)
        seen_parties = set()
        for row in self.rows["ThirdParties"]:
            known_org(row)
            key = (row.values["organisation"], row.values["name"])
            if key in seen_parties:
                self.error(row, "name", "This third party appears twice for the organisation.")
            seen_parties.add(key)
            self.party_names.add(key)
            self._choice(row, "kind", ThirdPartyKind)
            row.values["category"] = self._code(row, "category", self.terms["category"], "recipient category")
            row.values["country"] = self._country(row)
            group = row.values["group_organisation"]
            if group and group not in self.org_names:
                self.error(row, "group_organisation", "Unknown organisation.")

        def party(row: Row, key: str, name: str):
            if (row.values["organisation"], name) not in self.party_names:
                self.error(row, key, f"Unknown third party '{name}': add it to the ThirdParties sheet.")

        self.activity_rows: dict[tuple, Row] = {}
        for row in self.rows["Activities"]:
            known_org(row)
            key = row.activity_key
            if key in self.activity_rows:
                self.error(row, "reference", "This activity reference appears twice for the organisation.")
            self.activity_rows[key] = row
            row.values["role"] = self._choice(row, "role", ActivityRole, ActivityRole.CONTROLLER)
            row.values["status"] = self._choice(row, "status", ActivityStatus, ActivityStatus.DRAFT)
            self._choice(row, "dpia_required", DpiaRequired)
            self._choice(row, "dpia_status", DpiaStatus)
            owner = row.values["owner"]
            if owner and owner not in self.users:
                self.error(row, "owner", "Unknown user.")
            for name in ("joint_controllers", "controllers_served"):
                for party_name in row.values[name]:
                    party(row, name, party_name)
            for name in ("data_subjects", "data_categories", "special_category_conditions",
                         "schedule1_conditions", "security_measures"):
                what = {"data_subjects": "data subject category", "data_categories": "data category",
                        "special_category_conditions": "Art 9 condition",
                        "schedule1_conditions": "Schedule 1 condition",
                        "security_measures": "security measure"}[name]
                row.values[name] = self._codes(row, name, self.terms[name], what)
            for name in ("recipients_none", "automated_decision_making",
                         "automated_decision_legal_effect", "systematic_monitoring", "breach_occurred"):
                row.values[name] = bool(row.values[name])
            reviewed, next_review = row.values["last_reviewed_on"], row.values["next_review_on"]
            if reviewed and next_review and next_review < reviewed:
                self.error(row, "next_review_on", "The next review is before the last review.")

        def activity_of(row: Row) -> Row | None:
            if not known_org(row):
                return None
            target = self.activity_rows.get(row.activity_key)
            if target is None:
                self.error(row, "activity", "Unknown activity: it must be in the Activities sheet.")
            return target

        numbers = defaultdict(set)
        for row in self.rows["Purposes"]:
            if activity_of(row) is None:
                continue
            if row.values["number"] in numbers[row.activity_key]:
                self.error(row, "number", "This purpose number appears twice for the activity.")
            numbers[row.activity_key].add(row.values["number"])
        bases_seen = set()
        for row in self.rows["LawfulBases"]:
            activity = activity_of(row)
            row.values["basis"] = self._code(row, "basis", self.terms["basis"], "lawful basis")
            row.values["data_categories"] = self._codes(row, "data_categories",
                                                        self.terms["data_categories"], "data category")
            if activity is None:
                continue
            if row.values["basis"] is not None:
                key = (row.activity_key, row.values["basis"].code)
                if key in bases_seen:
                    self.error(row, "basis", "This lawful basis appears twice for the activity.")
                bases_seen.add(key)
            outside = [c.code for c in row.values["data_categories"]
                       if c not in activity.values["data_categories"]]
            if outside:
                self.error(row, "data_categories", "Not among the activity's data categories: "
                           + ", ".join(outside) + ".")
            purposes = []
            for text in row.values["purposes"]:
                try:
                    number = int(text)
                except ValueError:
                    self.error(row, "purposes", f"'{text}' is not a purpose number.")
                    continue
                if number not in numbers[row.activity_key]:
                    self.error(row, "purposes", f"The activity has no purpose number {number} "
                               "in the Purposes sheet.")
                purposes.append(number)
            row.values["purposes"] = sorted(purposes)
        for row in self.rows["Recipients"]:
            activity_of(row)
            row.values["category"] = self._code(row, "category", self.terms["category"],
                                                "recipient category")
            row.values["data_categories"] = self._codes(row, "data_categories",
                                                        self.terms["data_categories"], "data category")
            if row.values["third_party"]:
                party(row, "third_party", row.values["third_party"])
            elif row.values["category"] is None and not row.raw.get("category"):
                self.error(row, "third_party", "Name the recipient or give its recipient category.")
        for row in self.rows["Transfers"]:
            activity_of(row)
            row.values["country"] = self._country(row)
            row.values["mechanism"] = self._code(row, "mechanism", self.terms["mechanism"],
                                                 "transfer mechanism")
            if row.values["third_party"]:
                party(row, "third_party", row.values["third_party"])
            if not row.raw.get("country") and not row.values["international_organisation"].strip():
                self.error(row, "country", "A transfer needs a destination country or an "
                           "international organisation.")
        for row in self.rows["Retention"]:
            activity_of(row)
            row.values["data_category"] = self._code(row, "data_category",
                                                     self.terms["data_categories"], "data category")
            self._choice(row, "trigger", RetentionTrigger)
            self._choice(row, "deletion_method", DeletionMethod)
            if row.values["period"]:
                try:
                    row.values["period"] = str(parse_period(row.values["period"]))
                except ValidationError as exc:
                    self.error(row, "period", " ".join(exc.messages))
            elif not row.values["criteria"].strip():
                self.error(row, "period", "Give a period (ISO 8601, e.g. P7Y) or the criteria.")

    # -- stage 3: writes
    def call(self, row: Row, fn: Callable, **kwargs):
        try:
            return fn(**kwargs)
        except (ValidationError, IntegrityError, TypeError) as exc:
            self.service_error(row, exc)
            return None

    def count(self, sheet: str, what: str, n: int = 1):
        self.summary.counts[sheet][what] += n

    @staticmethod
    def _changes(obj, fields: dict) -> dict:
        changed = {}
        for name, value in fields.items():
            current = getattr(obj, name)
            if current != value:
                changed[name] = value
        return changed

    _ORG_FIELDS = ("trading_name", "registration_number", "authority_registration_ref", "vat_number",
                   "address", "country", "website", "email", "phone", "jurisdiction")
    _CONTACT_FIELDS = ("email", "phone", "address")
    _PARTY_FIELDS = ("kind", "category", "service", "country", "address", "email", "phone",
                     "website", "contract_link", "dpf_certified", "notes")

    def write(self, user) -> None:
        kw = {"user": user, "path": ChangePath.IMPORT}
        parts = defaultdict(lambda: defaultdict(list))
        for sheet in ("Purposes", "LawfulBases", "Recipients", "Transfers", "Retention"):
            for row in self.rows[sheet]:
                parts[row.activity_key][sheet].append(row)
        self.write_new(parts, kw)
        if not self.errors:
            self.write_changes(parts, kw)

    def _party_fields(self, row: Row) -> dict:
        fields = {k: row.values[k] for k in self._PARTY_FIELDS}
        fields["dpf_certified"] = bool(fields["dpf_certified"])
        group = row.values["group_organisation"]
        fields["group_organisation"] = self.organisations.get(group) if group else None
        return fields

    def write_new(self, parts, kw) -> None:
        """Create everything the register does not hold yet (organisations, contacts, third
        parties, activities with their parts) in one bulk write, validated first."""
        origin: dict[int, Row] = {}  # id of each new object -> the row it comes from

        def new(obj, row: Row):
            origin[id(obj)] = row
            self.count(row.sheet.name, "created")
            return obj

        organisations = []
        for row in self.rows["Organisations"]:
            if row.values["name"] not in self.organisations:
                org = new(Organisation(name=row.values["name"],
                                       **{k: row.values[k] for k in self._ORG_FIELDS}), row)
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
                contacts.append(new(Contact(organisation=org, role=row.values["role"],
                                            name=row.values["name"],
                                            **{k: row.values[k] for k in self._CONTACT_FIELDS}), row))

        third_parties = []
        for row in self.rows["ThirdParties"]:
            org = self.organisations.get(row.values["organisation"])
            key = (row.values["organisation"], row.values["name"])
            if org is not None and key not in self.third_parties:
                party = new(ThirdParty(organisation=org, name=row.values["name"], **self._party_fields(row)),
                            row)
                self.third_parties[key] = party
                third_parties.append(party)

        activities = []
        for row in self.rows["Activities"]:
            org = self.organisations.get(row.values["organisation"])
            if org is None or row.activity_key in self.activities:
                continue
            plain, m2m = self._activity_fields(row, org)
            activity = new(ProcessingActivity(organisation=org, reference=row.values["reference"],
                                              status=row.values["status"], **plain), row)
            item = services.NewActivity(activity, {k: v for k, v in m2m.items() if v})
            item.parts = [services.NewPart(new(obj, r), {k: v for k, v in links.items() if v})
                          for r, obj, links in self._new_parts(org, parts[row.activity_key])]
            activities.append(item)

        try:
            services.register_bulk_create(organisations=organisations, contacts=contacts,
                                          third_parties=third_parties, activities=activities, **kw)
        except services.BulkRefused as refused:
            for obj, error in refused.problems:
                row = origin.get(id(obj))
                if row is None:
                    self.errors.append(RowError("", None, "", "", " ".join(error.messages)))
                else:
                    self.service_error(row, error)

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
                basis=v["basis"], legitimate_interest=v["legitimate_interest"], lia_link=v["lia_link"],
                consent_record_link=v["consent_record_link"], citation=v["citation"], notes=v["notes"],
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
                country=v["country"], international_organisation=v["international_organisation"],
                third_party=party(v), mechanism=v["mechanism"], safeguards=v["safeguards"],
                safeguard_document_link=v["safeguard_document_link"], tia_link=v["tia_link"],
            ), {}
        for r in rows["Retention"]:
            v = r.values
            yield r, RetentionRule(data_category=v["data_category"],
                                   **{f: v[f] for f in self._RETENTION_FIELDS}), {}

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
            activity = self.write_activity(row, kw)
            if activity is not None:
                self.write_parts(activity, parts[row.activity_key], kw)

    _PLAIN = ("name", "business_function", "role", "description", "last_reviewed_on", "next_review_on",
              "recipients_none", "security_description", "source_of_data", "automated_decision_making",
              "automated_decision_legal_effect", "automated_decision_description",
              "systematic_monitoring", "data_location", "dpia_required", "dpia_status", "dpia_link",
              "breach_occurred", "breach_link", "retention_policy_link", "retention_adhered",
              "retention_non_adherence_reason")
    _M2M = ("joint_controllers", "controllers_served", "data_subjects", "data_categories",
            "special_category_conditions", "schedule1_conditions", "security_measures")
    _RETENTION_FIELDS = ("period", "trigger", "trigger_description", "legal_source", "deletion_method",
                         "criteria")

    def _activity_fields(self, row: Row, org) -> tuple[dict, dict]:
        """The activity's plain fields and its many-to-many links, from its row."""
        values = row.values
        plain = {k: values[k] for k in self._PLAIN}
        plain["owner"] = self.users.get(values["owner"]) if values["owner"] else None
        m2m = {k: values[k] for k in self._M2M if k not in ("joint_controllers", "controllers_served")}
        for name in ("joint_controllers", "controllers_served"):
            m2m[name] = [self.third_parties[(org.name, n)] for n in values[name]
                         if (org.name, n) in self.third_parties]
        return plain, m2m

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
        # The activity comes with its parts (``with_register``): read them as loaded.
        existing_purposes = list(activity.purposes.all())
        wanted_purposes = sorted(rows["Purposes"], key=lambda r: r.values["number"])
        same_purposes = [p.description for p in existing_purposes] == [
            r.values["description"] for r in wanted_purposes]
        existing_bases = {b.basis.code: b for b in activity.lawful_bases.all()}
        numbers = {p.pk: n for n, p in enumerate(existing_purposes, start=1)}

        def basis_state(b: ActivityLawfulBasis):
            return (sorted(c.code for c in b.data_categories.all()),
                    sorted(numbers.get(p.pk, 0) for p in b.purposes.all()),
                    b.legitimate_interest, b.lia_link, b.consent_record_link, b.citation, b.notes)

        def row_state(r: Row):
            v = r.values
            return (sorted(c.code for c in v["data_categories"]), v["purposes"],
                    v["legitimate_interest"], v["lia_link"], v["consent_record_link"], v["citation"],
                    v["notes"])

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
                legitimate_interest=v["legitimate_interest"], lia_link=v["lia_link"],
                consent_record_link=v["consent_record_link"], citation=v["citation"], notes=v["notes"],
                **{k: links for k, links in scope.items() if links}, **kw,
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
        self._sync_multiset(
            activity, rows["Transfers"], "Transfers", InternationalTransfer,
            lambda: activity.transfers.all(),
            lambda o: (o.country.code if o.country_id else "", o.international_organisation,
                       o.third_party.name if o.third_party_id else "",
                       o.mechanism.code if o.mechanism_id else "", o.safeguards,
                       o.safeguard_document_link, o.tia_link),
            lambda v: (v["country"].code if v["country"] else "", v["international_organisation"],
                       v["third_party"], v["mechanism"].code if v["mechanism"] else "",
                       v["safeguards"], v["safeguard_document_link"], v["tia_link"]),
            lambda v: {"country": v["country"], "international_organisation": v["international_organisation"],
                       "third_party": self.third_parties.get((activity.organisation.name, v["third_party"]))
                       if v["third_party"] else None,
                       "mechanism": v["mechanism"], "safeguards": v["safeguards"],
                       "safeguard_document_link": v["safeguard_document_link"], "tia_link": v["tia_link"]},
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


def import_workbook(data: bytes, filename: str = "", *, user=None, dry_run: bool = False
                    ) -> ImportSummary:
    """Check then write a workbook; :class:`ImportFailed` (nothing written) on any problem."""
    kind, sheets = read_book(data, filename)
    summary = ImportSummary(dry_run=dry_run, kind=kind)
    importer = _Importer(sheets, summary)
    importer.parse()
    if importer.errors:
        raise ImportFailed(importer.errors)
    importer.load_lookups()
    importer.resolve()
    if importer.errors:
        raise ImportFailed(importer.errors)
    with audit_context(user=user, path=ChangePath.IMPORT), transaction.atomic():
        importer.write(user)
        if importer.errors:
            # Leaving the block with an exception rolls back every write of the import.
            raise ImportFailed(importer.errors)
        if dry_run:
            transaction.set_rollback(True)
    return summary
