"""Import of the project's workbook: all or nothing, every problem reported.

1. The file is bounded and read (``readers``): size, file type, zip expansion, rows.
2. Every sheet, row and cell is checked and every reference resolved (organisations,
   third parties, activities, taxonomy codes, countries, lawful bases, mechanisms,
   users). Unknown values are errors naming the sheet, row, column and value.
3. Only when nothing is wrong, the register is written through the services, in one
   transaction, with history attributed to the importing user and the "import" path.
   The organisations, contacts and third parties are checked and written first; then
   the activities a chunk at a time, each with the rows of its parts (which the other
   sheets list in the order of the activities, as the export writes them): what the
   import holds at once does not grow with the register. A problem in a later chunk
   rolls back the chunks written before it; a workbook whose parts are listed in
   another order is checked and written as one chunk.
   What the register does not hold yet is created by one bulk service
   (``register_bulk_create``: every object validated first, a few queries per kind of
   object); what it holds is compared with the register read a chunk at a time, and
   the activities that changed are written by one bulk service too
   (``register_bulk_update``: one version and one history row per changed activity, an
   unchanged one not written); organisations, contacts and third parties are updated one
   object at a time. A service that still refuses a row adds its error; any error rolls
   everything back.

An organisation, third party or activity already in the database (same name, or same
organisation and reference) is updated, not duplicated; the parts of an imported
activity (purposes, lawful bases, recipients, transfers, retention rules) become
exactly those of the workbook. Nothing absent from the workbook is deleted otherwise.
``dry_run`` runs the same checks and writes, then rolls back.

The stages live in their own modules: ``cells`` (stage 1), ``lookups`` and ``resolve``
(stage 2), ``write_new`` and ``write_changes`` (stage 3); ``rows`` holds what they share,
and ``keys`` the keys of the activities checked, kept to the end in flat buffers (what
the import keeps of every activity, about 100 bytes each). ``import_register`` hands the
workbook over as its open file: an xlsx is read from the file, never held whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction

from processing.exports.workbook import SHEETS
from ropa.audit import ChangePath, audit_context
from ropa.collector import alive_left_out, settled

from .cells import CellParsing
from .errors import ImportFailed
from .keys import KeySet
from .readers import Workbook, open_book
from .rows import ImportSummary, Row
from .write_changes import ChangeWriting
from .write_new import NewWriting

#: Activities checked and written at a time (``ROPA_IMPORT_CHUNK`` overrides it): what the
#: import holds at once is a chunk's rows and objects, whatever the register's size.
CHUNK = 1000
#: The sheets read whole before the activities: what the activities refer to.
HEAD_SHEETS = ("Organisations", "Contacts", "ThirdParties")
#: The sheets of an activity's parts, read beside the Activities sheet.
PART_SHEETS = ("Purposes", "LawfulBases", "Recipients", "Transfers", "Retention")


class _OutOfOrder(Exception):
    """A row of a part names an activity of a chunk already written: the workbook lists
    the parts in another order than its activities."""


class _Parts:
    """The rows of one part sheet, read as far as the activities of the chunk go."""

    def __init__(self, rows: Iterator[Row]):
        self.rows = rows
        #: The row read past the chunk: it names an activity not read yet.
        self.waiting: Row | None = None

    def take(self, chunk: set, earlier: KeySet, last: bool) -> list[Row]:
        """The rows, from where the last chunk stopped, of the activities ``chunk`` (keys);
        the first row of an activity not read yet waits for the next chunk, unless this is
        the ``last``. A row of an ``earlier`` chunk's activity: :class:`_OutOfOrder`."""
        taken = []
        while True:
            row, self.waiting = self.waiting, None
            if row is None:
                row = next(self.rows, None)
                if row is None:
                    return taken
            key = row.activity_key
            if key in chunk:
                taken.append(row)
            elif key in earlier:
                raise _OutOfOrder(row.sheet.name, row.number)
            elif last:
                taken.append(row)  # of no activity of the sheet: reported as such
            else:
                self.waiting = row
                return taken


class _Importer(CellParsing, NewWriting, ChangeWriting):
    """The import's stages, in the order :meth:`run` runs them: ``parse_rows`` (cells),
    ``load_lookups`` and ``resolve_heads`` (references) of the organisations, contacts and
    third parties; then, a chunk of activities at a time, the same for the activities and
    their parts, and the writes (:meth:`write_chunk`)."""

    def run(self, user, chunk: int | None) -> None:
        """Check and write the workbook, ``chunk`` activities at a time (None: all at
        once). Once a problem is found nothing more is written, but every row is still
        checked, so that one pass reports every problem of the file."""
        kw = {"user": user, "path": ChangePath.IMPORT}
        self.open_sheets()
        for name in HEAD_SHEETS:
            self.rows[name] = list(self.parse_rows(name))
        self.load_lookups()
        self.resolve_heads()

        first = True
        parts = {name: _Parts(self.parse_rows(name)) for name in PART_SHEETS}
        activities = self.parse_rows("Activities")
        upcoming = next(activities, None)
        while True:
            rows = []
            while upcoming is not None and (chunk is None or len(rows) < chunk):
                rows.append(upcoming)
                upcoming = next(activities, None)
            last = upcoming is None
            keys = {row.activity_key for row in rows}
            self.rows["Activities"] = rows
            for name, sheet in parts.items():
                self.rows[name] = sheet.take(keys, self.activity_keys, last)
            self.load_chunk()
            self.resolve_chunk()
            self.activity_keys |= keys
            if not self.errors:
                self.write_chunk(kw, first=first)
            if first:
                for name in HEAD_SHEETS:
                    self.rows[name] = []
                first = False
            if last:
                return
            settled()  # what the chunk left behind collected, what is kept left out

    def write_chunk(self, kw, *, first: bool) -> None:
        """Write the chunk's activities: the new ones, then the changes of the others; with
        the ``first`` chunk, the organisations, contacts and third parties."""
        self.errors.stage = (2, 0)
        parts = defaultdict(lambda: defaultdict(list))
        for sheet in PART_SHEETS:
            for row in self.rows[sheet]:
                parts[row.activity_key][sheet].append(row)
        origin: dict[int, Row] = {}  # id of each new object -> the row it comes from
        self.write_new_chunk(parts, kw, origin, self.new_heads(origin) if first else None)
        if first and not self.errors:
            self.write_changes_heads(kw)
        if not self.errors:
            self.write_activities(parts, kw)


def import_workbook(data: Workbook, filename: str = "", *, user=None, dry_run: bool = False,
                    chunk: int | None = None) -> ImportSummary:
    """Check then write a workbook; :class:`ImportFailed` (nothing written) on any problem.

    ``data`` is the workbook's bytes, or a binary file open on it (seekable): an xlsx
    workbook or a zip of csv files is then read from the file as the rows are asked for,
    so the import does not hold the file whole.

    The activities are checked and written ``chunk`` at a time (by default
    ``ROPA_IMPORT_CHUNK``, else :data:`CHUNK`), with their parts, inside the one
    transaction: a problem in any chunk rolls back every chunk written before it."""
    size = chunk or getattr(settings, "ROPA_IMPORT_CHUNK", CHUNK)
    with audit_context(user=user, path=ChangePath.IMPORT), transaction.atomic(), \
            alive_left_out():
        try:
            with transaction.atomic():
                summary = _import(data, filename, user, dry_run, size)
        except _OutOfOrder:
            # The parts are not listed in the order of their activities (the export lists
            # them so; a workbook sorted otherwise by hand): what the chunks wrote is
            # rolled back and the workbook is checked and written as one chunk.
            summary = _import(data, filename, user, dry_run, None)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _import(data: Workbook, filename: str, user, dry_run: bool, chunk: int | None) -> ImportSummary:
    kind, sheets = open_book(data, filename)
    summary = ImportSummary(dry_run=dry_run, kind=kind)
    importer = _Importer(sheets, summary)
    importer.run(user, chunk)
    summary.absent = [spec.name for spec in SHEETS if spec.name not in importer.present]
    if importer.errors:
        # Leaving the transaction with an exception rolls back every write of the import.
        raise ImportFailed(importer.errors.in_order())
    return summary
