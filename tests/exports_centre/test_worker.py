"""The export centre end to end with a real Celery worker on Redis: the DPO asks for the
ICO and PDF exports, the worker writes them with their progress, the downloads open and
hold the register; the auditor exports too; another organisation's user finds nothing;
the beat's housekeeping deletes the expired file."""

import datetime

import pytest
from django.utils import timezone

from exports_centre import tasks
from exports_centre.models import ExportJob, ExportStatus
from tests.reports.test_worker import wait_for, worker  # noqa: F401

from .helpers import ask, body, client_of, download, pdf_text, status, xlsx_text

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

IN_FORCE = ["Customer accounts", "Payroll", "Recruitment"]


def finished(job):
    return lambda: ExportJob.objects.get(pk=job.pk).status in (ExportStatus.DONE,
                                                               ExportStatus.FAILED)


def test_exports_end_to_end_with_the_worker(register, worker, export_dir):  # noqa: F811
    dpo = client_of(register["dpo"])
    acme = register["acme"].pk
    ico = ask(dpo, format="ico-xlsx", organisation=acme)
    pdf = ask(dpo, format="pdf", organisation=acme)
    assert ico.requested_by == register["dpo"] and list(ico.organisations.all()) == [
        register["acme"]]

    for job in (ico, pdf):
        wait_for(finished(job), f"the worker to write the {job.format} export")
        job.refresh_from_db()
        assert job.status == ExportStatus.DONE, job.error
        # The three activities in force, counted as they were written.
        assert (job.progress_done, job.progress_total) == (3, 3)
        assert job.attempts == 1 and job.size > 0
        assert job.expires_at - job.finished_at == datetime.timedelta(days=7)
        state = status(dpo, job)
        assert (state["status"], state["percent"], state["done"], state["total"]) == (
            "done", 100, 3, 3)
        assert state["download_url"].endswith(f"/{job.pk}/download/")

    response = download(dpo, ico)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="register-ico-xlsx-{today}.xlsx"')
    text = xlsx_text(body(response))
    assert all(name in text for name in IN_FORCE)
    assert "Old mailing" not in text and "Beta secret processing" not in text

    response = download(dpo, pdf)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(f'filename="register-pdf-{today}.pdf"')
    text = pdf_text(body(response))
    assert all(name in text for name in IN_FORCE) and "Beta secret" not in text

    # The auditor reads and exports: its own export, and the DPO's.
    auditor = client_of(register["auditor"])
    workbook = ask(auditor, format="workbook", organisation=acme, as_of=today)
    wait_for(finished(workbook), "the worker to write the auditor's export")
    workbook.refresh_from_db()
    assert workbook.status == ExportStatus.DONE, workbook.error
    assert workbook.filename == f"register-workbook-as-of-{today}.xlsx"
    assert "Old mailing" in xlsx_text(body(download(auditor, workbook)))  # the whole register
    assert download(auditor, ico).status_code == 200

    # Another organisation's user: not there, as a missing export is not.
    stranger = client_of(register["stranger"])
    for job in (ico, pdf, workbook):
        assert download(stranger, job).status_code == 404
        assert stranger.get(f"/admin/exports_centre/exportjob/{job.pk}/status/").status_code == 404
    assert download(stranger, ExportJob(pk=10**9)).status_code == 404
    page = stranger.get("/admin/exports_centre/exportjob/").content.decode()
    assert "Acme" not in page and f"export-{ico.pk}" not in page
    assert stranger.post("/admin/exports_centre/exportjob/", {
        "format": "pdf", "organisation": acme}).status_code == 404

    # Kept its time, the file is deleted by the beat's housekeeping; the record stays.
    path = export_dir / ico.file.name
    assert path.exists()
    ExportJob.objects.filter(pk=ico.pk).update(expires_at=timezone.now() - datetime.timedelta(
        seconds=1))
    tasks.housekeeping.delay()
    wait_for(lambda: ExportJob.objects.get(pk=ico.pk).status == ExportStatus.EXPIRED,
             "the housekeeping to delete the expired export")
    wait_for(lambda: not path.exists(), "the file to be deleted")
    assert download(dpo, ico).status_code == 404
    assert status(dpo, ico)["status"] == "expired"
    assert (export_dir / pdf.file.name).exists()
