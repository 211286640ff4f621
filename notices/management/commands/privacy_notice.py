"""``manage.py privacy_notice --organisation ID [--as-of MOMENT] --format html|md|pdf -o FILE``:
the organisation's privacy notice drafted from its active activities, kept as a version."""

import os
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError

from notices.drafting import NoticeError
from notices.rendering import FORMATS
from notices.services import generate_notice
from processing.management.commands.export_register import _moment, _umask
from processing.register.moments import ACCEPTED


class Command(BaseCommand):
    help = "Draft an organisation's privacy notice (Art 13/14) from its register."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, type=int, metavar="ID",
                            help="The organisation's id.")
        parser.add_argument("--as-of", dest="as_of", help="The register as it stood then, from "
                            f"the audit history: {ACCEPTED}.".replace("%", "%%"))
        parser.add_argument("--format", required=True, choices=FORMATS,
                            help="Format of the notice.")
        parser.add_argument("-o", "--output", required=True,
                            help="File to write ('-' for standard output).")

    def handle(self, *args, organisation, as_of, format, output, **options):
        moment = _moment(as_of) if as_of else None
        try:
            generated = generate_notice(organisation_id=organisation, as_of=moment)
        except NoticeError as exc:
            raise CommandError(f"--organisation: {exc}") from None
        content = generated.render(format)
        if output == "-":
            sys.stdout.buffer.write(content)
        else:
            # Written beside the output and moved onto it whole: no half-written file.
            directory = os.path.dirname(os.path.abspath(output))
            with tempfile.NamedTemporaryFile(dir=directory, prefix=".notice-", delete=False) as made:
                made.write(content)
            os.chmod(made.name, 0o666 & ~_umask())
            os.replace(made.name, output)
        state = "new" if generated.created else "unchanged, the last"
        self.stderr.write(f"Privacy notice of {generated.notice.name}: version "
                          f"{generated.version.version} ({state}), written to {output}.")
