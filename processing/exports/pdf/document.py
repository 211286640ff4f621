"""The register as a PDF: the cover, the contents, then each organisation and its
activities, drawn in one pass over the register's organisations.

What the cover and the contents show before the activities are read (each activity's
reference, name and status, the counts) comes from the register's outline; what is only
known once every activity is drawn (the findings counted, the pages where sections start,
the number of pages) is written at the end as form XObjects the pages refer to. Nothing
of an organisation's activities is held once they are drawn."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.utils import timezone
from reportlab.lib.units import mm

from processing.approvals import approval_reasons
from processing.findings import Finding, Severity, activity_findings
from processing.models import ActivityStatus
from processing.register.records import Activity, Organisation, OrganisationOutline, Register
from ropa.collector import alive_left_out

from . import rows
from .drawing import (
    BODY,
    BOTTOM,
    COVER_TITLE,
    H1,
    H2,
    LABEL,
    LABEL_FILL,
    MARGIN,
    STATUS_FILLS,
    STATUS_NOTES,
    WIDTH,
    Column,
    Grid,
    drawable,
)
from .file import File
from .pages import Pages

TITLE = "Record of processing activities"

RECORD_COLUMNS = Grid(Column(48 * mm, LABEL, LABEL_FILL), Column(WIDTH - 48 * mm))
RECORD_HEADER = ("Item", "Recorded")
FINDING_COLUMNS = Grid(Column(36 * mm, LABEL, LABEL_FILL), Column(18 * mm),
                       Column(WIDTH - 54 * mm))
FINDING_HEADER = ("Code", "Severity", "What to fix")
PARTY_COLUMNS = Grid(Column(48 * mm, LABEL, LABEL_FILL), Column(WIDTH - 48 * mm))
CONTENTS_REFERENCE, CONTENTS_PAGE = 30 * mm, 14 * mm
SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def _organisation_place(organisation: Organisation | OrganisationOutline) -> str:
    return f"o{organisation.id}"


def _activity_place(activity) -> str:
    return f"a{activity.id}"


def _places(outline: list[OrganisationOutline]) -> Iterator[str]:
    """The places the document names, in the order they are drawn."""
    for organisation in outline:
        yield _organisation_place(organisation)
        for activity in organisation.activities:
            yield _activity_place(activity)


def _findings_line(counts: Counter) -> str:
    """The findings counted by severity: ``counts`` by severity."""
    total = sum(counts[s] for s in SEVERITIES)
    if not total:
        return "no open findings"
    parts = [f"{counts[s]} {rows.label(Severity, s)}{'s' if counts[s] > 1 else ''}"
             for s in SEVERITIES if counts[s]]
    return f"{total} open finding{'s' if total > 1 else ''} ({', '.join(parts)})"


def _cover(pages: Pages, register: Register, outline: list[OrganisationOutline]) -> int:
    """The cover; the form that shows the findings counted, written once they are."""
    pages.new_page()
    pages.y -= 20 * mm
    pages.paragraph(TITLE, COVER_TITLE, after=10)
    statuses = Counter(a.status for o in outline for a in o.activities)
    pages.paragraph(rows.parts(
        ("Export date", f"{timezone.localtime(register.generated_at):%Y-%m-%d %H:%M %Z}"),
        ("Register as of", register.as_of.isoformat() if register.as_of
         else "current (export date)"),
        ("Organisations", "; ".join(o.name for o in outline[:10])
         + (f" and {len(outline) - 10} more" if len(outline) > 10 else "")),
        ("Activities", str(statuses.total())),
        ("By status", ", ".join(f"{rows.label(ActivityStatus, s)}: {statuses[s]}"
                                for s in ActivityStatus.values if statuses[s])),
    ), BODY, after=0)
    # The last line of the paragraph: the findings are counted as the activities are drawn.
    if pages.y - BODY.leading < BOTTOM:
        pages.new_page()
    findings = pages.later(BODY, MARGIN, pages.y)
    pages.y -= BODY.leading + 12
    pages.paragraph("Every activity in force, in review or in draft is listed, each with its "
                    "status and open findings. A record in draft or in review has not been "
                    "approved.", BODY, after=20)
    pages.paragraph("Approved by", H2, after=8)
    for field in ("Name", "Role", "Signature", "Date"):
        pages.paragraph(f"{field}: " + "_" * 60, BODY, after=12)
    return findings


def _contents(pages: Pages, outline: list[OrganisationOutline]) -> None:
    """Each organisation, then its activities' references and names, with their pages."""
    pages.running = f"{TITLE}: contents"
    pages.new_page()
    pages.paragraph("Contents", H1, after=6)
    name_width = WIDTH - CONTENTS_REFERENCE - CONTENTS_PAGE
    right = MARGIN + WIDTH
    place = 0
    for organisation in outline:
        name = _organisation_place(organisation)
        lines = pages.wrap(drawable(organisation.name), H2, name_width + CONTENTS_REFERENCE)
        height = len(lines) * H2.leading
        if pages.y - 6 - height - BODY.leading < BOTTOM:
            pages.new_page()
        pages.y -= 6
        pages.text(lines, H2, MARGIN, pages.y)
        pages.page_number_of(place, right, pages.y - H2.size)
        pages.link(name, pages.y, pages.y - height)
        pages.y -= height + 2
        place += 1
        for activity in organisation.activities:
            references = pages.wrap(drawable(activity.reference), BODY, CONTENTS_REFERENCE - 4)
            names = pages.wrap(drawable(activity.name), BODY, name_width - 4)
            height = max(len(names), len(references)) * BODY.leading
            if pages.y - height < BOTTOM:
                pages.new_page()
            pages.text(references, BODY, MARGIN, pages.y)
            pages.text(names, BODY, MARGIN + CONTENTS_REFERENCE, pages.y)
            pages.page_number_of(place, right, pages.y - BODY.size)
            pages.link(_activity_place(activity), pages.y, pages.y - height)
            pages.y -= height
            place += 1


def _bookmarks(outline: list[OrganisationOutline]) -> Iterable[tuple]:
    for organisation in outline:
        yield (organisation.name, _organisation_place(organisation),
               [(f"{a.reference} {a.name}", _activity_place(a)) for a in organisation.activities])


def _organisation(pages: Pages, organisation: Organisation) -> None:
    pages.running = organisation.name
    pages.new_page()
    pages.anchor(_organisation_place(organisation))
    pages.paragraph(organisation.name, H1, after=6)
    pages.table(RECORD_COLUMNS, RECORD_HEADER,
                [*rows.table_rows(rows.ORGANISATION_ROWS, organisation),
                 *rows.contact_rows(organisation)],
                title="Organisation")
    if organisation.third_parties:
        pages.table(PARTY_COLUMNS, ("Third party", "Details"),
                    ((party.name, rows.party_details(party))
                     for party in organisation.third_parties),
                    title="Third parties (recipients, joint controllers, controllers served)")


def _record_rows(activity: Activity, override: str) -> list[tuple[str, str]]:
    """The record's rows; the reason of an approval over open error findings follows its
    status."""
    shown = rows.table_rows(rows.ACTIVITY_ROWS, activity)
    if override:
        at = next(i for i, (label, _) in enumerate(shown) if label == "Status") + 1
        shown.insert(at, ("Approved over open findings", override))
    return shown


def _activity(pages: Pages, activity: Activity, findings: list[Finding],
              override: str = "") -> None:
    pages.new_page()
    heading = f"{activity.reference} {activity.name}"
    pages.anchor(_activity_place(activity))
    pages.paragraph(heading, H1, after=2)
    pages.paragraph(activity.organisation, BODY, after=6)
    note = STATUS_NOTES.get(activity.status, "")
    pages.box(f"Status: {rows.label(ActivityStatus, activity.status).upper()}"
              + (f" ({note})" if note else "")
              + f" | {_findings_line(Counter(f.severity for f in findings))}",
              STATUS_FILLS.get(activity.status, STATUS_FILLS[ActivityStatus.RETIRED]))
    pages.table(RECORD_COLUMNS, RECORD_HEADER, _record_rows(activity, override),
                title="Record")
    if findings:
        pages.table(FINDING_COLUMNS, FINDING_HEADER,
                    ((f.code, rows.label(Severity, f.severity), f.message) for f in findings),
                    title="Open findings")
    else:
        pages.paragraph("Open findings: none.", H2, before=2)


def _activities(pages: Pages, activities: list[Activity], today, counted: Counter) -> None:
    """Each activity's section; its findings counted by severity in ``counted``."""
    overrides = approval_reasons(activities)
    for activity in activities:
        findings = activity_findings(activity, today=today)
        counted.update(f.severity for f in findings)
        _activity(pages, activity, findings, overrides.get(activity.id, ""))


def write_pdf(register: Register, out: BinaryIO) -> None:
    """The register as a PDF for signing off, written to ``out`` a page at a time."""
    with rows.document_labels(), alive_left_out():
        _write(register, out)


def render_pdf(register: Register) -> bytes:
    """The register as a PDF for signing off."""
    out = io.BytesIO()
    write_pdf(register, out)
    return out.getvalue()


def _write(register: Register, out: BinaryIO) -> None:
    outline = register.outline()
    pages = Pages(File(out), title=TITLE, subject="Register as of " + (
        register.as_of.isoformat() if register.as_of else "the export date"),
        places=_places(outline))
    pages.running = TITLE
    findings_form = _cover(pages, register, outline)
    _contents(pages, outline)
    pages.bookmarks(len(outline), _bookmarks(outline))
    del outline  # what follows is read a batch of organisations at a time
    # The findings of the day of the register's moment (an instant is read in its day).
    today = register.as_of or timezone.localdate()
    if isinstance(today, datetime.datetime):
        today = timezone.localdate(today)
    counted = Counter()
    for organisation in register.organisations:
        _organisation(pages, organisation)
        _activities(pages, organisation.activities, today, counted)
        del organisation  # let it go before the next batch is read
    pages.write_later(findings_form, f"Findings: {_findings_line(counted)}")
    pages.finish()
