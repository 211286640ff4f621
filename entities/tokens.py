"""Issuing and revoking the read-only API tokens of an organisation (the admin calls these;
``manage.py issue_api_token`` does the same from the command line).

A token belongs to an API client: a user with no password and no admin access whose only
role is ``api_client`` in one organisation, so the API's permissions
(processing/api/permissions.py) let it read that register and nothing else.

The database holds a digest of each token's secret, never the secret: DRF's ``key`` column
holds ``token_digest(secret)``, and the API looks a token up by the digest of what it is
sent. A copy of the database, or a backup, opens nothing; the secret is shown once, to
whoever issued it.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from rest_framework.authtoken.models import Token

from ropa.audit import audit_context

from .models import ApiToken, MemberRole, Membership, Organisation
from .services import membership_set

#: The longest name a client is given (the username is made from it).
NAME_MAX = 60


def token_digest(secret: str) -> str:
    """What the database holds of a token's secret: its BLAKE2b digest of 20 bytes, 40
    hexadecimal characters (the width of DRF's ``key`` column)."""
    return hashlib.blake2b(secret.encode(), digest_size=20).hexdigest()


def token_secret() -> str:
    """A new secret: 40 hexadecimal characters, as DRF's keys."""
    return secrets.token_hex(20)


def token_create(user, model: type[Token] = Token) -> tuple[Token, str]:
    """A new token of ``user`` and its secret, to be shown once: only its digest is
    stored."""
    secret = token_secret()
    return model.objects.create(user=user, key=token_digest(secret)), secret


def token_replace(user) -> tuple[str, bool]:
    """A new token of ``user`` in place of any it had (which stops working): (its secret,
    whether one was replaced)."""
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    return token_create(user)[1], replaced


def client_username(organisation: Organisation, name: str) -> str:
    """A username of its own (a revoked client's stays, inactive, with its history)."""
    return f"api-{organisation.pk}-{slugify(name)[:100]}-{secrets.token_hex(3)}"


@transaction.atomic
def api_token_issue(*, organisation: Organisation, name: str, user=None,
                    path: str | None = None) -> tuple[ApiToken, str]:
    """A new read-only token of ``organisation`` for the client called ``name``, and its
    secret, which the caller shows once (the database keeps its digest). Refused (ValidationError
    naming the field) when the name is empty, too long or already names a client."""
    name = (name or "").strip()
    if not slugify(name):
        raise ValidationError({"name": "Give the client a name (letters or digits), e.g. "
                                       "'BI dashboard'."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"The name is {len(name)} characters long: "
                                       f"{NAME_MAX} at most."})
    if Membership.objects.filter(organisation=organisation, role=MemberRole.API_CLIENT,
                                 user__is_active=True, user__first_name=name).exists():
        raise ValidationError({"name": f"A client called '{name}' already has a token in "
                                       f"{organisation.name}: revoke it first, or choose "
                                       "another name."})
    account = get_user_model()(username=client_username(organisation, name), first_name=name,
                               is_staff=False)
    account.set_unusable_password()
    account.save()
    with audit_context(user=user, path=path):
        membership_set(user_account=account, organisation=organisation,
                       role=MemberRole.API_CLIENT, user=user, path=path)
    return token_create(account, ApiToken)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user=None, path: str | None = None) -> None:
    """Revoke ``token``: the API refuses it from now on. Its client keeps no role (its
    membership is removed, with history), so nothing it could hold still reads."""
    account = token.user
    token.delete()
    with audit_context(user=user, path=path):
        for membership in Membership.objects.filter(user=account, role=MemberRole.API_CLIENT):
            membership.delete()
    account.is_active = False
    account.save(update_fields=["is_active"])


def api_tokens_of(organisation_ids) -> list[tuple[ApiToken, Organisation]]:
    """The tokens of the API clients of the organisations (None: every organisation),
    newest first, each with its organisation."""
    memberships = Membership.objects.filter(role=MemberRole.API_CLIENT).select_related(
        "organisation")
    if organisation_ids is not None:
        memberships = memberships.filter(organisation_id__in=organisation_ids)
    organisation_of = {m.user_id: m.organisation for m in memberships}
    tokens = (ApiToken.objects.filter(user_id__in=organisation_of).select_related("user")
              .order_by("-created"))
    return [(token, organisation_of[token.user_id]) for token in tokens]
