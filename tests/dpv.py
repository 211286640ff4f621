"""The DPV 2.2 term list shipped with the tests (``tests/data/dpv-2.2-terms.txt``), and
which IRIs it speaks for."""

from __future__ import annotations

import functools
from pathlib import Path

from processing.reference.data import ROPA_NS

TERMS_PATH = Path(__file__).resolve().parent / "data" / "dpv-2.2-terms.txt"
#: The vocabularies of the list: an IRI under one of them must be one of its terms.
DPV_NAMESPACES = (
    "https://w3id.org/dpv#", "https://w3id.org/dpv/pd#", "https://w3id.org/dpv/legal/eu/gdpr#",
    "https://w3id.org/dpv/tech#", "https://w3id.org/dpv/risk#", "https://w3id.org/dpv/loc#",
)


@functools.cache
def dpv_terms() -> frozenset[str]:
    lines = TERMS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def unknown_iris(iris) -> list[str]:
    """The IRIs of ``iris`` that DPV 2.2 does not define: any IRI under w3id.org/dpv that is
    not a term of the list. The project's own IRIs (under its namespace) are its to define;
    any other IRI outside DPV is reported too, so a typo in a namespace is caught."""
    terms = dpv_terms()
    return sorted({
        iri for iri in iris
        if iri not in terms and not iri.startswith(ROPA_NS)
        and (iri.startswith("https://w3id.org/dpv") or iri.startswith("http://w3id.org/dpv"))
    })
