"""Transfers are checked under the exporter's law: in a group, each organisation gets the
answer of its own law; and no rule crashes on an incomplete or odd record."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entities.models import Adequacy, Jurisdiction, ThirdPartyKind
from processing.findings import RULES, activity_findings
from processing.models import (
    ActivityRole,
    ActivityStatus,
    LawfulBasisKind,
    LegalJurisdiction,
    ProcessingActivity,
    TransferMechanismKind,
)
from processing.register import records as r
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


# --- No rule crashes ------------------------------------------------------------------------

_text = st.text(max_size=12)
_adequacy = st.sampled_from(Adequacy.values)
_countries = st.builds(
    r.Country, id=st.integers(1, 5), code=st.sampled_from(["GB", "US", "IN", "FR", "BR", ""]),
    name=_text, is_eu=st.booleans(), is_eea=st.booleans(), eu_adequacy=_adequacy,
    uk_adequacy=_adequacy)
_organisations = st.builds(
    r.InternationalOrganisation, id=st.integers(1, 3), code=_text, name=_text,
    eu_adequacy=_adequacy, uk_adequacy=_adequacy)
_terms = st.builds(
    r.Term, id=st.integers(1, 50), code=_text, name=_text, article=_text,
    kind=st.sampled_from([*TransferMechanismKind.values, *LawfulBasisKind.values, ""]),
    special_category=st.booleans(), criminal_offence=st.booleans(),
    applies_to=st.sampled_from(["special", "criminal", "both", ""]),
    jurisdiction=st.sampled_from([*LegalJurisdiction.values, ""]),
    requires_documented_safeguards=st.booleans())
_parties = st.builds(
    r.ThirdParty, id=st.integers(1, 6), organisation_id=st.just(1), name=_text,
    kind=st.sampled_from([*ThirdPartyKind.values, ""]), category=st.none() | _terms,
    service=_text, country=st.none() | _countries, address=_text, email=_text, phone=_text,
    website=_text, contract_link=_text, dpf_certified=st.booleans(),
    group_organisation_id=st.none(), group_organisation=_text, notes=_text,
    dpo_contact=_text, representative_contact=_text)
_purposes = st.builds(r.Purpose, id=st.integers(1, 9), number=st.integers(1, 9),
                      description=_text, position=st.integers(0, 9))
_bases = st.builds(
    r.LawfulBasisUse, id=st.integers(1, 9), basis=_terms, data_categories=st.lists(_terms, max_size=2),
    purposes=st.lists(_purposes, max_size=2), legitimate_interest=_text, lia_link=_text,
    consent_record_link=_text, citation=_text, notes=_text, consent_description=_text)
_recipients = st.builds(r.Recipient, id=st.integers(1, 9), third_party=st.none() | _parties,
                        category=st.none() | _terms, data_categories=st.lists(_terms, max_size=2),
                        purpose=_text)
_transfers = st.builds(
    r.Transfer, id=st.integers(1, 9), country=st.none() | _countries,
    international_organisation=_text, third_party=st.none() | _parties,
    mechanism=st.none() | _terms, safeguards=_text, safeguard_document_link=_text, tia_link=_text,
    scc_module=st.none() | st.integers(1, 4), organisation=st.none() | _organisations)
_retention = st.builds(
    r.RetentionRule, id=st.integers(1, 9), data_category=st.none() | _terms, period=_text,
    trigger=_text, trigger_description=_text, legal_source=_text, deletion_method=_text,
    criteria=_text)
_dates = st.none() | st.dates(datetime.date(2000, 1, 1), datetime.date(2040, 1, 1))
_moments = st.none() | st.datetimes(datetime.datetime(2000, 1, 1), datetime.datetime(2040, 1, 1),
                                    timezones=st.just(datetime.UTC))


_BLANK = {"int": 1, "str": "", "bool": False}


def _empty(**fields) -> r.Activity:
    """An activity record with nothing recorded beyond what ``fields`` give."""
    required = {f.name: _BLANK.get(f.type) for f in dataclasses.fields(r.Activity)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    return r.Activity(**(required | fields))


_activities = st.builds(
    _empty,
    jurisdiction=st.sampled_from([*Jurisdiction.values, ""]),
    role=st.sampled_from([*ActivityRole.values, ""]),
    status=st.sampled_from([*ActivityStatus.values, ""]),
    status_changed_at=_moments, created_at=_moments, next_review_on=_dates,
    recipients_none=st.booleans(), security_description=_text,
    automated_decision_legal_effect=st.booleans(), systematic_monitoring=st.booleans(),
    dpia_status=_text, dpia_link=_text,
    joint_controllers=st.lists(_parties, max_size=2),
    controllers_served=st.lists(_parties, max_size=3),
    data_subjects=st.lists(_terms, max_size=2), data_categories=st.lists(_terms, max_size=3),
    special_category_conditions=st.lists(_terms, max_size=2),
    schedule1_conditions=st.lists(_terms, max_size=2),
    security_measures=st.lists(_terms, max_size=2), purposes=st.lists(_purposes, max_size=3),
    lawful_bases=st.lists(_bases, max_size=3), recipients=st.lists(_recipients, max_size=4),
    transfers=st.lists(_transfers, max_size=4), retention_rules=st.lists(_retention, max_size=2),
)

TODAY = datetime.date(2026, 7, 15)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_every_rule_runs_on_the_empty_activity(rule):
    for role in ActivityRole.values:
        for law in Jurisdiction.values:
            found = list(rule.check(_empty(role=role, jurisdiction=law, status="active"), TODAY))
            assert all(isinstance(field, str) and str(message) for field, message in found)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(activity=_activities)
def test_every_rule_runs_on_any_activity(activity):
    for rule in RULES:
        for field, message in rule.check(activity, TODAY):
            assert isinstance(field, str) and str(message)
