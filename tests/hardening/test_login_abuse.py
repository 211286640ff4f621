"""Login and token abuse: the lockout applies to a username from one client (its real
address behind the configured proxy), one client spraying a password across usernames is
locked out, and failed token authentications are throttled."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from entities.tokens import token_create
from ropa.security import client_address
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
PROXY = "10.0.0.2"
LOGIN = reverse("admin:login")


def behind_proxy(address: str) -> Client:
    """A browser at ``address``, reaching the app through one proxy (REMOTE_ADDR is the
    proxy's; the proxy appended the address it saw to what the client sent)."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {address}")


def login(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "203.0.113.5", PROXY),
    (1, "203.0.113.5", "203.0.113.5"),
    (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client wrote the first one
    (2, "6.6.6.6, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
    (2, "203.0.113.5", PROXY),  # not through the configured proxies
    (1, "not-an-address", PROXY),
])
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_saw(
        rf, settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_failures_from_one_client_do_not_lock_the_user_out_elsewhere():
    UserFactory(username="dora", is_staff=True)
    attacker = behind_proxy("203.0.113.5")
    for _ in range(3):
        response = login(attacker, "dora", "wrong")
    assert response.status_code == 429
    assert login(attacker, "dora", PASSWORD).status_code == 429

    dpo = behind_proxy("198.51.100.7")
    response = login(dpo, "dora", PASSWORD)

    assert response.status_code == 302, response.content[:300]
    assert "_auth_user_id" in dpo.session


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, ROPA_LOGIN_FAILURES_PER_CLIENT=4,
                   TRUSTED_PROXY_COUNT=1)
def test_one_password_across_many_usernames_locks_the_client_out():
    UserFactory(username="dora", is_staff=True)
    sprayer = behind_proxy("203.0.113.5")
    for name in ("alice", "bob", "carol"):  # one failure each: no username locked
        assert login(sprayer, name, "Winter2026!").status_code == 200

    assert login(sprayer, "dave", "Winter2026!").status_code == 429  # the 4th failure
    assert login(sprayer, "erin", "Winter2026!").status_code == 429
    # Even the right password of another user: the address is locked, not a username.
    assert login(sprayer, "dora", PASSWORD).status_code == 429
    assert login(behind_proxy("198.51.100.7"), "dora", PASSWORD).status_code == 302


# --- tokens -------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_failed_token_authentications_are_throttled_per_client(settings):
    from rest_framework.test import APIClient

    from processing.api.authentication import FailedTokenThrottle

    limit = FailedTokenThrottle().num_requests
    guesser = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    for guess in range(limit):
        response = guesser.get("/api/v1/activities/", HTTP_AUTHORIZATION=f"Token guess{guess}")
        assert response.status_code == 401

    refused = guesser.get("/api/v1/activities/", HTTP_AUTHORIZATION="Token guess-more")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    [error] = refused.json()["errors"]
    assert error["code"] == "throttled"
    assert f"the limit is {settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['token_failures']}" \
        in error["message"]
    # A good token from the same address waits too; another address is not concerned.
    _token, secret = token_create(UserFactory())
    assert guesser.get("/api/v1/activities/",
                       HTTP_AUTHORIZATION=f"Token {secret}").status_code == 429
    other = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.get("/api/v1/activities/",
                     HTTP_AUTHORIZATION=f"Token {secret}").status_code == 200


@pytest.mark.django_db
def test_successful_token_authentications_are_not_counted():
    from rest_framework.test import APIClient

    from processing.api.authentication import FailedTokenThrottle

    _token, secret = token_create(UserFactory())
    client = APIClient(HTTP_AUTHORIZATION=f"Token {secret}")
    for _ in range(FailedTokenThrottle().num_requests + 5):
        assert client.get("/api/v1/lawful-bases/").status_code == 200


@pytest.mark.django_db
def test_a_bad_token_is_still_a_401_when_the_cache_is_down(settings):
    from rest_framework.test import APIClient

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    client = APIClient()
    for _ in range(2):  # the second time its address is known to have failed
        response = client.get("/api/v1/activities/", HTTP_AUTHORIZATION="Token guess")
        assert response.status_code == 401
