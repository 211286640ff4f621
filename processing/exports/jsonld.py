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
import itertools
import json
import re
import textwrap
from typing import BinaryIO
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from processing.durations import parse_period
from processing.models.activity import SCREENING_FIELDS
from processing.reference.data import ROPA_NS
from processing.register.records import Activity, Organisation, Register, Term

#: An IRI (rdflib's term of the same name) is plain text: a literal is a :class:`Literal`
#: and a blank node a :class:`BNode`. Text is not tracked by the garbage collector, which
#: would otherwise go through the hundred thousand IRIs of an organisation's graph again
#: and again while it is made.
URIRef = str


class Literal:
    """A literal: a Python value (text, a yes or no, a number) or a lexical form with its
    datatype, as rdflib's ``Literal`` takes them."""

    __slots__ = ("datatype", "lang", "value")

    def __init__(self, value, datatype: URIRef | None = None, lang: str | None = None,
                 normalize: bool = False):
        # The lexical form is always written as given (rdflib's normalize=False).
        self.value, self.datatype, self.lang = value, datatype, lang


_blank_ids = itertools.count()


class BNode:
    """A blank node, named as rdflib names its own (``N`` and 32 hex digits)."""

    __slots__ = ("id",)

    def __init__(self):
        self.id = f"N{next(_blank_ids):032x}"


class Namespace:
    """IRIs under ``base``: ``DPV.Process``, ``ROPA["lawful-basis-x"]``."""

    def __init__(self, base: str):
        self._base = base

    def __str__(self) -> str:
        return self._base

    def __getitem__(self, name: str) -> URIRef:
        return URIRef(self._base + name)

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):
            raise AttributeError(name)
        term = URIRef(self._base + name)
        setattr(self, name, term)  # the next look-up finds it without coming here
        return term


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DPV = Namespace("https://w3id.org/dpv#")
PD = Namespace("https://w3id.org/dpv/pd#")
EU_GDPR = Namespace("https://w3id.org/dpv/legal/eu/gdpr#")
LOC = Namespace("https://w3id.org/dpv/loc#")
ROPA = Namespace(ROPA_NS)
TIME = Namespace("http://www.w3.org/2006/time#")
#: Where the register's own resources (organisations, activities) are named.
REGISTER = Namespace("urn:ropa:")

CONTEXT = {
    "dpv": str(DPV), "pd": str(PD), "eu-gdpr": str(EU_GDPR), "loc": str(LOC),
    "dct": str(DCTERMS), "rdfs": str(RDFS), "skos": str(SKOS), "ropa": str(ROPA),
    "time": str(TIME),
}


#: Datatypes whose literals JSON-LD writes as JSON's own values (as rdflib does).
_NATIVE = frozenset({XSD.boolean, XSD.integer, XSD.double, XSD.string})
_encode = json.JSONEncoder(ensure_ascii=False).encode


def _context():
    from rdflib.plugins.shared.jsonld.context import Context

    return Context(CONTEXT)


#: Where a value written as a JSON object is indented: its lines are indented as deep as
#: the value is when the node is written. JSON text holds no tab (one in a string is
#: written ``\\t``), so the mark is told from the text around it.
_INDENT = "\t"


def _object(*members: tuple[str, str]) -> str:
    """A JSON object of ``members`` (keys and the JSON text of their values) with its lines
    indented by :data:`_INDENT`, to be written at the depth of its value."""
    return "{\n" + ",\n".join(f'{_INDENT}  "{key}": {value}' for key, value in members) + (
        f"\n{_INDENT}}}")


class Graph:
    """The nodes of a graph as JSON-LD writes them, made as the triples are added.

    The document is the one rdflib's JSON-LD serializer writes for the same triples (a
    flat list of nodes, compacted with ``CONTEXT``, one value alone and several as a
    list, a triple added twice held once), without holding rdflib's graph and indexes:
    each node keeps its properties' values as the JSON text they are written as.
    """

    def __init__(self, context=None):
        self.context = context or _context()
        #: subject -> {property: value}: a value alone, or several as {value: None} (a
        #: dict keeps the order and no repeats). Each value is the JSON text it is written
        #: as (a node's reference ``{"@id": ...}`` and a literal with a datatype or a
        #: language are objects, indented by :data:`_INDENT`): a node holds nothing but
        #: text, that the garbage collector does not go through.
        self.nodes: dict[object, dict[str, object]] = {}
        self._keys: dict[str, str] = {}
        self._types: dict[str, str] = {}
        #: Each node named so far -> the JSON text of its ``@id``, and of a reference to it.
        self._ids: dict[object, str] = {}
        self._references: dict[object, str] = {}
        self._typed: dict[tuple, str] = {}

    def _key(self, predicate: URIRef) -> str:
        key = self._keys[predicate] = (
            "@type" if predicate == RDF.type else self.context.to_symbol(predicate))
        return key

    def _id(self, node) -> str:
        name = "_:" + node.id if type(node) is BNode else self.context.shrink_iri(node)
        written = self._ids[node] = _encode(name)
        return written

    def _reference(self, node) -> str:
        name = self._ids.get(node) or self._id(node)
        # _object(("@id", name)), written out: one is made for each node.
        written = self._references[node] = f'{{\n{_INDENT}  "@id": {name}\n{_INDENT}}}'
        return written

    def add(self, triple) -> None:
        # Once for each of a million triples: the usual cases first, each look-up once.
        subject, predicate, value = triple
        key = self._keys.get(predicate) or self._key(predicate)
        kind = type(value)
        if kind is Literal:
            written = self._literal(value)
        elif kind is URIRef and key == "@type":
            written = self._types.get(value)
            if written is None:
                written = self._types[value] = _encode(self.context.to_symbol(value))
        else:
            written = self._references.get(value) or self._reference(value)
        node = self.nodes.get(subject)
        if node is None:
            node = self.nodes[subject] = {"@id": self._ids.get(subject) or self._id(subject)}
        values = node.get(key)
        if values is None:
            node[key] = written
        elif type(values) is dict:
            values[written] = None
        elif values != written:
            node[key] = {values: None, written: None}

    def _literal(self, literal: Literal):
        value, datatype, lang = literal.value, literal.datatype, literal.lang
        kind = type(value)
        if datatype is None and not lang:
            if kind is str:
                return _encode(value)
            if kind is bool:
                return "true" if value else "false"
        elif kind is str:
            # Text with a datatype or a language: the few values a register repeats (its
            # periods) worked out once.
            typed = (value, datatype, lang)
            written = self._typed.get(typed)
            if written is None:
                written = self._typed[typed] = self._typed_literal(literal)
            return written
        return self._typed_literal(literal)

    def _typed_literal(self, literal: Literal) -> str:
        """A literal's JSON text, as rdflib's serializer writes it."""
        value, datatype = literal.value, literal.datatype
        if literal.lang:
            return _object(("@language", _encode(literal.lang)), ("@value", _encode(str(value))))
        if datatype is None:
            if isinstance(value, (str, bool, int, float)):
                return _encode(value)
        elif isinstance(value, str):
            if datatype == XSD.string:
                return _encode(value)
            if datatype not in _NATIVE:
                return _object(("@type", _encode(self.context.to_symbol(datatype))),
                               ("@value", _encode(value)))
        # Any other value: as rdflib types it and writes it.
        from rdflib import Literal as RDFLiteral
        from rdflib import URIRef as RDFURIRef

        term = RDFLiteral(value, datatype=RDFURIRef(datatype) if datatype else None)
        if term.datatype in _NATIVE:
            return _encode(term.toPython())
        return _object(("@type", _encode(self.context.to_symbol(term.datatype))),
                       ("@value", _encode(str(term))))

    def written(self, indent: str = "") -> str:
        """Each node as ``json.dumps(node, indent=2, sort_keys=True)`` writes it, every
        line after ``indent``; the nodes joined by commas."""
        inner = indent + "  "
        item = inner + "  "
        between = ",\n" + item
        # Nodes of one kind have the same properties: each kind's frame (the keys in
        # order, a %s for each value) is made once, each node written in one go.
        frames: dict[tuple, tuple[tuple[str, ...], str]] = {}
        nodes = []
        for node in self.nodes.values():
            keys = tuple(node)
            frame = frames.get(keys)
            if frame is None:
                order = sorted(keys)
                frame = frames[keys] = (tuple(order), f"{indent}{{\n" + ",\n".join(
                    f"{inner}{_written_key(key).replace('%', '%%')}: %s" for key in order)
                    + f"\n{indent}}}")
            order, text = frame
            values = []
            for key in order:
                value = node[key]
                if type(value) is dict:  # several: a list, a value a line
                    value = (f"[\n{item}" + between.join(value).replace(_INDENT, item)
                             + f"\n{inner}]")
                values.append(value)
            nodes.append((text % tuple(values)).replace(_INDENT, inner))
        return ",\n".join(nodes)


#: Each property's key as JSON text (a graph has a few dozen keys on a million values).
_keys_written: dict[str, str] = {}


def _written_key(key: str) -> str:
    written = _keys_written.get(key)
    if written is None:
        written = _keys_written[key] = _encode(key)
    return written


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
