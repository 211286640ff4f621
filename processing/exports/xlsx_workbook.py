"""XlsxWriter's workbook for thousands of sheets (a CNIL fiche per activity): each sheet
that is done is written into the file at once, compressed by a thread of its own beside
the next sheet being laid out (:class:`PartWriter`), and only what the workbook's other
parts say of it is kept (:class:`WrittenSheet`). The rows themselves are written by
``xlsx_rows``; the layouts by ``cells``.
"""

from __future__ import annotations

import contextlib
import io
import os
import queue
import threading
import time
import zipfile

import xlsxwriter
import xlsxwriter.packager
import xlsxwriter.worksheet
from xlsxwriter.exceptions import DuplicateWorksheetName

from .xlsx_rows import RowData, Worksheet


class WrittenSheet:
    """What is left of a sheet once :meth:`Workbook.done` has written it into the file:
    what the workbook's other parts (workbook.xml, app.xml, the defined names, the
    relationships) say of it. Any other attribute XlsxWriter asks of it is that of a
    blank worksheet: a sheet is written early only when it has none of the things that
    the workbook prepares at close (charts, images, comments, tables...)."""

    __slots__ = ("active", "autofilter_area", "external_hyper_links", "has_dynamic_arrays",
                 "hidden", "index", "name", "print_area_range", "repeat_col_range",
                 "repeat_row_range", "selected")
    _BLANK = xlsxwriter.worksheet.Worksheet()

    def __init__(self, worksheet):
        blank = WrittenSheet._BLANK
        for name in self.__slots__:
            value = getattr(worksheet, name)
            if value != getattr(blank, name):  # else the blank sheet's (held once)
                setattr(self, name, value)

    def __getattr__(self, name):
        value = getattr(WrittenSheet._BLANK, name)
        if callable(value):
            raise AttributeError(f"{name}(): sheet {self.name!r} is written already")
        return value

    def _opt_close(self) -> None:
        """Its rows are in the file already (Workbook.close() closes every sheet's)."""

    def _get_range_data(self, row_start, col_start, row_end, col_end):
        """No cells to cache in a chart that refers to the sheet, as XlsxWriter answers
        for any sheet in constant memory mode."""
        return ()


class _Packager(xlsxwriter.packager.Packager):
    """XlsxWriter's packager, which leaves out the sheets written already."""

    def _write_worksheet_files(self) -> None:
        index = 1
        for worksheet in self.workbook.worksheets():
            if worksheet.is_chartsheet:
                continue
            if not isinstance(worksheet, WrittenSheet):
                if worksheet.constant_memory:
                    worksheet._opt_reopen()
                    worksheet._write_single_row()
                worksheet._set_xml_writer(self._filename(f"xl/worksheets/sheet{index}.xml"))
                worksheet._assemble_xml_file()
            index += 1


class PartWriter:
    """Compresses and writes parts into a zip file in a thread of its own, in the order
    they are given, while the caller makes the next ones: zlib lets go of Python's lock as
    it compresses, so the work is shared between two cores. At most :attr:`WAITING` parts
    wait at a time, so memory does not grow with the file. An error met in the thread is
    raised to the caller, at the next part or at :meth:`finish`."""

    WAITING = 32

    def __init__(self, package: zipfile.ZipFile):
        self.package = package
        self.queue: queue.Queue = queue.Queue(maxsize=self.WAITING)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="xlsx-parts", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (part := self.queue.get()) is not None:
            if self.error is None:  # after an error, the parts given are let go of
                try:
                    self.package.writestr(*part)
                except BaseException as error:  # raised in the caller's thread
                    self.error = error
            self.queue.task_done()
        self.queue.task_done()

    def wait(self) -> None:
        """Every part given so far is in the file (or its error raised): the caller may
        write a part of its own."""
        self.queue.join()
        if self.error is not None:
            raise self.error

    def put(self, info: zipfile.ZipInfo, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((info, data))

    def finish(self) -> None:
        """Every part given is in the file (or its error raised); the thread is done."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error


class Workbook(xlsxwriter.Workbook):
    """XlsxWriter's workbook, for thousands of sheets (a CNIL fiche per activity).

    Three steps of XlsxWriter's are replaced, through its private names (see
    docs/architecture.md, "Fast paths kept"; tests/exports/test_xlsxwriter_internals.py
    fails if XlsxWriter changes underneath them):

    - a new sheet's name is checked for a case-insensitive repeat against the set of
      names taken, not against each sheet in turn (which, for the n-th sheet, lowers the
      names of the n - 1 before it: quadratic in sheets); XlsxWriter's own checks of the
      name itself (length, characters, apostrophes) still run;
    - a sheet that is done (:meth:`done`, constant memory mode) is assembled at once,
      straight into the file, and only a :class:`WrittenSheet` of it is kept: XlsxWriter
      keeps every sheet whole until close(), then writes each to a temporary file of
      its own and copies those into the file, so memory grew with the number of sheets
      and each sheet cost three file operations. A sheet that has what the workbook
      prepares at close (charts, images, comments, tables) waits for close() as before;
    - close() writes the rest of the file around the sheets written already (a copy of
      XlsxWriter's ``_store_workbook()`` that opens the file earlier).
    """

    def __init__(self, filename=None, options=None):
        super().__init__(filename, options)
        self._names_taken: set[str] = set()
        self._package: zipfile.ZipFile | None = None
        #: The active sheet when the first sheet was written: the view it was written with.
        self._written_view: int | None = None
        self._first_chartsheet: int | None = None
        #: Writes the sheets done into the file, beside the sheets being laid out.
        self._parts: PartWriter | None = None

    def add_worksheet(self, name=None, worksheet_class=None):
        """A sheet whose rows :func:`render_xlsx` writes whole (``xlsx_rows.Worksheet``)."""
        return super().add_worksheet(name, worksheet_class or Worksheet)

    def add_chartsheet(self, name=None, chartsheet_class=None):
        chartsheet = super().add_chartsheet(name, chartsheet_class)
        if self._first_chartsheet is None:
            self._first_chartsheet = chartsheet.index
        return chartsheet

    def _check_sheetname(self, sheetname, is_chartsheet=False):
        sheets, self.worksheets_objs = self.worksheets_objs, []
        try:  # XlsxWriter's checks, against no sheet
            sheetname = super()._check_sheetname(sheetname, is_chartsheet)
        finally:
            self.worksheets_objs = sheets
        key = sheetname.lower()
        if key in self._names_taken:
            raise DuplicateWorksheetName(
                f"Sheetname '{sheetname}', with case ignored, is already in use.")
        self._names_taken.add(key)
        return sheetname

    def _get_packager(self):
        return _Packager()

    def done(self, worksheet) -> None:
        """The sheet is written (constant memory mode): put it in the file now, unless it
        has what the workbook prepares at close."""
        if not self.constant_memory:
            return
        if self._written_early(worksheet):
            self._write_early(worksheet)
        else:
            worksheet._opt_close()

    def _written_early(self, worksheet) -> bool:
        """Whether the sheet's XML is all its own: nothing in it is numbered or named by
        the workbook at close (drawings, comments and buttons, tables, VBA code names),
        and no chartsheet before it shifts its part's number."""
        return not (
            worksheet.is_chartsheet or self.vba_project or self.fileclosed
            or (self._first_chartsheet is not None and self._first_chartsheet < worksheet.index)
            or worksheet.charts or worksheet.images or worksheet.shapes
            or worksheet.header_images or worksheet.footer_images or worksheet.background_image
            or worksheet.has_vml or worksheet.has_header_vml or worksheet.has_comments
            or worksheet.tables or isinstance(worksheet, WrittenSheet))

    def _open_package(self) -> zipfile.ZipFile:
        if self._package is None:
            self._package = zipfile.ZipFile(self.filename, "w", compression=zipfile.ZIP_DEFLATED,
                                            allowZip64=self.allow_zip64)
        return self._package

    def _write_early(self, worksheet) -> None:
        """The sheet's part, written as close() would write it, then let go of."""
        active = self.worksheet_meta.activesheet
        if self._written_view is None:
            self._written_view = active
        # As close() sets them (XlsxWriter's _store_workbook()).
        if active == 0 and worksheet.index == 0:
            worksheet.selected, worksheet.hidden = 1, 0
        if worksheet.index == active:
            worksheet.active = 1
        worksheet._opt_reopen()
        worksheet._write_single_row()
        info = zipfile.ZipInfo(f"xl/worksheets/sheet{worksheet.index + 1}.xml",
                               (1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        if self._parts is None:
            self._parts = PartWriter(self._open_package())
        rows = worksheet.row_data_fh
        if isinstance(rows, RowData) and rows.file is None:
            # A sheet of a few kilobytes (a CNIL fiche): made in memory, and compressed
            # into the file by the PartWriter's thread while the next is laid out.
            xml = io.StringIO()
            worksheet._set_filehandle(xml)
            worksheet._assemble_xml_file()
            self._parts.put(info, xml.getvalue().encode("utf-8"))
        else:
            # A long sheet: straight into the file as it is assembled, never whole in memory.
            self._parts.wait()
            with io.TextIOWrapper(self._package.open(info, "w"), encoding="utf-8",
                                  newline="") as fh:
                worksheet._set_filehandle(fh)
                worksheet._assemble_xml_file()
        written = WrittenSheet(worksheet)
        worksheet._opt_close()
        self.worksheets_objs[worksheet.index] = written
        self.sheetnames[worksheet.name] = written

    def abandon(self) -> None:
        """The file will not be finished: close what is written of it, so that nothing is
        left to write when it is let go of (its caller throws it away)."""
        if self._parts is not None:
            with contextlib.suppress(Exception):  # the error on the way out is the one told
                self._parts.finish()
        if self._package is not None:
            # A member left open, or the zip too large: the error on the way out is the one told.
            with contextlib.suppress(Exception):
                self._package.close()
        self.fileclosed = True

    def _store_workbook(self) -> None:
        try:
            self._store()
        except BaseException:
            self.abandon()
            raise

    def _store(self) -> None:
        """XlsxWriter's ``_store_workbook()`` (xlsxwriter 3.3), into the file already open
        where sheets were written into it early."""
        package = self._open_package()
        if self._parts is not None:
            self._parts.finish()  # every sheet written early is in the file
        if not self.worksheets():
            self.add_worksheet()
        meta = self.worksheet_meta
        if self._written_view is not None and meta.activesheet != self._written_view:
            raise ValueError("A sheet was activated after sheets had been written into the "
                             "file: activate it before the first sheet is done.")
        if meta.activesheet == 0:
            self.worksheets_objs[0].selected = 1
            self.worksheets_objs[0].hidden = 0
        for sheet in self.worksheets():
            if sheet.index == meta.activesheet:
                sheet.active = 1
        if self.vba_project:
            if any(isinstance(sheet, WrittenSheet) for sheet in self.worksheets()):
                raise ValueError("A VBA project was added after sheets had been written into "
                                 "the file: add it before the first sheet is done.")
            for sheet in self.worksheets():
                if sheet.vba_codename is None:
                    sheet.set_vba_name()
        self._prepare_sst_string_data()
        self._prepare_vml()
        self._prepare_defined_names()
        self._prepare_drawings()
        self._add_chart_data()
        self._prepare_tables()
        self._prepare_metadata()
        packager = self._get_packager()
        packager._add_workbook(self)
        packager._set_tmpdir(self.tmpdir)
        packager._set_in_memory(self.in_memory)
        xml_files = packager._create_package()
        packager = None
        for file_id, (os_filename, xml_filename, is_binary) in enumerate(xml_files):
            if self.in_memory:
                info = zipfile.ZipInfo(xml_filename, (1980, 1, 1, 0, 0, 0))
                info.compress_type = package.compression
                data = os_filename.getvalue()
                package.writestr(info, data if is_binary else data.encode("utf-8"))
                continue
            timestamp = time.mktime((1980, 1, 31, 0, 0, 0, 0, 0, -1))
            os.utime(os_filename, (timestamp, timestamp))
            try:
                package.write(os_filename, xml_filename)
                os.remove(os_filename)
            except zipfile.LargeZipFile:
                for remaining in xml_files[file_id:]:
                    os.remove(remaining[0])
                raise
        package.close()
