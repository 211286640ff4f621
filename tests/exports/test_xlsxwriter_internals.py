"""The two steps of XlsxWriter that processing.exports.cells.Workbook replaces through its
private names (docs/architecture.md, "Fast paths kept"): these tests fail if XlsxWriter
changes underneath them."""

import datetime
import io
import os
import zipfile

import openpyxl
import pytest
import xlsxwriter
import xlsxwriter.worksheet
from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

from processing.exports.cells import ILLEGAL_XML, Sheet, Workbook, render_xlsx


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

class StockSheets(Workbook):
    """cells.Workbook with XlsxWriter's own worksheets: each cell through write_string()."""

    def add_worksheet(self, name=None, worksheet_class=None):
        return xlsxwriter.Workbook.add_worksheet(self, name, xlsxwriter.worksheet.Worksheet)


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
