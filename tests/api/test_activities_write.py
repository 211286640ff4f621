import json

import pytest

from entities.models import ThirdParty
from processing.models import ActivityStatus, ProcessingActivity
from tests.api.conftest import member, token_client
from tests.factories import ThirdPartyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities/"


def payload(org, **extra):
    crm = ThirdParty.objects.filter(organisation=org, name="Zendesk").first() or ThirdPartyFactory(
        organisation=org, name="Zendesk", dpf_certified=True)
    body = {
        "organisation": org.pk,
        "name": "Customer support",
        "business_function": "Support",
        "purposes": [{"description": "Answer support tickets"}, {"description": "Send surveys"}],
        "data_subjects": ["customers", "end-users"],
        "data_categories": ["identity", "contact", "health"],
        "special_category_conditions": ["A9-2-a"],
        "security_measures": ["encryption-at-rest", "iso-27001"],
        "lawful_bases": [
            {"basis": "A6-1-b"},
            {"basis": "A6-1-a", "purposes": ["Send surveys"], "data_categories": ["contact"],
             "consent_record_link": "https://consent.example.com/log"},
        ],
        "recipients": [{"third_party": crm.pk, "data_categories": ["identity"],
                        "purpose": "Helpdesk"}],
        "transfers": [{"country": "US", "third_party": crm.pk, "mechanism": "EU-US-DPF"}],
        "retention_rules": [
            {"period": "P7Y", "trigger": "end_of_relationship", "legal_source": "Companies Act"},
            {"data_category": "contact", "period": "P12M", "trigger": "submission"},
        ],
        "dpia_status": "completed",
    }
    body.update(extra)
    return body


def test_create_with_everything_nested(org, dpo_client, dpo_user):
    response = dpo_client.post(URL, payload(org), format="json")
    assert response.status_code == 201, response.data
    body = response.data
    assert body["reference"] == "PA-001" and body["status"] == "draft"
    assert body["owner"] == {"name": dpo_user.username, "email": dpo_user.email}
    assert response["ETag"] == f'"v{body["version"]}"'
    activity = ProcessingActivity.objects.get(pk=body["id"])
    assert [p.description for p in activity.purposes.order_by("position")] == [
        "Answer support tickets", "Send surveys"]
    consent = activity.lawful_bases.get(basis__code="A6-1-a")
    assert [p.description for p in consent.purposes.all()] == ["Send surveys"]
    assert [c.code for c in consent.data_categories.all()] == ["contact"]
    assert activity.transfers.get().country.code == "US"
    assert activity.retention_rules.count() == 2
    assert {c["code"] for c in body["data_categories"]} == {"identity", "contact", "health"}
    record = activity.history.earliest()
    assert record.history_user == dpo_user and record.history_path == "api"


def test_the_fields_real_registers_need_go_in_and_come_out(org, dpo_client):
    body = payload(
        org, owner={"name": "Olivia Owner", "email": "olivia@acme.example"},
        lawful_bases=[{"basis": "A6-1-a", "consent_description": "Ticked box at sign-up, kept in the CRM."}],
        transfers=[{"mechanism": "EU-SCC-2021", "scc_module": 2,
                    "safeguards": "SCCs with each processor; countries not named"}],
        retention_rules=[{"period": "P3Y", "period_is_maximum": True,
                          "trigger_description": "the request", "deletion_method": "delete_or_anonymise"}])
    response = dpo_client.post(URL, body, format="json")
    assert response.status_code == 201, response.data
    read = dpo_client.get(f"{URL}{response.data['id']}/").data
    assert read["owner"] == {"name": "Olivia Owner", "email": "olivia@acme.example"}
    assert read["lawful_bases"][0]["consent_description"] == "Ticked box at sign-up, kept in the CRM."
    transfer = read["transfers"][0]
    assert (transfer["country"], transfer["scc_module"], transfer["mechanism"]["code"]) == (
        None, 2, "EU-SCC-2021")
    rule = read["retention_rules"][0]
    assert rule["period_is_maximum"] and rule["deletion_method"] == "delete_or_anonymise"
    assert rule["description"] == "up to 3 years after the request"
    assert "CH5-TIA-UNNAMED" in {f["code"] for f in read["findings"]}
    owner = ProcessingActivity.objects.get(pk=read["id"]).owner
    assert (owner.organisation, owner.login) == (org, None)
    # The same person is named again, not duplicated.
    again = dpo_client.post(URL, payload(org, owner={"name": "Olivia Owner"}), format="json")
    assert ProcessingActivity.objects.get(pk=again.data["id"]).owner == owner


def test_put_replaces_nested_lists_and_keeps_matching_purposes(org, dpo_client):
    created = dpo_client.post(URL, payload(org), format="json").data
    activity = ProcessingActivity.objects.get(pk=created["id"])
    kept = activity.purposes.get(description="Send surveys")
    body = payload(org, name="Support desk",
                   purposes=[{"description": "Send surveys"}],
                   lawful_bases=[{"basis": "A6-1-a", "purposes": ["Send surveys"],
                                  "consent_record_link": "https://consent.example.com/v2"}],
                   transfers=[], retention_rules=[{"criteria": "Until the ticket is closed"}])
    response = dpo_client.put(f"{URL}{activity.pk}/", body, format="json",
                              HTTP_IF_MATCH=f'"v{created["version"]}"')
    assert response.status_code == 200, response.data
    activity.refresh_from_db()
    assert activity.name == "Support desk"
    assert list(activity.purposes.all()) == [kept]
    use = activity.lawful_bases.get()
    assert use.basis.code == "A6-1-a" and list(use.purposes.all()) == [kept]
    assert use.consent_record_link == "https://consent.example.com/v2"
    assert activity.transfers.count() == 0
    assert activity.retention_rules.get().criteria == "Until the ticket is closed"
    assert response["ETag"] == f'"v{activity.version}"'


def test_patch_changes_only_what_is_given(org, dpo_client):
    created = dpo_client.post(URL, payload(org), format="json").data
    response = dpo_client.patch(f"{URL}{created['id']}/", {"description": "Tickets"}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["description"] == "Tickets"
    assert len(response.data["lawful_bases"]) == 2 and len(response.data["purposes"]) == 2
    assert response.data["version"] > created["version"]


def test_workflow_actions(org, dpo_client):
    created = dpo_client.post(URL, payload(org), format="json").data
    url = f"{URL}{created['id']}/"
    assert dpo_client.post(url + "submit/").data["status"] == "in_review"
    refused = dpo_client.post(url + "approve/")
    assert refused.status_code == 400
    assert refused.data["errors"][0]["field"] == "override_reason"
    assert "open error finding(s): CH5-MECHANISM-REGIME" in refused.data["errors"][0]["message"]
    approved = dpo_client.post(url + "approve/", {"override_reason": "Retention agreed next week"},
                               format="json")
    assert approved.status_code == 200 and approved.data["status"] == "active"
    assert approved.data["next_review_on"]
    again = dpo_client.post(url + "approve/")
    assert again.status_code == 409 and again.data["errors"][0]["field"] == "status"
    assert dpo_client.post(url + "retire/").data["status"] == "retired"
    assert dpo_client.post(url + "reinstate/").data["status"] == "draft"


def test_delete_is_not_offered(dpo_client, activity):
    response = dpo_client.delete(f"{URL}{activity.pk}/")
    assert response.status_code == 405
    assert ProcessingActivity.objects.filter(pk=activity.pk).exists()


# --- concurrency ------------------------------------------------------------------------


def test_two_writers_with_the_same_etag_one_wins_the_other_gets_412(org, dpo_user, activity):
    other = member(org, "dpo", "second-dpo")
    first, second = token_client(dpo_user), token_client(other)
    etag = first.get(f"{URL}{activity.pk}/")["ETag"]
    assert second.get(f"{URL}{activity.pk}/")["ETag"] == etag
    won = first.patch(f"{URL}{activity.pk}/", {"name": "First"}, format="json", HTTP_IF_MATCH=etag)
    assert won.status_code == 200
    lost = second.patch(f"{URL}{activity.pk}/", {"name": "Second"}, format="json",
                        HTTP_IF_MATCH=etag)
    assert lost.status_code == 412
    assert lost.data["errors"][0]["code"] == "stale"
    activity.refresh_from_db()
    assert activity.name == "First"
    retried = second.patch(f"{URL}{activity.pk}/", {"description": "Second"}, format="json",
                           HTTP_IF_MATCH=won["ETag"])
    assert retried.status_code == 200
    activity.refresh_from_db()
    assert (activity.name, activity.description) == ("First", "Second")


def test_stale_if_match_on_workflow_action_changes_nothing(dpo_client, activity):
    response = dpo_client.post(f"{URL}{activity.pk}/submit/", HTTP_IF_MATCH='"v0"')
    assert response.status_code == 412
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DRAFT


def test_stale_write_detected_by_the_service_is_412(dpo_client, activity):
    """The version checked again under the row lock (a writer in between) answers 412."""
    from processing.api.exceptions import exception_handler
    from processing.api.writes import save_activity
    from processing.services import StaleWrite

    with pytest.raises(StaleWrite) as caught:
        save_activity(data={"name": "x"}, user=None, instance=activity,
                      expected_version=activity.version - 1)
    activity.refresh_from_db()
    assert activity.name != "x"
    response = exception_handler(caught.value, {})
    assert response.status_code == 412
    assert response.data["errors"][0]["code"] == "stale"


# --- bad input --------------------------------------------------------------------------


def _bad(client, body, field, url=URL, method="post"):
    before = ProcessingActivity.history.count()
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == 400, response.data
    fields = [e["field"] for e in response.data["errors"]]
    assert field in fields, response.data
    assert all({"field", "code", "message"} <= set(e) <= {"field", "code", "message", "value"}
               for e in response.data["errors"])
    assert ProcessingActivity.history.count() == before
    return response.data["errors"]


def test_unknown_codes_name_the_field_and_value(org, dpo_client):
    errors = _bad(dpo_client, payload(org, data_categories=["identity", "foo"]), "data_categories[1]")
    assert ("Unknown data category code 'foo' (the codes are listed at /api/v1/data-categories/)."
            in errors[0]["message"])
    errors = _bad(dpo_client, payload(org, lawful_bases=[{"basis": "A6-1-z"}]), "lawful_bases[0].basis")
    assert "A6-1-z" in errors[0]["message"]
    _bad(dpo_client, payload(org, transfers=[{"country": "ZZ"}]), "transfers[0].country")
    _bad(dpo_client, payload(org, security_measures=["nope"]), "security_measures[0]")


def test_every_bad_value_and_unknown_field_is_reported_in_one_answer(org, dpo_client, activity):
    body = payload(org, data_categories=["identity", "foo", "bar"], security_measures=["nope"],
                   consent_record="https://consent.example.com",
                   lawful_bases=[{"basis": "A6-1-a", "consent_recrod_link": "x"}])
    errors = _bad(dpo_client, body, "consent_record")
    assert {(e["field"], e["code"]) for e in errors} >= {
        ("data_categories[1]", "does_not_exist"), ("data_categories[2]", "does_not_exist"),
        ("security_measures[0]", "does_not_exist"), ("consent_record", "unknown_field"),
        ("lawful_bases[0].consent_recrod_link", "unknown_field")}
    # A misspelt field in a PATCH changes nothing: no new version, no history row.
    version, rows = activity.version, activity.history.count()
    response = dpo_client.patch(f"{URL}{activity.pk}/", {"consent_record": "x"}, format="json")
    assert response.status_code == 400
    assert response.data["errors"] == [{"field": "consent_record", "code": "unknown_field",
                                        "message": "Unknown field: check its name against the "
                                                   "API schema.", "value": "x"}]
    activity.refresh_from_db()
    assert (activity.version, activity.history.count()) == (version, rows)


def test_a_read_answer_sent_back_by_put_is_accepted_unchanged(org, dpo_client):
    created = dpo_client.post(URL, payload(org, recipients=[{"category": "crm-provider"}]),
                              format="json").data
    url = f"{URL}{created['id']}/"
    read = dpo_client.get(url)
    response = dpo_client.put(url, read.data, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.data
    again = dpo_client.get(url).data
    ignore = {"version", "updated_at", "findings"}
    same = {k: v for k, v in again.items() if k not in ignore}
    assert same == {k: v for k, v in read.data.items() if k not in ignore}
    assert read.data["recipients"][0]["category"]["code"] == "crm-provider"


def test_unknown_and_foreign_ids(org, dpo_client, foreign_party):
    _bad(dpo_client, payload(org, organisation=999999), "organisation")
    _bad(dpo_client, payload(org, joint_controllers=[foreign_party.pk]), "joint_controllers[0]")
    _bad(dpo_client, payload(org, recipients=[{"third_party": foreign_party.pk}]),
         "recipients[0].third_party")
    _bad(dpo_client, payload(org, recipients=[{"third_party": 10**30}]), "recipients[0].third_party")
    for raw in ("1e400", "1.5", "true", '"12abc"'):
        body = json.dumps(payload(org)).replace('"recipients": [{"third_party": ',
                                                f'"recipients": [{{"third_party": {raw}, "x": ')
        response = dpo_client.generic("POST", URL, body, content_type="application/json")
        assert response.status_code == 400, (raw, response.data)
        assert response.data["errors"][0]["field"] == "recipients[0].third_party"


def test_organisation_of_another_register_is_unknown(org, dpo_client, other_org):
    errors = _bad(dpo_client, payload(org, organisation=other_org.pk), "organisation")
    assert errors[0]["message"] == f"Unknown organisation id {other_org.pk}."


def test_wrong_types_and_lengths(org, dpo_client):
    _bad(dpo_client, payload(org, name=["a"]), "name")
    _bad(dpo_client, payload(org, name="x" * 300), "name")
    _bad(dpo_client, payload(org, reference="R" * 41), "reference")
    _bad(dpo_client, payload(org, data_categories="identity"), "data_categories")
    _bad(dpo_client, payload(org, data_categories=[1]), "data_categories[0]")
    _bad(dpo_client, payload(org, recipients_none="maybe"), "recipients_none")
    _bad(dpo_client, payload(org, next_review_on="next week"), "next_review_on")
    _bad(dpo_client, payload(org, dpia_link="not a url"), "dpia_link")
    _bad(dpo_client, payload(org, purposes="x"), "purposes")


def test_nul_byte_is_refused(org, dpo_client):
    _bad(dpo_client, payload(org, name="Sup\x00port"), "name")
    _bad(dpo_client, payload(org, data_categories=["iden\x00tity"]), "data_categories[0]")
    _bad(dpo_client, payload(org, purposes=[{"description": "a\x00"}]), "purposes[0].description")


def test_service_validation_errors_keep_their_field(org, dpo_client):
    # A retention period that is not ISO 8601 is refused by the model's clean().
    errors = _bad(dpo_client, payload(org, retention_rules=[{"period": "7 years"}]),
                  "retention_rules[0].period")
    assert "ISO 8601" in errors[0]["message"]
    # Art 9 condition without special category data: refused by the service.
    _bad(dpo_client, payload(org, data_categories=["identity"], lawful_bases=[],
                             special_category_conditions=["A9-2-a"]),
         "special_category_conditions")
    # A basis limited to a data category the activity does not process.
    _bad(dpo_client, payload(org, lawful_bases=[{"basis": "A6-1-b", "data_categories": ["financial"]}]),
         "lawful_bases[0].data_categories")
    _bad(dpo_client, payload(org, lawful_bases=[{"basis": "A6-1-b", "purposes": ["Other"]}]),
         "lawful_bases[0].purposes")
    _bad(dpo_client, payload(org, last_reviewed_on="2025-05-01", next_review_on="2025-01-01"), None)


def test_duplicate_reference_names_the_field(org, dpo_client, activity):
    _bad(dpo_client, payload(org, reference=activity.reference), "reference")


def test_malformed_json(dpo_client, activity):
    response = dpo_client.generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.data["errors"][0]["code"] == "parse_error"
    response = dpo_client.generic("PATCH", f"{URL}{activity.pk}/", "[1, 2",
                                  content_type="application/json")
    assert response.status_code == 400


def test_bad_input_on_update_writes_nothing(org, dpo_client, activity):
    version = activity.version
    _bad(dpo_client, {"name": "New", "lawful_bases": [{"basis": "A6-1-b"}, {"basis": "nope"}]},
         "lawful_bases[1].basis", url=f"{URL}{activity.pk}/", method="patch")
    # The service error comes after the activity itself was changed: all rolled back.
    _bad(dpo_client, {"name": "New", "retention_rules": [{"period": "forever"}]},
         "retention_rules[0].period", url=f"{URL}{activity.pk}/", method="patch")
    activity.refresh_from_db()
    assert activity.version == version and activity.name != "New"
    assert activity.retention_rules.count() == 1


def test_screening_marketing_and_policy_fields_go_in_and_come_out_with_their_findings(
        org, dpo_client):
    """The DPIA screening flags, Art 22 / Art 8 details, the notice, arrangement and policy
    document links, the marketing flags and the Annex 1 condition are written and read back
    as sent, and the findings follow them."""
    fields = {
        "large_scale": True, "evaluation_or_scoring": True, "matching_datasets": False,
        "vulnerable_subjects": False, "children": True, "innovative_technology": False,
        "prevents_exercise_of_right": False,
        "automated_decision_safeguards": "A case officer reviews any refusal on request.",
        "children_consent": "", "data_from_other_sources": True, "source_of_data": "",
        "privacy_notice_link": "https://acme.example/privacy",
        "joint_arrangement_link": "https://acme.example/art26", "direct_marketing": True,
        "electronic_marketing": True, "soft_opt_in": False,
        "policy_document_link": "https://acme.example/apd",
    }
    body = payload(org, **fields, dpia_status="", lawful_bases=[
        {"basis": "UK-A6-1-ea"}, {"basis": "A6-1-a", "consent_record_link": "https://c.example"}])
    response = dpo_client.post(URL, body, format="json")
    assert response.status_code == 201, response.data
    read = dpo_client.get(f"{URL}{response.data['id']}/").data
    assert {name: read[name] for name in fields} == fields
    codes = {f["code"] for f in read["findings"]}
    # Children on consent with no age check, data from others with no source, no Annex 1
    # condition, three screening criteria and no DPIA.
    assert {"A8-CHILD-CONSENT", "A14-SOURCE", "A6-EA-CONDITION", "A35-DPIA"} <= codes
    assert "PECR-CONSENT" not in codes  # consent is relied on

    fixed = payload(org, **fields | {"children_consent": "Parents confirm by email.",
                                     "source_of_data": "Partner referrals"},
                    dpia_status="in_progress", lawful_bases=[
                        {"basis": "UK-A6-1-ea", "recognised_interest": "safeguarding"},
                        {"basis": "A6-1-a", "consent_record_link": "https://c.example"}])
    response = dpo_client.put(f"{URL}{read['id']}/", fixed, format="json",
                              HTTP_IF_MATCH=f'"v{read["version"]}"')
    assert response.status_code == 200, response.data
    read = dpo_client.get(f"{URL}{read['id']}/").data
    recognised = next(b for b in read["lawful_bases"] if b["basis"] == "UK-A6-1-ea")
    assert recognised["recognised_interest"] == "safeguarding"
    assert not {"A8-CHILD-CONSENT", "A14-SOURCE", "A6-EA-CONDITION", "A35-DPIA"} & {
        f["code"] for f in read["findings"]}


def test_an_unknown_annex_1_condition_is_refused_by_name(org, dpo_client):
    body = payload(org, lawful_bases=[{"basis": "UK-A6-1-ea", "recognised_interest": "marketing"}])
    response = dpo_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert "recognised_interest" in json.dumps(response.data)
    assert not ProcessingActivity.objects.exists()
