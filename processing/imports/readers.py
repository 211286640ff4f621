"""Reading an uploaded workbook, with its size bounded before anything is parsed.

The file is refused before parsing when it is too large, is not a workbook (checked on
its bytes, not its name), or is a zip (xlsx, ods, zip of csv files) whose entries are
too many or expand too much (a zip bomb). Then each sheet is counted from its XML or
text stream: a sheet with too many rows or too many columns is refused, whatever it
claims (a row repeated a million times in an ods, a row numbered 1,048,576 in an xlsx).
An ods or a zip of csv files is counted in a first pass that keeps nothing; an xlsx is
counted as it is read, in one pass (``processing.imports.xlsx``), and refused as soon as
a row or a cell past the limits is seen. A JSON workbook is refused when
it nests deeper than a workbook does, before it is decoded. Every refusal names the
limit and the value seen.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from defusedxml.ElementTree import iterparse
from django.conf import settings

from processing.exports.cells import unsafe

from .errors import ImportFailed, RowError

MAX_BYTES = getattr(settings, "ROPA_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
MAX_ROWS = getattr(settings, "ROPA_IMPORT_MAX_ROWS", 50_000)
MAX_ZIP_ENTRIES = getattr(settings, "ROPA_IMPORT_MAX_ZIP_ENTRIES", 500)
MAX_UNCOMPRESSED = getattr(settings, "ROPA_IMPORT_MAX_UNCOMPRESSED", 300 * 1024 * 1024)
MAX_RATIO = 200  # expansion ratio above which a large zip entry is taken for a bomb
#: Columns of a sheet (the widest sheet of the workbook format has fewer than 60).
MAX_COLUMNS = getattr(settings, "ROPA_IMPORT_MAX_COLUMNS", 500)
#: Nesting of arrays and objects in a JSON workbook ({"sheets": {name: [{column: [...]}]}}
#: is 4 deep).
MAX_JSON_DEPTH = getattr(settings, "ROPA_IMPORT_MAX_JSON_DEPTH", 20)
#: Characters of one csv record (all its lines): a record longer than this is refused
#: before it is split into fields.
MAX_CSV_RECORD = getattr(settings, "ROPA_IMPORT_MAX_CSV_RECORD", 1024 * 1024)

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass
class RawSheet:
    name: str
    headings: list[str]
    #: (row number as the user sees it, heading -> value); for a sheet opened by
    #: :func:`open_book`, an iterator that reads them as they are asked for (once).
    rows: list[tuple[int, dict]] = field(default_factory=list)


def _reject(message: str, value: str = "") -> ImportFailed:
    return ImportFailed([RowError(sheet="", row=None, column="", value=value, message=message)])


#: A workbook as the import is given it: its bytes, or a binary file open on it (seekable),
#: which is then read where it is needed rather than held whole.
Workbook = bytes | BinaryIO


def _source(data: Workbook) -> BinaryIO:
    """A stream over the workbook, at its start."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return io.BytesIO(data)
    data.seek(0)
    return data


def _whole(data: Workbook) -> bytes:
    """The workbook's bytes (a file is read whole)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    return _source(data).read()


def sniff(data: Workbook, filename: str = "") -> str:
    """The kind of workbook: "xlsx", "ods", "csv" (zip of csv files) or "json".

    Decided on the content; a zip is opened only to read its table of contents.
    """
    source = _source(data)
    size = source.seek(0, io.SEEK_END)
    if size > MAX_BYTES:
        raise _reject(f"The file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes.")
    if not size:
        raise _reject("The file is empty.")
    source.seek(0)
    first = source.read(64)
    source.seek(0)
    if first[:4] == b"PK\x03\x04":
        return _sniff_zip(source)
    head = first.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "json"
    if filename.lower().endswith(".csv"):
        raise _reject("A single csv file cannot hold the workbook: upload the zip of csv files "
                      "(one per sheet) that the csv export produces.", filename)
    raise _reject("Wrong file type: expected a workbook as .xlsx, .ods, a zip of .csv files or "
                  ".json.", filename)


def _sniff_zip(source: BinaryIO) -> str:
    try:
        archive = zipfile.ZipFile(source)
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise _reject("The file is damaged or truncated: it is not a readable zip archive "
                      "(xlsx and ods files are zip archives).") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _reject(f"The archive holds {len(infos):,} files; the limit is {MAX_ZIP_ENTRIES:,}.")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise _reject(f"The archive expands to {total:,} bytes; the limit is {MAX_UNCOMPRESSED:,} "
                      "bytes.")
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _reject(f"The archive entry '{info.filename}' expands {info.file_size:,} bytes "
                          f"from {info.compress_size:,}: refused as a possible zip bomb.")
    names = {info.filename for info in infos}
    with archive:
        if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
            return "ods"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if names and all(n.lower().endswith(".csv") for n in names if not n.endswith("/")):
        return "csv"
    raise _reject("Wrong file type: the zip archive is neither an xlsx nor an ods workbook nor "
                  "a zip of csv files.")


def _cell(value):
    """A cell value as text: what the workbook format holds, neutralising undone."""
    if type(value) is str:  # most cells: checked first
        return unsafe(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time.min else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return unsafe(str(value))


def _too_many_rows(sheet: str, rows: int, *, exact: bool = False) -> ImportFailed:
    """``rows``: the rows after the heading row seen so far (all of them when ``exact``)."""
    seen = f"{rows:,} rows" if exact else f"{rows:,} rows or more"
    return _reject(f"Sheet '{sheet}' has {seen}; the limit is {MAX_ROWS:,} rows.",
                   f"{rows:,} rows")


def _too_many_columns(sheet: str, row: int, columns: int) -> ImportFailed:
    return _reject(f"Sheet '{sheet}', row {row:,}, has {columns:,} columns or more; the limit "
                   f"is {MAX_COLUMNS:,} columns.", f"{columns:,} columns")


def _check_size(sheet: str, last_row: int, width: int = 0) -> None:
    """Refuse a sheet whose row ``last_row`` (the heading row is 1) or whose width is past
    the limits."""
    if last_row - 1 > MAX_ROWS:
        raise _too_many_rows(sheet, last_row - 1)
    if width > MAX_COLUMNS:
        raise _too_many_columns(sheet, last_row, width)


def _add_rows(sheet: RawSheet, rows: Iterable[tuple[int, Iterable]]) -> RawSheet:
    """``rows``: (row number as the user sees it, values) after the heading row."""
    sheet.rows.extend(row_dicts(sheet, rows))
    return sheet


def row_dicts(sheet: RawSheet, rows: Iterable[tuple[int, Iterable]]) -> Iterator[tuple[int, dict]]:
    """(row number, heading -> cell text) of each row of ``rows`` that holds a value, as
    they are read: ``rows`` gives (row number as the user sees it, values) after the
    heading row."""
    for number, values in rows:
        _check_size(sheet.name, number)
        cells = [_cell(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        row = dict(zip(sheet.headings, cells, strict=False))
        extra = [c for c in cells[len(sheet.headings):] if c.strip()]
        if extra:
            row["__extra__"] = extra
        yield number, row


def _headings(values) -> list[str]:
    headings = [_cell(v).strip() for v in values]
    while headings and not headings[-1]:
        headings.pop()
    return headings


# --- streaming XML ------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _stream_elements(source, names: set[str]) -> Iterator[tuple[str, object]]:
    """("start", element) for the elements named in ``names`` (local names) as they open,
    ("end", element) as they close; an ended element is emptied and detached from its
    parent once the caller is done with it, so memory holds one row at a time however
    long the stream. Entities and DTDs are refused (defusedxml)."""
    stack = []
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                stack.append(element)
                if _local(element.tag) in names:
                    yield "start", element
                continue
            stack.pop()
            if _local(element.tag) in names:
                yield "end", element
                element.clear()
                if stack:
                    stack[-1].remove(element)
    except ImportFailed:
        raise
    except RecursionError:
        raise _reject("The file nests its XML too deeply to be a workbook.") from None
    except Exception as exc:  # a damaged stream, an entity, a DTD
        raise _reject(f"The file's XML cannot be read: {type(exc).__name__}: {exc}.") from None


# --- xlsx ---------------------------------------------------------------------------------


def read_xlsx(data: bytes) -> list[RawSheet]:
    """The sheets of an xlsx workbook, each read in one pass (``processing.imports.xlsx``)."""
    from .xlsx import read_xlsx as read

    return read(data)


# --- ods ----------------------------------------------------------------------------------

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_CELLS = ("table-cell", "covered-table-cell")


def _repeat(element, attribute: str) -> int:
    try:
        return max(1, int(element.get(f"{_TABLE}{attribute}") or 1))
    except ValueError:
        return 1


def _ods_text(element) -> str:
    """The text of a cell as the spreadsheet shows it: paragraphs on lines of their own,
    <text:s/> spaces, tabs and line breaks."""
    lines = []
    for paragraph in element:
        if _local(paragraph.tag) in ("p", "h"):
            lines.append(_ods_inline(paragraph))
    return "\n".join(lines)


def _ods_inline(element) -> str:
    parts = [element.text or ""]
    for child in element:
        name = _local(child.tag)
        if name == "s":
            parts.append(" " * _repeat_text(child))
        elif name == "tab":
            parts.append("\t")
        elif name == "line-break":
            parts.append("\n")
        elif name not in ("annotation", "note", "bookmark", "bookmark-start"):
            parts.append(_ods_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _repeat_text(space) -> int:
    try:
        return min(max(1, int(space.get(f"{_TEXT}c") or 1)), 10_000)
    except ValueError:
        return 1


def _ods_value(cell):
    """A cell's value as the spreadsheet types it: numbers, dates, times and yes/no, the rest
    the shown text."""
    kind = cell.get(f"{_OFFICE}value-type")
    try:
        if kind == "float" and cell.get(f"{_OFFICE}value") is not None:
            return float(cell.get(f"{_OFFICE}value"))
        if kind == "date" and cell.get(f"{_OFFICE}date-value"):
            value = cell.get(f"{_OFFICE}date-value")
            return (datetime.datetime.fromisoformat(value) if "T" in value
                    else datetime.date.fromisoformat(value))
        if kind == "boolean":
            return cell.get(f"{_OFFICE}boolean-value") == "true"
        if kind == "time" and cell.get(f"{_OFFICE}time-value"):
            found = re.fullmatch(r"PT(\d+)H(\d+)M(\d+)(?:\.\d+)?S",
                                 cell.get(f"{_OFFICE}time-value"))
            if found:
                hours, minutes, seconds = (int(g) for g in found.groups())
                return datetime.time(hours % 24, minutes, seconds)
    except ValueError:
        pass
    return _ods_text(cell)


def _ods_rows(data: bytes, *, values: bool) -> Iterator[tuple[str, int, int, list]]:
    """(sheet name, row number, times the row is repeated, cells) of each row that holds a
    value, read from the content.xml stream (row number 0 as each sheet begins); cells
    are (value, times repeated) up to the last one that holds a value (``values=False``:
    True for the value). Repeated empty
    rows and cells (a spreadsheet writes thousands after the last used one) are skipped
    unexpanded; a sheet past the limits is refused as soon as it is seen to be."""
    names = {"table", "table-row", *_ODS_CELLS}
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as source:
        sheet, number, cells, width = "", 1, [], 0
        for event, element in _stream_elements(source, names):
            name = _local(element.tag)
            if event == "start":
                if name == "table":
                    sheet, number = element.get(f"{_TABLE}name", ""), 1
                    yield sheet, 0, 0, []
                elif name == "table-row":
                    cells, width = [], 0
                continue
            if name in _ODS_CELLS:
                repeat = _repeat(element, "number-columns-repeated")
                filled = bool(len(element)) or element.get(f"{_OFFICE}value-type") not in (
                    None, "void")
                width += repeat
                if filled:
                    _check_size(sheet, number, width)
                    cells.append((_ods_value(element) if values else True, repeat))
                else:
                    cells.append(("", repeat))
            elif name == "table-row":
                repeat = _repeat(element, "number-rows-repeated")
                while cells and cells[-1][0] == "":
                    cells.pop()
                if cells:
                    _check_size(sheet, number + repeat - 1)
                    yield sheet, number, repeat, cells
                number += repeat


def read_ods(data: bytes) -> list[RawSheet]:
    try:
        for _ in _ods_rows(data, values=False):  # counted first, nothing kept
            pass
        sheets: dict[str, RawSheet] = {}
        rows: dict[str, list] = {}
        for name, number, repeat, cells in _ods_rows(data, values=True):
            if not number:  # a sheet begins
                sheets[name], rows[name] = RawSheet(name, []), []
                continue
            values = [v for value, times in cells for v in itertools.repeat(value, times)]
            if number == 1:
                sheets[name].headings = _headings(values)
                repeat, number = repeat - 1, 2
            # Every column of the sheet, as in the other formats: an empty cell is "".
            values += [""] * (len(sheets[name].headings) - len(values))
            rows[name].extend((number + i, values) for i in range(repeat))
    except ImportFailed:
        raise
    except (KeyError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise _reject(f"The ods file is damaged or truncated: {exc}.") from None
    return [_add_rows(sheet, rows[name]) for name, sheet in sheets.items()]


# --- zip of csv files ---------------------------------------------------------------------


def _csv_records(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[list[str]]:
    """The records of one csv file, read from the zip stream; a record longer than
    MAX_CSV_RECORD characters is refused before it is split into fields."""
    read = 0

    def lines(text):
        nonlocal read
        while line := text.readline(MAX_CSV_RECORD + 1):
            read += len(line)
            if read > MAX_CSV_RECORD:
                raise _reject(f"'{info.filename}' holds a record of more than "
                              f"{MAX_CSV_RECORD:,} characters; the limit is "
                              f"{MAX_CSV_RECORD:,}.", f"{read:,} characters")
            yield line

    try:
        with archive.open(info) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            for record in csv.reader(lines(text)):
                yield record
                read = 0
    except UnicodeDecodeError:
        raise _reject(f"'{info.filename}' is not UTF-8 text.") from None
    except csv.Error as exc:
        raise _reject(f"'{info.filename}' is not readable csv: {exc}.") from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _reject(f"The zip file is damaged or truncated: {exc}.") from None


def read_csv_zip(data: bytes) -> list[RawSheet]:
    sheets = stream_csv_zip(data)
    for sheet in sheets:
        sheet.rows = list(sheet.rows)
    return sheets


def stream_csv_zip(data: Workbook) -> list[RawSheet]:
    """The csv files of the zip, counted first (nothing kept), each sheet's rows then read
    from its stream as they are asked for."""
    archive = zipfile.ZipFile(_source(data))
    files = [info for info in archive.infolist() if not info.filename.endswith("/")]
    names = {info.filename: info.filename.rsplit("/", 1)[-1][: -len(".csv")] for info in files}
    for info in files:  # counted first, nothing kept
        for number, record in enumerate(_csv_records(archive, info), start=1):
            _check_size(names[info.filename], number, len(record))
    sheets = []
    for info in files:
        records = _csv_records(archive, info)
        sheet = RawSheet(names[info.filename], _headings(next(records, [])))
        sheet.rows = row_dicts(sheet, enumerate(records, start=2))
        sheets.append(sheet)
    return sheets


# --- json ---------------------------------------------------------------------------------

_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_JSON_NESTING = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(data: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest, counted on its bytes (strings
    left out) without decoding it."""
    brackets = re.sub(rb"[^\[\]{}]", b"", _JSON_STRING.sub(b"", data))
    return max(itertools.accumulate(map(_JSON_NESTING.__getitem__, brackets)), default=0)


def read_json(data: bytes) -> list[RawSheet]:
    depth = json_depth(data)
    if depth > MAX_JSON_DEPTH:
        raise _reject(f"The JSON file nests arrays and objects {depth:,} levels deep; the limit "
                      f"is {MAX_JSON_DEPTH:,} levels.", f"{depth:,} levels")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _reject(f"The JSON file is damaged or truncated: {exc}.") from None
    if not isinstance(document, dict) or not isinstance(document.get("sheets"), dict):
        raise _reject('The JSON file is not a workbook: expected {"sheets": {"Activities": '
                      '[...], ...}}.')
    sheets = []
    for name, rows in document["sheets"].items():
        if not isinstance(rows, list):
            raise _reject(f"Sheet '{name}' must be a list of rows.")
        if len(rows) > MAX_ROWS:
            raise _too_many_rows(name, len(rows), exact=True)
        headings: list[str] = []
        for row in rows:
            if isinstance(row, dict):
                headings += [h for h in row if h not in headings]
        if len(headings) > MAX_COLUMNS:
            raise _too_many_columns(name, 1, len(headings))
        sheet = RawSheet(str(name), headings)
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                sheet.rows.append((number, {"__invalid__": row}))
                continue
            sheet.rows.append((number, {h: ("" if v is None else v) for h, v in row.items()}))
        sheets.append(sheet)
    return sheets


READERS = {"xlsx": read_xlsx, "ods": read_ods, "csv": read_csv_zip, "json": read_json}


def read_book(data: bytes, filename: str = "") -> tuple[str, list[RawSheet]]:
    """The kind of file and its sheets; :class:`ImportFailed` for a refused file."""
    kind = sniff(data, filename)
    return kind, READERS[kind](data)


def stream_xlsx(data: Workbook) -> list[RawSheet]:
    from .xlsx import stream_xlsx as stream

    return stream(data)


#: Readers whose sheets' rows are read as they are asked for, each sheet on its own
#: stream; the other kinds of file are read whole (an ods holds every sheet in one XML
#: stream, a JSON file is decoded at once).
STREAMS = {"xlsx": stream_xlsx, "csv": stream_csv_zip}


def open_book(data: Workbook, filename: str = "") -> tuple[str, list[RawSheet]]:
    """As :func:`read_book`, but the rows of an xlsx workbook or a zip of csv files are
    read as the import asks for them, one sheet beside another: a sheet past the limits
    is refused when its rows are read. ``data`` may be a binary file open on the
    workbook: an xlsx or a zip of csv files is then read from the file, not held whole."""
    kind = sniff(data, filename)
    if kind in STREAMS:
        return kind, STREAMS[kind](data)
    return kind, READERS[kind](_whole(data))
