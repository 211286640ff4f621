"""Import of the register from the project's workbook (xlsx, ods, zip of csv, json)."""

from .errors import ImportFailed, RowError
from .workbook import ImportSummary, import_workbook

__all__ = ["ImportFailed", "ImportSummary", "RowError", "import_workbook"]
