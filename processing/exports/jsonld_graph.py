"""The terms of an RDF graph (IRIs, literals, blank nodes, namespaces) and :class:`Graph`,
which holds each node as the JSON-LD text rdflib would write for it, made as the triples
are added. The register's own graph is laid out by ``jsonld``.
"""

from __future__ import annotations

import itertools
import json

from processing.reference.data import ROPA_NS

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
