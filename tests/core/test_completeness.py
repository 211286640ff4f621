"""Completeness per Art 30 item, scored on hand-built records of the register."""

from __future__ import annotations

import dataclasses

import pytest

from processing.completeness import (
    CONTROLLER_ITEMS,
    ITEMS,
    OUTSIDE_ARTICLE_30,
    PROCESSOR_ITEMS,
    activity_completeness,
)
from processing.findings import RULES
from processing.register import records as r

GB = r.Country(id=1, code="GB", name="United Kingdom", uk_adequacy="full")
US = r.Country(id=2, code="US", name="United States")
FR = r.Country(id=3, code="FR", name="France", is_eu=True, is_eea=True, uk_adequacy="full")


def term(code, **kwargs) -> r.Term:
    return r.Term(id=abs(hash(code)) % 10_000, code=code, name=code.title(), **kwargs)


def party(name="Zendesk", **kwargs) -> r.ThirdParty:
    values = {"id": abs(hash(name)) % 10_000, "organisation_id": 1, "name": name, "kind": "processor",
                  "category": None, "service": "", "country": GB, "address": "1 High St", "email": "",
                  "phone": "", "website": "", "contract_link": "https://x.example/dpa",
                  "dpf_certified": False, "group_organisation_id": None, "group_organisation": "",
                  "notes": ""}
    values.update(kwargs)
    return r.ThirdParty(**values)


def controller(**kwargs) -> r.Controller:
    values = {"id": 1, "name": "Akixi Limited", "jurisdiction": "uk",
              "email": "privacy@akixi.example", "country": GB, "contact_roles": {"dpo": True}}
    values.update(kwargs)
    return r.Controller(**values)


# The records are of a UK exporter: its safeguard is the IDTA; a derogation serves both laws.
SCC = term("UK-IDTA", kind="idta", article="UK GDPR Art 46(2)(d)", jurisdiction="uk")
DEROGATION = term("A49-1-B", kind="derogation", article="Art 49(1)(b)", jurisdiction="eu_uk",
                  requires_documented_safeguards=True)


def transfer(country=US, mechanism=SCC, **kwargs) -> r.Transfer:
    values = {"id": 1, "country": country, "international_organisation": "", "third_party": None,
                  "mechanism": mechanism, "safeguards": "", "safeguard_document_link": "", "tia_link": ""}
    values.update(kwargs)
    return r.Transfer(**values)


def record(**kwargs) -> r.Activity:
    """A controller record with every Art 30(1) item complete, changed by ``kwargs``."""
    values = {
        "id": 1, "organisation_id": 1, "organisation": "Akixi Limited", "jurisdiction": "uk",
        "reference": "PA-1", "name": "Support", "business_function": "", "owner_id": None, "owner": "",
        "role": "controller", "status": "active", "status_changed_at": None, "version": 1, "description": "",
        "created_at": None, "updated_at": None, "last_reviewed_on": None, "next_review_on": None,
        "recipients_none": False, "security_description": "", "source_of_data": "",
        "automated_decision_making": False, "automated_decision_legal_effect": False,
        "automated_decision_description": "", "systematic_monitoring": False, "data_location": "",
        "dpia_required": "", "dpia_status": "", "dpia_link": "", "breach_occurred": False, "breach_link": "",
        "retention_policy_link": "", "retention_adhered": None, "retention_non_adherence_reason": "",
        "controller": controller(),
        "purposes": [r.Purpose(id=1, number=1, description="Answer support calls", position=0)],
        "data_subjects": [term("customers")], "data_categories": [term("contact")],
        "recipients": [r.Recipient(id=1, third_party=party(), category=None, data_categories=[],
                                purpose="")],
        "retention_rules": [r.RetentionRule(id=1, data_category=None, period="P7Y",
                                         trigger="end_of_relationship", trigger_description="",
                                         legal_source="", deletion_method="", criteria="")],
        "security_measures": [term("encryption")],
    }
    values.update(kwargs)
    return r.Activity(**values)


def processor_record(**kwargs) -> r.Activity:
    values = {"role": "processor", "controllers_served": [party("Client plc", kind="controller",
                                                              email="dpo@client.example",
                                                              dpo_contact="Jo Bloggs, DPO")],
                  "data_subjects": [], "data_categories": [], "recipients": [], "retention_rules": []}
    values.update(kwargs)
    return record(**values)


def statuses(activity) -> dict[str, str]:
    return {i.item.key: i.status for i in activity_completeness(activity).items}


# --- the definition ------------------------------------------------------------------------

def test_every_rule_is_mapped_to_an_item_or_declared_outside_article_30():
    mapped = {code for item in ITEMS for code in item.codes}
    for rule in RULES:
        assert (rule.code in mapped) != (rule.code in OUTSIDE_ARTICLE_30), (
            f"Rule {rule.code} is neither mapped to an Art 30 item nor listed in "
            "OUTSIDE_ARTICLE_30 (processing/completeness.py), or it is both.")
    codes = {rule.code for rule in RULES}
    assert mapped <= codes and codes >= OUTSIDE_ARTICLE_30  # no code that no rule raises


def test_a_complete_controller_record_scores_100_on_seven_items():
    scored = activity_completeness(record())
    assert scored.record == "controller"
    assert [i.item.key for i in scored.items] == ["1a", "1b", "1c", "1d", "1e", "1f", "1g"]
    assert all(i.status == "complete" and not i.missing for i in scored.items)
    assert scored.score == 100


def test_a_complete_processor_record_scores_100_on_four_items():
    scored = activity_completeness(processor_record())
    assert scored.record == "processor"
    assert [i.item.key for i in scored.items] == ["2a", "2b", "2c", "2d"]
    assert scored.score == 100
    assert len(CONTROLLER_ITEMS) == 7 and len(PROCESSOR_ITEMS) == 4


def test_the_score_is_the_share_of_items_complete():
    # (b) missing and (c) partial: 5 of 7 complete.
    scored = activity_completeness(record(purposes=[], data_subjects=[]))
    assert statuses(record(purposes=[], data_subjects=[])) == {
        "1a": "complete", "1b": "missing", "1c": "partial", "1d": "complete", "1e": "complete",
        "1f": "complete", "1g": "complete"}
    assert scored.score == round(100 * 5 / 7) == 71
    as_dict = scored.as_dict()
    assert as_dict["score"] == 71 and as_dict["record"] == "controller"
    assert as_dict["items"][1] == {
        "item": "1b", "article": "Art 30(1)(b)", "title": "Purposes of the processing",
        "status": "missing", "missing": [as_dict["items"][1]["missing"][0]]}


# --- (1)(a) the controller ---------------------------------------------------------------------

def test_1a_partial_without_a_dpo_complete_with_a_privacy_contact_instead():
    no_dpo = record(controller=controller(contact_roles={}))
    item = activity_completeness(no_dpo).item("1a")
    assert item.status == "partial"
    assert "No data protection officer" in item.missing[0]
    privacy = record(controller=controller(contact_roles={"privacy": True}))
    assert statuses(privacy)["1a"] == "complete"


def test_1a_partial_when_the_dpo_cannot_be_reached():
    silent = record(controller=controller(contact_roles={"dpo": False}))
    item = activity_completeness(silent).item("1a")
    assert item.status == "partial"
    assert item.missing == ("The Data Protection Officer of Akixi Limited has no contact "
                            "details: record an email, telephone or address.",)


def test_1a_missing_when_only_the_controllers_name_is_recorded():
    bare = record(controller=controller(email="", contact_roles={}))
    item = activity_completeness(bare).item("1a")
    assert item.status == "missing"
    assert any("No contact details for the controller Akixi Limited" in m for m in item.missing)


def test_1a_asks_for_a_representative_only_outside_the_territory_of_the_law():
    us_company = controller(country=US)
    item = activity_completeness(record(controller=us_company)).item("1a")
    assert item.status == "partial" and "Art 27 representative" in item.missing[0]
    represented = controller(country=US, contact_roles={"dpo": True, "representative": True})
    assert statuses(record(controller=represented))["1a"] == "complete"
    # A French company under the EU GDPR is established in the EEA; under the UK GDPR not.
    assert statuses(record(controller=controller(country=FR, jurisdiction="eu")))["1a"] == "complete"
    assert statuses(record(controller=controller(country=FR, jurisdiction="uk")))["1a"] == "partial"


def test_1a_joint_controllers_named_with_contact_details():
    unnamed = record(role="joint_controller")
    item = activity_completeness(unnamed).item("1a")
    assert item.status == "partial" and "joint controller" in item.missing[0]
    unreachable = record(role="joint_controller",
                         joint_controllers=[party("Mondago", kind="joint_controller", address="")])
    item = activity_completeness(unreachable).item("1a")
    assert item.status == "partial" and item.missing == (
        "Mondago (joint controller) has no contact details: record its address, email or "
        "telephone.",)
    named = record(role="joint_controller",
                   joint_controllers=[party("Mondago", kind="joint_controller")])
    assert statuses(named)["1a"] == "complete"


# --- (b) to (g) ---------------------------------------------------------------------------------

def test_1c_missing_when_both_lists_are_empty_partial_when_one_is():
    assert statuses(record(data_subjects=[], data_categories=[]))["1c"] == "missing"
    assert statuses(record(data_categories=[]))["1c"] == "partial"
    assert statuses(record(data_subjects=[]))["1c"] == "partial"


def test_1d_recipients_or_none():
    assert statuses(record(recipients=[]))["1d"] == "missing"
    assert statuses(record(recipients=[], recipients_none=True))["1d"] == "complete"


def test_1e_complete_without_transfers_or_with_each_safeguarded():
    assert statuses(record(transfers=[]))["1e"] == "complete"
    assert statuses(record(transfers=[transfer()]))["1e"] == "complete"
    # A transfer to an adequate country needs no mechanism.
    assert statuses(record(transfers=[transfer(country=FR, mechanism=None)]))["1e"] == "complete"


def test_1e_partial_when_some_transfers_lack_a_safeguard_missing_when_all_do():
    bare = transfer(mechanism=None)
    item = activity_completeness(record(transfers=[transfer(), bare])).item("1e")
    assert item.status == "partial" and "United States" in item.missing[0]
    assert statuses(record(transfers=[bare, dataclasses.replace(bare, id=2)]))["1e"] == "missing"
    # An Art 49 derogation without documented safeguards is a gap; documented, it is not.
    assert statuses(record(transfers=[transfer(mechanism=DEROGATION)]))["1e"] == "partial"
    documented = transfer(mechanism=DEROGATION, safeguards="Explicit consent, recorded")
    assert statuses(record(transfers=[documented]))["1e"] == "complete"


def test_1f_and_1g():
    assert statuses(record(retention_rules=[]))["1f"] == "missing"
    assert statuses(record(security_measures=[]))["1g"] == "missing"
    described = record(security_measures=[], security_description="Encrypted at rest")
    assert statuses(described)["1g"] == "complete"


# --- processor record ------------------------------------------------------------------------

def test_2a_missing_without_controllers_served_partial_when_one_cannot_be_reached():
    assert statuses(processor_record(controllers_served=[]))["2a"] == "missing"
    unreachable = party("Client plc", kind="controller", address="", dpo_contact="Jo Bloggs")
    item = activity_completeness(processor_record(controllers_served=[unreachable])).item("2a")
    assert item.status == "partial" and "Client plc (controller served)" in item.missing[0]
    # Art 30(2)(a) names each controller's DPO or representative too.
    no_contacts = party("Client plc", kind="controller", email="dpo@client.example")
    item = activity_completeness(processor_record(controllers_served=[no_contacts])).item("2a")
    assert item.status == "partial"
    assert item.missing == ("Client plc is a controller served with neither its DPO nor its "
                            "Art 27 representative recorded: record their names and contact "
                            "details on its third-party record (or that it has none).",)
    no_dpo = processor_record(controller=controller(contact_roles={}))
    assert statuses(no_dpo)["2a"] == "partial"


def test_processor_items_b_to_d():
    assert statuses(processor_record(purposes=[]))["2b"] == "missing"
    assert statuses(processor_record(transfers=[transfer(mechanism=None)]))["2c"] == "missing"
    assert statuses(processor_record(security_measures=[]))["2d"] == "missing"
    # Controller items do not apply: no subjects, recipients or retention are asked of it.
    assert activity_completeness(processor_record()).score == 100


@pytest.mark.parametrize("role", ["controller", "processor"])
def test_an_empty_record_scores_without_error(role):
    empty = record(role=role, controller=None, purposes=[], data_subjects=[],
                   data_categories=[], recipients=[], retention_rules=[],
                   security_measures=[])
    scored = activity_completeness(empty)
    # Only the transfers item is complete: no transfer, none needed.
    complete = [i.item.key for i in scored.items if i.status == "complete"]
    assert complete == (["1e"] if role == "controller" else ["2c"])
    assert scored.score == (14 if role == "controller" else 25)
