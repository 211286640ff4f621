import io

import openpyxl
import pypdf
from django.test import Client, TestCase
from django.urls import reverse

from exports_centre.models import ExportJob

CENTRE = "/admin/exports_centre/exportjob/"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(client, *, format: str, organisation, as_of: str = "") -> ExportJob:
    """Post the export centre's form; answers the export it recorded. Inside a test's
    transaction, what the request queues on commit runs when it ends, as after a commit."""
    before = set(ExportJob.objects.values_list("pk", flat=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("admin:exports_centre"), {
            "format": format, "organisation": organisation, "as_of": as_of})
    assert response.status_code == 302, response.content.decode()[:3000]
    job = ExportJob.objects.exclude(pk__in=before).get()
    assert response["Location"] == f"{CENTRE}?job={job.pk}"
    return job


def status(client, job) -> dict:
    response = client.get(reverse("admin:exports_centre_exportjob_status", args=[job.pk]))
    assert response.status_code == 200
    return response.json()


def download(client, job):
    return client.get(reverse("admin:exports_centre_exportjob_download", args=[job.pk]))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(cell) for sheet in book.worksheets
                     for row in sheet.iter_rows(values_only=True) for cell in row
                     if cell is not None)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
