"""A rich register for the export and import tests, written through the services."""

import datetime

import pytest

from entities import services as entity_services
from entities.models import Organisation, RecipientCategory
from processing import services
from processing.models import (
    LawfulBasis,
    Schedule1Condition,
    SecurityMeasure,
    SpecialCategoryCondition,
    TransferMechanism,
)
from tests.factories import basis, country, data_category, subject_category


def build_rich_register(name: str = "Mondago Limited", *, user=None) -> Organisation:
    """A controller and processor register: joint controllers, consent scoped to one purpose,
    special category data, named recipients, a US transfer under SCCs, retention rules."""
    org = entity_services.organisation_create(
        name=name, trading_name="Mondago", registration_number="04567890",
        authority_registration_ref="ZA073957", address="Enterprise House\nReading RG1 1AA",
        country=country("GB"), website="https://www.mondago.com", email="privacy@mondago.com",
        phone="+44 118 000 0000", jurisdiction="uk", user=user,
    )
    entity_services.contact_create(organisation=org, role="dpo", name="Dana Officer",
                                   email="dpo@mondago.com", phone="+44 118 000 0001",
                                   address="Enterprise House, Reading", user=user)
    entity_services.contact_create(organisation=org, role="representative", name="EU Rep GmbH",
                                   email="rep@example.eu", address="Berlin", user=user)
    crm = RecipientCategory.objects.get(code="crm-provider")
    zendesk = entity_services.third_party_create(
        organisation=org, name="Zendesk Inc", kind="processor",
        category=RecipientCategory.objects.get(code="helpdesk-provider"), country=country("US"),
        address="989 Market Street, San Francisco", contract_link="https://contracts.example.com/zendesk",
        dpf_certified=True, service="Support desk", user=user,
    )
    salesforce = entity_services.third_party_create(
        organisation=org, name="Salesforce", kind="processor", category=crm, country=country("US"),
        contract_link="", user=user,
    )
    akixi = entity_services.third_party_create(
        organisation=org, name="Akixi Limited", kind="joint_controller", country=country("GB"),
        address="Exeter", email="privacy@akixi.com", user=user,
    )
    client = entity_services.third_party_create(
        organisation=org, name="=Client Corp", kind="controller", country=country("FR"),
        email="dpo@client.example", user=user,
    )

    marketing = services.activity_create(
        organisation=org, user=user, reference="PA-001", name="Joint marketing with Akixi",
        business_function="Marketing", role="joint_controller", status="active",
        description="Email campaigns to prospects of both companies.",
        joint_controllers=[akixi],
        data_subjects=[subject_category("prospects"), subject_category("customers")],
        data_categories=[data_category("identity"), data_category("contact"),
                         data_category("marketing-preferences")],
        security_measures=list(SecurityMeasure.objects.filter(code__in=["encryption-at-rest",
                                                                        "access-management"])),
        security_description="+ MFA for all staff",
        source_of_data="Trade shows", automated_decision_making=True,
        automated_decision_description="Lead scoring", data_location="Salesforce EU org",
        dpia_required="no", retention_policy_link="https://intranet.example.com/retention",
        retention_adhered=True, last_reviewed_on=datetime.date(2025, 1, 10),
        next_review_on=datetime.date(2026, 1, 10),
    )
    p1 = services.purpose_add(activity=marketing, user=user, description="Send newsletters")
    services.purpose_add(activity=marketing, user=user, description="Measure campaign results")
    services.lawful_basis_add(activity=marketing, basis=basis("A6-1-a"), user=user, purposes=[p1],
                              consent_record_link="https://consent.example.com/records")
    services.lawful_basis_add(activity=marketing, basis=basis("A6-1-f"), user=user,
                              legitimate_interest="Direct marketing to business contacts",
                              lia_link="https://intranet.example.com/lia/1",
                              data_categories=[data_category("identity")])
    services.recipient_add(activity=marketing, third_party=salesforce, user=user,
                           data_categories=[data_category("contact")], purpose="CRM hosting")
    services.recipient_add(activity=marketing, category=crm, user=user)
    services.transfer_add(activity=marketing, country=country("US"), third_party=salesforce,
                          mechanism=TransferMechanism.objects.get(code="EU-SCC-2021"),
                          safeguards="SCCs module 2 with UK Addendum",
                          safeguard_document_link="https://contracts.example.com/scc", user=user)
    services.retention_rule_add(activity=marketing, period="P2Y", trigger="last_contact",
                                legal_source="", deletion_method="deletion", user=user)
    services.retention_rule_add(activity=marketing, data_category=data_category("marketing-preferences"),
                                criteria="Until consent is withdrawn", user=user)

    hr = services.activity_create(
        organisation=org, user=user, reference="PA-002", name="Occupational health",
        business_function="HR", role="controller", status="draft",
        data_subjects=[subject_category("employees")],
        data_categories=[data_category("identity"), data_category("health")],
        special_category_conditions=[SpecialCategoryCondition.objects.get(code="A9-2-b")],
        schedule1_conditions=[Schedule1Condition.objects.get(code="DPA2018-S1-P1-1")],
        recipients_none=True, dpia_required="yes", dpia_status="in_progress",
        dpia_link="https://intranet.example.com/dpia/7", breach_occurred=True,
        breach_link="https://intranet.example.com/breach/3", retention_adhered=False,
        retention_non_adherence_reason="Legacy paper files",
    )
    services.purpose_add(activity=hr, user=user, description="Manage sickness absence")
    services.lawful_basis_add(activity=hr, basis=basis("A6-1-c"), user=user,
                              citation="Employment Rights Act 1996")
    services.retention_rule_add(activity=hr, period="P6Y", trigger="end_of_contract",
                                legal_source="Limitation Act 1980", user=user)

    support = services.activity_create(
        organisation=org, user=user, reference="PA-003", name="Hosted support for clients",
        business_function="Support", role="processor", status="active",
        controllers_served=[client], data_subjects=[subject_category("end-users")],
        data_categories=[data_category("identity"), data_category("technical")],
        security_measures=list(SecurityMeasure.objects.filter(code="iso-27001")),
        description="Call logs processed on behalf of clients",
    )
    services.purpose_add(activity=support, user=user, description="Provide the support service")
    services.recipient_add(activity=support, third_party=zendesk, user=user)
    services.transfer_add(activity=support, country=country("US"), third_party=zendesk,
                          mechanism=TransferMechanism.objects.get(code="EU-US-DPF"), user=user)
    services.retention_rule_add(activity=support, period="P12M", trigger="submission",
                                deletion_method="return", user=user)
    services.activity_create(organisation=org, user=user, reference="PA-004", name="Old payroll",
                             status="retired", data_subjects=[subject_category("employees")])
    return org


@pytest.fixture
def rich_register(db):
    return build_rich_register()


@pytest.fixture
def reference_counts(db):
    return {m.__name__: m.objects.count() for m in (LawfulBasis, TransferMechanism)}
