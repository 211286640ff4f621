"""Cell values and sheet presentation shared by every spreadsheet layout.

A register is data typed by people: a value such as ``=HYPERLINK(...)`` or ``+44 20...``
would be run as a formula by a spreadsheet application. An xlsx cell holding such text
is marked as text by its style (quotePrefix, which shows nothing); csv and ods cells go
through :func:`safe` (a leading quote). The workbook import undoes :func:`safe` with
:func:`unsafe`, so the round trip keeps the value as typed. The .ods writer is in
``opendocument.py``.
"""

from __future__ import annotations

import datetime
import io
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from typing import BinaryIO

from .xlsx_rows import Worksheet, is_plain, write_cells
from .xlsx_workbook import Workbook

#: A cell starting with one of these is read as a formula (or DDE) by spreadsheet apps.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")

#: Column widths, in characters: a column is as wide as its longest line within these
#: bounds, and longer text wraps. A heading counts up to HEADING_WIDTH (it wraps too).
MIN_WIDTH, MAX_WIDTH, HEADING_WIDTH = 10, 60, 30


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


def longest_line(value) -> int:
    """The length of the longest line of a cell's text."""
    shown = value if isinstance(value, str) else text(value)
    if "\n" not in shown:
        return len(shown)
    return max(len(line) for line in shown.split("\n"))


def heading_line(value) -> int:
    """What a heading asks of its column's width: headings wrap beyond HEADING_WIDTH."""
    return min(longest_line(value), HEADING_WIDTH)


def fitted_width(longest: int) -> float:
    """A column width that shows the longest line of the column, within bounds."""
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


class Sheet:
    """A worksheet being laid out: rows in order, some of them styled.

    A table's rows may be any iterable, such as a generator over the register: they are
    read once, when :func:`render_xlsx` writes the sheet, so the rows of a long sheet are
    never all held at once. Column widths are fitted as the rows go by.

    The sheet's table (its first table whose header is frozen, or that asks for a
    filter) gets an autofilter on its header row, and that row is repeated at the top of
    each printed page.
    """

    def __init__(self, title: str):
        self.title = title
        #: (rows, style) in order; the rows of a block are read when the sheet is written.
        self.blocks: list[tuple[Iterable[Sequence], str]] = []
        #: The block (a table's header row) below which the sheet is frozen.
        self.freeze_after: int | None = None
        #: The header block of the sheet's table: filtered, and repeated on printed pages.
        self.table_header: int | None = None
        self.widths: dict[int, float] = {}

    def row(self, values: Sequence, style: str = "") -> None:
        """``style``: "" (wrapped text), "title", "header" or "label" (first cell bold)."""
        self.blocks.append(((tuple(values),), style))

    def blank(self) -> None:
        self.blocks.append((((),), ""))

    def table(self, headings: Sequence[str], rows: Iterable[Sequence], *, freeze: bool = True,
              filtered: bool = False) -> None:
        """A header row and its rows. The sheet's table is its first table that is frozen
        (``freeze``: the rows scroll below the header) or ``filtered``."""
        self.row(headings, "header")
        header = len(self.blocks) - 1
        if freeze and self.freeze_after is None:
            self.freeze_after = header
        if (freeze or filtered) and self.table_header is None:
            self.table_header = header
        self.blocks.append((rows, ""))


#: Characters XML 1.0 cannot hold at all (a register's text may carry them from a paste).
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ILLEGAL_SEARCH = ILLEGAL_XML.search
_FORMATS = {
    "": {"text_wrap": True, "valign": "top"},
    "label": {"bold": True, "text_wrap": True, "valign": "top"},
    "header": {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDE5F0"},
    "title": {"bold": True, "font_size": 14},
}


def _cell_value(value):
    """The value as an xlsx cell holds it: text cleaned of what XML cannot hold, but not
    given the leading quote of :func:`safe` (an xlsx cell says it is text by its style,
    ``quotePrefix``, which shows no character)."""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, str):
        return ILLEGAL_XML.sub("", value.replace("\0", ""))
    return value


#: The most characters an xlsx cell holds (Excel's limit, which XlsxWriter enforces).
XLSX_CELL_LIMIT = 32_767


class ValueTooLong(ValueError):
    """A value the format cannot hold: the export stops and names it, never truncates it."""

    def __init__(self, sheet: str, row: int, column: int, value: str):
        from xlsxwriter.utility import xl_col_to_name

        self.sheet, self.row, self.column, self.value = sheet, row, xl_col_to_name(column), value
        super().__init__(
            f"sheet {sheet}, row {row}, column {self.column}: {len(value):,} characters, and an "
            f"xlsx cell holds at most {XLSX_CELL_LIMIT:,} (value: {value[:60]!r}...). Shorten it "
            "in the register, or export as ods, csv, json, jsonld or pdf.")


def render_xlsx(sheets: Iterable[Sheet], *, workbook_class: type[Workbook] = Workbook) -> bytes:
    """The sheets as an .xlsx file (:func:`write_xlsx`), in memory."""
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer, workbook_class=workbook_class)
    return buffer.getvalue()


def write_xlsx(sheets: Iterable[Sheet], out: BinaryIO, *,
               workbook_class: type[Workbook] = Workbook) -> None:
    """The sheets as an .xlsx file written to ``out``: frozen headers, fitted widths,
    wrapped text, and every text cell neutralised: text is always written as text, never
    as a formula or URL, and text that starts like a formula carries the quotePrefix style
    (no visible quote). Printed, each sheet is landscape on A4, fitted to the page width,
    with the header row of its table repeated on each page and "Page X of Y" at the foot.

    Each sheet is written as it comes and each row as it is read: XlsxWriter's constant
    memory mode keeps one row in memory (its strings are inline rather than shared), and
    :class:`Workbook` puts each sheet into the file once it is done, so neither the
    register nor the file is ever held whole. ``out`` that cannot seek (a zip member, a
    digest) is given the file once it is made in a temporary file. ``workbook_class`` is
    :class:`Workbook`; bench/run.py passes XlsxWriter's own to compare the two.
    """
    if not _seekable(out):
        with tempfile.TemporaryFile() as made:
            write_xlsx(sheets, made, workbook_class=workbook_class)
            made.seek(0)
            shutil.copyfileobj(made, out, 1 << 20)
        return
    book = XlsxBook(out, workbook_class=workbook_class)
    try:
        for sheet in sheets:
            writer = book.add(sheet.title)
            for block, (rows, style) in enumerate(sheet.blocks):
                writer.write(rows, style)
                if block == sheet.freeze_after:
                    writer.freeze()
                if block == sheet.table_header:
                    writer.table_header()
                elif sheet.table_header is not None and block == sheet.table_header + 1:
                    writer.table_end()
            writer.close(sheet.widths)
        book.close()
    except BaseException:
        book.abandon()
        raise


def _seekable(out) -> bool:
    seekable = getattr(out, "seekable", None)
    try:
        return bool(seekable and seekable())
    except (OSError, ValueError):
        return False


class XlsxBook:
    """An .xlsx file being written to ``out``, its sheets written side by side: rows may go
    to any sheet in any order (XlsxWriter's constant memory mode keeps a temporary file per
    sheet), so one pass over the register fills every sheet. :func:`render_xlsx` writes
    :class:`Sheet` layouts through it, a sheet after the other."""

    #: Plain texts whose width is kept (:attr:`plain`): the labels and values that repeat.
    PLAIN_HELD = 50_000

    def __init__(self, out, *, workbook_class: type[Workbook] = Workbook):
        self.workbook = workbook = workbook_class(out, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False,
            # A file of more than 65,535 parts (a CNIL fiche per activity) needs the ZIP64
            # end records; a smaller file is written the same with or without.
            "use_zip64": True,
        })
        formats = {name: workbook.add_format(spec) for name, spec in _FORMATS.items()}
        # Text that a spreadsheet would run as a formula is marked as text by its style
        # (quotePrefix): Excel and LibreOffice then show it as typed and never evaluate it.
        quoted = {name: workbook.add_format({**spec, "quote_prefix": True})
                  for name, spec in _FORMATS.items()}
        # Format of the first cell of a row and of the others, by row style.
        self.by_style = {style: (formats[style], formats["" if style == "label" else style])
                         for style in _FORMATS}
        self.quoted_by_style = {style: (quoted[style], quoted["" if style == "label" else style])
                                for style in _FORMATS}
        #: Plain text met so far (:func:`~.xlsx_rows.is_plain`) and the width it asks
        #: (its longest line), at most :attr:`PLAIN_HELD` of them: emptied when full.
        self.plain: dict[str, int] = {}

    def add(self, title: str) -> XlsxSheetWriter:
        """A new sheet, last of the book."""
        worksheet = self.workbook.add_worksheet(title)
        _print_setup(worksheet)
        return XlsxSheetWriter(self, worksheet, title)

    def close(self) -> None:
        self.workbook.close()

    def abandon(self) -> None:
        """The file will not be finished (the export failed): let go of what is open."""
        abandon = getattr(self.workbook, "abandon", None)
        if abandon is not None:
            abandon()


class XlsxSheetWriter:
    """One sheet of an :class:`XlsxBook`: rows written as they come, widths fitted as they
    go by; its table's header row filtered, frozen and repeated on printed pages."""

    def __init__(self, book: XlsxBook, worksheet, title: str):
        self.book, self.worksheet, self.title = book, worksheet, title
        self.longest: list[int] = []
        self.number = 0  # rows written so far
        #: The sheet's table: its header row, its last row and its number of columns.
        self.table: list[int] | None = None
        self._columns = 0

    def write(self, rows: Iterable[Sequence], style: str = "") -> None:
        """Rows of ``style`` (see :meth:`Sheet.row`), each written as it is read: a row of
        plain text at once (:meth:`_write_plain`), else a row of text at once where it can
        be (:func:`~.xlsx_rows.write_cells`)."""
        longest = self.longest
        fitted = style != "title"
        at_once = isinstance(self.worksheet, Worksheet)
        for values in rows:
            if fitted and len(values) > len(longest):
                longest += [0] * (len(values) - len(longest))
            self._columns = len(values)
            if not (at_once and values and self._write_plain(values, style)):
                self._write_row(values, style)
            self.number += 1

    def _write_plain(self, values: Sequence, style: str) -> bool:
        """The row written at once if each of its values is blank or plain text
        (:func:`~.xlsx_rows.is_plain`), its columns fitted to it; else False, nothing
        written. What a text asks of its column's width is kept in the book's
        :attr:`XlsxBook.plain` with the text, for the labels and values that repeat on
        every sheet."""
        plain, longest = self.book.plain, self.longest
        fitted, header = style != "title", style == "header"
        cells = []
        for column, value in enumerate(values):
            if value is None or value == "":
                if header:
                    cells.append((column, None))
                continue
            if value.__class__ is not str:
                return False
            size = plain.get(value)
            if size is None:
                if not is_plain(value):
                    return False
                size = len(value) if "\n" not in value else longest_line(value)
                if len(plain) >= XlsxBook.PLAIN_HELD:
                    # Emptied rather than left full: the texts that repeat from here on (an
                    # organisation's third parties, the labels) are held again, so a text
                    # costs the same however far into a large register it comes.
                    plain.clear()
                plain[value] = size
            if fitted:
                if header and size > HEADING_WIDTH:
                    size = HEADING_WIDTH
                if size > longest[column]:
                    longest[column] = size
            cells.append((column, value))
        if not cells:
            return False
        first_format, other_format = self.book.by_style[style]
        return self.worksheet.write_plain(self.number, cells, first_format, other_format)

    def _write_row(self, values: Sequence, style: str) -> None:
        """A row of any values: text cleaned of what XML cannot hold and marked as text
        where it starts like a formula, numbers and dates as they are."""
        longest, number = self.longest, self.number
        first_format, cell_format = self.book.by_style[style]
        first_quoted, other_quoted = self.book.quoted_by_style[style]
        fitted, header = style != "title", style == "header"
        measure = heading_line if header else longest_line
        written = []  # (column, value, format) of the cells of the row
        for column, value in enumerate(values):
            if value is None or value == "":
                if header:
                    written.append((column, None, cell_format))
                continue
            if isinstance(value, str):
                if fitted:
                    size = len(value) if "\n" not in value else measure(value)
                    if header and size > HEADING_WIDTH:
                        size = HEADING_WIDTH
                    if size > longest[column]:
                        longest[column] = size
                if _ILLEGAL_SEARCH(value):
                    value = ILLEGAL_XML.sub("", value)
                    if not value:
                        if header:
                            written.append((column, None, cell_format))
                        continue
                if len(value) > XLSX_CELL_LIMIT:
                    raise ValueTooLong(self.title, number + 1, column, value)
                if value.startswith(FORMULA_PREFIXES):
                    written.append((column, value,
                                    first_quoted if column == 0 else other_quoted))
                else:
                    written.append((column, value,
                                    first_format if column == 0 else cell_format))
                continue
            # Numbers, dates, yes or no.
            if fitted:
                size = measure(value)
                if size > longest[column]:
                    longest[column] = size
            written.append((column, _cell_value(value),
                            first_format if column == 0 else cell_format))
        write_cells(self.worksheet, number, written)

    def freeze(self) -> None:
        """The rows written so far stay on screen as the rest scroll."""
        self.worksheet.freeze_panes(self.number, 0)

    def table_header(self) -> None:
        """The row just written heads the sheet's table: filtered, and repeated at the top
        of each printed page."""
        self.table = [self.number - 1, self.number - 1, self._columns]
        self.worksheet.repeat_rows(self.number - 1)

    def table_end(self) -> None:
        """The row just written is the table's last."""
        if self.table is not None:
            self.table[1] = self.number - 1

    def close(self, widths: dict[int, float] | None = None) -> None:
        """The sheet is done: its filter and column widths (``widths``, by column, where
        set; else fitted) set, its temporary file closed."""
        widths = widths or {}
        if self.table is not None:
            first, last, columns = self.table
            self.worksheet.autofilter(first, 0, last, max(columns - 1, 0))
        for column, size in enumerate(self.longest):
            self.worksheet.set_column(column, column, widths.get(column, fitted_width(size)))
        self.book.workbook.done(self.worksheet)


#: A4 in the paper codes of the xlsx page setup.
A4_PAPER = 9


def _print_setup(worksheet) -> None:
    """Landscape on A4, as wide as one page and as long as it takes, page numbers below."""
    worksheet.set_landscape()
    worksheet.set_paper(A4_PAPER)
    worksheet.fit_to_pages(1, 0)
    worksheet.set_footer("&L&A&RPage &P of &N")


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
