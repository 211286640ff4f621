"""API tokens in the browser: the DPO issues, lists and revokes read-only tokens of its
organisations; the secret is shown once; nobody else issues them."""

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from entities.models import MemberRole, Membership
from entities.tokens import api_token_issue, token_digest
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/entities/apitoken/"
ADD = "/admin/entities/apitoken/add/"


def api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def issue(client, organisation, name="BI dashboard"):
    response = client.post(ADD, {"organisation": organisation.pk, "name": name})
    found = re.search(r'id="api-token-secret"[^>]*>([0-9a-f]{40})<', response.content.decode())
    return response, found.group(1) if found else None


def test_a_dpo_issues_a_read_only_token_shown_once(client, dpo_a, org_a, org_b):
    ActivityFactory(organisation=org_a, reference="AKX-01")
    ActivityFactory(organisation=org_b, reference="MON-01")
    client.force_login(dpo_a)
    assert "Mondago Limited" not in client.get(ADD).content.decode()

    response, key = issue(client, org_a)

    assert response.status_code == 200 and key
    assert "no-store" in response["Cache-Control"]
    # The database keeps the secret's digest, not the secret.
    token = Token.objects.get(key=token_digest(key))
    assert token.key != key and not Token.objects.filter(key=key).exists()
    client_user = token.user
    assert (client_user.first_name, client_user.is_staff, client_user.has_usable_password()) == (
        "BI dashboard", False, False)
    assert list(Membership.objects.filter(user=client_user).values_list(
        "organisation", "role")) == [(org_a.pk, MemberRole.API_CLIENT)]
    # Listed, without its secret, which no page shows again.
    listing = client.get(LIST).content.decode()
    assert "BI dashboard" in listing and "read-only" in listing
    assert key not in listing and key not in client.get(ADD).content.decode()
    # It reads its organisation's register and nothing else, and writes nothing.
    reader = api(key)
    listed = reader.get("/api/v1/activities/").json()
    assert [a["reference"] for a in listed["results"]] == ["AKX-01"]
    refused = reader.post("/api/v1/activities/", {"organisation": org_a.pk, "name": "X"},
                          format="json")
    assert refused.status_code == 403
    activity = org_a.activities.get()
    assert reader.patch(f"/api/v1/activities/{activity.pk}/", {"name": "Changed"},
                        format="json").status_code in (403, 428)


def test_revoking_a_token_asks_first_then_the_api_refuses_it(client, dpo_a, org_a):
    client.force_login(dpo_a)
    _, key = issue(client, org_a)
    token = Token.objects.get(key=token_digest(key))
    revoke = f"/admin/entities/apitoken/{token.user_id}/revoke/"
    assert api(key).get("/api/v1/activities/").status_code == 200

    confirm = client.get(revoke)
    assert confirm.status_code == 200 and "Yes, revoke it" in confirm.content.decode()
    assert Token.objects.filter(pk=token.pk).exists()  # asking revokes nothing

    response = client.post(revoke, follow=True)

    assert "is revoked" in response.content.decode()
    assert not Token.objects.filter(pk=token.pk).exists()
    assert api(key).get("/api/v1/activities/").status_code == 401
    assert not Membership.objects.filter(user=token.user).exists()
    assert "No API tokens yet." in client.get(LIST).content.decode()
    # The same name may be given to a new client.
    assert issue(client, org_a)[1] is not None


def test_a_dpo_neither_sees_nor_revokes_another_organisation_s_tokens(client, dpo_a, org_b):
    other, _secret = api_token_issue(organisation=org_b, name="Mondago BI")
    client.force_login(dpo_a)

    assert "Mondago BI" not in client.get(LIST).content.decode()
    assert client.post(f"/admin/entities/apitoken/{other.user_id}/revoke/").status_code == 404
    response, key = issue(client, org_b, "Sneaky")
    assert key is None
    assert "Choose one of the organisations whose DPO you are." in response.content.decode()
    assert Token.objects.filter(pk=other.pk).exists() and Token.objects.count() == 1


def test_contributors_and_auditors_cannot_issue_tokens(client, contributor_a, auditor_a, org_a):
    for user in (contributor_a, auditor_a):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.post(ADD, {"organisation": org_a.pk, "name": "Mine"}).status_code == 403
        assert "/admin/entities/apitoken/" not in client.get("/admin/").content.decode()
    assert not Token.objects.exists()


def test_bad_names_are_named(client, dpo_a, org_a):
    client.force_login(dpo_a)
    issue(client, org_a, "BI dashboard")

    again, key = issue(client, org_a, "BI dashboard")
    assert key is None and "already has a token in Akixi Limited" in again.content.decode()
    blank, key = issue(client, org_a, "!!!")
    assert key is None and "Give the client a name" in blank.content.decode()
    assert Token.objects.count() == 1


def test_drf_token_admin_listing_secrets_is_gone(client):
    client.force_login(UserFactory(username="root", is_superuser=True))

    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404
    assert client.get(LIST).status_code == 200
