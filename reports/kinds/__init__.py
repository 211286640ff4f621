"""The report kinds: one module each, all producing a ``ReportContent``.

``build(report, previous)`` receives the report being produced and the previous report
of the same kind and organisation (or None), for the trend.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError

from ..models import ReportKind
from . import changes, health, reviews, transfers
from .base import Chart, Figure, ReportContent, Section

BUILDERS: dict[str, Callable] = {
    ReportKind.HEALTH: health.build,
    ReportKind.REVIEWS: reviews.build,
    ReportKind.CHANGES: changes.build,
    ReportKind.TRANSFERS: transfers.build,
}


def check_kind(kind: str) -> str:
    """``kind`` when it is a report kind; a ValidationError naming the kinds otherwise."""
    if kind not in BUILDERS:
        raise ValidationError(
            {"kind": f"Unknown report kind '{kind}': use one of {', '.join(ReportKind.values)}."},
            code="unknown_kind",
        )
    return str(kind)


__all__ = ["BUILDERS", "Chart", "Figure", "ReportContent", "Section", "check_kind"]
