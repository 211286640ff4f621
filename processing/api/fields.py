"""Relation fields that name their target the way integrators do: reference terms and
countries by their stable code, register objects by id. Unknown values answer 400
with the field and the value; nothing malformed reaches the database."""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

_CODE = re.compile(r"^[A-Za-z0-9_.:()-]{1,64}$")
_MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.SlugRelatedField):
    """A reference term (or a country) given by its ``code``."""

    default_error_messages = {
        "does_not_exist": "Unknown {label} code '{value}'.",
        "invalid": "Give the {label} code as a string.",
    }

    def __init__(self, label_text: str, slug_field: str = "code", **kwargs):
        self.label_text = label_text
        super().__init__(slug_field=slug_field, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", label=self.label_text)
        if not _CODE.match(data):
            self.fail("does_not_exist", label=self.label_text, value=data[:80])
        queryset = self.get_queryset()
        obj = queryset.filter(**{self.slug_field: data}).first()
        if obj is None:
            self.fail("does_not_exist", label=self.label_text, value=data)
        return obj


def parse_id(value) -> int | None:
    """A positive database id from JSON or a query string, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return None
    return number if 0 < number <= _MAX_ID else None


@extend_schema_field(OpenApiTypes.INT)
class IdField(serializers.PrimaryKeyRelatedField):
    """A register object (organisation, third party) given by its id, among those the
    requesting user may see."""

    default_error_messages = {
        "does_not_exist": "Unknown {label} id {value}.",
        "incorrect_type": "Give the {label} id as a whole number, not {data_type}.",
    }

    def __init__(self, label_text: str, **kwargs):
        self.label_text = label_text
        super().__init__(**kwargs)

    def get_queryset(self):
        """Only the objects the requesting user may see: one of another organisation's
        register is as unknown as an id that does not exist (the same code and message),
        so ids cannot be probed."""
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is not None and hasattr(queryset, "for_user"):
            queryset = queryset.for_user(request.user)
        return queryset

    def unknown(self, value):
        """Refuse ``value`` as an id that does not exist."""
        self.fail("does_not_exist", label=self.label_text, value=value)

    def to_internal_value(self, data):
        number = parse_id(data)
        if number is None:
            if isinstance(data, int) and not isinstance(data, bool):
                self.unknown(data)
            self.fail("incorrect_type", label=self.label_text, data_type=type(data).__name__)
        obj = self.get_queryset().filter(pk=number).first()
        if obj is None:
            self.unknown(number)
        return obj
