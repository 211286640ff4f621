"""Token authentication of the API: DRF's token model and rules, read in one plain query.

Every API call by a program starts here, so the token and its user are read with one SQL
statement written once from the models, instead of composing the same ORM query on each
request. What is accepted or refused is exactly DRF's ``TokenAuthentication``.

A view may send one statement of its own along with the token check (the lawful-basis
lookup, the API's busiest call, does): both then go to PostgreSQL in one round trip.
"""

from __future__ import annotations

import functools

import psycopg
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
    """``Authorization: Token <key>``, as DRF's, with the token read in one plain query.

    A view whose ``read_with_token(request)`` returns a statement and its parameters (the
    token's key comes first, then these) has that statement sent in the same round trip as
    the token check, on PostgreSQL, as a pipeline; its rows are left on the request as
    ``rows_read_with_token``. Whether the caller is let in is decided by the token check
    alone, as before.
    """

    def authenticate(self, request):
        self.request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        statement = _token_sql()[0]
        companion = self._read_with_token()
        with prepared_cursor() as cursor:
            if companion is None:
                cursor.execute(statement, [key])
                return self.credentials(cursor.fetchone())
            with prepared_cursor() as other:
                with connection.wrap_database_errors, connection.connection.pipeline():
                    cursor.execute(statement, [key])
                    other.execute(companion[0], [key, *companion[1]])
                row, rows = cursor.fetchone(), other.fetchall()
        credentials = self.credentials(row)
        self.request.rows_read_with_token = rows
        return credentials

    def _read_with_token(self):
        view = (getattr(self.request, "parser_context", None) or {}).get("view")
        read = getattr(view, "read_with_token", None)
        if read is None or connection.vendor != "postgresql" or not psycopg.Pipeline.is_supported():
            return None
        return read(self.request)

    @staticmethod
    def credentials(row):
        """(user, token) from the token statement's row, or refused as DRF refuses."""
        token_fields, user_fields = _token_sql()[1:]
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        width = len(token_fields)
        token = Token.from_db(connection.alias, token_fields, row[:width])
        user = get_user_model().from_db(connection.alias, user_fields, row[width:])
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token

