"""The spreadsheets as they open and print: fitted column widths with wrapped text, the
table's header row repeated on printed pages, landscape one page wide, an autofilter on
the header row of each table sheet."""

import io

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from processing.exports.cells import HEADING_WIDTH, MAX_WIDTH, MIN_WIDTH, Sheet, render_xlsx
from processing.exports.ico import HEADER_ROW, ICO_HEADINGS, ICO_LEADING, PROCESSOR_HEADINGS
from processing.exports.registry import export_register
from processing.exports.workbook import SHEETS

pytestmark = pytest.mark.django_db


def _book(fmt: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export_register(fmt)[0]))


def _prints_landscape_one_page_wide(ws) -> None:
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # One page wide (1, the default, may be left out of the file), as long as it takes.
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert "Page &P of &N" in ws.oddFooter.right.text


def _print_titles(ws) -> str:
    """The rows repeated on each printed page, as "8:8"."""
    return (ws.print_title_rows or "").replace("$", "")


def _width(ws, column: int) -> float:
    """The width of a column (neighbours of the same width are stored as one range)."""
    found = [d for d in ws.column_dimensions.values() if d.min <= column <= d.max]
    assert len(found) == 1, column
    return found[0].width


def test_ico_sheets_repeat_filter_and_print_their_table(rich_register):
    book = _book("ico-xlsx")
    controller = book["Controller"]
    _prints_landscape_one_page_wide(controller)
    assert _print_titles(controller) == f"{HEADER_ROW}:{HEADER_ROW}"
    last = controller.max_row
    assert last == HEADER_ROW + 2  # PA-001 and PA-002; PA-003 is a processor record
    columns = len(ICO_LEADING) + len(ICO_HEADINGS)
    assert controller.auto_filter.ref == f"A{HEADER_ROW}:{get_column_letter(columns)}{last}"

    processor = book["Processor"]
    _prints_landscape_one_page_wide(processor)
    header = [c.value for c in processor[HEADER_ROW]]
    assert tuple(header) == PROCESSOR_HEADINGS
    assert _print_titles(processor) == f"{HEADER_ROW}:{HEADER_ROW}"
    assert processor.auto_filter.ref == (f"A{HEADER_ROW}:"
                                         f"{get_column_letter(len(header))}{HEADER_ROW + 1}")


def test_column_widths_fit_their_text_within_bounds(rich_register):
    controller = _book("ico-xlsx")["Controller"]
    headings = [c.value for c in controller[HEADER_ROW]]
    for column, heading in enumerate(headings, start=1):
        values = [controller.cell(row=r, column=column).value
                  for r in range(HEADER_ROW + 1, controller.max_row + 1)]
        longest = max([min(len(heading), HEADING_WIDTH)]
                      + [max(len(line) for line in str(v).split("\n")) for v in values if v])
        # The file's width carries the application's padding (under a character).
        width = _width(controller, column)
        assert min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)) <= width <= MAX_WIDTH + 1, heading
        assert controller.cell(row=HEADER_ROW, column=column).alignment.wrap_text
    # A long heading over short values wraps rather than widening its column.
    transfers = headings.index(ICO_HEADINGS[7]) + 1
    assert len(ICO_HEADINGS[7]) > MAX_WIDTH
    assert _width(controller, transfers) < HEADING_WIDTH + 3


def test_every_workbook_sheet_is_a_filtered_table_with_its_header_repeated(rich_register):
    book = _book("workbook")
    assert book.sheetnames == [spec.name for spec in SHEETS]
    for spec in SHEETS:
        ws = book[spec.name]
        _prints_landscape_one_page_wide(ws)
        assert _print_titles(ws) == "1:1"
        assert ws.freeze_panes == "A2"
        last = get_column_letter(len(spec.headings))
        assert ws.auto_filter.ref == f"A1:{last}{max(ws.max_row, 1)}", spec.name


def test_cnil_sheets_print_landscape_one_page_wide(rich_register):
    book = _book("cnil-xlsx")
    for ws in book.worksheets:
        _prints_landscape_one_page_wide(ws)
    organisme = book["Organisme"]
    header = next(row[0].row for row in organisme.iter_rows() if row[0].value == "N°")
    assert _print_titles(organisme) == f"{header}:{header}"
    assert organisme.auto_filter.ref == f"A{header}:E{header + 3}"  # the three activities
    assert organisme.freeze_panes is None  # the form above the list stays as it is
    fiche = book["Fiche PA-001"]
    assert 40 <= _width(fiche, 1) < 41  # the fiche's own widths are kept
    assert fiche.auto_filter.ref is None  # a form, not a table


def test_a_table_after_other_rows_is_filtered_from_its_header_to_its_last_row():
    sheet = Sheet("T")
    sheet.row(["Title"], "title")
    sheet.blank()
    sheet.table(["A", "B"], [["1", "2"], ["3", "4"]])
    ws = openpyxl.load_workbook(io.BytesIO(render_xlsx([sheet])))["T"]
    assert ws.auto_filter.ref == "A3:B5" and _print_titles(ws) == "3:3"
    assert ws.freeze_panes == "A4"


def test_an_empty_table_has_its_header_filtered():
    sheet = Sheet("Empty")
    sheet.table(["A", "B", "C"], [])
    ws = openpyxl.load_workbook(io.BytesIO(render_xlsx([sheet])))["Empty"]
    assert ws.auto_filter.ref == "A1:C1" and _print_titles(ws) == "1:1"


ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
}


def _attribute(element, name: str) -> str:
    prefix, local = name.split(":")
    return element.get(f"{{{ODS[prefix]}}}{local}")


def _ods_parts(data: bytes):
    import xml.etree.ElementTree as ET
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        return {name: ET.fromstring(archive.read(name))
                for name in ("content.xml", "styles.xml", "settings.xml")}


def _frozen_rows(settings) -> dict[str, int]:
    """Rows frozen on screen, by sheet, as LibreOffice reads settings.xml."""
    frozen = {}
    for entry in settings.iter(f"{{{ODS['config']}}}config-item-map-entry"):
        items = {_attribute(i, "config:name"): i.text
                 for i in entry.findall("config:config-item", ODS)}
        if _attribute(entry, "config:name") and items.get("VerticalSplitMode") == "2":
            frozen[_attribute(entry, "config:name")] = int(items["VerticalSplitPosition"])
    return frozen


def test_ods_workbook_fits_filters_freezes_and_prints_each_table_and_still_imports(
        rich_register):
    from processing.imports.readers import read_ods

    data = export_register("ods")[0]
    parts = _ods_parts(data)
    content, styles = parts["content.xml"], parts["styles.xml"]
    widths = {_attribute(s, "style:name"): _attribute(p, "style:column-width")
              for s in content.iter(f"{{{ODS['style']}}}style")
              for p in s.iter(f"{{{ODS['style']}}}table-column-properties")}
    tables = list(content.iter(f"{{{ODS['table']}}}table"))
    assert [_attribute(t, "table:name") for t in tables] == [spec.name for spec in SHEETS]
    ranges = {_attribute(r, "table:target-range-address"): r
              for r in content.iter(f"{{{ODS['table']}}}database-range")}
    assert _frozen_rows(parts["settings.xml"]) == {spec.name: 1 for spec in SHEETS}
    for table, spec, sheet in zip(tables, SHEETS, read_ods(data), strict=True):
        # The header row repeats on each printed page, and the import still reads it.
        [header] = table.findall("table:table-header-rows/table:table-row", ODS)
        assert [_attribute(c, "table:style-name") for c in header] == ["ropa-header"] * len(
            spec.headings)
        columns = table.findall("table:table-column", ODS)
        assert len(columns) == len(spec.headings)
        for column in columns:
            inches = float(widths[_attribute(column, "table:style-name")].removesuffix("in"))
            assert MIN_WIDTH * 0.075 - 0.001 <= inches <= MAX_WIDTH * 0.075 + 0.001
            assert _attribute(column, "table:default-cell-style-name") == "ropa-wrap"
        last = get_column_letter(len(spec.headings))
        rows = len(table.findall("table:table-row", ODS))
        address = f"'{spec.name}'.A1:'{spec.name}'.{last}{rows + 1}"
        assert _attribute(ranges[address], "table:display-filter-buttons") == "true"
        assert sheet.headings == list(spec.headings)
        assert len(sheet.rows) == rows
    assert sum(len(t.findall("table:table-row", ODS)) for t in tables) > 10
    page = next(styles.iter(f"{{{ODS['style']}}}page-layout-properties"))
    assert _attribute(page, "style:print-orientation") == "landscape"
    assert _attribute(page, "style:scale-to-X") == "1"
    master = next(styles.iter(f"{{{ODS['style']}}}master-page"))
    footer = master.find("style:footer", ODS)
    assert footer.find("style:region-left/text:p/text:sheet-name", ODS) is not None
    assert footer.find("style:region-right/text:p/text:page-count", ODS) is not None
    table_style = next(s for s in content.iter(f"{{{ODS['style']}}}style")
                       if _attribute(s, "style:name") == _attribute(tables[0], "table:style-name"))
    assert _attribute(table_style, "style:master-page-name") == _attribute(master, "style:name")


def test_an_ods_sheet_lays_out_its_blocks_as_the_xlsx_does():
    from processing.exports.opendocument import render_ods

    sheet = Sheet("T's")
    sheet.row(["A title much longer than any column should be, left out of the widths"], "title")
    sheet.blank()
    sheet.table(["Short", "Lines", "Long", "Fixed"],
                [["a", "x" * 5 + "\n" + "y" * 30, "z" * 200, "w"], ["", None, "z", ""]])
    sheet.widths = {3: 25.0}
    parts = _ods_parts(render_ods([sheet]))
    content = parts["content.xml"]
    [table] = content.iter(f"{{{ODS['table']}}}table")
    widths = {_attribute(s, "style:name"): _attribute(p, "style:column-width")
              for s in content.iter(f"{{{ODS['style']}}}style")
              for p in s.iter(f"{{{ODS['style']}}}table-column-properties")}
    shown = [round(float(widths[_attribute(c, "table:style-name")][:-2]) / 0.075)
             for c in table.findall("table:table-column", ODS)]
    assert shown == [10, 32, 60, 25]
    [rows] = table.findall("table:table-header-rows", ODS)
    assert list(table).index(rows) == 4 + 2  # four columns, the title and the blank row
    [database_range] = content.iter(f"{{{ODS['table']}}}database-range")
    assert _attribute(database_range, "table:target-range-address") == "'T''s'.A3:'T''s'.D5"
    assert _frozen_rows(parts["settings.xml"]) == {"T's": 3}
