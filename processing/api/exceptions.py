"""One error shape for every API error.

``{"errors": [{"field": "data_categories", "code": "invalid", "message": "..."}]}``:
``field`` names the input at fault (``lawful_bases[0].basis`` inside nested lists), or
is null when the error is about the request as a whole.
"""

from __future__ import annotations

import math
import re

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from processing.services import StaleWrite


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it: fetch it again."
    default_code = "stale"


def _join(prefix: str | None, key) -> str | None:
    if isinstance(key, int):
        return f"{prefix or ''}[{key}]"
    if key in (api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS):
        return prefix
    return f"{prefix}.{key}" if prefix else str(key)


def flatten(details, prefix: str | None = None) -> list[dict]:
    """DRF's nested ``get_full_details()`` as a flat list of {field, code, message}."""
    if isinstance(details, dict) and set(details) == {"message", "code"}:
        return [{"field": prefix, "code": str(details["code"]), "message": str(details["message"])}]
    errors: list[dict] = []
    if isinstance(details, dict):
        for key, value in details.items():
            if isinstance(key, str) and key.isdigit():
                key = int(key)
            errors.extend(flatten(value, _join(prefix, key)))
    elif isinstance(details, list):
        for index, value in enumerate(details):
            # A list of error details belongs to one field; a list of dicts is a nested list.
            is_item = isinstance(value, dict) and set(value) != {"message", "code"}
            errors.extend(flatten(value, _join(prefix, index) if is_item else prefix))
    return errors


def django_errors(exc: DjangoValidationError) -> list[dict]:
    """A Django ValidationError (from a service or a model's clean) in the API shape."""
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.error_list)]
    errors = []
    for field, error_list in items:
        name = None if field in (None, NON_FIELD_ERRORS) else field
        for error in error_list:
            for message in error.messages:
                errors.append({"field": name, "code": error.code or "invalid", "message": message})
    return errors


def error_response(errors: list[dict], status_code: int, headers=None) -> Response:
    return Response({"errors": errors}, status=status_code, headers=headers)


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_MISSING = object()


def _sent(data, path: str | None):
    """The value the client sent at ``path`` (``contacts[1].email``), or _MISSING."""
    if not path:
        return _MISSING
    value = data
    for name, index in _STEP.findall(path):
        try:
            value = value[int(index)] if index else value[name]
        except (KeyError, IndexError, TypeError, ValueError):
            return _MISSING
    return value


def with_values(errors: list[dict], request) -> list[dict]:
    """Each error with the value sent for its field, when the request body has one."""
    try:
        data = request.data if request is not None else None
    except exceptions.APIException:  # a body that did not parse has no values to echo
        return errors
    if not isinstance(data, dict):
        return errors
    for error in errors:
        value = _sent(data, error.get("field"))
        if isinstance(value, str):
            error["value"] = value[:200]
        elif value is None or (isinstance(value, (bool, int)) and abs(value) < 2**63) or (
                isinstance(value, float) and math.isfinite(value)):
            error["value"] = value
    return errors


def exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, StaleWrite):
        return error_response(django_errors(exc), status.HTTP_412_PRECONDITION_FAILED)
    if isinstance(exc, DjangoValidationError):
        errors = with_values(django_errors(exc), request)
        # A sound request the object's state forbids (approving a retired activity).
        conflict = bool(errors) and all(e["code"] == "state" for e in errors)
        return error_response(errors, status.HTTP_409_CONFLICT if conflict
                              else status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        response.data = {"errors": with_values(flatten(exc.get_full_details()), request)}
    return response
