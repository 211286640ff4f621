"""``manage.py drf_create_token USERNAME [-r]``: DRF's command, for tokens kept as digests.

DRF's own prints the key it stores; here the database keeps only a token's digest
(entities/tokens.py), so the secret is printed when it is made and never again: a user
who has a token already gets a new one only with ``-r`` (the old one then stops working).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from entities.tokens import token_replace


class Command(BaseCommand):
    help = ("Create a DRF token for a user and print it once (only its digest is stored); "
            "-r replaces the user's token.")

    def add_arguments(self, parser):
        parser.add_argument("username", type=str)
        parser.add_argument("-r", "--reset", action="store_true", dest="reset_token",
                            help="Replace the user's token with a new one.")

    @transaction.atomic
    def handle(self, *args, username, reset_token, **options):
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"Cannot create the Token: user {username} does not exist") from None
        if not reset_token and Token.objects.filter(user=user).exists():
            raise CommandError(
                f"User {username} has a token already. Only its digest is stored, so it "
                f"cannot be shown again: give -r to replace it with a new one.")
        secret, _replaced = token_replace(user)
        self.stdout.write(f"Generated token {secret} for user {username}")
