"""Sheets as an OpenDocument spreadsheet (.ods), written as the rows are read.

An .ods file is a zip: ``mimetype`` first and stored, then the manifest, ``styles.xml``
(the printed page), ``settings.xml`` (the view: frozen header rows) and ``content.xml``
(the tables). The columns of a table, with their fitted widths, come before its rows in
``content.xml``, and a width is known only once every row has been seen, so each sheet's
rows are written as XML to a temporary file while the widths are measured; then
``content.xml`` is written into the zip from those files. Only one row is held in
memory at a time, whatever the size of the register.

The layout is :func:`processing.exports.cells.render_xlsx`'s: fitted column widths with
wrapped text, a bold header row with an autofilter (a database range with filter
buttons), that row frozen on screen and repeated at the top of each printed page
(``table:table-header-rows``), landscape A4 one page wide with the sheet's name and
"Page X of Y" at the foot. Text is neutralised by :func:`processing.exports.cells.safe`
(a leading quote), and written as ODF keeps it: one paragraph per line, runs of spaces
and tabs as ``<text:s>`` and ``<text:tab>``, so that an application shows it as typed.
"""

from __future__ import annotations

import datetime
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

from .cells import (
    ILLEGAL_XML,
    Sheet,
    fitted_width,
    heading_line,
    longest_line,
    safe,
    yes_no,
)

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
#: Inches per character of column width (a character of the default 10-point font).
INCHES_PER_CHARACTER = 0.075

_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
    'office:version="1.3"'
)
_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n'

_MANIFEST = (
    _PROLOG
    + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
    f'manifest:media-type="{MIMETYPE}"/>'
    + "".join(f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>'
              for name in ("content.xml", "styles.xml", "settings.xml"))
    + "</manifest:manifest>"
)

# Landscape A4, scaled to one page wide (ODF 1.3's scale-to-X), the sheet's name and the
# page number at the foot.
_STYLES = (
    _PROLOG + f"<office:document-styles {_NAMESPACES}>"
    '<office:automatic-styles><style:page-layout style:name="ropa-landscape">'
    '<style:page-layout-properties fo:page-width="297mm" fo:page-height="210mm" '
    'style:print-orientation="landscape" style:scale-to-X="1" style:scale-to-Y="0"/>'
    "</style:page-layout></office:automatic-styles>"
    '<office:master-styles><style:master-page style:name="ropa-page" '
    'style:page-layout-name="ropa-landscape"><style:footer>'
    "<style:region-left><text:p><text:sheet-name>???</text:sheet-name></text:p>"
    "</style:region-left><style:region-right><text:p>Page <text:page-number>1"
    "</text:page-number> of <text:page-count>1</text:page-count></text:p>"
    "</style:region-right></style:footer></style:master-page></office:master-styles>"
    "</office:document-styles>"
)

_CELL_STYLES = (
    '<style:style style:name="ropa-table" style:family="table" '
    'style:master-page-name="ropa-page"><style:table-properties table:display="true"/>'
    "</style:style>"
    '<style:style style:name="ropa-wrap" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
    "</style:style>"
    '<style:style style:name="ropa-label" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
    '<style:text-properties fo:font-weight="bold" style:font-weight-asian="bold" '
    'style:font-weight-complex="bold"/></style:style>'
    '<style:style style:name="ropa-header" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top" '
    'fo:background-color="#dde5f0"/>'
    '<style:text-properties fo:font-weight="bold" style:font-weight-asian="bold" '
    'style:font-weight-complex="bold"/></style:style>'
    '<style:style style:name="ropa-title" style:family="table-cell">'
    '<style:text-properties fo:font-weight="bold" style:font-weight-asian="bold" '
    'style:font-weight-complex="bold" fo:font-size="14pt"/></style:style>'
)
#: Style of the first cell of a row and of the others, by row style (see Sheet.row).
_ROW_STYLES = {
    "": ("", ""),
    "label": (' table:style-name="ropa-label"', ""),
    "header": (' table:style-name="ropa-header"', ' table:style-name="ropa-header"'),
    "title": (' table:style-name="ropa-title"', ' table:style-name="ropa-title"'),
}

# Whitespace that ODF collapses in a paragraph: a run of spaces (kept as one space and
# <text:s>), a space at either end of a line, a tab; and a carriage return, which XML
# would turn into a line feed unless written as a character reference.
_WHITESPACE = re.compile(r"^ +| {2,}| +$|[\t\r]")


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _spaces(match: re.Match) -> str:
    found = match.group()
    if found == "\t":
        return "<text:tab/>"
    if found == "\r":
        return "&#13;"
    count = len(found)
    if match.start() == 0 or match.end() == len(match.string):
        # Nothing to keep a plain space against: every space is a <text:s>.
        return '<text:s/>' if count == 1 else f'<text:s text:c="{count}"/>'
    return " <text:s/>" if count == 2 else f' <text:s text:c="{count - 1}"/>'


def paragraphs(value: str) -> str:
    """Text as the paragraphs of an ODF cell: one per line, its spaces and tabs kept."""
    value = ILLEGAL_XML.sub("", value)
    out = []
    for line in value.split("\n"):
        line = _escape(line)
        if "  " in line or "\t" in line or "\r" in line or line[:1] == " " or line[-1:] == " ":
            line = _WHITESPACE.sub(_spaces, line)
        out.append(f"<text:p>{line}</text:p>")
    return "".join(out)


def _cell(value, style: str) -> str:
    if isinstance(value, bool):
        value = yes_no(value)
    if isinstance(value, str):
        return (f'<table:table-cell{style} office:value-type="string">'
                f"{paragraphs(safe(value))}</table:table-cell>")
    if isinstance(value, (int, float)):
        return (f'<table:table-cell{style} office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        shown = value.isoformat()
        return (f'<table:table-cell{style} office:value-type="date" '
                f'office:date-value="{shown}"><text:p>{shown}</text:p></table:table-cell>')
    return _cell(str(value), style)


def _empty(count: int, style: str) -> str:
    if count == 1:
        return f"<table:table-cell{style}/>"
    return f'<table:table-cell{style} table:number-columns-repeated="{count}"/>'


class _WrittenSheet:
    """Where a sheet's rows went in the temporary file, and what its layout needs."""

    def __init__(self, title: str, start: int):
        self.title = title
        self.start = self.end = start
        self.longest: list[int] = []
        #: Width of each column, in characters.
        self.widths: list[float] = []
        #: First row (1-based) of the table's header and last row of its table; columns.
        self.header_row: int | None = None
        self.last_row = 0
        self.columns = 0
        self.frozen_rows = 0


def _write_rows(sheet: Sheet, body: BinaryIO) -> _WrittenSheet:
    written = _WrittenSheet(sheet.title, body.tell())
    longest = written.longest
    number = 0  # rows written so far
    for block, (rows, style) in enumerate(sheet.blocks):
        first_style, other_style = _ROW_STYLES[style]
        fitted = style != "title"
        measure = heading_line if style == "header" else longest_line
        header = block == sheet.table_header
        chunk = []
        if header:
            chunk.append("<table:table-header-rows>")
        for values in rows:
            if fitted and len(values) > len(longest):
                longest += [0] * (len(values) - len(longest))
            cells, empties = ["<table:table-row>"], 0
            for column, value in enumerate(values):
                cell_style = first_style if column == 0 else other_style
                if value is None or value == "":
                    if style == "header":
                        cells.append(_empty(1, cell_style))
                    else:
                        empties += 1
                    continue
                if empties:
                    cells.append(_empty(empties, ""))
                    empties = 0
                if fitted:
                    size = measure(value)
                    if size > longest[column]:
                        longest[column] = size
                cells.append(_cell(value, cell_style))
            if len(cells) == 1:  # a blank row: one empty cell, as spreadsheets write it
                cells.append("<table:table-cell/>")
            cells.append("</table:table-row>")
            chunk.append("".join(cells))
            number += 1
            if len(chunk) >= 200:
                body.write("".join(chunk).encode())
                chunk.clear()
        if header:
            chunk.append("</table:table-header-rows>")
            written.header_row = number
            written.columns = len(sheet.blocks[block][0][0])
        elif sheet.table_header is not None and block == sheet.table_header + 1:
            written.last_row = number
        if block == sheet.freeze_after:
            written.frozen_rows = number
        body.write("".join(chunk).encode())
    if written.header_row is not None and written.last_row < written.header_row:
        written.last_row = written.header_row
    written.end = body.tell()
    if sheet.widths and max(sheet.widths) >= len(longest):
        longest += [0] * (max(sheet.widths) + 1 - len(longest))
    written.widths = [sheet.widths.get(column, fitted_width(size))
                      for column, size in enumerate(longest)]
    return written


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _range(title: str, columns: int, first: int, last: int) -> str:
    sheet = "'" + title.replace("'", "''") + "'"
    return f"{sheet}.A{first}:{sheet}.{_column_letters(max(columns, 1))}{last}"


def _settings(sheets: list[_WrittenSheet]) -> str:
    """The view LibreOffice opens: each sheet's header rows frozen."""
    def item(name: str, kind: str, value) -> str:
        return f'<config:config-item config:name="{name}" config:type="{kind}">{value}' \
               "</config:config-item>"

    tables = "".join(
        f"<config:config-item-map-entry config:name={quoteattr(sheet.title)}>"
        + item("HorizontalSplitMode", "short", 0) + item("VerticalSplitMode", "short", 2)
        + item("HorizontalSplitPosition", "int", 0)
        + item("VerticalSplitPosition", "int", sheet.frozen_rows)
        + item("ActiveSplitRange", "short", 2) + item("PositionLeft", "int", 0)
        + item("PositionRight", "int", 0) + item("PositionTop", "int", 0)
        + item("PositionBottom", "int", sheet.frozen_rows)
        + "</config:config-item-map-entry>"
        for sheet in sheets if sheet.frozen_rows)
    return (_PROLOG + f"<office:document-settings {_NAMESPACES}><office:settings>"
            '<config:config-item-set config:name="ooo:view-settings">'
            '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
            + item("ViewId", "string", "view1")
            + f'<config:config-item-map-named config:name="Tables">{tables}'
            "</config:config-item-map-named></config:config-item-map-entry>"
            "</config:config-item-map-indexed></config:config-item-set>"
            "</office:settings></office:document-settings>")


def write_ods(sheets: Iterable[Sheet], out: BinaryIO) -> None:
    """Write ``sheets`` to ``out`` as an .ods file (see the module's docstring)."""
    with tempfile.TemporaryFile() as body:
        written = [_write_rows(sheet, body) for sheet in sheets]
        styles = [_CELL_STYLES]
        for index, sheet in enumerate(written):
            styles += [
                f'<style:style style:name="ropa-col-{index}-{column}" '
                'style:family="table-column"><style:table-column-properties '
                f'style:column-width="{width * INCHES_PER_CHARACTER:.3f}in"/>'
                "</style:style>" for column, width in enumerate(sheet.widths)]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            # The mimetype comes first and stored, as ODF readers look for it there.
            archive.writestr("mimetype", MIMETYPE, compress_type=zipfile.ZIP_STORED)
            archive.writestr("META-INF/manifest.xml", _MANIFEST)
            archive.writestr("styles.xml", _STYLES)
            archive.writestr("settings.xml", _settings(written))
            with archive.open("content.xml", "w") as content:
                content.write((
                    _PROLOG + f"<office:document-content {_NAMESPACES}>"
                    f"<office:automatic-styles>{''.join(styles)}</office:automatic-styles>"
                    "<office:body><office:spreadsheet>").encode())
                ranges = []
                for index, sheet in enumerate(written):
                    columns = "".join(
                        f'<table:table-column table:style-name="ropa-col-{index}-{column}" '
                        'table:default-cell-style-name="ropa-wrap"/>'
                        for column in range(len(sheet.widths)))
                    content.write((f"<table:table table:name={quoteattr(sheet.title)} "
                                   f'table:style-name="ropa-table">{columns}').encode())
                    body.seek(sheet.start)
                    _copy(body, content, sheet.end - sheet.start)
                    content.write(b"</table:table>")
                    if sheet.header_row is not None:
                        address = _range(sheet.title, sheet.columns, sheet.header_row,
                                         sheet.last_row)
                        ranges.append(
                            f'<table:database-range table:name="__Anonymous_Sheet_DB__{index}" '
                            f"table:target-range-address={quoteattr(address)} "
                            'table:display-filter-buttons="true"/>')
                if ranges:
                    content.write(("<table:database-ranges>" + "".join(ranges)
                                   + "</table:database-ranges>").encode())
                content.write(b"</office:spreadsheet></office:body></office:document-content>")


def _copy(source: BinaryIO, target: BinaryIO, length: int) -> None:
    while length > 0:
        data = source.read(min(length, 1 << 20))
        if not data:
            break
        target.write(data)
        length -= len(data)


def render_ods(sheets: Iterable[Sheet]) -> bytes:
    """``sheets`` as the bytes of an .ods file."""
    buffer = io.BytesIO()
    write_ods(sheets, buffer)
    return buffer.getvalue()

