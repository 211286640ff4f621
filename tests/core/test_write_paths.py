"""Every entry point writes through the services: the same history for the same change,
and the same refusal, with the same message, for a third party of another organisation.

Entry points: the services themselves (single and bulk), the activity admin (add and
change, with inlines), the entities admin, the API (create and PATCH) and the workbook
import.
"""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from entities.models import Contact, Membership, Organisation, ThirdParty
from processing import invariants, services
from processing.imports import ImportFailed, import_workbook
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)
from tests.admin.conftest import add_part, form_data, member
from tests.factories import (
    OrganisationFactory,
    ThirdPartyFactory,
    basis,
    complete_activity,
    country,
    data_category,
)

pytestmark = pytest.mark.django_db

HISTORY = (ProcessingActivity, Purpose, ActivityLawfulBasis, ActivityRecipient,
           InternationalTransfer, RetentionRule, Organisation, Contact, Membership, ThirdParty)
ADD = reverse("admin:processing_processingactivity_add")
API = "/api/v1/activities/"


def history_rows() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in HISTORY}


def written(before: dict[str, int]) -> dict[str, int]:
    """History rows written since ``before``, by model (models with none left out)."""
    after = history_rows()
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def change_url(activity):
    return reverse("admin:processing_processingactivity_change", args=[activity.pk])


def summary(response) -> dict[str, str]:
    assert response.status_code == 200, response
    return {e["label"]: str(e["message"]) for e in response.context["error_summary"]}


@pytest.fixture
def org_a():
    return OrganisationFactory(name="Akixi Limited")


@pytest.fixture
def org_b():
    return OrganisationFactory(name="Mondago Limited")


@pytest.fixture
def dpo(org_a, org_b):
    """DPO of both registers: the other register's third parties are choices it sees."""
    user = member("dpo_both", org_a, "dpo")
    Membership.objects.create(user=user, organisation=org_b, role="dpo")
    return user


@pytest.fixture
def activity(org_a):
    return complete_activity(organisation=org_a, reference="PA-001", name="Customer support")


@pytest.fixture
def foreign(org_b):
    return ThirdPartyFactory(organisation=org_b, name="Zendesk")


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- one history row per change, whatever the path ---------------------------------------


def test_service_change_with_a_part_writes_one_row_each(dpo, activity):
    version = activity.version
    before = history_rows()
    services.activity_save(
        activity=activity, user=dpo, path="command",
        fields={"name": "Support desk"},
        parts=[services.PartChange(Purpose, fields={"description": "Survey", "position": 2})])
    assert written(before) == {"ProcessingActivity": 1, "Purpose": 1}
    activity.refresh_from_db()
    assert activity.version == version + 1

    # The same change in two single calls: two versions, each with its row of the
    # activity; the part's row carries the version it made.
    before = history_rows()
    services.activity_update(activity=activity, user=dpo, name="Support")
    purpose = services.purpose_add(activity=activity, description="Feedback", user=dpo)
    assert written(before) == {"ProcessingActivity": 2, "Purpose": 1}
    activity.refresh_from_db()
    assert activity.version == version + 3
    assert purpose.history.get().owner_version == activity.version
    assert activity.history.latest().version == activity.version


def test_service_change_of_nothing_writes_nothing(dpo, activity):
    version = activity.version
    before = history_rows()
    services.activity_save(activity=activity, user=dpo, fields={"name": activity.name})
    assert written(before) == {}
    activity.refresh_from_db()
    assert activity.version == version


def test_admin_add_with_inlines_writes_one_row_per_object(client, dpo, org_a):
    client.force_login(dpo)
    data = form_data(client.get(ADD))
    data.update(organisation=str(org_a.pk), name="Call recording", role="controller")
    data["data_categories"] = [str(data_category("contact").pk)]
    add_part(data, "purposes", description="Train agents", position="1")
    add_part(data, "lawful_bases", basis=str(basis("A6-1-f").pk),
             legitimate_interest="Quality of service", data_categories=[str(data_category("contact").pk)])
    add_part(data, "retention_rules", period="P12M", trigger="collection")
    before = history_rows()
    response = client.post(ADD, data)
    assert response.status_code == 302, summary(response)
    assert written(before) == {"ProcessingActivity": 1, "Purpose": 1, "ActivityLawfulBasis": 1,
                               "RetentionRule": 1}
    activity = ProcessingActivity.objects.get(name="Call recording")
    assert (activity.reference, activity.version) == ("PA-001", 1)
    for record in [activity.history.get(), activity.purposes.get().history.get(),
                   activity.lawful_bases.get().history.get()]:
        assert (record.history_type, record.history_user, record.history_path) == ("+", dpo, "admin")
    assert [c.code for c in activity.lawful_bases.get().data_categories.all()] == ["contact"]


def test_admin_change_with_inlines_writes_one_row_per_changed_object(client, dpo, activity):
    client.force_login(dpo)
    version = activity.version
    data = form_data(client.get(change_url(activity)))
    data["name"] = "Customer support desk"
    add_part(data, "purposes", description="Answer tickets", position="2")
    data["recipients-0-purpose"] = "Ticketing"
    data["retention_rules-0-DELETE"] = "on"
    before = history_rows()
    response = client.post(change_url(activity), data)
    assert response.status_code == 302, summary(response)
    assert written(before) == {"ProcessingActivity": 1, "Purpose": 1, "ActivityRecipient": 1,
                               "RetentionRule": 1}
    activity.refresh_from_db()
    assert activity.version == version + 1
    assert activity.history.first().history_type == "~"
    assert activity.recipients.get().history.first().history_type == "~"
    assert RetentionRule.history.latest().history_type == "-"
    assert {(r.history_user, r.history_path) for r in ActivityRecipient.history.filter(
        history_type="~")} == {(dpo, "admin")}


def test_admin_change_of_a_part_only_or_of_nothing(client, dpo, activity):
    client.force_login(dpo)
    version = activity.version
    data = form_data(client.get(change_url(activity)))
    data["purposes-0-description"] = "To manage customer accounts and tickets"
    before = history_rows()
    assert client.post(change_url(activity), data).status_code == 302
    # A change of a part is a version of the activity: one row of each.
    assert written(before) == {"ProcessingActivity": 1, "Purpose": 1}
    activity.refresh_from_db()
    assert activity.version == version + 1
    assert activity.history.latest().version == activity.version
    assert activity.purposes.get().history.latest().owner_version == activity.version

    data = form_data(client.get(change_url(activity)))
    before = history_rows()
    assert client.post(change_url(activity), data).status_code == 302
    assert written(before) == {}


def test_admin_stale_form_still_refused(client, dpo, activity):
    client.force_login(dpo)
    data = form_data(client.get(change_url(activity)))
    services.activity_update(activity=activity, name="Changed meanwhile")
    data["name"] = "Mine"
    before = history_rows()
    errors = summary(client.post(change_url(activity), data))
    assert "Nothing was saved" in errors[""]
    assert written(before) == {}


def test_entities_admin_writes_one_row_per_changed_object(client, dpo, org_a):
    client.force_login(dpo)
    url = reverse("admin:entities_organisation_change", args=[org_a.pk])
    data = form_data(client.get(url))
    data["trading_name"] = "Akixi"
    add_part(data, "contacts", role="dpo", name="Dana Protect", email="dpo@akixi.example")
    before = history_rows()
    response = client.post(url, data)
    assert response.status_code == 302, summary(response)
    assert written(before) == {"Organisation": 1, "Contact": 1}
    assert {(r.history_user, r.history_path) for r in [org_a.history.first(),
                                                       Contact.history.get()]} == {(dpo, "admin")}

    # Only the contact changes: the organisation writes nothing.
    data = form_data(client.get(url))
    data["contacts-0-name"] = "Dana Protector"
    before = history_rows()
    assert client.post(url, data).status_code == 302
    assert written(before) == {"Contact": 1}

    add = reverse("admin:entities_thirdparty_add")
    data = form_data(client.get(add))
    data.update(organisation=str(org_a.pk), name="Cloud Co", kind="processor")
    before = history_rows()
    response = client.post(add, data)
    assert response.status_code == 302, summary(response)
    assert written(before) == {"ThirdParty": 1}
    party = ThirdParty.objects.get(name="Cloud Co")
    assert (party.history.get().history_user, party.history.get().history_path) == (dpo, "admin")

    change = reverse("admin:entities_thirdparty_change", args=[party.pk])
    data = form_data(client.get(change))
    data["service"] = "Hosting"
    before = history_rows()
    assert client.post(change, data).status_code == 302
    assert written(before) == {"ThirdParty": 1}


def test_api_create_and_patch_write_one_row_per_change(dpo, org_a):
    client = api_client(dpo)
    party = ThirdPartyFactory(organisation=org_a, name="Zendesk")
    before = history_rows()
    response = client.post(API, {
        "organisation": org_a.pk, "name": "Customer support", "data_categories": ["contact"],
        "purposes": [{"description": "Answer tickets"}],
        "recipients": [{"third_party": party.pk, "purpose": "Helpdesk"}],
    }, format="json")
    assert response.status_code == 201, response.data
    assert written(before) == {"ProcessingActivity": 1, "Purpose": 1, "ActivityRecipient": 1}
    url = f"{API}{response.data['id']}/"

    before = history_rows()
    response = client.patch(url, {"name": "Support desk"}, format="json")
    assert response.status_code == 200, response.data
    assert written(before) == {"ProcessingActivity": 1}

    # The kept recipient is left alone; the new one is one row, and the version of the
    # activity it makes is one row of the activity.
    before = history_rows()
    response = client.patch(url, {"recipients": [
        {"third_party": party.pk, "purpose": "Helpdesk"},
        {"third_party": party.pk, "purpose": "Surveys"}]}, format="json")
    assert response.status_code == 200, response.data
    assert written(before) == {"ProcessingActivity": 1, "ActivityRecipient": 1}
    record = ActivityRecipient.history.latest()
    assert (record.history_type, record.history_user, record.history_path) == ("+", dpo, "api")


def _workbook(name="Payroll", **extra) -> bytes:
    sheets = {
        "Organisations": [{"Name": "Acme Ltd", "Country (ISO)": "GB"}],
        "Activities": [{"Organisation": "Acme Ltd", "Reference": "PA-001", "Name": name,
                        "Data categories": ["identity"]}],
        "Purposes": [{"Organisation": "Acme Ltd", "Activity reference": "PA-001", "No.": 1,
                      "Purpose": "Pay staff"}],
        **extra,
    }
    return json.dumps({"format": "ropa-workbook", "version": 1, "sheets": sheets}).encode()


def test_import_writes_one_row_per_change(dpo):
    before = history_rows()
    import_workbook(_workbook(), "register.json", user=dpo)
    assert written(before) == {"Organisation": 1, "ProcessingActivity": 1, "Purpose": 1}

    before = history_rows()
    import_workbook(_workbook(), "register.json", user=dpo)
    assert written(before) == {}

    before = history_rows()
    import_workbook(_workbook(name="Payroll (UK)"), "register.json", user=dpo)
    assert written(before) == {"ProcessingActivity": 1}
    record = ProcessingActivity.history.latest()
    assert (record.name, record.history_user, record.history_path) == ("Payroll (UK)", dpo, "import")


# --- a third party of another organisation: refused alike everywhere ---------------------


def _service(activity, field, party, user):
    with pytest.raises(ValidationError) as refused:
        if field == "joint_controllers":
            services.activity_update(activity=activity, user=user, joint_controllers=[party])
        elif field == "transfer":
            services.transfer_add(activity=activity, user=user, country=country("US"),
                                  third_party=party)
        else:
            services.recipient_add(activity=activity, user=user, third_party=party)
    return refused.value.message_dict["joint_controllers" if field == "joint_controllers"
                                      else "third_party"]


def _bulk(activity, field, party, user):
    new = ProcessingActivity(organisation=activity.organisation, reference="PA-900", name="New")
    item = services.NewActivity(new)
    if field == "joint_controllers":
        item.links["joint_controllers"] = [party]
    elif field == "transfer":
        item.parts.append(services.NewPart(InternationalTransfer(country=country("US"),
                                                                 third_party=party)))
    else:
        item.parts.append(services.NewPart(ActivityRecipient(third_party=party)))
    with pytest.raises(services.BulkRefused) as refused:
        services.register_bulk_create(activities=[item], user=user)
    [(_obj, error)] = refused.value.problems
    return error.message_dict["joint_controllers" if field == "joint_controllers"
                              else "third_party"]


def _admin_post(client, url, data, field, party):
    if field == "joint_controllers":
        data["joint_controllers"] = [str(party.pk)]
        label = "Joint controllers"
    elif field == "transfer":
        add_part(data, "transfers", country=str(country("US").pk), third_party=str(party.pk))
        label = f"International transfer {int(data['transfers-TOTAL_FORMS'])} – Importer"
    else:
        add_part(data, "recipients", third_party=str(party.pk))
        label = f"Recipient {int(data['recipients-TOTAL_FORMS'])} – Recipient"
    return [summary(client.post(url, data))[label]]


def _admin_add(activity, field, party, user, client):
    client.force_login(user)
    data = form_data(client.get(ADD))
    data.update(organisation=str(activity.organisation_id), name="New", role="controller")
    return _admin_post(client, ADD, data, field, party)


def _admin_change(activity, field, party, user, client):
    client.force_login(user)
    data = form_data(client.get(change_url(activity)))
    return _admin_post(client, change_url(activity), data, field, party)


def _api(body, field, party):
    if field == "joint_controllers":
        body["joint_controllers"] = [party.pk]
        path = "joint_controllers"
    elif field == "transfer":
        body["transfers"] = [{"country": "US", "third_party": party.pk}]
        path = "transfers[0].third_party"
    else:
        body["recipients"] = [{"third_party": party.pk}]
        path = "recipients[0].third_party"
    return body, path


def _api_create(activity, field, party, user):
    body, path = _api({"organisation": activity.organisation_id, "name": "New"}, field, party)
    response = api_client(user).post(API, body, format="json")
    return _api_refusal(response, path)


def _api_patch(activity, field, party, user):
    body, path = _api({}, field, party)
    response = api_client(user).patch(f"{API}{activity.pk}/", body, format="json")
    return _api_refusal(response, path)


def _api_refusal(response, path):
    assert response.status_code == 400, response.data
    [error] = response.data["errors"]
    assert error["field"] == path
    return [error["message"]]


ENTRY_POINTS = {
    "service": _service,
    "bulk service": _bulk,
    "admin add": _admin_add,
    "admin change": _admin_change,
    "API create": _api_create,
    "API PATCH": _api_patch,
}


@pytest.mark.parametrize("field", ["third_party", "transfer", "joint_controllers"])
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_third_party_of_another_organisation_is_refused_alike(client, entry, field, dpo,
                                                              activity, foreign):
    label = invariants.THIRD_PARTY_LABELS[{
        "joint_controllers": "joint_controllers", "transfer": "InternationalTransfer.third_party",
        "third_party": "ActivityRecipient.third_party"}[field]]
    expected = (f"{label} id {foreign.pk} is not in the register of Akixi Limited: choose one "
                "of its third parties, or add it to that register first.")
    call = ENTRY_POINTS[entry]
    kwargs = {"client": client} if entry.startswith("admin") else {}
    before = history_rows()
    [message] = call(activity, field, foreign, dpo, **kwargs)
    assert message == expected
    # The other register's name is not shown, nor is the third party's.
    assert "Mondago" not in message and "Zendesk" not in message
    assert written(before) == {}
    activity.refresh_from_db()
    assert not activity.joint_controllers.exists()
    assert not activity.recipients.filter(third_party=foreign).exists()
    assert not activity.transfers.exists()


def test_import_cannot_name_a_third_party_of_another_register(dpo, foreign):
    """A workbook names third parties within each organisation's register, so another
    register's third party is unknown there; nothing is written."""
    content = _workbook(Recipients=[{"Organisation": "Acme Ltd", "Activity reference": "PA-001",
                                     "Third party": foreign.name}])
    before = history_rows()
    with pytest.raises(ImportFailed) as failure:
        import_workbook(content, "register.json", user=dpo)
    [error] = failure.value.errors
    assert (error.sheet, error.value) == ("Recipients", "Zendesk")
    assert "Unknown third party 'Zendesk'" in error.message
    assert written(before) == {}
