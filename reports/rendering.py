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
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from processing.exports.cells import FORMULA_PREFIXES, fitted_width, heading_line, longest_line

from .kinds.base import Chart, ReportContent

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
# One style object for every cell: openpyxl looks each assigned style up in the workbook,
# which costs far less for the same object than for a new equal one.
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)


def put(sheet: Worksheet, row: int, column: int, value):
    """Write ``value`` to a cell, and answer the cell. Dates and numbers are kept as they
    are; text is always text: text that a spreadsheet would run as a formula is marked as
    text by its style (quotePrefix, which shows no character), as the register's exports
    do (processing.exports.cells)."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return cell
    if isinstance(value, (int, float, Decimal, datetime.date)):
        cell.value = value
        return cell
    text = str(value).replace("\0", "")
    cell.value = text
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # openpyxl takes text starting with "=" for a formula
        cell.quotePrefix = True
    return cell


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_NAME_FORBIDDEN.sub(" ", title)[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _write_table(sheet: Worksheet, start_row: int, columns, rows, widths: list[int]) -> str:
    """The table at ``start_row``; ``widths`` (the longest line of each column so far)
    grows to hold its cells. Answers the table's range ("A1:C9")."""
    for col, heading in enumerate(columns, start=1):
        cell = put(sheet, start_row, col, heading)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _TOP_WRAP
    widths += [0] * (len(columns) - len(widths))
    for c, heading in enumerate(columns):
        widths[c] = max(widths[c], heading_line(heading))
    last = start_row
    for last, row in enumerate(rows, start=start_row + 1):
        for c, value in enumerate(row, start=1):
            cell = put(sheet, last, c, value)
            if isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.alignment = _TOP_WRAP
            if c <= len(widths) and value is not None:
                widths[c - 1] = max(widths[c - 1], longest_line(display(value)))
    return f"A{start_row}:{get_column_letter(max(len(columns), 1))}{last}"


def _lay_out(sheet: Worksheet, widths: list[int], header_row: int | None = None) -> None:
    """Column widths, and the print layout: landscape on A4, one page wide, the header row
    of the sheet's table repeated on each page, page numbers in the footer."""
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = fitted_width(width)
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.oddFooter.left.text, sheet.oddFooter.right.text = "&A", "Page &P of &N"
    if header_row is not None:
        sheet.print_title_rows = f"{header_row}:{header_row}"


def render_xlsx(content: ReportContent) -> bytes:
    """The workbook: a summary sheet, then one sheet per table of the report."""
    workbook = Workbook()
    summary = workbook.active
    summary_widths: list[int] = []
    taken = {"summary"}
    summary.title = "Summary"
    put(summary, 1, 1, content.title).font = Font(bold=True, size=14)
    summary["A2"] = "Scope"
    put(summary, 2, 2, content.scope)
    summary["A3"], summary["B3"] = "Period", content.period
    summary["B3"].number_format = "yyyy-mm-dd"
    row = 4
    if content.period_start is not None:
        summary.cell(row=row, column=1, value="Covers changes since")
        summary.cell(row=row, column=2, value=_naive(content.period_start)).number_format = (
            "yyyy-mm-dd hh:mm")
        row += 1
    summary.cell(row=row, column=1, value="Generated")
    summary.cell(row=row, column=2, value=_naive(content.generated_at)).number_format = (
        "yyyy-mm-dd hh:mm")
    row += 2
    figures_row = row
    _write_table(summary, row, ["Figure", "Value", "Change since the previous report"],
                 [[f.label, f.value, f.change] for f in content.figures], summary_widths)
    row += len(content.figures) + 2
    for note in content.notes:
        put(summary, row, 1, note)
        row += 1
    _lay_out(summary, summary_widths, figures_row)
    for section in content.sections:
        sheet = workbook.create_sheet(_sheet_title(section.title, taken))
        widths: list[int] = []
        sheet.auto_filter.ref = _write_table(sheet, 1, section.columns, section.rows, widths)
        sheet.freeze_panes = "A2"
        _lay_out(sheet, widths, header_row=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _naive(value: datetime.datetime) -> datetime.datetime:
    """Excel has no time zones: local time of the register, without offset."""
    from django.utils import timezone

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
    charts = [(chart.title, svg_bar_chart(chart)) for chart in content.charts]
    tables = [(section, [[display(v) for v in row] for row in section.rows])
              for section in content.sections]
    return render_to_string(
        "reports/report.html",
        {"content": content, "charts": charts, "tables": tables, "styles": mark_safe(_STYLES)},
    )


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
