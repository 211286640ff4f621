"""python manage.py run_report KIND [--organisation ID] [--period YYYY-MM-DD]

Produces a report now, in this process (no worker needed), emails it to the DPOs and
prints where its files are.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports import services
from reports.models import ReportKind, ReportStatus
from ropa.audit import ChangePath, audit_context


class Command(BaseCommand):
    help = "Produce a DPO report now: " + ", ".join(ReportKind.values) + "."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="The report kind: " + ", ".join(ReportKind.values) + ".")
        parser.add_argument("--organisation", help="Organisation id (default: whole register).")
        parser.add_argument("--period", help="The day the report describes, YYYY-MM-DD "
                                             "(default: today).")
        parser.add_argument("--force", action="store_true",
                            help="Produce the report again even if it already exists.")
        parser.add_argument("--no-email", action="store_true", help="Do not email the DPOs.")

    def handle(self, *args, kind, organisation, period, force, no_email, **options):
        try:
            with audit_context(path=ChangePath.COMMAND):
                report, _ = services.report_request(kind=kind, organisation=organisation,
                                                    period=period)
                if force and report.status == ReportStatus.DONE:
                    # Produced anew: a fresh run, with its own attempts.
                    report.status = ReportStatus.PENDING
                    report.emailed_at = None
                    report.attempts = 0
                    report.save(update_fields=["status", "emailed_at", "attempts"])
                already = report.status == ReportStatus.DONE
                report = services.report_generate(report_id=report.pk)
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        if report.status != ReportStatus.DONE:
            raise CommandError(f"Report {report.pk} ({report}) failed: {report.failure_reason}")
        if already:
            self.stdout.write(f"Report {report.pk} ({report}) already exists "
                              "(use --force to produce it again).")
        else:
            self.stdout.write(self.style.SUCCESS(f"Report {report.pk} ({report}) produced."))
        for label, stored in (("Workbook", report.xlsx_file), ("Web page", report.html_file)):
            self.stdout.write(f"{label}: {_path(stored)}")
        if no_email or already:
            return
        try:
            sent_to = services.report_email(report_id=report.pk)
        except OSError as exc:
            raise CommandError(f"The report was produced but could not be emailed: {exc}") from exc
        report.refresh_from_db()
        if sent_to:
            self.stdout.write(f"Emailed to: {', '.join(sent_to)}")
        else:
            self.stdout.write(f"Not emailed: {report.email_error or 'already sent'}")


def _path(stored) -> str:
    try:
        return stored.path
    except NotImplementedError:  # storage without local files
        return stored.url


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
