"""Drawing the pages: text laid out with the standard fonts' metrics, tables that continue
across pages, and page numbers shown before they are known.

The pages are drawn at the level of the PDF's content streams rather than through
reportlab's platypus or canvas: platypus spends most of its time on general-purpose
paragraph and table machinery, and the canvas keeps every page until the document is
saved. Here each page's content stream is compressed and written to the file as soon as
the page is done; what is held until the end is a few numbers per page and per place
named (an organisation's or an activity's start).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from processing.models import ActivityStatus

from .file import ESCAPES, WIN_ANSI

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
TOP = PAGE_HEIGHT - MARGIN
BOTTOM = MARGIN + 6 * mm  # above the footer
WIDTH = PAGE_WIDTH - 2 * MARGIN
PAD = 3  # points inside a table cell

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
#: The content streams' names of the two fonts.
FONT_NAMES = {REGULAR: "/F1", BOLD: "/F2"}


@dataclass(frozen=True)
class Style:
    font: str
    size: float
    leading: float

    @functools.cached_property
    def text_start(self) -> str:
        """The start of a text object in this style: font, size and line spacing."""
        return f"BT {FONT_NAMES[self.font]} {self.size} Tf {self.leading} TL "


BODY = Style(REGULAR, 9, 11)
LABEL = Style(BOLD, 9, 11)
SMALL = Style(REGULAR, 8, 10)
H1 = Style(BOLD, 15, 18)
H2 = Style(BOLD, 11, 14)
COVER_TITLE = Style(BOLD, 22, 28)

#: Fill colours (PDF ``rg`` operands).
LABEL_FILL = "0.933 0.949 0.969"
HEADER_FILL = "0.867 0.898 0.941"
STATUS_FILLS = {
    ActivityStatus.DRAFT: "0.996 0.871 0.667",
    ActivityStatus.IN_REVIEW: "0.765 0.851 0.965",
    ActivityStatus.ACTIVE: "0.741 0.902 0.765",
    ActivityStatus.RETIRED: "0.851 0.851 0.851",
}
STATUS_NOTES = {
    ActivityStatus.DRAFT: "not submitted for review",
    ActivityStatus.IN_REVIEW: "awaiting approval",
    ActivityStatus.ACTIVE: "approved and in force",
    ActivityStatus.RETIRED: "no longer carried out",
}

#: Control characters the fonts do not draw (a tab is drawn as a space).
_CONTROLS = {**{c: None for c in range(32) if c != 10}, 9: " "}
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")


def drawable(text: str) -> str:
    """``text`` as the standard fonts can draw it: a character outside their encoding
    (Windows-1252) is drawn as its base letter where it has one ("ś" as "s"), otherwise
    as "?"."""
    if _CONTROL.search(text):
        text = text.translate(_CONTROLS)
    if text.isascii():
        return text
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        return "".join(_drawable_character(c) for c in text)


@functools.lru_cache(maxsize=4096)
def _drawable_character(character: str) -> str:
    try:
        character.encode("cp1252")
        return character
    except UnicodeEncodeError:
        base = unicodedata.normalize("NFKD", character).encode("cp1252", "ignore").decode("cp1252")
        return base if base.strip() else "?"


#: The wrapped lines remembered per font: registers repeat their terms, but a line is
#: long text (up to about 1 kB held with its wrapping), so at most this many.
WRAPPED_HELD = 20_000


class Measure:
    """Widths and wrapping of text in one standard font, from its metrics."""

    def __init__(self, font: str):
        metrics = pdfmetrics.getFont(font)
        self.widths: dict[str, int] = {}
        for code, width in enumerate(metrics.widths):
            if WIN_ANSI[code]:
                self.widths[WIN_ANSI[code]] = width
        self.widest = max(self.widths.values())
        self.wrapped: dict[tuple[str, float, float], list[str]] = {}

    def width(self, text: str, size: float) -> float:
        """The width of drawable text (see :func:`drawable`)."""
        return sum(map(self.widths.__getitem__, text)) * size / 1000

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """``text`` in lines no wider than ``width``: its own lines, each broken between
        words, and inside a word only where one word is wider than the line."""
        if len(text) * self.widest * size / 1000 <= width and "\n" not in text:
            return [text]
        lines: list[str] = []
        for line in text.split("\n"):
            if len(line) * self.widest * size / 1000 <= width:
                lines.append(line)
                continue
            key = (line, size, width)
            found = self.wrapped.get(key)
            if found is None:
                if len(self.wrapped) > WRAPPED_HELD:  # a register's repeated texts, bounded
                    self.wrapped.clear()
                found = self.wrapped[key] = self._break(line, size, width)
            lines.extend(found)
        return lines

    def _break(self, line: str, size: float, width: float) -> list[str]:
        if self.width(line, size) <= width:
            return [line]
        measure = self.widths.__getitem__
        lines: list[str] = []
        current: list[str] = []  # the words of the line being filled (none: empty)
        used = 0.0
        space = self.width(" ", size)
        for word in line.split(" "):
            size_of = sum(map(measure, word)) * size / 1000
            if current and used + space + size_of <= width:
                current.append(word)
                used = used + space + size_of
                continue
            if current:
                lines.append(" ".join(current))
            while size_of > width:  # a word (a link) longer than the line: cut it
                low, high = 1, len(word)  # the longest start of it that fits
                while low < high:
                    middle = (low + high + 1) // 2
                    if self.width(word[:middle], size) <= width:
                        low = middle
                    else:
                        high = middle - 1
                lines.append(word[:low])
                word = word[low:]
                size_of = self.width(word, size)
            current, used = [word] if word else [], size_of
        lines.append(" ".join(current))
        return lines


@dataclass(frozen=True)
class Column:
    width: float
    style: Style = BODY
    fill: str = ""


class Grid:
    """A table's columns across the page, with what every row of the table draws the same:
    where each column's text starts, and the fills, frame and lines of a row from
    ``{low}`` to ``{high}`` (``{tall}`` high), for the header row and for the others."""

    def __init__(self, *columns: Column):
        self.columns = columns
        self.lefts, x = [], MARGIN
        for column in columns:
            self.lefts.append(x + PAD)
            x += column.width
        self.graphics = {header: self._graphics(header) for header in (True, False)}
        #: Where each column's text starts, for the header row and for the others: the
        #: style, and the start of its text operators up to the line's height.
        self.text_starts = {header: [(style, f"{style.text_start}{left:.2f} ") for style, left
                                     in zip([LABEL if header else c.style for c in columns],
                                            self.lefts, strict=True)]
                            for header in (True, False)}

    def _graphics(self, header: bool) -> str:
        operators, x = [], MARGIN
        for column in self.columns:
            fill = HEADER_FILL if header else column.fill
            if fill:
                operators.append(f"q {fill} rg {x:.2f} {{low}} {column.width:.2f} {{tall}} re f Q")
            x += column.width
        frame = [f"q 0.6 G 0.25 w {MARGIN:.2f} {{low}} {WIDTH:.2f} {{tall}} re"]
        x = MARGIN
        for column in self.columns[:-1]:
            x += column.width
            frame.append(f"{x:.2f} {{low}} m {x:.2f} {{high}} l")
        operators.append(" ".join([*frame, "S Q"]))
        return "\n".join(operators)


def _escape(text: str) -> str:
    if text.isascii():
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return text.translate(ESCAPES)


def shown(lines: Sequence[str]) -> str:
    """``lines`` (drawable text) as the strings of a text object, one line each: what
    goes between the first ``(`` and the last ``)'``."""
    return _escape("\n".join(lines)).replace("\n", ")'\n(")


def text_operators(lines: Sequence[str], style: Style, x: float, top: float) -> str:
    """The operators that show ``lines`` (drawable text), the first line's top at ``top``."""
    return (f"{style.text_start}{x:.2f} {top - style.size + style.leading:.2f} Td "
            f"({shown(lines)})' ET")


#: Values laid out, and rows' graphics drawn, remembered per table column or grid: the
#: labels and short values of a register repeat, and so do the heights on a page where
#: each record starts; at most this many of each.
LAID_OUT_HELD = 4096


class Cells:
    """A table column's values laid out for one document: each value's lines (drawable
    text wrapped to the column) and those lines as a text object's strings (:func:`shown`),
    worked out once per distinct value (labels, terms and statuses repeat)."""

    def __init__(self, measure: Measure, column: Column):
        self.measure, self.size = measure, column.style.size
        self.width = column.width - 2 * PAD
        self.laid_out: dict[str, tuple[list[str], str]] = {}

    def __call__(self, value: str) -> tuple[list[str], str]:
        found = self.laid_out.get(value)
        if found is None:
            if len(self.laid_out) > LAID_OUT_HELD:
                self.laid_out.clear()
            lines = self.measure.wrap(drawable(value), self.size, self.width)
            found = self.laid_out[value] = (lines, shown(lines))
        return found


class Points:
    """Coordinates as the content streams write them (two decimals), each formatted once:
    a page's rows fall at the same heights as the last page's."""

    def __init__(self):
        self.written: dict[float, str] = {}

    def __call__(self, value: float) -> str:
        found = self.written.get(value)
        if found is None:
            if len(self.written) > LAID_OUT_HELD:
                self.written.clear()
            found = self.written[value] = f"{value:.2f}"
        return found


