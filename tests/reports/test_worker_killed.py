"""A real Celery worker on Redis, killed with SIGKILL in the middle of a report: the report
is queued again once it has run longer than the task's time limit, and produced once,
even when the broker later hands the first message to a worker again."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from rest_framework.test import APIClient

from processing.models import ProcessingActivity
from reports import services
from reports.models import Report, ReportStatus
from ropa.celery import app as celery_app
from tests.reports.test_worker import wait_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def start_worker(request, tmp_path, media_root):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("Set REDIS_URL (e.g. redis://127.0.0.1:6379/4) to run the real Celery "
                    "worker against Redis.")
    if connection.vendor != "postgresql":
        pytest.skip("The worker process needs a database server to share with the test.")
    request.getfixturevalue("celery_queue")
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="ropa.settings.test", MEDIA_ROOT=str(media_root),
               DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")
    workers = []

    def start(name: str) -> subprocess.Popen:
        log = (tmp_path / f"{name}.log").open("w")
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "ropa", "worker", "--pool",
             "solo", "--loglevel", "info", "--hostname", f"{name}@%h", "--without-mingle",
             "--without-gossip"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)


def ask(register) -> dict:
    client = APIClient()
    client.force_authenticate(register["dpo_user"])
    response = client.post("/api/v1/reports/run/",
                           {"kind": "health", "organisation": register["acme"].pk},
                           format="json")
    assert response.status_code == 202, response.content
    return response.json()


def give_back_unacknowledged_messages() -> int:
    """What Redis does once the visibility timeout (hours) has passed: the messages a lost
    worker took and never acknowledged go back to the queue."""
    with celery_app.connection_for_write() as conn:
        channel = conn.default_channel
        tags = channel.client.zrange(channel.unacked_index_key, 0, -1)
        for tag in tags:
            channel.qos.restore_by_tag(tag, channel.client)
    return len(tags)


def queue_drained() -> bool:
    with celery_app.connection_for_write() as conn:
        channel = conn.default_channel
        return (channel.client.llen("celery") == 0
                and channel.client.zcard(channel.unacked_index_key) == 0)


def test_a_report_of_a_killed_worker_is_produced_once(register, start_worker, tmp_path):
    db = connection.settings_dict
    blocker = psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"],
                              password=db["PASSWORD"] or None, dbname=db["NAME"])
    # The report's worker waits on the register while it is locked: killed mid-report.
    blocker.execute(f"LOCK TABLE {ProcessingActivity._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    try:
        first = start_worker("first")
        body = ask(register)
        assert body["queued"] is True
        report_id = body["id"]
        wait_for(lambda: Report.objects.get(pk=report_id).status == ReportStatus.RUNNING,
                 "the worker to start the report")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        blocker.rollback()
        blocker.close()

    # Still within the time limit: the report is running as far as anyone can tell.
    waiting = ask(register)
    assert (waiting["id"], waiting["queued"], waiting["status"]) == (report_id, False, "running")

    # Once it has run longer than the task's time limit it is queued again.
    Report.objects.filter(pk=report_id).update(
        started_at=Report.objects.get(pk=report_id).started_at - services.STUCK_AFTER)
    again = ask(register)
    assert (again["id"], again["queued"]) == (report_id, True)

    start_worker("second")
    wait_for(lambda: Report.objects.get(pk=report_id).status == ReportStatus.DONE,
             "the second worker to produce the report")
    wait_for(lambda: Report.objects.get(pk=report_id).emailed_at is not None, "the email")

    # Hours later the broker hands the killed worker's message out again: nothing changes.
    assert give_back_unacknowledged_messages() == 1
    wait_for(queue_drained, "the worker to take the returned message")
    # The second worker runs the task twice: the report once, then the returned message.
    # Taken from the queue is not yet run: the register is read once the task has ended.
    log_file = tmp_path / "second.log"

    def runs() -> int:
        return len(re.findall(r"Task reports\.generate_report\[[^]]+\] succeeded",
                              log_file.read_text()))

    wait_for(lambda: runs() >= 2, "the worker to run the returned message")
    report = Report.objects.get(pk=report_id)
    assert (report.status, report.attempts) == (ReportStatus.DONE, 2)
    assert Report.objects.count() == 1
    folder = Path(report.xlsx_file.path).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        Path(f.name).name for f in (report.xlsx_file, report.html_file))
    emailed = {h.emailed_at for h in report.history.all() if h.emailed_at}
    assert len(emailed) == 1
    assert runs() == 2, log_file.read_text()
