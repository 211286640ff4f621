"""Each finding rule fires on a record that breaks it and stays quiet on one that does not."""

import datetime

import pytest
from django.utils import timezone

from processing.findings import (
    RULES,
    activity_findings,
    dpia_criteria,
    dpia_triggers,
    register_findings,
)
from processing.models import ProcessingActivity, SpecialCategoryCondition
from tests.factories import (
    LawfulBasisUseFactory,
    RecipientFactory,
    ThirdPartyFactory,
    TransferFactory,
    basis,
    complete_activity,
    country,
    data_category,
    mechanism,
)

pytestmark = pytest.mark.django_db


def _codes(activity):
    activity = ProcessingActivity.objects.with_register().get(pk=activity.pk)
    return {f.code for f in activity_findings(activity)}


def _break_purposes(a):
    a.purposes.all().delete()


def _break_subjects(a):
    a.data_subjects.clear()


def _break_data(a):
    a.data_categories.clear()
    for use in a.lawful_bases.all():
        use.data_categories.clear()


def _break_recipients(a):
    a.recipients.all().delete()


def _break_retention(a):
    a.retention_rules.all().delete()


def _break_security(a):
    a.security_measures.clear()
    a.security_description = ""
    a.save()


def _break_controllers(a):
    a.role = "processor"
    a.save()


def _break_joint(a):
    a.role = "joint_controller"
    a.save()


def _break_basis(a):
    a.lawful_bases.all().delete()


def _break_li_interest(a):
    LawfulBasisUseFactory(activity=a, basis=basis("A6-1-f"), legitimate_interest="",
                          lia_link="https://example.com/lia")


def _break_li_lia(a):
    LawfulBasisUseFactory(activity=a, basis=basis("A6-1-f"), legitimate_interest="Fraud prevention")


def _break_consent(a):
    LawfulBasisUseFactory(activity=a, basis=basis("A6-1-a"))


def _break_citation(a):
    LawfulBasisUseFactory(activity=a, basis=basis("A6-1-c"), citation="")


def _break_art9(a):
    a.data_categories.add(data_category("health"))
    a.dpia_link = "https://example.com/dpia"
    a.save()


def _break_art10(a):
    a.data_categories.add(data_category("criminal-offences"))
    a.dpia_link = "https://example.com/dpia"
    a.save()


def _break_mechanism(a):
    TransferFactory(activity=a, country=country("IN"), mechanism=None)


def _break_unnamed(a):
    TransferFactory(activity=a, country=None, mechanism=mechanism("EU-SCC-2021"), tia_link="")


def _break_derogation(a):
    TransferFactory(activity=a, country=country("IN"), mechanism=mechanism("A49-1-a"),
                    safeguards="", safeguard_document_link="")


def _break_dpf(a):
    importer = ThirdPartyFactory(organisation=a.organisation, country=country("US"),
                                 dpf_certified=False)
    TransferFactory(activity=a, country=country("US"), mechanism=mechanism("EU-US-DPF"),
                    third_party=importer)


def _break_regime(a):
    TransferFactory(activity=a, country=country("US"), mechanism=mechanism("EU-US-DPF"))


def _break_destination(a):
    TransferFactory(activity=a, country=country("IN"), mechanism=mechanism("UK-A45A"))


def _break_transfer_missing(a):
    RecipientFactory(activity=a, third_party=ThirdPartyFactory(
        organisation=a.organisation, name="Helpdesk Inc", country=country("US")))


def _break_tia(a):
    TransferFactory(activity=a, country=country("IN"), mechanism=mechanism("UK-IDTA"), tia_link="")


def _break_controller_contacts(a):
    a.role = "processor"
    a.save()
    a.controllers_served.add(ThirdPartyFactory(organisation=a.organisation, kind="controller"))


def _break_contract(a):
    RecipientFactory(activity=a, third_party=ThirdPartyFactory(
        organisation=a.organisation, kind="processor", contract_link=""))


def _break_dpia(a):
    a.systematic_monitoring = True
    a.large_scale = True
    a.save()


def _setter(**values):
    def change(a):
        for name, value in values.items():
            setattr(a, name, value)
        a.save()
    return change


def _break_child_consent(a):
    a.children = True
    a.save()
    LawfulBasisUseFactory(activity=a, basis=basis("A6-1-a"),
                          consent_record_link="https://example.com/consents")


def _break_schedule1(a):
    a.special_category_conditions.add(SpecialCategoryCondition.objects.get(code="A9-2-b"))


def _break_policy(a):
    from processing.models import Schedule1Condition

    a.schedule1_conditions.add(Schedule1Condition.objects.get(code="DPA2018-S1-P1-1"))


def _break_recognised(a):
    LawfulBasisUseFactory(activity=a, basis=basis("UK-A6-1-ea"))


def _break_public_authority(a):
    a.organisation.public_authority = True
    a.organisation.save()
    LawfulBasisUseFactory(activity=a, basis=basis("A6-1-f"), legitimate_interest="Fraud",
                          lia_link="https://example.com/lia")


def _break_review(a):
    a.next_review_on = timezone.localdate() - datetime.timedelta(days=1)
    a.save()


def _break_draft(a):
    ProcessingActivity.objects.filter(pk=a.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400))


BREAKERS = {
    "A30-PURPOSES": _break_purposes,
    "A30-SUBJECTS": _break_subjects,
    "A30-DATA": _break_data,
    "A30-RECIPIENTS": _break_recipients,
    "A30-RETENTION": _break_retention,
    "A30-SECURITY": _break_security,
    "A30-CONTROLLERS": _break_controllers,
    "A26-JOINT": _break_joint,
    "A6-BASIS": _break_basis,
    "A6-LI-INTEREST": _break_li_interest,
    "A6-LI-LIA": _break_li_lia,
    "A7-CONSENT-RECORD": _break_consent,
    "A6-3-CITATION": _break_citation,
    "A9-CONDITION": _break_art9,
    "A10-CONDITION": _break_art10,
    "CH5-MECHANISM": _break_mechanism,
    "CH5-TIA-UNNAMED": _break_unnamed,
    "A49-SAFEGUARDS": _break_derogation,
    "CH5-DPF-CERTIFIED": _break_dpf,
    "CH5-MECHANISM-REGIME": _break_regime,
    "CH5-MECHANISM-DESTINATION": _break_destination,
    "CH5-TRANSFER-MISSING": _break_transfer_missing,
    "CH5-TIA": _break_tia,
    "A30-CONTROLLER-CONTACTS": _break_controller_contacts,
    "A28-CONTRACT": _break_contract,
    "A35-DPIA": _break_dpia,
    "A35-SCREENING": _setter(large_scale=True),
    "A22-SAFEGUARDS": _setter(automated_decision_making=True, automated_decision_legal_effect=True,
                              dpia_link="https://example.com/dpia"),
    "A8-CHILD-CONSENT": _break_child_consent,
    "A14-SOURCE": _setter(data_from_other_sources=True, source_of_data=""),
    "A13-NOTICE": _setter(privacy_notice_link=""),
    "A26-ARRANGEMENT": _break_joint,
    "PECR-CONSENT": _setter(electronic_marketing=True),
    "SCH1-CONDITION": _break_schedule1,
    "SCH1-POLICY": _break_policy,
    "A6-EA-CONDITION": _break_recognised,
    "A6-PUBLIC-AUTHORITY": _break_public_authority,
    "REVIEW-OVERDUE": _break_review,
    "DRAFT-STALE": _break_draft,
}


def test_every_rule_has_a_breaking_case():
    assert {r.code for r in RULES} == set(BREAKERS)


def test_complete_activity_has_no_finding():
    assert _codes(complete_activity()) == set()


@pytest.mark.parametrize("code", sorted(BREAKERS))
def test_rule_fires_on_a_record_that_breaks_it(code):
    activity = complete_activity()
    BREAKERS[code](activity)
    codes = _codes(activity)
    assert code in codes
    finding = next(f for f in activity_findings(
        ProcessingActivity.objects.with_register().get(pk=activity.pk)) if f.code == code)
    assert finding.message and finding.severity in ("error", "warning", "info")
    assert finding.article


@pytest.mark.parametrize("code", sorted(BREAKERS))
def test_rule_stays_quiet_when_the_record_is_fixed(code):
    """Breaking one rule and supplying what it asks for leaves no finding of that code."""
    activity = complete_activity()
    BREAKERS[code](activity)
    FIXERS[code](ProcessingActivity.objects.get(pk=activity.pk))
    assert code not in _codes(activity)


def _fix_li(a):
    a.lawful_bases.filter(basis__code="A6-1-f").update(
        legitimate_interest="Fraud prevention", lia_link="https://example.com/lia")


def _fix_art9(a):
    a.special_category_conditions.add(SpecialCategoryCondition.objects.get(code="A9-2-b"))


def _fix_art10(a):
    from processing.models import Schedule1Condition

    a.schedule1_conditions.add(Schedule1Condition.objects.filter(applies_to="criminal").first())


def _fix_transfers(a):
    for transfer in a.transfers.all():
        transfer.mechanism = mechanism("UK-IDTA")
        transfer.save()


def _fix_derogation(a):
    a.transfers.update(safeguards="Explicit consent recorded after informing of the risks.")


def _fix_dpf(a):
    for transfer in a.transfers.select_related("third_party"):
        transfer.third_party.dpf_certified = True
        transfer.third_party.save()


def _fix_mechanism(code):
    def fix(a):
        a.transfers.update(mechanism=mechanism(code))
    return fix


def _fix_transfer_missing(a):
    importer = a.recipients.get(third_party__name="Helpdesk Inc").third_party
    TransferFactory(activity=a, country=importer.country, third_party=importer,
                    mechanism=mechanism("UK-IDTA"), tia_link="https://example.com/tia.pdf")


def _fix_controller_contacts(a):
    a.controllers_served.update(dpo_contact="Jo Bloggs, dpo@client.example")


def _fix_contract(a):
    for recipient in a.recipients.select_related("third_party"):
        recipient.third_party.contract_link = "https://example.com/dpa"
        recipient.third_party.save()


def _restore(field, value):
    def fix(a):
        setattr(a, field, value)
        a.save()
    return fix


def _fix_controllers(a):
    a.controllers_served.add(ThirdPartyFactory(organisation=a.organisation, kind="controller"))


def _fix_joint(a):
    a.joint_controllers.add(ThirdPartyFactory(organisation=a.organisation, kind="joint_controller"))


FIXERS = {
    "A30-PURPOSES": lambda a: a.purposes.create(description="Billing"),
    "A30-SUBJECTS": lambda a: a.data_subjects.add(
        __import__("tests.factories", fromlist=["x"]).subject_category("customers")),
    "A30-DATA": lambda a: a.data_categories.add(data_category("contact")),
    "A30-RECIPIENTS": _restore("recipients_none", True),
    "A30-RETENTION": lambda a: a.retention_rules.create(criteria="Until the account is closed."),
    "A30-SECURITY": _restore("security_description", "Access limited to the billing team."),
    "A30-CONTROLLERS": _fix_controllers,
    "A26-JOINT": _fix_joint,
    "A6-BASIS": lambda a: LawfulBasisUseFactory(activity=a, basis=basis("A6-1-b")),
    "A6-LI-INTEREST": _fix_li,
    "A6-LI-LIA": _fix_li,
    "A7-CONSENT-RECORD": lambda a: a.lawful_bases.filter(basis__code="A6-1-a").update(
        consent_record_link="https://example.com/consents"),
    "A6-3-CITATION": lambda a: a.lawful_bases.filter(basis__code="A6-1-c").update(
        citation="Companies Act 2006 s386"),
    "A9-CONDITION": _fix_art9,
    "A10-CONDITION": _fix_art10,
    "CH5-MECHANISM": _fix_transfers,
    "CH5-TIA-UNNAMED": lambda a: a.transfers.update(tia_link="https://example.com/tia.pdf"),
    "A49-SAFEGUARDS": _fix_derogation,
    "CH5-DPF-CERTIFIED": _fix_dpf,
    "CH5-MECHANISM-REGIME": _fix_mechanism("UK-US-DATA-BRIDGE"),
    "CH5-MECHANISM-DESTINATION": _fix_mechanism("UK-IDTA"),
    "CH5-TRANSFER-MISSING": _fix_transfer_missing,
    "CH5-TIA": lambda a: a.transfers.update(tia_link="https://example.com/tia.pdf"),
    "A30-CONTROLLER-CONTACTS": _fix_controller_contacts,
    "A28-CONTRACT": _fix_contract,
    "A35-DPIA": _restore("dpia_status", "in_progress"),
    "A35-SCREENING": _restore("dpia_required", "no"),
    "A22-SAFEGUARDS": _restore("automated_decision_safeguards", "An officer reviews on request."),
    "A8-CHILD-CONSENT": _restore("children_consent", "Parents confirm by email."),
    "A14-SOURCE": _restore("source_of_data", "Credit reference agencies"),
    "A13-NOTICE": _restore("privacy_notice_link", "https://example.com/notice"),
    "A26-ARRANGEMENT": _restore("joint_arrangement_link", "https://example.com/art26"),
    "PECR-CONSENT": _restore("soft_opt_in", True),
    "SCH1-CONDITION": lambda a: a.schedule1_conditions.add(
        __import__("processing.models", fromlist=["x"]).Schedule1Condition.objects.get(
            code="DPA2018-S1-P1-1")),
    "SCH1-POLICY": _restore("policy_document_link", "https://example.com/apd"),
    "A6-EA-CONDITION": lambda a: a.lawful_bases.filter(basis__code="UK-A6-1-ea").update(
        recognised_interest="crime"),
    "A6-PUBLIC-AUTHORITY": lambda a: a.lawful_bases.filter(basis__code="A6-1-f").delete(),
    "REVIEW-OVERDUE": _restore("next_review_on", None),
    "DRAFT-STALE": _restore("status", "in_review"),
}


def test_transfer_to_an_adequate_country_needs_no_mechanism():
    activity = complete_activity()
    TransferFactory(activity=activity, country=country("CH"), mechanism=None)
    TransferFactory(activity=activity, country=country("FR"), mechanism=None)
    assert "CH5-MECHANISM" not in _codes(activity)


def test_uk_organisation_uses_uk_adequacy_and_eu_organisation_eu_adequacy():
    """Gibraltar is adequate for the UK, not by an EU decision."""
    uk = complete_activity()
    TransferFactory(activity=uk, country=country("GI"), mechanism=None)
    assert "CH5-MECHANISM" not in _codes(uk)
    eu = complete_activity()
    eu.organisation.jurisdiction = "eu"
    eu.organisation.save()
    TransferFactory(activity=eu, country=country("GI"), mechanism=None)
    assert "CH5-MECHANISM" in _codes(eu)


def test_retired_activity_has_no_findings():
    activity = complete_activity()
    _break_purposes(activity)
    activity.status = "retired"
    activity.save()
    assert _codes(activity) == set()


def test_dpia_triggers_name_the_reasons():
    activity = complete_activity(automated_decision_legal_effect=True)
    activity.data_categories.add(data_category("health"))
    assert dpia_triggers(activity) == [
        "evaluation or scoring", "automated decisions with legal or similar effect",
        "special category data"]


def test_one_criterion_is_screening_not_a_dpia():
    activity = complete_activity()
    activity.data_categories.add(data_category("health"))
    assert dpia_triggers(activity) == []
    assert dpia_criteria(activity) == ["special category data"]


def test_register_findings_costs_a_constant_number_of_queries(django_assert_max_num_queries):
    for _ in range(3):
        complete_activity()
    with django_assert_max_num_queries(25) as small:
        register_findings()
    for _ in range(12):
        _break_purposes(complete_activity())
    with django_assert_max_num_queries(25) as large:
        result = register_findings()
    assert len(small.captured_queries) == len(large.captured_queries)
    assert sum("A30-PURPOSES" in {f.code for f in fs} for fs in result.values()) == 12


def test_every_rule_is_documented():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "findings.md").read_text()
    assert all(f"`{r.code}`" in text for r in RULES)


def test_messages_are_in_the_language_active_when_the_rules_run():
    """Messages are translated once per language and kept: each language has its own."""
    from django.utils import translation

    from processing.findings import dpia_criteria

    a = complete_activity()
    a.data_categories.add(data_category("health"))
    record = ProcessingActivity.objects.with_register().get(pk=a.pk)
    for language, expected in (("en-gb", "special category data"), ("fr", "données sensibles"),
                               ("en-gb", "special category data")):
        with translation.override(language):
            assert expected in dpia_criteria(record)
