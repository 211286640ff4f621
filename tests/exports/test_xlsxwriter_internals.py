"""The steps of XlsxWriter that processing.exports.xlsx_workbook.Workbook and
processing.exports.xlsx_rows.Worksheet replace through its private names
(docs/architecture.md, "Fast paths kept"): these tests fail if XlsxWriter changes
underneath them."""

import datetime
import gc
import hashlib
import inspect
import io
import os
import weakref
import zipfile

import openpyxl
import pytest
import xlsxwriter
import xlsxwriter.packager
import xlsxwriter.worksheet
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

from processing.exports import xlsx_rows
from processing.exports.cells import (
    FORMULA_PREFIXES,
    ILLEGAL_XML,
    Sheet,
    ValueTooLong,
    render_xlsx,
    write_xlsx,
)
from processing.exports.xlsx_workbook import PartWriter, Workbook, WrittenSheet


def _names(content: bytes) -> list[str]:
    return openpyxl.load_workbook(io.BytesIO(content), read_only=True).sheetnames


def test_each_new_sheet_name_goes_through_the_replaced_check(monkeypatch):
    checked = []
    replaced = Workbook._check_sheetname

    def spy(self, name, is_chartsheet=False):
        checked.append(name)
        return replaced(self, name, is_chartsheet)

    monkeypatch.setattr(Workbook, "_check_sheetname", spy)
    sheets = [Sheet(name) for name in ("First", "Second", "Third")]

    content = render_xlsx(sheets)

    assert checked == ["First", "Second", "Third"]
    assert _names(content) == ["First", "Second", "Third"]


def test_the_replaced_check_does_not_walk_the_sheets_already_added(monkeypatch):
    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"constant_memory": True})
    workbook.add_worksheet("First")

    walked = []
    stock = xlsxwriter.Workbook.worksheets

    def worksheets(self):
        sheets = stock(self)
        walked.append(len(sheets))
        return sheets

    monkeypatch.setattr(Workbook, "worksheets", worksheets)
    workbook.add_worksheet("Second")
    monkeypatch.undo()
    workbook.close()

    assert walked == [0]  # XlsxWriter's check ran, over no sheet
    assert _names(buffer.getvalue()) == ["First", "Second"]


@pytest.mark.parametrize("name, error", [
    ("first", DuplicateWorksheetName),  # a repeat, whatever its case
    ("FIRST", DuplicateWorksheetName),
    ("x" * 32, InvalidWorksheetName),  # XlsxWriter's own checks still run
    ("a[b", InvalidWorksheetName),
    ("'quoted'", InvalidWorksheetName),
])
def test_names_xlsxwriter_refuses_are_still_refused(name, error):
    for workbook_class in (xlsxwriter.Workbook, Workbook):  # the stock one, then ours
        workbook = workbook_class(io.BytesIO(), {"constant_memory": True})
        workbook.add_worksheet("First")
        with pytest.raises(error):
            workbook.add_worksheet(name)
        workbook.close()


def test_a_name_is_free_again_in_another_workbook_and_default_names_are_checked_too():
    for _ in range(2):
        workbook = Workbook(io.BytesIO(), {"constant_memory": True})
        assert workbook.add_worksheet("First").name == "First"
        assert workbook.add_worksheet().name == "Sheet2"
        with pytest.raises(DuplicateWorksheetName):
            workbook.add_worksheet("sheet2")
        workbook.close()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files in /proc")
def test_a_sheet_that_is_done_holds_no_open_file_and_is_written_whole():
    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"constant_memory": True})
    before = len(os.listdir("/proc/self/fd"))
    for n in range(30):
        worksheet = workbook.add_worksheet(f"Fiche {n}")
        worksheet.write_string(0, 0, f"first row of {n}")
        worksheet.write_string(1, 0, f"second row of {n}")
        workbook.done(worksheet)
    held = len(os.listdir("/proc/self/fd")) - before
    workbook.close()

    assert held <= 2  # not one per sheet
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert len(book.sheetnames) == 30
    assert [c.value for c in book["Fiche 29"]["A"]] == ["first row of 29", "second row of 29"]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files in /proc")
def test_without_done_xlsxwriter_holds_a_file_per_sheet():
    """What done() is for: XlsxWriter alone keeps each sheet's file open until close()."""
    workbook = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True})
    before = len(os.listdir("/proc/self/fd"))
    for n in range(30):
        workbook.add_worksheet(f"Fiche {n}").write_string(0, 0, "x")
    held = len(os.listdir("/proc/self/fd")) - before
    workbook.close()

    assert held >= 30


# The rows written at once (processing.exports.xlsx_rows): the same XML as XlsxWriter's.

class StockSheets(xlsxwriter.Workbook):
    """XlsxWriter's own workbook and worksheets: each cell through write_string(), each
    sheet kept until close() (done() does nothing), the parts assembled by its packager."""

    def done(self, worksheet):
        pass


def _parts(content: bytes) -> dict[str, bytes]:
    """Every part of the file but its creation time."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name != "docProps/core.xml"}


#: Text each of XlsxWriter's steps changes: escapes, control characters, its own _xHHHH_
#: escapes, white space to preserve, a formula's look, the longest.
CAREFUL = ["plain", "a & b < c > d \"quoted\"", "tab\there", "line\nbreak", "bell\x07",
           "_x0041_ literal", "_x not an escape", " leading", "trailing ", "\u00a0nbsp",
           "ends with newline\n", "=1+1", "+44 20", "-", "@sum", "\ufffe", "x\ufffe",
           "é ü 中文 🙂", "x" * 20_000, "", None]


def _sheets() -> list[Sheet]:
    fiche = Sheet("Fiche")
    fiche.row(["Title"], "title")
    fiche.blank()
    fiche.table(["A", "", "C"], [[value, "second", value] for value in CAREFUL], freeze=False,
                filtered=True)
    fiche.row(["Label", "value"], "label")
    numbers = Sheet("Numbers")
    numbers.table(["n", "date", "flag", "text"],
                  [[1, datetime.date(2026, 1, 2), True, "text"], [2.5, None, False, ""]])
    return [fiche, numbers, Sheet("Empty")]


def test_rows_written_at_once_are_the_xml_xlsxwriter_writes_cell_by_cell(monkeypatch):
    calls = []
    stock = xlsxwriter.worksheet.Worksheet._write_string

    def counted(self, *args):
        calls.append(args[2])
        return stock(self, *args)

    monkeypatch.setattr(xlsxwriter.worksheet.Worksheet, "_write_string", counted)
    at_once = render_xlsx(_sheets())
    written_by_cells = list(calls)
    by_cells = render_xlsx(_sheets(), workbook_class=StockSheets)

    assert _parts(at_once) == _parts(by_cells)
    # Cell by cell: only the rows XlsxWriter truncates (over 16,383 characters, which may be
    # past its limit in UTF-16 units) or that hold numbers and dates.
    long = "x" * 20_000
    assert written_by_cells == [long, "second", long, "Yes", "text", "No"]
    sheet = openpyxl.load_workbook(io.BytesIO(at_once))["Fiche"]
    assert [row[0] for row in sheet.iter_rows(min_row=4, max_row=3 + len(CAREFUL),
                                               max_col=1, values_only=True)] == [
        # what XML cannot hold is left out; openpyxl leaves XlsxWriter's escape of a literal
        # "_x0041_" as it is
        ILLEGAL_XML.sub("", value or "").replace("_x0041_", "_x005F_x0041_") or None
        for value in CAREFUL]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=30),
                                   st.sampled_from(CAREFUL[:-3])), min_size=1, max_size=4),
                min_size=1, max_size=5))
def test_any_text_written_at_once_is_the_xml_xlsxwriter_writes(rows):
    def sheets():
        sheet = Sheet("Any")
        sheet.row(["Label", rows[0][0]], "label")
        sheet.table(["A", "", "C", "D"], rows, freeze=False)
        return [sheet]

    assert _parts(render_xlsx(sheets())) == _parts(render_xlsx(sheets(),
                                                                workbook_class=StockSheets))


@given(st.text(max_size=40))
def test_plain_text_needs_nothing_of_xlsxwriter_nor_of_the_export(value):
    if xlsx_rows.is_plain(value):
        assert not value.startswith(FORMULA_PREFIXES)
        assert ILLEGAL_XML.search(value) is None
        assert xlsx_rows._NEEDS_CARE.search(value) is None


def test_an_error_writing_a_part_is_raised_to_the_export():
    class FullDisk:
        def writestr(self, info, data):
            raise OSError(28, "No space left on device")

    parts = PartWriter(FullDisk())
    parts.put(zipfile.ZipInfo("xl/worksheets/sheet1.xml"), b"<worksheet/>")

    with pytest.raises(OSError, match="No space left"):
        parts.finish()
    assert not parts.thread.is_alive()
    with pytest.raises(OSError, match="No space left"):
        parts.put(zipfile.ZipInfo("xl/worksheets/sheet2.xml"), b"<worksheet/>")


def test_the_cnil_layout_written_at_once_is_the_xml_xlsxwriter_writes(rich_register):
    from django.utils import translation

    from processing.exports.cnil import cnil_sheets
    from processing.register import read_register

    with translation.override("fr"):
        at_once = render_xlsx(cnil_sheets(read_register()))
        by_cells = render_xlsx(cnil_sheets(read_register()), workbook_class=StockSheets)

    assert len(_names(at_once)) > 2
    assert _parts(at_once) == _parts(by_cells)


def test_text_that_looks_like_a_rich_string_is_written_as_text():
    """XlsxWriter writes "<r>...</r>" unescaped, as one of its rich strings (the cell then
    reads empty); a row written at once keeps it as typed."""
    sheet = Sheet("Fiche")
    sheet.row(["<r>rich?</r>", "<r><t>bold</t></r>"])

    book = openpyxl.load_workbook(io.BytesIO(render_xlsx([sheet])))

    assert [c.value for c in book["Fiche"][1]] == ["<r>rich?</r>", "<r><t>bold</t></r>"]


# A finished sheet written straight into the file (xlsx_workbook.Workbook.done, _store_workbook).

def _a_workbook_of_every_kind(workbook) -> None:
    """Sheets with what the workbook's other parts say of a sheet (defined names for
    filters, print areas and titles, hidden and first sheets, the active one, links,
    dynamic formulas), numbers and dates, and sheets that must wait for close() (a
    comment, a chart) between them."""
    bold = workbook.add_format({"bold": True})
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheets = []
    for n in range(6):
        sheet = workbook.add_worksheet(f"Sheet {n}")
        sheets.append(sheet)
    sheets[2].activate()
    sheets[1].set_first_sheet()
    sheets[4].hide()
    for n, sheet in enumerate(sheets):
        sheet.write_string(0, 0, f"heading {n}", bold)
        sheet.write_string(0, 1, "value")
        sheet.write_number(1, 0, n * 1.5)
        sheet.write_datetime(1, 1, datetime.datetime(2026, 1, n + 1), dates)
        sheet.write_boolean(2, 0, n % 2 == 0)
        sheet.set_column(0, 1, 20 + n)
    sheets[0].autofilter(0, 0, 2, 1)
    sheets[0].repeat_rows(0)
    sheets[1].print_area(0, 0, 2, 1)
    sheets[1].repeat_columns(0)
    sheets[1].freeze_panes(1, 0)
    sheets[2].write_url(3, 0, "https://example.org/register", string="a link")
    sheets[2].write_url(4, 0, "internal:'Sheet 0'!A1", string="inside")
    sheets[3].write_dynamic_array_formula(3, 0, 3, 0, "=_xlfn.UNIQUE(A1:A3)")
    sheets[3].set_landscape()
    sheets[3].set_footer("&L&A&RPage &P of &N")
    sheets[4].write_comment(9, 0, "a comment")  # waits for close()
    chart = workbook.add_chart({"type": "line"})
    chart.add_series({"values": "='Sheet 0'!$A$2:$A$3"})
    sheets[5].insert_chart(4, 0, chart)  # waits for close()
    for sheet in sheets:
        workbook.done(sheet)
    workbook.close()


def test_sheets_written_into_the_file_early_make_the_file_xlsxwriter_makes():
    ours, stock = io.BytesIO(), io.BytesIO()
    _a_workbook_of_every_kind(Workbook(ours, {"constant_memory": True}))
    _a_workbook_of_every_kind(StockSheets(stock, {"constant_memory": True}))

    assert _parts(ours.getvalue()) == _parts(stock.getvalue())
    book = openpyxl.load_workbook(io.BytesIO(ours.getvalue()))
    assert book.sheetnames == [f"Sheet {n}" for n in range(6)]
    assert book.active.title == "Sheet 2"
    assert book["Sheet 2"]["A4"].hyperlink.target == "https://example.org/register"
    # The sheets that waited for close(): a comment's and a chart's parts are there.
    assert {"xl/comments1.xml", "xl/charts/chart1.xml"} <= set(_parts(ours.getvalue()))


def test_the_layouts_written_early_are_the_files_xlsxwriter_writes():
    ours = render_xlsx(_sheets())
    stock = render_xlsx(_sheets(), workbook_class=StockSheets)

    assert _parts(ours) == _parts(stock)
    with zipfile.ZipFile(io.BytesIO(ours)) as archive:
        names = archive.namelist()
    # The sheets come first: each went into the file as soon as it was done.
    assert names[:3] == [f"xl/worksheets/sheet{n}.xml" for n in (1, 2, 3)]


def test_a_finished_sheet_is_let_go_of_and_leaves_no_file_behind(tmp_path):
    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"constant_memory": True, "tmpdir": str(tmp_path)})
    held = []
    for n in range(30):
        worksheet = workbook.add_worksheet(f"Fiche {n}")
        xlsx_rows.write_cells(worksheet, 0, [(0, f"first row of {n}", None)])
        worksheet.write_string(1, 0, f"second row of {n}")
        workbook.done(worksheet)
        held.append(weakref.ref(worksheet))
    del worksheet
    gc.collect()

    assert all(ref() is None for ref in held)  # nothing of a written sheet is held
    assert all(isinstance(sheet, WrittenSheet) for sheet in workbook.worksheets())
    assert workbook.get_worksheet_by_name("Fiche 3") is workbook.worksheets()[3]
    assert os.listdir(tmp_path) == []  # no temporary file for any sheet
    workbook.close()
    assert os.listdir(tmp_path) == []
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert len(book.sheetnames) == 30
    assert [c.value for c in book["Fiche 29"]["A"]] == ["first row of 29", "second row of 29"]


def test_a_written_sheet_refuses_what_only_a_whole_sheet_can_do():
    workbook = Workbook(io.BytesIO(), {"constant_memory": True})
    worksheet = workbook.add_worksheet("Fiche")
    workbook.done(worksheet)
    written = workbook.worksheets()[0]

    assert (written.name, written.index, written.selected, written.charts) == ("Fiche", 0, 1, [])
    with pytest.raises(AttributeError, match="'Fiche' is written already"):
        written.write_string(0, 0, "late")
    workbook.close()


def test_a_sheet_activated_after_sheets_were_written_is_refused():
    workbook = Workbook(io.BytesIO(), {"constant_memory": True})
    first = workbook.add_worksheet("First")
    second = workbook.add_worksheet("Second")
    workbook.done(first)  # written as the active, selected sheet
    second.activate()

    with pytest.raises(ValueError, match="activated after sheets had been written"):
        workbook.close()


def test_rows_past_the_spill_go_to_a_temporary_file_and_come_back_whole(monkeypatch, tmp_path):
    monkeypatch.setattr(xlsx_rows.RowData, "SPILL", 200)
    sheet = Sheet("Long")
    sheet.table(["n", "text"], [[str(n), f"row {n} " + "é" * 30] for n in range(500)])
    small = Sheet("Small")
    small.row(["only"])

    content = render_xlsx([sheet, small])

    assert _parts(content) == _parts(render_xlsx([sheet, small], workbook_class=StockSheets))
    rows = list(openpyxl.load_workbook(io.BytesIO(content))["Long"].values)
    assert rows[0] == ("n", "text") and rows[-1] == ("499", "row 499 " + "é" * 30)
    assert len(rows) == 501


class _Unseekable(io.RawIOBase):
    """A stream that only takes bytes (a zip member, a digest)."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, data):
        self.data += data
        return len(data)


def test_a_stream_that_cannot_seek_is_given_the_whole_file():
    out = _Unseekable()
    write_xlsx(_sheets(), out)

    assert _parts(bytes(out.data)) == _parts(render_xlsx(_sheets()))


def test_more_parts_than_a_zip_holds_without_zip64_are_written(monkeypatch, tmp_path):
    """A CNIL register of 100,000 activities has more than 65,535 parts, the most a zip
    holds without its ZIP64 end records (the limit lowered here to 20)."""
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 20)
    sheets = [Sheet(f"S{n}") for n in range(30)]
    stock = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True})
    for sheet in sheets:
        stock.add_worksheet(sheet.title)
    with pytest.raises(xlsxwriter.exceptions.FileSizeError):  # without use_zip64
        stock.close()

    path = tmp_path / "many.xlsx"
    with open(path, "wb") as out:
        write_xlsx(sheets, out)
    monkeypatch.undo()

    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) > 30
    assert openpyxl.load_workbook(path, read_only=True).sheetnames[-1] == "S29"


def test_a_failed_export_raises_its_error_and_closes_what_it_opened(recwarn):
    too_long = Sheet("Fiche 2")
    too_long.row(["x" * 40_000])

    with pytest.raises(ValueTooLong, match="sheet Fiche 2, row 1, column A"):
        render_xlsx([Sheet("Fiche 1"), too_long])
    gc.collect()

    assert not [w for w in recwarn if issubclass(w.category, pytest.PytestUnraisableExceptionWarning)]


#: What Workbook._store_workbook, its packager and xlsx_rows.Worksheet copy of XlsxWriter,
#: as its source reads in xlsxwriter 3.3.1. A change here means reading the new version
#: and bringing the copies in line (the tests above say whether the files still agree).
COPIED = {
    "Workbook._store_workbook": (xlsxwriter.Workbook._store_workbook, "3168682e923985b9"),
    "Packager._write_worksheet_files": (xlsxwriter.packager.Packager._write_worksheet_files,
                                        "c60d45308ea5bca8"),
    "Worksheet._write_optimized_sheet_data": (
        xlsxwriter.worksheet.Worksheet._write_optimized_sheet_data, "4621ead605d214d2"),
}


@pytest.mark.parametrize("name", COPIED)
def test_the_steps_copied_from_xlsxwriter_are_unchanged_there(name):
    function, digest = COPIED[name]
    assert hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16] == digest, (
        f"XlsxWriter's {name} changed: bring processing/exports/cells.py and xlsx_rows.py "
        "in line with it")


def test_texts_that_repeat_after_the_held_texts_filled_up_are_held_again(monkeypatch):
    """The widths of plain texts are held, at most ``PLAIN_HELD`` of them: once that many
    have been met, the texts that repeat from then on (a later organisation's third
    parties) are each looked at once again, not at every row; the held texts stay bounded."""
    from processing.exports import cells

    monkeypatch.setattr(cells.XlsxBook, "PLAIN_HELD", 10)
    looked_at = []

    def is_plain(value):
        looked_at.append(value)
        return xlsx_rows.is_plain(value)

    monkeypatch.setattr(cells, "is_plain", is_plain)
    buffer = io.BytesIO()
    book = cells.XlsxBook(buffer)
    sheet = book.add("Rows")
    sheet.write([[f"Activity {n}", f"Supplier {n % 3}"] for n in range(40)])
    sheet.write([["Later supplier", f"Activity {n}"] for n in range(40, 100)])
    book.close()
    # Once each time the ten held texts fill up again (every 9 rows or so), not at each of
    # its 60 rows.
    assert looked_at.count("Later supplier") <= 60 // 9 + 2
    assert len(book.plain) <= 10
    written = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Rows"]
    assert [written["A41"].value, written["B100"].value] == ["Later supplier", "Activity 99"]
