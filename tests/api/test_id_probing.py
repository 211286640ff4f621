"""Ids cannot be probed: an organisation or third party of another register answers
exactly as an id that does not exist, on every id filter of the API and in every write."""

import json

import pytest

from processing.models import ProcessingActivity
from reports.models import Report
from tests.factories import ThirdPartyFactory

pytestmark = pytest.mark.django_db

MISSING = 987654321


def same_answer(client, url: str, foreign: int) -> tuple[int, str]:
    """The status and body for the foreign id, after checking they are those of a missing
    id (the id itself put aside)."""
    seen = []
    for value in (foreign, MISSING):
        response = client.get(url.format(id=value))
        body = response.content.decode().replace(str(value), "<id>")
        seen.append((response.status_code, body))
    assert seen[0] == seen[1]
    return seen[0]


@pytest.mark.parametrize(("url", "kind"), [
    ("/api/v1/activities/?organisation={id}", "organisation"),
    ("/api/v1/activities/?recipient={id}", "third party"),
    ("/api/v1/recipients/?organisation={id}", "organisation"),
    ("/api/v1/reports/?organisation={id}", "organisation"),
    ("/api/v1/export/?format=json&organisation={id}", "organisation"),
])
def test_every_id_filter_answers_a_foreign_id_as_a_missing_one(dpo_client, activity,
                                                                foreign_activity, url, kind):
    Report.objects.create(kind="health", organisation=foreign_activity.organisation,
                          period="2026-01-01")
    foreign = (foreign_activity.organisation.pk if kind == "organisation"
               else foreign_activity.recipients.exclude(third_party=None).first().third_party_id)

    status, body = same_answer(dpo_client, url, foreign)

    assert status == 404
    if url.startswith("/api/v1/export/"):
        return
    [error] = json.loads(body)["errors"]
    assert error["field"] == url.split("?")[1].split("=")[0].split("&")[-1].replace(
        "format", "organisation")
    assert error["code"] == "invalid_choice"


def test_an_id_filter_of_ones_own_register_still_filters(dpo_client, activity, org):
    response = dpo_client.get(f"/api/v1/recipients/?organisation={org.pk}")
    assert response.status_code == 200
    assert {r["organisation"] for r in response.json()["results"]} <= {org.pk}
    assert dpo_client.get(f"/api/v1/reports/?organisation={org.pk}").status_code == 200


def _write_errors(client, method, url, payload):
    response = getattr(client, method)(url, payload, format="json")
    assert response.status_code == 400, response.content
    return response.json()["errors"]


def _same_write_error(client, method, url, build, foreign):
    answers = []
    for value in (foreign, MISSING):
        errors = _write_errors(client, method, url, build(value))
        for error in errors:  # the value sent is echoed, the rest must be the same
            assert error.pop("value", value) == value
        answers.append(json.dumps(errors).replace(str(value), "<id>"))
    assert answers[0] == answers[1]
    return json.loads(answers[0])


def test_creating_in_another_organisation_answers_as_a_missing_one(dpo_client, org, other_org):
    errors = _same_write_error(
        dpo_client, "post", "/api/v1/activities/",
        lambda value: {"organisation": value, "reference": "PA-1", "name": "x"}, other_org.pk)

    assert errors == [{"field": "organisation", "code": "does_not_exist",
                       "message": "Unknown organisation id <id>."}]
    assert not ProcessingActivity.objects.filter(organisation=other_org).exists()


@pytest.mark.parametrize(("field", "build"), [
    ("recipients[0].third_party", lambda v: {"recipients": [{"third_party": v}]}),
    ("transfers[0].third_party", lambda v: {"transfers": [{"third_party": v, "country": "US"}]}),
    ("joint_controllers[0]", lambda v: {"joint_controllers": [v]}),
    ("controllers_served[0]", lambda v: {"controllers_served": [v]}),
])
def test_naming_another_registers_third_party_answers_as_a_missing_one(
        dpo_client, activity, other_org, field, build):
    foreign = ThirdPartyFactory(organisation=other_org).pk

    errors = _same_write_error(dpo_client, "patch", f"/api/v1/activities/{activity.pk}/",
                               build, foreign)

    assert [(e["field"], e["code"]) for e in errors] == [(field, "does_not_exist")]
    assert errors[0]["message"] == "Unknown recipient id <id>."
