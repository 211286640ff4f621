"""A printable register for signing off.

A cover page (scope, findings counted, the approval block), a contents page (each
organisation, then each activity's reference, name and page), then each organisation's
details and third parties followed by its activities, each starting on a new page: the
record's status stated in a banner, every value the register holds in a table of
label and value, and the record's open findings. Every page says "Page X of Y".

- :mod:`.rows`: what a record shows, one :class:`~.rows.Row` per item;
- :mod:`.document`: the cover, the contents and the sections, in one pass over the
  register;
- :mod:`.pages` and :mod:`.drawing`: pages laid out with the fonts' metrics;
- :mod:`.file`: the PDF file, written an object at a time.
"""

from .document import render_pdf, write_pdf

__all__ = ["render_pdf", "write_pdf"]
