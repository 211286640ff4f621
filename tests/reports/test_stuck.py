"""A report left running by a lost worker is queued again, on request and by the beat."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from reports import services, tasks
from reports.models import Report, ReportStatus

pytestmark = pytest.mark.django_db


def left_running(register, *, minutes: float) -> Report:
    return Report.objects.create(
        kind="health", organisation=register["acme"], period=timezone.localdate(),
        status=ReportStatus.RUNNING, attempts=1,
        started_at=timezone.now() - datetime.timedelta(minutes=minutes))


def ask(register):
    client = APIClient()
    client.force_authenticate(register["dpo_user"])
    response = client.post("/api/v1/reports/run/",
                           {"kind": "health", "organisation": register["acme"].pk},
                           format="json")
    assert response.status_code == 202, response.content
    return response.json()


def test_the_time_limit_of_the_task_is_the_one_the_services_wait_for():
    assert tasks.generate_report.time_limit == services.GENERATE_TIME_LIMIT
    assert services.STUCK_AFTER.total_seconds() > services.GENERATE_TIME_LIMIT


def test_a_report_running_within_the_time_limit_is_not_queued_again(register):
    report = left_running(register, minutes=5)

    body = ask(register)

    assert (body["id"], body["queued"], body["status"]) == (report.pk, False, "running")


def test_a_report_running_past_the_time_limit_is_queued_again_on_request(
        register, django_capture_on_commit_callbacks):
    report = left_running(register, minutes=services.STUCK_AFTER.total_seconds() / 60 + 1)

    with django_capture_on_commit_callbacks(execute=True):
        body = ask(register)

    assert (body["id"], body["queued"]) == (report.pk, True)
    report.refresh_from_db()  # produced in this process (tasks run eagerly here)
    assert (report.status, report.attempts) == (ReportStatus.DONE, 2)
    assert Report.objects.count() == 1


def test_the_beat_queues_again_only_the_reports_past_the_time_limit(
        register, django_capture_on_commit_callbacks):
    stuck = left_running(register, minutes=services.STUCK_AFTER.total_seconds() / 60 + 1)
    recent = Report.objects.create(
        kind="reviews", organisation=register["acme"], period=timezone.localdate(),
        status=ReportStatus.RUNNING, attempts=1, started_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stuck_reports() == 1

    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == ReportStatus.DONE
    assert recent.status == ReportStatus.RUNNING
    assert tasks.requeue_stuck_reports() == 0


def test_the_beat_schedule_runs_the_requeue():
    schedule = {entry["task"]: entry["schedule"]
                for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["reports.requeue_stuck_reports"] <= 5 * 60
