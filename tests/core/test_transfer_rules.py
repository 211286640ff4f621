"""Transfers are checked under the exporter's law: in a group, each organisation gets the
answer of its own law. (That no rule crashes on an incomplete or odd record, the exporter's
law included, is held by test_findings_property.py.)"""

from __future__ import annotations

import pytest

from entities.models import Jurisdiction
from processing.findings import activity_findings
from processing.models import ProcessingActivity
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    RecipientFactory,
    ThirdPartyFactory,
    TransferFactory,
    country,
    mechanism,
)

TRANSFER_CODES = {"CH5-MECHANISM", "CH5-MECHANISM-REGIME", "CH5-MECHANISM-DESTINATION",
                  "CH5-TRANSFER-MISSING", "CH5-TIA"}


def _transfer_codes(activity: ProcessingActivity) -> set[str]:
    return {f.code for f in activity_findings(activity)} & TRANSFER_CODES


@pytest.mark.django_db
def test_a_group_with_uk_and_eu_companies_gets_the_answer_of_each_ones_law():
    """A UK parent and its Irish subsidiary send the same data to the same kinds of
    recipients: the EU-US DPF covers the Irish company's US transfer, not the parent's; the
    UK Extension the parent's, not the subsidiary's; a Brazilian processor (EU adequacy, no
    UK adequacy) needs a transfer recorded by the parent only."""
    parent = OrganisationFactory(jurisdiction=Jurisdiction.UK)
    subsidiary = OrganisationFactory(jurisdiction=Jurisdiction.EU, parent=parent,
                                     country=country("IE"))
    found = {}
    for organisation in (parent, subsidiary):
        for code in ("EU-US-DPF", "UK-US-DATA-BRIDGE"):
            activity = ActivityFactory(organisation=organisation)
            importer = ThirdPartyFactory(organisation=organisation, country=country("US"))
            TransferFactory(activity=activity, country=country("US"), third_party=importer,
                            mechanism=mechanism(code))
            found[organisation.jurisdiction, code] = _transfer_codes(activity)
        activity = ActivityFactory(organisation=organisation)
        RecipientFactory(activity=activity, third_party=ThirdPartyFactory(
            organisation=organisation, country=country("BR")))
        found[organisation.jurisdiction, "BR"] = _transfer_codes(activity)

    assert found == {
        ("uk", "EU-US-DPF"): {"CH5-MECHANISM-REGIME"},
        ("uk", "UK-US-DATA-BRIDGE"): set(),
        ("eu", "EU-US-DPF"): set(),
        ("eu", "UK-US-DATA-BRIDGE"): {"CH5-MECHANISM-REGIME"},
        ("uk", "BR"): {"CH5-TRANSFER-MISSING"},
        ("eu", "BR"): set(),
    }


@pytest.mark.django_db
def test_changing_the_exporters_law_changes_the_answer():
    organisation = OrganisationFactory(jurisdiction=Jurisdiction.UK)
    activity = ActivityFactory(organisation=organisation)
    TransferFactory(activity=activity, country=country("IN"), mechanism=mechanism("UK-IDTA"),
                    tia_link="https://example.com/tia.pdf")
    assert _transfer_codes(activity) == set()

    for law, expected in ((Jurisdiction.EU, {"CH5-MECHANISM-REGIME"}), (Jurisdiction.OTHER, set())):
        organisation.jurisdiction = law
        organisation.save()
        assert _transfer_codes(activity) == expected, law
