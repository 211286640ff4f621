"""run_report, the admin of the reports, and the beat schedules made on migrate."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from reports.models import Report, ReportStatus
from reports.schedules import DEFAULT_SCHEDULES, SCHEDULED_TASK, ensure_schedules
from tests.factories import UserFactory
from tests.reports.helpers import produce, workbook

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("run_report", *args, stdout=out)
    return out.getvalue()


# --- run_report ---------------------------------------------------------------------------

def test_run_report_runs_now_prints_the_files_and_emails_the_dpos(register, mailoutbox):
    output = run("health", "--organisation", str(register["acme"].pk))

    report = Report.objects.get()
    assert report.status == ReportStatus.DONE
    lines = dict(line.split(": ", 1) for line in output.splitlines() if ": " in line)
    assert Path(lines["Workbook"]) == Path(report.xlsx_file.path)
    assert Path(lines["Workbook"]).is_file() and Path(lines["Web page"]).is_file()
    assert workbook(report.xlsx_file).sheetnames[0] == "Summary"
    assert lines["Emailed to"] == "dora@acme.example, dpo@acme.example"
    assert len(mailoutbox) == 1

    again = run("health", "--organisation", str(register["acme"].pk))
    assert "already exists" in again
    assert Report.objects.count() == 1 and len(mailoutbox) == 1


def test_run_report_with_a_period_and_force(register, today, django_capture_on_commit_callbacks):
    period = today.replace(day=1).isoformat()
    run("transfers", "--organisation", str(register["acme"].pk), "--period", period,
        "--no-email")
    first = Report.objects.get()

    # Produced anew as often as asked: each forced run is a run of its own, never counted
    # as a lost worker's attempt.
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            output = run("transfers", "--organisation", str(register["acme"].pk), "--period",
                         period, "--force", "--no-email")
        assert "produced" in output

    again = Report.objects.get()
    assert (again.pk, again.period.isoformat(), again.attempts) == (first.pk, period, 1)
    assert again.xlsx_file.name != first.xlsx_file.name
    assert not Path(first.xlsx_file.path).exists()  # the replaced file is removed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["weekly"], "kind: Unknown report kind 'weekly': use one of health, reviews, changes, "
                     "transfers."),
        (["health", "--organisation", "999999"], "organisation: No organisation with id 999999."),
        (["health", "--period", "22/11/2025"],
         "period: '22/11/2025' is not a date in the form YYYY-MM-DD."),
    ],
)
def test_run_report_bad_arguments_are_clear_errors(args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)

    assert str(caught.value) == message
    assert Report.objects.count() == 0


def test_run_report_says_why_a_report_failed(register, settings, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    settings.MEDIA_ROOT = str(blocker)

    with pytest.raises(CommandError, match=r"^Report \d+ .* failed: \w+Error"):
        run("reviews", "--organisation", str(register["acme"].pk))

    assert Report.objects.get().status == ReportStatus.FAILED


# --- admin --------------------------------------------------------------------------------

def test_admin_lists_reports_with_the_failure_reason_and_runs_them_again(
        client, register, settings, tmp_path, django_capture_on_commit_callbacks):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    settings.MEDIA_ROOT = str(blocker)
    failed = produce("health", register["acme"])
    admin = UserFactory(username="root", is_superuser=True)
    client.force_login(admin)

    page = client.get("/admin/reports/report/")
    assert page.status_code == 200
    assert failed.failure_reason[:40] in page.content.decode()
    assert client.get(f"/admin/reports/report/{failed.pk}/change/").status_code == 200

    settings.MEDIA_ROOT = str(tmp_path / "media-fixed")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/reports/report/", {
            "action": "run_now", "_selected_action": [failed.pk]}, follow=True)

    assert "1 report queued." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == ReportStatus.DONE
    detail = client.get(f"/admin/reports/report/{failed.pk}/change/").content.decode()
    assert f"/api/v1/reports/{failed.pk}/download/?format=xlsx" in detail


def test_admin_shows_a_dpo_the_reports_of_its_organisations_only(client, register):
    produce("reviews", register["acme"])
    produce("reviews", register["other"])
    dora = register["dpo_user"]
    dora.is_staff = True
    dora.save()
    from django.contrib.auth.models import Permission

    dora.user_permissions.add(Permission.objects.get(codename="view_report"))
    client.force_login(dora)

    page = client.get("/admin/reports/report/").content.decode()

    assert "Acme Ltd" in page and "Other Ltd" not in page


# --- beat schedules -----------------------------------------------------------------------

def test_migrate_creates_the_report_schedules_once():
    tasks = PeriodicTask.objects.filter(task=SCHEDULED_TASK).order_by("name")
    assert {json.loads(t.kwargs)["kind"] for t in tasks} == {
        "health", "reviews", "changes", "transfers"}
    health = tasks.get(kwargs__contains="health")
    assert (health.crontab.minute, health.crontab.hour, health.crontab.day_of_week) == (
        "0", "6", "1")

    assert ensure_schedules() == 0
    assert PeriodicTask.objects.filter(task=SCHEDULED_TASK).count() == len(DEFAULT_SCHEDULES)


def test_schedules_edited_in_the_admin_are_kept():
    task = PeriodicTask.objects.get(name=DEFAULT_SCHEDULES[0].name)
    task.enabled = False
    task.crontab = CrontabSchedule.objects.create(minute="15", hour="22")
    task.save()
    PeriodicTask.objects.filter(name=DEFAULT_SCHEDULES[1].name).delete()

    assert ensure_schedules() == 1  # only the deleted one comes back

    task.refresh_from_db()
    assert (task.enabled, task.crontab.hour) == (False, "22")
    assert PeriodicTask.objects.filter(name=DEFAULT_SCHEDULES[1].name).exists()
