"""Celery tasks of the reports: thin wrappers that load by id and call a service.

``generate_report`` acknowledges its message only once it has finished
(``acks_late``) and gives it back to the broker if the worker process dies
(``reject_on_worker_lost``): the report is then produced by another worker, and the
service makes sure it is stored once. With Redis, the broker's visibility timeout
(settings: CELERY_BROKER_TRANSPORT_OPTIONS) is longer than the longest task, so a
message is never handed to a second worker while the first is still working on it.

A worker killed outright (``kill -9``, a machine lost) acknowledges nothing and gives
nothing back: its message waits for the visibility timeout (hours). The report it left
``running`` is queued again once it has run longer than the task's time limit, when it
is asked for again or by ``requeue_stuck_reports`` (beat, every five minutes).

The schedules (django-celery-beat, editable in the admin) start
``run_scheduled_reports``. Run exactly one ``celery beat`` process.
"""

from __future__ import annotations

import smtplib

from celery import shared_task

from ropa.audit import ChangePath, audit_context

from . import services

#: Email errors worth another try: SMTP refusals and network failures (OSError).
EMAIL_RETRY_ERRORS = (smtplib.SMTPException, OSError)


@shared_task(
    name="reports.generate_report",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=services.GENERATE_TIME_LIMIT - 2 * 60,
    time_limit=services.GENERATE_TIME_LIMIT,
)
def generate_report(report_id: int) -> str:
    """Produce one report, then queue its email."""
    with audit_context(path=ChangePath.TASK):
        report = services.report_generate(
            report_id=report_id, on_done=lambda done: email_report.delay(done.pk))
    return report.status


@shared_task(
    name="reports.email_report",
    acks_late=True,
    ignore_result=True,
    autoretry_for=EMAIL_RETRY_ERRORS,
    retry_backoff=30,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=2 * 60,
    time_limit=3 * 60,
)
def email_report(report_id: int) -> int:
    """Email one produced report to its DPOs; SMTP errors are retried with an
    exponentially growing delay (30 s, 1 min, 2 min... at most 10 min)."""
    with audit_context(path=ChangePath.TASK):
        return len(services.report_email(report_id=report_id))


@shared_task(name="reports.run_scheduled_reports", ignore_result=True, time_limit=5 * 60)
def run_scheduled_reports(kind: str) -> int:
    """Started by the beat schedules: queue the report of every organisation."""
    with audit_context(path=ChangePath.TASK):
        return len(services.reports_run_scheduled(kind=kind))


@shared_task(name="reports.requeue_stuck_reports", ignore_result=True, time_limit=5 * 60)
def requeue_stuck_reports() -> int:
    """Started by the beat: queue again the reports left running by a lost worker."""
    with audit_context(path=ChangePath.TASK):
        return len(services.reports_requeue_stuck())
