"""What every rule of the findings engine is made of: a finding, a rule, the list the rules
register in, and the facts of a record the rules share."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass

from django.db import models
from django.utils.translation import get_language, gettext, gettext_lazy

from ..models import ProcessingActivity
from ..register import read_activity
from ..register.records import Activity


class Severity(models.TextChoices):
    ERROR = "error", gettext_lazy("error")
    WARNING = "warning", gettext_lazy("warning")
    INFO = "info", gettext_lazy("info")


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Where:
    """Where a finding is fixed, more precisely than its field: a field of one part of the
    activity (``part_id``, ``part_field``: the LIA link of that basis), or another record
    that holds the fix (``record``: ``("entities.thirdparty", id)``, the processor whose
    contract is missing). The admin links there; the API keeps to ``field``."""

    part_id: int | None = None
    part_field: str = ""
    record: tuple[str, int] | None = None


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    field: str = ""
    article: str = ""
    # Not compared: two findings of the same rule and message are the same finding.
    where: Where | None = dataclasses.field(default=None, compare=False)

    def as_dict(self) -> dict:
        found = asdict(self)
        del found["where"]
        return found


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    article: str
    title: str
    check: Callable[[Activity, datetime.date], Iterable[tuple[str, str]]]


RULES: list[Rule] = []


def rule(code: str, severity: str, article: str, title: str):
    """Register a rule. The function yields (field, message) pairs, one per finding, or
    (field, message, where) with a :class:`Where` that says more precisely where to fix it."""

    def register(func):
        RULES.append(Rule(code, severity, article, title, func))
        return func

    return register


#: Messages in each language, translated once: the rules run for every activity of a
#: register, and a message looked up in the catalogues each time costs more than the rule.
_TRANSLATED: dict[str | None, dict[str, str]] = {}
#: The messages of the language the rules run in, while they run (``translating``): the
#: language is then asked for once per activity, not once per message.
_running: ContextVar[dict[str, str] | None] = ContextVar("findings_messages", default=None)


def _messages() -> dict[str, str]:
    language = get_language()
    messages = _TRANSLATED.get(language)
    if messages is None:
        messages = _TRANSLATED[language] = {}
    return messages


@contextmanager
def translating():
    """Run rules in the active language, with its messages at hand."""
    token = _running.set(_messages())
    try:
        yield
    finally:
        _running.reset(token)


def _(message: str) -> str:
    """``message`` in the active language (a rule's message, formatted as it is made)."""
    messages = _running.get()
    if messages is None:
        messages = _messages()
    text = messages.get(message)
    if text is None:
        text = messages[message] = gettext(message)
    return text


def as_record(activity: Activity | ProcessingActivity) -> Activity:
    """The record of ``activity`` (a record already, or a saved activity read as stored)."""
    if isinstance(activity, Activity):
        return activity
    record = read_activity(activity.pk)
    if record is None:
        raise ProcessingActivity.DoesNotExist(f"No activity {activity.pk}.")
    return record


def _is_controller(activity: Activity) -> bool:
    return activity.is_controller_record


def _categories(activity):
    return activity.data_categories


def _bases(activity):
    return activity.lawful_bases
