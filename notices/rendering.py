"""The notice in words: Markdown and HTML through Django templates (the project's, or the
organisation's own, which may extend them), and a PDF laid out from the Markdown text, so
that the PDF says what the stored version says."""

from __future__ import annotations

import functools
import io
import re
from xml.sax.saxutils import escape

from django.template import Context, Engine, TemplateSyntaxError, loader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from processing.exports.pdf.drawing import drawable

from .drafting import Notice

MARKDOWN = "notices/notice.md"
HTML = "notices/notice.html"
FORMATS = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8",
           "pdf": "application/pdf"}


@functools.cache
def _engine() -> Engine:
    """The engine of the organisations' own templates: the project's templates to extend,
    and debug on, so that an error names its line."""
    return Engine(debug=True, app_dirs=True)


def _compile(text: str):
    return _engine().from_string(text)


def template_errors(text: str) -> str:
    """"" when ``text`` is empty or compiles as a Django template, else the error in words
    with its line ("Line 3: Invalid block tag 'endfo'...")."""
    if not text.strip():
        return ""
    try:
        _compile(text)
    except TemplateSyntaxError as exc:
        debug = getattr(exc, "template_debug", None)
        where = f"Line {debug['line']}: " if debug else ""
        return f"The template does not compile. {where}{exc}"
    except Exception as exc:  # a loader error: {% extends %} of a template not found
        return f"The template does not compile: {exc.__class__.__name__}: {exc}"
    return ""


def _render(default: str, override: str, notice: Notice, *, autoescape: bool = True) -> str:
    if override.strip():
        return _compile(override).render(Context({"notice": notice}, autoescape=autoescape))
    return loader.render_to_string(default, {"notice": notice})


def render_markdown(notice: Notice, template: str = "") -> str:
    """The notice as Markdown: the text each version stores. Blank lines collapsed, each
    line's trailing spaces removed, so that the same notice is the same text."""
    text = _render(MARKDOWN, template, notice, autoescape=False)
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_html(notice: Notice, template: str = "") -> str:
    """The notice as a web page."""
    return _render(HTML, template, notice)


# --- PDF: the Markdown laid out ----------------------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<b>\1</b>", escape(drawable(text)))


def _blocks(markdown: str):
    """(kind, text) of each heading, paragraph and list of the Markdown: ("h1", ...),
    ("p", ...), ("ul", [items])."""
    paragraph: list[str] = []
    items: list[str] = []

    def flush():
        if paragraph:
            yield "p", " ".join(paragraph)
            paragraph.clear()
        if items:
            yield "ul", list(items)
            items.clear()

    for line in markdown.splitlines():
        stripped = line.strip()
        heading = re.match(r"(#{1,6})\s+(.*)", stripped)
        if not stripped:
            yield from flush()
        elif heading:
            yield from flush()
            yield f"h{len(heading.group(1))}", heading.group(2)
        elif stripped.startswith(("- ", "* ")):
            if paragraph:
                yield from flush()
            items.append(stripped[2:])
        elif items:
            items[-1] += " " + stripped  # a list item's continued line
        else:
            paragraph.append(stripped)
    yield from flush()


def render_pdf(markdown: str, *, title: str) -> bytes:
    """The Markdown text of the notice as a PDF (headings, paragraphs and lists)."""
    styles = getSampleStyleSheet()
    kinds = {"h1": styles["Title"], "h2": styles["Heading2"], "h3": styles["Heading3"],
             "h4": styles["Heading4"], "h5": styles["Heading5"], "h6": styles["Heading6"],
             "p": styles["BodyText"]}
    item_style = ParagraphStyle("item", parent=styles["BodyText"], leftIndent=12,
                                bulletIndent=3, spaceBefore=0, spaceAfter=1)
    story = []
    for kind, content in _blocks(markdown):
        if kind == "ul":
            story.extend(Paragraph(_inline(item), item_style, bulletText="-")
                         for item in content)
            story.append(Spacer(1, 2 * mm))
        else:
            story.append(Paragraph(_inline(content), kinds[kind]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=drawable(title), author="",
                      leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, invariant=1).build(story)
    return out.getvalue()
