"""``as_of``: the moment the register is read at, written as a day or as a date-time.

One parser for every place that takes it: the API (``?as_of=``), ``export_register
--as-of``, the admin's as-of page. A day means its end in the register's time zone
(everything changed that day is in); a date-time means that instant, so two changes of
one day can be told apart.
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

#: What an error says is accepted.
ACCEPTED = ("a date, YYYY-MM-DD (the end of that day in the register's time zone), or an "
            "ISO 8601 date-time such as 2026-03-01T14:30:00, 2026-03-01T14:30:00+01:00 or "
            "2026-03-01T13:30:00Z (without an offset: the register's time zone)")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
                        r"(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)
#: ``+01:00`` in a query string not percent-encoded arrives as `` 01:00``.
_PLUS_AS_SPACE = re.compile(r"^(.*T\S*) (\d{2}:?\d{2})$", re.IGNORECASE)


class BadMoment(ValueError):
    """``as_of`` is neither a date nor an ISO 8601 date-time; the message says so."""

    def __init__(self, value: str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        super().__init__(f"'{shown}' is not a date or a date-time: write {ACCEPTED}.")


def parse_as_of(value: str) -> datetime.date | datetime.datetime:
    """The day (a ``date``) or the instant (an aware ``datetime``) ``value`` names."""
    text = value.strip()
    try:
        if _DATE.match(text):
            return datetime.date.fromisoformat(text)
        text = _PLUS_AS_SPACE.sub(r"\1+\2", text)
        if not _DATE_TIME.match(text):
            raise ValueError
        moment = datetime.datetime.fromisoformat(text.upper())
    except ValueError:
        raise BadMoment(value) from None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # The same instant in UTC: any offset ISO 8601 allows (up to 24 hours) reaches the
        # database as one it accepts. An instant before year 1 in UTC names nothing.
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise BadMoment(value) from None


class AsOfCleaning:
    """A form's ``as_of`` text field cleaned to the moment it names (None when empty), or
    refused on the field with :class:`BadMoment`'s message."""

    def clean_as_of(self):
        from django import forms

        value = self.cleaned_data["as_of"].strip()
        if not value:
            return None
        try:
            return parse_as_of(value)
        except BadMoment as exc:
            raise forms.ValidationError(str(exc)) from None


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the register's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1),
                                                         datetime.time.min))


def cutoff(as_of: datetime.date | datetime.datetime) -> datetime.datetime:
    """The instant a read as of ``as_of`` stops before: the end of a day, or the moment
    itself (a change made at that very instant is in)."""
    if isinstance(as_of, datetime.datetime):
        return as_of + datetime.timedelta(microseconds=1)
    return end_of_day(as_of)


def as_of_text(as_of: datetime.date | datetime.datetime) -> str:
    """``as_of`` as answers show it: the day, or the instant in the register's time zone."""
    if isinstance(as_of, datetime.datetime):
        return timezone.localtime(as_of).isoformat()
    return as_of.isoformat()
