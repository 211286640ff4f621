"""A worksheet that writes a row of text cells at once, as XlsxWriter would write it.

XlsxWriter writes a cell in several steps (its arguments checked, the cell stored, the
row it ends written out cell by cell), about 7 µs a cell: most of the time of a layout of
a million cells, such as the CNIL layout's fiche per activity. :func:`write_cells`
writes the XML of a row of text and blank cells in one go, the same XML XlsxWriter writes
for them in constant memory mode, and hands anything else to XlsxWriter's own methods.

Internals relied on (docs/architecture.md, "Fast paths kept"; guarded by
tests/exports/test_xlsxwriter_internals.py, which compares every sheet's XML with
XlsxWriter's own): ``Worksheet.constant_memory``, ``previous_row``, ``table``,
``row_info``, ``fh``, ``excel_version``, ``default_row_height``, ``original_row_height``,
``dim_rowmin`` (and the other three dimensions), ``xls_rowmax``, ``xls_colmax``,
``row_data_fh``, ``_write_single_row()`` and ``_opt_close()`` (extended to write the
rows pending first), ``_write_row()``,
``_escape_control_characters()``, ``_escape_data()``, ``Format._get_xf_index()`` and
``xlsxwriter.utility._preserve_whitespace()``; for the rows held in memory
(:class:`RowData`), ``_initialize()`` (its ``init_data``, and the temporary file it opens
in constant memory mode), ``row_data_fh_closed`` and ``_write_optimized_sheet_data()``.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence

import xlsxwriter.worksheet
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name

#: Text XlsxWriter writes as it is: no character to escape, no control character, nothing
#: like its ``_xHHHH_`` escapes, no white space to preserve at either end.
_NEEDS_CARE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x|\A\s|\s\Z")
#: Text that needs nothing of the export either: none of the above, and not starting like
#: a formula (which the export marks with a style of its own). Its XML is itself.
_NOT_PLAIN = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x|\A[\s=+\-@]|\s\Z")
#: XlsxWriter truncates longer text (in UTF-16 units): left to it.
_PLAIN_LENGTH = 32_767 // 2
_COLUMNS: dict[int, str] = {}


def _column(column: int) -> str:
    name = _COLUMNS.get(column)
    if name is None:
        name = _COLUMNS[column] = xl_col_to_name(column)
    return name


#: A cell of :func:`write_cells`: column, text (None or "" for a blank cell),
#: format.
Cell = tuple[int, "str | None", object]


def is_plain(value: str) -> bool:
    """Whether the text is written as it is, in XML and in a sheet: no character to
    escape or leave out, nothing that starts a formula, no white space to preserve at
    either end, and short enough to be written whole."""
    return len(value) <= _PLAIN_LENGTH and _NOT_PLAIN.search(value) is None


def write_cells(worksheet, row: int, cells: Sequence[Cell]) -> None:
    """Write the cells of one row (in column order, after every row written so far): text
    with its format, a blank cell with its format (None or ""), or any other value
    XlsxWriter's ``write()`` takes. At once on a :class:`Worksheet` in constant memory
    mode, else cell by cell through XlsxWriter's methods."""
    if not cells:
        return
    if isinstance(worksheet, Worksheet) and worksheet.write_at_once(row, cells):
        return
    for column, value, cell_format in cells:
        if value is None or value == "":
            worksheet.write_blank(row, column, None, cell_format)
        elif isinstance(value, str):
            worksheet.write_string(row, column, value, cell_format)
        else:
            worksheet.write(row, column, value, cell_format)


class RowData:
    """The XML of a sheet's rows in constant memory mode, where XlsxWriter keeps it in a
    temporary file: held in memory up to :attr:`SPILL` characters, then in an unnamed
    temporary file (removed when closed, or when the process ends). A sheet of a CNIL
    fiche is a few kilobytes: creating, reopening and removing a file for each of
    thousands of them cost more than writing them."""

    #: Characters held in memory before the rows go to a temporary file.
    SPILL = 1 << 20

    def __init__(self, tmpdir: str | None = None):
        self.tmpdir = tmpdir
        self.parts: list[str] = []
        self.size = 0
        self.file = None

    def write(self, text: str) -> int:
        if self.file is not None:
            return self.file.write(text)
        self.parts.append(text)
        self.size += len(text)
        if self.size > self.SPILL:
            self.file = tempfile.TemporaryFile(  # noqa: SIM115 (closed by close())
                "w+", encoding="utf-8", newline="", dir=self.tmpdir)
            self.file.write("".join(self.parts))
            self.parts = []
        return len(text)

    def copy_to(self, fh) -> None:
        """Write the rows held to ``fh``, in the order they came."""
        if self.file is None:
            fh.write("".join(self.parts))
            return
        self.file.seek(0)
        shutil.copyfileobj(self.file, fh, 1 << 16)

    def close(self) -> None:
        self.parts = []
        if self.file is not None:
            self.file.close()


class Worksheet(xlsxwriter.worksheet.Worksheet):
    """XlsxWriter's worksheet, which :func:`write_cells` writes a row of at once. The rows
    so written wait in :attr:`pending` until a few hundred have come, XlsxWriter writes a
    row of its own, or the sheet is assembled. In constant memory mode the rows are held
    in a :class:`RowData` rather than in a temporary file each."""

    #: Rows written at once and not yet in the sheet's row data, at most this many.
    PENDING_ROWS = 256

    def __init__(self):
        super().__init__()
        self.pending: list[str] = []

    def _initialize(self, init_data) -> None:
        constant_memory = init_data["constant_memory"]
        # XlsxWriter would open its temporary file for the rows here.
        super()._initialize({**init_data, "constant_memory": False})
        self.constant_memory = constant_memory
        if constant_memory:
            self.row_data_fh = self.fh = RowData(self.tmpdir)

    def _write_optimized_sheet_data(self) -> None:
        """The ``<sheetData>`` XlsxWriter writes in constant memory mode, from the
        :class:`RowData` (XlsxWriter's copies its temporary file, then removes it)."""
        rows = self.row_data_fh
        if not isinstance(rows, RowData):
            super()._write_optimized_sheet_data()
        elif self.dim_rowmin is None:
            self._xml_empty_tag("sheetData")
        else:
            self._xml_start_tag("sheetData")
            rows.copy_to(self.fh)
            rows.close()
            self._xml_end_tag("sheetData")

    def flush_pending(self) -> None:
        if self.pending:
            self.row_data_fh.write("".join(self.pending))
            self.pending.clear()

    def _write_single_row(self, current_row_num=0) -> None:
        self.flush_pending()
        super()._write_single_row(current_row_num)

    def _opt_close(self) -> None:
        """XlsxWriter closes the rows' file of a sheet that is done, and reopens it to
        assemble the sheet: rows held in a :class:`RowData` stay where they are."""
        self.flush_pending()
        if not isinstance(self.row_data_fh, RowData):
            super()._opt_close()

    def write_at_once(self, row: int, cells: Sequence[Cell]) -> bool:
        """Write the row's XML, if it is made of text and blank cells with their formats
        (else write nothing and say False)."""
        if not self._open_row(row):
            return False
        number = str(row + 1)
        parts = []
        for column, value, cell_format in cells:
            if cell_format is None or column >= self.xls_colmax:
                return False
            reference = (_COLUMNS.get(column) or _column(column)) + number
            style = cell_format._get_xf_index()
            if value is None or value == "":
                parts.append(f'<c r="{reference}" s="{style}"/>')
            elif value.__class__ is not str or len(value) > _PLAIN_LENGTH:
                return False
            elif _NEEDS_CARE.search(value) is None:
                parts.append(f'<c r="{reference}" s="{style}" t="inlineStr"><is><t>{value}'
                             "</t></is></c>")
            else:
                parts.append(self._careful_cell(reference, style, value))
        self._close_row(row, number, cells[0][0], cells[-1][0], parts)
        return True

    def write_plain(self, row: int, cells: Sequence[tuple[int, str | None]], first_format,
                    other_format) -> bool:
        """Write a row of plain text and blank cells (``(column, text or None)``, in column
        order): text that is its own XML (:func:`is_plain`), in ``first_format`` in the
        first column and ``other_format`` elsewhere, blank cells in ``other_format``. Say
        False, having written nothing of the row, where XlsxWriter must write it."""
        if not self._open_row(row) or cells[-1][0] >= self.xls_colmax:
            return False
        number = str(row + 1)
        parts = []
        # Each format numbered where XlsxWriter numbers it: when a cell first uses it.
        first_style = other_style = None
        for column, value in cells:
            reference = (_COLUMNS.get(column) or _column(column)) + number
            if column == 0 and value is not None:
                first_style = first_style or first_format._get_xf_index()
                parts.append(f'<c r="{reference}" s="{first_style}" t="inlineStr"><is><t>'
                             f"{value}</t></is></c>")
                continue
            other_style = other_style or other_format._get_xf_index()
            if value is None:
                parts.append(f'<c r="{reference}" s="{other_style}"/>')
            else:
                parts.append(f'<c r="{reference}" s="{other_style}" t="inlineStr"><is><t>'
                             f"{value}</t></is></c>")
        self._close_row(row, number, cells[0][0], cells[-1][0], parts)
        return True

    def _open_row(self, row: int) -> bool:
        """Whether ``row`` may be written at once: constant memory mode, after the rows
        written, and nothing of it held by XlsxWriter (the row it holds before it is
        written out first)."""
        if not self.constant_memory or row < self.previous_row or row >= self.xls_rowmax:
            return False
        if row > self.previous_row:
            if any(self.table.values()) or self.previous_row in self.row_info or (
                    self.previous_row in self.comments):
                self._write_single_row(row)  # the row XlsxWriter holds
            else:
                self.previous_row = row  # XlsxWriter holds nothing to write
        elif self.table.get(row):
            return False  # XlsxWriter holds cells of this very row
        return True

    def _close_row(self, row: int, number: str, first: int, last: int, parts: list[str]) -> None:
        """The row's cells (``parts``, columns ``first`` to ``last``) written: the sheet's
        dimensions grown to hold them, the row put with the pending ones."""
        if self.dim_rowmin is None or row < self.dim_rowmin:
            self.dim_rowmin = row
        if self.dim_rowmax is None or row > self.dim_rowmax:
            self.dim_rowmax = row
        if self.dim_colmin is None or first < self.dim_colmin:
            self.dim_colmin = first
        if self.dim_colmax is None or last > self.dim_colmax:
            self.dim_colmax = last
        if row in self.row_info or self.excel_version != 2007 or (
                self.default_row_height != self.original_row_height):
            self.flush_pending()
            self._write_row(row, None, self.row_info.get(row))
            self.fh.write("".join(parts) + "</row>")
        else:
            self.pending.append(f'<row r="{number}">' + "".join(parts) + "</row>")
            if len(self.pending) >= self.PENDING_ROWS:
                self.flush_pending()
        # The row is written: XlsxWriter holds nothing of it, and refuses to write it again.
        self.previous_row = row + 1

    def _careful_cell(self, reference: str, style: int, value: str) -> str:
        """A text cell as XlsxWriter's ``_write_cell`` writes it in constant memory mode,
        but for text that looks like one of its rich strings ("<r>...</r>"), which it
        writes unescaped (a register's text is never one: it is written as text)."""
        value = self._escape_control_characters(value)
        preserve = ' xml:space="preserve"' if _preserve_whitespace(value) else ""
        return (f'<c r="{reference}" s="{style}" t="inlineStr"><is><t{preserve}>'
                f"{self._escape_data(value)}</t></is></c>")
