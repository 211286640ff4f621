"""The register's one read model: typed records (``records``) and the reader that makes
them from the current tables or the history (``reader``)."""

from .batches import read_register
from .moments import BadMoment, as_of_text, cutoff, end_of_day, parse_as_of
from .reader import activity_rows, read_activities, read_activity
from .records import Register

__all__ = ["BadMoment", "Register", "activity_rows", "as_of_text", "cutoff", "end_of_day",
           "parse_as_of", "read_activities", "read_activity", "read_register"]
