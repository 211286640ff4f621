"""Every write to the reports goes through these services.

The API, the admin, the command and the Celery tasks call them. A report is identified
by (kind, organisation, period): asking twice for the same key gives the same report,
and producing it twice (a duplicate beat, a task delivered again after a worker was
lost) leaves one report with one set of files.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from entities.models import Organisation
from ropa import jobs
from ropa.audit import audit_context
from ropa.collector import alive_left_out

from .kinds import BUILDERS, check_kind
from .models import Report, ReportStatus, report_upload_to
from .rendering import render_xlsx, write_html
from .selectors import previous_report, report_recipients

logger = logging.getLogger(__name__)

#: The first day a report may describe (the register keeps no earlier history).
EARLIEST_PERIOD = datetime.date(2000, 1, 1)
#: A report whose worker was lost this many times is given up (it would be lost again).
MAX_ATTEMPTS = jobs.MAX_ATTEMPTS
#: The longest a worker may take to produce a report (the task's hard time limit, in
#: seconds; reports/tasks.py): past it the worker has been stopped.
GENERATE_TIME_LIMIT = 12 * 60
#: A report running for longer than this was left by a lost worker (the time limit and a
#: margin for the clocks of the worker and the database): it is queued again.
STUCK_AFTER = jobs.stuck_after(GENERATE_TIME_LIMIT)
BROKER_ERRORS = jobs.BROKER_ERRORS


class ReportQueueUnavailable(jobs.QueueUnavailable):
    """The report was recorded but could not be queued: the broker is unreachable."""


def organisation_get(organisation) -> Organisation | None:
    """The organisation given as an instance or an id; None for the whole register."""
    if organisation is None or isinstance(organisation, Organisation):
        return organisation
    try:
        return Organisation.objects.get(pk=int(organisation))
    except (TypeError, ValueError):
        raise ValidationError(
            {"organisation": f"'{organisation}' is not an organisation id (a whole number)."},
            code="invalid",
        ) from None
    except Organisation.DoesNotExist:
        raise ValidationError(
            {"organisation": f"No organisation with id {organisation}."}, code="unknown"
        ) from None


def period_get(period) -> datetime.date:
    """The report's day: a date, an ISO date string (YYYY-MM-DD), or today when None."""
    today = timezone.localdate()
    if period is None or period == "":
        return today
    if isinstance(period, datetime.datetime):
        period = timezone.localdate(period) if timezone.is_aware(period) else period.date()
    if not isinstance(period, datetime.date):
        try:
            period = datetime.date.fromisoformat(str(period))
        except ValueError:
            raise ValidationError(
                {"period": f"'{period}' is not a date in the form YYYY-MM-DD."}, code="invalid"
            ) from None
    if period < EARLIEST_PERIOD:
        raise ValidationError(
            {"period": f"{period:%Y-%m-%d} is too early: a report describes a day from "
                       f"{EARLIEST_PERIOD:%Y-%m-%d} on."}, code="too_early")
    if period > today:
        raise ValidationError(
            {"period": f"{period:%Y-%m-%d} is in the future: a report describes a day that has "
                       "begun."}, code="future")
    return period


@transaction.atomic
def report_request(*, kind: str, organisation=None, period=None, user=None,
                   path: str | None = None) -> tuple[Report, bool]:
    """The report of (kind, organisation, period), created if missing.

    Answers the report and whether it must be produced: True when it was just created,
    when it had failed, or when it was left running by a lost worker for longer than a
    worker may take (it is then reset to pending). The row is locked while deciding, so
    that concurrent requests agree.
    """
    kind = check_kind(kind)
    organisation = organisation_get(organisation)
    period = period_get(period)
    with audit_context(user=user, path=path):
        report, created = Report.objects.select_for_update().get_or_create(
            kind=kind, organisation=organisation, period=period,
            defaults={"requested_by": user if getattr(user, "pk", None) else None},
        )
        if report.status == ReportStatus.FAILED:
            report.status = ReportStatus.PENDING
            report.failure_reason = ""
            report.attempts = 0
            report.save()
            return report, True
        if Report.objects.stuck().filter(pk=report.pk).exists():
            _requeue(report)
            return report, True
    return report, created


def _requeue(report: Report) -> None:
    """Back to pending, the lost run still counted in its attempts."""
    logger.warning("report %s left running since %s by a lost worker: queued again",
                   report.pk, report.started_at)
    report.status = ReportStatus.PENDING
    report.save()


def reports_requeue_stuck() -> list[int]:
    """Queue again every report left running by a lost worker (the beat runs this every
    few minutes). A worker that comes back later with the first message finds the report
    done and changes nothing. Answers the ids queued."""
    return jobs.requeue_stuck(Report.objects.stuck, requeue=_requeue, publish=_publish)


def report_start(*, kind: str, organisation=None, period=None, user=None,
                 path: str | None = None) -> tuple[Report, bool]:
    """Request a report and queue its production once the request is committed.

    Raises ReportQueueUnavailable when the broker cannot be reached; the report is then
    recorded as failed with the reason, and a later request queues it again.
    """
    with transaction.atomic():
        report, needs_run = report_request(kind=kind, organisation=organisation, period=period,
                                           user=user, path=path)
        if needs_run:
            report_id = report.pk
            transaction.on_commit(lambda: _publish(report_id))
    report.refresh_from_db()
    return report, needs_run


@transaction.atomic
def report_rerun(*, report: Report, user=None, path: str | None = None) -> Report:
    """Produce a report again (admin "run now"): it is reset to pending and queued; its
    files are replaced when the new ones are ready, and it is emailed again."""
    with audit_context(user=user, path=path):
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.status = ReportStatus.PENDING
        report.failure_reason = ""
        report.attempts = 0
        report.emailed_at = None
        report.save()
    report_id = report.pk
    transaction.on_commit(lambda: _publish(report_id))
    return report


def _publish(report_id: int) -> None:
    from .tasks import generate_report

    jobs.publish(generate_report, report_id, what="report", fail=_fail,
                 unavailable=ReportQueueUnavailable)


def _fail(report_id: int, reason: str) -> Report:
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status == ReportStatus.DONE:
            return report
        report.status = ReportStatus.FAILED
        report.failure_reason = reason[:4000] or "Unknown error."
        report.finished_at = timezone.now()
        report.save()
    return report


def _file_stem(report: Report) -> str:
    scope = slugify(report.organisation.name)[:40] if report.organisation_id else "register"
    return f"{report.kind}-{scope}-{report.period:%Y-%m-%d}-{report.pk}-{uuid.uuid4().hex[:8]}"


def report_generate(*, report_id: int, on_done: Callable[[Report], object] | None = None
                    ) -> Report:
    """Produce the report's content and files, unless it is already done.

    Safe to run twice or concurrently for one report: the first run to finish stores its
    files, a later one discards its own and answers the stored report. A run after a
    lost worker (the report left running) starts again. Any error is recorded on the
    report (status failed, with the reason). ``on_done(report)`` is called once the
    stored report is committed, by the run that stored it only.
    """
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status == ReportStatus.DONE:
            return report
        if report.attempts >= MAX_ATTEMPTS:
            report.status = ReportStatus.FAILED
            report.failure_reason = (
                f"Given up after {report.attempts} attempts: the worker producing it stopped "
                "each time (time limit or crash). Check the worker logs, then run it again.")
            report.finished_at = timezone.now()
            report.save()
            return report
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.finished_at = None
        report.failure_reason = ""
        report.attempts += 1
        report.save()

    names: list[str] = []
    try:
        with alive_left_out():
            previous = previous_report(report)
            content = BUILDERS[report.kind](report, previous)
            stem = _file_stem(report)
            # Written to temporary files and stored from there: a large register's report is
            # never held whole in memory.
            with tempfile.TemporaryFile() as xlsx:
                render_xlsx(content, xlsx)
                xlsx.seek(0)
                names.append(default_storage.save(report_upload_to(report, f"{stem}.xlsx"),
                                                  File(xlsx)))
            with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as html:
                write_html(content, html)
                html.seek(0)
                names.append(default_storage.save(report_upload_to(report, f"{stem}.html"),
                                                  File(html.buffer)))
    except Exception as exc:
        logger.exception("report %s failed", report_id)
        for name in names:
            default_storage.delete(name)
        return _fail(report_id, f"{type(exc).__name__}: {exc}")

    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status == ReportStatus.DONE:
            # Another run finished first: keep its files, drop ours.
            for name in names:
                default_storage.delete(name)
            return report
        replaced = [f.name for f in (report.xlsx_file, report.html_file) if f.name]
        report.xlsx_file.name, report.html_file.name = names
        report.summary = {
            **content.summary,
            "figures": [{"label": f.label, "value": f.value, "change": f.change}
                        for f in content.figures],
            "notes": content.notes,
        }
        report.period_start = content.period_start
        report.status = ReportStatus.DONE
        report.failure_reason = ""
        report.finished_at = timezone.now()
        report.save()
        transaction.on_commit(lambda: [default_storage.delete(n) for n in replaced])
        if on_done is not None:
            transaction.on_commit(lambda: on_done(report))
    return report


def report_email(*, report_id: int, force: bool = False) -> list[str]:
    """Email a produced report to the DPOs of its organisation: the workbook attached,
    the web page as the HTML part. Answers the addresses it was sent to.

    Sent once: a report already emailed is not sent again unless ``force``. A sending
    error is recorded on the report and raised, so that the task retries.
    """
    report = Report.objects.select_related("organisation").get(pk=report_id)
    if report.status != ReportStatus.DONE:
        raise ValidationError(
            f"Report {report_id} is {report.get_status_display()}: only a produced report "
            "can be emailed.", code="not_done")
    if report.emailed_at is not None and not force:
        return []
    recipients = report_recipients(report)
    if not recipients:
        _email_note(report, error=(
            "No DPO with an email address: add a DPO contact or a member with the DPO role "
            "to the organisation." if report.organisation_id else
            "No superuser with an email address to send a whole-register report to."))
        return []
    scope = report.organisation.name if report.organisation_id else "Whole register"
    attachment = report.xlsx_file.name.rsplit("/", 1)[-1]
    body = render_to_string("reports/email.txt", {
        "report": report, "scope": scope, "figures": report.summary.get("figures", []),
        "notes": report.summary.get("notes", []), "attachment": attachment,
        "site_name": settings.SITE_NAME,
    })
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {report.get_kind_display().capitalize()} – {scope} – "
                f"{report.period:%d %B %Y}",
        body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients,
    )
    with report.html_file.open("rb") as html:
        message.attach_alternative(html.read().decode("utf-8"), "text/html")
    with report.xlsx_file.open("rb") as xlsx:
        message.attach(attachment, xlsx.read(),
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        _email_note(report, error=f"{type(exc).__name__}: {exc}")
        raise
    _email_note(report, sent_to=recipients)
    return recipients


def _email_note(report: Report, *, error: str = "", sent_to: list[str] | None = None) -> None:
    report.email_error = error[:2000]
    fields = ["email_error"]
    if sent_to is not None:
        report.emailed_at = timezone.now()
        report.email_recipients = ", ".join(sent_to)
        fields += ["emailed_at", "email_recipients"]
    report.save(update_fields=fields)


def reports_run_scheduled(*, kind: str, period=None) -> list[Report]:
    """The scheduled run of one kind: one report per organisation, each queued once."""
    check_kind(kind)
    reports = []
    for organisation in Organisation.objects.order_by("pk"):
        report, _ = report_start(kind=kind, organisation=organisation, period=period)
        reports.append(report)
    return reports
