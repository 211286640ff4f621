"""``GET /api/v1/export/?format=...&as_of=...&organisation=...``: the register as a file.

The same files as ``manage.py export_register``. A user exports only the organisations
it is a member of (any role: auditors and API clients read the register).
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from entities.models import Organisation
from processing.api.filters import ID_SCHEMA
from processing.api.moments import AS_OF
from processing.models import ActivityStatus
from processing.register import BadMoment, parse_as_of

from .cells import ValueTooLong
from .registry import FORMATS, LAYOUTS, export_register, filename


class _FirstRenderer(BaseContentNegotiation):
    """``format`` names the export layout here, not a DRF renderer: errors answer JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


_error = inline_serializer("ExportError", fields={
    "parameter": serializers.CharField(), "detail": serializers.CharField(),
})


class RegisterExportView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _FirstRenderer

    @extend_schema(
        operation_id="register_export",
        summary="Export the register as a file",
        description=(
            "The register of the organisations you are a member of (or of one of them), "
            "as it stands or as it stood at `as_of` (the end of a day, or an instant), in the "
            "ICO or CNIL layout, "
            "the project's workbook (xlsx, zip of csv, ods, json), W3C DPV JSON-LD or PDF."
        ),
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(FORMATS), required=True,
                             description="Layout of the file."),
            AS_OF,
            OpenApiParameter("organisation", ID_SCHEMA, required=False,
                             description="Only this organisation (its id)."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(ActivityStatus.values),
                             required=False, description="Only activities with this status."),
        ],
        responses={
            **{(200, content_type): OpenApiResponse(
                OpenApiTypes.OBJECT if content_type.endswith("json") else OpenApiTypes.BINARY,
                description="The file.")
               for content_type in sorted({layout.content_type for layout in LAYOUTS.values()})},
            400: OpenApiResponse(_error, description="A parameter is wrong."),
            404: OpenApiResponse(description="No such organisation among yours."),
        },
    )
    def get(self, request):
        params = request.query_params
        fmt = params.get("format", "")
        if fmt not in LAYOUTS:
            return self._bad("format", f"Unknown or missing format '{fmt}': use one of "
                             f"{', '.join(FORMATS)}.")
        as_of = None
        if "as_of" in params:
            try:
                as_of = parse_as_of(params["as_of"])
            except BadMoment as exc:
                return self._bad("as_of", str(exc))
        status = params.get("status") or None
        if status and status not in ActivityStatus.values:
            return self._bad("status", f"Unknown status '{status}': use one of "
                             f"{', '.join(ActivityStatus.values)}.")
        allowed = Organisation.objects.for_user(request.user).values_list("pk", flat=True)
        if params.get("organisation"):
            try:
                organisation = int(params["organisation"])
            except ValueError:
                return self._bad("organisation", f"'{params['organisation']}' is not an organisation id.")
            if not Organisation.objects.for_user(request.user).filter(pk=organisation).exists():
                return Response({"detail": "No such organisation."}, status=404)
            organisation_ids = [organisation]
        else:
            organisation_ids = list(allowed)
        try:
            content, layout = export_register(fmt, organisation_ids=organisation_ids,
                                              status=status, as_of=as_of)
        except ValueTooLong as exc:
            return self._bad("format", str(exc))
        response = HttpResponse(content, content_type=layout.content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename(layout, as_of)}"'
        return response

    @staticmethod
    def _bad(parameter: str, detail: str) -> Response:
        return Response({"parameter": parameter, "detail": detail}, status=400)
