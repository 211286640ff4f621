"""A printable register for signing off: a cover page then one section per activity."""

from __future__ import annotations

import io
from collections.abc import Iterator
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from processing.register.records import Activity, Register

from .ico import rights_available

_styles = getSampleStyleSheet()
TITLE = _styles["Title"]
H1 = _styles["Heading1"]
H2 = _styles["Heading2"]
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontSize=9, leading=11)
LABEL = ParagraphStyle("label", parent=BODY, fontName="Helvetica-Bold")


def _p(value: str, style=BODY) -> Paragraph:
    return Paragraph(escape(value or "").replace("\n", "<br/>"), style)


def _rows(activity: Activity) -> list[tuple[str, str]]:
    join = "\n".join
    return [
        ("Reference", activity.reference),
        ("Role", activity.role.replace("_", " ")),
        ("Status", activity.status.replace("_", " ")),
        ("Business function", activity.business_function),
        ("Description", activity.description),
        ("Purposes", join(p.description for p in activity.purposes)),
        ("Lawful bases", join(u.basis.label for u in activity.lawful_bases)),
        ("Art 9 conditions", join(c.label for c in activity.special_category_conditions)),
        ("Sch. 1 / Art 10 conditions", join(c.label for c in activity.schedule1_conditions)),
        ("Data subjects", join(s.name for s in activity.data_subjects)),
        ("Personal data", join(c.name for c in activity.data_categories)),
        ("Recipients", "None" if activity.recipients_none and not activity.recipients
         else join(r.name for r in activity.recipients)),
        ("Joint controllers", join(t.name for t in activity.joint_controllers)),
        ("Controllers served", join(t.name for t in activity.controllers_served)),
        ("International transfers", join(
            f"{t.destination}: {t.mechanism.label if t.mechanism else 'no mechanism'}"
            for t in activity.transfers)),
        ("Retention", join(
            (f"{r.data_category.name}: " if r.data_category else "") + r.describe()
            for r in activity.retention_rules)),
        ("Security measures", join([*(m.name for m in activity.security_measures),
                                    activity.security_description])),
        ("Rights available", join(rights_available(activity))),
        ("Location of data", activity.data_location),
        ("DPIA", " ".join(x for x in (activity.dpia_required, activity.dpia_status.replace("_", " "),
                                      activity.dpia_link) if x)),
    ]


class _Story(list):
    """The document's flowables, made a section at a time as platypus reaches them.

    Platypus builds a document from the front of its list of flowables, taking them off
    as it goes; this list tops itself up from ``sections`` whenever it is looked at, so
    the register's thousands of tables are not all held at once.
    """

    #: Flowables kept ahead of the one being laid out: platypus looks ahead for headings
    #: kept with what follows them, and that never goes past one section.
    AHEAD = 8

    def __init__(self, flowables: list, sections: Iterator[list]):
        super().__init__(flowables)
        self._sections = sections

    def _top_up(self) -> None:
        while list.__len__(self) < self.AHEAD:
            section = next(self._sections, None)
            if section is None:
                return
            self.extend(section)

    def __len__(self) -> int:
        self._top_up()
        return list.__len__(self)

    def __getitem__(self, index):
        self._top_up()
        return list.__getitem__(self, index)


def _sections(register: Register) -> Iterator[list]:
    """One page-led section per activity."""
    for org in register.organisations:
        for activity in org.activities:
            table = Table([[_p(label, LABEL), _p(value)] for label, value in _rows(activity)],
                          colWidths=[45 * mm, 125 * mm])
            table.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#EEF2F7")),
            ]))
            yield [PageBreak(), Paragraph(escape(f"{activity.reference} {activity.name}"), H1),
                   _p(org.name), table]


def _document(buffer: io.BytesIO) -> SimpleDocTemplate:
    return SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                             topMargin=18 * mm, bottomMargin=18 * mm,
                             title="Record of processing activities")


def _cover(register: Register) -> list:
    story = [Paragraph("Record of processing activities", TITLE), Spacer(1, 8 * mm)]
    story.append(_p(f"Export date: {register.generated_at:%Y-%m-%d %H:%M %Z}"))
    story.append(_p("Register as of: " + (register.as_of.isoformat() if register.as_of
                                          else "current (export date)")))
    story.append(Spacer(1, 6 * mm))
    for org in register.organisations:
        story.append(Paragraph(escape(org.name), H2))
        details = [org.address, org.country.name if org.country else "", org.email, org.phone,
                   f"Registration: {org.authority_registration_ref}" if org.authority_registration_ref
                   else ""]
        story.append(_p("\n".join(d for d in details if d)))
        dpo = org.dpo
        story.append(_p("Data Protection Officer: " + (dpo.details().replace("\n", ", ") if dpo
                                                       else "none recorded")))
        story.append(_p(f"Activities: {len(org.activities)}"))
        story.append(Spacer(1, 4 * mm))
    story += [Spacer(1, 20 * mm), _p("Approved by: ______________________    Date: ____________")]
    return story


def render_pdf(register: Register) -> bytes:
    buffer = io.BytesIO()
    _document(buffer).build(_Story(_cover(register), _sections(register)))
    return buffer.getvalue()
