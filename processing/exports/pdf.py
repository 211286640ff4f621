"""A printable register for signing off.

A cover page (scope, findings counted, the approval block), a contents page (each
organisation, then each activity's reference, name and page), then each organisation's
details and third parties followed by its activities, each starting on a new page: the
record's status stated in a banner, every value the register holds in a table of
label and value, and the record's open findings. Every page says "Page X of Y".

What a record shows is written once, in the lists of :class:`Row` below
(``ORGANISATION_ROWS``, ``ACTIVITY_ROWS``): a field added to the records is one line
there.

The pages are drawn at the canvas level (:class:`_Pages`) rather than through platypus,
which spends most of its time on general-purpose paragraph and table machinery: a
register of 10,000 activities is laid out in one pass. Page numbers not yet known when
the contents are drawn (where each section starts, the last page) are form XObjects that
the PDF defines at the end, so nothing is laid out twice.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from django.utils import timezone, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from entities.models.organisation import ContactRole, Jurisdiction
from entities.models.third_party import ThirdPartyKind
from processing.findings import Finding, Severity, activity_findings
from processing.models import ActivityRole, ActivityStatus, DpiaRequired, DpiaStatus
from processing.models.retention import DeletionMethod
from processing.register.records import (
    Activity,
    LawfulBasisUse,
    Organisation,
    Recipient,
    Register,
    RetentionRule,
    ThirdParty,
    Transfer,
)

from .ico import mechanism_label, rights_available

TITLE = "Record of processing activities"
NOT_RECORDED = "Not recorded"


# --- what a record shows ------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a record's table: its label and how its value is written.

    ``value`` answers the text shown (lines separated by newlines). A row whose value is
    empty is left out, unless ``always``: those are the items Art 30 asks for, shown as
    "Not recorded" so that a gap is seen at sign-off."""

    label: str
    value: Callable[[object], str]
    always: bool = False


@functools.lru_cache(maxsize=64)
def _labels(choices, language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


#: The labels of the document being made, by choices class, and its language: looked up
#: once per document rather than once per value.
_DOCUMENT_LABELS: ContextVar[dict | None] = ContextVar("pdf_labels", default=None)


def _language() -> str | None:
    labels = _DOCUMENT_LABELS.get()
    if labels is None:
        return translation.get_language()
    if "language" not in labels:
        labels["language"] = translation.get_language()
    return labels["language"]


def _label(choices, value: str) -> str:
    """The label of a choice in the active language (the value itself if unknown)."""
    labels = _DOCUMENT_LABELS.get()
    if labels is None:
        return _labels(choices, translation.get_language()).get(value, value)
    found = labels.get(choices)
    if found is None:
        found = labels[choices] = _labels(choices, _language())
    return found.get(value, value)


def _join(values: Iterable) -> str:
    return "\n".join(str(v) for v in values if v not in (None, ""))


def _parts(*pairs: tuple[str, object]) -> str:
    """"Label: value" for each pair with a value, one per line."""
    return "\n".join(f"{label}: {value}" for label, value in pairs if value not in (None, ""))


def _date(value: datetime.date | datetime.datetime | None) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if value else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _inline(values: Iterable) -> str:
    """Short values (taxonomy terms) on one line, wrapped as a paragraph."""
    return "; ".join(str(v) for v in values if v not in (None, ""))


def _inline_parts(*pairs: tuple[str, object]) -> str:
    return "; ".join(f"{label} {value}" for label, value in pairs if value not in (None, ""))


def _data_categories(activity: Activity) -> str:
    def name(term):
        flags = [flag for flag, on in (("special category, Art 9", term.special_category),
                                       ("criminal offence data, Art 10", term.criminal_offence))
                 if on]
        return f"{term.name} ({'; '.join(flags)})" if flags else term.name
    return _inline(name(t) for t in activity.data_categories)


def _lawful_basis(use: LawfulBasisUse) -> str:
    return _join([use.basis.label, _parts(
        ("Legitimate interest pursued", use.legitimate_interest),
        ("Legitimate interests assessment", use.lia_link),
        ("Legal provision", use.citation),
        ("Consent record", use.consent_record_link),
        ("How consent is recorded", use.consent_description),
        ("Recognised legitimate interest", use.recognised_interest_label),
        ("Limited to purposes", "; ".join(f"{p.number}. {p.description}" for p in use.purposes)),
        ("Limited to data", "; ".join(c.name for c in use.data_categories)),
        ("Notes", use.notes),
    )])


def _party(party: ThirdParty) -> str:
    """A third party's name, what it is, and how to reach it."""
    return _join([party.name, _party_details(party)])


def _party_details(party: ThirdParty) -> str:
    return _join(["; ".join(x for x in (_label(ThirdPartyKind, party.kind),
                                        party.category.name if party.category else "",
                                        party.service) if x), _parts(
        ("Address", party.address.replace("\n", ", ")),
        ("Country", party.country.name if party.country else ""),
        ("Email", party.email), ("Phone", party.phone), ("Website", party.website),
        ("Group company", party.group_organisation),
        ("Contract", party.contract_link),
        ("EU-US Data Privacy Framework certified", "Yes" if party.dpf_certified else ""),
        ("DPO", party.dpo_contact.replace("\n", ", ")),
        ("Representative (Art 27)", party.representative_contact.replace("\n", ", ")),
        ("Notes", party.notes),
    )])


def _recipient(recipient: Recipient) -> str:
    party = recipient.third_party
    if party is None:
        head = f"{recipient.category_name} (recipient category)"
    else:
        what = "; ".join(x for x in (_label(ThirdPartyKind, party.kind), recipient.category_name,
                                     party.country.name if party.country else "") if x)
        head = f"{party.name} ({what})" if what else party.name
    return _join([head, _parts(
        ("Data", "; ".join(c.name for c in recipient.data_categories)),
        ("Purpose", recipient.purpose),
        ("Contract", party.contract_link if party else ""),
    )])


def _recipients(activity: Activity) -> str:
    if not activity.recipients:
        return "None" if activity.recipients_none else ""
    return "\n".join(_recipient(r) for r in activity.recipients)


def _transfer(transfer: Transfer) -> str:
    return _join([transfer.destination or "Destination not named", _parts(
        ("Importer", transfer.third_party.name if transfer.third_party else ""),
        ("Mechanism", mechanism_label(transfer) or "none recorded"),
        ("Safeguards", transfer.safeguards),
        ("Safeguard documents", transfer.safeguard_document_link),
        ("Transfer impact assessment", transfer.tia_link),
    )])


def _retention(rule: RetentionRule) -> str:
    # Registers repeat their retention rules: each wording is made once per export.
    return _retention_text(tuple(getattr(rule, f.name) for f in _RETENTION_FIELDS),
                           _language())


_RETENTION_FIELDS = [f for f in dataclasses.fields(RetentionRule) if f.name != "id"]


@functools.lru_cache(maxsize=4096)
def _retention_text(values: tuple, language: str | None) -> str:
    rule = RetentionRule(id=0, **{f.name: v for f, v in zip(_RETENTION_FIELDS, values,
                                                              strict=True)})
    text = rule.describe()
    if rule.period and rule.criteria and rule.criteria not in text:
        text = f"{text}; {rule.criteria}"
    if rule.data_category:
        text = f"{rule.data_category.name}: {text}"
    return _join([text, _parts(("Deletion", _label(DeletionMethod, rule.deletion_method)
                                if rule.deletion_method else ""))])


def _automated(activity: Activity) -> str:
    if not activity.automated_decision_making:
        return "No" if not activity.automated_decision_description else \
            activity.automated_decision_description
    return _join(["Yes" + (", with legal or similarly significant effect"
                           if activity.automated_decision_legal_effect else ""),
                  activity.automated_decision_description,
                  _parts(("Safeguards (Art 22(3))", activity.automated_decision_safeguards))])


def _screening(activity: Activity) -> list[tuple[str, bool]]:
    """The DPIA screening criteria the activity's own flags say."""
    return [("large scale", activity.large_scale),
            ("evaluation or scoring", activity.evaluation_or_scoring),
            ("matching datasets", activity.matching_datasets),
            ("vulnerable data subjects", activity.vulnerable_subjects),
            ("children's data", activity.children),
            ("innovative technology", activity.innovative_technology),
            ("prevents a right or service", activity.prevents_exercise_of_right)]


def _dpia(activity: Activity) -> str:
    return _parts(("Required", _label(DpiaRequired, activity.dpia_required)
                   if activity.dpia_required else ""),
                  ("Progress", _label(DpiaStatus, activity.dpia_status)
                   if activity.dpia_status else ""),
                  ("Link", activity.dpia_link))


def _retention_policy(activity: Activity) -> str:
    return _parts(("Policy document", activity.retention_policy_link),
                  ("Retained and erased as the policy says", _yes_no(activity.retention_adhered)),
                  ("Reasons for not adhering", activity.retention_non_adherence_reason))


#: The organisation's details, in the order they are shown; its contacts follow, one row
#: each, labelled with their role.
ORGANISATION_ROWS: list[Row] = [
    Row("Legal name", lambda o: o.name, always=True),
    Row("Trading name", lambda o: o.trading_name),
    Row("Parent group", lambda o: o.parent),
    Row("Registration number", lambda o: o.registration_number),
    Row("Supervisory authority registration", lambda o: o.authority_registration_ref),
    Row("VAT number", lambda o: o.vat_number),
    Row("Address", lambda o: o.address, always=True),
    Row("Trading address", lambda o: o.trading_address),
    Row("Country", lambda o: o.country.name if o.country else ""),
    Row("Data protection law", lambda o: _label(Jurisdiction, o.jurisdiction)),
    Row("Public authority", lambda o: "Yes" if o.public_authority else ""),
    Row("Website", lambda o: o.website),
    Row("Email", lambda o: o.email),
    Row("Phone", lambda o: o.phone),
]

#: Everything an activity's record holds, in the order of Art 30(1) and (2), then the
#: ICO template's other columns and the record's own history.
ACTIVITY_ROWS: list[Row] = [
    Row("Role of the organisation", lambda a: _label(ActivityRole, a.role), always=True),
    Row("Business function", lambda a: a.business_function),
    Row("Owner", lambda a: _inline([a.owner, a.owner_email])),
    Row("Joint controllers", lambda a: "\n".join(_party(t) for t in a.joint_controllers)),
    Row("Controllers served (processor record)",
        lambda a: "\n".join(_party(t) for t in a.controllers_served)),
    Row("Description", lambda a: a.description),
    Row("Purposes", lambda a: _join(f"{p.number}. {p.description}" for p in a.purposes),
        always=True),
    Row("Lawful bases", lambda a: "\n".join(_lawful_basis(u) for u in a.lawful_bases),
        always=True),
    Row("Art 9 conditions", lambda a: _inline(c.label for c in a.special_category_conditions)),
    Row("DPA 2018 Sch. 1 / Art 10 conditions",
        lambda a: _inline(c.label for c in a.schedule1_conditions)),
    Row("Data subjects", lambda a: _inline(s.name for s in a.data_subjects), always=True),
    Row("Personal data", _data_categories, always=True),
    Row("Source of the data", lambda a: _join([
        "Obtained from others (Art 14)" if a.data_from_other_sources else "", a.source_of_data])),
    Row("Privacy notice", lambda a: a.privacy_notice_link),
    Row("Joint controller arrangement", lambda a: a.joint_arrangement_link),
    Row("Appropriate policy document", lambda a: a.policy_document_link),
    Row("Children's consent (Art 8)", lambda a: a.children_consent),
    Row("Direct marketing", lambda a: _inline_parts(
        ("direct marketing", "Yes" if a.direct_marketing else ""),
        ("electronic marketing", "Yes" if a.electronic_marketing else ""),
        ("soft opt-in", "Yes" if a.soft_opt_in else ""))),
    Row("Recipients", _recipients, always=True),
    Row("International transfers", lambda a: "\n".join(_transfer(t) for t in a.transfers)),
    Row("Retention", lambda a: "\n".join(_retention(r) for r in a.retention_rules),
        always=True),
    Row("Retention policy", _retention_policy),
    Row("Security measures", lambda a: _join([_inline(m.name for m in a.security_measures),
                                              a.security_description]), always=True),
    Row("Rights available", lambda a: _inline(rights_available(a))),
    Row("Automated decision-making, including profiling", _automated),
    Row("Systematic monitoring", lambda a: "Yes" if a.systematic_monitoring else ""),
    Row("DPIA screening", lambda a: _inline_parts(
        *((label, "Yes") for label, on in _screening(a) if on))),
    Row("Location of the data", lambda a: a.data_location),
    Row("Data protection impact assessment", _dpia),
    Row("Personal data breach", lambda a: _parts(
        ("Occurred", "Yes" if a.breach_occurred else ""), ("Record", a.breach_link))),
    Row("Review", lambda a: _inline_parts(("last reviewed", _date(a.last_reviewed_on)),
                                          ("next review", _date(a.next_review_on)))),
    Row("Status", lambda a: _inline([_label(ActivityStatus, a.status),
                                     _inline_parts(("since", _date(a.status_changed_at)))]),
        always=True),
    Row("Version", lambda a: _inline([a.version, _inline_parts(
        ("created", _date(a.created_at)), ("last changed", _date(a.updated_at)))])),
]


def table_rows(rows: Sequence[Row], record) -> list[tuple[str, str]]:
    """(label, text) of each row ``record`` shows."""
    shown = []
    for row in rows:
        value = row.value(record)
        if value or row.always:
            shown.append((row.label, value or NOT_RECORDED))
    return shown


def _contact_rows(organisation: Organisation) -> list[tuple[str, str]]:
    return [(_label(ContactRole, c.role), c.details()) for c in organisation.contacts]


# --- the PDF file ---------------------------------------------------------------------------


def _pdf_string(text: str) -> str:
    """A PDF text string (titles, outline entries): UTF-16 when it is not plain ASCII."""
    if text.isascii():
        return "(" + text.translate(_ESCAPES) + ")"
    return "<" + ("\ufeff" + text).encode("utf-16-be").hex().upper() + ">"


class _File:
    """A PDF file written an object at a time: objects are numbered when first referred to
    and written when complete, in any order; the cross-reference table ends the file."""

    def __init__(self):
        self.buffer = io.BytesIO()
        self.buffer.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self.offsets: dict[int, int] = {}
        self.count = 0

    def reserve(self) -> int:
        self.count += 1
        return self.count

    def write(self, number: int, body: str) -> None:
        self.offsets[number] = self.buffer.tell()
        self.buffer.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))

    def stream(self, number: int, dictionary: str, content: str) -> None:
        data = zlib.compress(content.encode("latin-1"), 3)
        self.offsets[number] = self.buffer.tell()
        self.buffer.write(f"{number} 0 obj\n<< {dictionary} /Filter /FlateDecode /Length "
                          f"{len(data)} >>\nstream\n".encode("latin-1"))
        self.buffer.write(data)
        self.buffer.write(b"\nendstream\nendobj\n")

    def close(self, root: int, info: int) -> bytes:
        start = self.buffer.tell()
        lines = [f"xref\n0 {self.count + 1}\n", "0000000000 65535 f \n"]
        lines += [f"{self.offsets[n]:010d} 00000 n \n" for n in range(1, self.count + 1)]
        lines.append(f"trailer\n<< /Size {self.count + 1} /Root {root} 0 R /Info {info} 0 R >>\n"
                     f"startxref\n{start}\n%%EOF\n")
        self.buffer.write("".join(lines).encode("latin-1"))
        return self.buffer.getvalue()


# --- drawing --------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
TOP = PAGE_HEIGHT - MARGIN
BOTTOM = MARGIN + 6 * mm  # above the footer
WIDTH = PAGE_WIDTH - 2 * MARGIN
PAD = 3  # points inside a table cell

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
#: The content streams' names of the two fonts.
FONT_NAMES = {REGULAR: "/F1", BOLD: "/F2"}


@dataclass(frozen=True)
class Style:
    font: str
    size: float
    leading: float

    @functools.cached_property
    def text_start(self) -> str:
        """The start of a text object in this style: font, size and line spacing."""
        return f"BT {FONT_NAMES[self.font]} {self.size} Tf {self.leading} TL "


BODY = Style(REGULAR, 9, 11)
LABEL = Style(BOLD, 9, 11)
SMALL = Style(REGULAR, 8, 10)
H1 = Style(BOLD, 15, 18)
H2 = Style(BOLD, 11, 14)
COVER_TITLE = Style(BOLD, 22, 28)

#: Fill colours (PDF ``rg`` operands).
LABEL_FILL = "0.933 0.949 0.969"
HEADER_FILL = "0.867 0.898 0.941"
STATUS_FILLS = {
    ActivityStatus.DRAFT: "0.996 0.871 0.667",
    ActivityStatus.IN_REVIEW: "0.765 0.851 0.965",
    ActivityStatus.ACTIVE: "0.741 0.902 0.765",
    ActivityStatus.RETIRED: "0.851 0.851 0.851",
}
STATUS_NOTES = {
    ActivityStatus.DRAFT: "not submitted for review",
    ActivityStatus.IN_REVIEW: "awaiting approval",
    ActivityStatus.ACTIVE: "approved and in force",
    ActivityStatus.RETIRED: "no longer carried out",
}

# The standard fonts are WinAnsi (cp1252) encoded. In a content stream's strings, \ ( )
# are escaped and bytes above 127 written in octal, so the stream is ASCII.
_ESCAPES = {ord("\\"): "\\\\", ord("("): "\\(", ord(")"): "\\)"}
_WIN_ANSI = {code: bytes([code]).decode("cp1252", "ignore") for code in range(256)}
_ESCAPES.update((ord(c), f"\\{code:03o}") for code, c in _WIN_ANSI.items() if code > 127 and c)
#: Control characters the fonts do not draw (a tab is drawn as a space).
_CONTROLS = {**{c: None for c in range(32) if c != 10}, 9: " "}
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")


def drawable(text: str) -> str:
    """``text`` as the standard fonts can draw it: a character outside their encoding
    (Windows-1252) is drawn as its base letter where it has one ("ś" as "s"), otherwise
    as "?"."""
    if _CONTROL.search(text):
        text = text.translate(_CONTROLS)
    if text.isascii():
        return text
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        return "".join(_drawable_character(c) for c in text)


@functools.lru_cache(maxsize=4096)
def _drawable_character(character: str) -> str:
    try:
        character.encode("cp1252")
        return character
    except UnicodeEncodeError:
        base = unicodedata.normalize("NFKD", character).encode("cp1252", "ignore").decode("cp1252")
        return base if base.strip() else "?"


class _Measure:
    """Widths and wrapping of text in one standard font, from its metrics."""

    def __init__(self, font: str):
        metrics = pdfmetrics.getFont(font)
        self.widths: dict[str, int] = {}
        for code, width in enumerate(metrics.widths):
            if _WIN_ANSI[code]:
                self.widths[_WIN_ANSI[code]] = width
        self.widest = max(self.widths.values())
        self.wrapped: dict[tuple[str, float, float], list[str]] = {}

    def width(self, text: str, size: float) -> float:
        """The width of drawable text (see :func:`drawable`)."""
        return sum(map(self.widths.__getitem__, text)) * size / 1000

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """``text`` in lines no wider than ``width``: its own lines, each broken between
        words, and inside a word only where one word is wider than the line."""
        if len(text) * self.widest * size / 1000 <= width and "\n" not in text:
            return [text]
        lines: list[str] = []
        for line in text.split("\n"):
            if len(line) * self.widest * size / 1000 <= width:
                lines.append(line)
                continue
            key = (line, size, width)
            found = self.wrapped.get(key)
            if found is None:
                if len(self.wrapped) > 100_000:  # a register's repeated texts, bounded
                    self.wrapped.clear()
                found = self.wrapped[key] = self._break(line, size, width)
            lines.extend(found)
        return lines

    def _break(self, line: str, size: float, width: float) -> list[str]:
        if self.width(line, size) <= width:
            return [line]
        lines, current, used = [], "", 0.0
        space = self.width(" ", size)
        for word in line.split(" "):
            size_of = self.width(word, size)
            if current and used + space + size_of <= width:
                current, used = f"{current} {word}", used + space + size_of
                continue
            if current:
                lines.append(current)
            while size_of > width:  # a word (a link) longer than the line: cut it
                low, high = 1, len(word)  # the longest start of it that fits
                while low < high:
                    middle = (low + high + 1) // 2
                    if self.width(word[:middle], size) <= width:
                        low = middle
                    else:
                        high = middle - 1
                lines.append(word[:low])
                word = word[low:]
                size_of = self.width(word, size)
            current, used = word, size_of
        lines.append(current)
        return lines


@dataclass(frozen=True)
class _Column:
    width: float
    style: Style = BODY
    fill: str = ""


class _Grid:
    """A table's columns across the page, with what every row of the table draws the same:
    where each column's text starts, and the fills, frame and lines of a row from
    ``{low}`` to ``{high}`` (``{tall}`` high), for the header row and for the others."""

    def __init__(self, *columns: _Column):
        self.columns = columns
        self.lefts, x = [], MARGIN
        for column in columns:
            self.lefts.append(x + PAD)
            x += column.width
        self.graphics = {header: self._graphics(header) for header in (True, False)}

    def _graphics(self, header: bool) -> str:
        operators, x = [], MARGIN
        for column in self.columns:
            fill = HEADER_FILL if header else column.fill
            if fill:
                operators.append(f"q {fill} rg {x:.2f} {{low}} {column.width:.2f} {{tall}} re f Q")
            x += column.width
        frame = [f"q 0.6 G 0.25 w {MARGIN:.2f} {{low}} {WIDTH:.2f} {{tall}} re"]
        x = MARGIN
        for column in self.columns[:-1]:
            x += column.width
            frame.append(f"{x:.2f} {{low}} m {x:.2f} {{high}} l")
        operators.append(" ".join([*frame, "S Q"]))
        return "\n".join(operators)


def _escape(text: str) -> str:
    if text.isascii():
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return text.translate(_ESCAPES)


def _text(lines: Sequence[str], style: Style, x: float, top: float) -> str:
    """The operators that show ``lines`` (drawable text), the first line's top at ``top``."""
    body = _escape("\n".join(lines)).replace("\n", ")'\n(")
    return (f"{style.text_start}{x:.2f} {top - style.size + style.leading:.2f} Td "
            f"({body})' ET")


class _Pages:
    """The document laid out page by page, each page's content stream written to the file
    when the page is done.

    Text is laid out with the fonts' metrics. Tables repeat their header row on each page
    they continue on, keep their header with at least one row, and split a row only when
    it is taller than a page. Page numbers not known yet where they are shown (the number
    of pages, where a section starts) are form XObjects written when the document ends."""

    def __init__(self, *, title: str, subject: str):
        self.file = _File()
        self.title, self.subject = title, subject
        self.measure = {REGULAR: _Measure(REGULAR), BOLD: _Measure(BOLD)}
        self.catalog, self.pages_tree = self.file.reserve(), self.file.reserve()
        self.fonts = {font: self.file.reserve() for font in (REGULAR, BOLD)}
        self.resources = self.file.reserve()  # fonts and the page count: most pages' own
        self.forms: dict[str, int] = {"page-count": self.file.reserve()}
        self.page_objects: list[int] = []
        self.page = 0
        self.y = TOP
        self.operators: list[str] = []
        self.page_forms: list[str] = []  # forms of the page other than the page count
        self.annotations: list[str] = []
        self.running = ""  # the footer's text: what the pages belong to
        self.footer = ""  # the current page's
        self.anchors: dict[str, tuple[int, float]] = {}  # where each section starts
        self.outline: list[tuple[str, str, list]] = []  # (title, anchor, children)

    # pages

    def new_page(self) -> None:
        if self.page:
            self._end_page()
        self.page += 1
        self.y = TOP
        self.operators = []
        self.footer = self.running

    def _end_page(self) -> None:
        label = f"Page {self.page} of "
        x = PAGE_WIDTH - MARGIN - 30 * mm
        self.operators += [
            _text([drawable(self.footer)], SMALL, MARGIN, MARGIN + 4),
            _text([label], SMALL, x, MARGIN + 4),
            f"q 1 0 0 1 {x + self._width(label, SMALL):.2f} {MARGIN + 4 - SMALL.size:.2f} cm "
            f"/page-count Do Q",
        ]
        content = self.file.reserve()
        self.file.stream(content, "", "\n".join(self.operators))
        number = self.file.reserve()
        if self.page_forms:
            forms = " ".join(f"/{name} {self.forms[name]} 0 R"
                             for name in ["page-count", *self.page_forms])
            resources = (f"<< /Font << /F1 {self.fonts[REGULAR]} 0 R /F2 {self.fonts[BOLD]} "
                         f"0 R >> /XObject << {forms} >> >>")
        else:
            resources = f"{self.resources} 0 R"
        annotations = f" /Annots [{' '.join(self.annotations)}]" if self.annotations else ""
        self.file.write(number, f"<< /Type /Page /Parent {self.pages_tree} 0 R /MediaBox [0 0 "
                                f"{PAGE_WIDTH:.2f} {PAGE_HEIGHT:.2f}] /Resources {resources} "
                                f"/Contents {content} 0 R{annotations} >>")
        self.page_objects.append(number)
        self.operators, self.page_forms, self.annotations = [], [], []

    def anchor(self, name: str, outline: str = "", parent: bool = False) -> None:
        """Name the current place (for the contents' page numbers and links), and list it
        in the outline: at the top level, or under the last ``parent``."""
        self.anchors[name] = (self.page, self.y)
        if outline:
            entry = (outline, name, [])  # as typed: outline titles are Unicode
            if parent or not self.outline:
                self.outline.append(entry)
            else:
                self.outline[-1][2].append(entry)

    def page_number_of(self, name: str, x: float, y: float) -> None:
        """The page ``name`` starts on, right-aligned at ``x``: known when the document ends."""
        form = f"page-{name}"
        if form not in self.forms:
            self.forms[form] = self.file.reserve()
        self.page_forms.append(form)
        self.operators.append(f"q 1 0 0 1 {x:.2f} {y:.2f} cm /{form} Do Q")

    def link(self, name: str, top: float, bottom: float) -> None:
        """A link from the band between ``top`` and ``bottom`` to ``name``."""
        annotation = self.file.reserve()
        self.file.write(annotation, f"<< /Type /Annot /Subtype /Link /Rect [{MARGIN:.2f} "
                                    f"{bottom:.2f} {MARGIN + WIDTH:.2f} {top:.2f}] "
                                    f"/Border [0 0 0] /Dest /{name} >>")
        self.annotations.append(f"{annotation} 0 R")

    def finish(self) -> bytes:
        """Write what the pages referred to before it was known; the file's bytes."""
        self._end_page()
        file = self.file
        fonts = f"<< /F1 {self.fonts[REGULAR]} 0 R /F2 {self.fonts[BOLD]} 0 R >>"
        for font, number in self.fonts.items():
            file.write(number, f"<< /Type /Font /Subtype /Type1 /BaseFont /{font} "
                               f"/Encoding /WinAnsiEncoding >>")
        file.write(self.resources, f"<< /Font {fonts} /XObject << /page-count "
                                   f"{self.forms['page-count']} 0 R >> >>")
        for form, number in self.forms.items():
            if form == "page-count":
                text, x = str(self.page), 0.0
                style = SMALL
            else:
                text = str(self.anchors[form[5:]][0])
                style = BODY
                x = -self._width(text, style)
            file.stream(number, f"/Type /XObject /Subtype /Form /BBox [-60 -4 60 14] "
                                f"/Resources << /Font {fonts} >>", _text([text], style, x, style.size))
        file.write(self.pages_tree, f"<< /Type /Pages /Count {len(self.page_objects)} /Kids ["
                                    + " ".join(f"{n} 0 R" for n in self.page_objects) + "] >>")
        destinations = file.reserve()
        file.write(destinations, "<< " + " ".join(
            f"/{name} [{self.page_objects[page - 1]} 0 R /XYZ 0 {y + 14:.2f} null]"
            for name, (page, y) in self.anchors.items()) + " >>")
        outline = self._outline()
        file.write(self.catalog, f"<< /Type /Catalog /Pages {self.pages_tree} 0 R /Dests "
                                 f"{destinations} 0 R /Outlines {outline} 0 R "
                                 f"/PageMode /UseOutlines >>")
        info = file.reserve()
        now = timezone.now().strftime("D:%Y%m%d%H%M%SZ")
        file.write(info, f"<< /Title {_pdf_string(self.title)} /Subject "
                         f"{_pdf_string(self.subject)} /Creator (ROPA register) /Producer "
                         f"(ROPA register) /CreationDate ({now}) >>")
        return file.close(self.catalog, info)

    def _outline(self) -> int:
        """The outline (bookmarks): organisations, and under each its activities."""
        root = self.file.reserve()

        def items(entries, parent) -> tuple[int, int, int]:
            numbers = [self.file.reserve() for _ in entries]
            total = len(entries)
            for i, ((title, name, children), number) in enumerate(zip(entries, numbers,
                                                                       strict=True)):
                links = [f"/Parent {parent} 0 R"]
                if i:
                    links.append(f"/Prev {numbers[i - 1]} 0 R")
                if i + 1 < len(numbers):
                    links.append(f"/Next {numbers[i + 1]} 0 R")
                if children:
                    first, last, count = items(children, number)
                    links.append(f"/First {first} 0 R /Last {last} 0 R /Count -{count}")
                    total += count
                self.file.write(number, f"<< /Title {_pdf_string(title)} /Dest /{name} "
                                        + " ".join(links) + " >>")
            return numbers[0], numbers[-1], total

        if self.outline:
            first, last, _count = items(self.outline, root)
            self.file.write(root, f"<< /Type /Outlines /First {first} 0 R /Last {last} 0 R "
                                  f"/Count {len(self.outline)} >>")
        else:
            self.file.write(root, "<< /Type /Outlines /Count 0 >>")
        return root

    # text

    def _width(self, text: str, style: Style) -> float:
        return self.measure[style.font].width(text, style.size)

    def wrap(self, text: str, style: Style, width: float) -> list[str]:
        return self.measure[style.font].wrap(text, style.size, width)

    def text(self, lines: Sequence[str], style: Style, x: float, top: float) -> None:
        if lines:
            self.operators.append(_text(lines, style, x, top))

    def paragraph(self, text: str, style: Style = BODY, *, before: float = 0,
                  after: float = 2) -> None:
        """Wrapped text, on the next page if fewer than two of its lines fit here."""
        lines = self.wrap(drawable(text), style, WIDTH)
        self.y -= before
        while lines:
            room = int((self.y - BOTTOM) // style.leading)
            if room < min(len(lines), 2):
                self.new_page()
                continue
            self.text(lines[:room], style, MARGIN, self.y)
            self.y -= min(room, len(lines)) * style.leading
            lines = lines[room:]
        self.y -= after

    def box(self, text: str, fill: str, style: Style = H2) -> None:
        """Text in a filled box across the page: the record's status."""
        lines = self.wrap(drawable(text), style, WIDTH - 2 * PAD)
        height = len(lines) * style.leading + 2 * PAD + 2
        if self.y - height < BOTTOM:
            self.new_page()
        self.operators.append(
            f"q {fill} rg {MARGIN:.2f} {self.y - height:.2f} {WIDTH:.2f} {height:.2f} re f Q")
        self.text(lines, style, MARGIN + PAD, self.y - PAD - 1)
        self.y -= height + 4

    # tables

    def table(self, grid: _Grid, header: Sequence[str],
              rows: Iterable[Sequence[str]], *, title: str = "") -> None:
        """A table whose header row (and ``title``) is repeated on each page it continues
        on, never left at the foot of a page without a row under it."""
        columns = grid.columns
        title_lines = self.wrap(title, H2, WIDTH) if title else []
        title_height = len(title_lines) * H2.leading + (4 if title else 0)
        header_cells = [self.wrap(h, LABEL, c.width - 2 * PAD)
                        for h, c in zip(header, columns, strict=True)]
        head_height = self._row_height(header_cells) + title_height
        page_room = TOP - BOTTOM - head_height
        measures = [(self.measure[c.style.font], c.style.size, c.width - 2 * PAD)
                    for c in columns]
        started = False
        for values in rows:
            cells = [measure.wrap(drawable(value), size, width)
                     for value, (measure, size, width) in zip(values, measures, strict=True)]
            height = self._row_height(cells)
            if not started:
                if self.y - head_height - min(height, 3 * BODY.leading + 2 * PAD) < BOTTOM:
                    self.new_page()
                self._table_head(title_lines, header_cells, grid, continued=False)
                started = True
            while self.y - height < BOTTOM:
                if height <= page_room or self.y - BOTTOM < 3 * BODY.leading + 2 * PAD:
                    # A row that fits a page goes to the next one; so does the start of a
                    # longer row when little room is left here.
                    self.new_page()
                    self._table_head(title_lines, header_cells, grid, continued=True)
                    continue
                # Taller than a page: what fits here, the rest on the next page.
                fits = int((self.y - BOTTOM - 2 * PAD) // BODY.leading)
                self._row([cell[:fits] for cell in cells], grid)
                cells = [cell[fits:] for cell in cells]
                height = self._row_height(cells)
                self.new_page()
                self._table_head(title_lines, header_cells, grid, continued=True)
            self._row(cells, grid)
        self.y -= 6

    def _table_head(self, title_lines, header_cells, grid: _Grid, *, continued: bool) -> None:
        if title_lines:
            lines = list(title_lines)
            if continued:
                lines[-1] += " (continued)"
            self.text(lines, H2, MARGIN, self.y)
            self.y -= len(lines) * H2.leading + 4
        self._row(header_cells, grid, header=True)

    @staticmethod
    def _row_height(cells: Sequence[list[str]]) -> float:
        return max(map(len, cells), default=1) * BODY.leading + 2 * PAD

    def _row(self, cells: Sequence[list[str]], grid: _Grid, *,
             header: bool = False) -> None:
        top = self.y
        height = self._row_height(cells)
        bottom = top - height
        operators = self.operators
        operators.append(grid.graphics[header].format(
            low=f"{bottom:.2f}", high=f"{top:.2f}", tall=f"{height:.2f}"))
        for cell, column, x in zip(cells, grid.columns, grid.lefts, strict=True):
            if cell:
                operators.append(_text(cell, LABEL if header else column.style, x, top - PAD))
        self.y = bottom




# --- the document ---------------------------------------------------------------------------

RECORD_COLUMNS = _Grid(_Column(48 * mm, LABEL, LABEL_FILL), _Column(WIDTH - 48 * mm))
RECORD_HEADER = ("Item", "Recorded")
FINDING_COLUMNS = _Grid(_Column(36 * mm, LABEL, LABEL_FILL), _Column(18 * mm),
                        _Column(WIDTH - 54 * mm))
FINDING_HEADER = ("Code", "Severity", "What to fix")
PARTY_COLUMNS = _Grid(_Column(48 * mm, LABEL, LABEL_FILL), _Column(WIDTH - 48 * mm))
CONTENTS_REFERENCE, CONTENTS_PAGE = 30 * mm, 14 * mm


def _anchor(activity: Activity) -> str:
    return f"a{activity.id}"


def _findings_line(findings: list[Finding]) -> str:
    if not findings:
        return "no open findings"
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {_label(Severity, s)}{'s' if counts[s] > 1 else ''}"
             for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
    total = len(findings)
    return f"{total} open finding{'s' if total > 1 else ''} ({', '.join(parts)})"


def _cover(pages: _Pages, register: Register, findings: dict[int, list[Finding]]) -> None:
    pages.new_page()
    pages.y -= 20 * mm
    pages.paragraph(TITLE, COVER_TITLE, after=10)
    activities = register.activities
    statuses = Counter(a.status for a in activities)
    organisations = register.organisations
    pages.paragraph(_parts(
        ("Export date", f"{timezone.localtime(register.generated_at):%Y-%m-%d %H:%M %Z}"),
        ("Register as of", register.as_of.isoformat() if register.as_of
         else "current (export date)"),
        ("Organisations", "; ".join(o.name for o in organisations[:10])
         + (f" and {len(organisations) - 10} more" if len(organisations) > 10 else "")),
        ("Activities", str(len(activities))),
        ("By status", ", ".join(f"{_label(ActivityStatus, s)}: {statuses[s]}"
                                for s in ActivityStatus.values if statuses[s])),
        ("Findings", _findings_line([f for a in activities for f in findings[a.id]])),
    ), BODY, after=12)
    pages.paragraph("Every activity in force, in review or in draft is listed, each with its "
                    "status and open findings. A record in draft or in review has not been "
                    "approved.", BODY, after=20)
    pages.paragraph("Approved by", H2, after=8)
    for field in ("Name", "Role", "Signature", "Date"):
        pages.paragraph(f"{field}: " + "_" * 60, BODY, after=12)


def _contents(pages: _Pages, register: Register) -> None:
    """Each organisation, then its activities' references and names, with their pages."""
    pages.running = f"{TITLE}: contents"
    pages.new_page()
    pages.paragraph("Contents", H1, after=6)
    name_width = WIDTH - CONTENTS_REFERENCE - CONTENTS_PAGE
    right = MARGIN + WIDTH
    for organisation in register.organisations:
        name = f"o{organisation.id}"
        lines = pages.wrap(drawable(organisation.name), H2, name_width + CONTENTS_REFERENCE)
        height = len(lines) * H2.leading
        if pages.y - 6 - height - BODY.leading < BOTTOM:
            pages.new_page()
        pages.y -= 6
        pages.text(lines, H2, MARGIN, pages.y)
        pages.page_number_of(name, right, pages.y - H2.size)
        pages.link(name, pages.y, pages.y - height)
        pages.y -= height + 2
        for activity in organisation.activities:
            references = pages.wrap(drawable(activity.reference), BODY, CONTENTS_REFERENCE - 4)
            names = pages.wrap(drawable(activity.name), BODY, name_width - 4)
            height = max(len(names), len(references)) * BODY.leading
            if pages.y - height < BOTTOM:
                pages.new_page()
            pages.text(references, BODY, MARGIN, pages.y)
            pages.text(names, BODY, MARGIN + CONTENTS_REFERENCE, pages.y)
            pages.page_number_of(_anchor(activity), right, pages.y - BODY.size)
            pages.link(_anchor(activity), pages.y, pages.y - height)
            pages.y -= height


def _organisation(pages: _Pages, organisation: Organisation) -> None:
    pages.running = organisation.name
    pages.new_page()
    pages.anchor(f"o{organisation.id}", organisation.name, parent=True)
    pages.paragraph(organisation.name, H1, after=6)
    pages.table(RECORD_COLUMNS, RECORD_HEADER,
                [*table_rows(ORGANISATION_ROWS, organisation), *_contact_rows(organisation)],
                title="Organisation")
    if organisation.third_parties:
        pages.table(PARTY_COLUMNS, ("Third party", "Details"),
                    ((party.name, _party_details(party)) for party in organisation.third_parties),
                    title="Third parties (recipients, joint controllers, controllers served)")


def _activity(pages: _Pages, activity: Activity, findings: list[Finding]) -> None:
    pages.new_page()
    heading = f"{activity.reference} {activity.name}"
    pages.anchor(_anchor(activity), heading)
    pages.paragraph(heading, H1, after=2)
    pages.paragraph(activity.organisation, BODY, after=6)
    note = STATUS_NOTES.get(activity.status, "")
    pages.box(f"Status: {_label(ActivityStatus, activity.status).upper()}"
              + (f" ({note})" if note else "") + f" | {_findings_line(findings)}",
              STATUS_FILLS.get(activity.status, STATUS_FILLS[ActivityStatus.RETIRED]))
    pages.table(RECORD_COLUMNS, RECORD_HEADER, table_rows(ACTIVITY_ROWS, activity),
                title="Record")
    if findings:
        pages.table(FINDING_COLUMNS, FINDING_HEADER,
                    ((f.code, _label(Severity, f.severity), f.message) for f in findings),
                    title="Open findings")
    else:
        pages.paragraph("Open findings: none.", H2, before=2)


def render_pdf(register: Register) -> bytes:
    """The register as a PDF for signing off."""
    token = _DOCUMENT_LABELS.set({})
    try:
        return _render(register)
    finally:
        _DOCUMENT_LABELS.reset(token)


def _render(register: Register) -> bytes:
    register = dataclasses.replace(register, organisations=list(register.organisations))
    # The findings of the day of the register's moment (an instant is read in its day).
    today = register.as_of or timezone.localdate()
    if isinstance(today, datetime.datetime):
        today = timezone.localdate(today)
    findings = {a.id: activity_findings(a, today=today) for a in register.activities}
    pages = _Pages(title=TITLE, subject="Register as of " + (
        register.as_of.isoformat() if register.as_of else "the export date"))
    pages.running = TITLE
    _cover(pages, register, findings)
    _contents(pages, register)
    for organisation in register.organisations:
        _organisation(pages, organisation)
        for activity in organisation.activities:
            _activity(pages, activity, findings[activity.id])
    return pages.finish()
