"""The rows of a workbook as the import holds them, its summary, and how it reports a
problem (sheet, row, column, value).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from processing.exports.workbook import SHEETS, SheetSpec

from .errors import RowError
from .readers import RawSheet

_NOTHING = object()


@dataclass
class Row:
    sheet: SheetSpec
    number: int
    values: dict
    raw: dict

    @property
    def activity_key(self) -> tuple[str, str]:
        return (self.values["organisation"], self.values.get("activity") or self.values.get("reference"))


@dataclass
class ImportSummary:
    """What the import created, changed, left as it was and removed, per sheet."""

    dry_run: bool
    kind: str
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    #: Sheets the workbook left out: that kind of data is left as it is.
    absent: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        out = [f"Workbook read as {self.kind}; {'dry run: nothing written' if self.dry_run else 'imported'}."]
        for spec in SHEETS:
            c = self.counts.get(spec.name)
            if not c:
                continue
            out.append(f"{spec.name}: " + ", ".join(
                f"{c[k]} {verb} {k}" for k in ("created", "updated", "unchanged", "removed") if c[k]
            ))
        if self.absent:
            out.append("Sheets left out, so left as they are: " + ", ".join(self.absent) + ".")
        return out

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "kind": self.kind,
                "counts": {k: dict(v) for k, v in self.counts.items()}, "absent": self.absent}


class Problems(list):
    """The problems found, each with the stage that found it: the import checks and writes
    a chunk of activities at a time, and reports its problems as if it had checked every
    cell of the file, then every reference, then written (:meth:`in_order`)."""

    def __init__(self):
        super().__init__()
        #: (stage, sheet) of each problem: 0 cells (sheet: its place in the file),
        #: 1 references (sheet: its place in ``SHEETS``), 2 the writes.
        self.stages: list[tuple[int, int]] = []
        self.stage = (0, 0)

    def append(self, problem: RowError) -> None:
        super().append(problem)
        self.stages.append(self.stage)

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)

    def in_order(self) -> list[RowError]:
        order = sorted(range(len(self)), key=self.stages.__getitem__)  # stable: rows in order
        return [self[i] for i in order]


class ImporterBase:
    """What every stage of the import shares: the rows, the summary, the problems.

    ``rows`` holds the rows being checked and written: every row of the Organisations,
    Contacts and ThirdParties sheets, and of the other sheets those of one chunk of
    activities (the activities and their parts) at a time."""

    def __init__(self, sheets: list[RawSheet], summary: ImportSummary):
        self.raw = sheets
        self.summary = summary
        self.errors = Problems()
        self.rows: dict[str, list[Row]] = {spec.name: [] for spec in SHEETS}
        #: The sheets the workbook holds: a sheet left out leaves that kind of data as it is.
        self.present: set[str] = set()

    # -- reporting
    def error(self, row: Row | None, key: str, message: str, value=_NOTHING, sheet: str = ""):
        heading = ""
        if row is not None:
            heading = next((c.heading for c in row.sheet.columns if c.key == key), key)
            if value is _NOTHING:
                value = row.raw.get(key, "")
        self.errors.append(RowError(
            sheet=row.sheet.name if row is not None else sheet,
            row=row.number if row is not None else None, column=heading,
            value="" if value is _NOTHING else value, message=message,
        ))

    def service_error(self, row: Row, exc: Exception):
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                key = {"position": "number", "__all__": ""}.get(name, name)
                for message in messages:
                    self.error(row, key, message, value=row.raw.get(key, "") if key else "")
        else:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            for message in messages:
                self.error(row, "", message, value="")

    def bulk_refused(self, refused, origin: dict[int, Row]) -> None:
        """Each problem of a bulk write the services refused (``BulkRefused``), on the row
        its object came from (``origin``: by the object's id), or on none."""
        for obj, error in refused.problems:
            row = origin.get(id(obj))
            if row is None:
                self.errors.append(RowError("", None, "", "", " ".join(error.messages)))
            else:
                self.service_error(row, error)

    # -- writing through the services
    def call(self, row: Row, fn: Callable, **kwargs):
        try:
            return fn(**kwargs)
        except (ValidationError, IntegrityError, TypeError) as exc:
            self.service_error(row, exc)
            return None

    def count(self, sheet: str, what: str, n: int = 1):
        self.summary.counts[sheet][what] += n
