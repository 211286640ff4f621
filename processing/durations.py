"""Retention periods written as ISO 8601 durations: ``P7Y``, ``P12M``, ``P30D``, or a
range ``P1Y..P6Y`` when the period depends on the case."""

from __future__ import annotations

from dataclasses import dataclass

import isodate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_DAYS_PER_YEAR = 365.25
_DAYS_PER_MONTH = _DAYS_PER_YEAR / 12


@dataclass(frozen=True)
class RetentionPeriod:
    minimum: str
    maximum: str

    @property
    def is_range(self) -> bool:
        return self.minimum != self.maximum

    @property
    def maximum_days(self) -> float:
        return duration_days(self.maximum)

    @property
    def minimum_days(self) -> float:
        return duration_days(self.minimum)

    def __str__(self):
        return self.minimum if not self.is_range else f"{self.minimum}..{self.maximum}"

    def humanize(self) -> str:
        if not self.is_range:
            return humanize_duration(self.minimum)
        return _("%(minimum)s to %(maximum)s") % {
            "minimum": humanize_duration(self.minimum), "maximum": humanize_duration(self.maximum)}


def _parse_one(text: str, whole: str):
    if not text.startswith("P") or text.endswith(("P", "T")):
        raise ValidationError(
            _("'%(value)s' is not an ISO 8601 duration: write it like P7Y, P12M, P30D or P1Y..P6Y.")
            % {"value": whole}
        )
    try:
        duration = isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError):
        raise ValidationError(
            _("'%(value)s' is not an ISO 8601 duration: write it like P7Y, P12M, P30D or P1Y..P6Y.")
            % {"value": whole}
        ) from None
    if duration_days_of(duration) <= 0:
        raise ValidationError(_("A retention period must be longer than zero: '%(value)s'.")
                              % {"value": whole})
    return duration


def duration_days_of(duration) -> float:
    if isinstance(duration, isodate.Duration):
        years, months = float(duration.years), float(duration.months)
        rest = duration.tdelta
    else:
        years = months = 0.0
        rest = duration
    return years * _DAYS_PER_YEAR + months * _DAYS_PER_MONTH + rest.total_seconds() / 86400


def duration_days(text: str) -> float:
    return duration_days_of(isodate.parse_duration(text))


def parse_period(value: str) -> RetentionPeriod:
    """Parse ``P7Y`` or ``P1Y..P6Y``; raise ValidationError naming the value when wrong."""
    text = (value or "").strip().upper()
    if not text:
        raise ValidationError(_("The retention period is empty."))
    parts = text.split("..")
    if len(parts) > 2:
        raise ValidationError(
            _("'%(value)s' is not a retention period: give one duration or a range MIN..MAX.")
            % {"value": value}
        )
    durations = [_parse_one(part.strip(), value) for part in parts]
    if len(durations) == 2 and duration_days_of(durations[0]) > duration_days_of(durations[1]):
        raise ValidationError(
            _("In the range '%(value)s' the minimum is longer than the maximum.") % {"value": value}
        )
    return RetentionPeriod(minimum=parts[0].strip(), maximum=parts[-1].strip())


def _amount(unit: str, amount) -> str:
    count = int(amount) if float(amount) == int(amount) else 2  # 1.5 years: plural
    words = {
        "Y": ngettext("%(amount)s year", "%(amount)s years", count),
        "M": ngettext("%(amount)s month", "%(amount)s months", count),
        "W": ngettext("%(amount)s week", "%(amount)s weeks", count),
        "D": ngettext("%(amount)s day", "%(amount)s days", count),
    }[unit]
    return words % {"amount": amount}


_UNITS = ("Y", "M", "W", "D")


def humanize_duration(text: str) -> str:
    """``P7Y`` -> "7 years", ``P1Y6M`` -> "1 year 6 months" (in the active language)."""
    duration = isodate.parse_duration(text)
    if isinstance(duration, isodate.Duration):
        amounts = {"Y": duration.years, "M": duration.months, "D": duration.tdelta.days}
    else:
        days = duration.days
        amounts = {"W": days // 7, "D": days % 7} if days % 7 == 0 else {"D": days}
    words = []
    for unit in _UNITS:
        amount = amounts.get(unit)
        if amount:
            amount = int(amount) if float(amount).is_integer() else amount
            words.append(_amount(unit, amount))
    return " ".join(words) or text
