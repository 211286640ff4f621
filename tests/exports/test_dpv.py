"""The JSON-LD export speaks DPV 2.2: every DPV IRI it writes is a term of DPV 2.2 (the
list shipped in ``tests/data``), for the demo and for a generated register; each lawful
basis is tied to the purposes and data it covers; a retention range is structured data."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from processing.demo import load_demo
from processing.exports.registry import export_register
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
