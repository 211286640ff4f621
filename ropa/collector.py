"""The garbage collector kept off what was alive before a long piece of work began.

A whole-register export, import or report makes millions of short-lived objects, so the
collector's full passes come every few thousand activities, and each walks every object
of the process: the application's modules, settings and caches as much as the work's
own. :func:`alive_left_out` freezes what is alive on entry (``gc.freeze()``), so that
those passes walk the work's objects only: at 10,000 activities, reading the register
took 1.36 s of CPU with them walked and 0.90 s without.

Objects are still freed as their references go; cycles among the frozen objects are
collected once they are unfrozen at the end.

What the work itself keeps as it goes (a CNIL workbook's record of each sheet written, a
PDF's outline) would be walked again by every full pass, ever longer as the register
grows: at 100,000 activities the CNIL export spent 7.1 s of CPU in those passes against
0.2 s at 10,000. :func:`settled`, called where a piece of work has let go of a batch,
collects what the batch left behind and freezes what is still alive, so that each pass
walks the objects made since, whatever the size of the register. With a full pass at the
end of each batch, the collector's own full passes are made ten times further apart
inside (its third threshold): the 10,000-activity import spent 1.5 s of its 15.8 s of
CPU in them, 0.2 s after. Both apply to the whole process while the work runs (the
collector's settings are the process's); a batch's cycles wait at most for its end.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from contextvars import ContextVar

#: How many times further apart the collector's own full passes are inside
#: :func:`alive_left_out`, where :func:`settled` makes one at the end of each batch.
FULL_PASSES_APART = 10

#: Whether the freeze in force is this context's own (:func:`alive_left_out`).
_OWN_FREEZE: ContextVar[bool] = ContextVar("own_freeze", default=False)


@contextlib.contextmanager
def alive_left_out() -> Iterator[None]:
    """Inside, what is alive on entry is left out of the collector's passes; unfrozen at
    the end. Nothing is done where something froze objects already: the process itself (a
    preforking server freezes what it imported, ``ropa.wsgi``), or a piece of work in
    another thread (which unfreezes them when it ends)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    token = _OWN_FREEZE.set(True)
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], thresholds[2] * FULL_PASSES_APART)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        _OWN_FREEZE.reset(token)
        gc.unfreeze()


def settled() -> None:
    """Inside :func:`alive_left_out`, at the end of a batch: what is unreachable is
    collected, and what is still alive is left out of the collector's passes too (until the
    end of the work). Elsewhere (no freeze of this work's own), nothing is done."""
    if _OWN_FREEZE.get():  # (gc.get_freeze_count() would count the frozen objects one by one)
        gc.collect()
        gc.freeze()
