"""History through the API: one version per recorded change of an activity, parts
included, the same number in the ETag, the history and the admin; scoped as reads are."""

import json

import pytest
from django.urls import reverse

from entities.models import Organisation, ThirdParty
from entities.services import entity_save
from processing import services
from processing.changes import PARTS
from processing.imports import import_workbook
from processing.models import ProcessingActivity, Purpose
from tests.admin.conftest import form_data
from tests.api.conftest import member, token_client
from tests.api.test_activities_write import URL, payload
from tests.factories import ThirdPartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def history(client, activity_id, **params):
    response = client.get(f"{URL}{activity_id}/history/", params)
    assert response.status_code == 200, response.data
    return response.data


def fields_of(entry) -> dict:
    return {change["field"]: (change["old"], change["new"]) for change in entry["changes"]}


def test_a_create_with_parts_is_version_1(org, dpo_client, dpo_user):
    response = dpo_client.post(URL, payload(org), format="json")
    assert response.status_code == 201, response.data
    assert response["ETag"] == '"v1"' and response.data["version"] == 1
    body = history(dpo_client, response.data["id"])
    assert body["count"] == 1
    [entry] = body["results"]
    assert (entry["version"], entry["type"], entry["user"], entry["path"]) == (
        1, "created", dpo_user.username, "api")
    changed = fields_of(entry)
    assert changed["name"] == (None, "Customer support")
    assert changed["data_categories"] == (None, ["contact", "health", "identity"])
    # The parts written with it are listed under the same version.
    assert changed["lawful_bases[A6-1-a]"][0] is None
    assert changed["lawful_bases[A6-1-a]"][1]["consent_record_link"] == (
        "https://consent.example.com/log")
    assert sum(name.startswith("retention_rules[") for name in changed) == 2


def test_each_change_is_one_version_with_its_parts_fields(org, dpo_client):
    created = dpo_client.post(URL, payload(org), format="json").data
    url = f"{URL}{created['id']}/"
    bases = [{"basis": "A6-1-b"},
             {"basis": "A6-1-a", "purposes": ["Send surveys"], "data_categories": ["contact"],
              "consent_record_link": "https://consent.example.com/v2"}]
    steps = [
        {"name": "Customer support desk"},
        {"lawful_bases": bases},
        {"retention_rules": [{"period": "P6Y", "trigger": "end_of_relationship"}]},
        {"dpia_status": "not_started", "purposes": [{"description": "Answer support tickets"}]},
    ]
    for number, body in enumerate(steps, start=2):
        response = dpo_client.patch(url, body, format="json", HTTP_IF_MATCH=f'"v{number - 1}"')
        assert response.status_code == 200, response.data
        assert response["ETag"] == f'"v{number}"'

    entries = history(dpo_client, created["id"])["results"]
    assert [e["version"] for e in entries] == [5, 4, 3, 2, 1]
    v5, v4, v3, v2 = (fields_of(e) for e in entries[:4])
    assert v2 == {"name": ("Customer support", "Customer support desk")}
    assert v3 == {"lawful_bases[A6-1-a].consent_record_link": (
        "https://consent.example.com/log", "https://consent.example.com/v2")}
    added = [name for name, (old, new) in v4.items() if old is None]
    removed = [name for name, (old, new) in v4.items() if new is None]
    assert len(added) == 1 and len(removed) == 2
    assert all(name.startswith("retention_rules[") for name in v4)
    assert v4[added[0]][1]["period"] == "P6Y"
    assert v5["dpia_status"] == ("completed", "not_started")
    [gone] = [name for name, (_, new) in v5.items() if name.startswith("purposes[")]
    assert v5[gone][0]["description"] == "Send surveys" and v5[gone][1] is None
    assert {e["type"] for e in entries[:4]} == {"changed"}


def test_history_is_paginated_newest_first(org, dpo_client):
    created = dpo_client.post(URL, payload(org), format="json").data
    for name in ("Two", "Three", "Four"):
        dpo_client.patch(f"{URL}{created['id']}/", {"name": name}, format="json")
    page = history(dpo_client, created["id"], page_size=2)
    assert page["count"] == 4 and page["next"] and page["previous"] is None
    assert [e["version"] for e in page["results"]] == [4, 3]
    page = history(dpo_client, created["id"], page_size=2, page=2)
    assert [e["version"] for e in page["results"]] == [2, 1]
    response = dpo_client.get(f"{URL}{created['id']}/history/", {"page": 9})
    assert response.status_code == 404


def test_history_is_scoped_as_reads_are(org, dpo_client, foreign_activity, other_org):
    foreign_party = ThirdPartyFactory(organisation=other_org)
    for url in (f"{URL}{foreign_activity.pk}/history/",
                f"/api/v1/organisations/{other_org.pk}/history/",
                f"/api/v1/recipients/{foreign_party.pk}/history/",
                f"{URL}abc/history/", f"{URL}0/history/", f"{URL}999999999/history/"):
        response = dpo_client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
    assert token_client(member(other_org, "auditor")).get(
        f"{URL}{foreign_activity.pk}/history/").status_code == 200
    from rest_framework.test import APIClient
    assert APIClient().get(f"{URL}{foreign_activity.pk}/history/").status_code == 401


def test_organisation_and_third_party_history(org, dpo_client, dpo_user):
    entity_save(model=Organisation, instance=org, user=dpo_user, path="api",
                website="https://akixi.example")
    entries = dpo_client.get(f"/api/v1/organisations/{org.pk}/history/").data["results"]
    assert [e["version"] for e in entries] == list(range(len(entries), 0, -1))
    assert fields_of(entries[0])["website"][1] == "https://akixi.example"
    assert (entries[0]["user"], entries[0]["path"]) == (dpo_user.username, "api")

    party = ThirdPartyFactory(organisation=org, name="Zendesk")
    entity_save(model=ThirdParty, instance=party, user=dpo_user, name="Zendesk Inc")
    entries = dpo_client.get(f"/api/v1/recipients/{party.pk}/history/").data["results"]
    assert [e["version"] for e in entries] == [2, 1]
    assert fields_of(entries[0]) == {"name": ("Zendesk", "Zendesk Inc")}
    assert entries[1]["type"] == "created"


def _workbook(name, purposes) -> bytes:
    sheets = {
        "Organisations": [{"Name": "Acme Ltd", "Country (ISO)": "GB"}],
        "Activities": [{"Organisation": "Acme Ltd", "Reference": "PA-001", "Name": name,
                        "Data categories": ["identity"]}],
        "Purposes": [{"Organisation": "Acme Ltd", "Activity reference": "PA-001", "No.": n,
                      "Purpose": text} for n, text in enumerate(purposes, start=1)],
    }
    return json.dumps({"format": "ropa-workbook", "version": 1, "sheets": sheets}).encode()


def test_versions_are_1_to_n_after_admin_api_import_and_service_writes(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    import_workbook(_workbook("Payroll", ["Pay staff"]), "register.json", user=admin)
    activity = ProcessingActivity.objects.get(reference="PA-001")
    api = token_client(admin)
    url = f"{URL}{activity.pk}/"
    assert api.patch(url, {"purposes": [{"description": "Pay staff"},
                                        {"description": "Pension"}]},
                     format="json").status_code == 200
    client.force_login(admin)
    change = reverse("admin:processing_processingactivity_change", args=[activity.pk])
    data = form_data(client.get(change))
    data["name"] = "Payroll and pensions"
    data["purposes-0-description"] = "Pay staff monthly"
    assert client.post(change, data).status_code == 302
    import_workbook(_workbook("Payroll (UK)", ["Pay staff monthly", "Pension", "Tax"]),
                    "register.json", user=admin)
    services.purpose_add(activity=activity, description="Audit", user=admin)
    assert api.post(f"{url}submit/").status_code == 200

    activity.refresh_from_db()
    versions = sorted(activity.history.values_list("version", flat=True))
    assert versions == list(range(1, activity.version + 1)) and activity.version >= 6
    for model in PARTS.values():
        owners = model.history.filter(activity_id=activity.pk).values_list("owner_version",
                                                                           flat=True)
        assert set(owners) <= set(versions)
    assert {p.description for p in Purpose.objects.filter(activity=activity)} == {
        "Pay staff monthly", "Pension", "Tax", "Audit"}
    listed = [e["version"] for e in api.get(f"{url}history/", {"page_size": 100}).data["results"]]
    assert listed == versions[::-1]
    assert api.get(url)["ETag"] == f'"v{activity.version}"'
    page = client.get(reverse("admin:processing_processingactivity_history", args=[activity.pk]))
    assert [r.version for r in page.context["page_obj"]] == versions[::-1]
    # Every version on the admin's page says what it changed, a part's change included.
    assert all(r.history_delta_changes for r in page.context["page_obj"])
    compare = client.get(reverse("admin:processing_processingactivity_compare",
                                 args=[activity.pk]))
    assert (compare.context["old"].version, compare.context["new"].version) == (
        activity.version - 1, activity.version)


def test_a_page_costs_the_same_queries_whatever_its_length(org, dpo_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    created = dpo_client.post(URL, payload(org), format="json").data
    url = f"{URL}{created['id']}/"

    def change(n):
        body = ({"name": f"Name {n}"} if n % 3 == 0 else
                {"retention_rules": [{"period": f"P{n + 1}Y", "trigger": "collection"}]}
                if n % 3 == 1 else
                {"lawful_bases": [{"basis": "A6-1-b", "citation": f"Contract {n}"}]})
        assert dpo_client.patch(url, body, format="json").status_code == 200

    counts = {}
    for start, end in ((0, 6), (6, 36)):
        for n in range(start, end):
            change(n)
        with CaptureQueriesContext(connection) as queries:
            body = history(dpo_client, created["id"], page_size=100)
        counts[len(body["results"])] = len(queries)
    assert counts[7] == counts[37] <= 35, counts


def test_an_import_that_changes_an_activity_and_its_parts_is_one_version():
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    import_workbook(_workbook("Payroll", ["Pay staff"]), "register.json", user=admin)
    activity = ProcessingActivity.objects.get(reference="PA-001")
    rows = ProcessingActivity.history.count()
    import_workbook(_workbook("Payroll (UK)", ["Pay staff monthly", "Pension"]),
                    "register.json", user=admin)
    activity.refresh_from_db()
    assert activity.version == 2 and ProcessingActivity.history.count() == rows + 1
    record = activity.history.latest()
    assert (record.version, record.name, record.history_user, record.history_path) == (
        2, "Payroll (UK)", admin, "import")
    [entry, _] = history(token_client(admin), activity.pk)["results"]
    assert entry["version"] == 2 and entry["path"] == "import"
    changed = fields_of(entry)
    assert changed["name"] == ("Payroll", "Payroll (UK)")
    assert sorted(new["description"] for name, (old, new) in changed.items()
                  if name.startswith("purposes[") and new) == ["Pay staff monthly", "Pension"]
    assert [(p.history_type, p.owner_version) for p in Purpose.history.filter(
        activity_id=activity.pk).order_by("history_id")] == [
        ("+", 1), ("-", 2), ("+", 2), ("+", 2)]
