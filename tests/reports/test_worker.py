"""A real Celery worker, consuming from the real Redis, produces and emails a report."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from reports import tasks
from reports.models import Report, ReportStatus
from ropa.celery import app as celery_app

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(request):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("Set REDIS_URL (e.g. redis://127.0.0.1:6379/4) to run the real Celery "
                    "worker against Redis.")
    assert celery_app.conf.broker_url.startswith("redis://")
    request.getfixturevalue("celery_queue")
    with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False,
                      shutdown_timeout=30) as running:
        yield running


def wait_for(predicate, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"Gave up waiting for {what} after {seconds} s")


def finished(report_id):
    return lambda: Report.objects.get(pk=report_id).status in (ReportStatus.DONE,
                                                               ReportStatus.FAILED)


def test_the_worker_produces_and_emails_reports_once(register, worker):
    """Asked for through the API, then left running by a lost worker and delivered twice."""
    client = APIClient()
    client.force_authenticate(register["dpo_user"])

    response = client.post("/api/v1/reports/run/",
                           {"kind": "health", "organisation": register["acme"].pk},
                           format="json")

    assert response.status_code == 202, response.content
    report_id = response.json()["id"]
    wait_for(finished(report_id), "the worker to produce the report")
    report = Report.objects.get(pk=report_id)
    assert report.status == ReportStatus.DONE, report.failure_reason
    assert report.summary["by_code"]["CH5-MECHANISM"] == 1
    assert report.xlsx_file.storage.exists(report.xlsx_file.name)
    history = report.history.order_by("history_id")
    assert [h.history_path for h in history][-1] == "task"

    wait_for(lambda: len(mail.outbox) == 1, "the worker to email the DPOs")
    assert mail.outbox[0].to == ["dora@acme.example", "dpo@acme.example"]
    assert mail.outbox[0].attachments[0][0].endswith(".xlsx")

    # One test, one worker: tests run in parallel must not share the queue.
    _a_report_left_running_by_a_lost_worker_is_finished_once(register)


def _a_report_left_running_by_a_lost_worker_is_finished_once(register):
    mail.outbox.clear()
    report = Report.objects.create(kind="reviews", organisation=register["acme"],
                                   period=timezone.localdate(), status=ReportStatus.RUNNING,
                                   attempts=1, started_at=timezone.now())

    # The broker delivers the message again (the first worker died), twice for good measure.
    tasks.generate_report.delay(report.pk)
    tasks.generate_report.delay(report.pk)

    wait_for(finished(report.pk), "the worker to finish the report")
    wait_for(lambda: len(mail.outbox) == 1, "the email")
    time.sleep(1)  # leave the duplicate time to be consumed: it must change nothing
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.DONE, 2)
    assert Report.objects.filter(kind="reviews").count() == 1
    folder = os.path.dirname(report.xlsx_file.path)
    assert sorted(os.listdir(folder)) == sorted(
        os.path.basename(f.name) for f in (report.xlsx_file, report.html_file))
    assert len(mail.outbox) == 1
