"""The two steps of XlsxWriter that processing.exports.cells.Workbook replaces through its
private names (docs/architecture.md, "Fast paths kept"): these tests fail if XlsxWriter
changes underneath them."""

import io
import os

import openpyxl
import pytest
import xlsxwriter
from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

from processing.exports.cells import Sheet, Workbook, render_xlsx


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
