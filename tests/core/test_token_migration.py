"""Tokens issued before the database kept digests keep working after the migration, and
the database no longer holds their secrets."""

import pytest
from rest_framework.test import APIClient

from tests.core.migrating import migrate, migrate_to_latest

BEFORE = [("entities", "0008_api_token")]


@pytest.mark.django_db(transaction=True)
def test_tokens_kept_in_clear_become_digests_and_still_authenticate():
    from entities.models import Membership
    from entities.tokens import token_digest
    from tests.factories import ActivityFactory, OrganisationFactory, UserFactory

    organisation = OrganisationFactory()
    activity = ActivityFactory(organisation=organisation)
    users = [UserFactory(username=f"client-{n}") for n in range(3)]
    for user in users:
        Membership.objects.create(user=user, organisation=organisation, role="api_client")
    secrets = [f"{n:040x}" for n in range(3)]
    old = migrate(BEFORE)
    try:
        Token = old.get_model("authtoken", "Token")
        for user, secret in zip(users, secrets, strict=True):
            Token.objects.create(user_id=user.pk, key=secret)
    finally:
        new = migrate_to_latest()
    Token = new.get_model("authtoken", "Token")
    assert sorted(Token.objects.values_list("key", flat=True)) == sorted(
        token_digest(secret) for secret in secrets)
    client = APIClient()
    for secret in secrets:
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 200
