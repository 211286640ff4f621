"""Reading the register into records (:mod:`processing.register.records`).

One reader, two sources: the current tables, or django-simple-history as the register
stood at a moment (for each object, its last historical version before that moment,
many-to-many links included, since simple-history stores the links with each version;
objects deleted by then left out). Both go through the same code, so an as-of answer is
the current answer of the past.

The number of queries is fixed, whatever the number of activities: the activities, one
for every many-to-many link of the activities and their parts (a UNION), one per kind of
part (purposes, lawful bases, recipients, transfers, retention rules), the third parties
they name and the reference terms (a UNION); a whole register adds its organisations and
their contacts. The roles of the activities' organisations' contacts, which Art 30(1)(a)
asks about, travel in the UNION of the links. Rows are read as tuples (``values_list``) straight into
records; a term or a third party named many times is one shared record.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Concat

from entities import models as entities
from processing import models as processing

from . import records as r
from .moments import cutoff
from .sources import Source, among


def _rows(queryset: models.QuerySet, names: list[str]) -> Iterator[dict]:
    """The rows as dicts, made one at a time from the query's tuples."""
    return (dict(zip(names, values, strict=True)) for values in queryset.values_list(*names))


def _columns(model: type[models.Model], *skip: str) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in skip]


# --- reference terms ----------------------------------------------------------------------

_TERM_FIELDS: dict[str, models.Field] = {
    "id": models.IntegerField(), "code": models.CharField(), "name": models.CharField(),
    "name_fr": models.CharField(), "dpv_iri": models.CharField(), "description": models.TextField(),
    "article": models.CharField(), "kind": models.CharField(),
    "special_category": models.BooleanField(), "criminal_offence": models.BooleanField(),
    "part": models.CharField(), "applies_to": models.CharField(),
    "jurisdiction": models.CharField(), "requires_documented_safeguards": models.BooleanField(),
    "is_eu": models.BooleanField(), "is_eea": models.BooleanField(),
    "eu_adequacy": models.CharField(), "eu_adequacy_note": models.CharField(),
    "uk_adequacy": models.CharField(), "uk_adequacy_note": models.CharField(),
    "vulnerable": models.BooleanField(), "children": models.BooleanField(),
    "biometric": models.BooleanField(), "tracking": models.BooleanField(),
    "uk_schedule1_part": models.CharField(), "needs_policy_document": models.BooleanField(),
}
_COUNTRY_ONLY = ("is_eu", "is_eea", "eu_adequacy", "eu_adequacy_note", "uk_adequacy",
                 "uk_adequacy_note")
_COUNTRY_FIELDS = ("id", "code", "name", "name_fr", *_COUNTRY_ONLY)
#: Reference tables, by the name a read gives them, with the order their terms are listed
#: in (the model's ordering).
_TERM_TABLES: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "subject": (processing.DataSubjectCategory, ("name", "code")),
    "data": (processing.PersonalDataCategory, ("name", "code")),
    "art9": (processing.SpecialCategoryCondition, ("code",)),
    "sch1": (processing.Schedule1Condition, ("part", "id")),
    "measure": (processing.SecurityMeasure, ("name", "code")),
    "basis": (processing.LawfulBasis, ("code",)),
    "mechanism": (processing.TransferMechanism, ("code",)),
    "recipient_category": (entities.RecipientCategory, ("name", "code")),
    "country": (entities.Country, ("name", "code")),
    "international_organisation": (entities.InternationalOrganisation, ("name", "code")),
}
_ORGANISATION_FIELDS = ("id", "code", "name", "eu_adequacy", "eu_adequacy_note", "uk_adequacy",
                        "uk_adequacy_note")


@functools.cache
def _terms_query() -> models.QuerySet:
    """Every reference term, as one UNION of the reference tables (built once: each read
    runs a copy of it, ``.all()``, which costs a third of building it again)."""
    parts = []
    for table, (model, _order) in _TERM_TABLES.items():
        own = {f.attname for f in model._meta.concrete_fields}
        parts.append(model._default_manager.order_by().values_list(Value(table), *[
            models.F(name) if name in own else Value(
                False if isinstance(output, models.BooleanField) else "", output_field=output)
            for name, output in _TERM_FIELDS.items()
        ]))
    return parts[0].union(*parts[1:], all=True)



class Terms:
    """Every reference term and country, read in one query, by table and id."""

    def __init__(self):
        fetched = _terms_query().all()
        booleans = [i for i, output in enumerate(_TERM_FIELDS.values())
                    if isinstance(output, models.BooleanField)]
        rows = defaultdict(list)
        for table, *values in fetched:
            for i in booleans:  # SQLite answers 0 / 1
                values[i] = bool(values[i])
            rows[table].append(dict(zip(_TERM_FIELDS, values, strict=True)))
        self.by_table: dict[str, dict[int, r.Term | r.Country]] = {}
        self.rank: dict[str, dict[int, int]] = {}
        for table, (_model, order) in _TERM_TABLES.items():
            made = {}
            for row in sorted(rows[table], key=lambda row, order=order: [row[k] for k in order]):
                if table == "country":
                    made[row["id"]] = r.Country(**{k: row[k] for k in _COUNTRY_FIELDS})
                elif table == "international_organisation":
                    made[row["id"]] = r.InternationalOrganisation(
                        **{k: row[k] for k in _ORGANISATION_FIELDS})
                else:
                    made[row["id"]] = r.Term(**{k: row[k] for k in _TERM_FIELDS if k not in
                                                _COUNTRY_ONLY})
            self.by_table[table] = made
            self.rank[table] = {pk: i for i, pk in enumerate(made)}
        self._organisations = {
            key.casefold(): organisation
            for organisation in self.by_table["international_organisation"].values()
            for key in (organisation.code, organisation.name)}

    def international_organisation(self, words: str) -> r.InternationalOrganisation | None:
        """The international organisation of the reference data that ``words`` name (its
        name or code, whatever the case), if any."""
        return self._organisations.get(words.strip().casefold()) if words else None

    def __getitem__(self, table: str) -> dict:
        return self.by_table[table]

    def sort(self, table: str, items: list) -> None:
        rank = self.rank[table]
        items.sort(key=lambda item: rank[item.id])


# --- activities -----------------------------------------------------------------------------

#: Many-to-many fields of an activity, and what they link to (a reference table, or
#: "third_party").
ACTIVITY_LINKS = {
    "data_subjects": "subject", "data_categories": "data",
    "special_category_conditions": "art9", "schedule1_conditions": "sch1",
    "security_measures": "measure", "joint_controllers": "third_party",
    "controllers_served": "third_party",
}
#: What the reader reads of an activity's row: its columns, and of its organisation and owner.
ACTIVITY_VALUES = [*_columns(processing.ProcessingActivity), "organisation__name",
                   "organisation__jurisdiction", "organisation__public_authority", "owner__name",
                   "owner__email", "owner__login_id", "organisation__email", "organisation__phone",
                   "organisation__address", "organisation__country_id"]
_PART_MODELS = {
    "purposes": processing.Purpose,
    "lawful_bases": processing.ActivityLawfulBasis,
    "recipients": processing.ActivityRecipient,
    "transfers": processing.InternationalTransfer,
    "retention_rules": processing.RetentionRule,
}


#: Yes/no and text fields of the activity read as they are (DPIA screening, transparency,
#: marketing, the Sch. 1 policy document).
_ACTIVITY_FLAGS = ("large_scale", "evaluation_or_scoring", "matching_datasets",
                   "vulnerable_subjects", "children", "innovative_technology",
                   "prevents_exercise_of_right", "data_from_other_sources", "direct_marketing",
                   "electronic_marketing", "soft_opt_in")
_ACTIVITY_TEXTS = ("automated_decision_safeguards", "children_consent", "privacy_notice_link",
                   "joint_arrangement_link", "policy_document_link")


def _activity(row: dict) -> r.Activity:
    return r.Activity(
        id=row["id"], organisation_id=row["organisation_id"],
        organisation=row["organisation__name"] or "",
        jurisdiction=row["organisation__jurisdiction"] or "",
        reference=row["reference"], name=row["name"], business_function=row["business_function"],
        owner_id=row["owner_id"], owner=row["owner__name"] or "",
        owner_email=row["owner__email"] or "", owner_login_id=row["owner__login_id"],
        role=row["role"],
        status=row["status"], status_changed_at=row["status_changed_at"], version=row["version"],
        description=row["description"], created_at=row["created_at"],
        updated_at=row["updated_at"], last_reviewed_on=row["last_reviewed_on"],
        next_review_on=row["next_review_on"], recipients_none=bool(row["recipients_none"]),
        security_description=row["security_description"], source_of_data=row["source_of_data"],
        automated_decision_making=bool(row["automated_decision_making"]),
        automated_decision_legal_effect=bool(row["automated_decision_legal_effect"]),
        automated_decision_description=row["automated_decision_description"],
        systematic_monitoring=bool(row["systematic_monitoring"]),
        data_location=row["data_location"], dpia_required=row["dpia_required"],
        dpia_status=row["dpia_status"], dpia_link=row["dpia_link"],
        breach_occurred=bool(row["breach_occurred"]), breach_link=row["breach_link"],
        retention_policy_link=row["retention_policy_link"],
        retention_adhered=row["retention_adhered"],
        retention_non_adherence_reason=row["retention_non_adherence_reason"],
        public_authority=bool(row["organisation__public_authority"]),
        **{name: bool(row[name]) for name in _ACTIVITY_FLAGS},
        **{name: row[name] for name in _ACTIVITY_TEXTS},
    )


#: Tags of the contact rows in the links' UNION.
_CONTACT, _REACHABLE = "contact:", ":reachable"


class Reading:
    """Reads of activities with everything they hold, from one source. The reference terms
    are read once per ``Reading``, and a third party once: read a large register a chunk
    of activities at a time through one ``Reading``."""

    def __init__(self, source: Source, terms: Terms | None = None):
        self.source = source
        self.terms = terms or Terms()
        self.third_parties: dict[int, r.ThirdParty] = {}
        #: Organisations whose third parties are all read: a later chunk does not read
        #: them again (a register's chunks each span most of its organisations).
        self.organisations_read: set[int] = set()
        #: The organisation of the activities read, one record each, shared by its activities.
        self.controllers: dict[int, r.Controller] = {}

    def activities(self, selection: models.QuerySet | list[dict],
                   third_parties_of: Iterable[int] = (),
                   scope: models.QuerySet | None = None) -> dict[int, r.Activity]:
        """The activities of ``selection`` (a queryset of this source's rows, or rows read
        by ``activity_rows``), in its order, with their lists and parts; the third parties
        they name are read along with those of the organisations ``third_parties_of``.
        ``scope``, the same activities as an unsliced queryset of this source, selects their
        parts by a subquery rather than by their ids (a whole register has many)."""
        # As of a moment, the versions read are kept by their history ids: their parts and
        # links are then selected by those ids and the activities' ids, each object's last
        # version looked up through the indexes, rather than by subqueries that find the
        # last versions again in every part (JIT-compiled by PostgreSQL past its cost
        # threshold, which then took longer than the read).
        historical = self.source.historical
        versions: list[int] | None = None
        if isinstance(selection, models.QuerySet):
            if historical:
                versions = []
                selection = _rows(selection, [*ACTIVITY_VALUES, "history_id"])
            else:
                selection = _rows(selection, ACTIVITY_VALUES)
        activities = {}
        for row in selection:
            activity = activities[row["id"]] = _activity(row)
            activity.controller = self._controller(row)
            if versions is not None:
                versions.append(row["history_id"])
        if not activities:
            self.read_third_parties(set(third_parties_of), set())
            return activities
        if versions is not None:
            owners, ids = versions, list(activities)
        elif scope is None:
            # The same activities, selected again by id: ``selection`` may be sliced (a page).
            ids = list(activities)
            owners = self.source.objects(processing.ProcessingActivity).filter(among("id", ids))
        else:
            owners, ids = scope, scope.values("id")
        # Unordered: the models' ordering would join the activities to sort by them (the
        # parts are put in order below).
        parts = {name: self.source.objects(model).filter(
                     among("activity_id", ids)).order_by()
                 for name, model in _PART_MODELS.items()}
        extra = ["history_id"] if versions is not None else []
        rows = {name: list(_rows(qs, [*_columns(_PART_MODELS[name]), *extra]))
                for name, qs in parts.items()}

        def owners_of(name: str):
            if versions is None:
                return parts[name]
            return [row["history_id"] for row in rows[name]]

        link_queries = [self.source.links(processing.ProcessingActivity, name, owners)
                        for name in ACTIVITY_LINKS]
        link_queries += [
            self.source.links(processing.ActivityLawfulBasis, "data_categories",
                              owners_of("lawful_bases"), tag="basis_data"),
            self.source.links(processing.ActivityLawfulBasis, "purposes",
                              owners_of("lawful_bases"), tag="basis_purposes"),
            self.source.links(processing.ActivityRecipient, "data_categories",
                              owners_of("recipients"), tag="recipient_data"),
            self._contact_roles({a.organisation_id for a in activities.values()}),
        ]
        links = defaultdict(list)
        for name, owner_id, target_id in link_queries[0].union(*link_queries[1:], all=True):
            links[name].append((owner_id, target_id))
        self._note_contacts(links)
        wanted = {t for name, kind in ACTIVITY_LINKS.items() if kind == "third_party"
                  for _a, t in links[name]}
        wanted |= {row["third_party_id"] for name in ("recipients", "transfers")
                   for row in rows[name] if row["third_party_id"]}
        orgs = {a.organisation_id for a in activities.values()} | set(third_parties_of)
        self.read_third_parties(orgs, wanted)

        self._link_activities(activities, links)
        self._parts(activities, rows, links)
        return activities

    def read_third_parties(self, organisation_ids: set[int], ids: set[int]) -> None:
        """The third parties of ``organisation_ids``, and those of ``ids`` (named by an
        activity, whatever their organisation), unless already read."""
        organisations = set(organisation_ids) - self.organisations_read
        missing = set(ids) - set(self.third_parties)
        if not organisations and not missing:
            return  # everything asked for is read already (a later chunk)
        wanted = Q(organisation_id__in=organisations) | Q(id__in=missing)
        names = [*_columns(entities.ThirdParty), "group_organisation__name"]
        terms = self.terms
        for row in _rows(self.source.objects(entities.ThirdParty).filter(wanted).order_by(),
                         names):
            if row["id"] in self.third_parties:
                continue
            self.third_parties[row["id"]] = r.ThirdParty(
                id=row["id"], organisation_id=row["organisation_id"], name=row["name"],
                kind=row["kind"], category=terms["recipient_category"].get(row["category_id"]),
                service=row["service"], country=terms["country"].get(row["country_id"]),
                address=row["address"], email=row["email"], phone=row["phone"],
                website=row["website"], contract_link=row["contract_link"],
                dpf_certified=bool(row["dpf_certified"]),
                group_organisation_id=row["group_organisation_id"],
                group_organisation=row["group_organisation__name"] or "", notes=row["notes"],
                dpo_contact=row["dpo_contact"], representative_contact=row["representative_contact"],
            )
        self.organisations_read |= organisations

    def _controller(self, row: dict) -> r.Controller:
        """The organisation of an activity's row, one record per organisation."""
        pk = row["organisation_id"]
        found = self.controllers.get(pk)
        if found is None:
            found = self.controllers[pk] = r.Controller(
                id=pk, name=row["organisation__name"] or "",
                jurisdiction=row["organisation__jurisdiction"] or "",
                email=row["organisation__email"] or "", phone=row["organisation__phone"] or "",
                address=row["organisation__address"] or "",
                country=self.terms["country"].get(row["organisation__country_id"]))
        return found

    def _contact_roles(self, organisation_ids: set[int]) -> models.QuerySet:
        """Rows of the links' UNION for the contacts of ``organisation_ids``: (``contact:`` and
        its role, with ``:reachable`` when it has an email, telephone or address; the
        organisation; the contact). What Art 30(1)(a) asks of them costs no query of its own."""
        reachable = ~Q(email="") | ~Q(phone="") | ~Q(address="")
        tag = Concat(Value(_CONTACT), "role",
                     Case(When(reachable, then=Value(_REACHABLE)), default=Value("")),
                     output_field=models.CharField())
        return (self.source.objects(entities.Contact)
                .filter(organisation_id__in=sorted(organisation_ids))
                .order_by().values_list(tag, "organisation_id", "id"))

    def _note_contacts(self, links: dict) -> None:
        """Each organisation's contact roles, from the contact rows of the links."""
        for name in [n for n in links if n.startswith(_CONTACT)]:
            role = name.removeprefix(_CONTACT).removesuffix(_REACHABLE)
            for organisation_id, _contact in links.pop(name):
                controller = self.controllers.get(organisation_id)
                if controller is not None:
                    roles = controller.contact_roles
                    roles[role] = roles.get(role, False) or name.endswith(_REACHABLE)

    def _link_activities(self, activities, links) -> None:
        terms, parties = self.terms, self.third_parties
        for name, kind in ACTIVITY_LINKS.items():
            targets = parties if kind == "third_party" else terms[kind]
            for activity_id, target_id in links[name]:
                activity, target = activities.get(activity_id), targets.get(target_id)
                if activity is not None and target is not None:
                    getattr(activity, name).append(target)
            for activity in activities.values():
                items = getattr(activity, name)
                if len(items) > 1:
                    if kind == "third_party":
                        items.sort(key=lambda t: (t.name, t.id))
                    else:
                        terms.sort(kind, items)

    def _parts(self, activities, rows, links) -> None:
        terms, parties = self.terms, self.third_parties
        purposes: dict[int, r.Purpose] = {}
        for row in sorted(rows["purposes"], key=lambda row: (row["position"], row["id"])):
            activity = activities.get(row["activity_id"])
            if activity is not None:
                purposes[row["id"]] = purpose = r.Purpose(
                    id=row["id"], number=len(activity.purposes) + 1,
                    description=row["description"], position=row["position"])
                activity.purposes.append(purpose)

        bases: dict[int, r.LawfulBasisUse] = {}
        owner_of: dict[int, r.Activity] = {}
        for row in rows["lawful_bases"]:
            activity, basis = activities.get(row["activity_id"]), terms["basis"].get(row["basis_id"])
            if activity is not None and basis is not None:
                bases[row["id"]] = use = r.LawfulBasisUse(
                    id=row["id"], basis=basis, data_categories=[], purposes=[],
                    legitimate_interest=row["legitimate_interest"], lia_link=row["lia_link"],
                    consent_record_link=row["consent_record_link"], citation=row["citation"],
                    notes=row["notes"], consent_description=row["consent_description"],
                    recognised_interest=row["recognised_interest"])
                activity.lawful_bases.append(use)
                owner_of[row["id"]] = activity
        _attach(links["basis_data"], bases, "data_categories", terms["data"])
        # A scope names purposes of the basis's own activity only.
        _attach(links["basis_purposes"], bases, "purposes", purposes,
                same=lambda use, purpose: purpose in owner_of[use.id].purposes)
        for use in bases.values():
            terms.sort("data", use.data_categories)
            use.purposes.sort(key=lambda p: p.number)

        recipients: dict[int, r.Recipient] = {}
        for row in sorted(rows["recipients"], key=lambda row: row["id"]):
            activity = activities.get(row["activity_id"])
            if activity is not None:
                recipients[row["id"]] = recipient = r.Recipient(
                    id=row["id"], third_party=parties.get(row["third_party_id"]),
                    category=terms["recipient_category"].get(row["category_id"]),
                    data_categories=[], purpose=row["purpose"])
                activity.recipients.append(recipient)
        _attach(links["recipient_data"], recipients, "data_categories", terms["data"])
        for recipient in recipients.values():
            terms.sort("data", recipient.data_categories)

        for row in sorted(rows["transfers"], key=lambda row: row["id"]):
            activity = activities.get(row["activity_id"])
            if activity is not None:
                activity.transfers.append(r.Transfer(
                    id=row["id"], country=terms["country"].get(row["country_id"]),
                    international_organisation=row["international_organisation"],
                    third_party=parties.get(row["third_party_id"]),
                    mechanism=terms["mechanism"].get(row["mechanism_id"]),
                    safeguards=row["safeguards"],
                    safeguard_document_link=row["safeguard_document_link"],
                    tia_link=row["tia_link"], scc_module=row["scc_module"],
                    organisation=terms.international_organisation(
                        row["international_organisation"])))
        for row in sorted(rows["retention_rules"], key=lambda row: row["id"]):
            activity = activities.get(row["activity_id"])
            if activity is not None:
                activity.retention_rules.append(r.RetentionRule(
                    id=row["id"], data_category=terms["data"].get(row["data_category_id"]),
                    period=row["period"], trigger=row["trigger"],
                    trigger_description=row["trigger_description"],
                    legal_source=row["legal_source"], deletion_method=row["deletion_method"],
                    criteria=row["criteria"], period_is_maximum=bool(row["period_is_maximum"])))
        for activity in activities.values():
            activity.lawful_bases.sort(key=lambda use: use.basis.code)


def _attach(pairs, owners: dict, attribute: str, targets: dict, same=None) -> None:
    """Append each link's target to its owner's list; links to an owner or a target outside
    the read (or, with ``same``, that ``same(owner, target)`` refuses) are left out."""
    for owner_id, target_id in pairs:
        owner, target = owners.get(owner_id), targets.get(target_id)
        if owner is not None and target is not None and (same is None or same(owner, target)):
            getattr(owner, attribute).append(target)


# --- what the rest of the application calls -------------------------------------------------


def _source(as_of: datetime.date | datetime.datetime | None) -> Source:
    return Source() if as_of is None else Source(cutoff(as_of))


def activity_rows(queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` of activities as the rows ``read_activities`` reads: page them (a
    paginator reads one page of them in one query), then read the page."""
    return queryset.values(*ACTIVITY_VALUES)


def read_activities(selection: models.QuerySet | Iterable[int] | list[dict], *,
                    as_of: datetime.date | datetime.datetime | None = None) -> list[r.Activity]:
    """The activities ``selection`` as records, in the selection's order: a queryset of
    activities (possibly a slice of one), ids, or rows read through ``activity_rows``.
    As of a day (its end) or a moment when ``as_of`` is given (the selection's ids are
    then read as the register stood)."""
    source = _source(as_of)
    selection = selection if isinstance(selection, models.QuerySet) else list(selection)
    is_rows = isinstance(selection, list) and bool(selection) and isinstance(selection[0], dict)
    if not source.historical and (is_rows or isinstance(selection, models.QuerySet)):
        rows = selection
        order = None
    else:
        if isinstance(selection, models.QuerySet):
            order = list(selection.values_list("pk", flat=True))
        else:
            order = [row["id"] for row in selection] if is_rows else selection
        rows = source.objects(processing.ProcessingActivity).filter(id__in=order)
    activities = Reading(source).activities(rows)
    if order is None:
        return list(activities.values())
    return [activities[pk] for pk in order if pk in activities]


def read_in_chunks(ids: list[int], chunk_size: int = 500) -> Iterator[r.Activity]:
    """The current activities ``ids`` as records, read ``chunk_size`` at a time (the
    memory held is one chunk's), in the order of ``ids``."""
    reading = Reading(Source())
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start:start + chunk_size]
        found = reading.activities(
            Source().objects(processing.ProcessingActivity).filter(among("id", chunk)))
        yield from (found[pk] for pk in chunk if pk in found)


def read_activity(pk: int, *, as_of=None) -> r.Activity | None:
    """One activity as a record (None when it does not exist, or did not then)."""
    found = read_activities([pk], as_of=as_of)
    return found[0] if found else None
