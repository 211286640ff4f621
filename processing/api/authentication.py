"""Token authentication of the API: DRF's token model and rules, read in one plain query.

Every API call by a program starts here, so the token and its user are read with one SQL
statement written once from the models, instead of composing the same ORM query on each
request. What is accepted or refused is exactly DRF's ``TokenAuthentication``, except
that the token is looked up by the digest of the key sent (the database holds digests,
never secrets: entities/tokens.py), and that a client address with too many failed token
authentications (the ``token_failures`` rate) is answered 429, by a web process that saw
it fail, before any token it sends is looked up.
"""

from __future__ import annotations

import functools
import logging

import redis.exceptions
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, throttling
from rest_framework.authtoken.models import Token

from entities.tokens import token_digest
from ropa.db import prepared_cursor
from ropa.security import client_address

logger = logging.getLogger(__name__)
#: What the cache raises when its server (Redis in production) cannot be reached.
CACHE_ERRORS = (redis.exceptions.RedisError, OSError)


@functools.cache
def _token_sql() -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(statement, token columns, user columns)."""
    user_model = get_user_model()
    token_fields = tuple(f.attname for f in Token._meta.concrete_fields)
    user_fields = tuple(f.attname for f in user_model._meta.concrete_fields)
    token_columns = [f"t.{connection.ops.quote_name(f.column)}"
                     for f in Token._meta.concrete_fields]
    user_columns = [f"u.{connection.ops.quote_name(f.column)}"
                    for f in user_model._meta.concrete_fields]
    statement = (
        f"SELECT {', '.join(token_columns + user_columns)} "
        f"FROM {Token._meta.db_table} t JOIN {user_model._meta.db_table} u "
        f"ON u.{user_model._meta.pk.column} = t.{Token._meta.get_field('user').column} "
        f"WHERE t.{Token._meta.get_field('key').column} = %s"
    )
    return statement, token_fields, user_fields


class FailedTokenThrottle(throttling.SimpleRateThrottle):
    """Counts the failed token authentications of a client address (its real address
    behind the configured proxies): past the ``token_failures`` rate
    (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) the client is refused until the oldest
    failure leaves the window."""

    scope = "token_failures"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

    def _load(self, request) -> None:
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        try:
            self.history = self.cache.get(self.key, [])
        except CACHE_ERRORS as exc:  # the cache server is down: count nothing, refuse nobody
            logger.warning("token failure throttle: cache unavailable (%s)", exc)
            self.history, self.key = [], None
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    def refuses(self, request) -> bool:
        self._load(request)
        return len(self.history) >= self.num_requests

    def record_failure(self, request) -> None:
        self._load(request)
        self.history.insert(0, self.now)
        if self.key is not None:
            try:
                self.cache.set(self.key, self.history, self.duration)
            except CACHE_ERRORS as exc:
                logger.warning("token failure throttle: cache unavailable (%s)", exc)


#: Client addresses whose token failed in this process lately, and when. Only these are
#: checked against the shared counter before their token is looked up: a client whose
#: tokens are good costs no round trip to the cache.
_failed_here: dict[str, float] = {}
_FAILED_HERE_MAX = 10_000


def _remember_failure(address: str, now: float, window: float) -> None:
    if len(_failed_here) >= _FAILED_HERE_MAX:
        for stale in [a for a, t in _failed_here.items() if t <= now - window]:
            del _failed_here[stale]
        if len(_failed_here) >= _FAILED_HERE_MAX:
            _failed_here.clear()
    _failed_here[address] = now


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, as DRF's, with the token read in one plain query."""

    def authenticate(self, request):
        auth = authentication.get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None  # no token: nothing to count
        throttle = FailedTokenThrottle()
        address = client_address(request)
        if address in _failed_here and throttle.refuses(request):
            raise exceptions.Throttled(
                wait=throttle.wait(),
                detail=f"Too many failed token authentications from your address (the limit "
                       f"is {throttle.rate}): try again later.")
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure(request)
            _remember_failure(address, throttle.now, throttle.duration)
            raise

    def authenticate_credentials(self, key):
        statement, token_fields, user_fields = _token_sql()
        with prepared_cursor() as cursor:
            cursor.execute(statement, [token_digest(key)])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        width = len(token_fields)
        token = Token.from_db(connection.alias, token_fields, row[:width])
        user = get_user_model().from_db(connection.alias, user_fields, row[width:])
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token
