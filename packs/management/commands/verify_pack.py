"""``manage.py verify_pack FILE [--public-key KEY]``: checks a regulator pack's signature
and every file's digest; prints OK, or each thing that differs and exits with status 1."""

from django.core.management.base import BaseCommand, CommandError

from packs import signing
from packs.verification import verify_pack


class Command(BaseCommand):
    help = "Verify a regulator pack: the manifest's signature and every file's SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The pack (zip).")
        parser.add_argument(
            "--public-key", dest="public_key",
            help="The public key to check the signature with: its 32 bytes in base64, PEM "
                 "text, or a file holding either (default: this installation's key).")

    def handle(self, *args, file, public_key, **options):
        try:
            key = signing.load_public_key(public_key) if public_key else signing.public_key()
        except signing.BadPublicKey as exc:
            raise CommandError(f"--public-key: {exc}") from None
        try:
            with open(file, "rb") as handle:
                result = verify_pack(handle, key)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}") from None
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(f"{file}: verification failed ({len(result.problems)} "
                               f"problem{'s' if len(result.problems) > 1 else ''}).")
        manifest = result.manifest
        self.stdout.write(
            f"OK: {file}: the signature of the key {signing.fingerprint(key)} and the "
            f"{len(manifest['files'])} files' digests match.\n"
            f"Organisation: {manifest['organisation']['name']} "
            f"(id {manifest['organisation']['id']}), as of {manifest['as_of']}, made at "
            f"{manifest['generated_at']}.\n"
            f"Register digest: {manifest['register_digest']['value']}")
