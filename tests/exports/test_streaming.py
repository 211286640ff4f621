"""A whole-register export is written as it is read: a sheet at a time, a row at a time,
from the register read as plain slotted records; the file says the same as before."""

import collections
import datetime
import io
import json
import os
import re
import resource

import openpyxl
import pytest
from pypdf import PdfReader

from processing import services
from processing.exports import jsonld, jsonld_graph, pdf
from processing.exports.cells import Sheet, render_xlsx
from processing.exports.pdf.pages import Pages
from processing.exports.registry import export_register
from processing.imports import import_workbook
from processing.models import ProcessingActivity
from processing.register import read_register
from tests.exports.helpers import flush_register, xlsx_cells
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    basis,
    data_category,
    subject_category,
)


def _book(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def test_each_sheet_is_laid_out_and_its_rows_read_only_when_it_is_written():
    events = []

    def rows(name):
        events.append(f"rows of {name}")
        yield from ([name, n] for n in range(3))

    def sheets():
        for name in ("First", "Second"):
            events.append(f"sheet {name}")
            sheet = Sheet(name)
            sheet.table(["Name", "No."], rows(name))
            yield sheet

    content = render_xlsx(sheets())

    assert events == ["sheet First", "rows of First", "sheet Second", "rows of Second"]
    assert xlsx_cells(content) == {
        name: [("Name", "No."), *((name, n) for n in range(3))] for name in ("First", "Second")
    }


def test_widths_fit_the_longest_line_and_the_header_of_the_first_table_is_frozen():
    sheet = Sheet("Fitted")
    sheet.row(["A title much longer than any column should be, left out of the widths"], "title")
    sheet.blank()
    sheet.row(["Label", "value"], "label")
    sheet.table(["Short", "Lines", "Long", "Fixed", "Empty"],
                iter([["a", "x" * 5 + "\n" + "y" * 30, "z" * 200, "w" * 40, ""],
                      [None, "x" * 12, "z", "w", None]]))
    sheet.table(["Second table"], [["not frozen"]])
    sheet.widths = {3: 25.0}

    ws = _book(render_xlsx([sheet]))["Fitted"]

    # Excel stores widths with a little cell padding: compare whole characters.
    widths = [int(ws.column_dimensions[c].width) for c in "ABCDE"]
    assert widths == [14, 32, 60, 25, 10]  # "Second table" is the longest of column A
    assert ws.freeze_panes == "A5"
    assert ws["A3"].font.b and not ws["B3"].font.b
    assert ws["B4"].font.b and ws["E4"].font.b  # header cells, blank ones included
    assert ws["A1"].font.sz == 14


def test_written_sheets_do_not_keep_a_file_open_each():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    in_use = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 64
    limit = in_use + 40
    if soft != resource.RLIM_INFINITY and soft < limit:
        pytest.skip("the open-file limit is already lower than this test needs")
    sheets = []
    for n in range(150):
        sheet = Sheet(f"Fiche {n}")
        sheet.table(["N°"], [[str(n)]])
        sheets.append(sheet)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    try:
        content = render_xlsx(sheets)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    cells = xlsx_cells(content)
    assert len(cells) == 150 and cells["Fiche 149"] == [("N°",), ("149",)]


@pytest.mark.django_db
def test_the_register_is_read_as_slotted_records_in_the_order_the_layouts_show(rich_register):
    marketing = ProcessingActivity.objects.get(reference="PA-001")
    # Purposes are numbered by their position, not by when they were recorded.
    services.purpose_add(activity=marketing, description="Recorded last, shown first", position=0)
    services.lawful_basis_add(activity=marketing, basis=basis("A6-1-b"),
                              purposes=list(marketing.purposes.all()))

    register = read_register()

    activity = next(a for a in register.activities if a.reference == "PA-001")
    assert not hasattr(activity, "__dict__")
    assert not hasattr(next(iter(register.organisations)), "__dict__")
    assert [p.description for p in activity.purposes] == [
        "Recorded last, shown first", "Send newsletters", "Measure campaign results"]
    assert [b.basis.code for b in activity.lawful_bases] == ["A6-1-a", "A6-1-b", "A6-1-f"]
    assert [[p.number for p in b.purposes] for b in activity.lawful_bases] == [[2], [1, 2, 3], []]
    assert [c.name for c in activity.data_categories] == sorted(
        c.name for c in activity.data_categories)
    assert [(r.third_party.name if r.third_party else r.category.code)
            for r in activity.recipients] == ["Salesforce", "crm-provider"]


@pytest.mark.django_db
def test_text_comes_back_as_typed_through_the_streamed_workbook(rich_register):
    typed = ("  =1+1 leading spaces\n\ttab, ünïcødé, 中文 & <tags>, _x0041_ and x005F_ "
             "as typed, trailing  ")
    activity = ActivityFactory(organisation=rich_register, reference="PA-900", description=typed,
                               name="+44 looks like a formula")
    activity.data_subjects.set([subject_category("customers")])
    activity.data_categories.set([data_category("identity")])
    first, _ = export_register("workbook")
    flush_register()

    import_workbook(first, "register.xlsx")

    again = ProcessingActivity.objects.get(reference="PA-900")
    assert (again.description, again.name) == (typed, "+44 looks like a formula")
    assert xlsx_cells(export_register("workbook")[0]) == xlsx_cells(first)


def _blank_nodes_named_alike(text: str) -> str:
    return re.sub(r"_:N[0-9a-f]{32}", "_:b", text)


def _canonical(value):
    """A JSON-LD document with its lists sorted: rdflib writes nodes in set order."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", [0, 1, 2])
def test_jsonld_written_an_organisation_at_a_time_is_the_document_of_the_whole_graph(
        organisations, rich_register):
    if organisations == 0:
        flush_register()
    elif organisations == 2:
        OrganisationFactory(name="Bare Organisation")  # a graph of one node
    register = read_register(include_retired=False)
    assert len(register.organisations) == organisations
    whole = jsonld._graph()
    for org in register.organisations:
        jsonld._organisation(whole, org)
    expected = whole.serialize(format="json-ld", context=jsonld.CONTEXT, indent=2)

    written = jsonld.render_jsonld(register).decode()

    expected, written = _blank_nodes_named_alike(expected), _blank_nodes_named_alike(written)
    assert len(written) == len(expected)
    assert collections.Counter(written.splitlines()) == collections.Counter(expected.splitlines())
    assert _canonical(json.loads(written)) == _canonical(json.loads(expected))


@pytest.mark.django_db
def test_jsonld_of_a_register_of_one_node_is_that_node():
    OrganisationFactory(name="Alone")
    register = read_register()
    whole = jsonld._graph()
    jsonld._organisation(whole, next(iter(register.organisations)))

    written = jsonld.render_jsonld(register).decode()

    assert written == whole.serialize(format="json-ld", context=jsonld.CONTEXT, indent=2)
    assert json.loads(written)["@id"] == "urn:ropa:Alone"


@pytest.mark.django_db
def test_pdf_pages_go_to_the_file_as_each_is_done(rich_register, monkeypatch):
    for n in range(12):
        ActivityFactory(organisation=rich_register, reference=f"PA-1{n:02d}",
                        description="A long description. " * (20 * n))
    register = read_register(include_retired=False)
    written = []
    end_page = Pages._end_page

    def recorded(pages):
        end_page(pages)
        written.append(pages.file.position)
        assert pages.operators == []  # only the page being laid out is held

    monkeypatch.setattr(Pages, "_end_page", recorded)
    content = pdf.render_pdf(register)

    reader = PdfReader(io.BytesIO(content))
    assert len(written) == len(reader.pages) >= 1 + 1 + 1 + 15
    assert written == sorted(written) and len(set(written)) == len(written)


def _the_same_triples_by_rdflib(register) -> str:
    whole = jsonld._graph()
    for org in register.organisations:
        jsonld._organisation(whole, org)
    return whole.serialize(format="json-ld", context=jsonld.CONTEXT, indent=2)


@pytest.mark.django_db
def test_jsonld_written_out_is_the_graph_rdflib_writes_for_a_generated_register():
    from django.core.management import call_command
    from rdflib import Graph
    from rdflib.compare import isomorphic

    call_command("generate_register", activities=40, organisations=3, third_parties=12,
                 stdout=io.StringIO())
    register = read_register(include_retired=False)
    expected = _the_same_triples_by_rdflib(register)

    written = jsonld.render_jsonld(register).decode()

    ours, theirs = (Graph().parse(data=text, format="json-ld") for text in (written, expected))
    assert len(ours) == len(theirs) > 40 * 20
    assert isomorphic(ours, theirs)
    assert _canonical(json.loads(_blank_nodes_named_alike(written))) == _canonical(
        json.loads(_blank_nodes_named_alike(expected)))


def test_jsonld_written_out_writes_each_kind_of_value_as_rdflib_does():
    """Values alone and several, repeated triples, yes and no, numbers, dates, typed and
    tagged literals, blank nodes and IRIs with and without a prefix of the context."""
    import datetime
    from decimal import Decimal

    from rdflib import Graph
    from rdflib.compare import isomorphic

    def triples(graph):
        node, other, blank = jsonld._name("Org", "x"), jsonld_graph.DPV.Thing, jsonld_graph.BNode()
        for value in ("text", "text", True, False, 0, 7, 1.5, Decimal("2.50"),
                      datetime.date(2024, 2, 29), "ünïcødé \"quoted\"\n\t<&>"):
            graph.add((node, jsonld_graph.ROPA.value, jsonld_graph.Literal(value)))
        graph.add((node, jsonld_graph.ROPA.alone, jsonld_graph.Literal(False)))
        graph.add((node, jsonld_graph.RDF.type, jsonld_graph.DPV.Process))
        graph.add((node, jsonld_graph.RDF.type, jsonld_graph.DPV.Process))
        graph.add((node, jsonld_graph.DCTERMS.date,
                   jsonld_graph.Literal("2024-02-29", datatype=jsonld_graph.XSD.date)))
        graph.add((node, jsonld_graph.DPV.hasDuration,
                   jsonld_graph.Literal("P7Y", datatype=jsonld_graph.XSD.string)))
        graph.add((node, jsonld_graph.SKOS.prefLabel, jsonld_graph.Literal("registre", lang="fr")))
        graph.add((node, jsonld_graph.DPV.hasProcess, blank))
        graph.add((blank, jsonld_graph.RDF.type, other))
        graph.add((blank, jsonld_graph.DPV.hasRecipient, jsonld_graph.URIRef("https://example.org/a b")))
        graph.add((node, jsonld_graph.DPV.hasRecipient, node))

    ours = jsonld_graph.Graph()
    triples(ours)
    theirs = jsonld._graph()
    triples(theirs)
    expected = theirs.serialize(format="json-ld", context=jsonld.CONTEXT, indent=2)
    written = f'{{"@context": {json.dumps(jsonld.CONTEXT)}, "@graph": [\n{ours.written("    ")}\n]}}'

    assert _canonical(json.loads(_blank_nodes_named_alike(written))) == _canonical(
        json.loads(_blank_nodes_named_alike(expected)))
    assert isomorphic(Graph().parse(data=written, format="json-ld"),
                      Graph().parse(data=expected, format="json-ld"))


def test_each_ods_sheet_is_laid_out_and_its_rows_read_only_when_it_is_written():
    from processing.exports.opendocument import render_ods
    from processing.imports.readers import read_ods

    events = []

    def rows(name):
        events.append(f"rows of {name}")
        for n in range(3):
            events.append(f"row {n} of {name}")
            yield [name, n]

    def sheets():
        for name in ("First", "Second"):
            events.append(f"sheet {name}")
            sheet = Sheet(name)
            sheet.table(["Name", "No."], rows(name))
            yield sheet

    content = render_ods(sheets())

    assert events == [event for name in ("First", "Second") for event in (
        f"sheet {name}", f"rows of {name}", *(f"row {n} of {name}" for n in range(3)))]
    assert [(s.name, s.headings, [row for _, row in s.rows]) for s in read_ods(content)] == [
        (name, ["Name", "No."], [{"Name": name, "No.": str(n)} for n in range(3)])
        for name in ("First", "Second")]


#: Text whose spaces, tabs and lines an ODF reader collapses unless they are written out.
ODS_TEXT = ["  two leading spaces", "trailing space ", "a  b   c", "tab\there",
            "line 1\nline 2\n\n line 4", "=1+1 & <b>", "-", "ünïcødé 中文 x005F_"]


def test_ods_text_is_written_as_odf_keeps_spaces_tabs_and_lines():
    from processing.exports.opendocument import paragraphs

    assert paragraphs("  a  b") == '<text:p><text:s text:c="2"/>a <text:s/>b</text:p>'
    assert paragraphs("a \tb\nc ") == "<text:p>a <text:tab/>b</text:p><text:p>c<text:s/></text:p>"
    assert paragraphs("x <&> y") == "<text:p>x &lt;&amp;&gt; y</text:p>"
    assert paragraphs("plain text") == "<text:p>plain text</text:p>"


def test_ods_text_reads_back_as_typed_by_the_import_and_by_odfpy():
    from odf import opendocument, table, teletype, text

    from processing.exports.opendocument import render_ods
    from processing.imports.readers import read_ods

    sheet = Sheet("Text")
    sheet.table(["Value"], [[value] for value in ODS_TEXT])
    content = render_ods([sheet])

    [read] = read_ods(content)
    assert [row["Value"] for _, row in read.rows] == ODS_TEXT

    document = opendocument.load(io.BytesIO(content))
    cells = document.spreadsheet.getElementsByType(table.TableCell)[1:]
    shown = ["\n".join(teletype.extractText(p) for p in cell.getElementsByType(text.P))
             for cell in cells]
    # As a spreadsheet shows the cells: formula-like text behind its leading quote.
    assert shown == [("'" + v if v[:1] in "=-" else v) for v in ODS_TEXT]


def _json_document(register) -> bytes:
    """The JSON workbook as one json.dumps of the whole document."""
    from processing.exports.workbook import SHEETS, sheet_rows

    def plain(value):
        return value.isoformat() if isinstance(value, datetime.date) else value

    return json.dumps({
        "format": "ropa-workbook", "version": 1,
        "as_of": register.as_of.isoformat() if register.as_of else None,
        "sheets": {spec.name: [{c.heading: plain(row.get(c.key)) for c in spec.columns}
                               for row in sheet_rows(register, spec)] for spec in SHEETS},
    }, ensure_ascii=False, indent=2).encode()


@pytest.mark.django_db
@pytest.mark.parametrize("as_of", [None, "today"])
def test_the_json_workbook_written_a_row_at_a_time_is_the_whole_documents_json(
        rich_register, as_of):
    from processing.exports.workbook import render_workbook_json

    ActivityFactory(organisation=rich_register, reference="PA-901",
                    description='"Quoted", back\\slash, tab\t, line\nbreak, \u2028, 中文')
    OrganisationFactory(name="Empty Organisation")
    when = datetime.datetime.now(datetime.UTC) if as_of else None
    register = read_register(as_of=when)

    written = render_workbook_json(register)

    assert written == _json_document(register)
    assert json.loads(written)["sheets"]["Activities"]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "ods", "json", "workbook"])
def test_the_command_writes_the_file_the_export_makes(rich_register, tmp_path, fmt):
    from django.core.management import call_command

    from tests.exports.helpers import workbook_content

    target = tmp_path / f"register.{fmt}"
    call_command("export_register", "--format", fmt, "-o", str(target), stderr=io.StringIO())

    assert workbook_content(target.read_bytes(), fmt) == workbook_content(
        export_register(fmt)[0], fmt)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "ods", "json", "workbook"])
def test_an_export_that_fails_midway_leaves_no_file_and_the_old_one_as_it_was(
        rich_register, tmp_path, monkeypatch, fmt):
    from django.core.management import call_command

    from processing.exports import workbook

    target = tmp_path / f"register.{fmt}"
    target.write_bytes(b"the export of yesterday")
    rows = workbook.organisation_rows

    def failing(org, spec):
        if spec.name == "Purposes":
            raise RuntimeError("the database went away")
        return rows(org, spec)

    monkeypatch.setattr(workbook, "organisation_rows", failing)
    with pytest.raises(RuntimeError, match="went away"):
        call_command("export_register", "--format", fmt, "-o", str(target),
                     stderr=io.StringIO())

    assert target.read_bytes() == b"the export of yesterday"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.django_db
def test_a_jsonld_export_that_fails_after_its_first_organisation_leaves_no_file(
        rich_register, tmp_path, monkeypatch):
    from django.core.management import call_command

    OrganisationFactory(name="Zeta Organisation")  # written after the rich register's
    target = tmp_path / "register.jsonld"
    target.write_bytes(b"the export of yesterday")
    organisation, written = jsonld._organisation, []

    def failing(graph, org):
        if written:
            raise RuntimeError("the database went away")
        written.append(org.name)
        organisation(graph, org)

    monkeypatch.setattr(jsonld, "_organisation", failing)
    with pytest.raises(RuntimeError, match="went away"):
        call_command("export_register", "--format", "jsonld", "-o", str(target),
                     stderr=io.StringIO())

    assert written == [rich_register.name]
    assert target.read_bytes() == b"the export of yesterday"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
