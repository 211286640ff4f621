"""Token authentication of the API: DRF's token model and rules, read in one plain query.

Every API call by a program starts here, so the token and its user are read with one SQL
statement written once from the models, instead of composing the same ORM query on each
request. What is accepted or refused is exactly DRF's ``TokenAuthentication``.
"""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from ropa.db import prepared_cursor


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


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, as DRF's, with the token read in one plain query."""

    def authenticate_credentials(self, key):
        statement, token_fields, user_fields = _token_sql()
        with prepared_cursor() as cursor:
            cursor.execute(statement, [key])
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
