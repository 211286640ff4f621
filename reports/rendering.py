"""A report's content as an Excel workbook and as a self-contained web page.

The workbook is laid out as the register's spreadsheets are (processing.exports.cells):
columns as wide as their text within bounds, text wrapped, and printed landscape on A4,
one page wide, with each table's header row repeated on every page.

The page carries its charts as inline SVG and its styles inline: it opens offline, in an
email client, and loads nothing from elsewhere.
"""

from __future__ import annotations

import datetime
import io
import re
import typing
import uuid
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from processing.exports.cells import (
    FORMULA_PREFIXES,
    ILLEGAL_XML,
    XLSX_CELL_LIMIT,
    ValueTooLong,
    Workbook,
    fitted_width,
    heading_line,
    longest_line,
)
from processing.exports.xlsx_rows import write_cells

from .kinds.base import Chart, ReportContent

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: The workbook's cell formats, by name; "quoted" formats mark text that a spreadsheet
#: would run as a formula as text (quotePrefix, which shows no character).
_TEXT = {"valign": "top", "text_wrap": True}
_FORMATS = {
    "header": {**_TEXT, "bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3A5F",
               "pattern": 1},
    "text": _TEXT,
    "date": {"num_format": "yyyy-mm-dd", "valign": "top"},
    "datetime": {"num_format": "yyyy-mm-dd hh:mm", "valign": "top"},
    "title": {"bold": True, "font_size": 14},
    "plain": {},
    "plain date": {"num_format": "yyyy-mm-dd"},
    "plain datetime": {"num_format": "yyyy-mm-dd hh:mm"},
}
#: A4 in the paper codes of the xlsx page setup.
_A4 = 9


class _Writer:
    """One workbook being written, a row at a time (XlsxWriter's constant memory mode:
    the rows written are in a temporary file, not in cells held in memory)."""

    def __init__(self, buffer: typing.BinaryIO):
        self.book = Workbook(buffer, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        self.formats = {name: self.book.add_format(spec) for name, spec in _FORMATS.items()}
        self.quoted = {name: self.book.add_format({**spec, "quote_prefix": True})
                       for name, spec in _FORMATS.items()}
        self.sheet = None
        #: The cell being written (0-based), named by an error.
        self.row = self.column = 0

    def new_sheet(self, title: str, taken: set[str]):
        if self.sheet is not None:
            self.book.done(self.sheet)
        self.sheet = self.book.add_worksheet(_sheet_title(title, taken))
        return self.sheet

    def put(self, row: int, column: int, value, style: str = "text") -> None:
        """Write ``value`` to a cell (0-based) through XlsxWriter's own methods: a row of
        the summary, written a cell at a time. ``style``: "text" (wrapped, top),
        "header", "title" or "plain"."""
        self.row, self.column = row, column
        value, cell_format = self.cell(value, style)
        self.sheet.write(row, column, value, cell_format)

    def cell(self, value, style: str = "text") -> tuple[object, object]:
        """A cell's value as the workbook holds it, and its format. Dates and numbers are
        kept as they are; text is always text: text that a spreadsheet would run as a
        formula is marked as text by its style (quotePrefix), as the register's exports
        do (processing.exports.cells). None is a blank cell."""
        formats = self.formats
        if value is None or value == "":
            return None, formats[style]
        if isinstance(value, bool):
            return value, formats[style]
        if isinstance(value, int | float | Decimal):
            return float(value) if isinstance(value, Decimal) else value, formats[style]
        if isinstance(value, datetime.datetime):
            kind = "datetime" if style in ("text", "header") else "plain datetime"
            return _naive(value), formats[kind]
        if isinstance(value, datetime.date):
            kind = "date" if style in ("text", "header") else "plain date"
            return value, formats[kind]
        text = ILLEGAL_XML.sub("", str(value))
        if not text:
            return None, formats[style]
        if len(text) > XLSX_CELL_LIMIT:
            raise ValueTooLong(self.sheet.name, self.row + 1, self.column, text)
        chosen = self.quoted if text.startswith(FORMULA_PREFIXES) else formats
        return text, chosen[style]

    def table(self, start_row: int, columns, rows, widths: list[int]) -> int:
        """The table at ``start_row``; ``widths`` (the longest line of each column so far)
        grows to hold its cells. Answers the table's last row. Each row is written whole
        (:func:`~processing.exports.xlsx_rows.write_cells`: at once where it is text)."""
        widths += [0] * (len(columns) - len(widths))
        self.row = start_row
        cells = []
        for self.column, heading in enumerate(columns):
            cells.append((self.column, *self.cell(heading, "header")))
            widths[self.column] = max(widths[self.column], heading_line(heading))
        write_cells(self.sheet, start_row, cells)
        last = start_row
        for last, row in enumerate(rows, start=start_row + 1):
            self.row, cells = last, []
            for self.column, value in enumerate(row):
                cells.append((self.column, *self.cell(value)))
                if type(value) is str:  # most cells
                    size = len(value) if "\n" not in value else longest_line(value)
                else:
                    size = 0 if value is None else longest_line(display(value))
                if self.column < len(widths) and size > widths[self.column]:
                    widths[self.column] = size
            write_cells(self.sheet, last, cells)
        return last

    def lay_out(self, widths: list[int], header_row: int | None = None) -> None:
        """Column widths, and the print layout: landscape on A4, one page wide, the header
        row of the sheet's table repeated on each page, page numbers in the footer."""
        sheet = self.sheet
        for c, width in enumerate(widths):
            sheet.set_column(c, c, fitted_width(width))
        sheet.set_landscape()
        sheet.set_paper(_A4)
        sheet.fit_to_pages(1, 0)
        sheet.set_footer("&L&A&RPage &P of &N")
        if header_row is not None:
            sheet.repeat_rows(header_row)


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_NAME_FORBIDDEN.sub(" ", title)[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def render_xlsx(content: ReportContent, output: typing.BinaryIO | None = None) -> bytes | None:
    """The workbook: a summary sheet, then one sheet per table of the report, each
    written as its rows come. Written to ``output`` (a binary file) when given, answered
    as bytes otherwise."""
    buffer = output if output is not None else io.BytesIO()
    out = _Writer(buffer)
    taken: set[str] = set()
    out.new_sheet("Summary", taken)
    out.put(0, 0, content.title, "title")
    out.put(1, 0, "Scope", "plain")
    out.put(1, 1, content.scope, "plain")
    out.put(2, 0, "Period", "plain")
    out.put(2, 1, content.period, "plain")
    row = 3
    if content.period_start is not None:
        out.put(row, 0, "Covers changes since", "plain")
        out.put(row, 1, content.period_start, "plain")
        row += 1
    out.put(row, 0, "Generated", "plain")
    out.put(row, 1, content.generated_at, "plain")
    row += 2
    figures_row, summary_widths = row, []
    out.table(row, ["Figure", "Value", "Change since the previous report"],
              [[f.label, f.value, f.change] for f in content.figures], summary_widths)
    row += len(content.figures) + 2
    for note in content.notes:
        out.put(row, 0, note, "plain")
        row += 1
    out.lay_out(summary_widths, figures_row)
    for section in content.sections:
        sheet = out.new_sheet(section.title, taken)
        widths: list[int] = []
        last = out.table(0, section.columns, section.rows, widths)
        sheet.autofilter(0, 0, last, max(len(section.columns), 1) - 1)
        sheet.freeze_panes(1, 0)
        out.lay_out(widths, header_row=0)
    out.book.done(out.sheet)
    out.book.close()
    return None if output is not None else buffer.getvalue()


def _naive(value: datetime.datetime) -> datetime.datetime:
    """Excel has no time zones: local time of the register, without offset."""
    if timezone.is_naive(value):
        return value
    return timezone.localtime(value).replace(tzinfo=None)


def svg_bar_chart(chart: Chart) -> SafeString:
    """A horizontal bar chart as inline SVG (no script, no external resource)."""
    bars = list(chart.bars)
    label_width, bar_width, row_height, value_width = 260, 320, 24, 70
    width = label_width + bar_width + value_width
    height = max(1, len(bars)) * row_height + 8
    top = chart.maximum if chart.maximum is not None else max((v for _, v in bars), default=0)
    top = top or 1
    pieces = []
    for i, (label, value) in enumerate(bars):
        y = 4 + i * row_height
        length = round(bar_width * (value or 0) / top, 1)
        shown = f"{value:g}{chart.unit}" if isinstance(value, (int, float)) else str(value)
        text = str(label) if len(str(label)) <= 40 else str(label)[:39] + "…"
        pieces.append((y + 16, label_width - 8, text, label_width, y + 3, length, row_height - 8,
                       label_width + length + 6, y + 16, shown))
    if not bars:
        body = format_html('<text x="8" y="20" class="empty">{}</text>', "No data")
    else:
        body = format_html_join(
            "",
            '<text x="{1}" y="{0}" text-anchor="end">{2}</text>'
            '<rect x="{3}" y="{4}" width="{5}" height="{6}" rx="2"></rect>'
            '<text x="{7}" y="{8}">{9}</text>',
            pieces,
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'aria-label="{}" width="{}" height="{}" viewBox="0 0 {} {}">{}</svg>',
        chart.title, width, height, width, height, body,
    )


def display(value) -> str:
    """A cell as shown on the web page."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _naive(value).strftime("%Y-%m-%d %H:%M") if value.tzinfo else (
            value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_html(content: ReportContent) -> str:
    """The web page of the report (also the HTML part of the email)."""
    page = io.StringIO()
    write_html(content, page)
    return page.getvalue()


def write_html(content: ReportContent, out: typing.TextIO) -> None:
    """Write the web page of the report to ``out``, each table's rows as they come (a
    health report has a row per finding: hundreds of thousands, never held as a page)."""
    charts = [(chart.title, svg_bar_chart(chart)) for chart in content.charts]
    # The template lays out the page with a mark where each table's rows go; the rows
    # are written there by :func:`_write_rows`, not by the template language (ten times
    # slower on hundreds of thousands of cells).
    mark = f"<!--rows-{uuid.uuid4().hex}-->"
    tables = [(section, mark_safe(mark) if section.rows else "")
              for section in content.sections]
    page = render_to_string(
        "reports/report.html",
        {"content": content, "charts": charts, "tables": tables, "styles": mark_safe(_STYLES)},
    )
    pieces = page.split(mark)
    with_rows = [section for section in content.sections if section.rows]
    if len(pieces) != len(with_rows) + 1:  # the mark is random: never found in the content
        raise RuntimeError("The report page's template lost the place of a table's rows.")
    out.write(pieces[0])
    for section, piece in zip(with_rows, pieces[1:], strict=True):
        _write_rows(section.rows, out)
        out.write(piece)


def _write_rows(rows, out: typing.TextIO) -> None:
    escape = conditional_escape
    for row in rows:
        out.write("<tr>" + "".join(f"<td>{escape(display(v))}</td>" for v in row) + "</tr>\n")


# Styles inline in the page: it must render offline and inside mail clients.
_STYLES = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       margin: 2rem; max-width: 1200px; }
h1 { color: #1f3a5f; margin-bottom: .2rem; }
.meta { color: #555; margin-top: 0; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; list-style: none; }
.figures li { border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem 1rem; min-width: 10rem; }
.figures .value { font-size: 1.6rem; font-weight: 600; display: block; }
.up { color: #b42318; } .down { color: #067647; } .same { color: #555; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; font-size: .9rem; }
th { background: #1f3a5f; color: #fff; text-align: left; }
th, td { padding: .3rem .5rem; border: 1px solid #d0d7de; vertical-align: top; }
tr:nth-child(even) td { background: #f6f8fa; }
svg.chart rect { fill: #3b6ea5; } svg.chart text { font-size: 12px; fill: #1b1b1b; }
.empty { color: #555; font-style: italic; }
"""
