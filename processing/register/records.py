"""The register as plain, typed records: what every reader of the register reads.

The API's answers, the findings engine, every export layout, the reports and the as-of
views read these records and nothing else, so a value the register holds reaches all of
them or none. Wording derived from the data (a retention rule in words, the kind of a
third party, a provision's label) is written here once.

Records are made by :mod:`processing.register.reader`, from the current tables or from
the history as the register stood at a moment. They are read-only by convention: a
reader never changes them, and shares one record of a term or a third party between all
the rows that name it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import get_language

from entities.models.country import Adequacy, adequacy_for, adequate_for
from entities.models.organisation import ContactRole, Jurisdiction
from entities.models.third_party import PROCESSOR_KINDS, ThirdPartyKind
from processing.models.activity import PROCESSOR_ROLES, ActivityRole
from processing.models.lawful_basis import RecognisedInterest
from processing.models.reference import ConditionScope
from processing.models.retention import DeletionMethod, RetentionTrigger, describe_retention
from processing.models.transfer import SccModule
from processing.reference.french import article_in_french

from .wording import choice_label, in_french, in_full

#: A transfer's destination when the organisation does not name the countries.
NOT_NAMED = "destinations not named"


@dataclass(frozen=True, slots=True)
class Term:
    """A reference term: a taxonomy entry (data category, subject, security measure,
    recipient category) or a provision of law (lawful basis, Art 9 or Sch. 1 condition,
    transfer mechanism). Fields a kind of term does not have are empty."""

    id: int
    code: str
    name: str
    dpv_iri: str = ""
    description: str = ""
    name_fr: str = ""
    article: str = ""
    kind: str = ""
    special_category: bool = False
    criminal_offence: bool = False
    part: str = ""
    applies_to: str = ""
    jurisdiction: str = ""
    requires_documented_safeguards: bool = False
    #: A data subject category of vulnerable people, of children.
    vulnerable: bool = False
    children: bool = False
    #: A data category of biometric or genetic data, of location or behaviour tracking.
    biometric: bool = False
    tracking: bool = False
    #: An Art 9 condition: the DPA 2018 Sch. 1 part it needs in the UK ("" when none).
    uk_schedule1_part: str = ""
    #: A Sch. 1 condition met only with an appropriate policy document (Sch. 1 Part 4).
    needs_policy_document: bool = False

    @property
    def local_name(self) -> str:
        """The name in the active language: the French name where French is active."""
        return self.name_fr or self.name if in_french() else self.name

    @property
    def local_article(self) -> str:
        """The article as cited in the active language ("art. 6(1)(f)" in French)."""
        return article_in_french(self.article) if in_french() else self.article

    @property
    def label(self) -> str:
        """"Art 6(1)(f) – Legitimate interests": the article before the name, if any (in
        the active language: "art. 6(1)(f) – Intérêts légitimes" in French)."""
        return f"{self.local_article} – {self.local_name}" if self.article else self.local_name

    @property
    def covers_criminal(self) -> bool:
        return self.applies_to in (ConditionScope.CRIMINAL, ConditionScope.BOTH)

    @property
    def covers_special(self) -> bool:
        return self.applies_to in (ConditionScope.SPECIAL, ConditionScope.BOTH)


@dataclass(frozen=True, slots=True)
class Country:
    id: int
    code: str
    name: str
    is_eu: bool = False
    is_eea: bool = False
    eu_adequacy: str = ""
    eu_adequacy_note: str = ""
    uk_adequacy: str = ""
    uk_adequacy_note: str = ""
    name_fr: str = ""

    @property
    def local_name(self) -> str:
        """The name in the active language: the French name where French is active."""
        return self.name_fr or self.name if in_french() else self.name

    def adequate_for(self, jurisdiction: str) -> bool:
        return adequate_for(self, jurisdiction)

    def adequacy_for(self, jurisdiction: str) -> str:
        return adequacy_for(self, jurisdiction)


@dataclass(frozen=True, slots=True)
class InternationalOrganisation:
    """An international organisation of the reference data, with its adequacy."""

    id: int
    code: str
    name: str
    eu_adequacy: str = ""
    eu_adequacy_note: str = ""
    uk_adequacy: str = ""
    uk_adequacy_note: str = ""

    def adequate_for(self, jurisdiction: str) -> bool:
        return adequate_for(self, jurisdiction)

    def adequacy_for(self, jurisdiction: str) -> str:
        return adequacy_for(self, jurisdiction)


@dataclass(slots=True)
class Contact:
    role: str
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""

    @property
    def has_contact_details(self) -> bool:
        return _reachable(self.email, self.phone, self.address)

    def details(self) -> str:
        """Name and contact details on one line each: what a contact block shows."""
        return "\n".join(v for v in (self.name, self.address, self.email, self.phone) if v)

    @property
    def role_label(self) -> str:
        return choice_label(ContactRole, self.role)


def _reachable(*values: str) -> bool:
    return any(v.strip() for v in values)


@dataclass(slots=True)
class Controller:
    """The organisation that keeps an activity's record, as Art 30(1)(a) and 30(2)(a) ask
    about it: its name and contact details, and whether it has a DPO, privacy contact and
    Art 27 representative who can be reached (their details are the ``Organisation``'s of a
    whole register). One record per organisation, shared by its activities."""

    id: int
    name: str
    jurisdiction: str
    email: str = ""
    phone: str = ""
    address: str = ""
    country: Country | None = None
    #: The roles of its contacts (DPO, representative, privacy contact...), each with
    #: whether a contact of that role has contact details (email, telephone or address).
    contact_roles: dict[str, bool] = field(default_factory=dict)

    def has_contact(self, role: str) -> bool:
        return role in self.contact_roles

    def reachable(self, role: str) -> bool:
        return self.contact_roles.get(role, False)

    @property
    def has_contact_details(self) -> bool:
        return _reachable(self.email, self.phone, self.address)

    @property
    def needs_representative(self) -> bool:
        """Art 27: an organisation established outside the territory of its law (the EEA
        for the EU GDPR, the United Kingdom for the UK GDPR) names a representative there.
        Unknown when its country is not recorded: then not asked for."""
        if self.country is None:
            return False
        if self.jurisdiction == Jurisdiction.EU:
            return not self.country.is_eea
        if self.jurisdiction == Jurisdiction.UK:
            return self.country.code != "GB"
        return False


@dataclass(slots=True)
class ThirdParty:
    """A recipient, joint controller or controller served, of one organisation's register."""

    id: int
    organisation_id: int
    name: str
    kind: str
    category: Term | None
    service: str
    country: Country | None
    address: str
    email: str
    phone: str
    website: str
    contract_link: str
    dpf_certified: bool
    group_organisation_id: int | None
    group_organisation: str
    notes: str
    #: A controller served's DPO and Art 27 representative (Art 30(2)(a)), in words.
    dpo_contact: str = ""
    representative_contact: str = ""

    @property
    def kind_label(self) -> str:
        return choice_label(ThirdPartyKind, self.kind)

    @property
    def has_contact_details(self) -> bool:
        return _reachable(self.email, self.phone, self.address)

    @property
    def needs_contract(self) -> bool:
        return self.kind in PROCESSOR_KINDS

    def details(self, *, dpo_label: str = "DPO",
                representative_label: str = "Representative (Art 27)") -> str:
        """Name and contact details on one line, then (for a controller served or a joint
        controller) its DPO and representative, each after its label."""
        parts = [self.name, self.address, self.country.local_name if self.country else "", self.email,
                 self.phone]
        text = ", ".join(p.replace("\n", ", ") for p in parts if p)
        for label, value in ((dpo_label, self.dpo_contact),
                             (representative_label, self.representative_contact)):
            if value.strip():
                text += f"; {label}: " + value.strip().replace("\n", ", ")
        return text

    def __str__(self):
        return self.name


@dataclass(slots=True)
class Purpose:
    id: int
    #: 1, 2, 3... in the activity's order: how layouts refer to a purpose.
    number: int
    description: str
    position: int


@dataclass(slots=True)
class LawfulBasisUse:
    """An Art 6 basis an activity relies on, with its scope and details."""

    id: int
    basis: Term
    data_categories: list[Term]
    purposes: list[Purpose]
    legitimate_interest: str
    lia_link: str
    consent_record_link: str
    citation: str
    notes: str
    consent_description: str = ""
    #: UK 6(1)(ea): the Annex 1 condition relied on (a ``RecognisedInterest`` value).
    recognised_interest: str = ""

    @property
    def recognised_interest_label(self) -> str:
        return choice_label(RecognisedInterest, self.recognised_interest) if self.recognised_interest else ""


@dataclass(slots=True)
class Recipient:
    id: int
    third_party: ThirdParty | None
    category: Term | None
    data_categories: list[Term]
    purpose: str

    @property
    def category_name(self) -> str:
        if self.category:
            return self.category.local_name
        if self.third_party and self.third_party.category:
            return self.third_party.category.local_name
        return ""

    @property
    def name(self) -> str:
        return self.third_party.name if self.third_party else self.category_name


@dataclass(slots=True)
class Transfer:
    id: int
    country: Country | None
    international_organisation: str
    third_party: ThirdParty | None
    mechanism: Term | None
    safeguards: str
    safeguard_document_link: str
    tia_link: str
    scc_module: int | None = None
    #: The international organisation of the reference data that ``international_organisation``
    #: names (by its name or code), if any: it carries the organisation's adequacy.
    organisation: InternationalOrganisation | None = None

    @property
    def destination(self) -> str:
        """The country or international organisation; "" when the destinations are not named."""
        return self.country.local_name if self.country else self.international_organisation

    @property
    def destination_named(self) -> bool:
        return bool(self.country or self.international_organisation)

    @property
    def destination_label(self) -> str:
        """The destination, or words that say it is not named."""
        return self.destination or NOT_NAMED

    def adequacy_for(self, jurisdiction: str) -> str | None:
        """The adequacy of the destination for an exporter under ``jurisdiction``
        (``Adequacy`` values), or None when the destination is not known to the reference
        data (not named, or an international organisation it does not list)."""
        if self.country is not None:
            return self.country.adequacy_for(jurisdiction)
        if self.organisation is not None:
            return self.organisation.adequacy_for(jurisdiction)
        return None

    def adequate_for(self, jurisdiction: str) -> bool:
        """True when the destination is adequate for the exporter: no mechanism is needed."""
        return self.adequacy_for(jurisdiction) == Adequacy.FULL

    @property
    def scc_module_label(self) -> str:
        return choice_label(SccModule, self.scc_module) if self.scc_module else ""


@dataclass(slots=True)
class RetentionRule:
    id: int
    data_category: Term | None
    period: str
    trigger: str
    trigger_description: str
    legal_source: str
    deletion_method: str
    criteria: str
    period_is_maximum: bool = False

    def describe(self) -> str:
        """"Up to 7 years after the end of the customer relationship (tax law)"."""
        return describe_retention(
            period=self.period, trigger=self.trigger, trigger_description=self.trigger_description,
            legal_source=self.legal_source, criteria=self.criteria, maximum=self.period_is_maximum,
        )

    def describe_in_full(self, language: str | None = None) -> str:
        """The rule in words with what happens at the end: "... ; then deletion", in
        ``language`` (the active language when not given: a layout wording thousands of
        rules asks for it once, which costs more than the words of a rule seen before)."""
        return in_full(self.period, self.trigger, self.trigger_description, self.legal_source,
                        self.criteria, self.period_is_maximum, self.deletion_method,
                        language or get_language())

    @property
    def deletion_label(self) -> str:
        return choice_label(DeletionMethod, self.deletion_method)

    @property
    def trigger_label(self) -> str:
        return choice_label(RetentionTrigger, self.trigger)


@dataclass(slots=True)
class Activity:
    """One processing activity with everything the register records about it."""

    id: int
    organisation_id: int
    organisation: str
    jurisdiction: str
    reference: str
    name: str
    business_function: str
    owner_id: int | None
    #: The owner's name and email ("" when the activity has no owner).
    owner: str
    role: str
    status: str
    status_changed_at: datetime.datetime | None
    version: int
    description: str
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    last_reviewed_on: datetime.date | None
    next_review_on: datetime.date | None
    recipients_none: bool
    security_description: str
    source_of_data: str
    automated_decision_making: bool
    automated_decision_legal_effect: bool
    automated_decision_description: str
    systematic_monitoring: bool
    data_location: str
    dpia_required: str
    dpia_status: str
    dpia_link: str
    breach_occurred: bool
    breach_link: str
    retention_policy_link: str
    retention_adhered: bool | None
    retention_non_adherence_reason: str
    large_scale: bool = False
    evaluation_or_scoring: bool = False
    matching_datasets: bool = False
    vulnerable_subjects: bool = False
    children: bool = False
    innovative_technology: bool = False
    prevents_exercise_of_right: bool = False
    automated_decision_safeguards: str = ""
    children_consent: str = ""
    data_from_other_sources: bool = False
    privacy_notice_link: str = ""
    joint_arrangement_link: str = ""
    direct_marketing: bool = False
    electronic_marketing: bool = False
    soft_opt_in: bool = False
    policy_document_link: str = ""
    #: The organisation is a public authority (it cannot rely on legitimate interests for
    #: its tasks).
    public_authority: bool = False
    owner_email: str = ""
    #: The user account of the owner, if it has one: a contributor edits what it owns.
    owner_login_id: int | None = None
    #: The organisation keeping the record, with its contacts (Art 30(1)(a), 30(2)(a)).
    controller: Controller | None = None
    joint_controllers: list[ThirdParty] = field(default_factory=list)
    controllers_served: list[ThirdParty] = field(default_factory=list)
    data_subjects: list[Term] = field(default_factory=list)
    data_categories: list[Term] = field(default_factory=list)
    special_category_conditions: list[Term] = field(default_factory=list)
    schedule1_conditions: list[Term] = field(default_factory=list)
    security_measures: list[Term] = field(default_factory=list)
    purposes: list[Purpose] = field(default_factory=list)
    lawful_bases: list[LawfulBasisUse] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    retention_rules: list[RetentionRule] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.id

    @property
    def is_processor_record(self) -> bool:
        return self.role in PROCESSOR_ROLES

    def is_owned_by(self, user) -> bool:
        return self.owner_login_id is not None and self.owner_login_id == user.pk

    @property
    def is_controller_record(self) -> bool:
        return self.role in (ActivityRole.CONTROLLER, ActivityRole.JOINT_CONTROLLER)

    @property
    def special_data(self) -> list[Term]:
        return [c for c in self.data_categories if c.special_category or c.criminal_offence]

    @property
    def involves_children(self) -> bool:
        """Children's data: the activity says so, or a category of its data subjects does."""
        return self.children or any(s.children for s in self.data_subjects)

    @property
    def involves_vulnerable(self) -> bool:
        """Vulnerable data subjects (children included), said by the activity or a category."""
        return (self.vulnerable_subjects or self.involves_children
                or any(s.vulnerable for s in self.data_subjects))

    @property
    def does_direct_marketing(self) -> bool:
        """Direct marketing, by any means (electronic marketing is direct marketing)."""
        return self.direct_marketing or self.electronic_marketing

    def __str__(self):
        return f"{self.reference} {self.name}"


@dataclass(slots=True)
class Organisation:
    id: int
    name: str
    trading_name: str
    registration_number: str
    authority_registration_ref: str
    vat_number: str
    address: str
    country: Country | None
    website: str
    email: str
    phone: str
    parent: str
    jurisdiction: str
    trading_address: str = ""
    public_authority: bool = False
    contacts: list[Contact] = field(default_factory=list)
    third_parties: list[ThirdParty] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)

    def contact(self, role: str) -> Contact | None:
        return next((c for c in self.contacts if c.role == role), None)

    @property
    def dpo(self) -> Contact | None:
        return self.contact("dpo")

    @property
    def representative(self) -> Contact | None:
        return self.contact("representative")

    @property
    def legal_representative(self) -> Contact | None:
        return self.contact("legal_representative")


@dataclass(slots=True)
class ActivityOutline:
    id: int
    reference: str
    name: str
    status: str


@dataclass(slots=True)
class OrganisationOutline:
    """An organisation and what identifies its activities, without what they hold."""
    id: int
    name: str
    activities: list[ActivityOutline] = field(default_factory=list)


@dataclass(slots=True)
class Register:
    #: A list, or (from the reader) a sequence read a batch of organisations at a time as it
    #: is iterated: a layout iterates it once, keeping nothing of the organisations behind.
    organisations: Sequence[Organisation]
    generated_at: datetime.datetime
    #: The day (its end) or the instant the register is read as of; None: as it stands.
    as_of: datetime.date | datetime.datetime | None = None

    @property
    def activities(self) -> list[Activity]:
        """Every activity, organisation by organisation: the whole register held at once,
        for small registers and tests (a layout iterates ``organisations``)."""
        return [a for org in self.organisations for a in org.activities]

    def outline(self) -> list[OrganisationOutline]:
        """Each organisation with its activities' ids, references, names and statuses, in
        the order of ``organisations``, without reading what the activities hold."""
        outline = getattr(self.organisations, "outline", None)
        if outline is not None:
            return outline()
        return [OrganisationOutline(id=org.id, name=org.name, activities=[
            ActivityOutline(id=a.id, reference=a.reference, name=a.name, status=a.status)
            for a in org.activities]) for org in self.organisations]
