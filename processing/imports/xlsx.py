"""Reading an xlsx workbook: each sheet in one pass over its XML stream.

The rows are counted as they are read: a sheet is refused as soon as a row numbered past
the row limit, or a cell past the column limit, is seen (whatever the sheet's declared
dimension says), with the message that names the limit and the value seen. The XML is
read by expat with every DTD, entity declaration and external reference refused, as
defusedxml refuses them. Cells are typed as openpyxl types them in read-only mode
(``data_only``: a formula's cached value): shared and inline strings, numbers, dates by
their number format and the workbook's epoch, booleans, errors.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from xml.parsers import expat

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from .errors import ImportFailed
from .readers import (
    MAX_COLUMNS,
    RawSheet,
    Workbook,
    _check_size,
    _headings,
    _reject,
    _source,
    _too_many_columns,
    row_dicts,
)

#: Bytes of a sheet's XML given to the parser at a time.
_CHUNK = 256 * 1024
_WORKSHEET = "/worksheet"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"


def _local(name: str) -> str:
    return name[name.rfind(":") + 1:]


_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")


def _unescape(value: str) -> str:
    """Text with its "_xHHHH_" escapes undone (as openpyxl's ``unescape``)."""
    if "_x" not in value:
        return value
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), value)


def _column(reference: str | None, default: int, cache: dict[str, int]) -> int:
    """The column number of a cell reference ("AB12" -> 28); ``default`` without one."""
    letters = (reference or "").rstrip(_DIGITS)
    number = cache.get(letters)
    if number is None:
        if not letters or len(letters) > 3 or letters.strip(_LETTERS):
            return default
        number = 0
        for letter in letters:
            number = number * 26 + ord(letter) - 64
        cache[letters] = number
    return number


def _refuse_dtd(name, system_id, public_id, _internal_subset):
    raise DTDForbidden(name, system_id, public_id)


def _refuse_entity(name, *_details):
    raise EntitiesForbidden(name, None, None, None, None, None)


def _refuse_reference(context, base, system_id, public_id):
    raise ExternalReferenceForbidden(context, base, system_id, public_id)


def _parse(source, handler, *, chunks: bool = False):
    """Feed the XML ``source`` (a binary stream) to expat, its events to ``handler``
    (``start(name, attributes)``, ``end(name)``, ``text(data)`` when it has one), names
    without their prefix. DTDs, entities and external references are refused. With
    ``chunks``, a generator that yields after each chunk (the handler's rows read so
    far can then be taken), else parsed to the end."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = _CHUNK
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_reference
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    if hasattr(handler, "text"):
        parser.CharacterDataHandler = handler.text

    def run():
        try:
            while chunk := source.read(_CHUNK):
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
        except ImportFailed:
            raise
        except RecursionError:
            raise _reject("The file nests its XML too deeply to be a workbook.") from None
        except Exception as exc:  # a damaged stream, an entity, a DTD
            raise _reject(f"The file's XML cannot be read: {type(exc).__name__}: {exc}.") from None
        yield

    if chunks:
        return run()
    for _ in run():
        pass
    return None


class _Book:
    """The workbook part: sheet names, and whether dates count from 1904."""

    def __init__(self):
        self.sheets: list[tuple[str, str]] = []  # (name, relationship id)
        self.epoch = CALENDAR_WINDOWS_1900

    def start(self, name, attributes):
        name = _local(name)
        if name == "sheet":
            rel = next((v for k, v in attributes.items() if _local(k) == "id"), None)
            self.sheets.append((attributes.get("name", ""), rel))
        elif name == "workbookPr" and attributes.get("date1904") in ("1", "true"):
            self.epoch = CALENDAR_MAC_1904

    def end(self, name):
        pass


class _Relationships:
    def __init__(self):
        self.targets: dict[str, tuple[str, str]] = {}  # id -> (path, type)

    def start(self, name, attributes):
        if _local(name) == "Relationship":
            target = attributes.get("Target", "")
            target = target[1:] if target.startswith("/") else f"xl/{target}"
            self.targets[attributes.get("Id")] = (target, attributes.get("Type", ""))

    def end(self, name):
        pass


class _Styles:
    """The cell styles (by index) whose number format shows a date, or a duration."""

    def __init__(self):
        self.custom: dict[int, str] = {}
        self.formats: list[int] = []
        self.in_cell_formats = False

    def start(self, name, attributes):
        name = _local(name)
        if name == "numFmt":
            with contextlib.suppress(ValueError):
                self.custom[int(attributes.get("numFmtId", ""))] = attributes.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_formats = True
        elif name == "xf" and self.in_cell_formats:
            try:
                self.formats.append(int(attributes.get("numFmtId") or 0))
            except ValueError:
                self.formats.append(0)

    def end(self, name):
        if _local(name) == "cellXfs":
            self.in_cell_formats = False

    def kinds(self) -> tuple[set[str], set[str]]:
        dates, durations = set(), set()
        for index, number in enumerate(self.formats):
            code = self.custom.get(number) or BUILTIN_FORMATS.get(number) or "General"
            if is_date_format(code):
                dates.add(str(index))
            if is_timedelta_format(code):
                durations.add(str(index))
        return dates, durations


class _SharedStrings:
    """The shared string table: the text of each string item, phonetic runs left out."""

    def __init__(self):
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.collect = self.phonetic = False

    def start(self, name, attributes):
        name = _local(name)
        if name == "t":
            self.collect = not self.phonetic
        elif name == "rPh":
            self.phonetic = True
        elif name == "si":
            self.parts = []

    def end(self, name):
        name = _local(name)
        if name == "t":
            self.collect = False
        elif name == "rPh":
            self.phonetic = False
        elif name == "si":
            # As openpyxl reads the table.
            self.strings.append("".join(self.parts).replace("x005F_", ""))

    def text(self, data):
        if self.collect:
            self.parts.append(data)


class _Sheet:
    """The rows of one worksheet as the parser meets them: (row number, values) of each
    row that has cells, values from column A to the row's last cell (None where a cell is
    missing). A row numbered past the row limit, or a cell past the column limit, is
    refused as soon as it is seen."""

    def __init__(self, name: str, shared: list[str], dates: set[str], durations: set[str],
                 epoch, inline: bool):
        self.name, self.shared, self.dates, self.durations = name, shared, dates, durations
        self.epoch, self.inline = epoch, inline
        self.rows: list[tuple[int, list]] = []
        self.columns: dict[str, int] = {}
        #: element name as written -> without its prefix
        self.names: dict[str, str] = {}
        self.number = 0
        self.row: list = []
        self.cells = self.column = 0
        self.kind = self.style = ""
        self.parts: list[str] = []
        self.collect = self.in_inline = self.phonetic = self.has_inline = False

    def start(self, name, attributes):
        name = self.names.get(name) or self.names.setdefault(name, _local(name))
        if name == "c":
            self.cells += 1
            if self.cells == 1:
                _check_size(self.name, self.number)
            self.column = _column(attributes.get("r"), self.column + 1, self.columns)
            if self.column > MAX_COLUMNS or self.cells > MAX_COLUMNS:
                raise _too_many_columns(self.name, self.number, max(self.column, self.cells))
            self.kind = attributes.get("t", "n")
            self.style = attributes.get("s", "0")
            self.parts = []
            self.has_inline = False
        elif name == "v":
            self.collect = self.kind != "inlineStr"
        elif name == "t":
            self.collect = self.in_inline and not self.phonetic
        elif name == "is":
            self.in_inline = self.has_inline = True
        elif name == "rPh":
            self.phonetic = True
        elif name == "row":
            try:
                self.number = int(attributes.get("r") or self.number + 1)
            except ValueError:
                self.number += 1
            self.row, self.cells, self.column = [], 0, 0

    def end(self, name):
        name = self.names.get(name) or self.names.setdefault(name, _local(name))
        if name == "c":
            try:
                value = self._value()
            except (ValueError, IndexError, OverflowError) as exc:
                raise _reject(f"Sheet '{self.name}', row {self.number:,}: a cell cannot be read "
                              f"({exc}).") from None
            row, column = self.row, self.column
            gap = column - len(row) - 1
            if gap >= 0:
                if gap:
                    row.extend([None] * gap)
                row.append(value)
            else:
                row[column - 1] = value
        elif name in ("v", "t"):
            self.collect = False
        elif name == "row":
            if self.cells:
                self.rows.append((self.number, self.row))
        elif name == "is":
            self.in_inline = False
        elif name == "rPh":
            self.phonetic = False

    def text(self, data):
        if self.collect:
            self.parts.append(data)

    def _value(self):
        kind = self.kind
        if kind == "inlineStr":
            value = "".join(self.parts) if self.has_inline else None
        else:
            text = "".join(self.parts)
            if not text:
                return None
            if kind == "n":
                value = float(text) if "." in text or "E" in text or "e" in text else int(text)
                if self.style in self.dates:
                    try:
                        return from_excel(value, self.epoch,
                                          timedelta=self.style in self.durations)
                    except (OverflowError, ValueError):
                        return "#VALUE!"
                return value
            if kind == "s":
                return self.shared[int(text)]
            if kind == "b":
                return bool(int(text))
            if kind == "d":
                return from_ISO8601(text)
            value = text  # "str" (a formula's text) and "e" (an error)
        if self.inline and value:
            value = _unescape(value)
        return value


def _sheets(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], object, dict[str, str]]:
    """(sheet name, path in the archive) of each worksheet in the workbook's order, the
    workbook's date epoch, and the paths of its shared strings and styles."""
    relationships, book = _Relationships(), _Book()
    with archive.open("xl/_rels/workbook.xml.rels") as source:
        _parse(source, relationships)
    with archive.open("xl/workbook.xml") as source:
        _parse(source, book)
    sheets = []
    for name, rel in book.sheets:
        path, kind = relationships.targets.get(rel, ("", ""))
        if kind.endswith(_WORKSHEET) and path in archive.NameToInfo:
            sheets.append((name, path))
    parts = {"sharedStrings": "xl/sharedStrings.xml", "styles": "xl/styles.xml"}
    for path, kind in relationships.targets.values():
        part = kind.rpartition("/")[2]
        if part in parts and path in archive.NameToInfo:
            parts[part] = path
    return sheets, book.epoch, parts


def _part(archive: zipfile.ZipFile, path: str, handler):
    if path in archive.NameToInfo:
        with archive.open(path) as source:
            _parse(source, handler)
    return handler


def _read(archive: zipfile.ZipFile) -> list[RawSheet]:
    sheets = _open(archive)
    for sheet in sheets:
        sheet.rows = list(sheet.rows)
    return sheets


def _open(archive: zipfile.ZipFile) -> list[RawSheet]:
    """The worksheets, each with its headings read and its other rows read from its own
    stream as they are asked for."""
    paths, epoch, parts = _sheets(archive)
    inline = parts["sharedStrings"] not in archive.NameToInfo
    # openpyxl undoes the "_xHHHH_" escapes of shared strings only: those of text kept in
    # the cells (as the project's exports, written row by row, keep it) are undone here.
    shared = _part(archive, parts["sharedStrings"], _SharedStrings()).strings
    dates, durations = _part(archive, parts["styles"], _Styles()).kinds()
    sheets = []
    for name, path in paths:
        reader = _Sheet(name, shared, dates, durations, epoch, inline)
        source = archive.open(path)
        sheets.append(_sheet_of(reader, _parse(source, reader, chunks=True)))
    return sheets


def _cells(reader: _Sheet, chunks):
    """(row number, values) of each row the parser reads, a chunk of the stream at a time."""
    for _ in chunks:
        taken, reader.rows = reader.rows, []
        yield from taken


def _sheet_of(reader: _Sheet, chunks) -> RawSheet:
    """The sheet read by ``reader``: headings from row 1 (read now), then an iterator of
    its other rows."""
    sheet = RawSheet(reader.name, [])
    cells = _cells(reader, chunks)
    first = next(cells, None)
    if first is not None and first[0] == 1:
        sheet.headings, first = _headings(first[1]), None

    def rows():
        if first is not None:
            yield first
        for number, values in cells:
            # Every column of the sheet, as in the other formats: an empty cell is "".
            if len(values) < len(sheet.headings):
                values.extend([None] * (len(sheet.headings) - len(values)))
            yield number, values

    sheet.rows = row_dicts(sheet, rows())
    return sheet


def _damaged(exc: Exception) -> ImportFailed:
    return _reject(f"The xlsx file is damaged or truncated: {exc}.")


def read_xlsx(data: bytes) -> list[RawSheet]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _read(archive)
    except ImportFailed:
        raise
    except (KeyError, IndexError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise _damaged(exc) from None


def stream_xlsx(data: Workbook) -> list[RawSheet]:
    """As :func:`read_xlsx`, each sheet's rows read from its stream as they are asked for
    (a damaged stream is refused when it is reached); ``data`` may be a binary file open on
    the workbook, read from as the rows are asked for."""
    try:
        archive = zipfile.ZipFile(_source(data))
        sheets = _open(archive)
    except ImportFailed:
        raise
    except (KeyError, IndexError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise _damaged(exc) from None
    for sheet in sheets:
        sheet.rows = _refusing(sheet.rows)
    return sheets


def _refusing(rows):
    try:
        yield from rows
    except ImportFailed:
        raise
    except (KeyError, IndexError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise _damaged(exc) from None
