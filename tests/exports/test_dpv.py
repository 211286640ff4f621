"""The JSON-LD export speaks DPV 2.2: every DPV IRI it writes is a term of DPV 2.2 (the
list shipped in ``tests/data``), for the demo and for a generated register; each lawful
basis is tied to the purposes and data it covers; a retention range is structured data."""

from __future__ import annotations

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from processing import services
from processing.demo import load_demo
from processing.exports.registry import export_register
from processing.models import PersonalDataCategory, ProcessingActivity
from processing.reference.data import ROPA_NS
from processing.synthetic import generate_register
from tests.dpv import unknown_iris
from tests.factories import UserFactory


def _graph(content: bytes) -> Graph:
    return Graph().parse(data=content, format="json-ld")


def _iris(graph: Graph) -> set[str]:
    return {str(node) for triple in graph for node in triple if isinstance(node, URIRef)}


@pytest.fixture
def demo_jsonld(db):
    load_demo(user=UserFactory(username="loader"))
    return export_register("jsonld")[0]


def test_every_dpv_iri_of_the_demo_is_a_dpv_2_2_term(demo_jsonld):
    iris = _iris(_graph(demo_jsonld))
    assert "https://w3id.org/dpv#Process" in iris
    assert any(i.startswith("https://w3id.org/dpv/pd#") for i in iris)
    assert any(i.startswith("https://w3id.org/dpv/legal/eu/gdpr#") for i in iris)
    assert unknown_iris(iris) == []


@pytest.mark.django_db
def test_every_dpv_iri_of_a_generated_register_is_a_dpv_2_2_term():
    generate_register(activities=30, organisations=2, third_parties=20, seed=7)
    iris = _iris(_graph(export_register("jsonld")[0]))
    assert "https://w3id.org/dpv#hasLegalBasis" in iris
    assert unknown_iris(iris) == []


# --- what each lawful basis covers --------------------------------------------------------

DPV = Namespace("https://w3id.org/dpv#")
ROPA = Namespace(ROPA_NS)
TIME = Namespace("http://www.w3.org/2006/time#")
GDPR = "https://w3id.org/dpv/legal/eu/gdpr#"
PD = "https://w3id.org/dpv/pd#"
MARKETING = URIRef("urn:ropa:Mondago%20Limited/activity/PA-001")


def _uses(graph: Graph, activity: URIRef) -> dict[str, URIRef]:
    return {str(graph.value(use, DPV.hasLegalBasis)).removeprefix(GDPR): use
            for use in graph.objects(activity, ROPA.lawfulBasisUse)}


def _purposes(graph: Graph, node) -> set[str]:
    return {str(p).rsplit("/", 1)[-1] for p in graph.objects(node, DPV.hasPurpose)}


def _data(graph: Graph, node) -> set[str]:
    return {str(d).removeprefix(PD) for d in graph.objects(node, DPV.hasPersonalData)}


def test_each_basis_is_linked_to_the_purposes_and_data_it_covers(rich_register):
    graph = _graph(export_register("jsonld")[0])
    uses = _uses(graph, MARKETING)
    assert set(uses) == {"A6-1-a", "A6-1-f"}
    consent, interests = uses["A6-1-a"], uses["A6-1-f"]
    # Consent is limited to the first purpose, and covers all the activity's data.
    assert _purposes(graph, consent) == {"1"}
    assert _data(graph, consent) == {"Identifying", "Contact", "Preference"}
    assert graph.value(consent, ROPA.limitedToPurposes).toPython() is True
    assert graph.value(consent, ROPA.limitedToData).toPython() is False
    # Legitimate interests is limited to identity data, and covers both purposes.
    assert _purposes(graph, interests) == {"1", "2"} == _purposes(graph, MARKETING)
    assert _data(graph, interests) == {"Identifying"}
    assert graph.value(interests, ROPA.limitedToPurposes).toPython() is False
    assert graph.value(interests, ROPA.limitedToData).toPython() is True


def test_which_basis_covers_a_purpose_is_one_query(rich_register):
    graph = _graph(export_register("jsonld")[0])
    answer = graph.query("""
        PREFIX dpv: <https://w3id.org/dpv#>
        PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX ropa: <https://w3id.org/ropa-register/ns#>
        SELECT ?basis WHERE {
            ?use a ropa:LawfulBasisUse ; dpv:hasPurpose ?purpose ; dpv:hasLegalBasis ?basis .
            ?purpose dct:description "Measure campaign results" .
        }""")
    assert {str(row.basis) for row in answer} == {GDPR + "A6-1-f"}


# --- retention periods as structured data -------------------------------------------------

def _storage(graph: Graph, activity: URIRef) -> list:
    return [s for s in graph.objects(activity, DPV.hasStorageCondition)
            if (s, RDF.type, DPV.StorageDuration) in graph]


def test_a_retention_period_is_an_xsd_duration(rich_register):
    graph = _graph(export_register("jsonld")[0])
    (storage,) = _storage(graph, MARKETING)
    value = graph.value(storage, TIME.hasXSDDuration)
    assert (str(value), value.datatype) == ("P2Y", XSD.duration)
    assert (storage, RDF.type, DPV.TemporalDuration) in graph
    assert graph.value(storage, DPV.hasDuration) is None


def test_a_retention_range_has_a_node_for_each_bound(rich_register):
    marketing = ProcessingActivity.objects.get(reference="PA-001")
    services.retention_rule_add(activity=marketing, period="P1Y..P6Y", trigger="end_of_contract",
                                data_category=PersonalDataCategory.objects.get(code="contact"))
    services.retention_rule_add(activity=marketing, period="P18M",
                                data_category=PersonalDataCategory.objects.get(code="identity"))
    content = export_register("jsonld")[0]
    graph = _graph(content)
    storages = {str(graph.value(s, DPV.hasPersonalData)).removeprefix(PD): s
                for s in _storage(graph, MARKETING) if graph.value(s, DPV.hasPersonalData)}
    ranged = storages["Contact"]
    assert graph.value(ranged, TIME.hasXSDDuration) is None  # not one duration
    bounds = {}
    for predicate in (ROPA.minimumDuration, ROPA.maximumDuration):
        bound = graph.value(ranged, predicate)
        assert (bound, RDF.type, DPV.TemporalDuration) in graph
        value = graph.value(bound, TIME.hasXSDDuration)
        assert value.datatype == XSD.duration
        bounds[predicate.removeprefix(ROPA_NS)] = str(value)
    assert bounds == {"minimumDuration": "P1Y", "maximumDuration": "P6Y"}
    assert str(graph.value(ranged, RDFS.label)) == "P1Y..P6Y"
    # A duration is written as the register holds it, not rewritten (P18M, not P1Y6M; a
    # reader may normalise it as it parses).
    assert '"@value": "P18M"' in content.decode() and "P1Y6M" not in content.decode()
    assert graph.value(storages["Identifying"], TIME.hasXSDDuration).datatype == XSD.duration
    assert unknown_iris(_iris(graph)) == []
