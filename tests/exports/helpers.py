"""Reading exported files back, and emptying the register (reference data kept)."""

import io
import json
import zipfile

import openpyxl
from django.contrib.auth import get_user_model

from entities.models import Contact, Membership, Organisation, Person, ThirdParty
from processing.imports.readers import read_ods
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
        # Every line of every cell, as the import reads them (one paragraph per line).
        return {sheet.name: [sheet.headings, *(row for _, row in sheet.rows)]
                for sheet in read_ods(content)}
    raise ValueError(fmt)


def flush_register(*, users: bool = False) -> None:
    """Delete every organisation and what hangs from it (and every user account with
    ``users``); reference data stays."""
    ProcessingActivity.objects.all().delete()
    ThirdParty.objects.all().delete()
    Person.objects.all().delete()
    Contact.objects.all().delete()
    Membership.objects.all().delete()
    while Organisation.objects.exists():
        # Children first: a parent company is protected while a subsidiary points at it.
        Organisation.objects.exclude(
            pk__in=Organisation.objects.filter(parent__isnull=False).values("parent")
        ).delete()
    if users:
        get_user_model().objects.all().delete()
