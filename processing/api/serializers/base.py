"""The base of the read serializers, and the error shape every answer shares."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers


class ReadSerializer(serializers.ModelSerializer):
    """Base of the read serializers: a link or an email left blank is an empty string,
    so the schema shows them as plain strings rather than as URIs or addresses."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: serializers.CharField,
        models.EmailField: serializers.CharField,
    }


# --- errors -------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text="The input at fault (``lawful_bases[0].basis``), or null."
    )
    code = serializers.CharField()
    message = serializers.CharField()
    value = serializers.JSONField(
        required=False, help_text="The value sent for the field, when the body held one.")


class ErrorResponseSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)
