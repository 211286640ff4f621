"""The OpenAPI schema says what the API does: a write body that names a field the API does
not know is refused, so write components forbid additional properties; the read-only
fields of the matching read (sent back by a client that PUTs what it GOT) are listed as
read-only, accepted and ignored."""

from __future__ import annotations

from rest_framework import serializers

from .fields import StrictFieldsMixin


def _component(serializer_class) -> str:
    return serializer_class.__name__.removesuffix("Serializer")


def _strict_serializers(cls=serializers.Serializer):
    for sub in cls.__subclasses__():
        if issubclass(sub, StrictFieldsMixin) and sub.read_shape is not None:
            yield sub
        yield from _strict_serializers(sub)


def strict_write_components(result, generator, request, public):
    schemas = result.get("components", {}).get("schemas", {})
    for serializer_class in set(_strict_serializers()):
        read = schemas.get(_component(serializer_class.read_shape), {})
        for prefix in ("", "Patched"):
            component = schemas.get(f"{prefix}{_component(serializer_class)}Request")
            if component is None:
                continue
            properties = component.setdefault("properties", {})
            for name, spec in read.get("properties", {}).items():
                if name not in properties:
                    properties[name] = {"readOnly": True, "description": (
                        "Shown by a read; accepted and ignored when sent back. "
                        + spec.get("description", "")).strip()}
            component["additionalProperties"] = False
    return result
