"""Cell values and sheet presentation shared by every spreadsheet layout.

A register is data typed by people: a value such as ``=HYPERLINK(...)`` or ``+44 20...``
would be run as a formula by a spreadsheet application. Every text cell goes through
:func:`safe` on export; the workbook import undoes the neutralising with :func:`unsafe`,
so the round trip keeps the value as typed.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence

import xlsxwriter

#: A cell starting with one of these is read as a formula (or DDE) by spreadsheet apps.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")

MIN_WIDTH, MAX_WIDTH = 10, 60


def safe(value):
    """The value made safe to put in a spreadsheet cell.

    Text starting with a formula character gets a leading single quote; NUL characters
    are removed. Other types (numbers, dates, booleans, None) are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    return value.replace("\0", "")


def unsafe(value):
    """Undo :func:`safe` on a value read back from an exported sheet."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and (
        value[1:].startswith(FORMULA_PREFIXES)
    ):
        return value[1:]
    return value


def lines(values: Iterable) -> str:
    """A multi-valued cell: one value per line, empty values left out."""
    return "\n".join(str(v) for v in values if v not in (None, ""))


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "Yes" if value else "No"


def text(value) -> str:
    """Any value as the text a cell shows (dates in ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return yes_no(value)
    return str(value)


def width_for(values: Iterable) -> float:
    """A column width that shows the longest line of the column, within bounds."""
    longest = 0
    for value in values:
        for line in text(value).split("\n"):
            longest = max(longest, len(line))
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


class Sheet:
    """A worksheet being laid out: rows in order, some of them styled.

    Rows are kept as plain values until :func:`render_xlsx` writes them, so the column
    widths can fit the whole content and the sheet is streamed (XlsxWriter, constant
    memory).
    """

    def __init__(self, title: str):
        self.title = title
        self.rows: list[tuple[list, str]] = []
        self.freeze_row: int | None = None
        self.widths: dict[int, float] = {}

    def row(self, values: Sequence, style: str = "") -> None:
        """``style``: "" (wrapped text), "title", "header" or "label" (first cell bold)."""
        self.rows.append((list(values), style))

    def blank(self) -> None:
        self.rows.append(([], ""))

    def table(self, headings: Sequence[str], rows: Iterable[Sequence], *, freeze: bool = True) -> None:
        """A header row and its rows; the first table of a sheet freezes its header."""
        self.row(headings, "header")
        if freeze and self.freeze_row is None:
            self.freeze_row = len(self.rows) + 1
        for values in rows:
            self.row(values)

    def column_widths(self) -> list[float]:
        columns: dict[int, list] = {}
        for values, style in self.rows:
            if style == "title":
                continue
            for col, value in enumerate(values):
                columns.setdefault(col, []).append(value)
        return [self.widths.get(col, width_for(columns[col])) for col in sorted(columns)]


# Characters XML 1.0 cannot hold at all (a register's text may carry them from a paste).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMATS = {
    "": {"text_wrap": True, "valign": "top"},
    "label": {"bold": True, "text_wrap": True, "valign": "top"},
    "header": {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDE5F0"},
    "title": {"bold": True, "font_size": 14},
}


def _cell_value(value):
    value = safe(value)
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
    return value


def render_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as an .xlsx file: frozen headers, fitted widths, wrapped text, and every
    text cell neutralised. Text is always written as text, never as a formula or URL."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "in_memory": True, "constant_memory": True, "strings_to_formulas": False,
        "strings_to_urls": False, "strings_to_numbers": False,
    })
    formats = {name: workbook.add_format(spec) for name, spec in _FORMATS.items()}
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.title)
        for column, width in enumerate(sheet.column_widths()):
            worksheet.set_column(column, column, width)
        if sheet.freeze_row and sheet.freeze_row > 1:
            worksheet.freeze_panes(sheet.freeze_row - 1, 0)
        for number, (values, style) in enumerate(sheet.rows):
            for column, value in enumerate(values):
                cell_format = formats["label" if style == "label" and column == 0 else
                                      ("" if style == "label" else style)]
                value = _cell_value(value)
                if value is None or value == "":
                    if style == "header":
                        worksheet.write_blank(number, column, None, cell_format)
                    continue
                if isinstance(value, str):
                    worksheet.write_string(number, column, value, cell_format)
                else:
                    worksheet.write(number, column, value, cell_format)
    workbook.close()
    return buffer.getvalue()


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet title (31 characters, no ``[]:*?/\\``)."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in name).strip()[:31] or "Sheet"
    title, n = cleaned, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title = cleaned[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title
