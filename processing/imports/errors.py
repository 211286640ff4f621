"""What an import reports: every problem, with where it is and the value found."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str
    value: object
    message: str

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        value = f" (value: {self.value!r})" if self.value not in ("", None, []) else ""
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}{value}" if prefix else f"{self.message}{value}"

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "value": self.value, "message": self.message}


class ImportFailed(Exception):
    """The workbook was refused; nothing was written. ``errors`` says every reason."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
