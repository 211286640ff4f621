"""Organisations (with contacts and parent group) and third parties are written through
the API with the roles, scoping, ETag and error shape of the activities."""

import pytest

from entities.models import Contact, Membership, Organisation, ThirdParty
from tests.api.conftest import member, token_client
from tests.factories import ThirdPartyFactory

pytestmark = pytest.mark.django_db

ORGS, PARTIES = "/api/v1/organisations/", "/api/v1/recipients/"


def subsidiary(parent, **extra):
    return {
        "name": "Akixi Europe BV", "trading_name": "Akixi EU", "address": "Keizersgracht 1",
        "trading_address": "Herengracht 2, Amsterdam", "country": "NL", "jurisdiction": "eu",
        "email": "privacy@akixi.eu", "parent": parent.pk,
        "contacts": [
            {"role": "dpo", "name": "Dana Officer", "email": "dpo@akixi.eu", "phone": "+31 20 000"},
            {"role": "legal_representative", "name": "Lars Director", "email": "lars@akixi.eu"},
        ],
        **extra,
    }


def test_a_dpo_adds_a_company_of_its_group_and_becomes_its_dpo(org, dpo_client, dpo_user):
    response = dpo_client.post(ORGS, subsidiary(org), format="json")
    assert response.status_code == 201, response.data
    created = Organisation.objects.get(name="Akixi Europe BV")
    assert created.parent == org and created.country.code == "NL"
    assert created.trading_address == "Herengracht 2, Amsterdam"
    assert Membership.objects.get(user=dpo_user, organisation=created).role == "dpo"
    assert {(c.role, c.name) for c in created.contacts.all()} == {
        ("dpo", "Dana Officer"), ("legal_representative", "Lars Director")}
    assert response.data["contacts"][0]["name"] in {"Dana Officer", "Lars Director"}
    assert response["ETag"]
    record = created.history.earliest()
    assert (record.history_user, record.history_path) == (dpo_user, "api")


def test_an_organisation_read_and_sent_back_is_accepted_unchanged(org, dpo_client):
    created = dpo_client.post(ORGS, subsidiary(org), format="json").data
    url = f"{ORGS}{created['id']}/"
    read = dpo_client.get(url)
    response = dpo_client.put(url, read.data, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.data
    assert {k: v for k, v in response.data.items() if k != "updated_at"} == {
        k: v for k, v in read.data.items() if k != "updated_at"}
    organisation = Organisation.objects.get(pk=created["id"])
    assert organisation.history.count() == 1  # nothing changed, nothing written
    assert Contact.objects.filter(organisation=organisation).count() == 2


def test_contacts_become_the_list_sent_and_errors_name_the_path(org, dpo_client):
    created = dpo_client.post(ORGS, subsidiary(org), format="json").data
    url = f"{ORGS}{created['id']}/"
    response = dpo_client.patch(url, {"contacts": [
        {"role": "dpo", "name": "Dana Officer", "email": "dana@akixi.eu"},
        {"role": "representative", "name": "EU Rep GmbH", "email": "not-an-email"},
    ]}, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.data["errors"]] == ["contacts[1].email"]
    assert Contact.objects.filter(organisation_id=created["id"]).count() == 2  # nothing written

    response = dpo_client.patch(url, {"contacts": [
        {"role": "dpo", "name": "Dana Officer", "email": "dana@akixi.eu"}]}, format="json")
    assert response.status_code == 200, response.data
    assert [(c["role"], c["email"]) for c in response.data["contacts"]] == [("dpo", "dana@akixi.eu")]


def test_a_stale_if_match_answers_412_and_writes_nothing(org, dpo_client):
    read = dpo_client.get(f"{ORGS}{org.pk}/")
    dpo_client.patch(f"{ORGS}{org.pk}/", {"trading_name": "Akixi"}, format="json")
    response = dpo_client.patch(f"{ORGS}{org.pk}/", {"trading_name": "Other"}, format="json",
                                HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 412
    org.refresh_from_db()
    assert org.trading_name == "Akixi"


def test_unknown_fields_and_every_bad_value_are_reported_at_once(org, dpo_client):
    response = dpo_client.post(ORGS, subsidiary(org, country="XX", jurisdiction="mars",
                                                regsitration_number="123"), format="json")
    assert response.status_code == 400
    assert {e["field"] for e in response.data["errors"]} == {
        "country", "jurisdiction", "regsitration_number"}
    assert not Organisation.objects.filter(name="Akixi Europe BV").exists()


def test_other_organisations_answer_404_and_readers_cannot_write(org, other_org, dpo_client):
    assert dpo_client.patch(f"{ORGS}{other_org.pk}/", {"trading_name": "x"},
                            format="json").status_code == 404
    response = dpo_client.post(ORGS, subsidiary(other_org), format="json")
    assert response.status_code == 400 and response.data["errors"][0]["field"] == "parent"
    for role in ("auditor", "api_client", "contributor"):
        client = token_client(member(org, role))
        assert client.patch(f"{ORGS}{org.pk}/", {"trading_name": "x"},
                            format="json").status_code == 403
        assert client.post(ORGS, subsidiary(org), format="json").status_code == 403
    assert not Organisation.objects.filter(name="Akixi Europe BV").exists()


def test_a_dpo_adds_and_changes_third_parties_of_its_register(org, other_org, dpo_client):
    body = {"organisation": org.pk, "name": "HMRC", "kind": "public_authority",
            "category": "tax-authority", "country": "GB", "service": "Tax returns"}
    response = dpo_client.post(PARTIES, body, format="json")
    assert response.status_code == 201, response.data
    party = ThirdParty.objects.get(name="HMRC")
    assert (party.organisation, party.kind, party.category.code) == (org, "public_authority",
                                                                     "tax-authority")
    assert response.data["category"]["code"] == "tax-authority"
    # What a GET returns, a PUT accepts: the category travels with its label.
    url = f"{PARTIES}{party.pk}/"
    read = dpo_client.get(url)
    again = dpo_client.put(url, read.data, format="json", HTTP_IF_MATCH=read["ETag"])
    assert again.status_code == 200, again.data
    assert again.data == read.data
    # Another organisation's register is out of reach, as for reads.
    foreign = ThirdPartyFactory(organisation=other_org)
    assert dpo_client.patch(f"{PARTIES}{foreign.pk}/", {"notes": "x"},
                            format="json").status_code == 404
    response = dpo_client.post(PARTIES, {**body, "organisation": other_org.pk, "name": "X"},
                               format="json")
    assert response.status_code == 400 and response.data["errors"][0]["field"] == "organisation"
    moved = dpo_client.patch(url, {"organisation": other_org.pk}, format="json")
    assert moved.status_code == 400


def test_a_controller_served_carries_its_dpo_and_representative(org, dpo_client):
    """Art 30(2)(a): written and read back through the API, kept in the history."""
    body = {"organisation": org.pk, "name": "Client SAS", "kind": "controller", "country": "FR",
            "dpo_contact": "Camille Martin, dpo@client.example",
            "representative_contact": ""}
    response = dpo_client.post(PARTIES, body, format="json")
    assert response.status_code == 201, response.data
    party = ThirdParty.objects.get(name="Client SAS")
    assert party.dpo_contact == "Camille Martin, dpo@client.example"
    url = f"{PARTIES}{party.pk}/"
    read = dpo_client.get(url)
    assert (read.data["dpo_contact"], read.data["representative_contact"]) == (
        "Camille Martin, dpo@client.example", "")
    changed = dpo_client.patch(url, {"representative_contact": "Rep Ltd, London"}, format="json",
                               HTTP_IF_MATCH=read["ETag"])
    assert changed.status_code == 200, changed.data
    assert changed.data["representative_contact"] == "Rep Ltd, London"
    assert [h.representative_contact for h in party.history.order_by("history_id")] == [
        "", "Rep Ltd, London"]


def test_an_unknown_category_points_to_the_list_of_codes(org, dpo_client):
    response = dpo_client.post(PARTIES, {"organisation": org.pk, "name": "X", "kind": "processor",
                                         "category": "cloud"}, format="json")
    assert response.status_code == 400
    assert response.data["errors"][0]["field"] == "category"
    codes = dpo_client.get("/api/v1/recipient-categories/").data
    codes = codes["results"] if isinstance(codes, dict) else codes
    assert "tax-authority" in {c["code"] for c in codes}


def test_errors_name_the_path_and_the_value_sent(org, dpo_client):
    body = subsidiary(org, country="XX")
    body["contacts"][1]["email"] = "lars-at-akixi"
    errors = dpo_client.post(ORGS, body, format="json").data["errors"]
    assert {(e["field"], e.get("value")) for e in errors} == {
        ("country", "XX"), ("contacts[1].email", "lars-at-akixi")}


def test_a_text_longer_than_the_schema_allows_is_refused_as_sent(org, dpo_client):
    """Length is checked on the text sent, before its spaces are trimmed, as the schema's
    maxLength says; the other problems of the body come in the same answer."""
    errors = dpo_client.post(ORGS, subsidiary(org, registration_number=" " * 30 + "0" * 11,
                                              country="XX"), format="json").data["errors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("registration_number", "max_length"), ("country", "does_not_exist")}
