"""One register that holds a distinctive value in every field a user enters, written
through the services: what the fidelity test (test_fidelity.py) exports and reads back.

Every value is a marker that occurs nowhere else (text that names its field, a URL or an
email whose path names it, a date no other field holds, a choice whose label is told
apart), so finding it in an export shows that the export carries that field.
"""

from __future__ import annotations

import datetime

from entities import services as entity_services
from entities.models import ContactRole, Organisation, RecipientCategory
from processing import services
from processing.models import (
    LawfulBasis,
    Schedule1Condition,
    SecurityMeasure,
    SpecialCategoryCondition,
    TransferMechanism,
)
from tests.factories import country, data_category, subject_category

ORG = "Fidelity Register Org Ltd"
PARENT = "Fidelity Parent Holdings SE"
MAIN = "FID-01"
PROCESSOR = "FID-02"
NO_RECIPIENTS = "FID-03"
OWNER = "Olwen Ownerby-Fidelity"
#: The third party that holds every third-party field: a sub-processor receiving the data
#: and importing it abroad.
VENDOR = "Vendorix Subprocessing Marker Ltd"
JOINT = "Jointly Decides Marker GmbH"
CLIENT = "Client Served Marker SARL"
GROUP_COMPANY = "Sister Company Marker BV"
#: Purposes in the order the register keeps them (positions 1 then 2, created in reverse).
PURPOSE_FIRST = "fid purpose alpha: screen volunteers"
PURPOSE_SECOND = "fid purpose beta: keep volunteers informed"


def url(key: str) -> str:
    return f"https://fidelity.example/{key.replace('.', '/')}"


def email(key: str) -> str:
    return f"{key.replace('_', '-')}@fidelity.example"


def marker(key: str) -> str:
    return f"fid-marker {key}"


def _contact_phone(number: int) -> str:
    return f"+44 (0)20 7946 {number:04d}"


def build() -> Organisation:
    gb, br = country("GB"), country("BR")
    parent = entity_services.organisation_create(name=PARENT, country=country("NL"),
                                                 jurisdiction="eu")
    org = entity_services.organisation_create(
        name=ORG, trading_name=marker("organisation.trading_name"),
        registration_number="FIDREG-73311", authority_registration_ref="ZB918273",
        vat_number="GB-VAT-551177", address=marker("organisation.address"),
        trading_address=marker("organisation.trading_address"), country=country("MT"),
        website=url("organisation.website"), email=email("organisation.email"),
        phone="+356 2122 0099", parent=parent, jurisdiction="eu", public_authority=True,
    )
    for number, role in enumerate(ContactRole.values, start=1):
        entity_services.contact_create(
            organisation=org, role=role, name=marker(f"contact.{role}.name"),
            email=email(f"contact.{role}.email"), phone=_contact_phone(1100 + number),
            address=marker(f"contact.{role}.address"),
        )
    owner = entity_services.person_named(org, OWNER, email("owner.email"))

    vendor = entity_services.third_party_create(
        organisation=org, name=VENDOR, kind="sub_processor",
        category=RecipientCategory.objects.get(code="payment-processor"),
        service=marker("third_party.service"), country=country("IN"),
        address=marker("third_party.address"), email=email("third_party.email"),
        phone="+91 22 6600 4411", website=url("third_party.website"),
        contract_link=url("third_party.contract_link"), dpf_certified=True,
        notes=marker("third_party.notes"),
    )
    joint = entity_services.third_party_create(organisation=org, name=JOINT,
                                               kind="joint_controller", country=gb)
    client = entity_services.third_party_create(
        organisation=org, name=CLIENT, kind="controller", country=country("FR"),
        dpo_contact=marker("third_party.dpo_contact"),
        representative_contact=marker("third_party.representative_contact"))
    sister = entity_services.third_party_create(organisation=org, name=GROUP_COMPANY,
                                                kind="group_company", group_organisation=parent)

    education, credentials = data_category("education"), data_category("credentials")
    social, union = data_category("social-media"), data_category("trade-union-membership")
    main = services.activity_create(
        organisation=org, reference=MAIN, name=marker("activity.name"),
        business_function=marker("activity.business_function"), owner=owner,
        role="joint_controller", status="in_review", joint_controllers=[joint],
        description=marker("activity.description"),
        last_reviewed_on=datetime.date(2024, 2, 29), next_review_on=datetime.date(2031, 7, 19),
        data_subjects=[subject_category("volunteers")],
        data_categories=[union, education, credentials, social],
        special_category_conditions=[SpecialCategoryCondition.objects.get(code="A9-2-d")],
        schedule1_conditions=[Schedule1Condition.objects.get(code="DPA2018-S1-P2-23")],
        security_measures=[SecurityMeasure.objects.get(code="penetration-testing")],
        security_description=marker("activity.security_description"),
        source_of_data=marker("activity.source_of_data"),
        automated_decision_making=True, automated_decision_legal_effect=True,
        automated_decision_description=marker("activity.automated_decision_description"),
        systematic_monitoring=True, data_location=marker("activity.data_location"),
        dpia_required="yes", dpia_status="completed", dpia_link=url("activity.dpia_link"),
        breach_occurred=True, breach_link=url("activity.breach_link"),
        retention_policy_link=url("activity.retention_policy_link"), retention_adhered=False,
        retention_non_adherence_reason=marker("activity.retention_non_adherence_reason"),
        large_scale=True, evaluation_or_scoring=True, matching_datasets=True,
        vulnerable_subjects=True, children=True, innovative_technology=True,
        prevents_exercise_of_right=True,
        automated_decision_safeguards=marker("activity.automated_decision_safeguards"),
        children_consent=marker("activity.children_consent"), data_from_other_sources=True,
        privacy_notice_link=url("activity.privacy_notice_link"),
        joint_arrangement_link=url("activity.joint_arrangement_link"), direct_marketing=True,
        electronic_marketing=True, soft_opt_in=True,
        policy_document_link=url("activity.policy_document_link"),
    )
    second = services.purpose_add(activity=main, description=PURPOSE_SECOND, position=2)
    first = services.purpose_add(activity=main, description=PURPOSE_FIRST, position=1)
    del second
    services.lawful_basis_add(
        activity=main, basis=LawfulBasis.objects.get(code="A6-1-a"), purposes=[first],
        data_categories=[education], consent_record_link=url("lawful_basis.consent_record_link"),
        consent_description=marker("lawful_basis.consent_description"),
    )
    services.lawful_basis_add(
        activity=main, basis=LawfulBasis.objects.get(code="A6-1-e"),
        citation=marker("lawful_basis.citation"), notes=marker("lawful_basis.notes"),
    )
    services.lawful_basis_add(
        activity=main, basis=LawfulBasis.objects.get(code="A6-1-f"),
        legitimate_interest=marker("lawful_basis.legitimate_interest"),
        lia_link=url("lawful_basis.lia_link"),
    )
    services.lawful_basis_add(
        activity=main, basis=LawfulBasis.objects.get(code="UK-A6-1-ea"),
        recognised_interest="safeguarding",
    )
    services.recipient_add(activity=main, third_party=vendor, data_categories=[credentials],
                           purpose=marker("recipient.purpose"))
    services.recipient_add(activity=main, third_party=sister)
    services.recipient_add(activity=main,
                           category=RecipientCategory.objects.get(code="credit-reference"))
    services.transfer_add(
        activity=main, country=br, third_party=vendor,
        mechanism=TransferMechanism.objects.get(code="EU-SCC-2021"), scc_module=3,
        safeguards=marker("transfer.safeguards"),
        safeguard_document_link=url("transfer.safeguard_document_link"),
        tia_link=url("transfer.tia_link"),
    )
    services.transfer_add(activity=main,
                          international_organisation=marker("transfer.international_organisation"),
                          mechanism=TransferMechanism.objects.get(code="UK-IDTA"))
    # Processors whose countries the organisation does not name: flagged for a TIA.
    services.transfer_add(activity=main, mechanism=TransferMechanism.objects.get(code="BCR"))
    services.retention_rule_add(
        activity=main, period="P13Y", period_is_maximum=True, trigger="application_decision",
        legal_source=marker("retention.legal_source"), deletion_method="delete_or_anonymise",
    )
    services.retention_rule_add(
        activity=main, data_category=social, period="P9M", trigger="other",
        trigger_description=marker("retention.trigger_description"),
        criteria=marker("retention.criteria"),
    )

    processor = services.activity_create(
        organisation=org, reference=PROCESSOR, name="Fidelity processing for a client",
        role="processor", status="active", controllers_served=[client],
        data_subjects=[subject_category("customers")], data_categories=[data_category("contact")],
    )
    services.purpose_add(activity=processor, description="Run the client's helpdesk")
    # An activity that discloses to nobody: "no recipients" told from "not recorded".
    services.activity_create(
        organisation=org, reference=NO_RECIPIENTS, name="Fidelity staff directory",
        status="active", recipients_none=True, data_subjects=[subject_category("employees")],
    )
    return org
