"""Reading a notice's text back, whatever its format, for comparison."""

import html
import io
import re

from pypdf import PdfReader

from processing.exports.pdf.drawing import drawable

_TAG = re.compile(r"<[^>]+>")
_MARKER = re.compile(r"^(#{1,6}\s+|[-*]\s+)")


def squeeze(text: str) -> str:
    """The text without any whitespace: line breaks of a PDF or a page don't matter."""
    return re.sub(r"\s+", "", text)


def text_of(content: bytes, fmt: str) -> str:
    """What a reader of the notice reads, whitespace removed."""
    if fmt == "pdf":
        reader = PdfReader(io.BytesIO(content))
        return squeeze("".join(page.extract_text() for page in reader.pages))
    text = content.decode()
    if fmt == "html":
        text = html.unescape(_TAG.sub(" ", text))
    return squeeze(text)


def expected_in(value: str, fmt: str) -> str:
    """``value`` as the format shows it (the PDF's standard fonts draw a few letters
    plainer)."""
    return squeeze(drawable(value) if fmt == "pdf" else value)


def markdown_lines(markdown: str) -> list[str]:
    """Each line of the Markdown without its heading or list marker."""
    return [_MARKER.sub("", line.strip()) for line in markdown.splitlines() if line.strip()]
