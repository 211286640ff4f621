"""The register's one read model: typed records (``records``) and the reader that makes
them from the current tables or the history (``reader``)."""

from .reader import activity_rows, end_of_day, read_activities, read_activity, read_register
from .records import Register

__all__ = ["Register", "activity_rows", "end_of_day", "read_activities", "read_activity", "read_register"]
