"""The report reaches the organisation's DPOs, once, and SMTP failures are retried."""

import io
import smtplib
import socket

import pytest
from openpyxl import load_workbook

from reports import services, tasks
from reports.models import Report
from ropa.celery import app as celery_app
from tests.reports.helpers import produce

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_report_is_emailed_to_the_dpos_with_the_workbook_attached(
        register, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = services.report_start(kind="health", organisation=register["acme"])

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    # The DPO contact and the member with the DPO role; not the auditor, the privacy desk
    # or the other organisation's DPO.
    assert message.to == ["dora@acme.example", "dpo@acme.example"]
    assert "Register health – Acme Ltd" in message.subject
    assert "- Findings: 9" in message.body
    [(name, content, mimetype)] = message.attachments
    assert (name.endswith(".xlsx"), mimetype) == (True, XLSX)
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "Summary"
    [(html, html_type)] = message.alternatives
    assert html_type == "text/html"
    assert "<svg" in html and "Findings by rule" in html
    report.refresh_from_db()
    assert report.emailed_at is not None
    assert report.email_recipients == "dora@acme.example, dpo@acme.example"


def test_a_report_is_emailed_once(register, mailoutbox):
    report = produce("reviews", register["acme"])

    assert services.report_email(report_id=report.pk) == ["dora@acme.example",
                                                          "dpo@acme.example"]
    assert services.report_email(report_id=report.pk) == []
    tasks.generate_report.apply(args=[report.pk])  # a duplicate delivery sends nothing more
    assert len(mailoutbox) == 1


def test_no_dpo_email_is_recorded_on_the_report(register, mailoutbox):
    register["acme"].contacts.all().delete()
    register["acme"].memberships.filter(role="dpo").delete()
    report = produce("health", register["acme"])

    assert services.report_email(report_id=report.pk) == []
    report.refresh_from_db()
    assert report.email_error.startswith("No DPO with an email address")
    assert mailoutbox == []


def test_a_report_not_produced_cannot_be_emailed(register):
    report, _ = services.report_request(kind="health", organisation=register["acme"])

    with pytest.raises(Exception, match="only a produced report can be emailed"):
        services.report_email(report_id=report.pk)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_smtp_errors_are_retried_with_exponential_backoff(register, settings, caplog):
    celery_app.conf.task_eager_propagates = False  # restored by the celery_in_process fixture
    report = produce("health", register["acme"])
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_TIMEOUT = 2

    result = tasks.email_report.apply(args=[report.pk], throw=False)

    # Every attempt reached the (real, refusing) SMTP port; the last error is kept.
    retries = [r for r in caplog.records if "retry: Retry in" in r.getMessage()]
    assert len(retries) == 6
    assert result.failed()
    assert isinstance(result.result, ConnectionRefusedError)
    report.refresh_from_db()
    assert report.emailed_at is None
    assert report.email_error.startswith("ConnectionRefusedError")
    task = tasks.email_report
    assert smtplib.SMTPException in task.autoretry_for
    assert (task.retry_backoff, task.retry_backoff_max, task.max_retries) == (30, 600, 6)
    assert Report.objects.count() == 1
