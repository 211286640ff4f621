"""``GET /api/v1/register/diff/?organisation=ID&from=MOMENT&to=MOMENT``: what changed in
an organisation's register between two moments (``processing.diff``). Scoped as reads are:
an organisation the user is not a member of answers 404, as a missing one does."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from entities.models import Organisation
from processing.diff import BadPeriod, as_dict, register_diff
from processing.register import BadMoment, parse_as_of
from processing.register.moments import ACCEPTED

from .fields import parse_id
from .filters import ID_SCHEMA
from .moments import AS_OF_SCHEMA
from .serializers import ErrorResponseSerializer
from .serializers.diff import RegisterDiffSerializer


def _moment(request, name: str, *, required: bool):
    raw = request.query_params.get(name)
    if raw is None:
        if required:
            raise ValidationError({name: [f"Give '{name}': {ACCEPTED}."]})
        return None
    try:
        return parse_as_of(raw)
    except BadMoment as exc:
        raise ValidationError({name: [str(exc)]}) from None


class RegisterDiffView(APIView):
    @extend_schema(
        operation_id="register_diff",
        summary="What changed in an organisation's register between two moments",
        description=(
            "Activities added, retired (or deleted) and changed between `from` and `to`, "
            "each change field by field with its old and new value, parts and links "
            "included, written as the history writes them (docs/api.md, \"Register diff\"). "
            "A change undone within the period is not listed: the register is compared as "
            "it stood at each moment."),
        parameters=[
            OpenApiParameter("organisation", ID_SCHEMA, OpenApiParameter.QUERY, required=True,
                             description="The organisation (its id)."),
            OpenApiParameter("from", AS_OF_SCHEMA, OpenApiParameter.QUERY, required=True,
                             description=f"Compare from the register as it stood then: {ACCEPTED}."),
            OpenApiParameter("to", AS_OF_SCHEMA, OpenApiParameter.QUERY, required=False,
                             description="Compare to the register as it stood then (same "
                                         "forms; without it: now). Not before `from`."),
        ],
        responses={
            200: RegisterDiffSerializer,
            **{code: OpenApiResponse(ErrorResponseSerializer, description=text) for code, text in (
                (400, "A parameter is missing or not valid, or `from` is after `to`: the "
                      "error names it."),
                (401, "No credentials, or credentials that are not valid."),
                (404, "No such organisation among those you are a member of."))},
        },
    )
    def get(self, request):
        raw_id = request.query_params.get("organisation")
        if raw_id is None:
            raise ValidationError({"organisation": ["Give the organisation's id."]})
        organisation_id = parse_id(raw_id)
        if organisation_id is None:
            raise ValidationError({"organisation": [f"'{raw_id[:40]}' is not an id."]})
        from_moment = _moment(request, "from", required=True)
        to_moment = _moment(request, "to", required=False) or timezone.now()
        if not Organisation.objects.for_user(request.user).filter(pk=organisation_id).exists():
            raise Http404
        try:
            diff = register_diff(organisation_id, from_moment, to_moment)
        except BadPeriod as exc:
            raise ValidationError({exc.parameter: [str(exc)]}) from None
        return Response(RegisterDiffSerializer(as_dict(diff)).data)
