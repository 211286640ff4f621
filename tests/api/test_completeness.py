"""Completeness in the API: on each activity, and rolled up per organisation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entities.models import Contact
from tests.api.conftest import member, token_client
from tests.factories import ActivityFactory, ThirdPartyFactory, complete_activity

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities/"


@pytest.fixture
def dpo_contact(org):
    return Contact.objects.create(organisation=org, role="dpo", name="Dana",
                                  email="dpo@akixi.example")


def test_each_activity_carries_its_completeness(dpo_client, activity, marketing, dpo_contact):
    by_ref = {a["reference"]: a for a in dpo_client.get(URL).data["results"]}
    complete = by_ref["PA-100"]["completeness"]
    assert complete["record"] == "controller" and complete["score"] == 100
    assert [i["item"] for i in complete["items"]] == ["1a", "1b", "1c", "1d", "1e", "1f", "1g"]
    assert set(complete["items"][0]) == {"item", "article", "title", "status", "missing"}
    assert all(i["status"] == "complete" and i["missing"] == [] for i in complete["items"])
    detail = dpo_client.get(f"{URL}{activity.pk}/").data
    assert detail["completeness"] == complete


def test_what_is_missing_is_said_per_item(org, dpo_client):
    draft = ActivityFactory(organisation=org, reference="PA-300", role="processor")
    answer = dpo_client.get(f"{URL}{draft.pk}/").data["completeness"]
    assert answer["record"] == "processor" and answer["score"] == 25  # (2)(c): no transfer
    items = {i["item"]: i for i in answer["items"]}
    assert items["2a"]["status"] == "missing"
    assert any("name each controller" in m for m in items["2a"]["missing"])
    assert any("No data protection officer" in m for m in items["2a"]["missing"])
    assert items["2c"]["status"] == "complete"


def test_the_list_keeps_its_query_count_with_completeness(org, dpo_client, dpo_contact):
    for n in range(6):
        act = complete_activity(organisation=org, reference=f"PA-{n:03d}")
        act.joint_controllers.set([ThirdPartyFactory(organisation=org, email="jc@x.example")])
    dpo_client.get(URL)  # warm up
    counts = []
    for size in (1, 6):
        with CaptureQueriesContext(connection) as ctx:
            response = dpo_client.get(f"{URL}?page_size={size}")
        assert all(a["completeness"]["score"] == 100 for a in response.data["results"])
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 12, counts


def test_organisation_completeness_rolls_up_its_current_activities(org, other_org, dpo_client,
                                                                   dpo_contact):
    complete_activity(organisation=org, reference="PA-001")
    half = complete_activity(organisation=org, reference="PA-002")
    half.purposes.all().delete()
    half.data_subjects.clear()
    retired = ActivityFactory(organisation=org, reference="PA-003", status="retired")
    complete_activity(organisation=other_org, reference="PA-900")
    assert retired.status == "retired"

    response = dpo_client.get(f"/api/v1/organisations/{org.pk}/completeness/")

    assert response.status_code == 200
    data = response.data
    assert data["organisation"] == org.pk and data["name"] == "Akixi Limited"
    assert data["activities"] == 2 and data["complete_activities"] == 1
    assert data["score"] == round((100 + 71) / 2, 1)
    items = {i["item"]: i for i in data["items"]}
    assert (items["1b"]["records"], items["1b"]["complete"], items["1b"]["missing"],
            items["1b"]["share_complete"]) == (2, 1, 1, 50.0)
    assert (items["1c"]["partial"], items["1c"]["share_complete"]) == (1, 50.0)
    assert items["1g"]["share_complete"] == 100.0
    assert (items["2a"]["records"], items["2a"]["share_complete"]) == (0, None)


def test_organisation_completeness_costs_the_same_queries_for_more_activities(
        org, dpo_client, dpo_contact):
    url = f"/api/v1/organisations/{org.pk}/completeness/"
    complete_activity(organisation=org, reference="PA-001")
    dpo_client.get(url)
    counts = []
    for n in range(2, 8):
        complete_activity(organisation=org, reference=f"PA-{n:03d}")
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert dpo_client.get(url).data["activities"] == 7
        counts.append(len(ctx.captured_queries))
    complete_activity(organisation=org, reference="PA-100")
    with CaptureQueriesContext(connection) as ctx:
        assert dpo_client.get(url).data["activities"] == 8
    assert len(ctx.captured_queries) == counts[0], counts


def test_organisation_without_activities_and_another_registers(org, other_org, dpo_client):
    data = dpo_client.get(f"/api/v1/organisations/{org.pk}/completeness/").data
    assert data["activities"] == 0 and data["score"] is None
    assert dpo_client.get(f"/api/v1/organisations/{other_org.pk}/completeness/").status_code == 404
    auditor = token_client(member(org, "auditor"))
    assert auditor.get(f"/api/v1/organisations/{org.pk}/completeness/").status_code == 200


def test_records_carry_their_organisations_contact_roles_in_no_extra_query(org, activity,
                                                                          dpo_contact):
    from django.utils import timezone

    from processing.register import read_activities, read_register

    before = timezone.now()
    Contact.objects.create(organisation=org, role="representative", name="Rep")  # no details
    with CaptureQueriesContext(connection) as ctx:
        record, = read_activities([activity.pk])
    assert len(ctx.captured_queries) == 9  # as before the roles were read
    controller = record.controller
    assert (controller.id, controller.name, controller.email) == (
        org.pk, "Akixi Limited", org.email)
    assert controller.country.code == "GB" and controller.jurisdiction == org.jurisdiction
    assert controller.contact_roles == {"dpo": True, "representative": False}
    # As of a moment, the contacts as they then stood; one record per organisation.
    then, = read_activities([activity.pk], as_of=before)
    assert then.controller.contact_roles == {"dpo": True}
    second = complete_activity(organisation=org, reference="PA-101")
    first, other = read_activities([activity.pk, second.pk])
    assert first.controller is other.controller
    organisations = list(read_register().organisations)  # read once
    first, second = organisations[0].activities[:2]
    assert first.controller is second.controller
    assert [c.role for c in organisations[0].contacts] == ["dpo", "representative"]
