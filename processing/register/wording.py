"""Wording shared by the records (:mod:`processing.register.records`): choice labels in
the active language, the register's one language while a document is written, and a
retention rule in full words. Each is worked out once per distinct value and language:
a whole-register export asks the same few of every record."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils.translation import get_language, gettext, override

from processing.models.retention import DeletionMethod, describe_retention


def choice_label(choices, value: str) -> str:
    """The label of a choice in the active language; a value outside the choices as it is."""
    return choice_labels(choices, get_language()).get(value, value)


@functools.lru_cache(maxsize=256)
def choice_labels(choices, language: str | None) -> dict[str, str]:
    """The labels of a choices class in ``language`` (the active one when asked), by value.

    A whole-register export asks the same few labels of every record: each class is
    listed and translated once per language."""
    return {value: str(label) for value, label in choices.choices}


#: Whether the register is being written in French, while it is written in one language
#: (:func:`one_language`); None otherwise.
_IN_FRENCH: ContextVar[bool | None] = ContextVar("register_in_french", default=None)


def in_french() -> bool:
    """Whether French is the active language (the CNIL layout is written under it)."""
    french = _IN_FRENCH.get()
    if french is None:
        return (get_language() or "").startswith("fr")
    return french


@contextlib.contextmanager
def one_language() -> Iterator[None]:
    """Inside, the language active on entry is the register's: its names and articles are
    worded in it without asking Django each time (``get_language()`` costs microseconds,
    and a document names thousands of terms). For work done in one language, such as an
    export that does not switch languages partway."""
    token = _IN_FRENCH.set(in_french())
    try:
        yield
    finally:
        _IN_FRENCH.reset(token)


@functools.lru_cache(maxsize=4096)
def in_full(period: str, trigger: str, trigger_description: str, legal_source: str,
             criteria: str, maximum: bool, deletion_method: str, language: str | None) -> str:
    """A retention rule's ``describe_in_full`` (:mod:`processing.register.records`) in
    ``language``: worked out once for each distinct rule, as :func:`describe_retention` is
    (a register repeats its rules, and their wording cost an export of 20,000 rules more
    than a second)."""
    with override(language):
        text = describe_retention(period=period, trigger=trigger,
                                  trigger_description=trigger_description,
                                  legal_source=legal_source, criteria=criteria, maximum=maximum)
        if not deletion_method:
            return text
        return gettext("%(rule)s; then %(end)s") % {
            "rule": text, "end": choice_label(DeletionMethod, deletion_method)}
