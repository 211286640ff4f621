"""The PDF for signing off, read back with pypdf: every value the register holds, each
record's status and open findings, page numbers, the contents and tables that never
leave a header alone."""

import collections
import dataclasses
import datetime
import gc
import io
import re

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from entities import services as entity_services
from processing import services
from processing.exports import pdf
from processing.exports.pdf import document, drawing, rows
from processing.exports.pdf.file import File
from processing.exports.pdf.pages import Pages, RegisterChanged
from processing.exports.registry import export_register
from processing.findings import activity_findings
from processing.models import ProcessingActivity
from processing.reference.french import article_in_french
from processing.register import read_register, wording
from processing.register.records import Activity, Register
from processing.synthetic import generate_register
from tests.factories import basis, data_category, subject_category

pytestmark = pytest.mark.django_db


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _flat(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces (a value wrapped
    over lines reads as one)."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def signed_off(rich_register):
    """The rich register, with a parent group, a consent with notes, a retention rule with
    both a period and criteria, a named recipient and a record in review."""
    group = entity_services.organisation_create(name="Mondago Holdings plc", jurisdiction="uk")
    rich_register.parent = group
    rich_register.save()
    entity_services.contact_create(organisation=rich_register, role="privacy",
                                   name="Priya Privacy", email="privacy-team@mondago.com")
    marketing = ProcessingActivity.objects.get(reference="PA-001")
    consent = marketing.lawful_bases.get(basis__code="A6-1-a")
    consent.notes = "Consent collected on the trade-show badge scanner"
    consent.save()
    services.retention_rule_add(activity=marketing, period="P10Y", trigger="end_of_contract",
                                criteria="+ legal requirements", deletion_method="anonymisation")
    review = services.activity_create(
        organisation=rich_register, reference="PA-005", name="Customer satisfaction survey",
        status="in_review", role="controller", data_subjects=[subject_category("customers")],
        data_categories=[data_category("contact")])
    services.purpose_add(activity=review, description="Ask customers how we did")
    services.lawful_basis_add(activity=review, basis=basis("A6-1-f"))
    return rich_register


@pytest.fixture
def pages(signed_off):
    content, layout = export_register("pdf")
    assert content.startswith(b"%PDF-") and layout.extension == "pdf"
    return _pages(content)


def _section(pages: list[str], heading: str) -> str:
    """The text of the pages of the section that starts with ``heading``."""
    start = next(i for i, text in enumerate(pages) if heading in text)
    end = next((i for i in range(start + 1, len(pages))
                if re.search(r"^PA-\d{3} ", pages[i], re.M) or "Contents" in pages[i]), len(pages))
    return _flat("\n".join(pages[start:end]))


def test_every_page_is_numbered_page_x_of_y(pages):
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"Page {number} of\s*{total}\b", text), (number, text[-80:])


def test_contents_lists_organisation_then_reference_name_and_the_page_it_starts_on(pages):
    contents = pages[1]
    assert "Contents" in contents
    lines = contents.splitlines()
    assert lines.index("Mondago Limited") < lines.index("PA-001")
    for reference, name in (("PA-001", "Joint marketing with Akixi"),
                            ("PA-002", "Occupational health"),
                            ("PA-003", "Hosted support for clients"),
                            ("PA-005", "Customer satisfaction survey")):
        at = lines.index(reference)
        assert lines[at + 1] == name
        page = int(lines[at + 2])
        assert pages[page - 1].startswith(f"{reference} {name}"), (reference, page)
    organisation_page = int(lines[lines.index("Mondago Limited") + 1])
    assert "Legal name" in pages[organisation_page - 1]
    assert "Old payroll" not in contents  # retired: not in force, not signed off


def test_each_record_states_its_status_and_lists_its_open_findings(pages):
    draft = _section(pages, "PA-002 Occupational health")
    assert "Status: DRAFT (not submitted for review)" in draft
    in_review = _section(pages, "PA-005 Customer satisfaction survey")
    assert "Status: IN REVIEW (awaiting approval)" in in_review
    assert "Status: ACTIVE (approved and in force)" in _section(pages, "PA-003 Hosted support")

    record = ProcessingActivity.objects.get(reference="PA-005")
    found = activity_findings(record)
    assert found, "the record in review has open findings"
    assert "Open findings" in in_review and "What to fix" in in_review
    for finding in found:
        assert f"{finding.code} {finding.severity} {_flat(finding.message)}" in in_review
    assert f"{len(found)} open finding" in in_review


def test_the_organisation_page_holds_the_group_and_every_contact_with_its_role(pages):
    text = _flat("\n".join(pages))
    assert "Parent group Mondago Holdings plc" in text
    assert "Data Protection Officer Dana Officer" in text
    assert "Representative (Art 27) EU Rep GmbH" in text
    assert "Privacy / data protection contact Priya Privacy" in text
    assert "Supervisory authority registration ZA073957" in text


def test_every_value_of_the_record_reaches_the_pdf(pages):
    marketing = _section(pages, "PA-001 Joint marketing with Akixi")
    for value in (
        # lawful bases with their details
        "Art 6(1)(f) – Legitimate interests",
        "Legitimate interest pursued: Direct marketing to business contacts",
        "Legitimate interests assessment: https://intranet.example.com/lia/1",
        "Limited to data: Identity data",
        "Consent record: https://consent.example.com/records",
        "Notes: Consent collected on the trade-show badge scanner",
        "Limited to purposes: 1. Send newsletters",
        # recipients by name, kind and category; the category alone where no name
        "Salesforce (processor; CRM providers; United States)", "Data: Contact details",
        "Purpose: CRM hosting",
        "CRM providers (recipient category)",
        # joint controller and transfers in full
        "Akixi Limited", "privacy@akixi.com",
        "United States Importer: Salesforce",
        "Safeguards: SCCs module 2 with UK Addendum",
        "Safeguard documents: https://contracts.example.com/scc",
        # retention: the period with its criteria, deletion method
        "10 years after", "+ legal requirements", "Deletion: anonymisation",
        "Until consent is withdrawn",
        # the rest of the record
        "Trade shows", "Lead scoring", "Salesforce EU org", "+ MFA for all staff",
        "https://intranet.example.com/retention", "2025-01-10", "2026-01-10",
    ):
        assert _flat(value) in marketing, value
    assert re.search(r"10 years after [^;]+; \+ legal requirements", marketing)

    hr = _section(pages, "PA-002 Occupational health")
    assert "Legal provision: Employment Rights Act 1996" in hr
    assert "Recipients None" in hr
    assert "Legacy paper files" in hr and "https://intranet.example.com/breach/3" in hr

    support = _section(pages, "PA-003 Hosted support for clients")
    assert "=Client Corp" in support  # controller served, shown as typed
    assert "Zendesk Inc (processor; Helpdesk" in support


def test_a_table_split_across_pages_repeats_its_header_and_never_leaves_it_alone(signed_off):
    marketing = ProcessingActivity.objects.get(reference="PA-001")
    for n in range(60):
        services.purpose_add(activity=marketing, description=f"Purpose number {n} " + "x " * 40)
    pages = _pages(export_register("pdf")[0])
    start = next(i for i, t in enumerate(pages) if t.startswith("PA-001 Joint marketing"))
    following = [t for t in pages[start + 1:] if not re.search(r"^PA-\d{3} ", t, re.M)]
    assert following, "the record continues on the next page"
    for text in following[:1]:
        lines = text.splitlines()
        assert lines[0] == "Record (continued)" and lines[1:3] == ["Item", "Recorded"]
        assert lines[3] not in ("", "Item")  # a row comes under the repeated header
    for text in pages:  # a header row is always followed by a row
        lines = text.splitlines()
        for at, line in enumerate(lines[:-1]):
            if line == "Item" and lines[at + 1] == "Recorded":
                assert at + 2 < len(lines) and not lines[at + 2].startswith("Page ")


def test_a_row_taller_than_a_page_is_split_and_its_text_kept(signed_off):
    marketing = ProcessingActivity.objects.get(reference="PA-001")
    marketing.description = "\n".join(f"Line {n} of a long description" for n in range(150))
    marketing.save()
    text = "\n".join(_pages(export_register("pdf")[0]))
    for n in (0, 75, 149):
        assert f"Line {n} of a long description" in text


def test_text_outside_the_fonts_encoding_is_drawn_as_its_base_letter():
    assert drawing.drawable("Łódź café – Straße") == "?ódz café – Straße"
    assert drawing.drawable("tab\there\x00") == "tab here"


def test_text_of_any_script_is_drawn_and_the_outline_keeps_it_as_typed(rich_register):
    services.activity_create(organisation=rich_register, reference="PA-006",
                             name="Zażółć gęślą jaźń 東京 (ok)", status="active",
                             description="Emoji 🙂 and a backslash \\ and (brackets)")
    content = export_register("pdf")[0]
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "PA-006 Zazó?c gesla jazn ?? (ok)" in text  # a letter with a base is drawn as it
    assert "Emoji ? and a backslash \\ and (brackets)" in text
    organisation, activities = reader.outline  # the outline: the organisation, its activities
    assert organisation["/Title"] == "Mondago Limited"
    titles = [item["/Title"] for item in activities]
    assert "PA-006 Zażółć gęślą jaźń 東京 (ok)" in titles


def test_long_words_are_cut_to_fit_the_column():
    measure = drawing.Measure(drawing.REGULAR)
    link = "https://example.com/" + "a" * 300
    lines = measure.wrap(link, 9, 100)
    assert "".join(lines) == link and len(lines) > 1
    assert all(measure.width(line, 9) <= 100 for line in lines)


def test_a_row_drawn_from_values_laid_out_once_is_the_row_drawn_from_its_lines():
    """The table's values are laid out once per distinct value (``Cells``) and its rows'
    graphics and coordinates formatted once: the operators are those drawn from the
    lines each time."""
    pages = Pages(File(io.BytesIO()), title="t", subject="s", places=[])
    pages.new_page()
    grid = document.RECORD_COLUMNS
    values = [("Purposes", "1. Send newsletters\n2. Measure (campaign) results – «ok» \\"),
              ("Link", "https://example.com/" + "a" * 300), ("Purposes", "Ł\tx")]
    for _time in range(2):  # the second time from what was laid out
        for label, value in values:
            top = pages.y
            cells = [cell(v) for cell, v in zip(pages._cells(grid), (label, value), strict=True)]
            lines = [pages.wrap(drawing.drawable(v), c.style, c.width - 2 * drawing.PAD)
                     for v, c in zip((label, value), grid.columns, strict=True)]
            assert [c[0] for c in cells] == lines
            height = pages._row_height(lines)
            start = len(pages.operators)
            pages._draw_row(cells, height, grid, header=False)
            assert pages.operators[start:] == [
                grid.graphics[False].format(low=f"{top - height:.2f}", high=f"{top:.2f}",
                                            tall=f"{height:.2f}"),
                *(drawing.text_operators(cell, column.style, x, top - drawing.PAD)
                  for cell, column, x in zip(lines, grid.columns, grid.lefts, strict=True))]
            assert pages.y == top - height


def test_the_document_is_made_in_the_language_active_when_it_starts(signed_off):
    term = read_register(include_retired=False).activities[0].lawful_bases[0].basis
    with translation.override("fr"), rows.document_labels():
        assert wording.in_french()
        assert term.label == f"{article_in_french(term.article)} – {term.name_fr or term.name}"
    with translation.override("en"), rows.document_labels():
        assert not wording.in_french()
        assert term.label == f"{term.article} – {term.name}"


def test_the_collector_is_left_as_it_was_found(signed_off):
    """While the document is made, what was alive before is frozen out of the garbage
    collector's passes; afterwards it is unfrozen, unless the process had frozen it."""
    register = read_register(include_retired=False)
    # A process that imported ropa.wsgi (another test may have) froze its start-up objects.
    frozen_by_the_process = gc.get_freeze_count() > 0
    gc.unfreeze()
    try:
        pdf.render_pdf(register)
        assert gc.get_freeze_count() == 0
        gc.freeze()
        frozen = gc.get_freeze_count()
        pdf.render_pdf(register)
        # Nothing more frozen (some frozen objects were freed), and nothing unfrozen.
        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
        if frozen_by_the_process:
            gc.freeze()


def test_as_of_pdf_states_the_date_and_reads_the_past(signed_off):
    content, _layout = export_register("pdf", as_of=datetime.date.today())
    cover = _pages(content)[0]
    assert f"Register as of: {datetime.date.today().isoformat()}" in cover


def test_the_row_lists_are_the_one_place_a_field_is_added(signed_off, monkeypatch):
    monkeypatch.setattr(rows, "ACTIVITY_ROWS", [*rows.ACTIVITY_ROWS,
                                                rows.Row("Added field", lambda a: f"<{a.reference}>")])
    text = "\n".join(_pages(pdf.render_pdf(read_register(include_retired=False))))
    assert "Added field" in text and "<PA-003>" in text


def test_an_empty_register_is_a_cover_and_an_empty_contents():
    content = pdf.render_pdf(read_register())
    pages = _pages(content)
    assert len(pages) == 2
    assert "Activities: 0" in pages[0] and "Contents" in pages[1]
    assert re.search(r"Page 2 of\s*2", pages[1])


class _Watched:
    """A register's organisations, as the reader gives them, watched as the PDF reads
    them: how often they are iterated, and at each organisation the activities alive and
    the bytes of the file already written."""

    def __init__(self, organisations, out):
        self.organisations, self.out = organisations, out
        self.iterations, self.seen = 0, []

    def __len__(self):
        return len(self.organisations)

    def outline(self):
        return self.organisations.outline()

    def __iter__(self):
        self.iterations += 1
        for organisation in self.organisations:
            gc.collect()
            alive = sum(1 for o in gc.get_objects() if type(o) is Activity)
            self.seen.append((len(organisation.activities), alive, self.out.tell()))
            yield organisation
            del organisation


def test_the_organisations_are_read_once_and_nothing_of_an_earlier_one_is_held():
    generate_register(activities=30, organisations=3, third_parties=9, seed=3)
    register = read_register(include_retired=False, batch_activities=1)  # one per batch
    out = io.BytesIO()
    watched = _Watched(register.organisations, out)

    pdf.write_pdf(dataclasses.replace(register, organisations=watched), out)

    assert watched.iterations == 1 and len(watched.seen) == 3
    for activities, alive, _written in watched.seen:
        assert activities and alive == activities  # the organisation read, no earlier one
    written = [w for _a, _alive, w in watched.seen]
    assert 0 < written[0] < written[1] < written[2] < len(out.getvalue())  # page by page

    pages = _pages(out.getvalue())
    contents = _flat(pages[1])
    every = list(read_register(include_retired=False).activities)
    for activity in every:  # the contents list every activity before any was read
        assert f"{activity.reference} {activity.name}" in contents


def test_the_cover_counts_the_findings_of_every_activity_drawn_after_it():
    generate_register(activities=30, organisations=3, third_parties=9, seed=3)
    found = collections.Counter(f.severity for a in read_register(include_retired=False)
                                .activities for f in activity_findings(a))
    assert found.total() > 30

    cover = _pages(export_register("pdf")[0])[0]

    counted = re.search(r"Findings: (\d+) open findings \((.+)\)", cover)
    assert counted, cover
    assert int(counted[1]) == found.total()
    shown = {label.rstrip("s"): int(n) for n, label in
             (part.split(" ") for part in counted[2].split(", "))}
    assert shown == dict(found)
    assert f"Activities: {len(read_register(include_retired=False).activities)}" in cover


def test_a_register_that_changed_since_its_outline_is_refused_not_misnumbered(rich_register):
    organisations = list(read_register(include_retired=False).organisations)
    outline = Register(organisations=organisations, generated_at=timezone.now()).outline()
    organisations[0].activities.pop()  # an activity the outline lists is gone

    class Outlined(list):
        def outline(self):
            return outline

    register = Register(organisations=Outlined(organisations), generated_at=timezone.now())
    with pytest.raises(RegisterChanged, match=r"The register changed while the PDF was made"):
        pdf.render_pdf(register)


def test_the_command_writes_the_pdf_to_its_file_as_it_is_made(signed_off, tmp_path):
    from django.core.management import call_command

    call_command("export_register", "--format", "pdf", "-o", str(tmp_path / "register.pdf"),
                 stderr=io.StringIO())

    def without_date(pages):
        return [re.sub(r"Export date: [^\n]*", "", text) for text in pages]

    written = without_date(_pages((tmp_path / "register.pdf").read_bytes()))
    assert written == without_date(_pages(export_register("pdf")[0]))
    assert len(written) > 4 and "PA-005 Customer satisfaction survey" in "\n".join(written)
