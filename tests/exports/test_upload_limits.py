"""Uploads that claim far more than they weigh are refused from a first pass over the
stream, before any row is kept: the refusal names the limit and the value seen, and
nothing is written."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from entities.models import Organisation
from processing.imports import ImportFailed, import_workbook, readers
from processing.models import ProcessingActivity

ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
XLSX_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _zip(entries: dict[str, str | bytes], first_stored: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first_stored:
            archive.writestr(first_stored, entries.pop(first_stored), zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ods(rows_xml: str, sheet: str = "Organisations") -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}>'
               f'<office:body><office:spreadsheet><table:table table:name="{sheet}">'
               f'{rows_xml}</table:table></office:spreadsheet></office:body>'
               f'</office:document-content>')
    return _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                 "content.xml": content}, first_stored="mimetype")


def text_cell(value: str, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (f'<table:table-cell office:value-type="string"{repeated}>'
            f"<text:p>{value}</text:p></table:table-cell>")


def xlsx(sheet_xml: str, dimension: str = "A1:B2") -> bytes:
    return _zip({
        "[Content_Types].xml":
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels":
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        "xl/workbook.xml": f'<workbook {XLSX_NS} {REL_NS}><sheets>'
                           f'<sheet name="Organisations" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet {XLSX_NS}><dimension ref="{dimension}"/>'
                                    f"<sheetData>{sheet_xml}</sheetData></worksheet>",
    })


def xlsx_row(number: int, *cells: tuple[str, str]) -> str:
    inner = "".join(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
                    for ref, value in cells)
    return f'<row r="{number}">{inner}</row>'


def refused(data: bytes, filename: str) -> str:
    with pytest.raises(ImportFailed) as failure:
        import_workbook(data, filename)
    assert not Organisation.objects.exists()
    assert not ProcessingActivity.objects.exists()
    return str(failure.value)


@pytest.fixture
def nothing_built(monkeypatch):
    """Fails the test if a cell value is read: the refusal must come from the count."""
    def built(*args, **kwargs):
        raise AssertionError("a cell was read before the rows were counted")

    monkeypatch.setattr(readers, "_ods_value", built)
    monkeypatch.setattr(readers, "_cell", built)


# --- ods ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_ods_row_repeated_a_million_times_is_refused_from_the_count(nothing_built):
    bomb = ods(f"<table:table-row>{text_cell('Name')}</table:table-row>"
               f'<table:table-row table:number-rows-repeated="1000000">{text_cell("Acme")}'
               "</table:table-row>")
    assert len(bomb) < 1000

    message = refused(bomb, "register.ods")

    assert "Sheet 'Organisations' has 1,000,000 rows or more; the limit is 50,000 rows." in message


@pytest.mark.django_db
def test_an_ods_of_many_small_rows_is_refused_once_past_the_limit(nothing_built):
    rows = "".join(f"<table:table-row>{text_cell(f'Org {i}')}</table:table-row>"
                   for i in range(60_000))
    data = ods(f"<table:table-row>{text_cell('Name')}</table:table-row>{rows}")
    assert len(data) < readers.MAX_BYTES

    assert "has 50,001 rows or more; the limit is 50,000 rows" in refused(data, "register.ods")


@pytest.mark.django_db
def test_an_ods_cell_repeated_across_many_columns_is_refused(nothing_built):
    data = ods(f"<table:table-row>{text_cell('Name')}</table:table-row>"
               f"<table:table-row>{text_cell('x', repeat=16384)}</table:table-row>")

    message = refused(data, "register.ods")

    assert "Sheet 'Organisations', row 2, has 16,384 columns or more; the limit is 500" in message


def test_an_ods_as_a_spreadsheet_saves_it_reads_every_value_in_its_column():
    """Empty cells inside a row keep the columns in place; the thousands of empty rows and
    columns a spreadsheet writes after the last used one are skipped, not expanded."""
    empty = '<table:table-cell table:number-columns-repeated="2"/>'
    data = ods(
        f"<table:table-row>{text_cell('Name')}{text_cell('Website')}{text_cell('VAT')}"
        f'{text_cell("Country (ISO)")}<table:table-cell table:number-columns-repeated="16380"/>'
        "</table:table-row>"
        f"<table:table-row>{text_cell('Acme Ltd')}{empty}{text_cell('GB')}"
        '<table:table-cell table:number-columns-repeated="16380"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')

    [sheet] = readers.read_ods(data)

    assert sheet.headings == ["Name", "Website", "VAT", "Country (ISO)"]
    assert sheet.rows == [(2, {"Name": "Acme Ltd", "Website": "", "VAT": "",
                               "Country (ISO)": "GB"})]


def test_ods_cells_keep_their_spaces_lines_and_types():
    data = ods(
        f"<table:table-row>{text_cell('A')}{text_cell('B')}{text_cell('C')}{text_cell('D')}"
        "</table:table-row><table:table-row>"
        '<table:table-cell office:value-type="string"><text:p>two<text:s text:c="2"/>spaces'
        "</text:p><text:p>second line</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="3.5"><text:p>3.50</text:p>'
        "</table:table-cell>"
        '<table:table-cell office:value-type="date" office:date-value="2026-01-31">'
        "<text:p>31/01/26</text:p></table:table-cell>"
        '<table:table-cell office:value-type="boolean" office:boolean-value="true">'
        "<text:p>TRUE</text:p></table:table-cell></table:table-row>")

    [sheet] = readers.read_ods(data)

    assert sheet.rows == [(2, {"A": "two  spaces\nsecond line", "B": "3.5",
                               "C": "2026-01-31", "D": "Yes"})]


@pytest.mark.django_db
def test_an_ods_with_an_entity_is_refused():
    content = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
               f"<office:document-content {ODS_NS}/>")
    data = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                 "content.xml": content}, first_stored="mimetype")

    assert "The file's XML cannot be read" in refused(data, "register.ods")


# --- xlsx ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_xlsx_row_numbered_past_the_limit_is_refused_whatever_its_dimension_says(
        nothing_built):
    bomb = xlsx(xlsx_row(1, ("A1", "Name")) + xlsx_row(1048576, ("A1048576", "Acme")),
                dimension="A1:A2")

    message = refused(bomb, "register.xlsx")

    assert "Sheet 'Organisations' has 1,048,575 rows or more; the limit is 50,000 rows." in message


@pytest.mark.django_db
def test_an_xlsx_cell_far_to_the_right_is_refused(nothing_built):
    bomb = xlsx(xlsx_row(1, ("A1", "Name")) + xlsx_row(2, ("A2", "Acme"), ("XFD2", "x")))

    message = refused(bomb, "register.xlsx")

    assert "Sheet 'Organisations', row 2, has 16,384 columns or more; the limit is 500" in message


def test_an_xlsx_that_declares_a_huge_dimension_is_read_by_what_it_holds():
    data = xlsx(xlsx_row(1, ("A1", "Name"), ("B1", "VAT")) + xlsx_row(2, ("A2", "Acme Ltd")),
                dimension="A1:XFD1048576")

    [sheet] = readers.read_xlsx(data)

    assert sheet.headings == ["Name", "VAT"]
    assert sheet.rows == [(2, {"Name": "Acme Ltd", "VAT": ""})]


# --- zip of csv files ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_csv_of_too_many_rows_is_refused_from_the_count(nothing_built):
    rows = "Name\n" + "".join(f"Organisation {i:06d}\n" for i in range(60_000))
    data = _zip({"Organisations.csv": rows})
    assert len(data) < 1024 * 1024

    message = refused(data, "register.zip")

    assert "Sheet 'Organisations' has 50,001 rows or more; the limit is 50,000 rows." in message


@pytest.mark.django_db
def test_a_csv_record_too_long_is_refused_before_it_is_split(monkeypatch, nothing_built):
    monkeypatch.setattr(readers, "MAX_CSV_RECORD", 1000)
    data = _zip({"Organisations.csv": "Name\n" + "," * 5000 + "\n"})

    message = refused(data, "register.zip")

    assert "holds a record of more than 1,000 characters; the limit is 1,000" in message


@pytest.mark.django_db
def test_a_csv_with_too_many_columns_is_refused(nothing_built):
    data = _zip({"Organisations.csv": "Name\n" + "," * 600 + "\n"})

    message = refused(data, "register.zip")

    assert "Sheet 'Organisations', row 2, has 601 columns or more; the limit is 500" in message


# --- json ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_json_nested_a_hundred_thousand_levels_deep_is_refused_clearly():
    deep = b'{"sheets": {"Organisations": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"

    message = refused(deep, "register.json")

    assert ("The JSON file nests arrays and objects 100,002 levels deep; the limit is 20 "
            "levels.") in message


def test_json_depth_leaves_strings_out():
    text = json.dumps({"sheets": {"A": [{"Name": "[[[[{{{{ \\\" ]]"}]}}).encode()
    assert readers.json_depth(text) == 4


# --- the admin preview --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_preview_refuses_the_row_bomb_on_its_page(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import UserFactory

    configured = settings.STORAGES["imports"]
    settings.STORAGES = {**settings.STORAGES, "imports": {
        **configured, "OPTIONS": {**configured["OPTIONS"], "location": str(tmp_path)}}}
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    bomb = ods(f"<table:table-row>{text_cell('Name')}</table:table-row>"
               f'<table:table-row table:number-rows-repeated="1000000">{text_cell("Acme")}'
               "</table:table-row>")

    response = client.post(reverse("admin:processing_processingactivity_import"),
                           {"workbook": SimpleUploadedFile("register.ods", bomb)}, follow=True)

    assert response.status_code == 200
    assert "1,000,000 rows or more; the limit is 50,000 rows" in response.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_the_streamed_ods_reads_as_the_xlsx_of_the_same_register():
    """Every sheet, heading, row number and cell (empty trailing cells included) of an
    exported register reads the same from its ods as from its xlsx."""
    from processing.exports.registry import export_register
    from tests.factories import complete_activity

    activity = complete_activity(name="Payroll", reference="PA-1")
    ids = [activity.organisation_id]
    ods_sheets = readers.read_ods(export_register("ods", organisation_ids=ids)[0])
    xlsx_sheets = readers.read_xlsx(export_register("workbook", organisation_ids=ids)[0])

    def content(sheets):
        return [(s.name, s.headings, s.rows) for s in sheets]

    assert content(ods_sheets) == content(xlsx_sheets)
    assert sum(len(s.rows) for s in ods_sheets) > 5
