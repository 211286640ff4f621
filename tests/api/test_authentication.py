"""Token authentication: accepted and refused exactly as DRF's TokenAuthentication."""

import pytest
from rest_framework.test import APIClient

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_a_valid_token_is_its_user(dpo_user, activity):
    client = token_client(dpo_user)
    response = client.get(f"/api/v1/activities/{activity.pk}/")
    assert response.status_code == 200
    assert response.wsgi_request.user == dpo_user
    assert response.wsgi_request.user.get_username() == dpo_user.get_username()


@pytest.mark.parametrize("header, message", [
    ("Token not-a-key", "Invalid token."),
    ("Token", "Invalid token header. No credentials provided."),
    ("Token a b", "Invalid token header. Token string should not contain spaces."),
])
def test_bad_tokens_answer_401(db, header, message):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/activities/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["errors"][0]["message"] == message


def test_an_inactive_user_is_refused(dpo_user, activity):
    client = token_client(dpo_user)
    dpo_user.is_active = False
    dpo_user.save()
    response = client.get(f"/api/v1/activities/{activity.pk}/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "User inactive or deleted."


def test_a_deleted_token_is_refused_at_once(dpo_user, activity):
    from rest_framework.authtoken.models import Token

    client = token_client(dpo_user)
    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 200
    Token.objects.filter(user=dpo_user).delete()
    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 401


def test_a_token_call_neither_reads_nor_depends_on_the_session(dpo_user, activity):
    client = token_client(dpo_user)
    response = client.get(f"/api/v1/activities/{activity.pk}/lawful-basis/")
    assert response.status_code == 200
    # Nothing on the way read the session, so the answer does not vary by cookie.
    assert not response.wsgi_request.session.accessed
    assert "Cookie" not in response.get("Vary", "")


def test_a_token_write_is_recorded_as_its_user_through_the_api(dpo_user, activity):
    client = token_client(dpo_user)
    response = client.patch(f"/api/v1/activities/{activity.pk}/", {"name": "Renamed"},
                            format="json")
    assert response.status_code == 200, response.json()
    record = activity.history.latest()
    assert record.name == "Renamed"
    assert record.history_user == dpo_user and record.history_path == "api"


def test_the_database_holds_no_secret_and_its_digest_opens_nothing(dpo_user, activity):
    """What a copy of the database shows (the key column) is a digest: sent as a token,
    it is refused like any wrong one."""
    from rest_framework.authtoken.models import Token

    from entities.tokens import token_create, token_digest

    token, secret = token_create(dpo_user)
    stored = Token.objects.values_list("key", flat=True).get(user=dpo_user)
    assert stored == token.key == token_digest(secret) != secret and len(stored) == 40
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {stored}")
    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 200


def test_drf_create_token_prints_a_working_token_once(dpo_user, activity):
    """DRF's command, replaced: the token it prints works, and one already issued is
    replaced only when asked (-r), since it cannot be printed again."""
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from rest_framework.authtoken.models import Token

    from entities.tokens import token_digest

    out = io.StringIO()
    call_command("drf_create_token", dpo_user.username, stdout=out)
    first = out.getvalue().split()[2]
    assert out.getvalue() == f"Generated token {first} for user {dpo_user.username}\n"
    assert Token.objects.get(user=dpo_user).key == token_digest(first)
    with pytest.raises(CommandError, match=r"has a token already.*give -r"):
        call_command("drf_create_token", dpo_user.username, stdout=io.StringIO())
    out = io.StringIO()
    call_command("drf_create_token", dpo_user.username, "-r", stdout=out)
    second = out.getvalue().split()[2]
    client = APIClient()
    for secret, status in ((first, 401), (second, 200)):
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == status
    with pytest.raises(CommandError, match="user nobody does not exist"):
        call_command("drf_create_token", "nobody", stdout=io.StringIO())
