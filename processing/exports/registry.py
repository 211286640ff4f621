"""One export pipeline: the register read as records, then the layout of the format asked."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from django.utils import timezone

from processing.register import Register, read_register
from processing.register.batches import one_snapshot
from ropa.collector import alive_left_out


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    extension: str
    content_type: str
    render: Callable[[Register], bytes]
    #: The round-tripping formats carry the whole register; the others show what is in force.
    include_retired: bool
    #: Writes the file to a binary stream as it is made, where the format is written so;
    #: the others are made whole by ``render``, then written.
    write: Callable[[Register, BinaryIO], None] | None = None


def _lazy(module: str, function: str) -> Callable:
    def call(*args):
        from importlib import import_module

        return getattr(import_module(f"processing.exports.{module}"), function)(*args)

    return call


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LAYOUTS: dict[str, Layout] = {
    layout.name: layout for layout in (
        Layout("ico-xlsx", "ICO documentation template", "xlsx", XLSX,
               _lazy("ico", "render_ico"), include_retired=False),
        Layout("cnil-xlsx", "CNIL registre", "xlsx", XLSX,
               _lazy("cnil", "render_cnil"), include_retired=False,
               write=_lazy("cnil", "write_cnil")),
        Layout("workbook", "Workbook (xlsx)", "xlsx", XLSX,
               _lazy("workbook", "render_workbook_xlsx"), include_retired=True),
        Layout("csv", "Workbook (zip of csv files)", "zip", "application/zip",
               _lazy("workbook", "render_workbook_csv"), include_retired=True,
               write=_lazy("workbook", "write_workbook_csv")),
        Layout("ods", "Workbook (OpenDocument)", "ods", "application/vnd.oasis.opendocument.spreadsheet",
               _lazy("workbook", "render_workbook_ods"), include_retired=True,
               write=_lazy("workbook", "write_workbook_ods")),
        Layout("json", "Workbook (JSON)", "json", "application/json",
               _lazy("workbook", "render_workbook_json"), include_retired=True,
               write=_lazy("workbook", "write_workbook_json")),
        Layout("jsonld", "W3C DPV (JSON-LD)", "jsonld", "application/ld+json",
               _lazy("jsonld", "render_jsonld"), include_retired=False,
               write=_lazy("jsonld", "write_jsonld")),
        Layout("pdf", "Printable register (PDF)", "pdf", "application/pdf",
               _lazy("pdf", "render_pdf"), include_retired=False,
               write=_lazy("pdf", "write_pdf")),
    )
}
FORMATS = tuple(LAYOUTS)


class UnknownFormat(ValueError):
    pass


def _layout(format: str) -> Layout:
    try:
        return LAYOUTS[format]
    except KeyError:
        raise UnknownFormat(
            f"Unknown export format '{format}': use one of {', '.join(FORMATS)}."
        ) from None


def export_register(
    format: str, *, organisation_ids=None, status: str | None = None,
    as_of: datetime.date | datetime.datetime | None = None,
) -> tuple[bytes, Layout]:
    """The register (of ``organisation_ids``, all when None) in ``format``, as bytes: read
    a batch of organisations at a time, all of one moment (:func:`one_snapshot`)."""
    layout = _layout(format)
    with one_snapshot(), alive_left_out():
        register = read_register(organisation_ids=organisation_ids, status=status, as_of=as_of,
                                  include_retired=layout.include_retired)
        return layout.render(register), layout


def write_register(
    format: str, out: BinaryIO, *, organisation_ids=None, status: str | None = None,
    as_of: datetime.date | datetime.datetime | None = None,
    progress: Callable[[int, int], object] | None = None, **reading,
) -> Layout:
    """The file of :func:`export_register`, written to ``out``: as it is made where the
    format allows, so that the file is never held whole in memory. ``progress(done,
    total)`` is told the activities written after each batch of the register (every layout
    goes through the register once); ``reading`` goes to :func:`read_register`."""
    layout = _layout(format)
    with one_snapshot(), alive_left_out():
        register = read_register(organisation_ids=organisation_ids, status=status, as_of=as_of,
                                  include_retired=layout.include_retired, progress=progress,
                                  **reading)
        if layout.write is not None:
            layout.write(register, out)
        else:
            out.write(layout.render(register))
    return layout


def filename(layout: Layout, as_of: datetime.date | datetime.datetime | None = None) -> str:
    if isinstance(as_of, datetime.datetime):
        stamp = timezone.localtime(as_of).strftime("%Y-%m-%dT%H%M%S")
    else:
        stamp = (as_of or datetime.date.today()).isoformat()
    suffix = "-as-of" if as_of else ""
    return f"register-{layout.name}{suffix}-{stamp}.{layout.extension}"
