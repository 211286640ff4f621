"""The export centre in a real browser with a real Celery worker: the DPO clicks Export on
the activity list, watches the progress bar finish, downloads the file and opens it."""

import io

import openpyxl
import pytest

from entities.models import Membership
from exports_centre.models import ExportJob
from tests.browser.conftest import login, screenshot
from tests.factories import OrganisationFactory, UserFactory, complete_activity
from tests.reports.conftest import celery_queue  # noqa: F401
from tests.reports.test_worker import worker  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker,
              pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "exports")}}}


def test_export_from_the_list_with_progress_and_download(new_page, live_server, worker):  # noqa: F811
    akixi = OrganisationFactory(name="Akixi Limited")
    OrganisationFactory(name="Mondago Limited")  # not the DPO's: never offered
    dpo = UserFactory(username="dpo")
    Membership.objects.create(user=dpo, organisation=akixi, role="dpo")
    for n, name in enumerate(["Call recording", "Customer support", "Payroll"], start=1):
        complete_activity(organisation=akixi, reference=f"AK-{n:02}", name=name,
                          status="active")
    page = new_page()
    login(page, live_server, "dpo")

    page.goto(f"{live_server.url}/admin/processing/processingactivity/?organisation={akixi.pk}")
    page.click("a.ropa-export-button")
    page.wait_for_selector("#export-form")
    assert page.locator("#id_organisation").input_value() == str(akixi.pk)
    assert "Mondago" not in page.locator("#id_organisation").inner_text()
    page.select_option("#id_format", "ico-xlsx")
    screenshot(page, "exports-01-centre-form")
    page.click("#export-form input[type=submit]")

    job = ExportJob.objects.get()
    row = page.locator(f"#export-{job.pk}")
    row.wait_for()
    download_link = row.locator("a.ropa-export-download")
    download_link.wait_for(timeout=60_000)  # the page polled the status until ready
    assert row.locator("progress").get_attribute("value") == "100"
    assert row.get_attribute("data-status") == "done"
    assert "3 of 3 activities" in row.inner_text()
    screenshot(page, "exports-02-ready-1366")

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.startswith("register-ico-xlsx-")
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    cells = {str(c) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True)
             for c in r if c is not None}
    assert {"Call recording", "Customer support", "Payroll"} <= cells

    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()
    screenshot(page, "exports-03-centre-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot(page, "exports-04-centre-390")
    assert page.locator(f"#export-{job.pk} a.ropa-export-download").is_visible()
    # The page fits the phone's width: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width


def test_an_auditor_exports_the_pdf_and_reads_it(new_page, live_server, worker):  # noqa: F811
    import pypdf

    akixi = OrganisationFactory(name="Akixi Limited")
    auditor = UserFactory(username="audrey")
    Membership.objects.create(user=auditor, organisation=akixi, role="auditor")
    for n, name in enumerate(["Call recording", "Payroll"], start=1):
        complete_activity(organisation=akixi, reference=f"AK-{n:02}", name=name,
                          status="active")
    page = new_page()
    login(page, live_server, "audrey")
    page.goto(f"{live_server.url}/admin/processing/processingactivity/")
    page.click("a.ropa-export-button")
    page.wait_for_selector("#export-form")
    page.select_option("#id_format", "pdf")
    page.select_option("#id_organisation", str(akixi.pk))
    page.click("#export-form input[type=submit]")

    job = ExportJob.objects.get()
    assert (job.requested_by, job.format) == (auditor, "pdf")
    row = page.locator(f"#export-{job.pk}")
    download_link = row.locator("a.ropa-export-download")
    download_link.wait_for(timeout=60_000)
    screenshot(page, "exports-05-auditor-pdf-ready")
    with page.expect_download() as info:
        download_link.click()
    reader = pypdf.PdfReader(io.BytesIO(info.value.path().read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Call recording" in text and "Payroll" in text and "Akixi Limited" in text
