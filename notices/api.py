"""``GET /api/v1/organisations/{id}/privacy-notice/?format=html|md|pdf[&as_of=...]``: the
organisation's privacy notice, drafted from its active activities and kept as a version.

Any member of the organisation may ask for it; for anyone else the organisation does not
exist (404, as for a missing one).
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from entities.models import Organisation
from processing.api.moments import AS_OF
from processing.exports.views import _FirstRenderer
from processing.register import BadMoment, parse_as_of

from .drafting import NoticeError
from .rendering import FORMATS
from .services import generate_notice

_error = inline_serializer("PrivacyNoticeError", fields={
    "parameter": serializers.CharField(), "detail": serializers.CharField(),
})


class PrivacyNoticeView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    # ``format`` names the notice's format here, not a DRF renderer.
    content_negotiation_class = _FirstRenderer

    @extend_schema(
        operation_id="organisation_privacy_notice",
        summary="The organisation's privacy notice (Art 13/14)",
        description=(
            "Drafted from the organisation's active activities, as the register stands or "
            "as it stood at `as_of`, in HTML, Markdown or PDF. Each notice is kept as a "
            "version; asking again with the register unchanged gives the same version "
            "(header `X-Notice-Version`)."),
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(FORMATS), required=True,
                             description="Format of the notice."),
            AS_OF,
        ],
        responses={
            **{(200, content_type.split(";")[0]): OpenApiResponse(
                OpenApiTypes.BINARY if content_type == "application/pdf" else OpenApiTypes.STR,
                description="The notice.") for content_type in FORMATS.values()},
            400: OpenApiResponse(_error, description="A parameter is wrong."),
            404: OpenApiResponse(description="No such organisation among yours."),
        },
    )
    def get(self, request, pk: int):
        params = request.query_params
        fmt = params.get("format", "")
        if fmt not in FORMATS:
            return _bad("format", f"Unknown or missing format '{fmt}': use one of "
                        f"{', '.join(FORMATS)}.")
        as_of = None
        if "as_of" in params:
            try:
                as_of = parse_as_of(params["as_of"])
            except BadMoment as exc:
                return _bad("as_of", str(exc))
        if not Organisation.objects.for_user(request.user).filter(pk=pk).exists():
            return Response({"detail": "No such organisation."}, status=404)
        try:
            generated = generate_notice(organisation_id=pk, as_of=as_of, user=request.user)
        except NoticeError as exc:
            return Response({"detail": str(exc)}, status=404)
        response = HttpResponse(generated.render(fmt), content_type=FORMATS[fmt])
        response["X-Notice-Version"] = str(generated.version.version)
        if fmt == "pdf":
            response["Content-Disposition"] = (
                f'attachment; filename="privacy-notice-{pk}-v{generated.version.version}.pdf"')
        return response


def _bad(parameter: str, detail: str) -> Response:
    return Response({"parameter": parameter, "detail": detail}, status=400)
