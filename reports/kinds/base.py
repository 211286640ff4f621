"""What a report kind produces: headline figures, tables and charts.

The rendering (reports/rendering.py) turns the same content into the workbook, the web
page and the email, so every kind only says what it found.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    """A table: one sheet of the workbook, one table of the web page."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
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
