"""The register in W3C DPV (Data Privacy Vocabulary 2.x) as JSON-LD.

One ``dpv:Process`` per activity with its purposes, legal bases (the reference terms'
DPV IRIs: ``eu-gdpr:A6-1-b``...), personal data, data subjects, recipients, controllers,
transfers (``dpv:hasThirdCountry`` and the transfer mechanism as legal basis), storage
conditions and security measures. Terms without a DPV IRI are given the project's own IRI.

Each lawful basis the activity relies on is also a node of its own (``ropa:LawfulBasisUse``)
with ``dpv:hasLegalBasis`` and the purposes (``dpv:hasPurpose``) and data
(``dpv:hasPersonalData``) it covers: those it is limited to, else all the activity's (and
``ropa:limitedToPurposes`` / ``ropa:limitedToData`` say which). A retention period is a
``dpv:StorageDuration`` that is a ``dpv:TemporalDuration`` with ``time:hasXSDDuration``
(OWL-Time) and an ``xsd:duration``; a range (``P1Y..P6Y``) has a node for each bound,
``ropa:minimumDuration`` and ``ropa:maximumDuration``, each with its ``time:hasXSDDuration``.
"""

from __future__ import annotations

import datetime
import functools
import io
import json
import re
import textwrap
from typing import BinaryIO
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from processing.durations import parse_period
from processing.models.activity import SCREENING_FIELDS
from processing.register.records import Activity, Organisation, Register, Term

from .jsonld_graph import (
    CONTEXT,
    DCTERMS,
    DPV,
    LOC,
    RDF,
    RDFS,
    REGISTER,
    ROPA,
    TIME,
    XSD,
    BNode,
    Graph,
    Literal,
    URIRef,
    _context,
)


def _iri(term: Term, kind: str) -> URIRef:
    if term.dpv_iri:
        return URIRef(term.dpv_iri)
    return ROPA[f"{kind}-{quote(term.code, safe='')}"]


_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*\Z").match


@functools.lru_cache(maxsize=4096)
def _quoted(part: str) -> str:
    # Names and references repeat in every IRI under their activity: quoted once each.
    return part if _PLAIN(part) else quote(part, safe="")


def _name(*parts: str) -> URIRef:
    return REGISTER["/".join(map(_quoted, parts))]


def _under(node: URIRef, *parts: str) -> URIRef:
    """The name of ``parts`` under the register's resource ``node``: ``_under(_name(org),
    "party", name)`` is ``_name(org, "party", name)``, the name already made not quoted
    again (an activity names a dozen resources under its own name)."""
    return URIRef("/".join([node, *map(_quoted, parts)]))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@functools.lru_cache(maxsize=64)
def _ropa_properties(names: tuple[str, ...]) -> tuple[tuple[str, URIRef], ...]:
    """Each of the fields ``names`` with its ``ropa:`` property (``last_reviewed_on``:
    lastReviewedOn)."""
    return tuple((name, ROPA[_camel(name)]) for name in names)


def _literals(graph: Graph, node, record, names: tuple[str, ...]) -> None:
    """The plain values ``names`` of ``record`` as ``ropa:`` properties: text when not
    empty, a yes or no always (so "no" is told from "not recorded"), dates as xsd:date."""
    add = graph.add
    for name, predicate in _ropa_properties(names):
        value = getattr(record, name)
        if value is None or value == "":
            continue
        if isinstance(value, datetime.date):  # a datetime is a date too
            value = Literal(value.isoformat(), datatype=XSD.dateTime if isinstance(
                value, datetime.datetime) else XSD.date)
        else:
            value = Literal(value)
        add((node, predicate, value))


#: Values of an activity written as ``ropa:`` properties (the rest have DPV terms).
ACTIVITY_LITERALS = (
    "business_function", "role", "version", "last_reviewed_on", "next_review_on",
    "recipients_none", "security_description", "source_of_data", "automated_decision_making",
    "automated_decision_legal_effect", "automated_decision_description", "systematic_monitoring",
    "dpia_required", "dpia_status", "dpia_link", "breach_occurred", "breach_link",
    "retention_policy_link", "retention_adhered", "retention_non_adherence_reason",
    *SCREENING_FIELDS,
)
ORGANISATION_LITERALS = (
    "trading_name", "authority_registration_ref", "vat_number", "address", "trading_address",
    "website", "email", "phone", "jurisdiction", "public_authority",
)
PARTY_LITERALS = ("kind", "service", "address", "email", "phone", "website", "contract_link",
                  "dpf_certified", "group_organisation", "dpo_contact", "representative_contact",
                  "notes")
CONTACT_LITERALS = ("role", "email", "phone", "address")


def _entity(graph: Graph, node: URIRef, kind: URIRef, name: str, **details) -> URIRef:
    graph.add((node, RDF.type, kind))
    graph.add((node, DPV.hasName, Literal(name)))
    for predicate, value in details.items():
        if value:
            graph.add((node, DCTERMS[predicate], Literal(value)))
    return node


def _activity(graph: Graph, org_node: URIRef, a: Activity, language: str | None) -> None:
    add = graph.add
    node = _under(org_node, "activity", a.reference)
    add((node, RDF.type, DPV.Process))
    add((node, DCTERMS.identifier, Literal(a.reference)))
    add((node, DCTERMS.title, Literal(a.name)))
    add((node, ROPA.status, Literal(a.status)))
    if a.description:
        add((node, DCTERMS.description, Literal(a.description)))
    _literals(graph, node, a, ACTIVITY_LITERALS)
    if a.owner:
        owner = _under(org_node, "person", a.owner)
        add((owner, RDF.type, DPV.Entity))
        add((owner, DPV.hasName, Literal(a.owner)))
        if a.owner_email:
            add((owner, ROPA.email, Literal(a.owner_email)))
        add((node, ROPA.owner, owner))
    if a.role in ("controller", "joint_controller"):
        add((node, DPV.hasDataController, org_node))
    else:
        add((node, DPV.hasDataProcessor, org_node))
        for controller in a.controllers_served:
            add((node, DPV.hasDataController, _under(org_node, "party", controller.name)))
    if a.joint_controllers:
        joint = BNode()
        add((joint, RDF.type, DPV.JointDataControllers))
        add((joint, DPV.hasDataController, org_node))
        for partner in a.joint_controllers:
            add((joint, DPV.hasDataController, _under(org_node, "party", partner.name)))
        add((node, DPV.hasJointDataControllers, joint))
    purposes = {}  # each purpose's node by its number
    for purpose in a.purposes:
        p = purposes[purpose.number] = _under(node, "purpose", str(purpose.number))
        add((p, RDF.type, DPV.Purpose))
        add((p, DCTERMS.description, Literal(purpose.description)))
        add((node, DPV.hasPurpose, p))
    for use in a.lawful_bases:
        basis = _iri(use.basis, "lawful-basis")
        add((node, DPV.hasLegalBasis, basis))
        # The use of the basis by this activity, with what it rests on.
        detail = _under(node, "basis", use.basis.code)
        add((detail, RDF.type, ROPA.LawfulBasisUse))
        add((detail, ROPA.basis, basis))
        add((detail, DPV.hasLegalBasis, basis))
        add((node, ROPA.lawfulBasisUse, detail))
        if use.citation:
            add((detail, DCTERMS.source, Literal(use.citation)))
        _literals(graph, detail, use, ("legitimate_interest", "lia_link", "consent_record_link",
                                       "consent_description", "recognised_interest", "notes"))
        # What the basis covers: what it is limited to, else the whole activity.
        add((detail, ROPA.limitedToPurposes, Literal(bool(use.purposes))))
        add((detail, ROPA.limitedToData, Literal(bool(use.data_categories))))
        for purpose in use.purposes or a.purposes:
            add((detail, DPV.hasPurpose, purposes.get(purpose.number)
                 or _under(node, "purpose", str(purpose.number))))
        for category in use.data_categories or a.data_categories:
            add((detail, DPV.hasPersonalData, _iri(category, "data")))
    for condition in a.special_category_conditions:
        add((node, DPV.hasLegalBasis, _iri(condition, "art9")))
    for condition in a.schedule1_conditions:
        add((node, DPV.hasLegalBasis, _iri(condition, "sch1")))
    for category in a.data_categories:
        add((node, DPV.hasPersonalData, _iri(category, "data")))
    for subject in a.data_subjects:
        add((node, DPV.hasDataSubject, _iri(subject, "subject")))
    for number, recipient in enumerate(a.recipients, start=1):
        party = recipient.third_party and _under(org_node, "party", recipient.third_party.name)
        if party:
            add((node, DPV.hasRecipient, party))
        elif recipient.category:
            add((node, DPV.hasRecipient, _iri(recipient.category, "recipient")))
        # What this recipient receives and why.
        detail = _under(node, "recipient", str(number))
        add((detail, RDF.type, ROPA.Disclosure))
        add((node, ROPA.disclosure, detail))
        if party:
            add((detail, DPV.hasRecipient, party))
        if recipient.category:
            add((detail, ROPA.recipientCategory, _iri(recipient.category, "recipient")))
        if recipient.purpose:
            add((detail, DCTERMS.description, Literal(recipient.purpose)))
        for category in recipient.data_categories:
            add((detail, DPV.hasPersonalData, _iri(category, "data")))
    for transfer in a.transfers:
        if transfer.country:
            add((node, DPV.hasThirdCountry, LOC[transfer.country.code]))
        t = BNode()
        add((t, RDF.type, DPV.Process))
        add((node, DPV.hasProcess, t))
        add((t, DPV.hasProcessing, DPV.Transfer))
        if transfer.country:
            add((t, DPV.hasThirdCountry, LOC[transfer.country.code]))
        if transfer.international_organisation:
            add((t, DPV.hasRecipient, Literal(transfer.international_organisation)))
        if transfer.third_party:
            add((t, DPV.hasRecipient, _under(org_node, "party", transfer.third_party.name)))
        if transfer.mechanism:
            add((t, DPV.hasLegalBasis, _iri(transfer.mechanism, "mechanism")))
        if transfer.safeguards:
            add((t, DCTERMS.description, Literal(transfer.safeguards)))
        add((t, ROPA.destinationNamed, Literal(transfer.destination_named)))
        _literals(graph, t, transfer, ("safeguard_document_link", "tia_link", "scc_module"))
    for rule in a.retention_rules:
        s = BNode()
        add((s, RDF.type, DPV.StorageDuration if rule.period else DPV.StorageCondition))
        if rule.period:
            _duration(graph, s, rule.period)
        add((s, DCTERMS.description, Literal(rule.describe_in_full(language))))
        _literals(graph, s, rule, ("period_is_maximum", "trigger", "trigger_description",
                                   "legal_source", "deletion_method", "criteria"))
        if rule.data_category:
            add((s, DPV.hasPersonalData, _iri(rule.data_category, "data")))
        add((node, DPV.hasStorageCondition, s))
    if a.data_location:
        location = BNode()
        add((location, RDF.type, DPV.StorageLocation))
        add((location, DCTERMS.description, Literal(a.data_location)))
        add((node, DPV.hasStorageCondition, location))
    for measure in a.security_measures:
        add((node, DPV.hasTechnicalOrganisationalMeasure, _iri(measure, "measure")))


def _xsd_duration(graph: Graph, node, period: str) -> None:
    graph.add((node, RDF.type, DPV.TemporalDuration))
    # As written: rdflib would otherwise rewrite P18M as P1Y6M.
    graph.add((node, TIME.hasXSDDuration, Literal(period, datatype=XSD.duration, normalize=False)))


@functools.lru_cache(maxsize=1024)
def _period(text: str):
    """The period ``text`` parsed, or None where it does not parse: a register holds a
    few periods, each on many rules."""
    try:
        return parse_period(text)
    except (ValidationError, ValueError, ArithmeticError):
        return None


def _duration(graph: Graph, node, text: str) -> None:
    """A period as structured data: one ``xsd:duration``, or a node for each bound of a
    range. A period recorded before periods were checked, that does not parse, is kept
    as written."""
    period = _period(text)
    if period is None:
        graph.add((node, DPV.hasDuration, Literal(text)))
        return
    if not period.is_range:
        _xsd_duration(graph, node, period.minimum)
        return
    graph.add((node, RDF.type, DPV.TemporalDuration))
    graph.add((node, RDFS.label, Literal(str(period))))
    for predicate, bound in ((ROPA.minimumDuration, period.minimum),
                             (ROPA.maximumDuration, period.maximum)):
        bound_node = BNode()
        _xsd_duration(graph, bound_node, bound)
        graph.add((node, predicate, bound_node))


def _graph():
    """An rdflib graph that takes the triples of this module: the reference that the
    document written by :class:`Graph` is tested against."""
    import rdflib

    def term(value):
        if type(value) is str:
            return rdflib.URIRef(value)
        if type(value) is BNode:
            return rdflib.BNode(value.id)
        return rdflib.Literal(value.value, datatype=value.datatype, lang=value.lang,
                              normalize=False)

    class Reference(rdflib.Graph):
        def add(self, triple):
            return super().add(tuple(term(t) for t in triple))

    graph = Reference()
    for prefix, ns in CONTEXT.items():
        graph.bind(prefix, ns)
    return graph


def _organisation(graph: Graph, org: Organisation) -> None:
    org_node = _entity(graph, _name(org.name), DPV.LegalEntity, org.name,
                       identifier=org.registration_number)
    _literals(graph, org_node, org, ORGANISATION_LITERALS)
    if org.country:
        graph.add((org_node, DPV.hasCountry, LOC[org.country.code]))
    if org.parent:
        graph.add((org_node, ROPA.parentOrganisation, _name(org.parent)))
    for number, contact in enumerate(org.contacts, start=1):
        kind, link = {
            "dpo": (DPV.DataProtectionOfficer, DPV.hasDataProtectionOfficer),
            "representative": (DPV.Representative, DPV.hasRepresentative),
            "legal_representative": (DPV.Entity, ROPA.legalRepresentative),
        }.get(contact.role, (DPV.Entity, ROPA.contact))
        person = _entity(graph, _name(org.name, "contact", str(number)), kind, contact.name)
        _literals(graph, person, contact, CONTACT_LITERALS)
        graph.add((org_node, link, person))
    for party in org.third_parties:
        kind = {
            "processor": DPV.DataProcessor, "sub_processor": DPV.DataSubProcessor,
            "controller": DPV.DataController, "joint_controller": DPV.DataController,
        }.get(party.kind, DPV.Recipient)
        node = _entity(graph, _name(org.name, "party", party.name), kind, party.name)
        _literals(graph, node, party, PARTY_LITERALS)
        if party.category:
            graph.add((node, ROPA.recipientCategory, _iri(party.category, "recipient")))
        if party.country:
            graph.add((node, DPV.hasCountry, LOC[party.country.code]))
    language = get_language()  # asked once: the rules' words are worked out once each
    for activity in org.activities:
        _activity(graph, org_node, activity, language)


def _dumps(value) -> str:
    # As rdflib's JSON-LD serializer writes it.
    return json.dumps(value, indent=2, separators=(",", ": "), sort_keys=True, ensure_ascii=False)


def write_jsonld(register: Register, out: BinaryIO) -> None:
    """Write the document rdflib would write for the register's graph to ``out``, one
    organisation at a time: every node of the graph is named under its organisation
    (blank nodes included), so the organisations' graphs share no node and only one of
    them is held at once. A graph of one node is written as that node (as rdflib does), so
    a first organisation of one node is held until the next node shows it is not alone."""
    context = _context()
    count, alone = 0, None
    head = f'{{\n  "@context": {textwrap.indent(_dumps(CONTEXT), "  ")[2:]},\n  "@graph": ['
    for org in register.organisations:
        graph = Graph(context)
        _organisation(graph, org)
        if not graph.nodes:
            continue
        if count == 0 and len(graph.nodes) == 1:
            alone, count = graph, 1
            continue
        if count == 1:  # the node held is not alone after all
            out.write(f"{head}\n".encode())
            out.write(alone.written("    ").encode("utf-8", "replace"))
            alone = None
        out.write((f"{head}\n" if count == 0 else ",\n").encode())
        out.write(graph.written("    ").encode("utf-8", "replace"))
        count += len(graph.nodes)
    if count == 1:
        node = json.loads(alone.written())
        out.write(_dumps({"@context": CONTEXT, **node}).encode("utf-8", "replace"))
    elif count == 0:
        out.write(f"{head}]\n}}".encode())
    else:
        out.write(b"\n  ]\n}")


def render_jsonld(register: Register) -> bytes:
    """The document of :func:`write_jsonld`, as bytes."""
    out = io.BytesIO()
    write_jsonld(register, out)
    return out.getvalue()
