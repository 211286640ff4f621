"""Stage 1 of the import: every sheet, heading and cell checked and parsed."""

from __future__ import annotations

import datetime

from processing.exports.workbook import BOOL, DATE, MULTI, NUMBER, SHEETS_BY_NAME, TEXT

from .errors import RowError
from .rows import ImporterBase, Row

_TRUE, _FALSE = {"yes", "y", "true", "1", "oui", "x"}, {"no", "n", "false", "0", "non"}


def _parse(kind: str, value, key: str):
    """(python value, error message or None) for a cell of ``kind``."""
    if kind == MULTI:
        if isinstance(value, list):
            items = [str(v).strip() for v in value]
        elif isinstance(value, (str, int, float)):
            items = [line.strip() for line in str(value).replace("\r\n", "\n").split("\n")]
        else:
            return [], "Expected a list of values, one per line."
        return [i for i in items if i], None
    if isinstance(value, (list, dict)):
        return None, "Expected a single value, not a list."
    if kind == BOOL:
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text == "":
            return None, None
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return None, "Expected Yes or No."
    if kind == DATE:
        text = str(value).strip()
        if not text:
            return None, None
        try:
            return datetime.date.fromisoformat(text[:10]), None
        except ValueError:
            return None, "Expected a date written YYYY-MM-DD."
    if kind == NUMBER:
        text = str(value).strip()
        if not text:
            return None, None
        try:
            number = int(float(text))
        except ValueError:
            return None, "Expected a whole number."
        if number < 1 or number != float(text):
            return None, "Expected a whole number from 1."
        return number, None
    text = "" if value is None else str(value)
    if key in _CODE_KEYS:
        text = text.strip()
    return text, None


_CODE_KEYS = {"organisation", "activity", "reference", "name", "role", "kind", "category", "country",
              "parent", "jurisdiction", "owner", "owner_email", "status", "group_organisation", "basis",
              "third_party", "mechanism", "data_category", "trigger", "deletion_method",
              "dpia_required", "dpia_status", "period", "recognised_interest"}


class CellParsing(ImporterBase):
    # -- stage 1: cells
    def open_sheets(self) -> None:
        """Check every sheet's name and headings; the rows of the sheets known are then
        parsed as they are asked for (:meth:`parse_rows`)."""
        #: sheet name -> (its place in the file, its spec, the sheet read)
        self.sheets: dict[str, tuple[int, object, object]] = {}
        for position, raw in enumerate(self.raw):
            self.errors.stage = (0, position)
            spec = SHEETS_BY_NAME.get(raw.name)
            if spec is None:
                self.errors.append(RowError(raw.name, None, "", raw.name, (
                    f"Unknown sheet '{raw.name}': the workbook has the sheets "
                    f"{', '.join(SHEETS_BY_NAME)}.")))
                continue
            if raw.name in self.sheets:
                self.errors.append(RowError(raw.name, None, "", raw.name, "The sheet appears twice."))
                continue
            self.sheets[raw.name] = (position, spec, raw)
            self.present.add(raw.name)
            by_heading = {c.heading: c for c in spec.columns}
            for heading in raw.headings:
                if heading not in by_heading:
                    self.errors.append(RowError(raw.name, 1, heading, heading, (
                        "Unknown column: check the spelling against docs/workbook-format.md.")))

    def parse_rows(self, name: str):
        """The rows of sheet ``name``, each checked and parsed as it is read (none when the
        workbook does not hold the sheet). The cells of the known columns are checked
        even when a heading is unknown: one pass reports every problem of the file."""
        if name not in self.sheets:
            return
        position, spec, raw = self.sheets[name]
        first = True
        rows, raw.rows = iter(raw.rows), ()  # handed over: memory holds each row once
        for number, cells in rows:
            self.errors.stage = (0, position)
            if first:
                first = False
                for column in spec.columns:
                    if column.required and column.heading not in raw.headings:
                        self.errors.append(RowError(raw.name, 1, column.heading, "",
                                                    "A required column is missing."))
            row = Row(spec, number, {}, {})
            if "__invalid__" in cells:
                self.error(row, "", "A row must be an object of column -> value.",
                           value=cells["__invalid__"])
                continue
            if "__extra__" in cells:
                self.error(row, "", "Values found to the right of the last column.",
                           value=cells["__extra__"])
            for column in spec.columns:
                value = cells.get(column.heading, "")
                row.raw[column.key] = value
                if column.kind == TEXT and type(value) is str:  # most cells
                    parsed, problem = (value.strip() if column.key in _CODE_KEYS else value), None
                else:
                    parsed, problem = _parse(column.kind, value, column.key)
                if problem:
                    self.error(row, column.key, problem)
                row.values[column.key] = parsed
                if column.required and parsed in ("", None, []) and not problem:
                    self.error(row, column.key, "This column cannot be empty.")
            yield row
