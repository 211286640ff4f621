"""The PDF file, written an object at a time to a binary stream, and the strings in it."""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterable
from typing import BinaryIO

# The standard fonts are WinAnsi (cp1252) encoded. In a content stream's strings, \ ( )
# are escaped and bytes above 127 written in octal, so the stream is ASCII.
ESCAPES = {ord("\\"): "\\\\", ord("("): "\\(", ord(")"): "\\)"}
WIN_ANSI = {code: bytes([code]).decode("cp1252", "ignore") for code in range(256)}
ESCAPES.update((ord(c), f"\\{code:03o}") for code, c in WIN_ANSI.items() if code > 127 and c)


def pdf_string(text: str) -> str:
    """A PDF text string (titles, outline entries): UTF-16 when it is not plain ASCII."""
    if text.isascii():
        return "(" + text.translate(ESCAPES) + ")"
    return "<" + ("\ufeff" + text).encode("utf-16-be").hex().upper() + ">"


class File:
    """A PDF file written an object at a time to ``out``: objects are numbered when first
    referred to and written when complete, in any order; the cross-reference table ends
    the file. What is held is each object's offset (eight bytes), not the objects."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.position = 0
        self.offsets = array("q", [0])  # by object number; 0 is the free head of the table
        self.pending: list[bytes] = []  # written to ``out`` at once (flush): few calls
        self._put(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def _put(self, data: bytes) -> None:
        self.pending.append(data)
        self.position += len(data)

    def flush(self) -> None:
        """Write what is pending to ``out``: a page's objects in one call."""
        self.out.write(b"".join(self.pending))
        self.pending.clear()

    def reserve(self, count: int = 1) -> int:
        """The number of a new object (the first of ``count`` consecutive ones)."""
        first = len(self.offsets)
        self.offsets.extend([0] * count)
        return first

    def write(self, number: int, body: str) -> None:
        self.write_parts(number, (body,))

    def write_parts(self, number: int, parts: Iterable[str]) -> None:
        """An object whose body is the concatenation of ``parts``, written as they come
        (a long dictionary is never one string)."""
        self.offsets[number] = self.position
        self._put(f"{number} 0 obj\n".encode("latin-1"))
        for part in parts:
            self._put(part.encode("latin-1"))
        self._put(b"\nendobj\n")

    def stream(self, number: int, dictionary: str, content: str) -> None:
        data = zlib.compress(content.encode("latin-1"), 3)
        self.offsets[number] = self.position
        self._put(f"{number} 0 obj\n<< {dictionary} /Filter /FlateDecode /Length "
                  f"{len(data)} >>\nstream\n".encode("latin-1"))
        self._put(data)
        self._put(b"\nendstream\nendobj\n")

    def close(self, root: int, info: int) -> None:
        count = len(self.offsets) - 1
        if 0 in self.offsets[1:]:  # a reader would find nothing where the table points
            raise ValueError(f"PDF object {self.offsets.index(0, 1)} is referred to but was "
                             f"never written.")
        start = self.position
        self._put(f"xref\n0 {count + 1}\n0000000000 65535 f \n".encode("latin-1"))
        for first in range(1, count + 1, 4096):
            self._put("".join(f"{offset:010d} 00000 n \n" for offset in
                              self.offsets[first:first + 4096]).encode("latin-1"))
        self._put(f"trailer\n<< /Size {count + 1} /Root {root} 0 R /Info {info} 0 R >>\n"
                  f"startxref\n{start}\n%%EOF\n".encode("latin-1"))
        self.flush()
