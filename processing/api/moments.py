"""``?as_of=``: a day or an instant, read by the one parser of the register
(:func:`processing.register.parse_as_of`); a bad value is a 400 that names it."""

from __future__ import annotations

import datetime

from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from processing.register import BadMoment, parse_as_of
from processing.register.moments import ACCEPTED

#: A day or an instant, as the schema states it.
AS_OF_SCHEMA = {"anyOf": [{"type": "string", "format": "date"},
                          {"type": "string", "format": "date-time"}]}

AS_OF = OpenApiParameter(
    "as_of", AS_OF_SCHEMA, OpenApiParameter.QUERY, required=False,
    description=f"The register as it stood then: {ACCEPTED}. Percent-encode a '+' offset "
                "(%2B01:00).",
)


def as_of_param(request) -> datetime.date | datetime.datetime | None:
    """The ``as_of`` of the query (None when absent; empty is not a moment: a 400)."""
    raw = request.query_params.get("as_of")
    if raw is None:
        return None
    try:
        return parse_as_of(raw)
    except BadMoment as exc:
        raise ValidationError({"as_of": [str(exc)]}) from None
