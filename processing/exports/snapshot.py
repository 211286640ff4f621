"""A register as plain data, as it stands now or as it stood at the end of a past day.

Every export layout reads a :class:`Register` and nothing else, so the ICO sheet, the
CNIL fiches, the workbook, the JSON-LD and the PDF show the same register, and an
as-of export is the same code path as a current one.

The snapshot is built from rows (``values_list()``), never from model instances, with a
constant number of queries whatever the size of the register: one per table read. Each
table's rows go straight into slotted objects as they are read, so a whole register
costs the memory of its text, not of its query results.
For a past date the rows come from django-simple-history: for each object, its last
historical version before the end of the day (many-to-many links included, since
simple-history stores the links with each version), objects deleted by then left out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
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


@dataclass(frozen=True, slots=True)
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


@dataclass(slots=True)
class ContactSnap:
    role: str
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""

    def details(self) -> str:
        """Name and contact details on one line each: what a contact block shows."""
        return "\n".join(v for v in (self.name, self.address, self.email, self.phone) if v)


@dataclass(slots=True)
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


@dataclass(slots=True)
class PurposeSnap:
    number: int
    description: str


@dataclass(slots=True)
class LawfulBasisSnap:
    basis: Term
    data_categories: list[Term]
    purposes: list[int]
    legitimate_interest: str
    lia_link: str
    consent_record_link: str
    citation: str
    notes: str


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
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

    def rows(self, *order_by: str) -> Iterator[dict]:
        """The rows as dicts made one at a time from the query's tuples, which are held
        until the last row is read. (Not ``.iterator()``: on PostgreSQL its server-side
        cursor has the planner favour the first rows, which makes the history queries of
        an as-of export ten times slower.)"""
        names = [f.attname for f in self.model._meta.concrete_fields]
        qs = self.qs.order_by(*order_by) if order_by else self.qs
        return (dict(zip(names, values, strict=True)) for values in qs.values_list(*names))

    def links(self, field_name: str) -> Iterator[tuple[int, int]]:
        """(owner id, target id) of a many-to-many field, in the order they were made."""
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
        return iter(rows.order_by("pk"))


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


def _link(pairs: Iterable[tuple[int, int]], owners: dict, attribute: str, targets: dict) -> None:
    """Append each link's target to the owner's list, in link order; links to an owner or a
    target outside the snapshot are left out."""
    for owner_id, target_id in pairs:
        owner, target = owners.get(owner_id), targets.get(target_id)
        if owner is not None and target is not None:
            getattr(owner, attribute).append(target)


def _by_name(term: Term) -> tuple[str, str]:
    return term.name, term.code


#: Many-to-many fields of an activity that link reference terms, and their lookup table.
_ACTIVITY_TERMS = {
    "data_subjects": "subjects", "data_categories": "data",
    "special_category_conditions": "art9", "schedule1_conditions": "sch1",
    "security_measures": "measures",
}


def build_register(
    *, organisation_ids=None, status: str | None = None, as_of: datetime.date | None = None,
    include_retired: bool = True,
) -> Register:
    """The register of the given organisations (all when None), current or as of a day.

    ``status`` keeps only activities with that status; without it, retired activities are
    left out unless ``include_retired``. Rows are read a chunk at a time and go straight
    into the snapshot, so the memory held is the snapshot's, not the query results'.
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

    activities: dict[int, ActivitySnap] = {}
    owner_of: dict[int, int] = {}
    plain = [f.name for f in ProcessingActivity._meta.concrete_fields
             if f.name not in ("id", "organisation", "owner", "version", "status_changed_at")]
    for row in activity_sel.rows():
        activities[row["id"]] = ActivitySnap(
            id=row["id"], organisation=all_org_names.get(row["organisation_id"], ""), owner="",
            **{name: row[name] for name in plain},
        )
        if row["owner_id"]:
            owner_of[row["id"]] = row["owner_id"]
    for name in ("joint_controllers", "controllers_served"):
        _link(activity_sel.links(name), activities, name, third_parties)
    for name, table in _ACTIVITY_TERMS.items():
        _link(activity_sel.links(name), activities, name, getattr(lookups, table))
    if owner_of:
        owners = dict(get_user_model().objects.filter(pk__in=set(owner_of.values()))
                      .values_list("pk", "username"))
        for activity_id, owner_id in owner_of.items():
            activities[activity_id].owner = owners.get(owner_id, "")

    in_activities = {"activity_id__in": activity_sel.qs.values("id")}
    purpose_numbers: dict[int, int] = {}
    for row in source.select(Purpose, **in_activities).rows("position", "id"):
        activity = activities.get(row["activity_id"])
        if activity is None:
            continue
        number = len(activity.purposes) + 1
        activity.purposes.append(PurposeSnap(number=number, description=row["description"]))
        purpose_numbers[row["id"]] = number

    basis_sel = source.select(ActivityLawfulBasis, **in_activities)
    bases: dict[int, LawfulBasisSnap] = {}
    for row in basis_sel.rows():
        activity = activities.get(row["activity_id"])
        if activity is None or row["basis_id"] not in lookups.bases:
            continue
        bases[row["id"]] = snap = LawfulBasisSnap(
            basis=lookups.bases[row["basis_id"]], data_categories=[], purposes=[],
            legitimate_interest=row["legitimate_interest"], lia_link=row["lia_link"],
            consent_record_link=row["consent_record_link"], citation=row["citation"],
            notes=row["notes"],
        )
        activity.lawful_bases.append(snap)
    _link(basis_sel.links("data_categories"), bases, "data_categories", lookups.data)
    _link(basis_sel.links("purposes"), bases, "purposes", purpose_numbers)

    recipient_sel = source.select(ActivityRecipient, **in_activities)
    recipients: dict[int, RecipientSnap] = {}
    for row in recipient_sel.rows("id"):
        activity = activities.get(row["activity_id"])
        if activity is None:
            continue
        recipients[row["id"]] = snap = RecipientSnap(
            third_party=third_parties.get(row["third_party_id"]),
            category=lookups.recipient_categories.get(row["category_id"]),
            data_categories=[], purpose=row["purpose"],
        )
        activity.recipients.append(snap)
    _link(recipient_sel.links("data_categories"), recipients, "data_categories", lookups.data)
    for snap in recipients.values():
        snap.data_categories.sort(key=_by_name)
    for row in source.select(InternationalTransfer, **in_activities).rows("id"):
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
    for row in source.select(RetentionRule, **in_activities).rows("id"):
        activity = activities.get(row["activity_id"])
        if activity is None:
            continue
        activity.retention_rules.append(RetentionSnap(
            data_category=lookups.data.get(row["data_category_id"]), period=row["period"],
            trigger=row["trigger"], trigger_description=row["trigger_description"],
            legal_source=row["legal_source"], deletion_method=row["deletion_method"],
            criteria=row["criteria"],
        ))

    # Sorted once everything is linked; the sorts are stable, so ties keep the link order.
    for snap in bases.values():
        snap.data_categories.sort(key=_by_name)
        snap.purposes.sort()
    activities_of = defaultdict(list)
    for activity in sorted(activities.values(), key=lambda a: a.reference):
        activity.joint_controllers.sort(key=lambda t: t.name)
        activity.controllers_served.sort(key=lambda t: t.name)
        for name in _ACTIVITY_TERMS:
            getattr(activity, name).sort(key=_by_name)
        activity.lawful_bases.sort(key=lambda b: b.basis.code)
        activities_of[activity.organisation].append(activity)

    organisations = []
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
