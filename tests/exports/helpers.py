"""Reading exported files back, and emptying the register (reference data kept)."""

import io
import json
import zipfile

import openpyxl
import tablib

from entities.models import Contact, Membership, Organisation, ThirdParty
from processing.models import ProcessingActivity


def xlsx_cells(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book}


def workbook_content(content: bytes, fmt: str):
    """The comparable content of a workbook export in any of its formats."""
    if fmt == "workbook":
        return xlsx_cells(content)
    if fmt == "json":
        return json.loads(content)["sheets"]
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return {name: archive.read(name).decode() for name in archive.namelist()}
    if fmt == "ods":
        book = tablib.Databook().load(content, "ods")
        return {s.title: [s.headers, *[list(r) for r in s]] for s in book.sheets()}
    raise ValueError(fmt)


def flush_register() -> None:
    """Delete every organisation and what hangs from it; reference data stays."""
    ProcessingActivity.objects.all().delete()
    ThirdParty.objects.all().delete()
    Contact.objects.all().delete()
    Membership.objects.all().delete()
    Organisation.objects.filter(parent__isnull=False).delete()
    Organisation.objects.all().delete()
