"""The document laid out page by page (:class:`Pages`)."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence

from django.utils import timezone
from reportlab.lib.units import mm

from .drawing import (
    BODY,
    BOLD,
    BOTTOM,
    H2,
    LABEL,
    LAID_OUT_HELD,
    MARGIN,
    PAD,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    REGULAR,
    SMALL,
    TOP,
    WIDTH,
    Cells,
    Grid,
    Measure,
    Points,
    Style,
    drawable,
    shown,
    text_operators,
)
from .file import File, pdf_string


class RegisterChanged(RuntimeError):
    """The register iterated is not the one outlined at the start (read outside one
    snapshot while it was written): the contents would not match the pages."""


class Pages:
    """The document laid out page by page, each page's content stream written to the file
    when the page is done.

    Text is laid out with the fonts' metrics. Tables repeat their header row on each page
    they continue on, keep their header with at least one row, and split a row only when
    it is taller than a page. What a page shows before it is known (the number of pages,
    the page where a section starts, a total counted as the document is drawn) is a form
    XObject written when it is known, at the end.

    The places the document names (:meth:`anchor`: where an organisation or an activity
    starts) are announced in order when the document starts (``places``), so that the
    contents can show their page numbers and the outline link to them before they are
    drawn; what is held of each is its page and height."""

    def __init__(self, file: File, *, title: str, subject: str, places: Sequence[str]):
        self.file = file
        self.title, self.subject = title, subject
        self.measure = {REGULAR: Measure(REGULAR), BOLD: Measure(BOLD)}
        self.cells: dict[Grid, list[Cells]] = {}
        self.points = Points()
        self.row_graphics: dict[tuple, str] = {}  # by grid, header, top and height
        self.heads: dict[tuple, tuple] = {}  # tables' titles and header rows laid out
        self.catalog, self.pages_tree = file.reserve(), file.reserve()
        self.fonts = {font: file.reserve() for font in (REGULAR, BOLD)}
        self.resources = file.reserve()  # fonts and the page count: most pages' own
        self.page_count = file.reserve()
        self.outlines = file.reserve()
        self.page_objects = array("q")
        self.page = 0
        self.y = TOP
        self.operators: list[str] = []
        self.page_forms: list[tuple[str, int]] = []  # forms of the page but the page count
        self.annotations: list[str] = []
        self.running = ""  # the footer's text: what the pages belong to
        self.footer = ""  # the current page's
        # The places named, in order, each with the form showing its page number.
        self.places = list(places)
        self.place_forms = file.reserve(len(self.places))
        self.placed = 0
        self.place_pages, self.place_heights = array("q"), array("d")
        self.deferred: dict[int, tuple[str, Style]] = {}  # totals shown before they're known

    # pages

    def new_page(self) -> None:
        if self.page:
            self._end_page()
        self.page += 1
        self.y = TOP
        self.operators = []
        self.footer = self.running

    def _end_page(self) -> None:
        label = f"Page {self.page} of "
        x = PAGE_WIDTH - MARGIN - 30 * mm
        self.operators += [
            text_operators([drawable(self.footer)], SMALL, MARGIN, MARGIN + 4),
            text_operators([label], SMALL, x, MARGIN + 4),
            f"q 1 0 0 1 {x + self._width(label, SMALL):.2f} {MARGIN + 4 - SMALL.size:.2f} cm "
            f"/page-count Do Q",
        ]
        content = self.file.reserve()
        self.file.stream(content, "", "\n".join(self.operators))
        number = self.file.reserve()
        if self.page_forms:
            forms = " ".join(f"/{name} {form} 0 R" for name, form in
                             [("page-count", self.page_count), *self.page_forms])
            resources = (f"<< /Font << /F1 {self.fonts[REGULAR]} 0 R /F2 {self.fonts[BOLD]} "
                         f"0 R >> /XObject << {forms} >> >>")
        else:
            resources = f"{self.resources} 0 R"
        annotations = f" /Annots [{' '.join(self.annotations)}]" if self.annotations else ""
        self.file.write(number, f"<< /Type /Page /Parent {self.pages_tree} 0 R /MediaBox [0 0 "
                                f"{PAGE_WIDTH:.2f} {PAGE_HEIGHT:.2f}] /Resources {resources} "
                                f"/Contents {content} 0 R{annotations} >>")
        self.page_objects.append(number)
        self.file.flush()
        self.operators, self.page_forms, self.annotations = [], [], []

    def anchor(self, name: str) -> None:
        """Name the current place: the next of ``places``."""
        expected = self.places[self.placed] if self.placed < len(self.places) else "nothing"
        if name != expected:
            raise RegisterChanged(f"The register changed while the PDF was made: {name} "
                                  f"came where {expected} was outlined.")
        self.place_pages.append(self.page)
        self.place_heights.append(self.y)
        self.placed += 1

    def page_number_of(self, place: int, x: float, y: float) -> None:
        """The page where ``places[place]`` starts, right-aligned at ``x``: known when the
        document ends."""
        name = f"page-{self.places[place]}"
        self.page_forms.append((name, self.place_forms + place))
        self.operators.append(f"q 1 0 0 1 {x:.2f} {y:.2f} cm /{name} Do Q")

    def later(self, style: Style, x: float, top: float) -> int:
        """A line of text in ``style`` at ``x``, its top at ``top``, written when it is
        known (:meth:`write_later`); its number."""
        form = self.file.reserve()
        name = f"later-{form}"
        self.page_forms.append((name, form))
        self.operators.append(f"q 1 0 0 1 {x:.2f} {top - style.size:.2f} cm /{name} Do Q")
        self.deferred[form] = ("", style)
        return form

    def write_later(self, form: int, text: str) -> None:
        self.deferred[form] = (text, self.deferred[form][1])

    def link(self, name: str, top: float, bottom: float) -> None:
        """A link from the band between ``top`` and ``bottom`` to ``name``."""
        annotation = self.file.reserve()
        self.file.write(annotation, f"<< /Type /Annot /Subtype /Link /Rect [{MARGIN:.2f} "
                                    f"{bottom:.2f} {MARGIN + WIDTH:.2f} {top:.2f}] "
                                    f"/Border [0 0 0] /Dest /{name} >>")
        self.annotations.append(f"{annotation} 0 R")

    def bookmarks(self, count: int,
                  entries: Iterable[tuple[str, str, Sequence[tuple[str, str]]]]) -> None:
        """The outline: ``count`` entries (title, place, and the entries under it, each a
        title and a place), written as they come."""
        file = self.file
        first = file.reserve(count)

        def links(parent: int, number: int, at: int, of: int) -> str:
            return " ".join([f"/Parent {parent} 0 R",
                             *([f"/Prev {number - 1} 0 R"] if at else []),
                             *([f"/Next {number + 1} 0 R"] if at + 1 < of else [])])

        for at, (title, place, children) in enumerate(entries):
            number = first + at
            below = ""
            if children:
                start = file.reserve(len(children))
                for i, (child, child_place) in enumerate(children):
                    file.write(start + i, f"<< /Title {pdf_string(child)} /Dest /{child_place} "
                                          f"{links(number, start + i, i, len(children))} >>")
                below = (f" /First {start} 0 R /Last {start + len(children) - 1} 0 R "
                         f"/Count -{len(children)}")
            file.write(number, f"<< /Title {pdf_string(title)} /Dest /{place} "
                               f"{links(self.outlines, number, at, count)}{below} >>")
        if count:
            file.write(self.outlines, f"<< /Type /Outlines /First {first} 0 R /Last "
                                      f"{first + count - 1} 0 R /Count {count} >>")
        else:
            file.write(self.outlines, "<< /Type /Outlines /Count 0 >>")

    def finish(self) -> None:
        """Write what the pages showed before it was known, and end the file."""
        self._end_page()
        if self.placed != len(self.places):
            raise RegisterChanged(f"The register changed while the PDF was made: "
                                  f"{self.places[self.placed]} was outlined but not found.")
        file = self.file
        fonts = f"<< /F1 {self.fonts[REGULAR]} 0 R /F2 {self.fonts[BOLD]} 0 R >>"
        for font, number in self.fonts.items():
            file.write(number, f"<< /Type /Font /Subtype /Type1 /BaseFont /{font} "
                               f"/Encoding /WinAnsiEncoding >>")
        file.write(self.resources, f"<< /Font {fonts} /XObject << /page-count "
                                   f"{self.page_count} 0 R >> >>")
        box = "/Type /XObject /Subtype /Form /BBox"
        file.stream(self.page_count, f"{box} [-60 -4 60 14] /Resources << /Font {fonts} >>",
                    text_operators([str(self.page)], SMALL, 0.0, SMALL.size))
        for place, page in enumerate(self.place_pages):
            text = str(page)
            file.stream(self.place_forms + place, f"{box} [-60 -4 60 14] /Resources << /Font "
                                                  f"{fonts} >>",
                        text_operators([text], BODY, -self._width(text, BODY), BODY.size))
        for form, (text, style) in self.deferred.items():
            file.stream(form, f"{box} [0 -4 {WIDTH:.2f} {style.leading + 4:.2f}] /Resources "
                              f"<< /Font {fonts} >>",
                        text_operators([drawable(text)], style, 0.0, style.size))
        objects = self.page_objects
        file.write_parts(self.pages_tree, (
            f"<< /Type /Pages /Count {len(objects)} /Kids [",
            *(" ".join(f"{n} 0 R" for n in objects[i:i + 4096])
              + " " for i in range(0, len(objects), 4096)), "] >>"))
        destinations = file.reserve()
        file.write_parts(destinations, ("<< ", *(
            f"/{name} [{objects[page - 1]} 0 R /XYZ 0 {y + 14:.2f} null] "
            for name, page, y in zip(self.places, self.place_pages, self.place_heights,
                                     strict=True)), ">>"))
        file.write(self.catalog, f"<< /Type /Catalog /Pages {self.pages_tree} 0 R /Dests "
                                 f"{destinations} 0 R /Outlines {self.outlines} 0 R "
                                 f"/PageMode /UseOutlines >>")
        info = file.reserve()
        now = timezone.now().strftime("D:%Y%m%d%H%M%SZ")
        file.write(info, f"<< /Title {pdf_string(self.title)} /Subject "
                         f"{pdf_string(self.subject)} /Creator (ROPA register) /Producer "
                         f"(ROPA register) /CreationDate ({now}) >>")
        file.close(self.catalog, info)


    # text

    def _width(self, text: str, style: Style) -> float:
        return self.measure[style.font].width(text, style.size)

    def wrap(self, text: str, style: Style, width: float) -> list[str]:
        return self.measure[style.font].wrap(text, style.size, width)

    def text(self, lines: Sequence[str], style: Style, x: float, top: float) -> None:
        if lines:
            self.operators.append(text_operators(lines, style, x, top))

    def paragraph(self, text: str, style: Style = BODY, *, before: float = 0,
                  after: float = 2) -> None:
        """Wrapped text, on the next page if fewer than two of its lines fit here."""
        lines = self.wrap(drawable(text), style, WIDTH)
        self.y -= before
        while lines:
            room = int((self.y - BOTTOM) // style.leading)
            if room < min(len(lines), 2):
                self.new_page()
                continue
            self.text(lines[:room], style, MARGIN, self.y)
            self.y -= min(room, len(lines)) * style.leading
            lines = lines[room:]
        self.y -= after

    def box(self, text: str, fill: str, style: Style = H2) -> None:
        """Text in a filled box across the page: the record's status."""
        lines = self.wrap(drawable(text), style, WIDTH - 2 * PAD)
        height = len(lines) * style.leading + 2 * PAD + 2
        if self.y - height < BOTTOM:
            self.new_page()
        self.operators.append(
            f"q {fill} rg {MARGIN:.2f} {self.y - height:.2f} {WIDTH:.2f} {height:.2f} re f Q")
        self.text(lines, style, MARGIN + PAD, self.y - PAD - 1)
        self.y -= height + 4

    # tables

    def table(self, grid: Grid, header: Sequence[str],
              rows: Iterable[Sequence[str]], *, title: str = "") -> None:
        """A table whose header row (and ``title``) is repeated on each page it continues
        on, never left at the foot of a page without a row under it."""
        title_lines, header_cells, head_height = self._head(grid, tuple(header), title)
        page_room = TOP - BOTTOM - head_height
        cells_of = self._cells(grid)
        started = False
        for values in rows:
            cells = [cell(value) for cell, value in zip(cells_of, values, strict=True)]
            height = max(len(lines) for lines, _ in cells) * BODY.leading + 2 * PAD
            if not started:
                if self.y - head_height - min(height, 3 * BODY.leading + 2 * PAD) < BOTTOM:
                    self.new_page()
                self._table_head(title_lines, header_cells, grid, continued=False)
                started = True
            while self.y - height < BOTTOM:
                if height <= page_room or self.y - BOTTOM < 3 * BODY.leading + 2 * PAD:
                    # A row that fits a page goes to the next one; so does the start of a
                    # longer row when little room is left here.
                    self.new_page()
                    self._table_head(title_lines, header_cells, grid, continued=True)
                    continue
                # Taller than a page: what fits here, the rest on the next page.
                fits = int((self.y - BOTTOM - 2 * PAD) // BODY.leading)
                self._row([lines[:fits] for lines, _ in cells], grid)
                cells = [(lines[fits:], shown(lines[fits:])) for lines, _ in cells]
                height = self._row_height([lines for lines, _ in cells])
                self.new_page()
                self._table_head(title_lines, header_cells, grid, continued=True)
            self._draw_row(cells, height, grid, header=False)
        self.y -= 6

    def _cells(self, grid: Grid) -> list[Cells]:
        """The grid's columns' values laid out in this document."""
        found = self.cells.get(grid)
        if found is None:
            found = self.cells[grid] = [Cells(self.measure[c.style.font], c)
                                        for c in grid.columns]
        return found

    def _head(self, grid: Grid, header: tuple[str, ...], title: str) -> tuple:
        """A table's title lines, header row (its cells laid out, and its height) and the
        height of both: the same for each table of a kind, so worked out once."""
        key = (grid, header, title)
        found = self.heads.get(key)
        if found is None:
            title_lines = self.wrap(title, H2, WIDTH) if title else []
            title_height = len(title_lines) * H2.leading + (4 if title else 0)
            cells = [self.wrap(h, LABEL, c.width - 2 * PAD)
                     for h, c in zip(header, grid.columns, strict=True)]
            height = self._row_height(cells)
            found = self.heads[key] = (title_lines, ([(lines, shown(lines)) for lines in cells],
                                                     height), height + title_height)
        return found

    def _table_head(self, title_lines, header_cells, grid: Grid, *, continued: bool) -> None:
        if title_lines:
            lines = list(title_lines)
            if continued:
                lines[-1] += " (continued)"
            self.text(lines, H2, MARGIN, self.y)
            self.y -= len(lines) * H2.leading + 4
        cells, height = header_cells
        self._draw_row(cells, height, grid, header=True)

    @staticmethod
    def _row_height(cells: Sequence[list[str]]) -> float:
        return max(map(len, cells), default=1) * BODY.leading + 2 * PAD

    def _row(self, cells: Sequence[list[str]], grid: Grid) -> None:
        self._draw_row([(lines, shown(lines)) for lines in cells], self._row_height(cells),
                       grid, header=False)

    def _draw_row(self, cells: Sequence[tuple[list[str], str]], height: float, grid: Grid, *,
                  header: bool) -> None:
        """A row ``height`` high of ``cells`` (each cell's lines and :func:`shown` text)."""
        top = self.y
        key = (grid, header, top, height)
        graphics = self.row_graphics.get(key)
        if graphics is None:
            if len(self.row_graphics) > LAID_OUT_HELD:
                self.row_graphics.clear()
            bottom = top - height
            graphics = self.row_graphics[key] = grid.graphics[header].format(
                low=f"{bottom:.2f}", high=f"{top:.2f}", tall=f"{height:.2f}")
        self.operators.append(graphics)
        below, points = top - PAD, self.points  # the top of the cells' first lines
        self.operators.extend([f"{start}{points(below - style.size + style.leading)} Td "
                               f"({text})' ET"
                               for (lines, text), (style, start)
                               in zip(cells, grid.text_starts[header], strict=True) if lines])
        self.y = top - height
