"""The export centre's page, services and housekeeping, with tasks run in-process."""

import datetime
import json

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exports_centre import services, tasks
from exports_centre.models import RUN_TIME_LIMIT, STUCK_AFTER, ExportFormat, ExportJob, ExportStatus
from processing.exports.registry import FORMATS, LAYOUTS
from tests.factories import OrganisationFactory, complete_activity

from .helpers import ask, body, client_of, download, status

pytestmark = pytest.mark.django_db


def test_every_format_of_the_pipeline_is_offered():
    assert tuple(ExportFormat.values) == FORMATS
    assert tasks.run_export.time_limit == RUN_TIME_LIMIT
    assert STUCK_AFTER.total_seconds() > tasks.run_export.time_limit


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_written_by_the_job(register, fmt):
    dpo = client_of(register["dpo"])
    job = ask(dpo, format=fmt, organisation=register["acme"].pk)  # run in-process on commit
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    layout = LAYOUTS[fmt]
    expected = 4 if layout.include_retired else 3
    assert (job.progress_done, job.progress_total) == (expected, expected)
    response = download(dpo, job)
    assert response.status_code == 200
    assert response["Content-Type"] == layout.content_type
    assert job.filename.endswith(f".{layout.extension}")
    content = body(response)
    assert len(content) == job.size
    if fmt == "json":
        assert {a["Reference"] for a in json.loads(content)["sheets"]["Activities"]} >= {
            "ACM-01", "ACM-09"}


def test_all_organisations_of_the_user(register):
    from entities.models import Membership

    Membership.objects.create(user=register["dpo"], organisation=register["beta"],
                              role="auditor")
    dpo = client_of(register["dpo"])
    job = ask(dpo, format="csv", organisation="all")
    job.refresh_from_db()
    assert job.all_organisations and job.status == ExportStatus.DONE
    assert set(job.organisations.all()) == {register["acme"], register["beta"]}
    assert job.progress_total == 5
    # The auditor of Acme only may not read a file holding Beta's register.
    assert download(client_of(register["auditor"]), job).status_code == 404
    assert download(dpo, job).status_code == 200


def test_bad_input_is_named_and_nothing_is_queued(register):
    dpo = client_of(register["dpo"])
    response = dpo.post(reverse("admin:exports_centre"), {
        "format": "docx", "organisation": register["acme"].pk, "as_of": "last tuesday"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "docx" in " ".join(errors["format"])
    assert "'last tuesday' is not a date or a date-time" in " ".join(errors["as_of"])
    assert not ExportJob.objects.exists()
    # What was typed is kept.
    assert 'value="last tuesday"' in response.content.decode()


def test_the_buttons_open_the_centre_with_the_page_s_choice(register):
    dpo = client_of(register["dpo"])
    acme = register["acme"].pk
    listing = dpo.get(reverse("admin:processing_processingactivity_changelist"),
                      {"organisation": acme}).content.decode()
    assert f'href="/admin/exports_centre/exportjob/?organisation={acme}"' in listing
    dashboard = dpo.get(reverse("admin:processing_processingactivity_dashboard")).content.decode()
    assert 'href="/admin/exports_centre/exportjob/" class="button ropa-export-button"' in dashboard
    as_of = dpo.get(reverse("admin:processing_processingactivity_as_of"),
                    {"date": "2026-01-31"}).content.decode()
    assert 'href="/admin/exports_centre/exportjob/?as_of=2026-01-31"' in as_of

    page = dpo.get(reverse("admin:exports_centre"), {"organisation": acme,
                                                     "as_of": "2026-01-31"})
    form = page.context["form"]
    assert (form["organisation"].value(), form["as_of"].value()) == (str(acme), "2026-01-31")
    # Another organisation's id is not offered, nor kept.
    page = dpo.get(reverse("admin:exports_centre"), {"organisation": register["beta"].pk})
    assert page.context["form"]["organisation"].value() is None
    assert "Beta Ltd" not in page.content.decode()


def test_a_user_with_no_organisation_is_refused(db):
    from tests.factories import UserFactory

    assert client_of(UserFactory(username="nobody")).get(
        reverse("admin:exports_centre")).status_code == 403


def _reading_queries(organisations: int) -> tuple[int, int]:
    """(queries on the job's connection, progress records) of one export of a register of
    ``organisations`` organisations, each read as a batch of its own. Each progress record
    is seen at once from another connection (the status page's), while the register is
    still read in its snapshot."""
    job = ExportJob.objects.create(format="workbook")
    job.organisations.set(OrganisationFactory._meta.model.objects.order_by("pk")[:organisations])
    recorded = []
    real = services.ProgressRecorder.__call__

    def spy(self, done, total):
        real(self, done, total)
        with other.cursor() as cursor:
            cursor.execute("SELECT progress_done, progress_total FROM exports_centre_exportjob "
                           "WHERE id = %s", [job.pk])
            recorded.append(cursor.fetchone())

    other = connection.copy()
    services.ProgressRecorder.__call__ = spy
    try:
        with CaptureQueriesContext(connection) as queries:
            services.export_run(job_id=job.pk, batch_activities=1)
    finally:
        services.ProgressRecorder.__call__ = real
        other.close()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    total = organisations * 2
    assert recorded == [(done, total) for done in range(0, total + 1, 2)]
    assert (job.progress_done, job.progress_total) == (organisations * 2, organisations * 2)
    return len(queries), len(recorded)


@pytest.mark.django_db(transaction=True)
def test_the_job_costs_the_same_queries_per_batch_and_shows_its_progress_as_it_goes(
        transactional_db):
    for n in range(4):
        organisation = OrganisationFactory(name=f"Org {n}")
        complete_activity(organisation=organisation, reference=f"R{n}-1")
        complete_activity(organisation=organisation, reference=f"R{n}-2")
    one, two, four = (_reading_queries(n) for n in (1, 2, 4))
    per_batch = two[0] - one[0]
    assert per_batch > 0 and four[0] - two[0] == 2 * per_batch
    # One progress record before the first batch, one after each.
    assert (one[1], two[1], four[1]) == (2, 3, 5)


def test_a_job_left_running_by_a_lost_worker_is_queued_again_then_given_up(register):
    long_ago = timezone.now() - STUCK_AFTER - datetime.timedelta(minutes=1)
    lost = ExportJob.objects.create(format="ico-xlsx", status=ExportStatus.RUNNING,
                                    attempts=1, started_at=long_ago)
    lost.organisations.set([register["acme"]])
    recent = ExportJob.objects.create(format="ico-xlsx", status=ExportStatus.RUNNING,
                                      attempts=1, started_at=timezone.now())
    recent.organisations.set([register["acme"]])
    hopeless = ExportJob.objects.create(format="pdf", status=ExportStatus.RUNNING,
                                        attempts=3, started_at=long_ago)
    hopeless.organisations.set([register["acme"]])

    with TestCase.captureOnCommitCallbacks(execute=True):
        purged, queued = tasks.housekeeping()

    assert (purged, queued) == (0, 1)
    lost.refresh_from_db(), recent.refresh_from_db(), hopeless.refresh_from_db()
    assert (lost.status, lost.attempts) == (ExportStatus.DONE, 2)  # written in-process
    assert recent.status == ExportStatus.RUNNING  # its worker may still be at it
    assert hopeless.status == ExportStatus.FAILED and "Given up after 3" in hopeless.error
    # A second delivery of the message finds the export written and changes nothing.
    name = lost.file.name
    tasks.run_export(lost.pk)
    lost.refresh_from_db()
    assert (lost.status, lost.attempts, lost.file.name) == (ExportStatus.DONE, 2, name)


def test_a_failed_export_says_why_and_stores_nothing(register, export_dir, monkeypatch):
    from processing.exports import registry

    def broken(register, out):
        out.write(b"half a file")
        raise ValueError("cell too long")

    monkeypatch.setitem(registry.LAYOUTS, "json", registry.LAYOUTS["json"].__class__(
        **{**registry.LAYOUTS["json"].__dict__, "write": broken}))
    dpo = client_of(register["dpo"])
    job = ask(dpo, format="json", organisation=register["acme"].pk)
    job.refresh_from_db()
    assert (job.status, job.error, job.file.name) == (ExportStatus.FAILED,
                                                      "ValueError: cell too long", "")
    assert not any(export_dir.rglob("*.json"))
    assert status(dpo, job)["error"] == "ValueError: cell too long"
    assert download(dpo, job).status_code == 404
    assert "cell too long" in dpo.get(reverse("admin:exports_centre")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_broker_down_fails_the_export_with_the_reason(register, broker_down):
    dpo = client_of(register["dpo"])
    # Committed for real: the page queues the export within the request.
    response = dpo.post(reverse("admin:exports_centre"), {
        "format": "pdf", "organisation": register["acme"].pk}, follow=True)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and "broker (Redis) is unavailable" in job.error
    assert "broker (Redis) is unavailable" in response.content.decode()
