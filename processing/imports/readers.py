"""Reading an uploaded workbook, with its size bounded before anything is parsed.

The file is refused before parsing when it is too large, is not a workbook (checked on
its bytes, not its name), or is a zip (xlsx, ods, zip of csv files) whose entries are
too many or expand too much (a zip bomb). Rows are counted while reading and a sheet
with too many rows stops the reading.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field

from django.conf import settings

from processing.exports.cells import unsafe

from .errors import ImportFailed, RowError

MAX_BYTES = getattr(settings, "ROPA_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
MAX_ROWS = getattr(settings, "ROPA_IMPORT_MAX_ROWS", 50_000)
MAX_ZIP_ENTRIES = getattr(settings, "ROPA_IMPORT_MAX_ZIP_ENTRIES", 500)
MAX_UNCOMPRESSED = getattr(settings, "ROPA_IMPORT_MAX_UNCOMPRESSED", 300 * 1024 * 1024)
MAX_RATIO = 200  # expansion ratio above which a large zip entry is taken for a bomb

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass
class RawSheet:
    name: str
    headings: list[str]
    #: (row number as the user sees it, heading -> value)
    rows: list[tuple[int, dict]] = field(default_factory=list)


def _reject(message: str, value: str = "") -> ImportFailed:
    return ImportFailed([RowError(sheet="", row=None, column="", value=value, message=message)])


def sniff(data: bytes, filename: str = "") -> str:
    """The kind of workbook: "xlsx", "ods", "csv" (zip of csv files) or "json".

    Decided on the content; a zip is opened only to read its table of contents.
    """
    if len(data) > MAX_BYTES:
        raise _reject(f"The file is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes.")
    if not data:
        raise _reject("The file is empty.")
    if data[:4] == b"PK\x03\x04":
        return _sniff_zip(data)
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "json"
    if filename.lower().endswith(".csv"):
        raise _reject("A single csv file cannot hold the workbook: upload the zip of csv files "
                      "(one per sheet) that the csv export produces.", filename)
    raise _reject("Wrong file type: expected a workbook as .xlsx, .ods, a zip of .csv files or "
                  ".json.", filename)


def _sniff_zip(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
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


def _add_rows(sheet: RawSheet, rows) -> RawSheet:
    """``rows``: iterable of value lists after the heading row (numbered from 2)."""
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise _reject(f"Sheet '{sheet.name}' has more than {MAX_ROWS:,} rows.")
        cells = [_cell(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        row = dict(zip(sheet.headings, cells, strict=False))
        extra = [c for c in cells[len(sheet.headings):] if c.strip()]
        if extra:
            row["__extra__"] = extra
        sheet.rows.append((number, row))
    return sheet


def _headings(values) -> list[str]:
    headings = [_cell(v).strip() for v in values]
    while headings and not headings[-1]:
        headings.pop()
    return headings


def _inline_strings_only(data: bytes) -> bool:
    """Whether the file keeps its text in the cells (as the project's exports, written
    row by row, do) rather than in a shared string table. openpyxl undoes the "_xHHHH_"
    escapes of shared strings only: those of text kept in the cells are undone here."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "xl/sharedStrings.xml" not in archive.namelist()


def read_xlsx(data: bytes) -> list[RawSheet]:
    from openpyxl import load_workbook
    from openpyxl.utils.escape import unescape

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _reject(f"The xlsx file cannot be read: {exc}.") from None
    sheets = []
    try:
        inline = _inline_strings_only(data)
        for ws in book.worksheets:
            declared = ws.max_row or 0
            if declared > MAX_ROWS + 1:
                raise _reject(f"Sheet '{ws.title}' has {declared - 1:,} rows; the limit is "
                              f"{MAX_ROWS:,}.")
            rows = ws.iter_rows(values_only=True)
            if inline:
                rows = (tuple(unescape(v) if isinstance(v, str) else v for v in row)
                        for row in rows)
            first = next(rows, None)
            sheet = RawSheet(ws.title, _headings(first or []))
            sheets.append(_add_rows(sheet, rows))
    except ImportFailed:
        raise
    except Exception as exc:
        raise _reject(f"The xlsx file is damaged or truncated: {exc}.") from None
    finally:
        book.close()
    return sheets


def read_ods(data: bytes) -> list[RawSheet]:
    import tablib

    try:
        book = tablib.Databook().load(data, "ods")
    except Exception as exc:
        raise _reject(f"The ods file is damaged or truncated: {exc}.") from None
    sheets = []
    for dataset in book.sheets():
        if len(dataset) > MAX_ROWS:
            raise _reject(f"Sheet '{dataset.title}' has more than {MAX_ROWS:,} rows.")
        sheet = RawSheet(dataset.title, _headings(dataset.headers or []))
        sheets.append(_add_rows(sheet, (list(r) for r in dataset)))
    return sheets


def read_csv_zip(data: bytes) -> list[RawSheet]:
    sheets = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.endswith("/"):
                continue
            name = info.filename.rsplit("/", 1)[-1][: -len(".csv")]
            try:
                text = archive.read(info).decode("utf-8-sig")
            except UnicodeDecodeError:
                raise _reject(f"'{info.filename}' is not UTF-8 text.") from None
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise _reject(f"The zip file is damaged or truncated: {exc}.") from None
            reader = csv.reader(io.StringIO(text, newline=""))
            sheet = RawSheet(name, _headings(next(reader, [])))
            sheets.append(_add_rows(sheet, reader))
    return sheets


def read_json(data: bytes) -> list[RawSheet]:
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
            raise _reject(f"Sheet '{name}' has {len(rows):,} rows; the limit is {MAX_ROWS:,}.")
        headings: list[str] = []
        for row in rows:
            if isinstance(row, dict):
                headings += [h for h in row if h not in headings]
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
