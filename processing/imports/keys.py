"""The keys of the activities already checked, held in a few flat buffers.

The import checks a chunk of activities at a time, but an activity reference given twice
for an organisation must be refused whatever chunks the two rows fall in, and a part row
naming an activity of an earlier chunk shows the workbook out of order: so the keys
(organisation, reference) of every activity read so far are kept to the end. Held in a
set, each key kept three objects alive (a tuple and the two strings of its row, allocated
among the row's other cells): about 250 bytes per activity, and, because those small
objects stay scattered over memory the rows' other objects have left, the interpreter
could not give that memory back: the process grew by about 1.5 KB per activity.

:class:`KeySet` holds the same keys exactly, as the bytes of each key one after another in
one buffer, found through an open-addressing table of their hashes: a few large buffers
whatever the number of keys, about 100 bytes a key.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable

_EMPTY = -1


def _encoded(key: Hashable) -> bytes:
    """The bytes that stand for ``key``: equal keys, and only they, give equal bytes (the
    keys are tuples of text, None or numbers, whose ``repr`` is exact)."""
    return repr(key).encode("utf-8", "surrogatepass")


class KeySet:
    """A set of keys (membership and additions only), exact, in flat buffers."""

    def __init__(self, keys: Iterable[Hashable] = ()):
        self._bytes = bytearray()
        #: Entry i is ``_bytes[_starts[i]:_starts[i + 1]]``; its hash is ``_hashes[i]``.
        self._starts = array("q", [0])
        self._hashes = array("q")
        #: Open addressing: the entry of each slot, or _EMPTY; a power of two long.
        self._slots = array("q", [_EMPTY]) * 64
        self.update(keys)

    def __len__(self) -> int:
        return len(self._hashes)

    def _find(self, data: bytes, hashed: int) -> tuple[int, bool]:
        """(slot, found): the slot holding ``data``, or the empty slot where it would go."""
        slots, mask = self._slots, len(self._slots) - 1
        slot = hashed & mask
        while True:
            entry = slots[slot]
            if entry == _EMPTY:
                return slot, False
            if (self._hashes[entry] == hashed
                    and self._bytes[self._starts[entry]:self._starts[entry + 1]] == data):
                return slot, True
            slot = (slot + 1) & mask

    def __contains__(self, key: Hashable) -> bool:
        data = _encoded(key)
        return self._find(data, hash(data))[1]

    def add(self, key: Hashable) -> None:
        data = _encoded(key)
        hashed = hash(data)
        slot, found = self._find(data, hashed)
        if found:
            return
        self._slots[slot] = len(self._hashes)
        self._hashes.append(hashed)
        self._bytes += data
        self._starts.append(len(self._bytes))
        if 2 * len(self._hashes) > len(self._slots):
            self._grow()

    def update(self, keys: Iterable[Hashable]) -> None:
        for key in keys:
            self.add(key)

    def __ior__(self, keys: Iterable[Hashable]) -> KeySet:
        self.update(keys)
        return self

    def _grow(self) -> None:
        slots = array("q", [_EMPTY]) * (2 * len(self._slots))
        mask = len(slots) - 1
        for entry, hashed in enumerate(self._hashes):
            slot = hashed & mask
            while slots[slot] != _EMPTY:
                slot = (slot + 1) & mask
            slots[slot] = entry
        self._slots = slots
