"""The register diff: what changed in an organisation's register between two moments."""

from __future__ import annotations

from rest_framework import serializers

from ropa.audit import ChangePath

from .history import FieldChangeSerializer


class ActivityDiffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="The reference at 'to' (at 'from' when it "
                                                "was deleted).")
    name = serializers.CharField()
    how = serializers.ChoiceField(
        choices=["", "retired", "deleted"],
        help_text="For a retired activity: retired (kept, with its history) or deleted; "
                  "empty otherwise.")
    version_from = serializers.IntegerField(
        allow_null=True, help_text="Its version at 'from' (null: it did not exist then).")
    version_to = serializers.IntegerField(
        allow_null=True, help_text="Its version at 'to' (null: it was deleted).")
    changed_at = serializers.DateTimeField(
        allow_null=True, help_text="When its last change up to 'to' was made.")
    changed_by = serializers.CharField(
        allow_null=True, help_text="Who made that change (null: not known).")
    path = serializers.ChoiceField(
        choices=[*ChangePath.values, ""],
        help_text="Through what that change was made (empty: not recorded).")
    changes = FieldChangeSerializer(many=True, help_text=(
        "Field by field, old value at 'from' and new value at 'to', named and written as in "
        "the history (`/activities/{id}/history/`): its fields, links as sorted lists of "
        "codes or ids, and its parts (`lawful_bases[A6-1-f].purposes`, `recipients[7]`). An "
        "added activity lists every field it has; a deleted one every field it had."))


class RegisterDiffSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(help_text="The organisation's id.")
    # "from" is a keyword: the fields are named in the answer by their source.
    from_ = serializers.CharField(help_text="The moment compared from, as read: a day (its "
                                            "end) or an instant.")
    to = serializers.CharField(help_text="The moment compared to.")
    added = ActivityDiffSerializer(many=True, help_text=(
        "Activities at 'to' that did not exist at 'from'."))
    retired = ActivityDiffSerializer(many=True, help_text=(
        "Activities retired or deleted between the two moments."))
    changed = ActivityDiffSerializer(many=True, help_text=(
        "Other activities whose fields, links or parts differ between the two moments."))

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return {name: fields[name] for name in
                ("organisation", "from", "to", "added", "retired", "changed")}
