"""``manage.py regulator_pack --organisation ID [--as-of MOMENT] -o FILE``: the signed pack
of one organisation's register (Art 30(4)), recorded and kept; ``--public-key`` prints the
public key that verifies packs."""

import os
import shutil

from django.core.management.base import BaseCommand, CommandError

from entities.models import Organisation
from packs import signing
from packs.services import PackError, pack_create
from processing.register import BadMoment, parse_as_of
from processing.register.moments import ACCEPTED


class Command(BaseCommand):
    help = "Make the signed regulator pack of an organisation's register (Art 30(4))."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", type=int, metavar="ID",
                            help="The organisation whose register goes in the pack.")
        parser.add_argument("--as-of", dest="as_of", help="The register as it stood then "
                            f"(default: now): {ACCEPTED}.".replace("%", "%%"))
        parser.add_argument("-o", "--output", help="Zip file to write.")
        parser.add_argument("--public-key", action="store_true",
                            help="Print the public key that verifies packs, and stop.")

    def handle(self, *args, organisation, as_of, output, public_key, **options):
        if public_key:
            key = signing.public_key()
            self.stdout.write(f"Fingerprint: {signing.fingerprint(key)}\n"
                              f"Base64: {signing.public_key_base64(key)}\n"
                              f"{signing.public_key_pem(key)}", ending="")
            return
        if organisation is None or not output:
            raise CommandError("--organisation and -o/--output are required "
                               "(or --public-key alone).")
        try:
            moment = parse_as_of(as_of) if as_of else None
        except BadMoment as exc:
            raise CommandError(f"--as-of: {exc}") from None
        try:
            org = Organisation.objects.get(pk=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(f"--organisation: no organisation with id {organisation}.") from None
        try:
            pack = pack_create(organisation=org, as_of=moment)
        except PackError as exc:
            raise CommandError(str(exc)) from None
        # Copied beside the output, then moved onto it: never a half-written file.
        made = os.path.join(os.path.dirname(os.path.abspath(output)),
                            f".{os.path.basename(output)}.{os.getpid()}.part")
        try:
            with pack.file.open("rb") as source, open(made, "wb") as target:
                shutil.copyfileobj(source, target)
            os.replace(made, output)
        finally:
            if os.path.exists(made):
                os.unlink(made)
        self.stderr.write(
            f"Wrote the regulator pack of {org.name} as of {pack.as_of} to {output} "
            f"({pack.size} bytes); recorded as pack {pack.pk}.\n"
            f"Register digest: {pack.register_sha256}\n"
            f"Signed by the key {pack.key_fingerprint}.")
