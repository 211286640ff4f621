"""The workbook of a report: headings and cells styled the same in every sheet and workbook."""

import datetime
import io

from openpyxl import load_workbook

from reports.kinds.base import ReportContent, Section
from reports.rendering import render_xlsx


def _content(title):
    return ReportContent(
        title=title, scope="Whole register", period=datetime.date(2026, 1, 31),
        generated_at=datetime.datetime(2026, 1, 31, 9, 30, tzinfo=datetime.UTC),
        sections=[Section("Rows", ["Name", "Count", "Due"],
                          [["=cmd", 3, datetime.date(2026, 2, 1)], ["Plain", 4, None]])],
    )


def test_every_heading_and_cell_has_its_style_in_each_workbook():
    for title in ("First", "Second"):  # the styles are shared between workbooks
        sheet = load_workbook(io.BytesIO(render_xlsx(_content(title))))["Rows"]
        for heading in sheet[1]:
            assert heading.font.bold and heading.font.color.rgb == "00FFFFFF"
            assert heading.fill.fgColor.rgb == "001F3A5F"
            assert (heading.alignment.vertical, heading.alignment.wrap_text) == ("top", True)
        name, count, due = sheet[2]
        assert name.value == "'=cmd"
        for cell in (name, count, sheet["C3"]):
            assert (cell.alignment.vertical, cell.alignment.wrap_text) == ("top", True)
            assert not cell.font.bold
        assert due.number_format == "yyyy-mm-dd" and due.alignment.wrap_text is None
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C3"
