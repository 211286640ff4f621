"""The preview of an import: a dry run, and what the page shows of it.

The import runs for real inside a transaction that is always rolled back, so the page
shows what would be created, changed, left as it is and removed, sheet by sheet and by
name, or every problem found (sheet, row, column, value).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max

from entities.models import Contact, Organisation, ThirdParty
from processing.exports.workbook import SHEETS
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)
from ropa.audit import ChangePath

from . import ImportSummary, RowError, import_workbook, readers, tenancy

#: Names shown per list on the preview; the rest are counted.
NAMES_SHOWN = 50
#: Problems shown on one page; the rest are counted.
ERRORS_SHOWN = 1000

#: The model each sheet writes; its history tells which records an import touched.
SHEET_MODELS = {
    "Organisations": Organisation,
    "Contacts": Contact,
    "ThirdParties": ThirdParty,
    "Activities": ProcessingActivity,
    "Purposes": Purpose,
    "LawfulBases": ActivityLawfulBasis,
    "Recipients": ActivityRecipient,
    "Transfers": InternationalTransfer,
    "Retention": RetentionRule,
}
#: Sheets of the parts of an activity: the preview names the activities they change.
PART_SHEETS = ("Purposes", "LawfulBases", "Recipients", "Transfers", "Retention")


@dataclass
class Names:
    shown: list[str] = field(default_factory=list)
    more: int = 0

    @classmethod
    def of(cls, labels) -> Names:
        labels = sorted(set(labels))
        return cls(labels[:NAMES_SHOWN], max(0, len(labels) - NAMES_SHOWN))

    def __bool__(self) -> bool:
        return bool(self.shown)


@dataclass
class SheetPreview:
    """One sheet of the preview: the import's counts and the records by name."""

    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    created_names: Names = field(default_factory=Names)
    updated_names: Names = field(default_factory=Names)
    unchanged_names: Names = field(default_factory=Names)
    #: For the parts of activities: the activities whose parts of this kind change.
    activities: Names = field(default_factory=Names)

    @property
    def part(self) -> bool:
        return self.name in PART_SHEETS


def _workbook_keys(sheets: list[readers.RawSheet]) -> dict[str, dict]:
    """key -> label of every record the workbook names, for the sheets keyed by name."""
    keys: dict[str, dict] = {"Organisations": {}, "Contacts": {}, "ThirdParties": {}, "Activities": {}}
    for sheet in sheets:
        if sheet.name not in keys:
            continue
        for _number, row in sheet.rows:
            if not isinstance(row, dict) or "__invalid__" in row:
                continue
            cell = functools.partial(tenancy.cell, sheet.name, row)
            if sheet.name == "Organisations":
                keys[sheet.name][cell("name")] = cell("name")
                continue
            org = cell("organisation")
            if sheet.name == "Contacts":
                key = (org, cell("role"), cell("name"))
                keys[sheet.name][key] = f"{org} · {key[2]} ({key[1]})"
            elif sheet.name == "ThirdParties":
                keys[sheet.name][(org, cell("name"))] = f"{org} · {cell('name')}"
            else:
                reference = cell("reference")
                keys[sheet.name][(org, reference)] = f"{org} · {reference} {cell('name')}"
    return keys


def _history_marks() -> dict[str, int]:
    return {sheet: model.history.aggregate(last=Max("history_id"))["last"] or 0
            for sheet, model in SHEET_MODELS.items()}


def _touched(marks: dict[str, int], user) -> dict[str, dict[str, dict]]:
    """sheet -> history type ("+", "~", "-") -> key -> label of the records the import
    wrote since ``marks``, read from their history before it is rolled back."""
    found: dict[str, list[dict]] = {}
    for sheet, model in SHEET_MODELS.items():
        fields = {"Organisations": ["name"], "Contacts": ["organisation_id", "role", "name"],
                  "ThirdParties": ["organisation_id", "name"],
                  "Activities": ["organisation_id", "reference", "name"]}.get(sheet, ["activity_id"])
        found[sheet] = list(model.history.filter(
            history_id__gt=marks[sheet], history_path=ChangePath.IMPORT,
            history_user_id=getattr(user, "pk", None),
        ).values("history_type", *fields))
    activity_ids = {r["activity_id"] for s in PART_SHEETS for r in found[s]}
    activities = {pk: (org, ref) for pk, org, ref in ProcessingActivity.objects.filter(
        pk__in=activity_ids).values_list("pk", "organisation__name", "reference")}
    org_ids = {r["organisation_id"] for s in ("Contacts", "ThirdParties", "Activities")
               for r in found[s]}
    organisations = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))

    out: dict[str, dict[str, dict]] = {sheet: {"+": {}, "~": {}, "-": {}} for sheet in SHEET_MODELS}
    for sheet, records in found.items():
        for r in records:
            if sheet == "Organisations":
                key, label = r["name"], r["name"]
            elif sheet in PART_SHEETS:
                org, ref = activities.get(r["activity_id"], ("", str(r["activity_id"])))
                key, label = (org, ref), f"{org} · {ref}"
            else:
                org = organisations.get(r["organisation_id"], "")
                if sheet == "Contacts":
                    key, label = (org, r["role"], r["name"]), f"{org} · {r['name']} ({r['role']})"
                elif sheet == "ThirdParties":
                    key, label = (org, r["name"]), f"{org} · {r['name']}"
                else:
                    key, label = (org, r["reference"]), f"{org} · {r['reference']} {r['name']}"
            out[sheet][r["history_type"]][key] = label
    return out


def dry_run(data: bytes, filename: str, user, sheets: list[readers.RawSheet]
            ) -> tuple[ImportSummary, list[SheetPreview]]:
    """What importing the workbook would do, with nothing written.

    The import runs in full inside a transaction that is always rolled back, so the
    records it wrote can be named from their history before they vanish.
    """
    with transaction.atomic():
        marks = _history_marks()
        summary = import_workbook(data, filename, user=user, dry_run=False)
        touched = _touched(marks, user)
        transaction.set_rollback(True)
    summary.dry_run = True
    keys = _workbook_keys(sheets)
    previews = []
    for spec in SHEETS:
        counts = summary.counts.get(spec.name) or {}
        preview = SheetPreview(spec.name, *(counts.get(k, 0) for k in (
            "created", "updated", "unchanged", "removed")))
        written = touched[spec.name]
        if preview.part:
            preview.activities = Names.of(
                label for kind in written.values() for label in kind.values())
        else:
            created = written["+"]
            updated = {k: v for k, v in {**written["~"], **written["-"]}.items() if k not in created}
            preview.created_names = Names.of(created.values())
            preview.updated_names = Names.of(updated.values())
            preview.unchanged_names = Names.of(
                label for key, label in keys.get(spec.name, {}).items()
                if key not in created and key not in updated)
        if any((preview.created, preview.updated, preview.unchanged, preview.removed,
                preview.created_names, preview.updated_names)):
            previews.append(preview)
    return summary, previews


def error_rows(errors: list[RowError]) -> list[dict]:
    rows = []
    for error in errors[:ERRORS_SHOWN]:
        value = error.value
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        rows.append({"sheet": error.sheet, "row": error.row, "column": error.column,
                     "value": "" if value is None else str(value), "message": error.message})
    return rows
