"""A register as plain data, as it stands now or as it stood at the end of a past day.

Every export layout reads a :class:`Register` and nothing else, so the ICO sheet, the
CNIL fiches, the workbook, the JSON-LD and the PDF show the same register, and an
as-of export is the same code path as a current one.

The snapshot is built from rows (``values()``), never from model instances, with a
constant number of queries whatever the size of the register: one per table read.
For a past date the rows come from django-simple-history: for each object, its last
historical version before the end of the day (many-to-many links included, since
simple-history stores the links with each version), objects deleted by then left out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Max
from django.utils import timezone
from simple_history.models import HistoricalRecords

from entities.models import Contact, Country, Organisation, RecipientCategory, ThirdParty
from processing.durations import parse_period
from processing.models import (
    PROCESSOR_ROLES,
    ActivityLawfulBasis,
    ActivityRecipient,
    DataSubjectCategory,
    InternationalTransfer,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Purpose,
    RetentionRule,
    Schedule1Condition,
    SecurityMeasure,
    SpecialCategoryCondition,
    TransferMechanism,
)
from processing.models.retention import DeletionMethod, RetentionTrigger

# --- plain data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A reference term (taxonomy entry or provision of law) as exports show it."""

    code: str
    name: str
    article: str = ""
    dpv_iri: str = ""
    kind: str = ""
    special_category: bool = False
    criminal_offence: bool = False

    @property
    def label(self) -> str:
        return f"{self.article} – {self.name}" if self.article else self.name


@dataclass
class ContactSnap:
    role: str
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""

    def details(self) -> str:
        """Name and contact details on one line each: what a contact block shows."""
        return "\n".join(v for v in (self.name, self.address, self.email, self.phone) if v)


@dataclass
class ThirdPartySnap:
    name: str
    kind: str
    kind_label: str
    category: Term | None
    service: str
    country: Term | None
    address: str
    email: str
    phone: str
    website: str
    contract_link: str
    dpf_certified: bool
    group_organisation: str
    notes: str

    def details(self) -> str:
        parts = [self.name, self.address, self.country.name if self.country else "", self.email,
                 self.phone]
        return ", ".join(p.replace("\n", ", ") for p in parts if p)


@dataclass
class PurposeSnap:
    number: int
    description: str


@dataclass
class LawfulBasisSnap:
    basis: Term
    data_categories: list[Term]
    purposes: list[int]
    legitimate_interest: str
    lia_link: str
    consent_record_link: str
    citation: str
    notes: str


@dataclass
class RecipientSnap:
    third_party: ThirdPartySnap | None
    category: Term | None
    data_categories: list[Term]
    purpose: str

    @property
    def category_name(self) -> str:
        if self.category:
            return self.category.name
        if self.third_party and self.third_party.category:
            return self.third_party.category.name
        return ""

    @property
    def name(self) -> str:
        return self.third_party.name if self.third_party else (self.category.name if self.category else "")


@dataclass
class TransferSnap:
    country: Term | None
    international_organisation: str
    third_party: ThirdPartySnap | None
    mechanism: Term | None
    safeguards: str
    safeguard_document_link: str
    tia_link: str

    @property
    def destination(self) -> str:
        return self.country.name if self.country else self.international_organisation


@dataclass
class RetentionSnap:
    data_category: Term | None
    period: str
    trigger: str
    trigger_description: str
    legal_source: str
    deletion_method: str
    criteria: str

    def describe(self) -> str:
        """"7 years after the end of the customer relationship (tax law)"."""
        if not self.period:
            return self.criteria
        try:
            text = parse_period(self.period).humanize()
        except Exception:  # a period recorded before validation existed: show it as is
            text = self.period
        event = self.trigger_description or (
            str(RetentionTrigger(self.trigger).label) if self.trigger in RetentionTrigger.values else ""
        )
        if event:
            text = f"{text} after {event}"
        if self.legal_source:
            text = f"{text} ({self.legal_source})"
        return text

    @property
    def deletion_label(self) -> str:
        if self.deletion_method in DeletionMethod.values:
            return str(DeletionMethod(self.deletion_method).label)
        return self.deletion_method


@dataclass
class ActivitySnap:
    id: int
    organisation: str
    reference: str
    name: str
    business_function: str
    owner: str
    role: str
    status: str
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
    joint_controllers: list[ThirdPartySnap] = field(default_factory=list)
    controllers_served: list[ThirdPartySnap] = field(default_factory=list)
    data_subjects: list[Term] = field(default_factory=list)
    data_categories: list[Term] = field(default_factory=list)
    special_category_conditions: list[Term] = field(default_factory=list)
    schedule1_conditions: list[Term] = field(default_factory=list)
    security_measures: list[Term] = field(default_factory=list)
    purposes: list[PurposeSnap] = field(default_factory=list)
    lawful_bases: list[LawfulBasisSnap] = field(default_factory=list)
    recipients: list[RecipientSnap] = field(default_factory=list)
    transfers: list[TransferSnap] = field(default_factory=list)
    retention_rules: list[RetentionSnap] = field(default_factory=list)

    @property
    def is_processor_record(self) -> bool:
        return self.role in PROCESSOR_ROLES

    @property
    def special_data(self) -> list[Term]:
        return [c for c in self.data_categories if c.special_category or c.criminal_offence]


@dataclass
class OrganisationSnap:
    id: int
    name: str
    trading_name: str
    registration_number: str
    authority_registration_ref: str
    vat_number: str
    address: str
    country: Term | None
    website: str
    email: str
    phone: str
    parent: str
    jurisdiction: str
    contacts: list[ContactSnap] = field(default_factory=list)
    third_parties: list[ThirdPartySnap] = field(default_factory=list)
    activities: list[ActivitySnap] = field(default_factory=list)

    def contact(self, role: str) -> ContactSnap | None:
        return next((c for c in self.contacts if c.role == role), None)

    @property
    def dpo(self) -> ContactSnap | None:
        return self.contact("dpo")

    @property
    def representative(self) -> ContactSnap | None:
        return self.contact("representative")


@dataclass
class Register:
    organisations: list[OrganisationSnap]
    generated_at: datetime.datetime
    as_of: datetime.date | None = None

    @property
    def activities(self) -> list[ActivitySnap]:
        return [a for org in self.organisations for a in org.activities]


# --- where the rows come from ------------------------------------------------------------


class _Selection:
    """Rows of one model, current or as of a date, with their many-to-many links."""

    def __init__(self, model: type[models.Model], qs: models.QuerySet, history_qs=None):
        self.model = model
        self.qs = qs
        self.history_qs = history_qs

    def ids(self) -> models.QuerySet:
        """The selected objects' ids, as a subquery."""
        return self.qs.values("id")

    def rows(self) -> list[dict]:
        names = [f.attname for f in self.model._meta.concrete_fields]
        return list(self.qs.values(*names))

    def links(self, field_name: str) -> dict[int, list[int]]:
        """owner id -> target ids of a many-to-many field."""
        m2m = self.model._meta.get_field(field_name)
        source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        if self.history_qs is None:
            rows = m2m.remote_field.through.objects.filter(
                **{f"{source}__in": self.qs.values("id")}
            ).values_list(f"{source}_id", f"{target}_id")
        else:
            m2m_history = HistoricalRecords.m2m_models[m2m]
            rows = m2m_history.objects.filter(
                history_id__in=self.qs.values("history_id")
            ).values_list(f"{source}_id", f"{target}_id")
        result: dict[int, list[int]] = defaultdict(list)
        for owner, target_id in rows.order_by("pk"):
            result[owner].append(target_id)
        return result


class _Source:
    """Current tables (``cutoff`` None) or history up to ``cutoff`` (exclusive)."""

    def __init__(self, cutoff: datetime.datetime | None):
        self.cutoff = cutoff

    def select(self, model: type[models.Model], **filters) -> _Selection:
        if self.cutoff is None:
            return _Selection(model, model._default_manager.filter(**filters))
        historical = model.history.model
        latest = (
            historical.objects.filter(history_date__lt=self.cutoff)
            .order_by()
            .values("id")
            .annotate(last=Max("history_id"))
            .values("last")
        )
        qs = historical.objects.filter(history_id__in=latest).exclude(history_type="-").filter(**filters)
        return _Selection(model, qs, history_qs=qs)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1),
                                                         datetime.time.min))


# --- building -----------------------------------------------------------------------------


def _terms(model, **extra) -> dict[int, Term]:
    names = ["id", "code", "name", "dpv_iri", *extra.values()]
    result = {}
    for row in model.objects.values(*names):
        result[row["id"]] = Term(
            code=row["code"], name=row["name"], dpv_iri=row["dpv_iri"],
            **{key: row[name] for key, name in extra.items()},
        )
    return result


class _Lookups:
    """Reference terms and countries by id: read once per snapshot."""

    def __init__(self):
        self.subjects = _terms(DataSubjectCategory)
        self.data = _terms(PersonalDataCategory, special_category="special_category",
                           criminal_offence="criminal_offence")
        self.art9 = _terms(SpecialCategoryCondition, article="article")
        self.sch1 = _terms(Schedule1Condition, article="article")
        self.measures = _terms(SecurityMeasure, kind="kind")
        self.bases = _terms(LawfulBasis, article="article", kind="kind")
        self.mechanisms = _terms(TransferMechanism, article="article", kind="kind")
        self.recipient_categories = _terms(RecipientCategory)
        self.countries = {
            row["id"]: Term(code=row["code"], name=row["name"])
            for row in Country.objects.values("id", "code", "name")
        }

    @staticmethod
    def many(table: dict[int, Term], ids) -> list[Term]:
        return sorted((table[i] for i in ids if i in table), key=lambda t: (t.name, t.code))


def build_register(
    *, organisation_ids=None, status: str | None = None, as_of: datetime.date | None = None,
    include_retired: bool = True,
) -> Register:
    """The register of the given organisations (all when None), current or as of a day.

    ``status`` keeps only activities with that status; without it, retired activities are
    left out unless ``include_retired``.
    """
    source = _Source(end_of_day(as_of) if as_of else None)
    lookups = _Lookups()

    org_filters = {} if organisation_ids is None else {"id__in": list(organisation_ids)}
    all_org_names = {r["id"]: r["name"] for r in source.select(Organisation).rows()}
    org_rows = sorted(source.select(Organisation, **org_filters).rows(), key=lambda r: r["name"])
    org_ids = [r["id"] for r in org_rows]

    contacts = defaultdict(list)
    for row in source.select(Contact, organisation_id__in=org_ids).rows():
        contacts[row["organisation_id"]].append(ContactSnap(
            role=row["role"], name=row["name"], email=row["email"], phone=row["phone"],
            address=row["address"],
        ))
    third_parties: dict[int, ThirdPartySnap] = {}
    third_parties_of = defaultdict(list)
    from entities.models import ThirdPartyKind

    for row in source.select(ThirdParty, organisation_id__in=org_ids).rows():
        snap = ThirdPartySnap(
            name=row["name"], kind=row["kind"],
            kind_label=str(ThirdPartyKind(row["kind"]).label) if row["kind"] in ThirdPartyKind.values
            else row["kind"],
            category=lookups.recipient_categories.get(row["category_id"]),
            service=row["service"], country=lookups.countries.get(row["country_id"]),
            address=row["address"], email=row["email"], phone=row["phone"], website=row["website"],
            contract_link=row["contract_link"], dpf_certified=row["dpf_certified"],
            group_organisation=all_org_names.get(row["group_organisation_id"], ""),
            notes=row["notes"],
        )
        third_parties[row["id"]] = snap
        third_parties_of[row["organisation_id"]].append(snap)

    activity_filters = {"organisation_id__in": org_ids}
    if status:
        activity_filters["status"] = status
    activity_sel = source.select(ProcessingActivity, **activity_filters)
    if not status and not include_retired:
        activity_sel.qs = activity_sel.qs.exclude(status="retired")
    activity_rows = activity_sel.rows()
    m2m = {
        name: activity_sel.links(name)
        for name in ("joint_controllers", "controllers_served", "data_subjects", "data_categories",
                     "special_category_conditions", "schedule1_conditions", "security_measures")
    }
    owner_ids = {r["owner_id"] for r in activity_rows if r["owner_id"]}
    owners = dict(
        get_user_model().objects.filter(pk__in=owner_ids).values_list("pk", "username")
    ) if owner_ids else {}

    in_activities = {"activity_id__in": activity_sel.qs.values("id")}
    purposes = defaultdict(list)
    for row in sorted(source.select(Purpose, **in_activities).rows(),
                      key=lambda r: (r["position"], r["id"])):
        purposes[row["activity_id"]].append(row)

    basis_sel = source.select(ActivityLawfulBasis, **in_activities)
    basis_rows = basis_sel.rows()
    basis_data = basis_sel.links("data_categories")
    basis_purposes = basis_sel.links("purposes")

    recipient_sel = source.select(ActivityRecipient, **in_activities)
    recipient_rows = sorted(recipient_sel.rows(), key=lambda r: r["id"])
    recipient_data = recipient_sel.links("data_categories")
    transfer_rows = sorted(source.select(InternationalTransfer, **in_activities).rows(),
                           key=lambda r: r["id"])
    retention_rows = sorted(source.select(RetentionRule, **in_activities).rows(),
                            key=lambda r: r["id"])

    activities: dict[int, ActivitySnap] = {}
    plain = [f.name for f in ProcessingActivity._meta.concrete_fields
             if f.name not in ("id", "organisation", "owner", "version", "status_changed_at")]
    for row in sorted(activity_rows, key=lambda r: r["reference"]):
        snap = ActivitySnap(
            id=row["id"], organisation=all_org_names.get(row["organisation_id"], ""),
            owner=owners.get(row["owner_id"], ""), **{name: row[name] for name in plain},
        )
        links = {name: values.get(row["id"], ()) for name, values in m2m.items()}
        snap.joint_controllers = sorted(
            (third_parties[i] for i in links["joint_controllers"] if i in third_parties),
            key=lambda t: t.name)
        snap.controllers_served = sorted(
            (third_parties[i] for i in links["controllers_served"] if i in third_parties),
            key=lambda t: t.name)
        snap.data_subjects = lookups.many(lookups.subjects, links["data_subjects"])
        snap.data_categories = lookups.many(lookups.data, links["data_categories"])
        snap.special_category_conditions = lookups.many(lookups.art9, links["special_category_conditions"])
        snap.schedule1_conditions = lookups.many(lookups.sch1, links["schedule1_conditions"])
        snap.security_measures = lookups.many(lookups.measures, links["security_measures"])
        snap.purposes = [PurposeSnap(number=n, description=p["description"])
                         for n, p in enumerate(purposes[row["id"]], start=1)]
        activities[row["id"]] = snap

    purpose_numbers = {
        p["id"]: n for rows in purposes.values() for n, p in enumerate(rows, start=1)
    }
    for row in basis_rows:
        activity = activities.get(row["activity_id"])
        if activity is None or row["basis_id"] not in lookups.bases:
            continue
        activity.lawful_bases.append(LawfulBasisSnap(
            basis=lookups.bases[row["basis_id"]],
            data_categories=lookups.many(lookups.data, basis_data.get(row["id"], ())),
            purposes=sorted(purpose_numbers[p] for p in basis_purposes.get(row["id"], ())
                            if p in purpose_numbers),
            legitimate_interest=row["legitimate_interest"], lia_link=row["lia_link"],
            consent_record_link=row["consent_record_link"], citation=row["citation"],
            notes=row["notes"],
        ))
    for activity in activities.values():
        activity.lawful_bases.sort(key=lambda b: b.basis.code)
    for row in recipient_rows:
        activity = activities.get(row["activity_id"])
        if activity is None:
            continue
        activity.recipients.append(RecipientSnap(
            third_party=third_parties.get(row["third_party_id"]),
            category=lookups.recipient_categories.get(row["category_id"]),
            data_categories=lookups.many(lookups.data, recipient_data.get(row["id"], ())),
            purpose=row["purpose"],
        ))
    for row in transfer_rows:
        activity = activities.get(row["activity_id"])
        if activity is None:
            continue
        activity.transfers.append(TransferSnap(
            country=lookups.countries.get(row["country_id"]),
            international_organisation=row["international_organisation"],
            third_party=third_parties.get(row["third_party_id"]),
            mechanism=lookups.mechanisms.get(row["mechanism_id"]),
            safeguards=row["safeguards"], safeguard_document_link=row["safeguard_document_link"],
            tia_link=row["tia_link"],
        ))
    for row in retention_rows:
        activity = activities.get(row["activity_id"])
        if activity is None:
            continue
        activity.retention_rules.append(RetentionSnap(
            data_category=lookups.data.get(row["data_category_id"]), period=row["period"],
            trigger=row["trigger"], trigger_description=row["trigger_description"],
            legal_source=row["legal_source"], deletion_method=row["deletion_method"],
            criteria=row["criteria"],
        ))

    organisations = []
    activities_of = defaultdict(list)
    for activity in activities.values():
        activities_of[activity.organisation].append(activity)
    for row in org_rows:
        organisations.append(OrganisationSnap(
            id=row["id"], name=row["name"], trading_name=row["trading_name"],
            registration_number=row["registration_number"],
            authority_registration_ref=row["authority_registration_ref"],
            vat_number=row["vat_number"], address=row["address"],
            country=lookups.countries.get(row["country_id"]), website=row["website"],
            email=row["email"], phone=row["phone"],
            parent=all_org_names.get(row["parent_id"], ""), jurisdiction=row["jurisdiction"],
            contacts=sorted(contacts[row["id"]], key=lambda c: (c.role, c.name, c.email)),
            third_parties=sorted(third_parties_of[row["id"]], key=lambda t: t.name),
            activities=activities_of[row["name"]],
        ))
    return Register(organisations=organisations, generated_at=timezone.now(), as_of=as_of)
