"""The xlsx reader reads each sheet in one pass over its XML: every value typed as openpyxl
types it, the limits counted as the rows are read, and no DTD or entity let through."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from processing.imports import ImportFailed, readers
from tests.exports.test_upload_limits import XLSX_NS, _zip, xlsx, xlsx_row


def _openpyxl_rows(data: bytes) -> list[tuple[int, dict]]:
    """The rows as the reader built on openpyxl's read-only mode gave them (the escapes of
    text kept in the cells undone, as openpyxl leaves them)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = (tuple(unescape(v) if isinstance(v, str) else v for v in row)
            for row in book.worksheets[0].iter_rows(values_only=True))
    headings = readers._headings(next(rows))
    sheet = readers._add_rows(readers.RawSheet("Sheet", headings), enumerate(rows, start=2))
    book.close()
    return sheet.rows


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_every_kind_of_cell_reads_as_openpyxl_reads_it(epoch_1904):
    book = openpyxl.Workbook()  # shared strings and number formats, as a spreadsheet writes
    if epoch_1904:
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Sheet"
    sheet.append(["Text", "Number", "Date", "When", "Flag", "Formula", "Empty", "Escaped"])
    sheet.append(["Line one\nline two", 3, datetime.date(2024, 2, 29),
                  datetime.datetime(2024, 3, 1, 13, 45), True, "=1+1", None, "_x0041_ stays"])
    sheet.append(["  spaced  ", 2.5, datetime.date(1999, 12, 31), None, False, None, None, ""])
    sheet.append([None, None, None, None, None, None, None, None])
    sheet.append(["=danger", 1e20, None, None, None, None, None, "x"])
    sheet["H5"] = "last"
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()

    [read] = readers.read_xlsx(data)

    assert read.headings == ["Text", "Number", "Date", "When", "Flag", "Formula", "Empty",
                             "Escaped"]
    assert read.rows == _openpyxl_rows(data)
    assert read.rows[0] == (2, {"Text": "Line one\nline two", "Number": "3", "Date": "2024-02-29",
                                "When": "2024-03-01T13:45:00", "Flag": "Yes", "Formula": "",
                                "Empty": "", "Escaped": "A stays"})


def test_rich_text_joins_its_runs_and_leaves_phonetic_runs_out():
    strings = (f'<sst {XLSX_NS}><si><t>Name</t></si>'
               '<si><r><t>Acme </t></r><r><rPr><b/></rPr><t>Ltd</t></r>'
               '<rPh sb="0" eb="1"><t>ake</t></rPh></si></sst>')
    data = _with_part(xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                           '<row r="2"><c r="A2" t="s"><v>1</v></c></row>'),
                      "xl/sharedStrings.xml", strings)

    [sheet] = readers.read_xlsx(data)

    assert sheet.rows == [(2, {"Name": "Acme Ltd"})]


def test_the_shared_strings_are_found_where_the_workbook_relationships_say():
    strings = f'<sst {XLSX_NS}><si><t>Name</t></si><si><t>Acme Ltd</t></si></sst>'
    data = _with_part(xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                           '<row r="2"><c r="A2" t="s"><v>1</v></c></row>'),
                      "xl/strings/table.xml", strings)
    data = _with_part(data, "xl/_rels/workbook.xml.rels",
                      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                      'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" '
                      'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                      'worksheet"/><Relationship Id="rId2" Target="strings/table.xml" '
                      'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                      'sharedStrings"/></Relationships>')

    [sheet] = readers.read_xlsx(data)

    assert sheet.rows == [(2, {"Name": "Acme Ltd"})]


def test_text_kept_in_the_cells_has_its_escapes_undone():
    data = xlsx(xlsx_row(1, ("A1", "Name")) + xlsx_row(2, ("A2", "Acme_x000D_ Ltd")))

    [sheet] = readers.read_xlsx(data)

    assert sheet.rows == [(2, {"Name": "Acme\r Ltd"})]


def test_a_cell_without_its_reference_follows_the_one_before():
    data = xlsx('<row><c t="inlineStr"><is><t>Name</t></is></c><c t="inlineStr"><is><t>VAT</t>'
                '</is></c></row><row><c r="B2"><v>7</v></c><c t="b"><v>1</v></c></row>')

    [sheet] = readers.read_xlsx(data)

    assert sheet.headings == ["Name", "VAT"]
    assert sheet.rows == [(2, {"Name": "", "VAT": "7", "__extra__": ["Yes"]})]


def test_a_bad_shared_string_index_is_refused_naming_the_sheet_and_row():
    data = _with_part(xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                           '<row r="2"><c r="A2" t="s"><v>5</v></c></row>'),
                      "xl/sharedStrings.xml", f"<sst {XLSX_NS}><si><t>Name</t></si></sst>")

    with pytest.raises(ImportFailed) as failure:
        readers.read_xlsx(data)

    assert "Sheet 'Organisations', row 2: a cell cannot be read" in str(failure.value)


@pytest.mark.parametrize("declaration", [
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    "<!DOCTYPE worksheet>",
])
def test_a_sheet_with_a_dtd_or_an_entity_is_refused(declaration):
    data = xlsx(xlsx_row(1, ("A1", "Name")) + xlsx_row(2, ("A2", "&b;")))
    data = _with_part(data, "xl/worksheets/sheet1.xml",
                      f'<?xml version="1.0"?>{declaration}<worksheet {XLSX_NS}><sheetData>'
                      f'{xlsx_row(1, ("A1", "Name"))}{xlsx_row(2, ("A2", "x"))}</sheetData>'
                      f'</worksheet>')

    with pytest.raises(ImportFailed) as failure:
        readers.read_xlsx(data)

    assert "The file's XML cannot be read: DTDForbidden" in str(failure.value)


def test_a_sheet_is_refused_at_the_first_row_past_the_limit(monkeypatch):
    monkeypatch.setattr("processing.imports.readers.MAX_ROWS", 3)
    rows = "".join(xlsx_row(n, (f"A{n}", f"v{n}")) for n in range(1, 20_001))
    taken = []
    row_dicts = readers.row_dicts

    def counting(sheet, rows):
        return row_dicts(sheet, (taken.append(number) or (number, values)
                                 for number, values in rows))

    monkeypatch.setattr("processing.imports.xlsx.row_dicts", counting)

    with pytest.raises(ImportFailed) as failure:
        readers.read_xlsx(xlsx(rows))

    assert "Sheet 'Organisations' has 4 rows or more; the limit is 3 rows." in str(failure.value)
    # Refused while the first chunk of the sheet's XML was parsed: no row went further.
    assert taken == []


def _with_part(data: bytes, name: str, content: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info) for info in source.infolist()}
    entries[name] = content
    return _zip(entries)
