"""The workbook of a report: headings and cells styled the same in every sheet and workbook."""

import datetime
import io

from openpyxl import load_workbook

from reports.kinds.base import ReportContent, Section, SpooledRows
from reports.rendering import render_html, render_xlsx, write_html


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
            # The colour's RGB (spreadsheets ignore the alpha byte before it).
            assert heading.font.bold and heading.font.color.rgb[2:] == "FFFFFF"
            assert heading.fill.fgColor.rgb[2:] == "1F3A5F"
            assert (heading.alignment.vertical, heading.alignment.wrap_text) == ("top", True)
        name, count, due = sheet[2]
        # Text, never a formula, and no visible quote: the quotePrefix style marks it.
        assert (name.value, name.data_type, name.quotePrefix) == ("=cmd", "s", True)
        assert not count.quotePrefix
        for cell in (name, count, sheet["C3"]):
            assert (cell.alignment.vertical, cell.alignment.wrap_text) == ("top", True)
            assert not cell.font.bold
        assert due.number_format == "yyyy-mm-dd" and due.alignment.wrap_text is None
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C3"


def _width(ws, column: int) -> float:
    found = [d for d in ws.column_dimensions.values() if d.min <= column <= d.max]
    return found[0].width


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_repeated():
    content = _content("Layout")
    content.sections.append(Section("Empty", ["Only", "Headings"], []))
    content.sections.append(Section("Long", ["A heading much longer than the values below it",
                                             "Text"], [["x", "A line\n" + "y" * 200]]))
    book = load_workbook(io.BytesIO(render_xlsx(content)))
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        # One page wide (1, the default, which a file may leave out), as long as it takes.
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert "Page &P of &N" in ws.oddFooter.right.text
    assert book["Rows"].print_title_rows.replace("$", "") == "1:1"
    assert book["Summary"].print_title_rows is not None
    assert book["Empty"].auto_filter.ref == "A1:B1"  # a table with no rows yet
    long = book["Long"]
    assert long.auto_filter.ref == "A1:B2"
    assert _width(long, 1) < 35  # a long heading wraps over short values
    # Long text wraps within the widest column (60 characters; the file's width adds the
    # cell's padding, as Excel does).
    assert 60 <= _width(long, 2) < 61
    assert long["B2"].alignment.wrap_text


def test_spooled_rows_come_back_as_added_each_time_they_are_read(monkeypatch):
    monkeypatch.setattr(SpooledRows, "CHUNK", 3)  # several chunks, the last one partial
    rows = [[f"Org {n}", n, datetime.date(2026, 1, 1 + n % 28), None] for n in range(10)]
    spooled = SpooledRows(rows[:4])
    for row in rows[4:]:
        spooled.append(row)

    assert len(spooled) == 10 and spooled
    assert list(spooled) == rows
    assert list(spooled) == rows  # read again, for the second rendering
    assert not SpooledRows() and list(SpooledRows()) == []


def test_spooled_tables_render_as_the_same_tables_held_in_lists():
    held = _content("Held")
    held.sections.append(Section("Empty", ["Only"], [], empty_text="Nothing here."))
    spooled = _content("Held")
    spooled.sections = [Section(s.title, s.columns, SpooledRows(s.rows), s.description,
                                s.empty_text) for s in held.sections]

    page = render_html(spooled)
    assert page == render_html(held)
    assert "<td>=cmd</td><td>3</td><td>2026-02-01</td>" in page
    assert "Nothing here." in page and page.count("<table>") == 1
    out = io.StringIO()
    write_html(spooled, out)
    assert out.getvalue() == page

    def cells(content):
        book = load_workbook(io.BytesIO(render_xlsx(content)))
        return {ws.title: [[c.value for c in row] for row in ws.iter_rows()]
                for ws in book.worksheets if ws.title != "Summary"}

    assert cells(spooled) == cells(held)
