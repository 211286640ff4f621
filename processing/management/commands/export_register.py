"""``manage.py export_register --format FORMAT [--organisation ID] [--status STATUS]
[--as-of DATE] -o FILE``: the register as an ICO or CNIL spreadsheet, the workbook
(xlsx, csv, ods, json), W3C DPV JSON-LD or a PDF, as it stands or as of a past day or instant."""

import datetime
import os
import shutil
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError

from entities.models import Organisation
from processing.exports.cells import ValueTooLong
from processing.exports.registry import FORMATS, write_register
from processing.models import ActivityStatus
from processing.register import BadMoment, parse_as_of
from processing.register.moments import ACCEPTED


def _moment(value: str) -> datetime.date | datetime.datetime:
    try:
        return parse_as_of(value)
    except BadMoment as exc:
        raise CommandError(f"--as-of: {exc}") from None


class Command(BaseCommand):
    help = "Export the register of processing activities."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=FORMATS, help="Layout of the file.")
        parser.add_argument("--organisation", action="append", type=int, dest="organisations",
                            metavar="ID", help="Only this organisation (repeatable).")
        parser.add_argument("--status", choices=ActivityStatus.values,
                            help="Only activities with this status.")
        parser.add_argument("--as-of", dest="as_of", help="The register as it stood then, from "
                            f"the audit history: {ACCEPTED}.".replace("%", "%%"))
        parser.add_argument("-o", "--output", required=True,
                            help="File to write ('-' for standard output).")

    def handle(self, *args, format, organisations, status, as_of, output, **options):
        as_of_date = _moment(as_of) if as_of else None
        if organisations:
            known = set(Organisation.objects.filter(pk__in=organisations).values_list("pk", flat=True))
            missing = sorted(set(organisations) - known)
            if missing and as_of_date is None:
                raise CommandError(f"--organisation: no organisation with id {missing[0]}.")
        # Made in a temporary file beside the output and moved onto it once whole: a failed
        # export leaves no half-written file, and the file is never held in memory.
        directory = os.path.dirname(os.path.abspath(output)) if output != "-" else None
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".export-", delete=False) as made:
            try:
                layout = write_register(format, made, organisation_ids=organisations,
                                        status=status, as_of=as_of_date)
            except BaseException as exc:
                made.close()
                os.unlink(made.name)
                if isinstance(exc, ValueTooLong):
                    raise CommandError(str(exc)) from None
                raise
        if output == "-":
            with open(made.name, "rb") as handle:
                shutil.copyfileobj(handle, sys.stdout.buffer)
            os.unlink(made.name)
            return
        size = os.path.getsize(made.name)
        os.chmod(made.name, 0o666 & ~_umask())
        os.replace(made.name, output)
        self.stderr.write(f"Wrote {layout.label} to {output} ({size} bytes).")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
