"""Shortcuts shared by the report tests."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from reports import services
from reports.models import Report


def produce(kind: str, organisation=None, period=None) -> Report:
    """Request and produce a report in this process, as the run_report command does."""
    report, _ = services.report_request(kind=kind, organisation=organisation, period=period)
    return services.report_generate(report_id=report.pk)


def html_of(report: Report) -> str:
    with report.html_file.open("rb") as fh:
        return fh.read().decode("utf-8")


def workbook(stored_file):
    """The workbook of a report file, opened with openpyxl."""
    with stored_file.open("rb") as fh:
        return load_workbook(io.BytesIO(fh.read()))


def sheet_rows(book, title) -> list[tuple]:
    return list(book[title].iter_rows(values_only=True))
