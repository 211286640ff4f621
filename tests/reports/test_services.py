"""One report per (kind, organisation, period), whatever happens to the tasks."""

import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from reports import services, tasks
from reports.models import Report, ReportStatus
from tests.reports.helpers import produce


def _files(media_root: Path) -> list[str]:
    return sorted(p.name for p in (media_root / "reports").rglob("*") if p.is_file())


@pytest.mark.django_db
def test_the_same_report_twice_for_a_period_is_one_report(register, media_root):
    first, created = services.report_request(kind="health", organisation=register["acme"])
    again, created_again = services.report_request(kind="health",
                                                   organisation=register["acme"].pk)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    done = services.report_generate(report_id=first.pk)
    files = _files(media_root)
    rerun = services.report_generate(report_id=first.pk)

    assert Report.objects.count() == 1
    assert (done.status, rerun.status, rerun.attempts) == ("done", "done", 1)
    assert _files(media_root) == files and len(files) == 2
    # A whole-register report is its own key, also unique.
    services.report_request(kind="health")
    services.report_request(kind="health")
    assert Report.objects.filter(organisation=None).count() == 1


@pytest.mark.django_db
def test_a_task_delivered_again_after_its_worker_died_gives_one_report(register, media_root):
    report, _ = services.report_request(kind="reviews", organisation=register["acme"])
    # The first worker started it, then was killed: the report is left running.
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, attempts=1, started_at=timezone.now())

    # acks_late + reject_on_worker_lost: the broker hands the message to another worker.
    tasks.generate_report.apply(args=[report.pk])
    tasks.generate_report.apply(args=[report.pk])  # and a duplicate delivery on top

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.attempts == 2
    assert Report.objects.count() == 1
    assert len(_files(media_root)) == 2
    assert tasks.generate_report.acks_late is True
    assert tasks.generate_report.reject_on_worker_lost is True


@pytest.mark.django_db
def test_a_report_whose_worker_keeps_dying_is_given_up_with_a_reason(register):
    report, _ = services.report_request(kind="health", organisation=register["acme"])
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING,
                                               attempts=services.MAX_ATTEMPTS)

    report = services.report_generate(report_id=report.pk)

    assert report.status == ReportStatus.FAILED
    assert "Given up after 3 attempts" in report.failure_reason


@pytest.mark.django_db
def test_a_failing_report_records_its_failure_and_reason(register, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocker)

    report = produce("health", register["acme"])

    assert report.status == ReportStatus.FAILED
    assert report.failure_reason.startswith(("FileExistsError", "NotADirectoryError", "OSError"))
    assert report.finished_at is not None
    assert not report.xlsx_file and not report.html_file
    # Asked for again once fixed, it is produced.
    settings.MEDIA_ROOT = str(tmp_path / "media-fixed")
    again, needs_run = services.report_request(kind="health", organisation=register["acme"])
    assert (again.pk, again.status, needs_run) == (report.pk, ReportStatus.PENDING, True)
    assert services.report_generate(report_id=again.pk).status == ReportStatus.DONE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"kind": "bogus"}, "kind",
         "Unknown report kind 'bogus': use one of health, reviews, changes, transfers."),
        ({"kind": "health", "organisation": 999999}, "organisation",
         "No organisation with id 999999."),
        ({"kind": "health", "organisation": "acme"}, "organisation",
         "'acme' is not an organisation id (a whole number)."),
        ({"kind": "health", "period": "2024-13-01"}, "period",
         "'2024-13-01' is not a date in the form YYYY-MM-DD."),
        ({"kind": "health", "period": "1970-01-01"}, "period",
         "1970-01-01 is too early: a report describes a day from 2000-01-01 on."),
        ({"kind": "health", "period": "2999-01-01"}, "period",
         "2999-01-01 is in the future: a report describes a day that has begun."),
    ],
)
def test_bad_requests_are_clear_errors_and_write_nothing(arguments, field, message):
    with pytest.raises(ValidationError) as caught:
        services.report_request(**arguments)

    assert caught.value.message_dict == {field: [message]}
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_scheduled_run_gives_one_report_per_organisation_even_when_beat_fires_twice(
        register, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run_scheduled_reports.apply(kwargs={"kind": "health"}).get() == 2
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_scheduled_reports.apply(kwargs={"kind": "health"}).get()

    reports = Report.objects.order_by("organisation__name")
    assert [(r.organisation.name, r.status) for r in reports] == [
        ("Acme Ltd", "done"), ("Other Ltd", "done")]
    assert sorted(m.to[0] for m in mailoutbox) == ["dora@acme.example", "dpo@other.example"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_and_runs_give_one_report_and_one_set_of_files(register, media_root):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL: set DATABASE_URL to run this test.")
    barrier = threading.Barrier(4)
    ids, errors = [], []

    def request_and_run():
        try:
            barrier.wait(timeout=10)
            report, _ = services.report_request(kind="transfers", organisation=register["acme"].pk)
            ids.append(report.pk)
            services.report_generate(report_id=report.pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request_and_run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert len(set(ids)) == 1 and len(ids) == 4
    report = Report.objects.get()
    assert report.status == ReportStatus.DONE
    stored = _files(media_root)
    assert stored == sorted([Path(report.xlsx_file.name).name, Path(report.html_file.name).name])
