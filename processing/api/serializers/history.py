"""The history of a register object: one entry per recorded version."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ropa.audit import ChangePath


@extend_schema_field({"nullable": True, "description": "Any JSON value: a string, number, "
                      "boolean, list (links, by code or id) or object (a part added or removed)."})
class AnyValueField(serializers.JSONField):
    pass


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=(
        "The field that changed: `name`, or a part's field, `lawful_bases[A6-1-f].citation`, "
        "or a part added or removed, `purposes[12]` (lawful bases are keyed by their code, "
        "other parts by id)."))
    old = AnyValueField(help_text="The value before (null: none, or the part did not exist).")
    new = AnyValueField(help_text="The value after (null: none, or the part was removed).")


class HistoryEntrySerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=(
        "The version this change made: for an activity, the version its ETag and every "
        "export show; otherwise the change's place in the object's history (1, 2...)."))
    date = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True, help_text="Who made it (null: not known).")
    path = serializers.ChoiceField(
        choices=[*ChangePath.values, ""],
        help_text="Through what: admin, api, import, task, command... (empty: not recorded).")
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"],
                                   help_text="What the change did to the object.")
    changes = FieldChangeSerializer(many=True)
    reason = serializers.CharField(help_text=(
        "Why, where the change says so: an approval over open error findings keeps the "
        "DPO's reason (empty otherwise)."))

