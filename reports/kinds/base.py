"""What a report kind produces: headline figures, tables and charts.

The rendering (reports/rendering.py) turns the same content into the workbook, the web
page and the email, so every kind only says what it found.
"""

from __future__ import annotations

import datetime
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any


class SpooledRows:
    """The rows of a table too long to hold (every finding of a large register): kept in
    a temporary file as they are added, a chunk at a time, and read back from it each time
    they are iterated (the workbook and the web page each go through them once). Holds one
    chunk of rows in memory."""

    CHUNK = 1_000

    def __init__(self, rows: Iterable[list[Any]] = ()):
        # Open as long as the rows are: closed by close(), or when they are let go.
        self._file = tempfile.TemporaryFile()  # noqa: SIM115
        self._chunk: list[list[Any]] = []
        self._count = 0
        for row in rows:
            self.append(row)

    def append(self, row: list[Any]) -> None:
        self._chunk.append(row)
        self._count += 1
        if len(self._chunk) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._chunk:
            self._file.seek(0, 2)
            pickle.dump(self._chunk, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._chunk = []

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[list[Any]]:
        self._flush()
        self._file.seek(0)
        # Only this process wrote the file: unpickling it reads back what it put there.
        while True:
            try:
                chunk = pickle.load(self._file)
            except EOFError:
                return
            yield from chunk

    def close(self) -> None:
        self._file.close()


@dataclass
class Section:
    """A table: one sheet of the workbook, one table of the web page."""

    title: str
    columns: list[str]
    #: A list, or :class:`SpooledRows` for a table that may be too long to hold.
    rows: list[list[Any]] | SpooledRows
    description: str = ""
    empty_text: str = "Nothing to report."


@dataclass
class Chart:
    """A horizontal bar chart of (label, value) pairs, drawn as inline SVG."""

    title: str
    bars: list[tuple[str, float]]
    unit: str = ""
    maximum: float | None = None


@dataclass
class Figure:
    """A headline number, with how it moved since the previous report when known."""

    label: str
    value: Any
    change: int | float | None = None


@dataclass
class ReportContent:
    title: str
    scope: str
    period: datetime.date
    generated_at: datetime.datetime
    #: Where the period starts when the report covers a span (the change report).
    period_start: datetime.datetime | None = None
    figures: list[Figure] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    #: Stored on the report (JSON) so that the next report can show the trend.
    summary: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
