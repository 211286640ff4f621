"""``manage.py issue_api_token --organisation ID [--user NAME]``: a read-only API token.

The token belongs to a user whose only role in the organisation is ``api_client``, so
it can read that organisation's register through the API and change nothing. Each call
prints a new token, which replaces the client's earlier one: the database keeps only a
digest of a token (entities/tokens.py), so a token cannot be shown again.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from entities.models import MemberRole, Membership, Organisation
from entities.services import membership_set
from entities.tokens import token_replace
from ropa.audit import ChangePath, audit_context


class Command(BaseCommand):
    help = ("Create (or reuse) a read-only API client of an organisation and print a new "
            "token for it; the client's earlier token stops working.")

    def add_arguments(self, parser):
        parser.add_argument("--organisation", type=int, required=True,
                            help="Id of the organisation whose register the token reads.")
        parser.add_argument("--user", default=None,
                            help="Username of the API client (default: api-<organisation id>).")

    @transaction.atomic
    def handle(self, *args, organisation, user, **options):
        org = Organisation.objects.filter(pk=organisation).first()
        if org is None:
            raise CommandError(f"No organisation with id {organisation}.")
        username = user or f"api-{org.pk}"
        User = get_user_model()
        account = User.objects.filter(username=username).first()
        if account is None:
            account = User(username=username)
            account.set_unusable_password()
            account.save()
        elif account.is_superuser or account.memberships.exclude(role=MemberRole.API_CLIENT).exists():
            raise CommandError(
                f"User {username!r} can do more than read (superuser or another role): a "
                f"read-only token needs a user that is only an API client. Choose another --user."
            )
        existing = Membership.objects.filter(user=account, organisation=org).first()
        if existing is None:
            with audit_context(path=ChangePath.COMMAND):
                membership_set(user_account=account, organisation=org, role=MemberRole.API_CLIENT)
        secret, replaced = token_replace(account)
        self.stderr.write(f"Read-only token of {username} for {org.name}"
                          + (" (its earlier token no longer works)" if replaced else "") + ":")
        self.stdout.write(secret)
