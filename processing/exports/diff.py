"""The register diff (:mod:`processing.diff`) as files: an xlsx workbook and a PDF.

Both carry the same rows, one per field changed (:func:`processing.diff.rows`): what
happened to the activity, its reference and name, the field, the old and the new value
as the API gives them (codes, ids, ISO dates), and who made the last change, when and
through what. The workbook goes through the exports' own cells (every text cell
neutralised, headers frozen, widths fitted); the PDF is a reportlab document with the
same changes under a heading per activity, whose tables repeat their header on each page.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from processing.diff import ADDED, CHANGED, COLUMNS, RETIRED, RegisterDiff, rows, value_text
from processing.register.moments import as_of_text

from . import cells

try:  # the PDF export's drawable: in its drawing module where the export is a package
    from .pdf.drawing import drawable
except ImportError:
    from .pdf import drawable

TITLE = "Register diff"
SECTIONS = ((ADDED, "Added"), (RETIRED, "Retired or deleted"), (CHANGED, "Changed"))


def filename(organisation: str, diff: RegisterDiff, extension: str) -> str:
    words = "".join(c if c.isalnum() else "-" for c in organisation).strip("-").lower()
    when = "".join(c for c in f"{diff.from_text}_{diff.to_text}" if c.isalnum() or c in "-_")
    return f"register-diff-{words or 'organisation'}-{when}.{extension}"


def _summary(organisation: str, diff: RegisterDiff) -> list[tuple[str, str]]:
    return [
        ("Organisation", organisation),
        ("From", f"{diff.from_text} (the register as it stood then)"),
        ("To", diff.to_text),
        ("Activities added", str(len(diff.added))),
        ("Activities retired or deleted", str(len(diff.retired))),
        ("Activities changed", str(len(diff.changed))),
        ("Made", timezone.localtime(timezone.now()).isoformat(timespec="seconds")),
    ]


def render_xlsx(organisation: str, diff: RegisterDiff) -> bytes:
    """A summary sheet, then every change on one sheet (filterable by its first column)."""
    summary = cells.Sheet("Summary")
    summary.row([TITLE], "title")
    for label, value in _summary(organisation, diff):
        summary.row([label, value], "label")
    changes = cells.Sheet("Changes")
    changes.table(COLUMNS, rows(diff))
    return cells.render_xlsx([summary, changes])


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(drawable(text)).replace("\n", "<br/>"), style)


_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=8, leading=10)
_HEAD = ParagraphStyle("head", parent=_BODY, fontName="Helvetica-Bold")
_H1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=15, leading=19, spaceAfter=6)
_H2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=12, leading=15, spaceBefore=10,
                     spaceAfter=4)
_H3 = ParagraphStyle("h3", fontName="Helvetica-Bold", fontSize=9, leading=12, spaceBefore=6,
                     spaceAfter=2, keepWithNext=True)
#: Field, old value, new value across landscape A4 within the margins.
_WIDTHS = [70 * mm, 101 * mm, 102 * mm]
_TABLE_STYLE = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.867, 0.898, 0.941)),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])


def _heading(entry) -> str:
    versions = (f"v{entry.version_from or '-'} to v{entry.version_to or '-'}")
    last = ", ".join(part for part in (
        as_of_text(entry.changed_at) if entry.changed_at else "", entry.changed_by or "",
        entry.path) if part)
    how = f" ({entry.how})" if entry.how else ""
    return f"{entry.reference} {entry.name}{how}: {versions}; last changed {last or '-'}"


def render_pdf(organisation: str, diff: RegisterDiff) -> bytes:
    """The summary, then each section (added, retired, changed): each activity under a
    heading (reference, name, versions, its last change) with a table of field, old value
    and new value. A table per activity keeps the layout linear in the size of the diff."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
        topMargin=12 * mm, bottomMargin=12 * mm, title=f"{TITLE}: {organisation}",
        subject=f"{diff.from_text} to {diff.to_text}", creator="ROPA register")
    story = [_paragraph(f"{TITLE}: {organisation}", _H1)]
    story += [_paragraph(f"{label}: {value}", _BODY) for label, value in _summary(organisation, diff)]
    header = [_paragraph(text, _HEAD) for text in ("Field", "Old value", "New value")]
    for kind, heading in SECTIONS:
        entries = getattr(diff, kind)
        story.append(_paragraph(f"{heading} ({len(entries)})", _H2))
        if not entries:
            story.append(_paragraph("None.", _BODY))
        for entry in entries:
            story.append(_paragraph(_heading(entry), _H3))
            table = LongTable([header, *[
                [_paragraph(change.field, _BODY), _paragraph(value_text(change.old), _BODY),
                 _paragraph(value_text(change.new), _BODY)] for change in entry.changes]],
                colWidths=_WIDTHS, repeatRows=1)
            table.setStyle(_TABLE_STYLE)
            story.append(table)
    if not diff:
        story.append(Spacer(1, 4 * mm))
        story.append(_paragraph("Nothing changed between the two moments.", _BODY))
    document.build(story)
    return buffer.getvalue()
