"""``GET /api/v1/register/diff/``: the register diff through the API, scoped to the
organisations the user is a member of."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from processing.diff import as_dict, register_diff
from processing.models import ActivityRecipient
from tests.api.conftest import member, token_client
from tests.core.diff_scenario import DAY1, DAY2, QUIET, build

pytestmark = pytest.mark.django_db

URL = "/api/v1/register/diff/"


@pytest.fixture
def scenario():
    return build()


@pytest.fixture
def client(scenario):
    return token_client(member(scenario.organisation, "auditor"))


def _get(client, **params):
    return client.get(URL, params)


def test_the_answer_lists_what_changed_between_the_two_days(client, scenario):
    response = _get(client, organisation=scenario.organisation.pk, **{"from": DAY1, "to": DAY2})

    assert response.status_code == 200, response.data
    body = response.json()
    assert (body["organisation"], body["from"], body["to"]) == (
        scenario.organisation.pk, "2026-03-04", "2026-03-06")
    assert [a["reference"] for a in body["added"]] == ["ACM-04"]
    assert [(a["reference"], a["how"]) for a in body["retired"]] == [("ACM-03", "retired")]
    [changed] = body["changed"]
    recipient = ActivityRecipient.objects.get(activity=scenario.renamed)
    fields = {c["field"]: (c["old"], c["new"]) for c in changed["changes"]}
    assert fields["name"] == ("Newsletter", "Monthly newsletter")
    assert set(fields) == {"name", "lawful_bases[A6-1-a].purposes", f"recipients[{recipient.pk}]"}
    assert (changed["changed_by"], changed["path"], changed["version_to"]) == ("edith", "api", 7)
    # The same diff as the module's, in JSON.
    expected = as_dict(register_diff(scenario.organisation.pk, DAY1, DAY2))
    assert [c["changes"] for c in body["changed"]] == [
        [{"field": c["field"], "old": c["old"], "new": c["new"]} for c in a["changes"]]
        for a in expected["changed"]]


def test_a_window_without_change_answers_empty_lists(client, scenario):
    response = _get(client, organisation=scenario.organisation.pk, **{"from": DAY1, "to": QUIET})
    assert response.status_code == 200
    assert (response.json()["added"], response.json()["retired"],
            response.json()["changed"]) == ([], [], [])


def test_to_defaults_to_now_and_instants_are_read(client, scenario):
    response = _get(client, organisation=scenario.organisation.pk, **{"from": DAY1})
    assert response.status_code == 200
    assert len(response.json()["changed"]) == 1
    response = _get(client, organisation=scenario.organisation.pk,
                    **{"from": "2026-03-06T11:00:00+00:00", "to": "2026-03-06T11:30:00Z"})
    assert response.status_code == 200 and response.json()["added"] == []


def test_another_organisation_answers_404_as_a_missing_one(client, scenario):
    for organisation in (scenario.other.pk, 10**9):
        response = _get(client, organisation=organisation, **{"from": DAY1, "to": DAY2})
        assert response.status_code == 404
    outsider = token_client(member(scenario.other, "dpo"))
    response = _get(outsider, organisation=scenario.organisation.pk, **{"from": DAY1})
    assert response.status_code == 404


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"from": "yesterday"}, "from", "'yesterday' is not a date"),
    ({"from": "2026-03-04", "to": "2026-13-01"}, "to", "'2026-13-01' is not a date"),
    ({"to": "2026-03-04"}, "from", "Give 'from'"),
    ({"from": "2026-03-06", "to": "2026-03-04"}, "from", "is after 'to'"),
    ({"from": "2026-03-06", "to": "9999-12-31"}, "to", "past the last day"),
])
def test_a_bad_moment_or_period_is_400_naming_the_parameter(client, scenario, params, field,
                                                            words):
    response = _get(client, organisation=scenario.organisation.pk, **params)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == field and words in error["message"]


@pytest.mark.parametrize("value", [None, "abc", "0", "-3"])
def test_a_missing_or_bad_organisation_is_400(client, value):
    params = {"from": "2026-03-04"}
    if value is not None:
        params["organisation"] = value
    response = _get(client, **params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "organisation"


def test_anonymous_is_401(scenario):
    from rest_framework.test import APIClient

    response = APIClient().get(URL, {"organisation": scenario.organisation.pk, "from": DAY1})
    assert response.status_code == 401


def test_the_queries_are_bounded(client, scenario):
    _get(client, organisation=scenario.organisation.pk, **{"from": DAY1, "to": DAY2})
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, organisation=scenario.organisation.pk,
                        **{"from": DAY1, "to": DAY2})
    assert response.status_code == 200
    assert len(captured.captured_queries) <= 45


def test_the_schema_documents_the_diff(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/register/diff/"]["get"]
    assert {p["name"]: p.get("required", False) for p in operation["parameters"]} == {
        "organisation": True, "from": True, "to": False}
    assert {"200", "400", "401", "404"} <= set(operation["responses"])
    answer = schema["components"]["schemas"]["RegisterDiff"]
    assert list(answer["properties"]) == ["organisation", "from", "to", "added", "retired",
                                          "changed"]
