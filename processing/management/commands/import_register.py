"""``manage.py import_register FILE [--dry-run] [--user USERNAME]``: import the workbook.

All or nothing: every problem is printed with its sheet, row, column and value, the
command exits with status 1 and nothing is written.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from processing.imports import ImportFailed, import_workbook
from processing.imports.readers import MAX_BYTES


class Command(BaseCommand):
    help = "Import the register from a workbook (xlsx, ods, zip of csv files or json)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The workbook exported by export_register (or edited).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check everything and report what would change; write nothing.")
        parser.add_argument("--user", help="Username the history records as the importer.")

    def handle(self, *args, file, dry_run, user, **options):
        account = None
        if user:
            model = get_user_model()
            account = model.objects.filter(**{model.USERNAME_FIELD: user}).first()
            if account is None:
                raise CommandError(f"--user: no user '{user}'.")
        try:
            size = os.path.getsize(file)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        if size > MAX_BYTES:
            raise CommandError(f"{file} is {size:,} bytes; the limit is {MAX_BYTES:,} bytes.")
        try:
            # The file itself, not its bytes: an xlsx workbook is read from it as the import
            # goes, so the process does not hold the whole file.
            with open(file, "rb") as handle:
                summary = import_workbook(handle, os.path.basename(file), user=account,
                                          dry_run=dry_run)
        except ImportFailed as exc:
            self.stderr.write(f"{file}: {len(exc.errors)} problem(s); nothing was written.")
            for error in exc.errors:
                self.stderr.write(f"  {error}")
            raise CommandError("Import refused.", returncode=1) from None
        for line in summary.lines():
            self.stdout.write(line)
