import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from entities.models import Membership
from entities.tokens import token_digest
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "code", "expected"), [
    ("data-categories", "health", {"special_category": True, "criminal_offence": False}),
    ("data-categories", "criminal-offences", {"criminal_offence": True}),
    ("data-subject-categories", "customers", {"name": "Customers"}),
    ("lawful-bases", "A6-1-f", {"article": "Art 6(1)(f)", "kind": "legitimate_interests"}),
    ("countries", "US", {"is_eea": False}),
    ("countries", "FR", {"is_eu": True, "is_eea": True}),
    ("transfer-mechanisms", "EU-US-DPF", {"kind": "dpf"}),
    ("security-measures", "iso-27001", {"kind": "certification"}),
])
def test_reference_endpoints(dpo_client, path, code, expected):
    listing = dpo_client.get(f"/api/v1/{path}/?page_size=100")
    assert listing.status_code == 200 and listing.data["count"] > 0
    detail = dpo_client.get(f"/api/v1/{path}/{code}/")
    assert detail.status_code == 200
    assert detail["ETag"].startswith('"')
    for key, value in expected.items():
        assert detail.data[key] == value, key
    assert dpo_client.get(f"/api/v1/{path}/no-such-code/").status_code == 404
    assert dpo_client.post(f"/api/v1/{path}/", {}, format="json").status_code == 405


def test_reference_lookup_with_nul_is_404(dpo_client):
    assert dpo_client.get("/api/v1/lawful-bases/A6%00/").status_code == 404


def test_organisation_detail_with_contacts_and_etag(dpo_client, org):
    ContactFactory(organisation=org, role="dpo", name="Jane Privacy")
    response = dpo_client.get(f"/api/v1/organisations/{org.pk}/")
    assert response.status_code == 200
    assert response.data["contacts"][0]["name"] == "Jane Privacy"
    assert response.data["country"] == "GB"
    etag = response["ETag"]
    assert dpo_client.get(f"/api/v1/organisations/{org.pk}/")["ETag"] == etag
    org.trading_name = "Akixi"
    org.save()
    assert dpo_client.get(f"/api/v1/organisations/{org.pk}/")["ETag"] != etag


def test_recipients_endpoint_and_filter(dpo_client, activity, org):
    response = dpo_client.get(f"/api/v1/recipients/?organisation={org.pk}&kind=processor")
    assert response.status_code == 200 and response.data["count"] == 1
    party = response.data["results"][0]
    assert party["kind"] == "processor" and party["country"] == "GB"
    detail = dpo_client.get(f"/api/v1/recipients/{party['id']}/")
    assert detail.status_code == 200 and "ETag" in detail
    assert dpo_client.get("/api/v1/recipients/?kind=wizard").status_code == 400


def test_issue_api_token_gives_a_read_only_token(org, activity, capsys):
    call_command("issue_api_token", "--organisation", str(org.pk))
    key = capsys.readouterr().out.strip()
    token = Token.objects.get(key=token_digest(key))
    assert token.user.username == f"api-{org.pk}"
    assert Membership.objects.get(user=token.user).role == "api_client"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 200
    assert client.patch(f"/api/v1/activities/{activity.pk}/", {"name": "x"},
                        format="json").status_code == 403
    # A second call gives the same client a new token, which replaces the first: the
    # database holds digests only, so the first cannot be printed again.
    call_command("issue_api_token", "--organisation", str(org.pk))
    again = capsys.readouterr()
    assert again.out.strip() != key and "its earlier token no longer works" in again.err
    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {again.out.strip()}")
    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 200
    assert Token.objects.get().user == token.user


def test_issue_api_token_refuses_a_user_that_can_write(org, dpo_user):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="only an API client"):
        call_command("issue_api_token", "--organisation", str(org.pk), "--user", dpo_user.username)
    with pytest.raises(CommandError, match="No organisation"):
        call_command("issue_api_token", "--organisation", "999999")
