"""Stage 2 of the import, second half: every row checked against the others and the
register, its references resolved to objects; and the fields of the object each row
gives, for the writes.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from entities.models import ContactRole, Jurisdiction, Person, ThirdPartyKind
from processing.durations import parse_period
from processing.exports.workbook import ACTIVITY_SCREENING_COLUMNS, BOOL
from processing.models import (
    ActivityRole,
    ActivityStatus,
    DeletionMethod,
    DpiaRequired,
    DpiaStatus,
    RecognisedInterest,
    RetentionTrigger,
    SccModule,
)

from .keys import KeySet
from .lookups import Lookups
from .rows import Row


class Resolving(Lookups):
    def resolve_heads(self) -> None:
        """Check the rows of the Organisations, Contacts and ThirdParties sheets against the
        others and the register, and turn their references into objects."""
        #: (organisation name, reference) of every activity row checked so far, kept to
        #: the end in a few flat buffers (a set would keep three objects per activity).
        self.activity_keys = KeySet()
        self.errors.stage = (1, 0)
        self._resolve_organisations()
        self.errors.stage = (1, 1)
        for row in self.rows["Contacts"]:
            self._known_org(row)
            self._choice(row, "role", ContactRole)
        self.errors.stage = (1, 2)
        self._resolve_third_parties()

    def resolve_chunk(self) -> None:
        """The same for a chunk of activities and their parts, sheet by sheet."""
        for stage, resolve in enumerate((
                self._resolve_activities, self._resolve_purposes, self._resolve_lawful_bases,
                self._resolve_recipients, self._resolve_transfers, self._resolve_retention), 3):
            self.errors.stage = (1, stage)
            resolve()

    # -- references between the sheets
    def _known_org(self, row: Row) -> bool:
        if row.values["organisation"] and row.values["organisation"] not in self.org_names:
            self.error(row, "organisation", "Unknown organisation: add it to the Organisations sheet.")
            return False
        return True

    def _party(self, row: Row, key: str, name: str) -> None:
        if (row.values["organisation"], name) not in self.party_names:
            self.error(row, key, f"Unknown third party '{name}': add it to the ThirdParties sheet.")

    def _activity_of(self, row: Row) -> Row | None:
        if not self._known_org(row):
            return None
        target = self.activity_rows.get(row.activity_key)
        if target is None:
            self.error(row, "activity", "Unknown activity: it must be in the Activities sheet.")
        return target

    # -- one sheet each
    def _resolve_organisations(self) -> None:
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
            row.values["public_authority"] = bool(row.values["public_authority"])
            parent = row.values["parent"]
            if parent and parent not in self.org_names:
                self.error(row, "parent", "Unknown organisation: add it to the Organisations sheet.")
            if parent and parent == row.values["name"]:
                self.error(row, "parent", "An organisation cannot be its own parent.")

    def _resolve_third_parties(self) -> None:
        self.party_names = set(self.third_parties)
        seen_parties = set()
        for row in self.rows["ThirdParties"]:
            self._known_org(row)
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

    def _resolve_activities(self) -> None:
        self.activity_rows: dict[tuple, Row] = {}
        for row in self.rows["Activities"]:
            self._known_org(row)
            key = row.activity_key
            if key in self.activity_rows or key in self.activity_keys:
                self.error(row, "reference", "This activity reference appears twice for the organisation.")
            self.activity_rows[key] = row
            row.values["role"] = self._choice(row, "role", ActivityRole, ActivityRole.CONTROLLER)
            row.values["status"] = self._choice(row, "status", ActivityStatus, ActivityStatus.DRAFT)
            self._choice(row, "dpia_required", DpiaRequired)
            self._choice(row, "dpia_status", DpiaStatus)
            self._resolve_owner(row)
            for name in ("joint_controllers", "controllers_served"):
                for party_name in row.values[name]:
                    self._party(row, name, party_name)
            for name in ("data_subjects", "data_categories", "special_category_conditions",
                         "schedule1_conditions", "security_measures"):
                what = {"data_subjects": "data subject category", "data_categories": "data category",
                        "special_category_conditions": "Art 9 condition",
                        "schedule1_conditions": "Schedule 1 condition",
                        "security_measures": "security measure"}[name]
                row.values[name] = self._codes(row, name, self.terms[name], what)
            for name in ("recipients_none", "automated_decision_making",
                         "automated_decision_legal_effect", "systematic_monitoring", "breach_occurred",
                         *(c.key for c in ACTIVITY_SCREENING_COLUMNS if c.kind == BOOL)):
                row.values[name] = bool(row.values[name])
            reviewed, next_review = row.values["last_reviewed_on"], row.values["next_review_on"]
            if reviewed and next_review and next_review < reviewed:
                self.error(row, "next_review_on", "The next review is before the last review.")

    def _resolve_owner(self, row: Row) -> None:
        """An owner is a named person of the organisation: one the register holds, or one
        the import creates. One email per person in a workbook."""
        name, email = row.values["owner"], row.values["owner_email"].strip()
        row.values["owner_email"] = email
        if not name:
            if email:
                self.error(row, "owner_email", "An owner email needs the owner's name.")
            return
        if len(name) > Person._meta.get_field("name").max_length:
            self.error(row, "owner", f"A name holds at most {Person._meta.get_field('name').max_length} "
                       "characters.")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error(row, "owner_email", "Not an email address.")
                return
            key = (row.values["organisation"], name)
            first = self.owner_emails.setdefault(key, (email, row.number))
            if first[0] != email:
                self.error(row, "owner_email", f"{name} has another email on row {first[1]} "
                           f"({first[0]}): one person, one email.")

    def _resolve_purposes(self) -> None:
        #: activity key -> the purpose numbers the Purposes sheet gives it.
        self.purpose_numbers: dict[tuple, set[int]] = defaultdict(set)
        for row in self.rows["Purposes"]:
            if self._activity_of(row) is None:
                continue
            if row.values["number"] in self.purpose_numbers[row.activity_key]:
                self.error(row, "number", "This purpose number appears twice for the activity.")
            self.purpose_numbers[row.activity_key].add(row.values["number"])

    def _resolve_lawful_bases(self) -> None:
        bases_seen = set()  # the parts of an activity are in its chunk
        for row in self.rows["LawfulBases"]:
            activity = self._activity_of(row)
            row.values["basis"] = self._code(row, "basis", self.terms["basis"], "lawful basis")
            row.values["recognised_interest"] = self._choice(row, "recognised_interest",
                                                             RecognisedInterest)
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
                if number not in self.purpose_numbers[row.activity_key]:
                    self.error(row, "purposes", f"The activity has no purpose number {number} "
                               "in the Purposes sheet.")
                purposes.append(number)
            row.values["purposes"] = sorted(purposes)

    def _resolve_recipients(self) -> None:
        for row in self.rows["Recipients"]:
            self._activity_of(row)
            row.values["category"] = self._code(row, "category", self.terms["category"],
                                                "recipient category")
            row.values["data_categories"] = self._codes(row, "data_categories",
                                                        self.terms["data_categories"], "data category")
            if row.values["third_party"]:
                self._party(row, "third_party", row.values["third_party"])
            elif row.values["category"] is None and not row.raw.get("category"):
                self.error(row, "third_party", "Name the recipient or give its recipient category.")

    def _resolve_transfers(self) -> None:
        for row in self.rows["Transfers"]:
            self._activity_of(row)
            row.values["country"] = self._country(row)
            row.values["mechanism"] = self._code(row, "mechanism", self.terms["mechanism"],
                                                 "transfer mechanism")
            if row.values["third_party"]:
                self._party(row, "third_party", row.values["third_party"])
            if (not row.raw.get("country") and not row.values["international_organisation"].strip()
                    and not row.raw.get("mechanism")):
                self.error(row, "country", "A transfer needs a destination country or an "
                           "international organisation or, when the destinations are not named, "
                           "its mechanism.")
            module = row.values["scc_module"]
            if module is not None and module not in SccModule.values:
                self.error(row, "scc_module", "Expected an SCC module from 1 to 4.")

    def _resolve_retention(self) -> None:
        for row in self.rows["Retention"]:
            self._activity_of(row)
            row.values["data_category"] = self._code(row, "data_category",
                                                     self.terms["data_categories"], "data category")
            self._choice(row, "trigger", RetentionTrigger)
            self._choice(row, "deletion_method", DeletionMethod)
            row.values["period_is_maximum"] = bool(row.values["period_is_maximum"])
            if row.values["period"]:
                try:
                    row.values["period"] = str(parse_period(row.values["period"]))
                except ValidationError as exc:
                    self.error(row, "period", " ".join(exc.messages))
            elif not row.values["criteria"].strip():
                self.error(row, "period", "Give a period (ISO 8601, e.g. P7Y) or the criteria.")

    # -- the fields of the object each row gives, for the writes
    _ORG_FIELDS = ("trading_name", "registration_number", "authority_registration_ref", "vat_number",
                   "address", "trading_address", "country", "website", "email", "phone", "jurisdiction",
                   "public_authority")
    _CONTACT_FIELDS = ("email", "phone", "address")
    _PARTY_FIELDS = ("kind", "category", "service", "country", "address", "email", "phone",
                     "website", "contract_link", "dpf_certified", "dpo_contact",
                     "representative_contact", "notes")

    _PLAIN = ("name", "business_function", "role", "description", "last_reviewed_on", "next_review_on",
              "recipients_none", "security_description", "source_of_data", "automated_decision_making",
              "automated_decision_legal_effect", "automated_decision_description",
              "systematic_monitoring", "data_location", "dpia_required", "dpia_status", "dpia_link",
              "breach_occurred", "breach_link", "retention_policy_link", "retention_adhered",
              "retention_non_adherence_reason", *(c.key for c in ACTIVITY_SCREENING_COLUMNS))
    _M2M = ("joint_controllers", "controllers_served", "data_subjects", "data_categories",
            "special_category_conditions", "schedule1_conditions", "security_measures")
    _RETENTION_FIELDS = ("period", "period_is_maximum", "trigger", "trigger_description",
                         "legal_source", "deletion_method", "criteria")
    _BASIS_FIELDS = ("legitimate_interest", "lia_link", "consent_record_link", "citation",
                     "consent_description", "recognised_interest", "notes")
    _TRANSFER_FIELDS = ("international_organisation", "safeguards", "safeguard_document_link",
                        "tia_link", "scc_module")

    def _party_fields(self, row: Row) -> dict:
        fields = {k: row.values[k] for k in self._PARTY_FIELDS}
        fields["dpf_certified"] = bool(fields["dpf_certified"])
        group = row.values["group_organisation"]
        fields["group_organisation"] = self.organisations.get(group) if group else None
        return fields

    def _activity_fields(self, row: Row, org) -> tuple[dict, dict]:
        """The activity's plain fields and its many-to-many links, from its row."""
        values = row.values
        plain = {k: values[k] for k in self._PLAIN}
        plain["owner"] = self.people.get((org.name, values["owner"])) if values["owner"] else None
        m2m = {k: values[k] for k in self._M2M if k not in ("joint_controllers", "controllers_served")}
        for name in ("joint_controllers", "controllers_served"):
            m2m[name] = [self.third_parties[(org.name, n)] for n in values[name]
                         if (org.name, n) in self.third_parties]
        return plain, m2m
