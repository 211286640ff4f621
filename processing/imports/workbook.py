"""Import of the project's workbook: all or nothing, every problem reported.

1. The file is bounded and read (``readers``): size, file type, zip expansion, rows.
2. Every sheet, row and cell is checked and every reference resolved (organisations,
   third parties, activities, taxonomy codes, countries, lawful bases, mechanisms,
   users). Unknown values are errors naming the sheet, row, column and value.
3. Only when nothing is wrong, the register is written through the services, in one
   transaction, with history attributed to the importing user and the "import" path.
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
(stage 2), ``write_new`` and ``write_changes`` (stage 3); ``rows`` holds what they share.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from processing.exports.workbook import SHEETS
from ropa.audit import ChangePath, audit_context

from .cells import CellParsing
from .errors import ImportFailed
from .readers import read_book
from .rows import ImportSummary
from .write_changes import ChangeWriting
from .write_new import NewWriting


class _Importer(CellParsing, NewWriting, ChangeWriting):
    """The import's stages, in the order ``import_workbook`` runs them: ``parse``
    (cells), ``load_lookups`` and ``resolve`` (references), ``write`` (new objects, then
    changes)."""

    def write(self, user) -> None:
        kw = {"user": user, "path": ChangePath.IMPORT}
        parts = defaultdict(lambda: defaultdict(list))
        for sheet in ("Purposes", "LawfulBases", "Recipients", "Transfers", "Retention"):
            for row in self.rows[sheet]:
                parts[row.activity_key][sheet].append(row)
        self.write_new(parts, kw)
        if not self.errors:
            self.write_changes(parts, kw)


def import_workbook(data: bytes, filename: str = "", *, user=None, dry_run: bool = False
                    ) -> ImportSummary:
    """Check then write a workbook; :class:`ImportFailed` (nothing written) on any problem."""
    kind, sheets = read_book(data, filename)
    summary = ImportSummary(dry_run=dry_run, kind=kind)
    importer = _Importer(sheets, summary)
    importer.parse()
    summary.absent = [spec.name for spec in SHEETS if spec.name not in importer.present]
    # References are checked even when cells were refused, so that one pass reports every
    # problem of the file: headings, cells and references together.
    importer.load_lookups()
    importer.resolve()
    if importer.errors:
        raise ImportFailed(importer.errors)
    with audit_context(user=user, path=ChangePath.IMPORT), transaction.atomic():
        importer.write(user)
        if importer.errors:
            # Leaving the block with an exception rolls back every write of the import.
            raise ImportFailed(importer.errors)
        if dry_run:
            transaction.set_rollback(True)
    return summary
