"""Relation fields that name their target the way integrators do: reference terms and
countries by their stable code, register objects by id. Unknown values answer 400
with the field and the value; nothing malformed reaches the database."""

from __future__ import annotations

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField

_CODE = re.compile(r"^[A-Za-z0-9_.:()-]{1,64}$")
_MAX_ID = 2**63 - 1


class AllErrorsManyField(ManyRelatedField):
    """A list of related values that reports every bad item, not only the first: each
    error names its position (``data_categories[2]``) and the value."""

    def to_internal_value(self, data):
        if isinstance(data, str) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        found, problems = [], {}
        for index, item in enumerate(data):
            try:
                found.append(self.child_relation.to_internal_value(item))
            except serializers.ValidationError as exc:
                problems[index] = exc.detail
        if problems:
            raise serializers.ValidationError(problems)
        return found


class _ManyReportsAll:
    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return AllErrorsManyField(**list_kwargs)


#: Where the codes of each kind of term are listed, for the error that names a bad one.
CODE_LISTS = {
    "data category": "data-categories", "data subject category": "data-subject-categories",
    "lawful basis": "lawful-bases", "country": "countries",
    "transfer mechanism": "transfer-mechanisms", "security measure": "security-measures",
    "recipient category": "recipient-categories",
    "Art 9 condition": "special-category-conditions",
    "Schedule 1 condition": "schedule1-conditions",
}

#: The schema of a code as a write accepts it: the code, or the term as read.
CODE_SCHEMA = {"anyOf": [
    {"type": "string"},
    {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"],
     "description": "The term as a read answer shows it: only its code is read."},
]}
#: The schema of an id as a write accepts it: the id, or the object as read.
ID_SCHEMA = {"anyOf": [
    {"type": "integer"},
    {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"],
     "description": "The object as a read answer shows it: only its id is read."},
]}


@extend_schema_field(CODE_SCHEMA)
class CodeField(_ManyReportsAll, serializers.SlugRelatedField):
    """A reference term (or a country) given by its ``code``: the code alone, or the term
    as a read answer shows it (an object with its ``code`` and labels), so what a GET
    returns a PUT accepts."""

    default_error_messages = {
        "does_not_exist": "Unknown {label} code '{value}'{listed}.",
        "invalid": "Give the {label} code as a string.",
    }

    def fail(self, key, **kwargs):
        endpoint = CODE_LISTS.get(self.label_text)
        kwargs.setdefault("listed", f" (the codes are listed at /api/v1/{endpoint}/)" if endpoint
                          else "")
        super().fail(key, **kwargs)

    def __init__(self, label_text: str, slug_field: str = "code", **kwargs):
        self.label_text = label_text
        super().__init__(slug_field=slug_field, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, dict) and isinstance(data.get(self.slug_field), str):
            data = data[self.slug_field]
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


@extend_schema_field(ID_SCHEMA)
class IdField(_ManyReportsAll, serializers.PrimaryKeyRelatedField):
    """A register object (organisation, third party) given by its id, among those the
    requesting user may see: the id alone, or the object as a read answer shows it (with
    its ``id``)."""

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
        if isinstance(data, dict) and "id" in data:
            data = data["id"]
        number = parse_id(data)
        if number is None:
            if isinstance(data, int) and not isinstance(data, bool):
                self.unknown(data)
            self.fail("incorrect_type", label=self.label_text, data_type=type(data).__name__)
        obj = self.get_queryset().filter(pk=number).first()
        if obj is None:
            self.unknown(number)
        return obj


class StrictFieldsMixin:
    """A write serializer that refuses what it does not know: a field that is neither
    writable nor shown by the matching read (``read_shape``) is a 400 that names it, so a
    misspelt field is never silently dropped; the read-only fields of a read answer sent
    back unchanged are accepted and ignored."""

    read_shape: type[serializers.Serializer] | None = None

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = set(self.fields)
            if self.read_shape is not None:
                known |= set(_read_fields(self.read_shape))
            errors = {key: [serializers.ErrorDetail(
                "Unknown field: check its name against the API schema.", code="unknown_field")]
                for key in sorted(str(key) for key in data if key not in known)}
            # Lengths as sent (the schema's maxLength), before a field trims the text.
            errors.update({
                name: [serializers.ErrorDetail(
                    f"At most {field.max_length} characters, not {len(data[name])}.",
                    code="max_length")]
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField) and field.max_length
                and isinstance(data.get(name), str) and len(data[name]) > field.max_length
            })
            if errors:
                try:
                    super().to_internal_value(data)
                except serializers.ValidationError as exc:
                    if isinstance(exc.detail, dict):
                        errors = {**exc.detail, **errors}
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


_READ_FIELDS: dict[type, tuple[str, ...]] = {}


def _read_fields(serializer_class) -> tuple[str, ...]:
    if serializer_class not in _READ_FIELDS:
        _READ_FIELDS[serializer_class] = tuple(serializer_class().fields)
    return _READ_FIELDS[serializer_class]
