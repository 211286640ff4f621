"""Every model saves, and its history records the user and path, many-to-many included."""

import pytest
from django.apps import apps

from entities import services as entity_services
from entities.models import Contact, Membership, Organisation, ThirdParty
from processing import services
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)
from ropa.audit import audit_context
from tests.factories import (
    UserFactory,
    basis,
    country,
    data_category,
    mechanism,
    subject_category,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return UserFactory(username="alice")


def test_every_register_model_keeps_history():
    register_apps = ("entities", "processing")
    untracked = [
        m.__name__ for m in apps.get_models()
        if m._meta.app_label in register_apps and not m.__name__.startswith("Historical")
        and not hasattr(m, "history") and m._meta.auto_created is False
        # A proxy has no rows of its own: API tokens are DRF's, and what they may read is
        # their user's membership, which keeps history.
        and not m._meta.proxy
        # Countries are ISO data and international organisations a reference list, both
        # loaded from the shipped data; findings summaries are derived, made again at will.
        and m.__name__ not in ("Country", "InternationalOrganisation", "FindingSummary")
    ]
    assert untracked == []


def test_whole_register_written_through_services_records_user_and_path(actor):
    org = entity_services.organisation_create(
        user=actor, path="api", name="Example Ltd", country=country("GB"))
    contact = entity_services.contact_create(
        organisation=org, user=actor, path="api", role="dpo", name="Dee Peeo",
        email="dpo@example.com")
    member = entity_services.membership_set(
        user_account=UserFactory(username="bob"), organisation=org, role="auditor", user=actor,
        path="api")
    party = entity_services.third_party_create(
        organisation=org, user=actor, path="api", name="Cloud Co", kind="processor",
        country=country("US"), contract_link="https://example.com/dpa")
    activity = services.activity_create(
        organisation=org, user=actor, path="api", name="Customer support",
        data_subjects=[subject_category("customers")],
        data_categories=[data_category("identity"), data_category("contact")])
    purpose = services.purpose_add(activity=activity, description="Answer tickets", user=actor,
                                   path="api")
    use = services.lawful_basis_add(activity=activity, basis=basis("A6-1-b"), user=actor,
                                    path="api", purposes=[purpose])
    recipient = services.recipient_add(activity=activity, third_party=party, user=actor, path="api")
    transfer = services.transfer_add(activity=activity, country=country("US"), third_party=party,
                                     mechanism=mechanism("UK-IDTA"), user=actor, path="api")
    rule = services.retention_rule_add(activity=activity, period="P2Y", trigger="last_contact",
                                       user=actor, path="api")

    for obj in (org, contact, member, party, activity, purpose, use, recipient, transfer, rule):
        record = obj.history.latest()
        assert record.history_user == actor, type(obj).__name__
        assert record.history_path == "api", type(obj).__name__

    assert {type(o) for o in (org, contact, member, party, activity, purpose, use, recipient,
                              transfer, rule)} == {
        Organisation, Contact, Membership, ThirdParty, ProcessingActivity, Purpose,
        ActivityLawfulBasis, ActivityRecipient, InternationalTransfer, RetentionRule}


def test_many_to_many_changes_are_in_history_with_the_user(actor):
    org = entity_services.organisation_create(user=actor, name="M2M Ltd")
    activity = services.activity_create(
        organisation=org, user=actor, name="Marketing",
        data_categories=[data_category("identity")])
    other = UserFactory(username="carol")
    services.activity_update(activity=activity, user=other, path="admin",
                             data_categories=[data_category("identity"), data_category("contact")])

    latest = activity.history.latest()
    assert latest.history_user == other
    assert latest.history_path == "admin"
    assert {row.personaldatacategory.code for row in latest.data_categories.all()} == {
        "identity", "contact"}
    before = latest.prev_record
    while before.history_user != actor:
        before = before.prev_record
    assert {row.personaldatacategory.code for row in before.data_categories.all()} == {"identity"}
    assert activity.history.earliest().history_type == "+"
    delta = latest.diff_against(before)
    assert "data_categories" in delta.changed_fields


def test_lawful_basis_scope_history(actor):
    org = entity_services.organisation_create(user=actor, name="Scope Ltd")
    activity = services.activity_create(
        organisation=org, user=actor, name="Newsletter",
        data_categories=[data_category("contact"), data_category("marketing-preferences")])
    use = services.lawful_basis_add(activity=activity, basis=basis("A6-1-a"), user=actor,
                                    data_categories=[data_category("marketing-preferences")])
    record = use.history.latest()
    assert [r.personaldatacategory.code for r in record.data_categories.all()] == [
        "marketing-preferences"]


def test_request_path_comes_from_the_audit_context(actor):
    org = entity_services.organisation_create(user=actor, name="Ctx Ltd")
    with audit_context(user=actor, path="task"):
        activity = services.activity_create(organisation=org, name="Nightly job")
    assert activity.history.latest().history_path == "task"
    assert activity.history.latest().history_user == actor


def test_retiring_keeps_the_record_and_its_history(actor):
    org = entity_services.organisation_create(user=actor, name="Retire Ltd")
    activity = services.activity_create(organisation=org, user=actor, name="Old CRM")
    services.activity_transition(activity=activity, action="retire", user=actor)
    activity.refresh_from_db()
    assert activity.status == "retired"
    assert [h.status for h in activity.history.order_by("history_date")] == ["draft", "retired"]
